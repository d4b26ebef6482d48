//! The library's data: folders, files, enumerations, and their JSON in the v2 field order.

use crate::images::Hosted;
use serde::Serialize;
use std::sync::Arc;

/// A v2 error: a status and one `{error_key, error_message}` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub key: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, key: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            key,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "http.status.bad_request", message)
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(400, "json.field.invalid", message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "http.status.not_found", message)
    }
    /// The JSON body: an array with one error object.
    pub fn body(&self) -> String {
        serde_json::json!([{ "error_key": self.key, "error_message": self.message }]).to_string()
    }
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $text),+ } }
            /// Case-insensitive parse of the API's spelling.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s))
            }
        }
    };
}

string_enum!(
    /// Where a file came from.
    Source { MyComputer = "MyComputer", StockImage = "StockImage", Facebook = "Facebook", Instagram = "Instagram", Shutterstock = "Shutterstock", Mobile = "Mobile" }
);
string_enum!(
    /// The accepted file types.
    FileType { Jpeg = "JPEG", Jpg = "JPG", Gif = "GIF", Pdf = "PDF", Png = "PNG", Doc = "DOC", Docx = "DOCX", Xls = "XLS", Xlsx = "XLSX", Ppt = "PPT", Pptx = "PPTX" }
);
string_enum!(
    /// File status.
    Status { Active = "Active", Processing = "Processing", Uploaded = "Uploaded", VirusFound = "VirusFound", Failed = "Failed", Deleted = "Deleted" }
);

impl FileType {
    pub fn is_image(self) -> bool {
        matches!(
            self,
            FileType::Jpeg | FileType::Jpg | FileType::Gif | FileType::Png
        )
    }
    /// MIME type of a stored document of this type.
    pub fn document_mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Doc => "application/msword",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Xls => "application/vnd.ms-excel",
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Ppt => "application/vnd.ms-powerpoint",
            FileType::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileType::Jpeg | FileType::Jpg => "image/jpeg",
            FileType::Gif => "image/gif",
            FileType::Png => "image/png",
        }
    }
    pub fn extension(self) -> String {
        self.as_str().to_ascii_lowercase()
    }
}

/// A timestamp: the instant for sorting and the text the API shows.
#[derive(Clone, Debug)]
pub struct Stamp {
    pub ms: i64,
    pub text: String,
}

impl Stamp {
    pub fn from_ms(ms: i64) -> Self {
        Stamp {
            ms,
            text: crate::time::format_utc(ms),
        }
    }
    /// A stamp kept verbatim from the seed pages.
    pub fn verbatim(text: &str) -> Self {
        Stamp {
            ms: crate::time::parse_iso(text).unwrap_or(0),
            text: text.to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Folder {
    pub id: i64,
    pub name: String,
    pub parent: Option<i64>,
    pub created: Stamp,
    pub modified: Stamp,
}

/// The upload pipeline of a file: when it was received and how long processing takes.
#[derive(Clone, Copy, Debug)]
pub struct Pipeline {
    pub received_ms: i64,
    pub delay_ms: u64,
}

#[derive(Clone, Debug)]
pub struct File {
    pub id: u64,
    pub name: String,
    pub description: String,
    /// `None`: not in a folder (the seeds show `folder_id: null`).
    pub folder_id: Option<i64>,
    /// The folder's name as last known; kept for files in trash whose folder is gone.
    pub folder_name: String,
    pub width: u32,
    pub height: u32,
    pub source: Source,
    pub file_type: FileType,
    /// The status once processing is over (`Active`, `VirusFound` or `Failed`).
    pub final_status: Status,
    pub pipeline: Option<Pipeline>,
    pub trashed: bool,
    pub created: Stamp,
    pub modified: Stamp,
    pub content: Arc<Hosted>,
    /// `None` shows the shared document icon.
    pub thumb: Option<Arc<Hosted>>,
    pub thumb_w: u32,
    pub thumb_h: u32,
}

impl File {
    pub fn size(&self) -> u64 {
        self.content.bytes.len() as u64
    }
    pub fn is_image(&self) -> bool {
        self.file_type.is_image()
    }
    pub fn status(&self, now_ms: i64) -> Status {
        if self.trashed {
            return Status::Deleted;
        }
        if let Some(p) = self.pipeline {
            let elapsed = now_ms.saturating_sub(p.received_ms).max(0) as u64;
            if elapsed < p.delay_ms / 2 {
                return Status::Uploaded;
            }
            if elapsed < p.delay_ms {
                return Status::Processing;
            }
        }
        self.final_status
    }
    pub fn id_string(&self) -> String {
        self.id.to_string()
    }
}

/// Name shown as `folder` for files that are not in a folder (as in the seed examples).
pub const ROOT_FOLDER_NAME: &str = "images";

#[derive(Serialize)]
pub struct ThumbnailJson {
    pub url: String,
    pub height: u32,
    pub width: u32,
}

/// A file in the seed examples' field order.
#[derive(Serialize)]
pub struct FileJson<'a> {
    pub name: &'a str,
    pub id: String,
    pub description: &'a str,
    pub folder: &'a str,
    pub height: u32,
    pub width: u32,
    pub size: u64,
    pub url: String,
    pub source: &'static str,
    pub status: &'static str,
    pub thumbnail: ThumbnailJson,
    pub created_date: &'a str,
    pub modified_date: &'a str,
    pub folder_id: Option<String>,
    pub is_image: bool,
    pub file_type: &'static str,
}

/// A folder in the seed example's field order.
#[derive(Serialize)]
pub struct FolderJson<'a> {
    pub id: String,
    pub name: &'a str,
    pub level: u32,
    pub children: Vec<FolderJson<'a>>,
    pub item_count: usize,
    pub parent_id: String,
    pub modified_date: &'a str,
    pub created_date: &'a str,
}

#[derive(Serialize)]
pub struct UsageSummaryJson {
    pub folder_count: usize,
    pub file_count: usize,
    pub image_count: usize,
    pub document_count: usize,
    pub total_bytes_used: u64,
    pub image_bytes_used: u64,
    pub document_bytes_used: u64,
    pub total_bytes_remaining: u64,
    pub free_files_remaining: u64,
}

/// The info object in the seed example's field order.
#[derive(Serialize)]
pub struct InfoJson {
    pub max_free_file_num: u64,
    pub max_premium_space_limit: u64,
    pub image_root: String,
    pub usage_summary: UsageSummaryJson,
    pub max_upload_size_limit: u64,
}

#[derive(Serialize)]
pub struct UploadStatusJson {
    pub file_id: String,
    pub status: &'static str,
    pub description: &'static str,
}

#[derive(Serialize)]
pub struct MoveResultJson {
    pub id: String,
    pub uri: String,
}
