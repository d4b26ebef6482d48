//! Walking pages: the cursor a page hands over, and the guard against a server that repeats one.

use crate::error::Error;
use std::collections::HashSet;

/// Remembers every cursor seen, so a walk over pages stops with `DECODE` when the server hands
/// back a cursor it already gave (which would loop forever).
#[derive(Clone, Debug, Default)]
pub struct CursorGuard {
    seen: HashSet<String>,
    done: bool,
}

impl CursorGuard {
    /// A guard for a new walk.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the cursor of the page just received. `Ok(Some(cursor))` to go on, `Ok(None)` at
    /// the last page, `Err` when the cursor repeats.
    pub fn advance(&mut self, next: Option<&str>) -> Result<Option<String>, Error> {
        match next {
            None => {
                self.done = true;
                Ok(None)
            }
            Some(c) if !self.seen.insert(c.to_string()) => {
                self.done = true;
                Err(Error::decode(format!(
                    "the server repeated the page cursor \"{c}\"; stopping instead of looping"
                )))
            }
            Some(c) => Ok(Some(c.to_string())),
        }
    }

    /// True once the walk has ended (last page or an error).
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
        assert_eq!(g.advance(Some("a")).unwrap().as_deref(), Some("a"));
        assert_eq!(g.advance(Some("b")).unwrap().as_deref(), Some("b"));
        assert_eq!(g.advance(Some("a")).unwrap_err().code(), ErrorCode::Decode);
        assert!(g.is_done());
        let mut g = CursorGuard::new();
        assert_eq!(g.advance(None).unwrap(), None);
        assert!(g.is_done());
    }
}
