use super::de;
use super::enums::FileStatus;
use serde::{Deserialize, Serialize};
#[cfg(feature = "js")]
use tsify::Tsify;

/// The processing status of an uploaded file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct UploadStatus {
    /// The file's id (one recorded response sends it as a number; it is always a string here).
    #[serde(deserialize_with = "de::id_string")]
    pub file_id: String,
    /// `Uploaded` → `Processing` → `Active`, or `VirusFound` / `Failed`.
    #[cfg_attr(feature = "js", tsify(type = "FileStatus | (string & {})"))]
    pub status: FileStatus,
    /// Detail (the recorded responses repeat the status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub description: Option<String>,
}

/// One moved file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
pub struct MoveResult {
    /// The file's id.
    pub id: String,
    /// The file's API URL.
    pub uri: String,
}
