//! The Rust face, in the octocrab style: a [`Client`] built with [`Client::builder`], handlers
//! for each resource ([`Files`], [`Folders`], [`Trash`]) whose methods return a [`Call`] — a
//! builder whose setters are the operation's options; `.send().await` (or `.await`) runs it.
//! Lists answer a [`Page`] and stream their items. serde is this face's only decoder.
//!
//! ```ignore
//! use ctct_mylibrary::{Client, ErrorCode};
//! use futures_util::TryStreamExt;
//!
//! let client = Client::builder().api_key(key).access_token(token).base_url(base).build()?;
//! let info = client.info().await?;                                    // LibraryInfo
//! let page = client.files().list().limit(9).send().await?;            // Page<LibraryFile>
//! let all: Vec<_> = client.files().list().folder("-1").stream().try_collect().await?;
//! let folder = client.folders().create("Spring").send().await?;       // .parent(id) optional
//! let id = client.files().upload(bytes, "photo.png").folder(&folder.id).send().await?;
//! let status = client.files().wait_until_active(&id).await?;
//! let err = client.files().get("404").await.unwrap_err();            // err.code() == ErrorCode::Http
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
#[cfg(all(feature = "edge", target_arch = "wasm32"))]
mod forward;
#[cfg(all(feature = "edge", feature = "js", target_arch = "wasm32"))]
pub(crate) use forward::forwarded;
mod page;
mod wait;

pub use call::{Call, Output, Run, one_step};
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
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.options.api_key = Some(key.into());
        self
    }
    /// The account's OAuth access token.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.options.access_token = Some(token.into());
        self
    }
    /// Where tokens come from: called when the client has none, and once more when the API
    /// answers 401, after which the request is sent again.
    ///
    /// Calls that ask while it is at work (several calls meeting the same 401) share that one
    /// call of it. Natively the source and its futures are `Send` (and the source `Sync`).
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
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.options.base_url = Some(url.into());
        self
    }
    /// Time budget of a JSON call, retries included (default 30 s; zero: none).
    pub fn timeout(mut self, budget: Duration) -> Self {
        self.options.timeout_ms = Some(budget.as_millis().min(u64::MAX as u128) as u64);
        self
    }
    /// Retries of GET, PUT and DELETE after network errors, 5xx and `over.qps` (0–10,
    /// default 3).
    pub fn retries(mut self, retries: u32) -> Self {
        self.options.retries = Some(retries);
        self
    }
    /// Requests started in any one-second window (default 4, the v2 limit; 0: no limit).
    pub fn requests_per_second(mut self, n: u32) -> Self {
        self.options.requests_per_second = Some(n);
        self
    }
    /// Largest upload in bytes (default: the account's limit once known, else 5 MiB).
    pub fn max_upload_bytes(mut self, n: u64) -> Self {
        self.options.max_upload_bytes = Some(n);
        self
    }
    /// A function with fetch's signature for every request (a Worker's service binding);
    /// default: the global `fetch`, through gloo-net. (wasm32)
    #[cfg(target_arch = "wasm32")]
    pub fn fetch(mut self, fetch: js_sys::Function) -> Self {
        self.fetch = Some(fetch);
        self
    }
    /// The reqwest client that sends every request (a proxy, root certificates of your own,
    /// one connection pool for several clients); default: one of the client's own (rustls, the
    /// webpki roots), which its clones share. Its own timeouts and redirect policy apply besides
    /// the client's. (native)
    #[cfg(not(target_arch = "wasm32"))]
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }
    /// The client, or `InvalidArgument` naming the option that is wrong.
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
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The library's limits and usage.
    pub fn info(&self) -> Call<'_, GetInfo> {
        Call::new(self, GetInfo::default())
    }

    /// Files: list, get, update, upload, move, delete to the trash, upload status.
    pub fn files(&self) -> Files<'_> {
        Files { client: self }
    }

    /// Folders: list, get, create, update, delete.
    pub fn folders(&self) -> Folders<'_> {
        Folders { client: self }
    }

    /// The trash: list, empty (a file leaves the trash by a move).
    pub fn trash(&self) -> Trash<'_> {
        Trash { client: self }
    }

    /// Replaces the access token (a refreshed OAuth token) for the calls that follow;
    /// `InvalidArgument` when it cannot travel in an `Authorization` header.
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
