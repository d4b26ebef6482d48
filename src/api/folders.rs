//! Folders: list, get, create, update, delete.

use super::{Call, Expect, FOLDER_NAME_MAX, Target, check_text, json_object, list_call};
use crate::error::Error;
use crate::models::FolderSortBy;
use crate::url::{Seg, check_id};
use serde::Deserialize;
use tsify::Tsify;

/// Options of a folder list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListFolders {
    /// Page size, 1–1000 (the API's default is 50).
    #[tsify(optional)]
    pub limit: Option<u32>,
    /// Sort order (default `CREATED_DATE_DESC`).
    #[tsify(optional, type = "FolderSortBy")]
    pub sort_by: Option<FolderSortBy>,
    /// The cursor of a previous page; the other options are then ignored, as the API requires.
    #[tsify(optional)]
    pub next: Option<String>,
}

/// A page of top-level folders.
pub fn list(t: &Target, o: &ListFolders) -> Result<Call, Error> {
    list_call(
        t,
        &[Seg::Lit("folders")],
        &o.next,
        o.limit,
        &[("sort_by", o.sort_by.as_ref().map(|s| s.as_str()))],
    )
}

/// One folder, with its sub-folders.
pub fn get(t: &Target, folder_id: &str) -> Result<Call, Error> {
    check_id("folderId", folder_id)?;
    Ok(t.call(
        "GET",
        &[Seg::Lit("folders"), Seg::Id(folder_id)],
        &[],
        None,
        Expect::Json,
    ))
}

/// Checks a folder name: 1–40 characters, ISO-8859-1 only.
pub fn check_name(name: &str) -> Result<(), Error> {
    check_text("name", name, FOLDER_NAME_MAX)?;
    if let Some(c) = name.chars().find(|&c| c as u32 > 0xFF) {
        return Err(Error::invalid_argument(format!(
            "folder names support only ISO-8859-1 characters; \"{c}\" is not one"
        )));
    }
    Ok(())
}

/// Creates a folder (never retried: a repeat could create it twice).
pub fn create(t: &Target, name: &str, parent_id: Option<&str>) -> Result<Call, Error> {
    check_name(name)?;
    if let Some(p) = parent_id {
        check_id("parentId", p)?;
    }
    let body = json_object(&[("name", Some(name)), ("parent_id", parent_id)]);
    Ok(t.call(
        "POST",
        &[Seg::Lit("folders")],
        &[],
        Some(body),
        Expect::Json,
    ))
}

/// Renames or moves a folder. `name` is required by the API; `parent_id` `"0"` moves the
/// folder to the top level, `None` leaves it where it is.
pub fn update(
    t: &Target,
    folder_id: &str,
    name: &str,
    parent_id: Option<&str>,
    include_payload: bool,
) -> Result<Call, Error> {
    check_id("folderId", folder_id)?;
    check_name(name)?;
    if let Some(p) = parent_id {
        check_id("parentId", p)?;
    }
    let body = json_object(&[("name", Some(name)), ("parent_id", parent_id)]);
    let q = [(
        "include_payload",
        if include_payload { "TRUE" } else { "FALSE" }.to_string(),
    )];
    let expect = if include_payload {
        Expect::Json
    } else {
        Expect::Nothing
    };
    Ok(t.call(
        "PUT",
        &[Seg::Lit("folders"), Seg::Id(folder_id)],
        &q,
        Some(body),
        expect,
    ))
}

/// Deletes a folder.
pub fn delete(t: &Target, folder_id: &str) -> Result<Call, Error> {
    check_id("folderId", folder_id)?;
    Ok(t.call(
        "DELETE",
        &[Seg::Lit("folders"), Seg::Id(folder_id)],
        &[],
        None,
        Expect::Nothing,
    ))
}

impl ListFolders {
    /// All top-level folders, with the API's defaults.
    ///
    /// ```
    /// use ctct_mylibrary::api::folders::ListFolders;
    /// use ctct_mylibrary::models::FolderSortBy;
    /// let o = ListFolders::new().limit(10).sort_by(FolderSortBy::Name);
    /// assert_eq!(o.limit, Some(10));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

list_builders!(ListFolders, FolderSortBy);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::test_target;
    use crate::error::ErrorCode;

    #[test]
    fn list_sends_next_alone() {
        let o = ListFolders {
            limit: Some(5),
            sort_by: Some(FolderSortBy::NameDesc),
            next: None,
        };
        assert_eq!(
            list(&test_target(), &o).unwrap().url,
            "http://h/v2/library/folders?limit=5&sort_by=NAME_DESC&api_key=k"
        );
        let o = ListFolders {
            next: Some("b2Zm+/=".into()),
            ..o
        };
        assert_eq!(
            list(&test_target(), &o).unwrap().url,
            "http://h/v2/library/folders?next=b2Zm%2B%2F%3D&api_key=k"
        );
        for l in [0, 1001] {
            assert_eq!(
                list(
                    &test_target(),
                    &ListFolders {
                        limit: Some(l),
                        ..Default::default()
                    }
                )
                .unwrap_err()
                .code(),
                ErrorCode::InvalidArgument
            );
        }
    }

    #[test]
    fn names_are_checked() {
        assert!(create(&test_target(), "Café Müller ½", None).is_ok());
        assert!(create(&test_target(), &"é".repeat(40), None).is_ok());
        for bad in ["", "   ", "写真", "€uro", &"x".repeat(41)] {
            assert_eq!(
                create(&test_target(), bad, None).unwrap_err().code(),
                ErrorCode::InvalidArgument,
                "{bad:?}"
            );
        }
        let c = create(&test_target(), "a\"b", Some("-4")).unwrap();
        assert_eq!(
            (c.method, c.json_body.as_deref()),
            ("POST", Some(r#"{"name":"a\"b","parent_id":"-4"}"#))
        );
        let u = update(&test_target(), "-4", "x", None, false).unwrap();
        assert_eq!(
            u.url,
            "http://h/v2/library/folders/-4?include_payload=FALSE&api_key=k"
        );
        assert_eq!(
            (u.json_body.as_deref(), u.expect),
            (Some(r#"{"name":"x"}"#), Expect::Nothing)
        );
        assert!(delete(&test_target(), "..").is_err());
    }

    #[test]
    fn options_refuse_unknown_values() {
        let bad: Result<ListFolders, _> = serde_json::from_str(r#"{"sortBy": "SIZE"}"#);
        assert!(bad.is_err());
        let bad: Result<ListFolders, _> = serde_json::from_str(r#"{"limit": 1.5}"#);
        assert!(bad.is_err());
        let bad: Result<ListFolders, _> = serde_json::from_str(r#"{"limt": 5}"#);
        assert!(bad.is_err(), "a misspelt option is refused, not ignored");
    }
}
