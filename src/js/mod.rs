//! The JavaScript face: `MyLibraryClient`, whose names are the package's public contract.
//! Every method checks its arguments itself (wrong types included) so that every failure is a
//! rejected promise with a `MyLibraryError`, never a synchronous throw from the glue.

use crate::api::{files::ListFiles, folders::ListFolders, trash::ListTrash};
use crate::models::{FileSortBy, FolderSortBy, SourceFilter, TypeFilter};
use args::Args;

mod args;
use crate::client::{ClientOptions, Settings};
use crate::error::Error;
use crate::exec::{CallCtx, Inner, error_to_js};
use crate::ops::Walk;
use crate::transport;
use js_sys::{Array, Reflect};
use serde::Deserialize;
use std::rc::Rc;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** The last argument of every call. */
export interface CallOptions {
  /** Aborts the call: it rejects with code ABORTED, whatever the signal's reason. */
  signal?: AbortSignal;
  /** This call's time budget in ms, retries included (0: none). */
  timeoutMs?: number;
}
/** Options of updateFolder and updateFile. */
export interface UpdateOptions extends CallOptions {
  /** TRUE (default): resolve with the updated resource; false: resolve with undefined. */
  includePayload?: boolean;
}
/** What uploadFile sends. */
export interface UploadParams {
  /** The file's bytes. */
  data: Blob | ArrayBuffer | Uint8Array;
  /** Name and extension, at most 80 characters. */
  fileName: string;
  /** Inferred from the name, then from the Blob's type, when left out. */
  fileType?: FileType;
  /** Default: the top level ("0"). */
  folderId?: string;
  /** At most 100 characters. */
  description?: string;
  /** Default MyComputer. */
  source?: FileSource;
}
/** Options of uploadFile (no time budget unless given). */
export interface UploadOptions extends CallOptions {
  /** Upload progress; real progress events in browsers, at least start and end elsewhere. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}
/** Options of waitForUpload. */
export interface WaitOptions {
  /** Time between status checks (default 1000 ms). */
  intervalMs?: number;
  /** Gives up with TIMEOUT after this long (default 120000 ms). */
  timeoutMs?: number;
  /** Aborts the wait with ABORTED. */
  signal?: AbortSignal;
}
/** An uploaded file's id. */
export interface UploadResult {
  fileId: string;
}
"#;

/// Options of `createFolder`.
#[derive(Debug, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewFolder {
    /// The name: 1–40 ISO-8859-1 characters, unique among its siblings.
    pub name: String,
    /// The parent folder (default: the top level).
    #[tsify(optional)]
    pub parent_id: Option<String>,
}

/// Changes of `updateFolder`; a missing name is read from the folder first.
#[derive(Debug, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FolderChanges {
    /// A new name.
    #[tsify(optional)]
    pub name: Option<String>,
    /// A new parent; `"0"` moves the folder to the top level.
    #[tsify(optional)]
    pub parent_id: Option<String>,
}

/// Changes of `updateFile`; a missing description is read from the file first.
#[derive(Debug, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FileChanges {
    /// A new name (at most 80 characters).
    #[tsify(optional)]
    pub name: Option<String>,
    /// A new description (at most 100 characters).
    #[tsify(optional)]
    pub description: Option<String>,
    /// Moves the file (`"0"`: to no folder).
    #[tsify(optional)]
    pub folder_id: Option<String>,
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn bad(msg: impl Into<String>) -> Error {
    Error::invalid_argument(msg)
}

/// An optional object argument: undefined and null are "none", anything else must be an object.
fn object_arg(v: &JsValue, what: &str) -> Result<JsValue, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    if !v.is_object() || Array::is_array(v) {
        return Err(bad(format!("{what} must be an object")));
    }
    Ok(v.clone())
}

fn string_arg(v: &JsValue, what: &str) -> Result<String, Error> {
    v.as_string()
        .ok_or_else(|| bad(format!("{what} must be a string")))
}

fn opt_string(obj: &JsValue, key: &str) -> Result<Option<String>, Error> {
    let v = get(obj, key);
    if v.is_undefined() {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| bad(format!("{key} must be a string")))
}

fn opt_ms(obj: &JsValue, key: &str) -> Result<Option<u64>, Error> {
    let v = get(obj, key);
    if v.is_undefined() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n)
            if n.is_finite()
                && n >= 0.0
                && n.fract() == 0.0
                && n <= crate::models::MAX_SAFE_INTEGER as f64 =>
        {
            Ok(Some(n as u64))
        }
        _ => Err(bad(format!(
            "{key} must be a non-negative integer number of milliseconds"
        ))),
    }
}

fn opt_bool(obj: &JsValue, key: &str) -> Result<Option<bool>, Error> {
    let v = get(obj, key);
    if v.is_undefined() {
        return Ok(None);
    }
    v.as_bool()
        .map(Some)
        .ok_or_else(|| bad(format!("{key} must be a boolean")))
}

fn call_ctx(options: &JsValue) -> Result<CallCtx, Error> {
    let o = object_arg(options, "options")?;
    let signal = get(&o, "signal");
    if !(signal.is_undefined() || signal.is_null() || signal.is_object()) {
        return Err(bad("signal must be an AbortSignal"));
    }
    Ok(CallCtx {
        signal,
        timeout_ms: opt_ms(&o, "timeoutMs")?,
    })
}

/// Reads the options objects of the JavaScript face; the shapes are the tsify declarations'.
trait FromJs: Sized + Default {
    const KEYS: &'static [&'static str];
    fn read(a: &Args) -> Result<Self, Error>;
}

impl FromJs for ListFolders {
    const KEYS: &'static [&'static str] = &["limit", "sortBy", "next"];
    fn read(a: &Args) -> Result<Self, Error> {
        Ok(ListFolders {
            limit: a.integer("limit", u32::MAX as u64)?.map(|n| n as u32),
            sort_by: a.one_of("sortBy", FolderSortBy::known, FolderSortBy::VALUES)?,
            next: a.string("next")?,
        })
    }
}
impl FromJs for ListFiles {
    const KEYS: &'static [&'static str] =
        &["folderId", "limit", "sortBy", "source", "type", "next"];
    fn read(a: &Args) -> Result<Self, Error> {
        Ok(ListFiles {
            folder_id: a.string("folderId")?,
            limit: a.integer("limit", u32::MAX as u64)?.map(|n| n as u32),
            sort_by: a.one_of("sortBy", FileSortBy::known, FileSortBy::VALUES)?,
            source: a.one_of("source", SourceFilter::known, SourceFilter::VALUES)?,
            kind: a.one_of("type", TypeFilter::known, TypeFilter::VALUES)?,
            next: a.string("next")?,
        })
    }
}
impl FromJs for ListTrash {
    const KEYS: &'static [&'static str] = &["limit", "sortBy", "type", "next"];
    fn read(a: &Args) -> Result<Self, Error> {
        Ok(ListTrash {
            limit: a.integer("limit", u32::MAX as u64)?.map(|n| n as u32),
            sort_by: a.one_of("sortBy", FileSortBy::known, FileSortBy::VALUES)?,
            kind: a.one_of("type", TypeFilter::known, TypeFilter::VALUES)?,
            next: a.string("next")?,
        })
    }
}
impl FromJs for ClientOptions {
    const KEYS: &'static [&'static str] = &[
        "apiKey",
        "accessToken",
        "baseUrl",
        "timeoutMs",
        "retries",
        "requestsPerSecond",
        "maxUploadBytes",
        "fetch",
    ];
    fn read(a: &Args) -> Result<Self, Error> {
        Ok(ClientOptions {
            api_key: a.string("apiKey")?,
            access_token: a.string("accessToken")?,
            base_url: a.string("baseUrl")?,
            timeout_ms: a.integer("timeoutMs", crate::models::MAX_SAFE_INTEGER)?,
            retries: a.integer("retries", u32::MAX as u64)?.map(|n| n as u32),
            requests_per_second: a
                .integer("requestsPerSecond", u32::MAX as u64)?
                .map(|n| n as u32),
            max_upload_bytes: a.integer("maxUploadBytes", crate::models::MAX_SAFE_INTEGER)?,
            fetch: None,
        })
    }
}
impl FromJs for NewFolder {
    const KEYS: &'static [&'static str] = &["name", "parentId"];
    fn read(a: &Args) -> Result<Self, Error> {
        Ok(NewFolder {
            name: a
                .string("name")?
                .ok_or_else(|| bad("folder.name is required"))?,
            parent_id: a.string("parentId")?,
        })
    }
}
impl FromJs for FolderChanges {
    const KEYS: &'static [&'static str] = &["name", "parentId"];
    fn read(a: &Args) -> Result<Self, Error> {
        Ok(FolderChanges {
            name: a.string("name")?,
            parent_id: a.string("parentId")?,
        })
    }
}
impl FromJs for FileChanges {
    const KEYS: &'static [&'static str] = &["name", "description", "folderId"];
    fn read(a: &Args) -> Result<Self, Error> {
        Ok(FileChanges {
            name: a.string("name")?,
            description: a.string("description")?,
            folder_id: a.string("folderId")?,
        })
    }
}

/// Reads a typed options object; an unknown key or a wrong value is INVALID_ARGUMENT.
fn params<T: FromJs>(v: &JsValue, what: &'static str) -> Result<T, Error> {
    match Args::new(v, what, T::KEYS)? {
        None => Ok(T::default()),
        Some(a) => T::read(&a),
    }
}

fn ids_arg(v: &JsValue) -> Result<Vec<String>, Error> {
    if let Some(s) = v.as_string() {
        return Ok(vec![s]);
    }
    if !Array::is_array(v) {
        return Err(bad("fileIds must be a string or an array of strings"));
    }
    Array::from(v)
        .iter()
        .map(|id| {
            id.as_string()
                .ok_or_else(|| bad("fileIds must hold strings only"))
        })
        .collect()
}

/// A client of the MyLibrary API. Works in browsers, Node, Deno and workerd with no init call.
#[wasm_bindgen]
pub struct MyLibraryClient {
    inner: Rc<Inner>,
}

/// Fetches the pages of one walk for `paginate` (internal).
#[wasm_bindgen(skip_typescript)]
pub struct Pager {
    inner: Rc<Inner>,
    kind: Walk,
    ctx: CallCtx,
}

#[wasm_bindgen]
impl Pager {
    /// One page: `{ results, next? }`.
    pub fn page(&self, cursor: Option<String>) -> js_sys::Promise {
        spawn(
            &self.inner,
            Ok((Op::Page(self.kind.clone(), cursor), self.ctx.clone())),
        )
    }
}

/// One operation, its arguments already checked. Every method of the JavaScript face builds one
/// and hands it to [`dispatch`]: a single async function behind a single `future_to_promise`,
/// instead of one compiled state machine per exported method (which made a third of the wasm).
enum Op {
    Info,
    ListFolders(ListFolders),
    GetFolder(String),
    CreateFolder(NewFolder),
    UpdateFolder(String, FolderChanges, bool),
    DeleteFolder(String),
    ListFiles(ListFiles),
    GetFile(String),
    UpdateFile(String, FileChanges, bool),
    DeleteFiles(Vec<String>),
    MoveFiles(String, Vec<String>),
    ListTrash(ListTrash),
    EmptyTrash,
    Upload {
        data: JsValue,
        file_name: String,
        file_type: Option<String>,
        folder_id: Option<String>,
        description: Option<String>,
        source: Option<String>,
        on_progress: JsValue,
    },
    UploadStatus(Vec<String>),
    WaitForUpload {
        id: String,
        interval: u64,
        timeout: u64,
        signal: JsValue,
    },
    Page(Walk, Option<String>),
}

async fn dispatch(inner: &Inner, op: Op, ctx: CallCtx) -> Result<JsValue, Error> {
    // The one-step operations become a plan first, so they share one await.
    let plan = match op {
        Op::Info => inner.info_plan(),
        Op::ListFolders(o) => inner.list_folders_plan(&o),
        Op::GetFolder(id) => inner.folder_plan(&id),
        Op::CreateFolder(f) => inner.create_folder_plan(&f.name, f.parent_id.as_deref()),
        Op::DeleteFolder(id) => inner.delete_folder_plan(&id),
        Op::ListFiles(o) => inner.list_files_plan(&o),
        Op::GetFile(id) => inner.file_plan(&id),
        Op::DeleteFiles(ids) => inner.delete_files_plan(&ids),
        Op::MoveFiles(folder, ids) => inner.move_files_plan(&folder, &ids),
        Op::ListTrash(o) => inner.list_trash_plan(&o),
        Op::EmptyTrash => inner.empty_trash_plan(),
        Op::UploadStatus(ids) => inner.upload_status_plan(&ids),
        Op::Page(walk, cursor) => inner.page_plan(&walk, cursor),
        Op::UpdateFolder(id, c, payload) => {
            return inner
                .update_folder(
                    &id,
                    c.name.as_deref(),
                    c.parent_id.as_deref(),
                    payload,
                    &ctx,
                )
                .await;
        }
        Op::UpdateFile(id, c, payload) => {
            return inner
                .update_file(
                    &id,
                    c.name.as_deref(),
                    c.description.as_deref(),
                    c.folder_id.as_deref(),
                    payload,
                    &ctx,
                )
                .await;
        }
        Op::Upload {
            data,
            file_name,
            file_type,
            folder_id,
            description,
            source,
            on_progress,
        } => {
            let id = inner
                .upload(
                    &data,
                    &file_name,
                    file_type.as_deref(),
                    folder_id.as_deref(),
                    description.as_deref(),
                    source.as_deref(),
                    &on_progress,
                    &ctx,
                )
                .await?;
            let out = js_sys::Object::new();
            let _ = Reflect::set(&out, &JsValue::from_str("fileId"), &JsValue::from_str(&id));
            return Ok(out.into());
        }
        Op::WaitForUpload {
            id,
            interval,
            timeout,
            signal,
        } => return inner.wait_for_upload(&id, interval, timeout, &signal).await,
    };
    inner.run_plan(&plan?, &ctx).await
}

/// The promise of an operation: rejected at once with the argument error, or settled by
/// [`dispatch`].
fn spawn(inner: &Rc<Inner>, op: Result<(Op, CallCtx), Error>) -> js_sys::Promise {
    match op {
        Err(e) => js_sys::Promise::reject(&inner.to_js(e)),
        Ok((op, ctx)) => {
            let inner = inner.clone();
            wasm_bindgen_futures::future_to_promise(async move {
                dispatch(&inner, op, ctx).await.map_err(|e| inner.to_js(e))
            })
        }
    }
}

fn with_ctx(
    options: Option<JsValue>,
    op: impl FnOnce() -> Result<Op, Error>,
) -> Result<(Op, CallCtx), Error> {
    let ctx = call_ctx(&options.unwrap_or_default())?;
    Ok((op()?, ctx))
}

#[wasm_bindgen]
impl MyLibraryClient {
    /// Creates a client. `apiKey` and `accessToken` are required for the default `baseUrl`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> Result<MyLibraryClient, JsValue> {
        let fetch = get(&options, "fetch");
        let checked = (|| {
            let opts: ClientOptions = params(&options, "options")?;
            if !(fetch.is_undefined() || fetch.is_function()) {
                return Err(bad("fetch must be a function with fetch's signature"));
            }
            Settings::from_options(opts)
        })();
        match checked {
            Ok(s) => Ok(MyLibraryClient {
                inner: Rc::new(Inner::new(s, fetch)),
            }),
            Err(e) => Err(error_to_js(e, &[])),
        }
    }

    /// Replaces the access token (a refreshed OAuth token) for the calls that follow.
    #[wasm_bindgen(js_name = setAccessToken)]
    pub fn set_access_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    ) -> Result<(), JsValue> {
        match token.as_string() {
            Some(t) if !t.is_empty() => {
                self.inner.set_token(Some(t));
                Ok(())
            }
            _ => Err(self
                .inner
                .to_js(bad("the access token must be a non-empty string"))),
        }
    }

    /// The library's limits and usage.
    #[wasm_bindgen(js_name = getInfo, unchecked_return_type = "Promise<LibraryInfo>")]
    pub fn get_info(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        spawn(&self.inner, with_ctx(options, || Ok(Op::Info)))
    }

    /// One page of top-level folders (each with its sub-folders in `children`).
    #[wasm_bindgen(js_name = listFolders, unchecked_return_type = "Promise<FolderPage>")]
    pub fn list_folders(
        &self,
        #[wasm_bindgen(js_name = params, unchecked_optional_param_type = "ListFolders")]
        params_: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        spawn(
            &self.inner,
            with_ctx(options, || {
                Ok(Op::ListFolders(params(
                    &params_.unwrap_or_default(),
                    "params",
                )?))
            }),
        )
    }

    /// Every top-level folder, page after page.
    #[wasm_bindgen(unchecked_return_type = "AsyncIterable<Folder>")]
    pub fn folders(
        &self,
        #[wasm_bindgen(js_name = params, unchecked_optional_param_type = "ListFolders")]
        params_: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let kind = params(&params_.unwrap_or_default(), "params").map(Walk::Folders);
        self.pager(kind, options)
    }

    /// One folder, with its sub-folders.
    #[wasm_bindgen(js_name = getFolder, unchecked_return_type = "Promise<Folder>")]
    pub fn get_folder(
        &self,
        #[wasm_bindgen(js_name = folderId, unchecked_param_type = "string")] folder_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        spawn(
            &self.inner,
            with_ctx(options, || {
                Ok(Op::GetFolder(string_arg(&folder_id, "folderId")?))
            }),
        )
    }

    /// Creates a folder (never retried automatically).
    #[wasm_bindgen(js_name = createFolder, unchecked_return_type = "Promise<Folder>")]
    pub fn create_folder(
        &self,
        #[wasm_bindgen(unchecked_param_type = "NewFolder")] folder: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        spawn(
            &self.inner,
            with_ctx(options, || {
                if folder.is_undefined() || folder.is_null() {
                    return Err(bad("createFolder needs { name }"));
                }
                Ok(Op::CreateFolder(params(&folder, "folder")?))
            }),
        )
    }

    /// Renames or moves a folder. Resolves with the folder, or undefined with
    /// `includePayload: false`.
    #[wasm_bindgen(js_name = updateFolder, unchecked_return_type = "Promise<Folder | undefined>")]
    pub fn update_folder(
        &self,
        #[wasm_bindgen(js_name = folderId, unchecked_param_type = "string")] folder_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "FolderChanges")] changes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UpdateOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        let payload = include_payload(&options);
        spawn(
            &self.inner,
            with_ctx(options, || {
                Ok(Op::UpdateFolder(
                    string_arg(&folder_id, "folderId")?,
                    params(&object_arg(&changes, "changes")?, "changes")?,
                    payload?,
                ))
            }),
        )
    }

    /// Deletes a folder; its files go to the trash.
    #[wasm_bindgen(js_name = deleteFolder, unchecked_return_type = "Promise<void>")]
    pub fn delete_folder(
        &self,
        #[wasm_bindgen(js_name = folderId, unchecked_param_type = "string")] folder_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        spawn(
            &self.inner,
            with_ctx(options, || {
                Ok(Op::DeleteFolder(string_arg(&folder_id, "folderId")?))
            }),
        )
    }

    /// One page of files: all of them, or one folder's (`folderId`).
    #[wasm_bindgen(js_name = listFiles, unchecked_return_type = "Promise<FilePage>")]
    pub fn list_files(
        &self,
        #[wasm_bindgen(js_name = params, unchecked_optional_param_type = "ListFiles")]
        params_: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        spawn(
            &self.inner,
            with_ctx(options, || {
                Ok(Op::ListFiles(params(
                    &params_.unwrap_or_default(),
                    "params",
                )?))
            }),
        )
    }

    /// Every file, page after page.
    #[wasm_bindgen(unchecked_return_type = "AsyncIterable<LibraryFile>")]
    pub fn files(
        &self,
        #[wasm_bindgen(js_name = params, unchecked_optional_param_type = "ListFiles")]
        params_: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let kind = params(&params_.unwrap_or_default(), "params").map(Walk::Files);
        self.pager(kind, options)
    }

    /// One file.
    #[wasm_bindgen(js_name = getFile, unchecked_return_type = "Promise<LibraryFile>")]
    pub fn get_file(
        &self,
        #[wasm_bindgen(js_name = fileId, unchecked_param_type = "string")] file_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        spawn(
            &self.inner,
            with_ctx(options, || Ok(Op::GetFile(string_arg(&file_id, "fileId")?))),
        )
    }

    /// Renames, describes or moves a file. Resolves with the file, or undefined with
    /// `includePayload: false`.
    #[wasm_bindgen(js_name = updateFile, unchecked_return_type = "Promise<LibraryFile | undefined>")]
    pub fn update_file(
        &self,
        #[wasm_bindgen(js_name = fileId, unchecked_param_type = "string")] file_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "FileChanges")] changes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UpdateOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        let payload = include_payload(&options);
        spawn(
            &self.inner,
            with_ctx(options, || {
                Ok(Op::UpdateFile(
                    string_arg(&file_id, "fileId")?,
                    params(&object_arg(&changes, "changes")?, "changes")?,
                    payload?,
                ))
            }),
        )
    }

    /// Moves files to the trash.
    #[wasm_bindgen(js_name = deleteFiles, unchecked_return_type = "Promise<void>")]
    pub fn delete_files(
        &self,
        #[wasm_bindgen(js_name = fileIds, unchecked_param_type = "string | string[]")]
        file_ids: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        spawn(
            &self.inner,
            with_ctx(options, || Ok(Op::DeleteFiles(ids_arg(&file_ids)?))),
        )
    }

    /// Moves files into a folder (`"0"`: to no folder).
    #[wasm_bindgen(js_name = moveFiles, unchecked_return_type = "Promise<MoveResult[]>")]
    pub fn move_files(
        &self,
        #[wasm_bindgen(js_name = folderId, unchecked_param_type = "string")] folder_id: JsValue,
        #[wasm_bindgen(js_name = fileIds, unchecked_param_type = "string[]")] file_ids: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        spawn(
            &self.inner,
            with_ctx(options, || {
                Ok(Op::MoveFiles(
                    string_arg(&folder_id, "folderId")?,
                    ids_arg(&file_ids)?,
                ))
            }),
        )
    }

    /// One page of the trash.
    #[wasm_bindgen(js_name = listTrash, unchecked_return_type = "Promise<FilePage>")]
    pub fn list_trash(
        &self,
        #[wasm_bindgen(js_name = params, unchecked_optional_param_type = "ListTrash")]
        params_: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        spawn(
            &self.inner,
            with_ctx(options, || {
                Ok(Op::ListTrash(params(
                    &params_.unwrap_or_default(),
                    "params",
                )?))
            }),
        )
    }

    /// Every file in the trash, page after page.
    #[wasm_bindgen(unchecked_return_type = "AsyncIterable<LibraryFile>")]
    pub fn trash(
        &self,
        #[wasm_bindgen(js_name = params, unchecked_optional_param_type = "ListTrash")]
        params_: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let kind = params(&params_.unwrap_or_default(), "params").map(Walk::Trash);
        self.pager(kind, options)
    }

    /// Deletes every file in the trash for good.
    #[wasm_bindgen(js_name = emptyTrash, unchecked_return_type = "Promise<void>")]
    pub fn empty_trash(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        spawn(&self.inner, with_ctx(options, || Ok(Op::EmptyTrash)))
    }

    /// Uploads a file (never retried automatically). Resolves with its id once the API has
    /// accepted it; use `waitForUpload` to wait until it is `Active`.
    #[wasm_bindgen(js_name = uploadFile, unchecked_return_type = "Promise<UploadResult>")]
    pub fn upload_file(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UploadParams")] upload: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UploadOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        let on_progress = get(&options.clone().unwrap_or_default(), "onProgress");
        spawn(
            &self.inner,
            with_ctx(options, || {
                if !upload.is_object() {
                    return Err(bad("uploadFile needs { data, fileName }"));
                }
                if !(on_progress.is_undefined() || on_progress.is_function()) {
                    return Err(bad("onProgress must be a function"));
                }
                Ok(Op::Upload {
                    file_name: opt_string(&upload, "fileName")?
                        .ok_or_else(|| bad("fileName must be a string"))?,
                    file_type: opt_string(&upload, "fileType")?,
                    folder_id: opt_string(&upload, "folderId")?,
                    description: opt_string(&upload, "description")?,
                    source: opt_string(&upload, "source")?,
                    data: get(&upload, "data"),
                    on_progress,
                })
            }),
        )
    }

    /// The upload status of files (unknown ids are left out, as the API does).
    #[wasm_bindgen(js_name = getUploadStatus, unchecked_return_type = "Promise<UploadStatus[]>")]
    pub fn get_upload_status(
        &self,
        #[wasm_bindgen(js_name = fileIds, unchecked_param_type = "string | string[]")]
        file_ids: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        spawn(
            &self.inner,
            with_ctx(options, || Ok(Op::UploadStatus(ids_arg(&file_ids)?))),
        )
    }

    /// Waits until an upload is `Active`; rejects with UPLOAD_FAILED on `VirusFound`, `Failed`,
    /// `Deleted` or an unknown id, and with TIMEOUT when its own time runs out.
    #[wasm_bindgen(js_name = waitForUpload, unchecked_return_type = "Promise<UploadStatus>")]
    pub fn wait_for_upload(
        &self,
        #[wasm_bindgen(js_name = fileId, unchecked_param_type = "string")] file_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        let op = (|| {
            let id = string_arg(&file_id, "fileId")?;
            let o = object_arg(&options.unwrap_or_default(), "options")?;
            let interval = opt_ms(&o, "intervalMs")?.unwrap_or(1000).max(50);
            let timeout = opt_ms(&o, "timeoutMs")?.unwrap_or(120_000);
            let signal = get(&o, "signal");
            Ok((
                Op::WaitForUpload {
                    id,
                    interval,
                    timeout,
                    signal,
                },
                CallCtx::default(),
            ))
        })();
        spawn(&self.inner, op)
    }
}

fn include_payload(options: &Option<JsValue>) -> Result<bool, Error> {
    Ok(opt_bool(&options.clone().unwrap_or_default(), "includePayload")?.unwrap_or(true))
}

impl MyLibraryClient {
    fn pager(
        &self,
        kind: Result<Walk, Error>,
        options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let made = kind.and_then(|kind| {
            let ctx = call_ctx(&options.unwrap_or_default())?;
            Ok(Pager {
                inner: self.inner.clone(),
                kind,
                ctx,
            })
        });
        match made {
            Ok(p) => Ok(transport::paginate(p.into())),
            Err(e) => Err(self.inner.to_js(e)),
        }
    }
}
