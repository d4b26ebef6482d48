//! Files: list (all, or one folder's), get, update, delete to trash, move.

use super::{
    Call, Expect, FILE_NAME_MAX, ID_CHARS_PER_URL, IDS_PER_REQUEST, Target, check_description,
    check_text, json_object, json_string, list_call,
};
use crate::error::Error;
use crate::models::{FileSortBy, SourceFilter, TypeFilter};
use crate::url::{Seg, check_id, check_list_id, chunk_ids};
use serde::Deserialize;
use tsify::Tsify;

/// Options of a file list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListFiles {
    /// Only the files of this folder (`"0"`: the files in no folder).
    #[tsify(optional)]
    pub folder_id: Option<String>,
    /// Page size, 1–1000 (the API's default is 50).
    #[tsify(optional)]
    pub limit: Option<u32>,
    /// Sort order (default `CREATED_DATE_DESC`).
    #[tsify(optional, type = "FileSortBy")]
    pub sort_by: Option<FileSortBy>,
    /// Only files from this source (default `ALL`).
    #[tsify(optional, type = "SourceFilter")]
    pub source: Option<SourceFilter>,
    /// Only images or only documents (default `ALL`).
    #[tsify(optional, type = "TypeFilter")]
    #[serde(rename = "type")]
    pub kind: Option<TypeFilter>,
    /// The cursor of a previous page; the other options but `folderId` are then ignored.
    #[tsify(optional)]
    pub next: Option<String>,
}

/// A page of files.
pub fn list(t: &Target, o: &ListFiles) -> Result<Call, Error> {
    let owned_folder;
    let segs: Vec<Seg<'_>> = match &o.folder_id {
        Some(f) => {
            check_id("folderId", f)?;
            owned_folder = f.clone();
            vec![
                Seg::Lit("folders"),
                Seg::Id(&owned_folder),
                Seg::Lit("files"),
            ]
        }
        None => vec![Seg::Lit("files")],
    };
    let filters = [
        ("sort_by", o.sort_by.as_ref().map(|s| s.as_str())),
        ("source", o.source.as_ref().map(|s| s.as_str())),
        ("type", o.kind.as_ref().map(|k| k.as_str())),
    ];
    list_call(t, &segs, &o.next, o.limit, &filters)
}

/// One file.
pub fn get(t: &Target, file_id: &str) -> Result<Call, Error> {
    check_id("fileId", file_id)?;
    Ok(t.call(
        "GET",
        &[Seg::Lit("files"), Seg::Id(file_id)],
        &[],
        None,
        Expect::Json,
    ))
}

/// The fields of a file update; `description` is required by the API.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileUpdate<'a> {
    /// A new name (at most 80 characters).
    pub name: Option<&'a str>,
    /// The description (at most 100 characters).
    pub description: &'a str,
    /// Moves the file (`"0"`: to no folder).
    pub folder_id: Option<&'a str>,
}

/// Updates a file's name, description or folder.
pub fn update(
    t: &Target,
    file_id: &str,
    u: &FileUpdate<'_>,
    include_payload: bool,
) -> Result<Call, Error> {
    check_id("fileId", file_id)?;
    if let Some(n) = u.name {
        check_text("name", n, FILE_NAME_MAX)?;
    }
    check_description(u.description)?;
    if let Some(f) = u.folder_id {
        check_id("folderId", f)?;
    }
    let body = json_object(&[
        ("name", u.name),
        ("description", Some(u.description)),
        ("folder_id", u.folder_id),
    ]);
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
        &[Seg::Lit("files"), Seg::Id(file_id)],
        &q,
        Some(body),
        expect,
    ))
}

pub(crate) fn check_ids(ids: &[String]) -> Result<Vec<&str>, Error> {
    if ids.is_empty() {
        return Err(Error::invalid_argument(
            "fileIds must name at least one file",
        ));
    }
    ids.iter()
        .map(|id| check_list_id("fileId", id).map(|_| id.as_str()))
        .collect()
}

/// Moves files to the trash: one request per group of ids.
pub fn delete(t: &Target, file_ids: &[String]) -> Result<Vec<Call>, Error> {
    let ids = check_ids(file_ids)?;
    Ok(chunk_ids(&ids, ID_CHARS_PER_URL, IDS_PER_REQUEST)
        .iter()
        .map(|c| {
            t.call(
                "DELETE",
                &[Seg::Lit("files"), Seg::Ids(c)],
                &[],
                None,
                Expect::Nothing,
            )
        })
        .collect())
}

/// Moves files into a folder (`"0"`: to no folder): one request per group of ids.
pub fn move_to(t: &Target, folder_id: &str, file_ids: &[String]) -> Result<Vec<Call>, Error> {
    check_id("folderId", folder_id)?;
    let ids = check_ids(file_ids)?;
    Ok(chunk_ids(&ids, usize::MAX, IDS_PER_REQUEST)
        .iter()
        .map(|c| {
            let mut body = String::from("[");
            for (n, id) in c.iter().enumerate() {
                if n > 0 {
                    body.push(',');
                }
                body.push_str(&json_string(id));
            }
            body.push(']');
            t.call(
                "PUT",
                &[Seg::Lit("folders"), Seg::Id(folder_id), Seg::Lit("files")],
                &[],
                Some(body),
                Expect::Json,
            )
        })
        .collect())
}

impl ListFiles {
    /// All files, with the API's defaults.
    ///
    /// ```
    /// use ctct_mylibrary::api::files::ListFiles;
    /// use ctct_mylibrary::models::{FileSortBy, SourceFilter, TypeFilter};
    /// let o = ListFiles::new().folder("-1").limit(100).sort_by(FileSortBy::SizeDesc).source(SourceFilter::MyComputer).kind(TypeFilter::Images);
    /// assert_eq!(o.folder_id.as_deref(), Some("-1"));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
    /// Only this folder's files (`"0"`: the files in no folder).
    #[must_use]
    pub fn folder(mut self, folder_id: impl Into<String>) -> Self {
        self.folder_id = Some(folder_id.into());
        self
    }
    /// Only files from this source.
    #[must_use]
    pub fn source(mut self, source: SourceFilter) -> Self {
        self.source = Some(source);
        self
    }
    /// Only images or only documents.
    #[must_use]
    pub fn kind(mut self, kind: TypeFilter) -> Self {
        self.kind = Some(kind);
        self
    }
}

list_builders!(ListFiles, FileSortBy);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::test_target;
    use crate::error::ErrorCode;

    #[test]
    fn list_urls() {
        let o = ListFiles {
            folder_id: Some("-4".into()),
            limit: Some(10),
            sort_by: Some(FileSortBy::SizeDesc),
            source: Some(SourceFilter::MyComputer),
            kind: Some(TypeFilter::Images),
            next: None,
        };
        assert_eq!(
            list(&test_target(), &o).unwrap().url,
            "http://h/v2/library/folders/-4/files?limit=10&sort_by=SIZE_DESC&source=MyComputer&type=IMAGES&api_key=k"
        );
        assert_eq!(
            list(&test_target(), &ListFiles::default()).unwrap().url,
            "http://h/v2/library/files?api_key=k"
        );
        let o = ListFiles {
            next: Some("abc".into()),
            ..ListFiles::default()
        };
        assert_eq!(
            list(&test_target(), &o).unwrap().url,
            "http://h/v2/library/files?next=abc&api_key=k"
        );
        let o = ListFiles {
            folder_id: Some("../info".into()),
            ..ListFiles::default()
        };
        assert_eq!(
            list(&test_target(), &o).unwrap().url,
            "http://h/v2/library/folders/..%2Finfo/files?api_key=k"
        );
        let parsed: ListFiles =
            serde_json::from_str(r#"{"folderId":"-1","type":"DOCUMENTS","sortBy":"NAME"}"#)
                .unwrap();
        assert_eq!(
            (parsed.kind, parsed.sort_by),
            (Some(TypeFilter::Documents), Some(FileSortBy::Name))
        );
        assert!(
            serde_json::from_str::<ListFiles>(r#"{"sortBy":"ADDED_DATE"}"#).is_err(),
            "aliases are not request values"
        );
    }

    #[test]
    fn updates_and_lists_of_ids() {
        let u = FileUpdate {
            name: None,
            description: "d",
            folder_id: Some("0"),
        };
        let with = |f: &FileUpdate| update(&test_target(), "9", f, true);
        let c = with(&u).unwrap();
        assert_eq!(
            c.json_body.as_deref(),
            Some(r#"{"description":"d","folder_id":"0"}"#)
        );
        let long_description = "d".repeat(101);
        let long_name = "n".repeat(81);
        assert!(
            with(&FileUpdate {
                description: &long_description,
                ..u.clone()
            })
            .is_err()
        );
        assert!(
            with(&FileUpdate {
                name: Some(&long_name),
                ..u.clone()
            })
            .is_err()
        );
        assert!(
            with(&FileUpdate {
                name: Some("日本語 #?.png"),
                ..u
            })
            .is_ok()
        );
        let ids: Vec<String> = (1..=250).map(|i| i.to_string()).collect();
        let calls = delete(&test_target(), &ids).unwrap();
        assert_eq!(calls.len(), 3);
        assert!(calls[0].url.starts_with("http://h/v2/library/files/1,2,3,"));
        let moves = move_to(&test_target(), "-1", &ids[..3]).unwrap();
        assert_eq!(moves[0].json_body.as_deref(), Some(r#"["1","2","3"]"#));
        assert_eq!(
            delete(&test_target(), &[]).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert_eq!(
            delete(&test_target(), &["1,2".into()]).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert_eq!(
            delete(&test_target(), &["".into()]).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
    }
}
