//! The trash: list its files, empty it.

use super::{Call, Expect, Target, list_call};
use crate::error::Error;
use crate::models::{FileSortBy, TypeFilter};
use crate::url::Seg;
use serde::Deserialize;
use tsify::Tsify;

/// Options of a trash list (the API has no `source` filter here).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListTrash {
    /// Page size, 1–1000 (the API's default is 50).
    #[tsify(optional)]
    pub limit: Option<u32>,
    /// Sort order (default `CREATED_DATE_DESC`).
    #[tsify(optional, type = "FileSortBy")]
    pub sort_by: Option<FileSortBy>,
    /// Only images or only documents (default `ALL`).
    #[tsify(optional, type = "TypeFilter")]
    #[serde(rename = "type")]
    pub kind: Option<TypeFilter>,
    /// The cursor of a previous page; the other options are then ignored.
    #[tsify(optional)]
    pub next: Option<String>,
}

const TRASH: [Seg<'static>; 3] = [Seg::Lit("folders"), Seg::Lit("trash"), Seg::Lit("files")];

/// A page of the files in the trash (their status is `Deleted`).
pub fn list(t: &Target, o: &ListTrash) -> Result<Call, Error> {
    let filters = [
        ("sort_by", o.sort_by.as_ref().map(|s| s.as_str())),
        ("type", o.kind.as_ref().map(|k| k.as_str())),
    ];
    list_call(t, &TRASH, &o.next, o.limit, &filters)
}

/// Deletes every file in the trash for good.
pub fn empty(t: &Target) -> Call {
    t.call("DELETE", &TRASH, &[], None, Expect::Nothing)
}

impl ListTrash {
    /// Every file in the trash, with the API's defaults.
    ///
    /// ```
    /// use ctct_mylibrary::api::trash::ListTrash;
    /// use ctct_mylibrary::models::{FileSortBy, TypeFilter};
    /// let o = ListTrash::new().kind(TypeFilter::Documents).sort_by(FileSortBy::Name);
    /// assert_eq!(o.kind, Some(TypeFilter::Documents));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
    /// Only images or only documents.
    #[must_use]
    pub fn kind(mut self, kind: TypeFilter) -> Self {
        self.kind = Some(kind);
        self
    }
}

list_builders!(ListTrash, FileSortBy);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trash_urls() {
        let t = Target {
            base: "http://h/v2".into(),
            api_key: None,
        };
        let o = ListTrash {
            kind: Some(TypeFilter::Documents),
            sort_by: Some(FileSortBy::Name),
            ..Default::default()
        };
        assert_eq!(
            list(&t, &o).unwrap().url,
            "http://h/v2/library/folders/trash/files?sort_by=NAME&type=DOCUMENTS"
        );
        assert_eq!(empty(&t).method, "DELETE");
        assert!(serde_json::from_str::<ListTrash>(r#"{"source":"ALL"}"#).is_err());
    }
}
