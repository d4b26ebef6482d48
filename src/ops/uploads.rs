//! Uploads: the upload's fields and their checks, the type inferred from a name or a MIME
//! type, upload status, and what waiting for an upload does with each status.

use super::params::{Description, FileName, Id, Ids, Param};
use crate::models::{FileSource, FileStatus, FileType, UploadStatus};
use crate::ops::{Refusal, operation};
use crate::url::Seg;
use std::borrow::Cow;

/// The documented upload limit, used until `getInfo` has reported the account's.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 5_242_880;

/// An upload's bytes: a `Vec<u8>` in Rust; in JavaScript a `Blob`, an `ArrayBuffer` or a typed
/// array, kept as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Data {
    pub(crate) bytes: Vec<u8>,
    #[cfg(target_arch = "wasm32")]
    pub(crate) js: Option<wasm_bindgen::JsValue>,
}

impl From<Vec<u8>> for Data {
    fn from(bytes: Vec<u8>) -> Data {
        #[allow(clippy::needless_update)] // wasm32 has one more field
        Data {
            bytes,
            ..Data::default()
        }
    }
}
impl From<&[u8]> for Data {
    fn from(bytes: &[u8]) -> Data {
        Data::from(bytes.to_vec())
    }
}

impl Param for Data {
    /// The bytes travel in the upload form, not as text.
    fn wire(&self) -> Cow<'_, str> {
        Cow::Borrowed("")
    }
}

operation! {
    /// Uploads a file (never retried automatically: a repeat could store it twice). Resolves
    /// with the new file's id once the API has accepted it; it is `Active` after the virus
    /// scan (see waiting for an upload).
    UploadFile: POST -> (), Nothing;
    params upload: "UploadParams" required;
    js uploadFile() -> "Promise<UploadResult>", hand;
    /// let id = client.files().upload(bytes, "photo.png").folder("-1").send().await?;
    /// let status = client.files().wait_until_active(&id).await?;
    /// assert_eq!(status.status, FileStatus::Active);
    rust Files::upload(data: Data = bytes, file_name: FileName = "photo.png") => id;
    fields {
        /// The file's bytes.
        req data: Data = param "data": "Blob | ArrayBuffer | ArrayBufferView" => none;
        /// Name and extension, 1–80 characters.
        req file_name: FileName = param "fileName": "string" => body "file_name";
        /// The type; inferred from the name's extension, then from a Blob's type, when left out.
        opt file_type: FileType = param "fileType": "FileType" => body "file_type", example FileType::Png;
        /// The folder (default: the top level, `"0"`).
        opt folder: Id = param "folderId": "string" => body "folder_id", example "-1";
        /// A description, at most 100 characters.
        opt description: Description = param "description": "string" => body "description", example "Spring sale banner";
        /// Where the file comes from (default `MyComputer`).
        opt source: FileSource = param "source": "FileSource" => body "source", example FileSource::MyComputer;
    }
    path(_op, _ids) { vec![Seg::Lit("files")] }
}

impl UploadFile {
    /// Completes the form before planning: the type (from the name, then from `mime`), the
    /// folder (`"0"`), the description (empty) and the source (`MyComputer`); then checks the
    /// size against the limit `(bytes, where it comes from)`.
    #[cfg_attr(not(any(target_arch = "wasm32", feature = "native")), allow(dead_code))]
    pub(crate) fn complete(
        &mut self,
        mime: Option<&str>,
        size: u64,
        (max_bytes, limit): (u64, &str),
    ) -> Result<(), Refusal> {
        if self.file_type.is_none() {
            self.file_type = Some(infer_type(&self.file_name, mime)?);
        }
        self.folder.get_or_insert_with(|| Id::from("0"));
        self.description.get_or_insert_with(Description::default);
        self.source.get_or_insert(FileSource::MyComputer);
        if size == 0 {
            return Err(("data", "is empty".into()));
        }
        if size > max_bytes {
            return Err((
                "data",
                format!("is {size} bytes; uploads may be at most {max_bytes} ({limit})"),
            ));
        }
        Ok(())
    }
}

/// The type of an upload named `name`: its extension's, else its MIME type's.
fn infer_type(name: &str, mime: Option<&str>) -> Result<FileType, Refusal> {
    let supported = super::params::listed(FileType::VALUES, ", ");
    match name.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.len() <= 5 && !ext.contains(' ') => {
            FileType::known(&ext.to_ascii_uppercase()).ok_or_else(|| {
                (
                    "file_name",
                    format!(
                        "is a .{ext} file, which MyLibrary does not take; it takes {supported}"
                    ),
                )
            })
        }
        _ => match mime.filter(|m| !m.is_empty()) {
            Some(m) => FileType::from_mime(m).ok_or_else(|| {
                (
                    "file_name",
                    format!(
                        "has no extension and its data is {m}, which MyLibrary does not take; it takes {supported}"
                    ),
                )
            }),
            None => Err((
                "file_type",
                format!(
                    "is needed: \"{name}\" has no extension to tell the type by; pass one of {supported}"
                ),
            )),
        },
    }
}

operation! {
    /// The upload status of files (ids the API does not know are left out, as it does). Long
    /// lists take several requests; an empty list sends none.
    GetUploadStatus: GET -> Vec<UploadStatus>, UploadStatuses;
    js getUploadStatus(file_ids as fileIds: "string | string[]") -> "Promise<UploadStatus[]>", fn get_upload_status;
    rust Files::upload_status(file_ids: Ids = ["1234", "1235"]) => statuses;
    fields {
        /// The files' ids.
        req file_ids: Ids = arg => ids;
    }
    path(_op, ids) { vec![Seg::Lit("files"), Seg::Lit("uploadstatus"), Seg::Ids(ids)] }
}

/// The new file's id from an upload answer: the `Id` header, else the last segment of
/// `Location` (the SDKs read one or the other).
///
/// ```
/// use ctct_mylibrary::ops::uploads::new_file_id;
/// assert_eq!(new_file_id(Some("42"), None).as_deref(), Some("42"));
/// let location = "https://api.constantcontact.com/v2/library/files/123456789";
/// assert_eq!(new_file_id(None, Some(location)).as_deref(), Some("123456789"));
/// ```
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

/// Classifies an upload status for waiting.
///
/// ```
/// use ctct_mylibrary::models::FileStatus;
/// use ctct_mylibrary::ops::uploads::{WaitStep, wait_step};
/// assert_eq!(wait_step(Some(&FileStatus::Processing)), WaitStep::Again);
/// assert_eq!(wait_step(Some(&FileStatus::Active)), WaitStep::Done);
/// assert!(matches!(wait_step(Some(&FileStatus::VirusFound)), WaitStep::Failed(_)));
/// ```
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
    use crate::ops::{Face, Operation, Wire, test_target};

    fn upload(name: &str) -> UploadFile {
        UploadFile {
            file_name: FileName::from(name),
            data: Data::from(vec![1, 2, 3]),
            ..UploadFile::default()
        }
    }

    #[test]
    fn types_are_inferred_and_checked() {
        let mut u = upload("a.PNG");
        u.complete(None, 3, (100, "test")).unwrap();
        assert_eq!(u.file_type, Some(FileType::Png));
        let mut u = upload("camera-upload");
        u.complete(Some("image/jpeg"), 3, (100, "test")).unwrap();
        assert_eq!(u.file_type, Some(FileType::Jpg));
        let (field, what) = upload("x.webp")
            .complete(None, 3, (100, "test"))
            .unwrap_err();
        assert_eq!(field, "file_name");
        assert!(
            what.starts_with("is a .webp file, which MyLibrary does not take"),
            "{what}"
        );
        assert!(!what.contains("pass"), "no advice that cannot work: {what}");
        let (field, what) = upload("noext")
            .complete(None, 3, (100, "test"))
            .unwrap_err();
        assert_eq!(field, "file_type");
        assert!(what.contains("pass one of JPEG"), "{what}");
        assert_eq!(
            upload("a.png")
                .complete(None, 101, (100, "test"))
                .unwrap_err()
                .0,
            "data"
        );
        assert_eq!(
            upload("a.png")
                .complete(None, 0, (100, "test"))
                .unwrap_err()
                .0,
            "data"
        );
        let mut u = upload("a.gif");
        u.complete(None, 3, (100, "test")).unwrap();
        let mut form = Vec::new();
        u.form(&mut form);
        assert_eq!(
            form,
            [
                ("file_name", "a.gif".to_string()),
                ("file_type", "GIF".into()),
                ("folder_id", "0".into()),
                ("description", "".into()),
                ("source", "MyComputer".into())
            ]
        );
        let plan = u.plan(&test_target(), Face::Js).unwrap();
        assert_eq!(plan.calls[0].url, "http://h/v2/library/files?api_key=k");
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

    #[test]
    fn status_of_many_ids_takes_several_requests() {
        let ids: Vec<String> = (1..=250).map(|i| i.to_string()).collect();
        let op = GetUploadStatus { file_ids: Ids(ids) };
        let plan = op.plan(&test_target(), Face::Rust).unwrap();
        assert_eq!(plan.calls.len(), 3);
        assert!(plan.join);
        assert!(
            plan.calls[0]
                .url
                .starts_with("http://h/v2/library/files/uploadstatus/1,2,3,")
        );
        let none = GetUploadStatus::default()
            .plan(&test_target(), Face::Rust)
            .unwrap();
        assert!(none.calls.is_empty(), "an empty list sends nothing");
    }
}
