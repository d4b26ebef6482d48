//! Uploads: checking a file before it is sent, the multipart form's fields, upload status.

use super::{
    Call, Expect, FILE_NAME_MAX, ID_CHARS_PER_URL, IDS_PER_REQUEST, Target, check_description,
    check_text,
};
use crate::error::Error;
use crate::models::{FileSource, FileStatus, FileType};
use crate::url::{Seg, check_id, chunk_ids};

/// The documented upload limit, used until `getInfo` has reported the account's.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 5_242_880;

/// The text fields of an upload's multipart form, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadForm {
    /// `file_name`.
    pub file_name: String,
    /// `file_type`.
    pub file_type: FileType,
    /// `folder_id`; `"0"` when not given: the top level.
    pub folder_id: String,
    /// `description` (may be empty).
    pub description: String,
    /// `source` (default `MyComputer`).
    pub source: FileSource,
}

/// What the caller said about an upload.
#[derive(Clone, Debug, Default)]
pub struct UploadRequest<'a> {
    /// The file's name (at most 80 characters).
    pub file_name: &'a str,
    /// The type; inferred from the name, then from `mime`, when `None`.
    pub file_type: Option<&'a str>,
    /// The folder; the top level when `None`.
    pub folder_id: Option<&'a str>,
    /// The description (at most 100 characters).
    pub description: Option<&'a str>,
    /// The source (case-insensitive; default `MyComputer`).
    pub source: Option<&'a str>,
    /// The data's MIME type, if known (a Blob's `type`).
    pub mime: Option<&'a str>,
    /// Size of the data in bytes.
    pub size: u64,
}

/// Checks an upload before anything is sent.
pub fn check(u: &UploadRequest<'_>, max_bytes: u64) -> Result<UploadForm, Error> {
    check_text("fileName", u.file_name, FILE_NAME_MAX)?;
    let file_type = match u.file_type {
        Some(t) => FileType::known(&t.to_ascii_uppercase()).ok_or_else(|| {
            Error::invalid_argument(format!(
                "fileType \"{t}\" is not supported; use one of {}",
                FileType::VALUES.join(", ")
            ))
        })?,
        None => FileType::from_file_name(u.file_name)
            .or_else(|| u.mime.and_then(FileType::from_mime))
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "the type of \"{}\" cannot be inferred from its name or data; pass fileType",
                    u.file_name
                ))
            })?,
    };
    let source = match u.source {
        None => FileSource::MyComputer,
        Some(s) => FileSource::KNOWN
            .iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
            .cloned()
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "source \"{s}\" is not one of {}",
                    FileSource::VALUES.join(", ")
                ))
            })?,
    };
    let folder_id = u.folder_id.unwrap_or("0");
    check_id("folderId", folder_id)?;
    let description = u.description.unwrap_or("");
    check_description(description)?;
    if u.size == 0 {
        return Err(Error::invalid_argument("the upload's data is empty"));
    }
    if u.size > max_bytes {
        return Err(Error::invalid_argument(format!(
            "the upload is {} bytes; the account allows at most {max_bytes}",
            u.size
        )));
    }
    Ok(UploadForm {
        file_name: u.file_name.to_string(),
        file_type,
        folder_id: folder_id.to_string(),
        description: description.to_string(),
        source,
    })
}

/// The upload endpoint (`POST /library/files`, multipart; never retried).
pub fn upload_url(t: &Target) -> String {
    t.call("POST", &[Seg::Lit("files")], &[], None, Expect::Nothing)
        .url
}

/// Upload status of files: one request per group of ids.
pub fn status(t: &Target, file_ids: &[String]) -> Result<Vec<Call>, Error> {
    let ids = super::files::check_ids(file_ids)?;
    Ok(chunk_ids(&ids, ID_CHARS_PER_URL, IDS_PER_REQUEST)
        .iter()
        .map(|c| {
            t.call(
                "GET",
                &[Seg::Lit("files"), Seg::Lit("uploadstatus"), Seg::Ids(c)],
                &[],
                None,
                Expect::Json,
            )
        })
        .collect())
}

/// The new file's id from an upload answer: the `Id` header, else the last segment of
/// `Location` (the SDKs read one or the other).
pub fn new_file_id(id_header: Option<&str>, location: Option<&str>) -> Option<String> {
    if let Some(id) = id_header.map(str::trim).filter(|s| !s.is_empty()) {
        return Some(id.to_string());
    }
    let loc = location?.split(['?', '#']).next()?.trim_end_matches('/');
    let last = loc.rsplit('/').next()?;
    (!last.is_empty()).then(|| crate::url::percent_decode(last).unwrap_or_else(|| last.to_string()))
}

/// What waiting for an upload does with a status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaitStep {
    /// Done: the file is `Active`.
    Done,
    /// Still on the way: ask again.
    Again,
    /// Over: the upload failed.
    Failed(String),
}

/// Classifies an upload status for `waitForUpload`.
pub fn wait_step(status: Option<&FileStatus>) -> WaitStep {
    match status {
        None => WaitStep::Failed("the server does not know this file id".into()),
        Some(FileStatus::Active) => WaitStep::Done,
        Some(FileStatus::Uploaded | FileStatus::Processing) => WaitStep::Again,
        Some(s @ (FileStatus::VirusFound | FileStatus::Failed | FileStatus::Deleted)) => {
            WaitStep::Failed(format!("the upload ended {s}"))
        }
        Some(other) => WaitStep::Failed(format!("the upload has the unknown status {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn req(name: &str) -> UploadRequest<'_> {
        UploadRequest {
            file_name: name,
            size: 10,
            ..Default::default()
        }
    }

    #[test]
    fn types_are_inferred_and_checked() {
        assert_eq!(check(&req("a.PNG"), 100).unwrap().file_type, FileType::Png);
        assert_eq!(
            check(&req("report.docx"), 100).unwrap().file_type,
            FileType::Docx
        );
        let blob = UploadRequest {
            mime: Some("image/jpeg"),
            ..req("camera-upload")
        };
        assert_eq!(check(&blob, 100).unwrap().file_type, FileType::Jpg);
        assert_eq!(
            check(&req("a.bmp"), 100).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        let explicit = UploadRequest {
            file_type: Some("jpeg"),
            ..req("x")
        };
        assert_eq!(check(&explicit, 100).unwrap().file_type, FileType::Jpeg);
        let form = check(
            &UploadRequest {
                source: Some("mobile"),
                ..req("a.gif")
            },
            100,
        )
        .unwrap();
        assert_eq!(
            (
                form.source,
                form.folder_id.as_str(),
                form.description.as_str()
            ),
            (FileSource::Mobile, "0", "")
        );
    }

    #[test]
    fn sizes_and_names() {
        assert!(
            check(
                &UploadRequest {
                    size: 100,
                    ..req("a.png")
                },
                100
            )
            .is_ok()
        );
        assert!(
            check(
                &UploadRequest {
                    size: 101,
                    ..req("a.png")
                },
                100
            )
            .is_err()
        );
        assert!(
            check(
                &UploadRequest {
                    size: 0,
                    ..req("a.png")
                },
                100
            )
            .is_err()
        );
        assert!(check(&req(&format!("{}.png", "n".repeat(77))), 100).is_err());
        assert!(check(&req("Café #1 <b>.png"), 100).is_ok());
        assert!(
            check(
                &UploadRequest {
                    source: Some("Camera"),
                    ..req("a.png")
                },
                100
            )
            .is_err()
        );
    }

    #[test]
    fn ids_from_headers_and_wait_steps() {
        assert_eq!(new_file_id(Some("42"), None).as_deref(), Some("42"));
        assert_eq!(
            new_file_id(
                None,
                Some("https://api.d1.constantcontact.com/v2/library/files/123456789")
            )
            .as_deref(),
            Some("123456789")
        );
        assert_eq!(
            new_file_id(Some(" "), Some("/v2/library/files/7/")).as_deref(),
            Some("7")
        );
        assert_eq!(new_file_id(None, None), None);
        assert_eq!(wait_step(Some(&FileStatus::Processing)), WaitStep::Again);
        assert_eq!(wait_step(Some(&FileStatus::Active)), WaitStep::Done);
        assert!(matches!(
            wait_step(Some(&FileStatus::VirusFound)),
            WaitStep::Failed(_)
        ));
        assert!(matches!(wait_step(None), WaitStep::Failed(_)));
    }
}
