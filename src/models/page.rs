use super::de;
use super::file::LibraryFile;
use super::folder::Folder;
use serde::{Deserialize, Serialize};
#[cfg(feature = "js")]
use tsify::Tsify;

/// One page of files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
#[serde(try_from = "RawPage<LibraryFile>")]
pub struct FilePage {
    /// The files of this page.
    pub results: Vec<LibraryFile>,
    /// Where the next page starts: pass it back as `next` to continue this listing (a cursor
    /// such as `files?next=...`, which carries its listing and options); absent on the last
    /// page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub next: Option<String>,
}

/// One page of top-level folders, each with its sub-folders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(Tsify))]
#[serde(try_from = "RawPage<Folder>")]
pub struct FolderPage {
    /// The folders of this page.
    pub results: Vec<Folder>,
    /// Where the next page starts: pass it back as `next` to continue this listing (a cursor
    /// such as `files?next=...`, which carries its listing and options); absent on the last
    /// page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub next: Option<String>,
}

#[derive(Deserialize)]
struct RawPagination {
    #[serde(default)]
    next_link: Option<String>,
}

#[derive(Deserialize)]
struct RawMeta {
    #[serde(default, deserialize_with = "de::opt_object")]
    pagination: Option<RawPagination>,
}

#[derive(Deserialize)]
struct RawPage<T> {
    #[serde(default, deserialize_with = "de::opt_object")]
    meta: Option<RawMeta>,
    results: Vec<T>,
}

fn split<T>(raw: RawPage<T>) -> Result<(Vec<T>, Option<String>), String> {
    let link = raw
        .meta
        .and_then(|m| m.pagination)
        .and_then(|p| p.next_link);
    let next = match link {
        Some(l) => Some(
            crate::cursor::next_token(&l)
                .ok_or_else(|| format!("next_link \"{l}\" has no next parameter"))?,
        ),
        None => None,
    };
    Ok((raw.results, next))
}

impl TryFrom<RawPage<LibraryFile>> for FilePage {
    type Error = String;
    fn try_from(raw: RawPage<LibraryFile>) -> Result<Self, String> {
        split(raw).map(|(results, next)| FilePage { results, next })
    }
}

impl TryFrom<RawPage<Folder>> for FolderPage {
    type Error = String;
    fn try_from(raw: RawPage<Folder>) -> Result<Self, String> {
        split(raw).map(|(results, next)| FolderPage { results, next })
    }
}
