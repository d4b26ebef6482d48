//! Page cursors and walking pages.
//!
//! The API hands out an opaque `next` token and requires it to be sent alone, to the endpoint
//! of the listing it came from. A [`Cursor`] therefore carries that listing with the token:
//! `next` alone always continues the listing it came from, and a cursor passed to another
//! listing is refused before anything is sent. Its text form is the listing's path and the
//! token, `folders/-1/files?next=b2Zm...`: readable in a debugger, and parsed back strictly.

use crate::error::Error;
use crate::url::{encode_component, percent_decode};
use std::fmt;

/// Which list a page belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Listing {
    /// The top-level folders (`GET /library/folders`).
    Folders,
    /// Every file (`GET /library/files`).
    Files,
    /// One folder's files (`GET /library/folders/{id}/files`).
    FolderFiles(String),
    /// The trash (`GET /library/folders/trash/files`).
    Trash,
}

impl Listing {
    /// The listing's path under `/library`, as in a cursor: `folders/-1/files`.
    ///
    /// ```
    /// use ctct_mylibrary::cursor::Listing;
    /// assert_eq!(Listing::FolderFiles("-1".into()).path(), "folders/-1/files");
    /// assert_eq!(Listing::Trash.path(), "folders/trash/files");
    /// ```
    pub fn path(&self) -> String {
        match self {
            Listing::Folders => "folders".into(),
            Listing::Files => "files".into(),
            Listing::FolderFiles(id) => format!("folders/{}/files", encode_component(id)),
            Listing::Trash => "folders/trash/files".into(),
        }
    }

    fn parse(path: &str) -> Option<Listing> {
        Some(match path {
            "folders" => Listing::Folders,
            "files" => Listing::Files,
            "folders/trash/files" => Listing::Trash,
            _ => {
                let id = path.strip_prefix("folders/")?.strip_suffix("/files")?;
                if id.is_empty() || id.contains('/') {
                    return None;
                }
                Listing::FolderFiles(percent_decode(id)?)
            }
        })
    }
}

/// Where the next page of a listing starts. Get one from a page; pass it back to continue.
///
/// ```
/// use ctct_mylibrary::cursor::{Cursor, Listing};
/// let c: Cursor = "folders/-1/files?next=b2Zm".parse().unwrap();
/// assert_eq!(c.listing(), &Listing::FolderFiles("-1".into()));
/// assert_eq!(c.token(), "b2Zm");
/// assert_eq!(c.to_string(), "folders/-1/files?next=b2Zm");
/// assert!("b2Zm".parse::<Cursor>().is_err(), "a bare token does not say where it belongs");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cursor {
    listing: Listing,
    token: String,
}

/// The rule of a cursor, as a message ends it.
pub const CURSOR_RULE: &str = "must be the `next` of a previous page";

impl Cursor {
    /// A cursor of `listing` with the API's token.
    ///
    /// ```
    /// use ctct_mylibrary::cursor::{Cursor, Listing};
    /// let c = Cursor::new(Listing::Files, "b2Zm");
    /// assert_eq!(c.to_string(), "files?next=b2Zm");
    /// ```
    pub fn new(listing: Listing, token: impl Into<String>) -> Cursor {
        Cursor {
            listing,
            token: token.into(),
        }
    }
    /// The listing this cursor continues.
    ///
    /// ```
    /// use ctct_mylibrary::cursor::{Cursor, Listing};
    /// let c: Cursor = "folders/trash/files?next=b2Zm".parse()?;
    /// assert_eq!(c.listing(), &Listing::Trash);
    /// # Ok::<(), String>(())
    /// ```
    pub fn listing(&self) -> &Listing {
        &self.listing
    }
    /// The API's token.
    ///
    /// ```
    /// use ctct_mylibrary::cursor::Cursor;
    /// let c: Cursor = "files?next=b2Zm%2B".parse()?;
    /// assert_eq!(c.token(), "b2Zm+");
    /// # Ok::<(), String>(())
    /// ```
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}?next={}",
            self.listing.path(),
            encode_component(&self.token)
        )
    }
}

impl std::str::FromStr for Cursor {
    type Err = String;
    fn from_str(s: &str) -> Result<Cursor, String> {
        let bad = || {
            let shown: String = s.chars().take(40).collect();
            format!("{CURSOR_RULE} (such as \"files?next=...\"), not \"{shown}\"")
        };
        let at = crate::url::find_str(s, "?next=").ok_or_else(bad)?;
        let (path, token) = (&s[..at], &s[at + "?next=".len()..]);
        let listing = Listing::parse(path).ok_or_else(bad)?;
        let token = percent_decode(token)
            .filter(|t| !t.is_empty())
            .ok_or_else(bad)?;
        Ok(Cursor { listing, token })
    }
}

impl From<&Cursor> for Cursor {
    fn from(c: &Cursor) -> Cursor {
        c.clone()
    }
}

impl serde::Serialize for Cursor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Cursor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cursor, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The cursor in a `next_link` (`/v2/library/files?next=<token>`): the value of its `next`
/// query parameter, percent-decoded. `None` when the link has none (or it is empty).
///
/// ```
/// use ctct_mylibrary::cursor::next_token;
/// assert_eq!(next_token("/v2/library/files?next=c023cmNl").as_deref(), Some("c023cmNl"));
/// assert_eq!(next_token("/v2/library/files"), None);
/// ```
pub fn next_token(link: &str) -> Option<String> {
    let query = link.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or("");
    let raw = query.split('&').find_map(|p| p.strip_prefix("next="))?;
    let token = percent_decode(raw)?;
    (!token.is_empty()).then_some(token)
}

/// Remembers every cursor seen, so a walk over pages stops with `DECODE` when the server hands
/// back a cursor it already gave (which would loop forever).
#[derive(Clone, Debug, Default)]
pub struct CursorGuard {
    /// A walk has a few hundred pages at most; a list keeps the package free of a hash map.
    seen: Vec<String>,
    done: bool,
}

impl CursorGuard {
    /// A guard for a new walk.
    ///
    /// ```
    /// use ctct_mylibrary::cursor::CursorGuard;
    /// let guard = CursorGuard::new();
    /// assert!(!guard.is_done());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the cursor of the page just received (its token, or its text form). `Ok(true)`
    /// to go on, `Ok(false)` at the last page, `Err` when the cursor repeats.
    ///
    /// ```
    /// use ctct_mylibrary::cursor::CursorGuard;
    /// let mut guard = CursorGuard::new();
    /// assert!(guard.advance(Some("a"))?); // go on
    /// assert!(guard.advance(Some("a")).is_err(), "the server repeated a cursor");
    /// let mut guard = CursorGuard::new();
    /// assert!(!guard.advance(None)?); // the last page
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn advance(&mut self, next: Option<&str>) -> Result<bool, Error> {
        match next {
            None => {
                self.done = true;
                Ok(false)
            }
            Some(c) if self.seen.iter().any(|s| s == c) => {
                self.done = true;
                Err(Error::decode(
                    200,
                    format_args!(
                        "the server repeated the page cursor \"{c}\"; stopping instead of looping"
                    ),
                ))
            }
            Some(c) => {
                self.seen.push(c.to_string());
                Ok(true)
            }
        }
    }

    /// Ends the walk (after an error).
    ///
    /// ```
    /// use ctct_mylibrary::cursor::CursorGuard;
    /// let mut guard = CursorGuard::new();
    /// guard.stop(); // a page failed
    /// assert!(guard.is_done());
    /// ```
    pub fn stop(&mut self) {
        self.done = true;
    }

    /// True once the walk has ended (last page or an error).
    ///
    /// ```
    /// use ctct_mylibrary::cursor::CursorGuard;
    /// let mut guard = CursorGuard::new();
    /// guard.advance(Some("b2Zm"))?;
    /// assert!(!guard.is_done());
    /// guard.advance(None)?;
    /// assert!(guard.is_done());
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn is_done(&self) -> bool {
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn repeated_cursors_end_the_walk() {
        let mut g = CursorGuard::new();
        assert!(g.advance(Some("a")).unwrap());
        assert!(g.advance(Some("b")).unwrap());
        assert_eq!(g.advance(Some("a")).unwrap_err().code(), ErrorCode::Decode);
        assert!(g.is_done());
        let mut g = CursorGuard::new();
        assert!(!g.advance(None).unwrap());
        assert!(g.is_done());
    }

    #[test]
    fn cursors_carry_their_listing() {
        for (text, listing) in [
            ("files?next=a", Listing::Files),
            ("folders?next=a", Listing::Folders),
            ("folders/trash/files?next=a", Listing::Trash),
            ("folders/-4/files?next=a", Listing::FolderFiles("-4".into())),
            (
                "folders/a%2Fb/files?next=a",
                Listing::FolderFiles("a/b".into()),
            ),
        ] {
            let c: Cursor = text.parse().unwrap();
            assert_eq!(c.listing(), &listing);
            assert_eq!(c.to_string(), text);
        }
        let c = Cursor::new(Listing::Files, "b2Zm+/=");
        assert_eq!(c.to_string(), "files?next=b2Zm%2B%2F%3D");
        assert_eq!(c.to_string().parse::<Cursor>().unwrap(), c);
        for bad in [
            "",
            "abc",
            "files?next=",
            "files/1?next=a",
            "folders//files?next=a",
            "folders/a/b/files?next=a",
            "/v2/library/files?next=a",
        ] {
            assert!(bad.parse::<Cursor>().is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_from_links() {
        assert_eq!(
            next_token("/v2/library/files?next=c023cmNl").as_deref(),
            Some("c023cmNl")
        );
        assert_eq!(
            next_token("/v2/library/files?limit=1&next=a%2Bb#x").as_deref(),
            Some("a+b")
        );
        assert_eq!(next_token("/v2/library/files?next="), None);
        assert_eq!(next_token("/v2/library/files"), None);
    }
}
