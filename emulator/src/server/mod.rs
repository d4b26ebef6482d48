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
//! - `control`: the `/_emulator/...` control endpoints.

mod control;
mod faults;
mod hosting;
mod http;
mod routes;

pub use hosting::DEMO_CSP;

use crate::control::{Fault, LogEntry, Runtime, redact_query};
use crate::data::{self, Dataset};
use crate::store::{self, Library, Limits};
use faults::RateState;
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
        }
    }
}

/// The running emulator's state.
pub struct App {
    config: Config,
    origin: String,
    runtime: Mutex<Runtime>,
    library: Mutex<Library>,
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
        let library = data::build(&config.dataset, limits);
        // Draw the shared document icon now rather than on the first hosted request.
        let _ = store::document_icon();
        Arc::new(App {
            runtime: Mutex::new(config.runtime),
            config,
            origin,
            library: Mutex::new(library),
            faults: Mutex::new(VecDeque::new()),
            log: Mutex::new(VecDeque::new()),
            log_seq: Mutex::new(0),
            rate: Mutex::new(HashMap::new()),
        })
    }

    pub fn origin(&self) -> &str {
        &self.origin
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
        if method == Method::OPTIONS {
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
            Some(self.hosted(rest, &method))
        } else {
            Some(self.static_file(&path, &method).await)
        };
        let status = resp.as_ref().map_or(0, |r| r.status().as_u16());
        pending.answered(status);
        match resp {
            Some(r) => with_cors(r),
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
