//! The JavaScript face: `MyLibraryClient`, whose names are the package's public contract.
//! Every method checks its arguments itself (wrong types included) so that every failure is a
//! rejected promise with a `MyLibraryError`, never a synchronous throw from the glue.

use crate::api::{files::ListFiles, folders::ListFolders, trash::ListTrash};
use crate::client::{ClientOptions, Settings};
use crate::error::Error;
use crate::exec::{CallCtx, Inner};
use crate::policy::RateLimiter;
use crate::transport;
use js_sys::{Array, Reflect};
use serde::Deserialize;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use tsify::{Ts, Tsify};
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

/// The keys an options object may have (serde-wasm-bindgen reads only the fields it knows,
/// so `deny_unknown_fields` alone never sees a misspelt option).
trait Keys {
    const KEYS: &'static [&'static str];
}
impl Keys for ListFolders {
    const KEYS: &'static [&'static str] = &["limit", "sortBy", "next"];
}
impl Keys for ListFiles {
    const KEYS: &'static [&'static str] =
        &["folderId", "limit", "sortBy", "source", "type", "next"];
}
impl Keys for ListTrash {
    const KEYS: &'static [&'static str] = &["limit", "sortBy", "type", "next"];
}
impl Keys for ClientOptions {
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
}
impl Keys for NewFolder {
    const KEYS: &'static [&'static str] = &["name", "parentId"];
}
impl Keys for FolderChanges {
    const KEYS: &'static [&'static str] = &["name", "parentId"];
}
impl Keys for FileChanges {
    const KEYS: &'static [&'static str] = &["name", "description", "folderId"];
}

/// Deserialises a typed options object (through `Ts<T>`); an unknown key or a wrong value is
/// INVALID_ARGUMENT.
fn params<T>(v: &JsValue, what: &str) -> Result<T, Error>
where
    T: Tsify + Keys + for<'de> Deserialize<'de> + Default,
    <T as Tsify>::JsType: Clone,
{
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    object_arg(v, what)?;
    for key in js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !T::KEYS.contains(&key.as_str()) {
            return Err(bad(format!(
                "{what} has an unknown option \"{key}\"; known: {}",
                T::KEYS.join(", ")
            )));
        }
    }
    Ts::<T>::new_unchecked(v.clone()).to_rust().map_err(|e| {
        // tsify's message names the Rust type; keep serde's explanation only.
        let text = e.to_string();
        let detail = text.rsplit("Error: ").next().unwrap_or(&text).to_string();
        bad(format!("{what}: {detail}"))
    })
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

/// Which list a [`Pager`] walks.
#[derive(Clone)]
enum PagerKind {
    Folders(ListFolders),
    Files(ListFiles),
    Trash(ListTrash),
}

/// Fetches the pages of one walk for `paginate` (internal).
#[wasm_bindgen(skip_typescript)]
pub struct Pager {
    inner: Rc<Inner>,
    kind: PagerKind,
    ctx: CallCtx,
}

#[wasm_bindgen]
impl Pager {
    /// One page: `{ results, next? }`.
    pub async fn page(&self, cursor: Option<String>) -> Result<JsValue, JsValue> {
        let inner = &self.inner;
        let out = match &self.kind {
            PagerKind::Folders(o) => {
                let o = ListFolders {
                    next: cursor.or_else(|| o.next.clone()),
                    ..o.clone()
                };
                inner.list_folders(&o, &self.ctx).await
            }
            PagerKind::Files(o) => {
                let o = ListFiles {
                    next: cursor.or_else(|| o.next.clone()),
                    ..o.clone()
                };
                inner.list_files(&o, &self.ctx).await
            }
            PagerKind::Trash(o) => {
                let o = ListTrash {
                    next: cursor.or_else(|| o.next.clone()),
                    ..o.clone()
                };
                inner.list_trash(&o, &self.ctx).await
            }
        };
        out.map_err(|e| inner.to_js(e))
    }
}

impl Inner {
    pub(crate) async fn list_folders(
        &self,
        o: &ListFolders,
        ctx: &CallCtx,
    ) -> Result<JsValue, Error> {
        self.get_json(
            &crate::api::folders::list(&self.target, o)?,
            "folderPage",
            ctx,
        )
        .await
    }
    pub(crate) async fn list_files(&self, o: &ListFiles, ctx: &CallCtx) -> Result<JsValue, Error> {
        self.get_json(&crate::api::files::list(&self.target, o)?, "filePage", ctx)
            .await
    }
    pub(crate) async fn list_trash(&self, o: &ListTrash, ctx: &CallCtx) -> Result<JsValue, Error> {
        self.get_json(&crate::api::trash::list(&self.target, o)?, "filePage", ctx)
            .await
    }
}

/// Runs an async body and turns its error into a `MyLibraryError`.
macro_rules! js_async {
    ($self:ident, $inner:ident, $body:expr) => {{
        let $inner = $self.inner.clone();
        let result = async { $body }.await;
        result.map_err(|e: Error| $inner.to_js(e))
    }};
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
        let s = match checked {
            Ok(s) => s,
            Err(e) => {
                let inner = Inner::new_plain(Vec::new());
                return Err(inner.to_js(e));
            }
        };
        let mut secrets = Vec::new();
        secrets.extend(s.target.api_key.clone());
        let inner = Inner {
            target: s.target,
            token: RefCell::new(None),
            secrets: RefCell::new(secrets),
            timeout_ms: s.timeout_ms,
            retry: s.retry,
            limiter: RefCell::new(RateLimiter::new(s.requests_per_second)),
            fetch,
            max_upload_configured: s.max_upload_bytes,
            max_upload_learned: Cell::new(None),
        };
        inner.set_token(s.access_token);
        Ok(MyLibraryClient {
            inner: Rc::new(inner),
        })
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
    #[wasm_bindgen(js_name = getInfo, unchecked_return_type = "LibraryInfo")]
    pub async fn get_info(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            let ctx = call_ctx(&options.unwrap_or_default())?;
            inner.info(&ctx).await
        })
    }

    /// One page of top-level folders (each with its sub-folders in `children`).
    #[wasm_bindgen(js_name = listFolders, unchecked_return_type = "FolderPage")]
    pub async fn list_folders(
        &self,
        #[wasm_bindgen(js_name = params, unchecked_optional_param_type = "ListFolders")]
        params_: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            let o: ListFolders = params(&params_.unwrap_or_default(), "params")?;
            let ctx = call_ctx(&options.unwrap_or_default())?;
            inner.list_folders(&o, &ctx).await
        })
    }

    /// Every top-level folder, page after page.
    #[wasm_bindgen(unchecked_return_type = "AsyncIterable<Folder>")]
    pub fn folders(
        &self,
        #[wasm_bindgen(js_name = params, unchecked_optional_param_type = "ListFolders")]
        params_: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let kind = params(&params_.unwrap_or_default(), "params").map(PagerKind::Folders);
        self.pager(kind, options)
    }

    /// One folder, with its sub-folders.
    #[wasm_bindgen(js_name = getFolder, unchecked_return_type = "Folder")]
    pub async fn get_folder(
        &self,
        #[wasm_bindgen(js_name = folderId, unchecked_param_type = "string")] folder_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            let id = string_arg(&folder_id, "folderId")?;
            let ctx = call_ctx(&options.unwrap_or_default())?;
            inner.folder(&id, &ctx).await
        })
    }

    /// Creates a folder (never retried automatically).
    #[wasm_bindgen(js_name = createFolder, unchecked_return_type = "Folder")]
    pub async fn create_folder(
        &self,
        #[wasm_bindgen(unchecked_param_type = "NewFolder")] folder: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            if folder.is_undefined() || folder.is_null() {
                return Err(bad("createFolder needs { name }"));
            }
            let f: NewFolder = params(&folder, "folder")?;
            let ctx = call_ctx(&options.unwrap_or_default())?;
            inner
                .create_folder(&f.name, f.parent_id.as_deref(), &ctx)
                .await
        })
    }

    /// Renames or moves a folder. Resolves with the folder, or undefined with
    /// `includePayload: false`.
    #[wasm_bindgen(js_name = updateFolder, unchecked_return_type = "Folder | undefined")]
    pub async fn update_folder(
        &self,
        #[wasm_bindgen(js_name = folderId, unchecked_param_type = "string")] folder_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "FolderChanges")] changes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UpdateOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            let id = string_arg(&folder_id, "folderId")?;
            let c: FolderChanges = params(&object_arg(&changes, "changes")?, "changes")?;
            let options = options.unwrap_or_default();
            let ctx = call_ctx(&options)?;
            let payload = opt_bool(&options, "includePayload")?.unwrap_or(true);
            Ok(inner
                .update_folder(
                    &id,
                    c.name.as_deref(),
                    c.parent_id.as_deref(),
                    payload,
                    &ctx,
                )
                .await?
                .unwrap_or(JsValue::UNDEFINED))
        })
    }

    /// Deletes a folder; its files go to the trash.
    #[wasm_bindgen(js_name = deleteFolder)]
    pub async fn delete_folder(
        &self,
        #[wasm_bindgen(js_name = folderId, unchecked_param_type = "string")] folder_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<(), JsValue> {
        js_async!(self, inner, {
            let id = string_arg(&folder_id, "folderId")?;
            let ctx = call_ctx(&options.unwrap_or_default())?;
            inner.delete_folder(&id, &ctx).await
        })
    }

    /// One page of files: all of them, or one folder's (`folderId`).
    #[wasm_bindgen(js_name = listFiles, unchecked_return_type = "FilePage")]
    pub async fn list_files(
        &self,
        #[wasm_bindgen(js_name = params, unchecked_optional_param_type = "ListFiles")]
        params_: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            let o: ListFiles = params(&params_.unwrap_or_default(), "params")?;
            let ctx = call_ctx(&options.unwrap_or_default())?;
            inner.list_files(&o, &ctx).await
        })
    }

    /// Every file, page after page.
    #[wasm_bindgen(unchecked_return_type = "AsyncIterable<LibraryFile>")]
    pub fn files(
        &self,
        #[wasm_bindgen(js_name = params, unchecked_optional_param_type = "ListFiles")]
        params_: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let kind = params(&params_.unwrap_or_default(), "params").map(PagerKind::Files);
        self.pager(kind, options)
    }

    /// One file.
    #[wasm_bindgen(js_name = getFile, unchecked_return_type = "LibraryFile")]
    pub async fn get_file(
        &self,
        #[wasm_bindgen(js_name = fileId, unchecked_param_type = "string")] file_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            let id = string_arg(&file_id, "fileId")?;
            let ctx = call_ctx(&options.unwrap_or_default())?;
            inner.file(&id, &ctx).await
        })
    }

    /// Renames, describes or moves a file. Resolves with the file, or undefined with
    /// `includePayload: false`.
    #[wasm_bindgen(js_name = updateFile, unchecked_return_type = "LibraryFile | undefined")]
    pub async fn update_file(
        &self,
        #[wasm_bindgen(js_name = fileId, unchecked_param_type = "string")] file_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "FileChanges")] changes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UpdateOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            let id = string_arg(&file_id, "fileId")?;
            let c: FileChanges = params(&object_arg(&changes, "changes")?, "changes")?;
            let options = options.unwrap_or_default();
            let ctx = call_ctx(&options)?;
            let payload = opt_bool(&options, "includePayload")?.unwrap_or(true);
            Ok(inner
                .update_file(
                    &id,
                    c.name.as_deref(),
                    c.description.as_deref(),
                    c.folder_id.as_deref(),
                    payload,
                    &ctx,
                )
                .await?
                .unwrap_or(JsValue::UNDEFINED))
        })
    }

    /// Moves files to the trash.
    #[wasm_bindgen(js_name = deleteFiles)]
    pub async fn delete_files(
        &self,
        #[wasm_bindgen(js_name = fileIds, unchecked_param_type = "string | string[]")]
        file_ids: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<(), JsValue> {
        js_async!(self, inner, {
            let ids = ids_arg(&file_ids)?;
            let ctx = call_ctx(&options.unwrap_or_default())?;
            inner.delete_files(&ids, &ctx).await
        })
    }

    /// Moves files into a folder (`"0"`: to no folder).
    #[wasm_bindgen(js_name = moveFiles, unchecked_return_type = "MoveResult[]")]
    pub async fn move_files(
        &self,
        #[wasm_bindgen(js_name = folderId, unchecked_param_type = "string")] folder_id: JsValue,
        #[wasm_bindgen(js_name = fileIds, unchecked_param_type = "string[]")] file_ids: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            let folder = string_arg(&folder_id, "folderId")?;
            let ids = ids_arg(&file_ids)?;
            let ctx = call_ctx(&options.unwrap_or_default())?;
            inner.move_files(&folder, &ids, &ctx).await
        })
    }

    /// One page of the trash.
    #[wasm_bindgen(js_name = listTrash, unchecked_return_type = "FilePage")]
    pub async fn list_trash(
        &self,
        #[wasm_bindgen(js_name = params, unchecked_optional_param_type = "ListTrash")]
        params_: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            let o: ListTrash = params(&params_.unwrap_or_default(), "params")?;
            let ctx = call_ctx(&options.unwrap_or_default())?;
            inner.list_trash(&o, &ctx).await
        })
    }

    /// Every file in the trash, page after page.
    #[wasm_bindgen(unchecked_return_type = "AsyncIterable<LibraryFile>")]
    pub fn trash(
        &self,
        #[wasm_bindgen(js_name = params, unchecked_optional_param_type = "ListTrash")]
        params_: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let kind = params(&params_.unwrap_or_default(), "params").map(PagerKind::Trash);
        self.pager(kind, options)
    }

    /// Deletes every file in the trash for good.
    #[wasm_bindgen(js_name = emptyTrash)]
    pub async fn empty_trash(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<(), JsValue> {
        js_async!(self, inner, {
            let ctx = call_ctx(&options.unwrap_or_default())?;
            inner.empty_trash(&ctx).await
        })
    }

    /// Uploads a file (never retried automatically). Resolves with its id once the API has
    /// accepted it; use `waitForUpload` to wait until it is `Active`.
    #[wasm_bindgen(js_name = uploadFile, unchecked_return_type = "UploadResult")]
    pub async fn upload_file(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UploadParams")] upload: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UploadOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            if !upload.is_object() {
                return Err(bad("uploadFile needs { data, fileName }"));
            }
            let file_name =
                opt_string(&upload, "fileName")?.ok_or_else(|| bad("fileName must be a string"))?;
            let file_type = opt_string(&upload, "fileType")?;
            let folder_id = opt_string(&upload, "folderId")?;
            let description = opt_string(&upload, "description")?;
            let source = opt_string(&upload, "source")?;
            let options = options.unwrap_or_default();
            let ctx = call_ctx(&options)?;
            let on_progress = get(&options, "onProgress");
            if !(on_progress.is_undefined() || on_progress.is_function()) {
                return Err(bad("onProgress must be a function"));
            }
            let id = inner
                .upload(
                    &get(&upload, "data"),
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
            Ok(out.into())
        })
    }

    /// The upload status of files (unknown ids are left out, as the API does).
    #[wasm_bindgen(js_name = getUploadStatus, unchecked_return_type = "UploadStatus[]")]
    pub async fn get_upload_status(
        &self,
        #[wasm_bindgen(js_name = fileIds, unchecked_param_type = "string | string[]")]
        file_ids: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            let ids = ids_arg(&file_ids)?;
            let ctx = call_ctx(&options.unwrap_or_default())?;
            inner.upload_status(&ids, &ctx).await
        })
    }

    /// Waits until an upload is `Active`; rejects with UPLOAD_FAILED on `VirusFound`, `Failed`,
    /// `Deleted` or an unknown id, and with TIMEOUT when its own time runs out.
    #[wasm_bindgen(js_name = waitForUpload, unchecked_return_type = "UploadStatus")]
    pub async fn wait_for_upload(
        &self,
        #[wasm_bindgen(js_name = fileId, unchecked_param_type = "string")] file_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        js_async!(self, inner, {
            let id = string_arg(&file_id, "fileId")?;
            let o = object_arg(&options.unwrap_or_default(), "options")?;
            let interval = opt_ms(&o, "intervalMs")?.unwrap_or(1000).max(50);
            let timeout = opt_ms(&o, "timeoutMs")?.unwrap_or(120_000);
            inner
                .wait_for_upload(&id, interval, timeout, &get(&o, "signal"))
                .await
        })
    }
}

impl MyLibraryClient {
    fn pager(
        &self,
        kind: Result<PagerKind, Error>,
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

impl Inner {
    /// A client with no settings, only to build the error of a refused constructor.
    fn new_plain(secrets: Vec<String>) -> Inner {
        Inner {
            target: crate::api::Target {
                base: String::new(),
                api_key: None,
            },
            token: RefCell::new(None),
            secrets: RefCell::new(secrets),
            timeout_ms: 0,
            retry: Default::default(),
            limiter: RefCell::new(RateLimiter::new(0)),
            fetch: JsValue::UNDEFINED,
            max_upload_configured: None,
            max_upload_learned: Cell::new(None),
        }
    }
}
