//! The Rust face, in the octocrab style: a [`Client`] built with [`Client::builder`], handlers
//! for each resource ([`Files`], [`Folders`], [`Trash`]) whose methods return a [`Call`] — a
//! builder whose setters are the operation's options; `.send().await` (or `.await`) runs it.
//! Lists answer a [`Page`] and stream their items. serde is this face's only decoder.
//!
//! ```no_run
//! use ctct_mylibrary::{Client, ErrorCode};
//! use futures_util::TryStreamExt;
//!
//! # async fn example(key: &str, token: &str, base: &str, bytes: Vec<u8>) -> Result<(), ctct_mylibrary::Error> {
//! let client = Client::builder().api_key(key).access_token(token).base_url(base).build()?;
//! let info = client.info().await?;                                    // LibraryInfo
//! let page = client.files().list().limit(9).send().await?;            // Page<LibraryFile>
//! let all: Vec<_> = client.files().list().folder("-1").stream().try_collect().await?;
//! let folder = client.folders().create("Spring").send().await?;       // .parent(id) optional
//! let id = client.files().upload(bytes, "photo.png").folder(&folder.id).send().await?;
//! let status = client.files().wait_until_active(&id).await?;
//! let err = client.files().get("404").await.unwrap_err();            // err.code() == ErrorCode::Http
//! # Ok(())
//! # }
//! ```
//!
//! On wasm32 the client calls the global `fetch` through gloo-net, or a fetch function you
//! pass (`ClientBuilder::fetch`, such as a Worker's service binding); a call also takes an
//! `AbortSignal` (`Call::signal`).
//!
//! Natively (feature `native`) it sends through reqwest (rustls) on the caller's Tokio runtime.
//! A client is `Send + Sync` and cheap to clone, so one client can serve many tasks (its clones
//! share the rate limiter and the token); calls, streams and waits are `Send` futures. A call
//! takes a `tokio_util` `CancellationToken` (`Call::signal`), and `ClientBuilder::http_client`
//! passes a reqwest client of your own (proxies, root certificates).
//!
//! On every target a call is cancelled by dropping its future.

mod call;
#[cfg(feature = "fit")]
mod fit;
#[cfg(all(feature = "edge", target_arch = "wasm32"))]
mod forward;
#[cfg(all(feature = "edge", feature = "js", target_arch = "wasm32"))]
pub(crate) use forward::forwarded;
mod page;
mod wait;

pub use call::{Call, Output, Run, one_step};
#[cfg(feature = "fit")]
pub use fit::{Fit, FitReport, FitUpload, FittedUpload};
pub use page::{Items, Page};
pub use wait::WaitUntilActive;

use crate::config::{Options, Settings};
use crate::error::Error;
use crate::exec::{Core, TokenSource};
use crate::ops::Face;
use crate::ops::info::GetInfo;
use crate::shared::{BoxFuture, Lock, MaybeSend, MaybeSync, Shared};
use std::future::Future;
use std::time::Duration;

/// The transport of the Rust face on this target.
#[cfg(target_arch = "wasm32")]
pub(crate) type Net = crate::transport::web::Fetch;
/// The transport of the Rust face on this target.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Net = crate::transport::native::Native;

/// A call's cancellation handle on this target, as the executor takes it.
pub(crate) type Signal = <Net as crate::transport::Transport>::Signal;

/// A MyLibrary client. Cheap to clone: clones share the rate limiter and the token.
#[derive(Clone)]
pub struct Client {
    pub(crate) core: Shared<Core<Net>>,
}

/// Shows where the client sends its calls, never a credential.
///
/// ```
/// use ctct_mylibrary::Client;
/// let client = Client::builder().api_key("my-api-key").access_token("my-access-token").build()?;
/// let shown = format!("{client:?}");
/// assert_eq!(shown, r#"Client { base_url: "https://api.constantcontact.com/v2", .. }"#);
/// assert!(!shown.contains("my-api-key") && !shown.contains("my-access-token"));
/// # Ok::<(), ctct_mylibrary::Error>(())
/// ```
impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.core.target.base)
            .finish_non_exhaustive()
    }
}

/// Options of a [`Client`].
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    options: Options,
    #[cfg(target_arch = "wasm32")]
    fetch: Option<js_sys::Function>,
    #[cfg(not(target_arch = "wasm32"))]
    http: Option<reqwest::Client>,
    token_source: Option<TokenSource>,
    #[cfg(all(feature = "edge", target_arch = "wasm32"))]
    limiter: Option<crate::exec::Acquire<wasm_bindgen::JsValue>>,
}

impl ClientBuilder {
    /// The application's API key (required with the default base URL).
    ///
    /// ```
    /// use ctct_mylibrary::Client;
    /// let client = Client::builder().api_key("my-api-key").access_token("my-access-token").build()?;
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.options.api_key = Some(key.into());
        self
    }
    /// The account's OAuth access token.
    ///
    /// ```
    /// use ctct_mylibrary::Client;
    /// let token = std::env::var("CTCT_ACCESS_TOKEN").unwrap_or_else(|_| "my-access-token".into());
    /// let client = Client::builder().api_key("my-api-key").access_token(token).build()?;
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.options.access_token = Some(token.into());
        self
    }
    /// Where tokens come from: called when the client has none, and once more when the API
    /// answers 401, after which the request is sent again.
    ///
    /// Calls that ask while it is at work (several calls meeting the same 401) share that one
    /// call of it. Natively the source and its futures are `Send` (and the source `Sync`).
    ///
    /// ```
    /// use ctct_mylibrary::Client;
    /// let client = Client::builder()
    ///     .api_key("my-api-key")
    ///     .token_source(|| async {
    ///         // Read the account's token from where your app keeps it (a session, a database).
    ///         Ok(String::from("the-account-access-token"))
    ///     })
    ///     .build()?;
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn token_source<F, Fut>(mut self, source: F) -> Self
    where
        F: Fn() -> Fut + MaybeSend + MaybeSync + 'static,
        Fut: Future<Output = Result<String, Error>> + MaybeSend + 'static,
    {
        use futures_util::FutureExt;
        type Pending = futures_util::future::Shared<BoxFuture<'static, Result<String, Error>>>;
        let pending: Lock<Option<Pending>> = Lock::new(None);
        self.options.token_source = true;
        self.token_source = Some(Shared::new(move || {
            let shared = pending.with(|slot| match &*slot {
                // Under way: share it.
                Some(p) if p.peek().is_none() => p.clone(),
                _ => {
                    let fut: BoxFuture<'static, Result<String, Error>> = Box::pin(source());
                    let p = fut.shared();
                    *slot = Some(p.clone());
                    p
                }
            });
            Box::pin(shared) as BoxFuture<'static, Result<String, Error>>
        }));
        self
    }
    /// Default `https://api.constantcontact.com/v2`: a proxy that adds the credentials, or the
    /// emulator (`http://127.0.0.1:8080/v2`).
    ///
    /// ```
    /// use ctct_mylibrary::Client;
    /// // The emulator; a proxy that adds the credentials needs neither of them.
    /// let client = Client::builder().base_url("http://127.0.0.1:8080/v2").build()?;
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.options.base_url = Some(url.into());
        self
    }
    /// Time budget of a JSON call, retries included (default 30 s; zero: none).
    ///
    /// ```
    /// use ctct_mylibrary::Client;
    /// use std::time::Duration;
    /// let client = Client::builder()
    ///     .api_key("my-api-key")
    ///     .access_token("my-access-token")
    ///     .timeout(Duration::from_secs(10))
    ///     .build()?;
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn timeout(mut self, budget: Duration) -> Self {
        self.options.timeout_ms = Some(budget.as_millis().min(u64::MAX as u128) as u64);
        self
    }
    /// Retries of GET, PUT and DELETE after network errors, 5xx and `over.qps` (0–10,
    /// default 3).
    ///
    /// ```
    /// use ctct_mylibrary::Client;
    /// let client = Client::builder().api_key("my-api-key").access_token("my-access-token").retries(5).build()?;
    /// assert!(Client::builder().api_key("k").access_token("t").retries(11).build().is_err());
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn retries(mut self, retries: u32) -> Self {
        self.options.retries = Some(retries);
        self
    }
    /// Requests started in any one-second window (default 4, the v2 limit; 0: no limit).
    ///
    /// ```
    /// use ctct_mylibrary::Client;
    /// // Two clients of one API key share its 4 requests per second: 2 each.
    /// let client = Client::builder()
    ///     .api_key("my-api-key")
    ///     .access_token("my-access-token")
    ///     .requests_per_second(2)
    ///     .build()?;
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn requests_per_second(mut self, n: u32) -> Self {
        self.options.requests_per_second = Some(n);
        self
    }
    /// Largest upload in bytes (default: the account's limit once known, else 5 MiB).
    ///
    /// ```
    /// use ctct_mylibrary::Client;
    /// let client = Client::builder()
    ///     .api_key("my-api-key")
    ///     .access_token("my-access-token")
    ///     .max_upload_bytes(1 << 20)
    ///     .build()?;
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn max_upload_bytes(mut self, n: u64) -> Self {
        self.options.max_upload_bytes = Some(n);
        self
    }
    /// A function with fetch's signature for every request (a Worker's service binding);
    /// default: the global `fetch`, through gloo-net. (wasm32)
    ///
    /// ```ignore
    /// // wasm32 only, so not compiled by the doctests (they run natively).
    /// # fn example(fetch: js_sys::Function) -> Result<(), ctct_mylibrary::Error> {
    /// use ctct_mylibrary::Client;
    /// // `fetch`: a service binding's fetch, bound to it (workers-rs: `env.service("API")`).
    /// let client = Client::builder().base_url("https://api.internal/v2").fetch(fetch).build()?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(target_arch = "wasm32")]
    pub fn fetch(mut self, fetch: js_sys::Function) -> Self {
        self.fetch = Some(fetch);
        self
    }
    /// The reqwest client that sends every request (a proxy, root certificates of your own,
    /// one connection pool for several clients); default: one of the client's own (rustls, the
    /// webpki roots), which its clones share. Its own timeouts and redirect policy apply besides
    /// the client's. (native)
    ///
    /// ```
    /// use ctct_mylibrary::Client;
    /// let http = reqwest::Client::builder()
    ///     .proxy(reqwest::Proxy::https("http://proxy.internal:3128")?)
    ///     .build()?;
    /// let client = Client::builder()
    ///     .api_key("my-api-key")
    ///     .access_token("my-access-token")
    ///     .http_client(http)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }
    /// The client, or `InvalidArgument` naming the option that is wrong.
    ///
    /// ```
    /// use ctct_mylibrary::{Client, ErrorCode};
    /// let client = Client::builder().api_key("my-api-key").access_token("my-access-token").build()?;
    /// let err = Client::builder().access_token("my-access-token").build().unwrap_err();
    /// assert_eq!((err.code(), err.argument()), (ErrorCode::InvalidArgument, Some("api_key")));
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn build(#[allow(unused_mut)] mut self) -> Result<Client, Error> {
        #[cfg(all(feature = "edge", target_arch = "wasm32"))]
        if self.limiter.is_some() {
            self.options.requests_per_second.get_or_insert(0);
        }
        let settings = Settings::from_options(self.options, Face::Rust)?;
        #[cfg(target_arch = "wasm32")]
        let net = Net::new(self.fetch);
        #[cfg(not(target_arch = "wasm32"))]
        let net = Net::new(self.http)?;
        let core = Core::new(settings, net, self.token_source);
        #[cfg(all(feature = "edge", target_arch = "wasm32"))]
        let core = core.with_limiter(self.limiter);
        Ok(Client {
            core: Shared::new(core),
        })
    }
}

impl Client {
    /// Options of a new client.
    ///
    /// ```
    /// use ctct_mylibrary::Client;
    /// let client = Client::builder()
    ///     .api_key("my-api-key")
    ///     .access_token("my-access-token")
    ///     .build()?;
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The library's limits and usage.
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// let info = client.info().send().await?;
    /// let used = info.usage_summary.total_bytes_used;
    /// println!("{used} bytes used, uploads up to {} bytes", info.max_upload_size_limit);
    /// # Ok(())
    /// # }
    /// ```
    pub fn info(&self) -> Call<'_, GetInfo> {
        Call::new(self, GetInfo::default())
    }

    /// Files: list, get, update, upload, move, delete to the trash, upload status.
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// let files = client.files();
    /// let page = files.list().limit(9).send().await?;
    /// if let Some(first) = page.items.first() {
    ///     let file = files.get(&first.id).send().await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn files(&self) -> Files<'_> {
        Files { client: self }
    }

    /// Folders: list, get, create, update, delete.
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// let folder = client.folders().create("Spring").send().await?;
    /// let page = client.folders().list().send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn folders(&self) -> Folders<'_> {
        Folders { client: self }
    }

    /// The trash: list, empty (a file leaves the trash by a move).
    ///
    /// ```no_run
    /// # async fn example(client: ctct_mylibrary::Client) -> Result<(), ctct_mylibrary::Error> {
    /// let page = client.trash().list().send().await?;
    /// println!("{} files in the trash", page.items.len());
    /// client.trash().empty().send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn trash(&self) -> Trash<'_> {
        Trash { client: self }
    }

    /// Replaces the access token (a refreshed OAuth token) for the calls that follow;
    /// `InvalidArgument` when it cannot travel in an `Authorization` header.
    ///
    /// ```
    /// use ctct_mylibrary::Client;
    /// let client = Client::builder().api_key("my-api-key").access_token("old-token").build()?;
    /// client.set_access_token("the-refreshed-token")?;
    /// assert!(client.set_access_token("not a token").is_err());
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn set_access_token(&self, token: impl Into<String>) -> Result<(), Error> {
        let token = token.into();
        crate::config::check_token(&token).map_err(|what| Error::bad_argument("token", what))?;
        self.core.set_token(token);
        Ok(())
    }
}

/// The files of a library (`client.files()`).
#[derive(Clone, Copy)]
pub struct Files<'c> {
    pub(crate) client: &'c Client,
}

/// The folders of a library (`client.folders()`).
#[derive(Clone, Copy)]
pub struct Folders<'c> {
    pub(crate) client: &'c Client,
}

/// The trash of a library (`client.trash()`).
#[derive(Clone, Copy)]
pub struct Trash<'c> {
    pub(crate) client: &'c Client,
}
