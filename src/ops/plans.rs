//! Request plans of every operation: URLs, bodies, splitting, checks, blame names. Tests only
//! (`#[cfg(test)] mod plans` in `ops/mod.rs`).
#![cfg(test)]

use super::files::*;
use super::folders::*;
use super::info::GetInfo;
use super::params::*;
use super::trash::*;
use super::uploads::GetUploadStatus;
use super::*;
use crate::cursor::Cursor;
use crate::error::ErrorCode;
use crate::models::{FileSortBy, FolderSortBy, SourceFilter, TypeFilter};

fn plan<O: Operation>(op: O) -> Plan {
    op.plan(&test_target(), Face::Rust).unwrap()
}
fn url<O: Operation>(op: O) -> String {
    plan(op).calls.remove(0).url
}
fn refused<O: Operation>(op: O, face: Face) -> (ErrorCode, Option<String>) {
    let e = op.plan(&test_target(), face).unwrap_err();
    (e.code(), e.argument().map(str::to_string))
}

#[test]
fn lists_send_their_filters_or_the_cursor_alone() {
    assert_eq!(
        url(GetInfo::default()),
        "http://h/v2/library/info?api_key=k"
    );
    let o = ListFiles {
        folder: Some("-4".into()),
        limit: Some(Limit(10)),
        sort_by: Some(FileSortBy::SizeDesc),
        source: Some(SourceFilter::MyComputer),
        kind: Some(TypeFilter::Images),
        next: None,
    };
    assert_eq!(
        url(o),
        "http://h/v2/library/folders/-4/files?limit=10&sort_by=SIZE_DESC&source=MyComputer&type=IMAGES&api_key=k"
    );
    assert_eq!(
        url(ListFiles::default()),
        "http://h/v2/library/files?api_key=k"
    );
    let with_cursor = ListFiles {
        next: Some("folders/-4/files?next=b2Zm%2B%2F%3D".parse().unwrap()),
        ..ListFiles::default()
    };
    assert_eq!(
        url(with_cursor),
        "http://h/v2/library/folders/-4/files?next=b2Zm%2B%2F%3D&api_key=k",
        "a folder's cursor goes back to the folder, alone"
    );
    let escaping = ListFiles {
        folder: Some("../info".into()),
        ..ListFiles::default()
    };
    assert_eq!(
        url(escaping),
        "http://h/v2/library/folders/..%2Finfo/files?api_key=k"
    );
    let folders = ListFolders {
        limit: Some(Limit(5)),
        sort_by: Some(FolderSortBy::NameDesc),
        next: None,
    };
    assert_eq!(
        url(folders),
        "http://h/v2/library/folders?limit=5&sort_by=NAME_DESC&api_key=k"
    );
    let trash = ListTrash {
        kind: Some(TypeFilter::Documents),
        sort_by: Some(FileSortBy::Name),
        ..ListTrash::default()
    };
    assert_eq!(
        url(trash),
        "http://h/v2/library/folders/trash/files?sort_by=NAME&type=DOCUMENTS&api_key=k"
    );
    assert_eq!(plan(EmptyTrash::default()).calls[0].method, Method::Delete);
}

#[test]
fn a_cursor_is_sent_alone() {
    let next: Cursor = "files?next=a".parse().unwrap();
    let with_limit = ListFiles {
        limit: Some(Limit(5)),
        next: Some(next.clone()),
        ..ListFiles::default()
    };
    assert_eq!(
        refused(with_limit, Face::Js),
        (ErrorCode::InvalidArgument, Some("params.limit".into()))
    );
    let with_sort = ListTrash {
        sort_by: Some(FileSortBy::Name),
        next: Some("folders/trash/files?next=a".parse().unwrap()),
        ..ListTrash::default()
    };
    assert_eq!(refused(with_sort, Face::Rust).1.as_deref(), Some("sort_by"));
}

#[test]
fn cursors_only_continue_their_own_listing() {
    let files: Cursor = "files?next=a".parse().unwrap();
    let folder: Cursor = "folders/-1/files?next=a".parse().unwrap();
    let trash = ListTrash {
        next: Some(files.clone()),
        ..ListTrash::default()
    };
    assert_eq!(
        refused(trash, Face::Js),
        (ErrorCode::InvalidArgument, Some("params.next".into()))
    );
    let other_folder = ListFiles {
        folder: Some("-2".into()),
        next: Some(folder.clone()),
        ..ListFiles::default()
    };
    assert_eq!(
        refused(other_folder, Face::Js),
        (ErrorCode::InvalidArgument, Some("params.folderId".into()))
    );
    let same_folder = ListFiles {
        folder: Some("-1".into()),
        next: Some(folder),
        ..ListFiles::default()
    };
    assert!(same_folder.plan(&test_target(), Face::Js).is_ok());
    let folders = ListFolders {
        next: Some(files),
        ..ListFolders::default()
    };
    assert_eq!(refused(folders, Face::Rust).1.as_deref(), Some("next"));
}

#[test]
fn checks_blame_the_argument_as_each_face_names_it() {
    let zero = || ListFiles {
        limit: Some(Limit(0)),
        ..ListFiles::default()
    };
    assert_eq!(refused(zero(), Face::Js).1.as_deref(), Some("params.limit"));
    assert_eq!(refused(zero(), Face::Rust).1.as_deref(), Some("limit"));
    let e = zero().plan(&test_target(), Face::Js).unwrap_err();
    assert_eq!(
        e.message(),
        "params.limit must be an integer from 1 to 1000, not 0"
    );
    let dots = || GetFile {
        file_id: "..".into(),
    };
    assert_eq!(refused(dots(), Face::Js).1.as_deref(), Some("fileId"));
    assert_eq!(refused(dots(), Face::Rust).1.as_deref(), Some("file_id"));
    let latin = CreateFolder {
        name: "写真".into(),
        parent: None,
    };
    assert_eq!(refused(latin, Face::Js).1.as_deref(), Some("folder.name"));
    let nothing = UpdateFile {
        file_id: "9".into(),
        ..UpdateFile::default()
    };
    assert_eq!(refused(nothing, Face::Js).1.as_deref(), Some("changes"));
    let comma = DeleteFiles {
        file_ids: Ids::from(["1,2"]),
    };
    assert_eq!(refused(comma, Face::Js).1.as_deref(), Some("fileIds"));
}

#[test]
fn bodies_are_the_declared_fields() {
    let c = plan(CreateFolder {
        name: "a\"b".into(),
        parent: Some("-4".into()),
    });
    assert_eq!(
        (
            c.calls[0].method,
            c.calls[0].body.as_ref().map(crate::ops::Body::text)
        ),
        (Method::Post, Some(r#"{"name":"a\"b","parent_id":"-4"}"#))
    );
    let u = plan(UpdateFolder {
        folder_id: "-4".into(),
        name: Some("x".into()),
        parent: None,
        include_payload: Some(false),
    })
    .without_answer();
    assert_eq!(
        u.calls[0].url,
        "http://h/v2/library/folders/-4?include_payload=FALSE&api_key=k"
    );
    assert_eq!(
        (u.calls[0].body.as_ref().map(crate::ops::Body::text), u.kind),
        (Some(r#"{"name":"x"}"#), Kind::Nothing)
    );
    let f = plan(UpdateFile {
        file_id: "9".into(),
        name: Some("日本語 #?.png".into()),
        description: Some("d".into()),
        folder: Some("0".into()),
        include_payload: Some(true),
    });
    assert_eq!(
        f.calls[0].body.as_ref().map(crate::ops::Body::text),
        Some(r#"{"name":"日本語 #?.png","description":"d","folder_id":"0"}"#)
    );
}

#[test]
fn long_lists_of_ids_are_split_and_empty_ones_send_nothing() {
    let ids: Vec<String> = (1..=250).map(|i| i.to_string()).collect();
    let d = plan(DeleteFiles {
        file_ids: Ids(ids.clone()),
    });
    assert_eq!(d.calls.len(), 3);
    assert!(
        d.calls[0]
            .url
            .starts_with("http://h/v2/library/files/1,2,3,")
    );
    let m = plan(MoveFiles {
        folder_id: "-1".into(),
        file_ids: Ids(ids[..3].to_vec()),
    });
    assert_eq!(
        m.calls[0].body.as_ref().map(crate::ops::Body::text),
        Some(r#"["1","2","3"]"#)
    );
    assert!(m.join);
    for empty in [
        plan(DeleteFiles::default()),
        plan(GetUploadStatus::default()),
        plan(MoveFiles {
            folder_id: "-1".into(),
            file_ids: Ids::default(),
        }),
    ] {
        assert!(empty.calls.is_empty());
    }
}
