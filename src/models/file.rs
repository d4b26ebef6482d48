use super::de;
use super::enums::{FileSource, FileStatus, FileType};
use serde::{Deserialize, Serialize};
#[cfg(feature = "js")]
use tsify::Tsify;

/// A file's thumbnail: for images a scaled copy (longest side 200 px), for documents a
/// generic icon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct Thumbnail {
    /// Where the thumbnail is hosted.
    pub url: String,
    /// Width in pixels.
    #[serde(deserialize_with = "de::count")]
    pub width: u64,
    /// Height in pixels.
    #[serde(deserialize_with = "de::count")]
    pub height: u64,
}

/// A file in MyLibrary (named `LibraryFile` so it does not shadow the DOM's `File`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
#[serde(try_from = "RawFile")]
pub struct LibraryFile {
    /// The file's id.
    pub id: String,
    /// File name and extension (at most 80 characters).
    pub name: String,
    /// The user's description (at most 100 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub description: Option<String>,
    /// Name of the folder the file is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub folder: Option<String>,
    /// Id of the folder the file is in; `null` for a file in no folder.
    #[cfg_attr(feature = "js", tsify(type = "string | null"))]
    pub folder_id: Option<String>,
    /// Height in pixels (0 for documents).
    pub height: u64,
    /// Width in pixels (0 for documents).
    pub width: u64,
    /// Size in bytes.
    pub size: u64,
    /// Where the file is hosted.
    pub url: String,
    /// Where the file came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional, type = "FileSource | (string & {})"))]
    pub source: Option<FileSource>,
    /// The file's status.
    #[cfg_attr(feature = "js", tsify(type = "FileStatus | (string & {})"))]
    pub status: FileStatus,
    /// The thumbnail.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub thumbnail: Option<Thumbnail>,
    /// When the file was added (ISO-8601).
    pub created_date: String,
    /// When the file was last changed (ISO-8601).
    pub modified_date: String,
    /// Whether the file is an image.
    pub is_image: bool,
    /// The file's type (some responses call it `type`).
    #[cfg_attr(feature = "js", tsify(type = "FileType | (string & {})"))]
    pub file_type: FileType,
}

/// The wire shape, every field optional, so that variants can be accepted and the error for a
/// missing field names it.
#[derive(Deserialize)]
struct RawFile {
    id: Option<String>,
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    folder: Option<String>,
    #[serde(default)]
    folder_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_count")]
    height: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_count")]
    width: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_count")]
    size: Option<u64>,
    url: Option<String>,
    #[serde(default)]
    source: Option<FileSource>,
    status: Option<FileStatus>,
    #[serde(default)]
    thumbnail: Option<Thumbnail>,
    created_date: Option<String>,
    modified_date: Option<String>,
    is_image: Option<bool>,
    file_type: Option<FileType>,
    #[serde(rename = "type")]
    type_alias: Option<FileType>,
}

fn need<T>(v: Option<T>, field: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("missing field `{field}`"))
}

impl TryFrom<RawFile> for LibraryFile {
    type Error = String;
    fn try_from(r: RawFile) -> Result<Self, String> {
        Ok(LibraryFile {
            id: need(r.id, "id")?,
            name: need(r.name, "name")?,
            description: r.description,
            folder: r.folder,
            folder_id: r.folder_id,
            height: need(r.height, "height")?,
            width: need(r.width, "width")?,
            size: need(r.size, "size")?,
            url: need(r.url, "url")?,
            source: r.source,
            status: need(r.status, "status")?,
            thumbnail: r.thumbnail,
            created_date: need(r.created_date, "created_date")?,
            modified_date: need(r.modified_date, "modified_date")?,
            is_image: need(r.is_image, "is_image")?,
            file_type: need(r.file_type.or(r.type_alias), "file_type")?,
        })
    }
}
