//! The trash: list its files, empty it.

use crate::cursor::{Cursor, Listing};
use crate::models::{FilePage, FileSortBy, TypeFilter};
use crate::ops::operation;
use crate::ops::params::Limit;
use crate::ops::{alone, continues};
use crate::url::Seg;

const TRASH: [Seg<'static>; 3] = [Seg::Lit("folders"), Seg::Lit("trash"), Seg::Lit("files")];

operation! {
    /// One page of the files in the trash (their status is `Deleted`).
    ListTrash: GET -> FilePage, FilePage;
    params params: "ListTrash" optional;
    js listTrash() -> "Promise<FilePage>", fn list_trash;
    rust Trash::list() => page;
    fields {
        /// Page size, 1–1000 (the API's default is 50).
        opt limit: Limit = param "limit": "number" => query "limit", example 9;
        /// Sort order (default `CREATED_DATE_DESC`).
        opt sort_by: FileSortBy = param "sortBy": "FileSortBy" => query "sort_by", example FileSortBy::SizeDesc;
        /// Only images or only documents (default `ALL`). The trash has no `source` filter.
        opt kind: TypeFilter = param "type": "TypeFilter" => query "type", example TypeFilter::Documents;
        /// The `next` of a previous page of the trash; it carries the other options.
        opt next: Cursor = param "next": "string" => query "next", example cursor;
    }
    rules(op) {
        continues(op.next.as_ref(), &Listing::Trash)?;
        alone(op.next.is_some(), &[("limit", op.limit.is_some()), ("sort_by", op.sort_by.is_some()), ("kind", op.kind.is_some())])
    }
    listing(_op) { Listing::Trash }
    path(_op, _ids) { TRASH.to_vec() }
}

operation! {
    /// Deletes every file in the trash for good.
    EmptyTrash: DELETE -> (), Nothing;
    js emptyTrash() -> "Promise<void>", fn empty_trash;
    rust Trash::empty();
    fields {}
    path(_op, _ids) { TRASH.to_vec() }
}
