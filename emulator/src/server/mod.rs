//! The HTTP server: auth, rate limits, faults, CORS, the v2 routes, hosting and static files.
//!
//! This module holds the start-up [`Config`], the shared [`App`] state, the per-request entry
//! point that dispatches by path prefix and records the request log, and [`start`]/[`serve`].
//! The rest lives in submodules:
//!
//! - `http`: response builders, CORS, body reading, query parsing, content-type checks;
//! - `faults`: scripted faults, added latency and rate limits;
//! - `routes`: the v2 API under `/v2/library/`;
//! - `hosting`: hosted bytes under `/ih/` and static files for `--www`;
//! - `control`: the `/_emulator/...` control endpoints;
//! - `grants`: the accounts' access tokens, authorization codes and consent-form CSRF tokens;
//! - `oauth`: the OAuth 2.0 server under `/oauth2/` (consent page, token, token info).

mod control;
mod faults;
mod grants;
mod hosting;
mod http;
mod oauth;
mod routes;

pub use hosting::DEMO_CSP;
pub use oauth::{ANSWER_PARAMS, answer_param_in};

use crate::control::{Fault, LogEntry, Runtime, redact_query};
use crate::data::{self, Dataset};
use crate::store::{self, Library, Limits};
use faults::RateState;
use grants::{Grants, Secrets};
use http::{Resp, preflight, with_cors};
use hyper::body::Incoming;
use hyper::{Method, Request};
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// Start-up configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub port: u16,
    pub api_key: String,
    pub access_token: String,
    pub runtime: Runtime,
    pub dataset: Dataset,
    pub www: Option<PathBuf>,
    /// The origin written into `url`, `image_root` and `Location` (default `http://127.0.0.1:<port>`).
    pub public_origin: Option<String>,
    /// How many accounts (at least 1): `demo_user`, `demo_user_2`, … Account 1 has `dataset`
    /// and the fixed `access_token`; account `n` a generated library of seed `dataset.seed + n`.
    pub accounts: usize,
    /// The secret of the registered app (its client id is `api_key`).
    pub client_secret: String,
    /// The app's registered redirect URIs; none means `{origin}/` (the demo page).
    pub redirect_uris: Vec<String>,
    /// Lifetime of the tokens the OAuth server issues; `None` is the v2 lifetime, 315359999 s.
    pub token_ttl_s: Option<u64>,
    /// Whether issuing a new token revokes the account's earlier tokens for the same client.
    pub revoke_on_reauthorize: bool,
    /// The app name the consent page shows.
    pub app_name: String,
    /// Lifetime of an authorization code (5 minutes; tests may shorten it).
    pub code_ttl_ms: u64,
    /// Further registered apps (no flag: for tests of one app's code or token used by another).
    pub extra_apps: Vec<RegisteredApp>,
}

/// A registered app: its api key (the OAuth `client_id`), secret, redirect URIs and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredApp {
    pub api_key: String,
    pub client_secret: String,
    /// Empty means `{origin}/`.
    pub redirect_uris: Vec<String>,
    pub name: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 8080,
            api_key: "demo-api-key".into(),
            access_token: "demo-access-token".into(),
            runtime: Runtime {
                qps: 4,
                daily_quota: 0,
                upload_delay_ms: 3000,
                latency_ms: 0,
                max_upload_size_limit: 5_242_880,
            },
            dataset: Dataset::default(),
            www: None,
            public_origin: None,
            accounts: 2,
            client_secret: "demo-client-secret".into(),
            redirect_uris: Vec::new(),
            token_ttl_s: None,
            revoke_on_reauthorize: false,
            app_name: "MyLibrary Demo".into(),
            code_ttl_ms: 300_000,
            extra_apps: Vec::new(),
        }
    }
}

/// One account: its user name, where its hosted files live, and its library.
struct Account {
    username: String,
    /// Put after the origin in the account's hosted URLs: empty for account 1,
    /// `/a/{username}` for the others.
    prefix: String,
    library: Mutex<Library>,
}

/// The user name of account `n` (1-based).
fn username(n: usize) -> String {
    if n <= 1 {
        "demo_user".into()
    } else {
        format!("demo_user_{n}")
    }
}

/// The dataset of account `n` (1-based): account 1's as given; the others' generated from
/// seed `seed + n`, without the documentation's examples, and at least as big as the examples
/// (10 files, 3 folders), so that `--files 0` leaves no account empty.
fn account_dataset(d: &Dataset, n: usize) -> Dataset {
    if n <= 1 {
        *d
    } else {
        Dataset {
            files: d.files.max(data::EXAMPLE_FILES),
            folders: d.folders.max(data::EXAMPLE_FOLDERS),
            seed: d.seed.wrapping_add(n as u64),
            examples: false,
        }
    }
}

/// The running emulator's state.
pub struct App {
    config: Config,
    origin: String,
    /// The registered apps: the one of `--api-key` first, then `Config::extra_apps`; each
    /// with its redirect URIs resolved (none given: `{origin}/`).
    apps: Vec<RegisteredApp>,
    runtime: Mutex<Runtime>,
    accounts: Vec<Account>,
    grants: Mutex<Grants>,
    secrets: Secrets,
    faults: Mutex<VecDeque<Fault>>,
    log: Mutex<VecDeque<LogEntry>>,
    log_seq: Mutex<u64>,
    rate: Mutex<HashMap<String, RateState>>,
}

const LOG_CAP: usize = 20_000;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl App {
    pub fn new(config: Config, origin: String) -> Arc<App> {
        let limits = Limits {
            max_upload_size_limit: config.runtime.max_upload_size_limit,
            ..Limits::default()
        };
        let accounts = (1..=config.accounts.max(1))
            .map(|n| {
                let username = username(n);
                Account {
                    prefix: if n == 1 {
                        String::new()
                    } else {
                        format!("/a/{username}")
                    },
                    username,
                    library: Mutex::new(data::build(&account_dataset(&config.dataset, n), limits)),
                }
            })
            .collect();
        // Draw the shared document icon now rather than on the first hosted request.
        let _ = store::document_icon();
        let main_app = RegisteredApp {
            api_key: config.api_key.clone(),
            client_secret: config.client_secret.clone(),
            redirect_uris: config.redirect_uris.clone(),
            name: config.app_name.clone(),
        };
        let apps = std::iter::once(main_app)
            .chain(config.extra_apps.iter().cloned())
            .map(|mut app| {
                if app.redirect_uris.is_empty() {
                    app.redirect_uris = vec![format!("{origin}/")];
                }
                app
            })
            .collect();
        let grants = Grants::new(&config.access_token, &config.api_key);
        Arc::new(App {
            runtime: Mutex::new(config.runtime),
            config,
            origin,
            apps,
            accounts,
            grants: Mutex::new(grants),
            secrets: Secrets::new(),
            faults: Mutex::new(VecDeque::new()),
            log: Mutex::new(VecDeque::new()),
            log_seq: Mutex::new(0),
            rate: Mutex::new(HashMap::new()),
        })
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The registered app whose api key is `key`.
    fn app(&self, key: &str) -> Option<&RegisteredApp> {
        self.apps.iter().find(|a| a.api_key == key)
    }

    /// The accounts' user names, account 1 first.
    pub fn usernames(&self) -> Vec<String> {
        self.accounts.iter().map(|a| a.username.clone()).collect()
    }

    /// The account whose hosted files live under `path` (`/a/{username}/ih/…`, accounts 2..N),
    /// and the rest of the path after `/ih/`.
    fn account_hosting<'p>(&self, path: &'p str) -> Option<(usize, &'p str)> {
        let (name, rest) = path.strip_prefix("/a/")?.split_once('/')?;
        let rest = rest.strip_prefix("ih/")?;
        let idx = self
            .accounts
            .iter()
            .position(|a| !a.prefix.is_empty() && a.username == name)?;
        Some((idx, rest))
    }

    fn record(
        &self,
        req_method: &Method,
        path: &str,
        query: &str,
        headers: Vec<String>,
        status: u16,
    ) {
        let mut seq = lock(&self.log_seq);
        *seq += 1;
        let entry = LogEntry {
            seq: *seq,
            method: req_method.to_string(),
            path: path.to_string(),
            query: redact_query(query),
            headers,
            status,
        };
        let mut log = lock(&self.log);
        if log.len() >= LOG_CAP {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// Serves one request. `kill` closes the connection (dropped-connection faults).
    pub async fn handle(self: Arc<Self>, req: Request<Incoming>, kill: Arc<Notify>) -> Resp {
        let path = req.uri().path().to_string();
        let query = req.uri().query().unwrap_or("").to_string();
        let method = req.method().clone();
        if path.starts_with("/_emulator/") {
            return with_cors(self.control(req, &path).await);
        }
        let mut names: Vec<String> = req
            .headers()
            .keys()
            .map(|k| k.as_str().to_string())
            .collect();
        names.sort();
        names.dedup();
        // The consent page is not for other origins: no CORS headers on any of its answers
        // (a page of another origin could otherwise read a fresh CSRF value), and no preflight
        // (OPTIONS gets the page's 405).
        let cors = path != oauth::AUTHORIZE;
        if method == Method::OPTIONS && cors {
            self.record(&method, &path, &query, names, 204);
            return with_cors(preflight());
        }
        // Until the answer is ready: a client that goes away (a cancelled call) leaves an entry
        // with status 0, as a dropped connection does.
        let mut pending = Unanswered {
            app: &self,
            entry: Some((method.clone(), path.clone(), query.clone(), names)),
        };
        let resp = if path.starts_with("/v2/") {
            self.api_with_faults(req, &method, &path, &query, kill)
                .await
        } else if let Some(rest) = path.strip_prefix("/ih/") {
            Some(self.hosted(0, rest, &method))
        } else if let Some((account, rest)) = self.account_hosting(&path) {
            Some(self.hosted(account, rest, &method))
        } else if path.starts_with("/oauth2/") {
            Some(self.oauth(req, &path, &query).await)
        } else {
            Some(self.static_file(&path, &method).await)
        };
        let status = resp.as_ref().map_or(0, |r| r.status().as_u16());
        pending.answered(status);
        match resp {
            Some(r) if cors => with_cors(r),
            Some(r) => r,
            None => std::future::pending().await,
        }
    }
}

/// A request being answered; logged with status 0 if its handler is dropped first.
struct Unanswered<'a> {
    app: &'a App,
    entry: Option<(Method, String, String, Vec<String>)>,
}

impl Unanswered<'_> {
    fn answered(&mut self, status: u16) {
        if let Some((method, path, query, names)) = self.entry.take() {
            self.app.record(&method, &path, &query, names, status);
        }
    }
}

impl Drop for Unanswered<'_> {
    fn drop(&mut self) {
        self.answered(0);
    }
}

/// A running emulator.
pub struct Running {
    pub addr: SocketAddr,
    pub app: Arc<App>,
    pub task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Binds `127.0.0.1:<port>` (0 picks a free port) and serves in the background.
pub async fn start(config: Config) -> std::io::Result<Running> {
    let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
    let addr = listener.local_addr()?;
    let origin = config
        .public_origin
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let app = App::new(config, origin);
    let task = tokio::spawn(serve(listener, app.clone()));
    Ok(Running { addr, app, task })
}

/// Accepts connections until the task is dropped.
pub async fn serve(listener: TcpListener, app: Arc<App>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let k = kill.clone();
            let svc = hyper::service::service_fn(move |req| {
                let app = app.clone();
                let k = k.clone();
                async move { Ok::<_, Infallible>(app.handle(req, k).await) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
            }
        });
    }
}
