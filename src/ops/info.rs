//! `GET /library/info`.

use crate::models::LibraryInfo;
use crate::ops::operation;
use crate::url::Seg;

operation! {
    /// The library's limits and usage.
    GetInfo: GET -> LibraryInfo, Info;
    js getInfo() -> "Promise<LibraryInfo>", fn get_info;
    fields {}
    path(_op, _ids) { vec![Seg::Lit("info")] }
}
