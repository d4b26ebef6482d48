//! Folders: list, get, create, update, delete.

use super::params::{FolderName, Id, Limit};
use super::{alone, continues};
use crate::cursor::{Cursor, Listing};
use crate::models::{Folder, FolderPage, FolderSortBy};
use crate::ops::operation;
use crate::url::Seg;

operation! {
    /// One page of top-level folders, each with its sub-folders in `children`.
    ListFolders: GET -> FolderPage, FolderPage;
    params params: "ListFolders" optional;
    js listFolders() -> "Promise<FolderPage>", fn list_folders;
    /// let page = client.folders().list().send().await?;
    /// for folder in &page.items {
    ///     println!("{}: {} files, {} sub-folders", folder.name, folder.item_count, folder.children.len());
    /// }
    rust Folders::list() => page;
    fields {
        /// Page size, 1–1000 (the API's default is 50).
        opt limit: Limit = param "limit": "number" => query "limit", example 9;
        /// Sort order (default `CREATED_DATE_DESC`).
        opt sort_by: FolderSortBy = param "sortBy": "FolderSortBy" => query "sort_by", example FolderSortBy::Name;
        /// The `next` of a previous page of folders; it carries the other options.
        opt next: Cursor = param "next": "string" => query "next", example cursor;
    }
    rules(op) {
        continues(op.next.as_ref(), &Listing::Folders)?;
        alone(op.next.is_some(), &[("limit", op.limit.is_some()), ("sort_by", op.sort_by.is_some())])
    }
    listing(_op) { Listing::Folders }
    path(_op, _ids) { vec![Seg::Lit("folders")] }
}

operation! {
    /// One folder, with its sub-folders.
    GetFolder: GET -> Folder, Folder;
    js getFolder(folder_id as folderId: "string") -> "Promise<Folder>", fn get_folder;
    rust Folders::get(folder_id: Id = "-1") => folder;
    fields {
        /// The folder's id.
        req folder_id: Id = arg => path;
    }
    path(op, _ids) { vec![Seg::Lit("folders"), Seg::Id(&op.folder_id)] }
}

operation! {
    /// Creates a folder (never retried automatically: a repeat could create it twice).
    CreateFolder: POST -> Folder, Folder;
    params folder: "NewFolder" required;
    js createFolder() -> "Promise<Folder>", fn create_folder;
    rust Folders::create(name: FolderName = "Spring") => folder;
    fields {
        /// The name: 1–40 ISO-8859-1 characters, unique among its siblings.
        req name: FolderName = param "name": "string" => body "name";
        /// The parent folder (default: the top level).
        opt parent: Id = param "parentId": "string" => body "parent_id", example "-1";
    }
    path(_op, _ids) { vec![Seg::Lit("folders")] }
}

operation! {
    /// Renames or moves a folder. The API requires a name, so without `name` the folder is
    /// read first (one more request) and its name sent back.
    UpdateFolder: PUT -> Folder, Folder;
    params changes: "FolderChanges" required;
    js updateFolder(folder_id as folderId: "string") -> "Promise<Folder>", hand;
    /// let folder = client.folders().update("-1").name("Spring 2025").send().await?;
    /// assert_eq!(folder.name, "Spring 2025");
    rust Folders::update(folder_id: Id = "-1") => folder;
    fields {
        /// The folder's id.
        req folder_id: Id = arg => path;
        /// A new name (1–40 ISO-8859-1 characters).
        opt name: FolderName = param "name": "string" => body "name", example "Spring 2025";
        /// A new parent; `"0"` moves the folder to the top level.
        opt parent: Id = param "parentId": "string" => body "parent_id", example "0";
        /// Whether the answer carries the updated folder (default TRUE). Each face sets it when it
        /// sends: in Rust, `send` (TRUE) and `send_without_payload` (FALSE).
        opt include_payload: bool = none => query "include_payload", example false;
    }
    rules(op) {
        if op.name.is_none() && op.parent.is_none() {
            return Err(("changes", "must hold a name or a parentId to change".into()));
        }
        Ok(())
    }
    path(op, _ids) { vec![Seg::Lit("folders"), Seg::Id(&op.folder_id)] }
}

operation! {
    /// Deletes a folder; its files go to the trash.
    DeleteFolder: DELETE -> (), Nothing;
    js deleteFolder(folder_id as folderId: "string") -> "Promise<void>", fn delete_folder;
    rust Folders::delete(folder_id: Id = "-1");
    fields {
        /// The folder's id.
        req folder_id: Id = arg => path;
    }
    path(op, _ids) { vec![Seg::Lit("folders"), Seg::Id(&op.folder_id)] }
}
