//! Client configuration, shared by the JavaScript face and the Rust API.

use crate::api::Target;
use crate::error::Error;
use crate::policy::RetryPolicy;
use crate::url::normalize_base;
use serde::Deserialize;
use tsify::Tsify;

/// The API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.constantcontact.com/v2";
/// Default time budget of a JSON call (uploads have none).
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// The v2 API's per-key limit.
pub const DEFAULT_REQUESTS_PER_SECOND: u32 = 4;

/// Options of `new MyLibraryClient(options)`.
#[derive(Clone, Debug, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientOptions {
    /// The application's API key (required with the default `baseUrl`).
    #[tsify(optional)]
    pub api_key: Option<String>,
    /// The account's OAuth access token (required with the default `baseUrl`).
    #[tsify(optional)]
    pub access_token: Option<String>,
    /// Default `https://api.constantcontact.com/v2`; point it at a proxy that adds credentials,
    /// or at the emulator.
    #[tsify(optional)]
    pub base_url: Option<String>,
    /// Time budget of a JSON call in ms, retries included (default 30000; 0: none).
    #[tsify(optional)]
    pub timeout_ms: Option<u64>,
    /// Retries of GET, PUT and DELETE after network errors, 5xx and `over.qps` (default 3).
    #[tsify(optional)]
    pub retries: Option<u32>,
    /// Requests this client starts in any one-second window (default 4; 0: no limit).
    #[tsify(optional)]
    pub requests_per_second: Option<u32>,
    /// Largest upload (default: the account's `max_upload_size_limit` once `getInfo` has run,
    /// else 5242880).
    #[tsify(optional)]
    pub max_upload_bytes: Option<u64>,
    /// A function with fetch's signature used for every request (a service binding, a wrapper
    /// for tests or instrumentation); default: the global `fetch`.
    #[tsify(optional, type = "(input: Request) => Promise<Response>")]
    #[serde(default)]
    pub fetch: Option<serde::de::IgnoredAny>,
}

/// Checked settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Where calls go, with the api key.
    pub target: Target,
    /// The access token.
    pub access_token: Option<String>,
    /// Time budget of JSON calls.
    pub timeout_ms: u64,
    /// Retries.
    pub retry: RetryPolicy,
    /// Rate limit (0: none).
    pub requests_per_second: u32,
    /// Upload limit, when set.
    pub max_upload_bytes: Option<u64>,
}

impl PartialEq for Target {
    fn eq(&self, other: &Self) -> bool {
        self.base == other.base && self.api_key == other.api_key
    }
}
impl Eq for Target {}

impl Settings {
    /// Checks options: the credentials are required for the default base URL, optional for
    /// another (a proxy that adds them).
    ///
    /// ```
    /// use ctct_mylibrary::client::{ClientOptions, Settings};
    /// let err = Settings::from_options(ClientOptions::default()).unwrap_err();
    /// assert_eq!(err.code(), ctct_mylibrary::ErrorCode::InvalidArgument);
    /// let proxy = ClientOptions { base_url: Some("https://edge.example.com/v2".into()), ..Default::default() };
    /// assert!(Settings::from_options(proxy).is_ok());
    /// ```
    pub fn from_options(o: ClientOptions) -> Result<Settings, Error> {
        let base = normalize_base(o.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let api_key = o.api_key.filter(|k| !k.is_empty());
        let access_token = o.access_token.filter(|t| !t.is_empty());
        if base == DEFAULT_BASE_URL && (api_key.is_none() || access_token.is_none()) {
            return Err(Error::invalid_argument(
                "apiKey and accessToken are required for the Constant Contact API (they are optional only with another baseUrl, such as a proxy that adds them)",
            ));
        }
        if o.max_upload_bytes == Some(0) {
            return Err(Error::invalid_argument("maxUploadBytes must be positive"));
        }
        if o.retries.is_some_and(|r| r > 10) {
            return Err(Error::invalid_argument("retries must be from 0 to 10"));
        }
        Ok(Settings {
            target: Target { base, api_key },
            access_token,
            timeout_ms: o.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            retry: RetryPolicy {
                retries: o.retries.unwrap_or(3),
                ..RetryPolicy::default()
            },
            requests_per_second: o.requests_per_second.unwrap_or(DEFAULT_REQUESTS_PER_SECOND),
            max_upload_bytes: o.max_upload_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_checks() {
        let o = ClientOptions {
            api_key: Some("k".into()),
            access_token: Some("t".into()),
            ..Default::default()
        };
        let s = Settings::from_options(o).unwrap();
        assert_eq!(s.target.base, DEFAULT_BASE_URL);
        assert_eq!(
            (s.timeout_ms, s.retry.retries, s.requests_per_second),
            (30_000, 3, 4)
        );
        let only_key = ClientOptions {
            api_key: Some("k".into()),
            ..Default::default()
        };
        assert!(Settings::from_options(only_key).is_err());
        let bad = ClientOptions {
            base_url: Some("localhost:8080".into()),
            ..Default::default()
        };
        assert!(Settings::from_options(bad).is_err());
        let parsed: Result<ClientOptions, _> =
            serde_json::from_str(r#"{"apiKey":"k","acessToken":"t"}"#);
        assert!(parsed.is_err(), "a misspelt option is refused");
    }
}

#[cfg(target_arch = "wasm32")]
pub use rust_api::*;

/// The Rust API (on `wasm32`, over the global `fetch`): the same operations as the JavaScript
/// face, returning Rust structs.
#[cfg(target_arch = "wasm32")]
mod rust_api {
    use super::{ClientOptions, Settings};
    use crate::api::{files::ListFiles, folders::ListFolders, trash::ListTrash};
    use crate::error::Error;
    use crate::exec::{CallCtx, Inner};
    use crate::models::*;
    use crate::ops::{Plan, Walk};
    use crate::pagination::CursorGuard;
    use serde::de::DeserializeOwned;
    use std::collections::VecDeque;
    use std::rc::Rc;
    use wasm_bindgen::JsValue;

    fn decode<T: DeserializeOwned>(v: JsValue) -> Result<T, Error> {
        serde_wasm_bindgen::from_value(v).map_err(|e| Error::decode(e.to_string()))
    }

    /// A MyLibrary client for Rust code running in a JavaScript runtime (a browser, a Worker,
    /// Node, Deno): it needs that runtime's `fetch`, so this example is not compiled by
    /// `cargo test --doc`; `tests/wasm_client.rs` (`the_rust_api`) runs the same calls in Node
    /// and in Chromium.
    ///
    /// ```ignore
    /// use ctct_mylibrary::api::{files::ListFiles, folders::ListFolders, trash::ListTrash};
    /// use ctct_mylibrary::client::{Client, ClientOptions};
    /// use ctct_mylibrary::models::{FileSortBy, TypeFilter};
    /// use ctct_mylibrary::ErrorCode;
    ///
    /// let client = Client::new(ClientOptions { api_key: Some(key), access_token: Some(token), ..Default::default() })?
    ///     .with_timeout(10_000);
    /// let info = client.info().await?;
    /// println!("{} of {} bytes used", info.usage_summary.total_bytes_used, info.max_premium_space_limit);
    ///
    /// // folders
    /// let first = client.list_folders(&ListFolders::new().limit(50)).await?;
    /// let mut every = client.folders(ListFolders::new());
    /// while let Some(folder) = every.next().await { println!("{}", folder?.name); }
    /// let f = client.create_folder("Spring 2026", None).await?;
    /// let f = client.update_folder(&f.id, Some("Spring"), None).await?; // name only: parent kept
    /// let _ = client.folder(&f.id).await?;
    ///
    /// // files
    /// let page = client.list_files(&ListFiles::new().kind(TypeFilter::Images).sort_by(FileSortBy::NameDesc)).await?;
    /// let mut files = client.files(ListFiles::new().folder(&f.id));
    /// while let Some(file) = files.next().await { println!("{}", file?.name); }
    /// let id = client.upload(&png_bytes, "photo.png", None, Some(&f.id), Some("a photo")).await?;
    /// let status = client.wait_for_upload(&id, 500, 60_000).await?; // Active
    /// let _ = client.upload_status(&[id.clone()]).await?;
    /// let file = client.update_file(&id, Some("renamed.png"), None, None).await?; // description kept
    /// let _ = client.file(&file.id).await?;
    /// let _ = client.move_files("0", &[id.clone()]).await?;
    /// client.delete_files(&[id.clone()]).await?; // to the trash
    /// let _ = client.list_trash(&ListTrash::new()).await?;
    /// let mut trash = client.trash(ListTrash::new());
    /// while let Some(t) = trash.next().await { t?; }
    /// client.empty_trash().await?;
    /// client.delete_folder(&f.id).await?;
    /// client.set_access_token(&refreshed_token);
    ///
    /// match client.file("404").await {
    ///     Err(e) if e.code() == ErrorCode::Http && e.status() == 404 => {}
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    #[derive(Clone)]
    pub struct Client {
        inner: Rc<Inner>,
        ctx: CallCtx,
    }

    impl Client {
        /// A client with these options (`fetch` is ignored here: the global fetch is used).
        pub fn new(options: ClientOptions) -> Result<Client, Error> {
            let s = Settings::from_options(options)?;
            Ok(Client {
                inner: Rc::new(Inner::new(s, JsValue::UNDEFINED)),
                ctx: CallCtx::default(),
            })
        }

        /// The same client with a time budget (ms, retries included; 0: none) for its calls.
        pub fn with_timeout(&self, timeout_ms: u64) -> Client {
            Client {
                inner: self.inner.clone(),
                ctx: CallCtx {
                    timeout_ms: Some(timeout_ms),
                    ..self.ctx.clone()
                },
            }
        }

        /// The same client with an `AbortSignal` for its calls.
        pub fn with_signal(&self, signal: web_sys::AbortSignal) -> Client {
            Client {
                inner: self.inner.clone(),
                ctx: CallCtx {
                    signal: signal.into(),
                    ..self.ctx.clone()
                },
            }
        }

        /// Runs a one-step operation's plan with this client's context; its decoded answer.
        async fn one<T: DeserializeOwned>(&self, plan: Result<Plan, Error>) -> Result<T, Error> {
            decode(self.inner.run_plan(&plan?, &self.ctx).await?)
        }

        /// Runs a plan whose answer is not needed.
        async fn exec(&self, plan: Result<Plan, Error>) -> Result<(), Error> {
            self.inner.run_plan(&plan?, &self.ctx).await.map(drop)
        }

        /// Replaces the access token (a refreshed OAuth token).
        pub fn set_access_token(&self, token: &str) {
            self.inner.set_token(Some(token.to_string()));
        }

        /// The library's limits and usage.
        pub async fn info(&self) -> Result<LibraryInfo, Error> {
            self.one(self.inner.info_plan()).await
        }

        /// One page of top-level folders.
        pub async fn list_folders(&self, options: &ListFolders) -> Result<FolderPage, Error> {
            self.one(self.inner.list_folders_plan(options)).await
        }

        /// Every top-level folder, page after page.
        pub fn folders(&self, options: ListFolders) -> Items<Folder> {
            Items::new(self.clone(), Walk::Folders(options))
        }

        /// One folder with its sub-folders.
        pub async fn folder(&self, folder_id: &str) -> Result<Folder, Error> {
            self.one(self.inner.folder_plan(folder_id)).await
        }

        /// Creates a folder (never retried automatically).
        pub async fn create_folder(
            &self,
            name: &str,
            parent_id: Option<&str>,
        ) -> Result<Folder, Error> {
            self.one(self.inner.create_folder_plan(name, parent_id))
                .await
        }

        /// Renames or moves a folder; a missing name is read from the folder first.
        pub async fn update_folder(
            &self,
            folder_id: &str,
            name: Option<&str>,
            parent_id: Option<&str>,
        ) -> Result<Folder, Error> {
            decode(
                self.inner
                    .update_folder(folder_id, name, parent_id, true, &self.ctx)
                    .await?,
            )
        }

        /// Deletes a folder; its files go to the trash.
        pub async fn delete_folder(&self, folder_id: &str) -> Result<(), Error> {
            self.exec(self.inner.delete_folder_plan(folder_id)).await
        }

        /// One page of files.
        pub async fn list_files(&self, options: &ListFiles) -> Result<FilePage, Error> {
            self.one(self.inner.list_files_plan(options)).await
        }

        /// Every file, page after page.
        pub fn files(&self, options: ListFiles) -> Items<LibraryFile> {
            Items::new(self.clone(), Walk::Files(options))
        }

        /// One file.
        pub async fn file(&self, file_id: &str) -> Result<LibraryFile, Error> {
            self.one(self.inner.file_plan(file_id)).await
        }

        /// Changes a file's name, description or folder; a missing description is read first.
        pub async fn update_file(
            &self,
            file_id: &str,
            name: Option<&str>,
            description: Option<&str>,
            folder_id: Option<&str>,
        ) -> Result<LibraryFile, Error> {
            decode(
                self.inner
                    .update_file(file_id, name, description, folder_id, true, &self.ctx)
                    .await?,
            )
        }

        /// Moves files to the trash.
        pub async fn delete_files(&self, file_ids: &[String]) -> Result<(), Error> {
            self.exec(self.inner.delete_files_plan(file_ids)).await
        }

        /// Moves files into a folder (`"0"`: to no folder).
        pub async fn move_files(
            &self,
            folder_id: &str,
            file_ids: &[String],
        ) -> Result<Vec<MoveResult>, Error> {
            self.one(self.inner.move_files_plan(folder_id, file_ids))
                .await
        }

        /// One page of the trash.
        pub async fn list_trash(&self, options: &ListTrash) -> Result<FilePage, Error> {
            self.one(self.inner.list_trash_plan(options)).await
        }

        /// Every file in the trash, page after page.
        pub fn trash(&self, options: ListTrash) -> Items<LibraryFile> {
            Items::new(self.clone(), Walk::Trash(options))
        }

        /// Deletes every file in the trash for good.
        pub async fn empty_trash(&self) -> Result<(), Error> {
            self.exec(self.inner.empty_trash_plan()).await
        }

        /// Uploads bytes (never retried automatically); the new file's id.
        pub async fn upload(
            &self,
            data: &[u8],
            file_name: &str,
            file_type: Option<&str>,
            folder_id: Option<&str>,
            description: Option<&str>,
        ) -> Result<String, Error> {
            let bytes: JsValue = js_sys::Uint8Array::from(data).into();
            self.inner
                .upload(
                    &bytes,
                    file_name,
                    file_type,
                    folder_id,
                    description,
                    None,
                    &JsValue::UNDEFINED,
                    &self.ctx,
                )
                .await
        }

        /// Upload status of files (unknown ids are left out).
        pub async fn upload_status(&self, file_ids: &[String]) -> Result<Vec<UploadStatus>, Error> {
            self.one(self.inner.upload_status_plan(file_ids)).await
        }

        /// Waits until an upload is `Active` (`UploadFailed` on `VirusFound`, `Failed`,
        /// `Deleted` or an unknown id; `Timeout` after `timeout_ms`).
        pub async fn wait_for_upload(
            &self,
            file_id: &str,
            interval_ms: u64,
            timeout_ms: u64,
        ) -> Result<UploadStatus, Error> {
            decode(
                self.inner
                    .wait_for_upload(file_id, interval_ms.max(50), timeout_ms, &self.ctx.signal)
                    .await?,
            )
        }
    }

    /// Every item of a list, fetched a page at a time as `next` is awaited. Stops with a
    /// `Decode` error if the server repeats a page cursor.
    pub struct Items<T> {
        client: Client,
        walk: Walk,
        buffer: VecDeque<T>,
        guard: CursorGuard,
        cursor: Option<String>,
        /// An error to report once the items already fetched have been yielded.
        pending: Option<Error>,
    }

    impl<T: DeserializeOwned> Items<T> {
        fn new(client: Client, walk: Walk) -> Self {
            Items {
                client,
                walk,
                buffer: VecDeque::new(),
                guard: CursorGuard::new(),
                cursor: None,
                pending: None,
            }
        }

        /// The next item; `None` after the last one.
        pub async fn next(&mut self) -> Option<Result<T, Error>> {
            loop {
                if let Some(item) = self.buffer.pop_front() {
                    return Some(Ok(item));
                }
                if let Some(e) = self.pending.take() {
                    return Some(Err(e));
                }
                if self.guard.is_done() {
                    return None;
                }
                if let Err(e) = self.fetch().await {
                    return Some(Err(e));
                }
            }
        }

        async fn fetch(&mut self) -> Result<(), Error> {
            let (inner, ctx, cursor) = (&self.client.inner, &self.client.ctx, self.cursor.take());
            let value = match inner.page_plan(&self.walk, cursor) {
                Ok(plan) => inner.run_plan(&plan, ctx).await,
                Err(e) => Err(e),
            };
            let value = match value {
                Ok(v) => v,
                Err(e) => {
                    self.guard.advance(None).ok();
                    return Err(e);
                }
            };
            let next = js_sys::Reflect::get(&value, &JsValue::from_str("next"))
                .ok()
                .and_then(|v| v.as_string());
            let results = js_sys::Reflect::get(&value, &JsValue::from_str("results"))
                .unwrap_or(JsValue::UNDEFINED);
            let items: Vec<T> = decode(results)?;
            self.buffer.extend(items);
            match self.guard.advance(next.as_deref()) {
                Ok(cursor) => self.cursor = cursor,
                Err(e) => self.pending = Some(e),
            }
            Ok(())
        }
    }
}
