use super::de;
use serde::{Deserialize, Serialize};
#[cfg(feature = "js")]
use tsify::Tsify;

/// A MyLibrary folder. Folders nest three levels deep; `children` holds the sub-folders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
#[serde(from = "RawFolder")]
pub struct Folder {
    /// The folder's id (negative integers as strings in every recorded response).
    pub id: String,
    /// The name (at most 40 ISO-8859-1 characters).
    pub name: String,
    /// 1 at the top, 2 for a child, 3 for a grandchild.
    pub level: u64,
    /// The sub-folders, each with the same fields (empty when the API leaves it out).
    pub children: Vec<Folder>,
    /// Number of files in the folder.
    pub item_count: u64,
    /// The parent's id; `"0"` at the top level (sent as `"0"`, `""`, `null` or not at all).
    pub parent_id: String,
    /// When the folder was last changed (ISO-8601).
    pub modified_date: String,
    /// When the folder was created (ISO-8601).
    pub created_date: String,
}

/// The wire shape, with the variants' defaults.
#[derive(Deserialize)]
struct RawFolder {
    id: String,
    name: String,
    #[serde(deserialize_with = "de::count")]
    level: u64,
    #[serde(default)]
    children: Vec<Folder>,
    #[serde(deserialize_with = "de::count")]
    item_count: u64,
    #[serde(default = "de::top_level", deserialize_with = "de::parent_id")]
    parent_id: String,
    modified_date: String,
    created_date: String,
}

impl From<RawFolder> for Folder {
    fn from(r: RawFolder) -> Self {
        Folder {
            id: r.id,
            name: r.name,
            level: r.level,
            children: r.children,
            item_count: r.item_count,
            parent_id: r.parent_id,
            modified_date: r.modified_date,
            created_date: r.created_date,
        }
    }
}
