//! Files: list (all, or one folder's), get, update, move to the trash, move to a folder.

use super::json_array;
use super::params::{Description, FileName, Id, Ids, Limit};
use crate::cursor::{Cursor, Listing};
use crate::models::{FilePage, FileSortBy, LibraryFile, MoveResult, SourceFilter, TypeFilter};
use crate::ops::operation;
use crate::url::Seg;

operation! {
    /// One page of files: all of them, or one folder's (`folderId`).
    ListFiles: GET -> FilePage, FilePage;
    params params: "ListFiles" optional;
    js listFiles() -> "Promise<FilePage>", fn list_files;
    /// let page = client.files().list().limit(9).send().await?;
    /// for file in &page.items {
    ///     println!("{} ({} bytes)", file.name, file.size);
    /// }
    /// if let Some(next) = page.next {
    ///     let more = client.files().list().next(next).send().await?;
    /// }
    rust Files::list() => page;
    fields {
        /// Only the files of this folder (`"0"`: the files in no folder).
        opt folder: Id = param "folderId": "string" => path, example "-1";
        /// Page size, 1–1000 (the API's default is 50).
        opt limit: Limit = param "limit": "number" => query "limit", example 9;
        /// Sort order (default `CREATED_DATE_DESC`).
        opt sort_by: FileSortBy = param "sortBy": "FileSortBy" => query "sort_by", example FileSortBy::NameDesc;
        /// Only files from this source (default `ALL`).
        opt source: SourceFilter = param "source": "SourceFilter" => query "source", example SourceFilter::MyComputer;
        /// Only images or only documents (default `ALL`).
        opt kind: TypeFilter = param "type": "TypeFilter" => query "type", example TypeFilter::Images;
        /// The `next` of a previous page of files; it carries the folder and the other options.
        opt next: Cursor = param "next": "string" => query "next", example cursor;
    }
    rules(op) {
        super::alone(op.next.is_some(), &[
            ("limit", op.limit.is_some()),
            ("sort_by", op.sort_by.is_some()),
            ("source", op.source.is_some()),
            ("kind", op.kind.is_some()),
        ])?;
        match (&op.next, &op.folder) {
            (Some(c), _) if !matches!(c.listing(), Listing::Files | Listing::FolderFiles(_)) => Err((
                "next",
                format!("continues the listing \"{}\", not a list of files; pass it to the method that listed it", c.listing().path()),
            )),
            (Some(c), Some(f)) if c.listing() != &Listing::FolderFiles(f.0.clone()) => Err((
                "folder",
                format!("is \"{f}\", but `next` continues the listing \"{}\"; pass `next` alone", c.listing().path()),
            )),
            _ => Ok(()),
        }
    }
    listing(op) {
        match (&op.next, &op.folder) {
            (Some(c), _) => c.listing().clone(),
            (None, Some(f)) => Listing::FolderFiles(f.0.clone()),
            (None, None) => Listing::Files,
        }
    }
    path(op, _ids) {
        let folder = match &op.next {
            Some(c) => match c.listing() {
                Listing::FolderFiles(id) => Some(id.as_str()),
                _ => None,
            },
            None => op.folder.as_deref(),
        };
        match folder {
            Some(id) => vec![Seg::Lit("folders"), Seg::Id(id), Seg::Lit("files")],
            None => vec![Seg::Lit("files")],
        }
    }
}

operation! {
    /// One file.
    GetFile: GET -> LibraryFile, File;
    js getFile(file_id as fileId: "string") -> "Promise<LibraryFile>", fn get_file;
    rust Files::get(file_id: Id = "1234") => file;
    fields {
        /// The file's id.
        req file_id: Id = arg => path;
    }
    path(op, _ids) { vec![Seg::Lit("files"), Seg::Id(&op.file_id)] }
}

operation! {
    /// Renames, describes or moves a file. The API requires a description, so without
    /// `description` the file is read first (one more request) and its description sent back.
    UpdateFile: PUT -> LibraryFile, File;
    params changes: "FileChanges" required;
    js updateFile(file_id as fileId: "string") -> "Promise<LibraryFile>", hand;
    /// let file = client.files().update("1234").name("spring-banner.png").description("Spring sale").send().await?;
    /// assert_eq!(file.name, "spring-banner.png");
    rust Files::update(file_id: Id = "1234") => file;
    fields {
        /// The file's id.
        req file_id: Id = arg => path;
        /// A new name (1–80 characters, with its extension).
        opt name: FileName = param "name": "string" => body "name", example "spring-banner.png";
        /// A new description (at most 100 characters).
        opt description: Description = param "description": "string" => body "description", example "Spring sale";
        /// Moves the file (`"0"`: to no folder).
        opt folder: Id = param "folderId": "string" => body "folder_id", example "-1";
        /// Whether the answer carries the updated file (default TRUE). Each face sets it when it
        /// sends: in Rust, `send` (TRUE) and `send_without_payload` (FALSE).
        opt include_payload: bool = none => query "include_payload", example false;
    }
    rules(op) {
        if op.name.is_none() && op.description.is_none() && op.folder.is_none() {
            return Err(("changes", "must hold a name, a description or a folderId to change".into()));
        }
        Ok(())
    }
    path(op, _ids) { vec![Seg::Lit("files"), Seg::Id(&op.file_id)] }
}

operation! {
    /// Moves files to the trash (long lists take several requests; an empty list sends none).
    DeleteFiles: DELETE -> (), Nothing;
    js deleteFiles(file_ids as fileIds: "string | string[]") -> "Promise<void>", fn delete_files;
    rust Files::delete(file_ids: Ids = ["1234", "1235"]);
    fields {
        /// The files' ids.
        req file_ids: Ids = arg => ids;
    }
    path(_op, ids) { vec![Seg::Lit("files"), Seg::Ids(ids)] }
}

operation! {
    /// Moves files into a folder (`"0"`: to no folder); the trash is left by moving a file out
    /// of it. Long lists take several requests; an empty list sends none.
    MoveFiles: PUT -> Vec<MoveResult>, MoveResults;
    js moveFiles(folder_id as folderId: "string", file_ids as fileIds: "string | string[]") -> "Promise<MoveResult[]>", fn move_files;
    rust Files::move_to(folder_id: Id = "-1", file_ids: Ids = ["1234", "1235"]) => moved;
    fields {
        /// The folder to move the files into.
        req folder_id: Id = arg => path;
        /// The files' ids.
        req file_ids: Ids = arg => ids;
    }
    path(op, _ids) { vec![Seg::Lit("folders"), Seg::Id(&op.folder_id), Seg::Lit("files")] }
    body(_op, ids) { Some(json_array(ids)) }
}
