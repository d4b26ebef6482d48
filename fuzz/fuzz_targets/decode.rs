//! Any bytes, through every response decoder and the URL and cursor helpers: nothing panics,
//! and an id always stays in its path segment.
#![no_main]

use ctct_mylibrary::cursor::next_token;
use ctct_mylibrary::models::*;
use ctct_mylibrary::url::{Seg, build, check_id, percent_decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<FilePage>(data);
    let _ = serde_json::from_slice::<FolderPage>(data);
    let _ = serde_json::from_slice::<Folder>(data);
    let _ = serde_json::from_slice::<LibraryFile>(data);
    let _ = serde_json::from_slice::<LibraryInfo>(data);
    let _ = serde_json::from_slice::<Vec<UploadStatus>>(data);
    let _ = serde_json::from_slice::<Vec<MoveResult>>(data);
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = next_token(s);
        let _ = percent_decode(s);
        if check_id(s).is_ok() {
            let url = build("https://h/v2", &[Seg::Lit("files"), Seg::Id(s)], &[], None);
            let segment = url.strip_prefix("https://h/v2/library/files/").unwrap_or("/");
            assert!(!segment.contains('/') && !segment.contains('?') && !segment.contains('#'));
            assert_eq!(percent_decode(segment).as_deref(), Some(s));
        }
    }
});
