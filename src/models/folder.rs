use super::de;
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// A MyLibrary folder. Folders nest three levels deep; `children` holds the sub-folders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct Folder {
    /// The folder's id (negative integers as strings in every recorded response).
    pub id: String,
    /// The name (at most 40 ISO-8859-1 characters).
    pub name: String,
    /// 1 at the top, 2 for a child, 3 for a grandchild.
    #[serde(deserialize_with = "de::count")]
    pub level: u64,
    /// The sub-folders, each with the same fields.
    #[serde(default)]
    pub children: Vec<Folder>,
    /// Number of files in the folder.
    #[serde(deserialize_with = "de::count")]
    pub item_count: u64,
    /// The parent's id; `"0"` at the top level (sent as `"0"`, `""`, `null` or not at all).
    #[serde(default = "de::top_level", deserialize_with = "de::parent_id")]
    pub parent_id: String,
    /// When the folder was last changed (ISO-8601).
    pub modified_date: String,
    /// When the folder was created (ISO-8601).
    pub created_date: String,
}
