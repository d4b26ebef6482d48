//! The library state and every operation on it, with the API's validation.

use crate::images::{self, Hosted, Processed};
use crate::model::*;
use crate::query::{Collection, ListQuery, SortKey};
use bytes::Bytes;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

pub const FOLDER_NAME_MAX: usize = 40;
pub const FILE_NAME_MAX: usize = 80;
pub const DESCRIPTION_MAX: usize = 100;
pub const MAX_DEPTH: u32 = 3;
const SPACE_UNIT: u64 = 262_144_000;

/// Account limits reported by `GET /library/info`.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_free_file_num: u64,
    pub max_upload_size_limit: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_free_file_num: 0,
            max_upload_size_limit: 5_242_880,
        }
    }
}

/// Where a file list reads from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    /// A folder; `None` is the top level (files with no folder).
    Folder(Option<i64>),
    Trash,
}

/// A page of items and the query of the page after it, if any.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// What an upload carries once its form is read.
pub struct NewUpload {
    pub file_name: String,
    pub folder_id: Option<String>,
    pub description: String,
    pub source: Option<String>,
    pub file_type: Option<String>,
    pub data: Bytes,
}

#[derive(Clone)]
pub struct Library {
    pub folders: BTreeMap<i64, Folder>,
    pub files: BTreeMap<u64, File>,
    pub limits: Limits,
    /// The storage plan; raised for big generated libraries so uploads still fit.
    pub space_limit: u64,
    next_file_id: u64,
    next_folder_id: i64,
}

/// A folder reference that is not a number.
#[derive(Debug)]
pub struct BadFolderRef;

/// Parses a folder reference in a body or path: `"0"`, `""` or `null` is the top level.
pub fn parse_folder_ref(v: Option<&str>) -> Result<Option<i64>, BadFolderRef> {
    match v.map(str::trim) {
        None | Some("") | Some("0") => Ok(None),
        Some(s) => s.parse::<i64>().map(Some).map_err(|_| BadFolderRef),
    }
}

/// A folder to put a file in (`None`: the top level) and that folder's name.
pub type Target = (Option<i64>, String);

/// An upload's fields once checked.
pub struct CheckedUpload {
    pub file_type: FileType,
    pub source: Source,
    pub folder: Target,
}

fn check_text(field: &str, value: &str, max: usize, latin1: bool) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::new(
            400,
            "json.field.required",
            format!("#/{field}: a value is required"),
        ));
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(ApiError::new(
            400,
            "json.max.length.violation",
            format!("#/{field}: length of {chars} is longer than the maximum of {max}"),
        ));
    }
    if latin1 && value.chars().any(|c| c as u32 > 0xFF) {
        return Err(ApiError::invalid(format!(
            "#/{field}: only ISO-8859-1 characters are supported"
        )));
    }
    Ok(())
}

impl Library {
    pub fn empty(limits: Limits) -> Self {
        Library {
            folders: BTreeMap::new(),
            files: BTreeMap::new(),
            limits,
            space_limit: SPACE_UNIT,
            next_file_id: 1,
            next_folder_id: -1,
        }
    }

    pub fn insert_folder(&mut self, folder: Folder) {
        self.next_folder_id = self.next_folder_id.min(folder.id - 1);
        self.folders.insert(folder.id, folder);
    }

    pub fn insert_file(&mut self, file: File) {
        self.next_file_id = self.next_file_id.max(file.id + 1);
        self.files.insert(file.id, file);
    }

    /// Sets the storage plan to the smallest multiple of 250 MB (262,144,000 bytes) that
    /// leaves at least half a unit free.
    pub fn fit_space_limit(&mut self) {
        let used = self.bytes_used();
        self.space_limit = (used + SPACE_UNIT / 2).div_ceil(SPACE_UNIT).max(1) * SPACE_UNIT;
    }

    fn bytes_used(&self) -> u64 {
        self.files.values().map(File::size).sum()
    }

    pub fn level(&self, id: i64) -> u32 {
        let mut level = 1;
        let mut cur = self.folders.get(&id).and_then(|f| f.parent);
        while let Some(p) = cur {
            level += 1;
            cur = self.folders.get(&p).and_then(|f| f.parent);
            if level > 10 {
                break;
            }
        }
        level
    }

    /// Levels below `id` (0 when it has no children).
    fn subtree_height(&self, id: i64) -> u32 {
        self.folders
            .values()
            .filter(|f| f.parent == Some(id))
            .map(|f| 1 + self.subtree_height(f.id))
            .max()
            .unwrap_or(0)
    }

    fn is_descendant(&self, id: i64, ancestor: i64) -> bool {
        let mut cur = Some(id);
        let mut hops = 0;
        while let Some(c) = cur {
            if c == ancestor {
                return true;
            }
            cur = self.folders.get(&c).and_then(|f| f.parent);
            hops += 1;
            if hops > 10 {
                break;
            }
        }
        false
    }

    fn item_counts(&self) -> HashMap<i64, usize> {
        let mut counts = HashMap::new();
        for f in self.files.values().filter(|f| !f.trashed) {
            if let Some(id) = f.folder_id {
                *counts.entry(id).or_insert(0) += 1;
            }
        }
        counts
    }

    // ---- info ----

    pub fn info(&self, origin: &str) -> InfoJson {
        let (mut images, mut docs, mut image_bytes, mut doc_bytes) = (0, 0, 0, 0);
        for f in self.files.values() {
            if f.is_image() {
                images += 1;
                image_bytes += f.size();
            } else {
                docs += 1;
                doc_bytes += f.size();
            }
        }
        let used = image_bytes + doc_bytes;
        let file_count = images + docs;
        InfoJson {
            max_free_file_num: self.limits.max_free_file_num,
            max_premium_space_limit: self.space_limit,
            image_root: origin.to_string(),
            usage_summary: UsageSummaryJson {
                folder_count: self.folders.len(),
                file_count,
                image_count: images,
                document_count: docs,
                total_bytes_used: used,
                image_bytes_used: image_bytes,
                document_bytes_used: doc_bytes,
                total_bytes_remaining: self.space_limit.saturating_sub(used),
                free_files_remaining: self
                    .limits
                    .max_free_file_num
                    .saturating_sub(file_count as u64),
            },
            max_upload_size_limit: self.limits.max_upload_size_limit,
        }
    }

    // ---- folders ----

    fn folder_cmp(&self, a: &Folder, b: &Folder, q: &ListQuery) -> Ordering {
        let ord = match q.sort.key {
            SortKey::Modified => a.modified.ms.cmp(&b.modified.ms),
            SortKey::Name => name_cmp(&a.name, &b.name),
            _ => a.created.ms.cmp(&b.created.ms),
        }
        .then(a.id.cmp(&b.id));
        if q.sort.desc { ord.reverse() } else { ord }
    }

    fn folder_json<'a>(
        &'a self,
        f: &'a Folder,
        counts: &HashMap<i64, usize>,
        q: &ListQuery,
    ) -> FolderJson<'a> {
        let mut kids: Vec<&Folder> = self
            .folders
            .values()
            .filter(|c| c.parent == Some(f.id))
            .collect();
        kids.sort_by(|a, b| self.folder_cmp(a, b, q));
        FolderJson {
            id: f.id.to_string(),
            name: &f.name,
            level: self.level(f.id),
            children: kids
                .into_iter()
                .map(|c| self.folder_json(c, counts, q))
                .collect(),
            item_count: counts.get(&f.id).copied().unwrap_or(0),
            parent_id: f.parent.map_or_else(|| "0".to_string(), |p| p.to_string()),
            modified_date: &f.modified.text,
            created_date: &f.created.text,
        }
    }

    /// Top-level folders, each with its sub-folders nested in `children`.
    pub fn list_folders(&self, q: &ListQuery) -> Page<FolderJson<'_>> {
        let counts = self.item_counts();
        let mut top: Vec<&Folder> = self
            .folders
            .values()
            .filter(|f| f.parent.is_none())
            .collect();
        top.sort_by(|a, b| self.folder_cmp(a, b, q));
        let next = (q.offset + q.limit < top.len()).then(|| q.next_token(Collection::Folders));
        let items = top
            .into_iter()
            .skip(q.offset)
            .take(q.limit)
            .map(|f| self.folder_json(f, &counts, q))
            .collect();
        Page { items, next }
    }

    fn folder_by_path(&self, id: &str) -> Result<&Folder, ApiError> {
        id.trim()
            .parse::<i64>()
            .ok()
            .and_then(|id| self.folders.get(&id))
            .ok_or_else(|| ApiError::not_found("The specified folder ID does not exist"))
    }

    pub fn get_folder(&self, id: &str) -> Result<FolderJson<'_>, ApiError> {
        let f = self.folder_by_path(id)?;
        let q = ListQuery::from_params(&[], Collection::Folders)?;
        Ok(self.folder_json(f, &self.item_counts(), &q))
    }

    fn check_folder_name(
        &self,
        name: &str,
        parent: Option<i64>,
        except: Option<i64>,
    ) -> Result<(), ApiError> {
        check_text("name", name, FOLDER_NAME_MAX, true)?;
        let clash = self.folders.values().any(|f| {
            f.parent == parent && Some(f.id) != except && f.name.eq_ignore_ascii_case(name)
        });
        if clash {
            return Err(ApiError::new(
                409,
                "mylibrary.folder.name.exists",
                "A folder with that name at this level already exists",
            ));
        }
        Ok(())
    }

    fn parent_ref(&self, v: Option<&str>) -> Result<Option<i64>, ApiError> {
        let parent =
            parse_folder_ref(v).map_err(|_| ApiError::invalid("#/parent_id: not a folder id"))?;
        if let Some(p) = parent
            && !self.folders.contains_key(&p)
        {
            return Err(ApiError::invalid(format!(
                "#/parent_id: folder {p} does not exist"
            )));
        }
        Ok(parent)
    }

    pub fn create_folder(
        &mut self,
        name: &str,
        parent_id: Option<&str>,
        now_ms: i64,
    ) -> Result<i64, ApiError> {
        let parent = self.parent_ref(parent_id)?;
        if let Some(p) = parent
            && self.level(p) >= MAX_DEPTH
        {
            return Err(ApiError::new(
                400,
                "mylibrary.folder.depth.exceeded",
                "Folders can be nested at most 3 levels deep",
            ));
        }
        self.check_folder_name(name, parent, None)?;
        let id = self.next_folder_id;
        self.next_folder_id -= 1;
        let stamp = Stamp::from_ms(now_ms);
        self.folders.insert(
            id,
            Folder {
                id,
                name: name.to_string(),
                parent,
                created: stamp.clone(),
                modified: stamp,
            },
        );
        Ok(id)
    }

    /// `parent_id`: `None` leaves the parent unchanged.
    pub fn update_folder(
        &mut self,
        id: &str,
        name: &str,
        parent_id: Option<Option<&str>>,
        now_ms: i64,
    ) -> Result<i64, ApiError> {
        let id = self.folder_by_path(id)?.id;
        let current_parent = self.folders.get(&id).and_then(|f| f.parent);
        let parent = match parent_id {
            None => current_parent,
            Some(v) => self.parent_ref(v)?,
        };
        if let Some(p) = parent {
            if self.is_descendant(p, id) {
                return Err(ApiError::invalid(
                    "#/parent_id: a folder cannot be moved into itself or its sub-folders",
                ));
            }
            if self.level(p) + 1 + self.subtree_height(id) > MAX_DEPTH {
                return Err(ApiError::new(
                    400,
                    "mylibrary.folder.depth.exceeded",
                    "Folders can be nested at most 3 levels deep",
                ));
            }
        }
        self.check_folder_name(name, parent, Some(id))?;
        if let Some(f) = self.folders.get_mut(&id) {
            f.name = name.to_string();
            f.parent = parent;
            f.modified = Stamp::from_ms(now_ms);
        }
        for file in self.files.values_mut().filter(|f| f.folder_id == Some(id)) {
            file.folder_name = name.to_string();
        }
        Ok(id)
    }

    /// Deletes a folder and its sub-folders; their files go to the trash.
    pub fn delete_folder(&mut self, id: &str, now_ms: i64) -> Result<(), ApiError> {
        let id = self.folder_by_path(id)?.id;
        let doomed: Vec<i64> = self
            .folders
            .keys()
            .copied()
            .filter(|&f| self.is_descendant(f, id))
            .collect();
        for file in self
            .files
            .values_mut()
            .filter(|f| f.folder_id.is_some_and(|fid| doomed.contains(&fid)))
        {
            if !file.trashed {
                file.trashed = true;
                file.modified = Stamp::from_ms(now_ms);
            }
        }
        for f in doomed {
            self.folders.remove(&f);
        }
        Ok(())
    }

    // ---- files ----

    fn file_cmp(a: &File, b: &File, q: &ListQuery) -> Ordering {
        let ord = match q.sort.key {
            SortKey::Created => a.created.ms.cmp(&b.created.ms),
            SortKey::Modified => a.modified.ms.cmp(&b.modified.ms),
            SortKey::Name => name_cmp(&a.name, &b.name),
            SortKey::Size => a.size().cmp(&b.size()),
            SortKey::Dimension => {
                (a.width as u64 * a.height as u64).cmp(&(b.width as u64 * b.height as u64))
            }
        }
        .then(a.id.cmp(&b.id));
        if q.sort.desc { ord.reverse() } else { ord }
    }

    pub fn file_json<'a>(&'a self, f: &'a File, origin: &str, now_ms: i64) -> FileJson<'a> {
        let thumbnail = match &f.thumb {
            Some(t) => ThumbnailJson {
                url: format!("{origin}/ih/thumbs/{}.{}", f.id, t.ext),
                width: f.thumb_w,
                height: f.thumb_h,
            },
            None => ThumbnailJson {
                url: format!("{origin}/ih/ui/mlui_document.png"),
                width: images::DOC_ICON_SIZE.0,
                height: images::DOC_ICON_SIZE.1,
            },
        };
        FileJson {
            name: &f.name,
            id: f.id_string(),
            description: &f.description,
            folder: &f.folder_name,
            height: f.height,
            width: f.width,
            size: f.size(),
            url: format!("{origin}/ih/files/{}.{}", f.id, f.content.ext),
            source: f.source.as_str(),
            status: f.status(now_ms).as_str(),
            thumbnail,
            created_date: &f.created.text,
            modified_date: &f.modified.text,
            folder_id: f.folder_id.map(|id| id.to_string()),
            is_image: f.is_image(),
            file_type: f.file_type.as_str(),
        }
    }

    /// Resolves a folder id in a files-by-folder path (`0` is the top level).
    pub fn folder_scope(&self, id: &str) -> Result<Scope, ApiError> {
        if id.eq_ignore_ascii_case("trash") {
            return Ok(Scope::Trash);
        }
        match parse_folder_ref(Some(id)) {
            Ok(None) if !id.is_empty() => Ok(Scope::Folder(None)),
            Ok(Some(fid)) if self.folders.contains_key(&fid) => Ok(Scope::Folder(Some(fid))),
            _ => Err(ApiError::not_found(
                "The specified folder ID does not exist",
            )),
        }
    }

    pub fn list_files(
        &self,
        scope: Scope,
        q: &ListQuery,
        origin: &str,
        now_ms: i64,
    ) -> Page<FileJson<'_>> {
        let mut hits: Vec<&File> = self
            .files
            .values()
            .filter(|f| match scope {
                Scope::Trash => f.trashed,
                Scope::All => !f.trashed,
                Scope::Folder(fid) => !f.trashed && f.folder_id == fid,
            })
            .filter(|f| q.source.is_none_or(|s| s == f.source))
            .filter(|f| match q.kind {
                crate::query::TypeFilter::All => true,
                crate::query::TypeFilter::Images => f.is_image(),
                crate::query::TypeFilter::Documents => !f.is_image(),
            })
            .collect();
        let end = q.offset.saturating_add(q.limit);
        if q.sort.key == SortKey::Name {
            // Lower-casing once per file, not per comparison; keys end in the unique id, so
            // reversing gives exactly the descending order.
            hits.sort_by_cached_key(|f| (f.name.to_lowercase(), f.name.clone(), f.id));
            if q.sort.desc {
                hits.reverse();
            }
        } else {
            hits.sort_by(|a, b| Self::file_cmp(a, b, q));
        }
        let coll = if scope == Scope::Trash {
            Collection::Trash
        } else {
            Collection::Files
        };
        let next = (end < hits.len()).then(|| q.next_token(coll));
        let items = hits
            .into_iter()
            .skip(q.offset)
            .take(q.limit)
            .map(|f| self.file_json(f, origin, now_ms))
            .collect();
        Page { items, next }
    }

    fn file_by_path(&self, id: &str) -> Result<&File, ApiError> {
        id.trim()
            .parse::<u64>()
            .ok()
            .and_then(|id| self.files.get(&id))
            .ok_or_else(|| ApiError::not_found("The specified file ID does not exist"))
    }

    pub fn get_file(&self, id: &str, origin: &str, now_ms: i64) -> Result<FileJson<'_>, ApiError> {
        Ok(self.file_json(self.file_by_path(id)?, origin, now_ms))
    }

    pub fn file_id(&self, id: &str) -> Result<u64, ApiError> {
        self.file_by_path(id).map(|f| f.id)
    }

    fn target_folder(
        &self,
        v: Option<&str>,
        field: &str,
    ) -> Result<(Option<i64>, String), ApiError> {
        let fid = parse_folder_ref(v)
            .map_err(|_| ApiError::invalid(format!("#/{field}: not a folder id")))?;
        match fid {
            None => Ok((None, ROOT_FOLDER_NAME.to_string())),
            Some(id) => match self.folders.get(&id) {
                Some(f) => Ok((Some(id), f.name.clone())),
                None => Err(ApiError::invalid(format!(
                    "#/{field}: folder {id} does not exist"
                ))),
            },
        }
    }

    fn place(file: &mut File, folder: Target) {
        file.folder_id = folder.0;
        file.folder_name = folder.1;
        file.trashed = false; // moving a file out of the trash restores it
    }

    /// `folder_id`: `None` leaves the folder unchanged; `Some(None)` is the top level.
    pub fn update_file(
        &mut self,
        id: &str,
        name: Option<&str>,
        description: &str,
        folder_id: Option<Option<&str>>,
        now_ms: i64,
    ) -> Result<u64, ApiError> {
        let id = self.file_by_path(id)?.id;
        if let Some(n) = name {
            check_text("name", n, FILE_NAME_MAX, false)?;
        }
        if description.chars().count() > DESCRIPTION_MAX {
            return Err(ApiError::new(
                400,
                "json.max.length.violation",
                format!("#/description: longer than the maximum of {DESCRIPTION_MAX}"),
            ));
        }
        let folder = folder_id
            .map(|v| self.target_folder(v, "folder_id"))
            .transpose()?;
        if let Some(file) = self.files.get_mut(&id) {
            if let Some(n) = name {
                file.name = n.to_string();
            }
            file.description = description.to_string();
            if let Some(folder) = folder {
                Self::place(file, folder);
            }
            file.modified = Stamp::from_ms(now_ms);
        }
        Ok(id)
    }

    fn parse_ids(
        &self,
        ids: &[&str],
        missing: impl Fn(&str) -> ApiError,
    ) -> Result<Vec<u64>, ApiError> {
        ids.iter()
            .map(|raw| {
                self.file_by_path(raw)
                    .map(|f| f.id)
                    .map_err(|_| missing(raw))
            })
            .collect()
    }

    /// Moves files to the trash; all ids must exist (nothing changes otherwise).
    pub fn delete_files(&mut self, ids: &[&str], now_ms: i64) -> Result<(), ApiError> {
        let ids = self.parse_ids(ids, |raw| {
            ApiError::not_found(format!("File {raw:?} does not exist"))
        })?;
        for id in ids {
            if let Some(f) = self.files.get_mut(&id)
                && !f.trashed
            {
                f.trashed = true;
                f.modified = Stamp::from_ms(now_ms);
            }
        }
        Ok(())
    }

    pub fn move_files(
        &mut self,
        folder_id: &str,
        ids: &[String],
        origin: &str,
        now_ms: i64,
    ) -> Result<Vec<MoveResultJson>, ApiError> {
        let target = match self.folder_scope(folder_id)? {
            Scope::Folder(fid) => match fid {
                None => (None, ROOT_FOLDER_NAME.to_string()),
                Some(id) => (
                    Some(id),
                    self.folders
                        .get(&id)
                        .map(|f| f.name.clone())
                        .unwrap_or_default(),
                ),
            },
            _ => {
                return Err(ApiError::bad_request(
                    "Files cannot be moved to the trash; delete them instead",
                ));
            }
        };
        if ids.is_empty() {
            return Err(ApiError::bad_request(
                "The request body must list at least one file id",
            ));
        }
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let ids = self.parse_ids(&refs, |raw| {
            ApiError::new(
                400,
                "mylibrary.file.not_found",
                format!("File {raw:?} does not exist"),
            )
        })?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(f) = self.files.get_mut(&id) {
                Self::place(f, target.clone());
                f.modified = Stamp::from_ms(now_ms);
                out.push(MoveResultJson {
                    id: id.to_string(),
                    uri: format!("{origin}/v2/library/files/{id}"),
                });
            }
        }
        Ok(out)
    }

    pub fn empty_trash(&mut self) {
        self.files.retain(|_, f| !f.trashed);
    }

    pub fn upload_status(&self, ids: &[&str], now_ms: i64) -> Vec<UploadStatusJson> {
        ids.iter()
            .filter_map(|raw| self.file_by_path(raw).ok())
            .map(|f| {
                let s = f.status(now_ms).as_str();
                UploadStatusJson {
                    file_id: f.id_string(),
                    status: s,
                    description: s,
                }
            })
            .collect()
    }

    /// Validates an upload's fields (everything but decoding the bytes).
    pub fn check_upload(&self, u: &NewUpload) -> Result<CheckedUpload, ApiError> {
        check_text("file_name", &u.file_name, FILE_NAME_MAX, false)?;
        if u.description.chars().count() > DESCRIPTION_MAX {
            return Err(ApiError::new(
                400,
                "json.max.length.violation",
                format!("#/description: longer than the maximum of {DESCRIPTION_MAX}"),
            ));
        }
        let ft = u.file_type.as_deref().map(str::trim).unwrap_or("");
        if ft.is_empty() {
            return Err(ApiError::new(
                400,
                "json.field.required",
                "#/file_type: a value is required",
            ));
        }
        let file_type = FileType::parse(ft).ok_or_else(|| {
            ApiError::new(400, "mylibrary.file.type.unsupported", format!("Unsupported file type {ft:?}: use JPEG, JPG, GIF, PNG, PDF, DOC, DOCX, XLS, XLSX, PPT or PPTX"))
        })?;
        let source = match u.source.as_deref().map(str::trim) {
            None | Some("") => Source::MyComputer,
            Some(s) => Source::parse(s)
                .ok_or_else(|| ApiError::invalid(format!("#/source: invalid value {s:?}")))?,
        };
        let folder = self.target_folder(u.folder_id.as_deref(), "folder_id")?;
        let size = u.data.len() as u64;
        if size == 0 {
            return Err(ApiError::new(
                400,
                "json.field.required",
                "#/data: the file is empty",
            ));
        }
        if size > self.limits.max_upload_size_limit {
            return Err(ApiError::new(
                400,
                "mylibrary.file.too_large",
                format!(
                    "The file is {size} bytes; the maximum upload size is {} bytes",
                    self.limits.max_upload_size_limit
                ),
            ));
        }
        if self.bytes_used() + size > self.space_limit {
            return Err(ApiError::new(
                400,
                "mylibrary.storage.full",
                "Not enough storage space left in MyLibrary",
            ));
        }
        Ok(CheckedUpload {
            file_type,
            source,
            folder,
        })
    }

    /// Stores a checked and processed upload; returns its id.
    pub fn add_upload(
        &mut self,
        u: NewUpload,
        checked: CheckedUpload,
        processed: Processed,
        delay_ms: u64,
        now_ms: i64,
    ) -> Result<u64, ApiError> {
        // Re-check space: another upload may have landed while this one was processed.
        let CheckedUpload {
            file_type,
            source,
            folder,
        } = checked;
        if let Some(fid) = folder.0
            && !self.folders.contains_key(&fid)
        {
            return Err(ApiError::invalid(format!(
                "#/folder_id: folder {fid} does not exist"
            )));
        }
        if self.bytes_used() + u.data.len() as u64 > self.space_limit {
            return Err(ApiError::new(
                400,
                "mylibrary.storage.full",
                "Not enough storage space left in MyLibrary",
            ));
        }
        let id = self.next_file_id;
        self.next_file_id += 1;
        let stamp = Stamp::from_ms(now_ms);
        let ext = file_type.extension();
        let plain = |ct: &'static str| Hosted {
            bytes: u.data.clone(),
            content_type: ct,
            ext: leak_ext(&ext),
        };
        let (content, final_status, width, height, thumb, tw, th) = match processed {
            Processed::Image {
                content_type,
                width,
                height,
                thumb,
                thumb_w,
                thumb_h,
            } => (
                plain(content_type),
                Status::Active,
                width,
                height,
                Some(Arc::new(thumb)),
                thumb_w,
                thumb_h,
            ),
            Processed::Document => (
                plain(file_type.document_mime()),
                Status::Active,
                0,
                0,
                None,
                0,
                0,
            ),
            Processed::VirusFound => (
                plain("application/octet-stream"),
                Status::VirusFound,
                0,
                0,
                None,
                0,
                0,
            ),
            Processed::Failed => (
                plain("application/octet-stream"),
                Status::Failed,
                0,
                0,
                None,
                0,
                0,
            ),
        };
        self.files.insert(
            id,
            File {
                id,
                name: u.file_name,
                description: u.description,
                folder_id: folder.0,
                folder_name: folder.1,
                width,
                height,
                source,
                file_type,
                final_status,
                pipeline: Some(Pipeline {
                    received_ms: now_ms,
                    delay_ms,
                }),
                trashed: false,
                created: stamp.clone(),
                modified: stamp,
                content: Arc::new(content),
                thumb,
                thumb_w: tw,
                thumb_h: th,
            },
        );
        Ok(id)
    }

    /// Hosted bytes: `kind` is `files` or `thumbs`, `name` is `{id}.{ext}`.
    pub fn hosted(&self, kind: &str, name: &str) -> Option<Arc<Hosted>> {
        let (id, ext) = name.split_once('.')?;
        let file = self.files.get(&id.parse().ok()?)?;
        let h = match kind {
            "files" => file.content.clone(),
            "thumbs" => file.thumb.clone()?,
            _ => return None,
        };
        (h.ext == ext).then_some(h)
    }
}

/// Case-insensitive name order, then exact.
fn name_cmp(a: &str, b: &str) -> Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

/// File extensions are a closed set; give each a `'static` spelling.
fn leak_ext(ext: &str) -> &'static str {
    FileType::parse(ext).map_or("bin", |t| match t {
        FileType::Jpeg => "jpeg",
        FileType::Jpg => "jpg",
        FileType::Gif => "gif",
        FileType::Pdf => "pdf",
        FileType::Png => "png",
        FileType::Doc => "doc",
        FileType::Docx => "docx",
        FileType::Xls => "xls",
        FileType::Xlsx => "xlsx",
        FileType::Ppt => "ppt",
        FileType::Pptx => "pptx",
    })
}

/// The shared document icon.
pub fn document_icon() -> Arc<Hosted> {
    static ICON: OnceLock<Arc<Hosted>> = OnceLock::new();
    ICON.get_or_init(|| Arc::new(images::document_icon()))
        .clone()
}
