//! `GET /library/info`.

use super::{Call, Expect, Target};
use crate::url::Seg;

/// The library's limits and usage.
pub fn get(t: &Target) -> Call {
    t.call("GET", &[Seg::Lit("info")], &[], None, Expect::Json)
}
