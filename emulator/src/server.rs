//! The HTTP server: auth, rate limits, faults, CORS, the v2 routes, hosting and static files.

use crate::control::{
    Fault, FaultAction, LogEntry, ResetRequest, Runtime, RuntimePatch, redact_query,
};
use crate::data::{self, Dataset};
use crate::model::ApiError;
use crate::multipart;
use crate::query::{Collection, ListQuery};
use crate::store::{Library, Limits, NewUpload, Page, Scope};
use crate::{images, store, time};
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited, combinators::BoxBody};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use tokio::net::TcpListener;
use tokio::sync::Notify;

type Resp = Response<BoxBody<Bytes, std::io::Error>>;

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

#[derive(Default)]
struct RateState {
    window: VecDeque<i64>,
    today: u64,
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
const JSON_BODY_CAP: usize = 1 << 20;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn full(bytes: impl Into<Bytes>) -> BoxBody<Bytes, std::io::Error> {
    Full::new(bytes.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}

fn response(status: u16, content_type: Option<&str>, body: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(full(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(c).ok()) {
        r.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    r
}

fn json<T: Serialize>(status: u16, value: &T) -> Resp {
    match serde_json::to_vec(value) {
        Ok(body) => response(status, Some("application/json"), body),
        Err(e) => error(&ApiError::new(
            500,
            "http.status.internal_error",
            format!("Internal server error occurred: {e}"),
        )),
    }
}

fn error(e: &ApiError) -> Resp {
    response(e.status, Some("application/json"), e.body())
}

#[derive(Serialize)]
struct Pagination {
    #[serde(skip_serializing_if = "Option::is_none")]
    next_link: Option<String>,
}
#[derive(Serialize)]
struct Meta {
    pagination: Pagination,
}
#[derive(Serialize)]
struct Paged<T> {
    meta: Meta,
    results: Vec<T>,
}

fn paged<T: Serialize>(path: &str, page: Page<T>) -> Resp {
    let next_link = page.next.map(|t| format!("{path}?next={t}"));
    json(
        200,
        &Paged {
            meta: Meta {
                pagination: Pagination { next_link },
            },
            results: page.items,
        },
    )
}

/// Percent-decodes; `plus` turns `+` into a space (query strings).
fn decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len()
                && b[i + 1].is_ascii_hexdigit()
                && b[i + 2].is_ascii_hexdigit() =>
            {
                let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                out.push(hex(b[i + 1]) * 16 + hex(b[i + 2]));
                i += 3;
                continue;
            }
            b'+' if plus => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k, true), decode(v, true))
        })
        .collect()
}

/// A body that sends its first half, waits for it to be flushed, then fails, so the client
/// gets the status, the headers and part of the body before the connection closes.
struct Truncated {
    chunk: Option<Bytes>,
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl Truncated {
    fn new(chunk: Bytes) -> Self {
        Truncated {
            chunk: Some(chunk),
            pause: Box::pin(tokio::time::sleep(std::time::Duration::from_millis(50))),
        }
    }
}

impl Body for Truncated {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = self.get_mut();
        if let Some(b) = this.chunk.take() {
            return Poll::Ready(Some(Ok(Frame::data(b))));
        }
        match this.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::other(
                "emulator fault: truncated body",
            )))),
        }
    }
}

fn with_cors(mut r: Resp) -> Resp {
    let h = r.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Location, Id"),
    );
    r
}

fn preflight() -> Resp {
    let mut r = response(204, None, Bytes::new());
    let h = r.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PUT, DELETE, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Authorization, Content-Type, Accept"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    r
}

fn accepts_json(req: &Request<Incoming>) -> bool {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return true;
    };
    if accept.trim().is_empty() {
        return true;
    }
    accept.split(',').any(|item| {
        let mime = item
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let q_zero = item
            .split(';')
            .skip(1)
            .any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
        !q_zero
            && (mime == "application/json"
                || mime == "application/*"
                || mime == "*/*"
                || mime.ends_with("+json"))
    })
}

fn content_type(req: &Request<Incoming>) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn is_json_type(ct: &str) -> bool {
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("application/json")
}

async fn read_body(req: Request<Incoming>, cap: usize) -> Result<Bytes, ApiError> {
    match Limited::new(req.into_body(), cap).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(ApiError::new(
            413,
            "http.status.request_entity_too_large",
            format!("The request body is larger than {cap} bytes"),
        )),
        Err(_) => Err(ApiError::bad_request("The request body could not be read")),
    }
}

async fn read_json(req: Request<Incoming>) -> Result<Value, ApiError> {
    if !is_json_type(&content_type(&req)) {
        return Err(ApiError::new(
            415,
            "http.status.unsupported_media_type",
            "Unsupported content-type in the header, must be application/json",
        ));
    }
    let body = read_body(req, JSON_BODY_CAP).await?;
    serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!("The JSON in the request body is malformed: {e}"))
    })
}

/// A string field that may be absent, null, a string or a number (ids).
fn opt_field(
    obj: &serde_json::Map<String, Value>,
    key: &str,
) -> Result<Option<Option<String>>, ApiError> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => Ok(Some(Some(s.clone()))),
        Some(Value::Number(n)) if key.ends_with("_id") => Ok(Some(Some(n.to_string()))),
        Some(_) => Err(ApiError::invalid(format!("#/{key}: must be a string"))),
    }
}

fn include_payload(params: &[(String, String)]) -> Result<bool, ApiError> {
    match params
        .iter()
        .rev()
        .find(|(k, _)| k == "include_payload")
        .map(|(_, v)| v.as_str())
    {
        None => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(ApiError::bad_request(format!(
            "include_payload must be TRUE or FALSE, not {v:?}"
        ))),
    }
}

fn split_ids(s: &str) -> Vec<&str> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .collect()
}

fn mime_for(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "ts" => "text/plain; charset=utf-8",
        "map" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The Content-Security-Policy of the demo: no inline script; WebAssembly may compile.
pub const DEMO_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob: http: https:; connect-src 'self' http: https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

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
        let resp = if path.starts_with("/v2/") {
            self.api_with_faults(req, &method, &path, &query, kill)
                .await
        } else if let Some(rest) = path.strip_prefix("/ih/") {
            Some(self.hosted(rest, &method))
        } else {
            Some(self.static_file(&path, &method).await)
        };
        let status = resp.as_ref().map_or(0, |r| r.status().as_u16());
        self.record(&method, &path, &query, names, status);
        match resp {
            Some(r) => with_cors(r),
            None => std::future::pending().await,
        }
    }

    fn take_fault(&self, method: &Method, path: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let idx = faults
            .iter()
            .position(|f| f.matches(method.as_str(), path))?;
        let f = faults.get_mut(idx)?;
        let remaining = f.count.unwrap_or(1).saturating_sub(1);
        let fault = f.clone();
        if remaining == 0 {
            faults.remove(idx);
        } else {
            f.count = Some(remaining);
        }
        Some(fault)
    }

    async fn api_with_faults(
        self: &Arc<Self>,
        req: Request<Incoming>,
        method: &Method,
        path: &str,
        query: &str,
        kill: Arc<Notify>,
    ) -> Option<Resp> {
        let latency = lock(&self.runtime).latency_ms;
        if latency > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
        }
        let fault = self.take_fault(method, path);
        if let Some(ms) = fault.as_ref().and_then(|f| f.delay_ms) {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
        match fault {
            None => Some(self.api(req, path, query).await),
            Some(f) => match f.action {
                FaultAction::Delay => Some(self.api(req, path, query).await),
                FaultAction::Drop => {
                    kill.notify_one();
                    None
                }
                FaultAction::Respond => {
                    // Read the request first, as a server does: answering while a client is
                    // still sending makes it see a reset connection instead of the answer.
                    let _ = read_body(req, 64 << 20).await;
                    let mut body = match &f.body_base64 {
                        Some(b) => base64::engine::general_purpose::STANDARD
                            .decode(b)
                            .unwrap_or_default(),
                        None => f.body.clone().unwrap_or_default().into_bytes(),
                    };
                    if let Some(n) = f.repeat.filter(|&n| n > 1) {
                        body = body.repeat(n.min(1 << 24));
                    }
                    let mut r = response(
                        f.status.unwrap_or(500),
                        Some(f.content_type.as_deref().unwrap_or("application/json")),
                        body,
                    );
                    for (k, v) in &f.headers {
                        if let (Ok(k), Ok(v)) = (
                            header::HeaderName::from_bytes(k.as_bytes()),
                            HeaderValue::from_str(v),
                        ) {
                            r.headers_mut().insert(k, v);
                        }
                    }
                    Some(r)
                }
                FaultAction::Truncate => {
                    let r = self.api(req, path, query).await;
                    let (mut parts, body) = r.into_parts();
                    let bytes = body
                        .collect()
                        .await
                        .map(|c| c.to_bytes())
                        .unwrap_or_default();
                    parts
                        .headers
                        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
                    let half = bytes.slice(..bytes.len() / 2);
                    Some(Response::from_parts(
                        parts,
                        BoxBody::new(Truncated::new(half)),
                    ))
                }
            },
        }
    }

    fn check_rate(&self, key: &str) -> Result<(), ApiError> {
        let rt = *lock(&self.runtime);
        let now = time::now_ms();
        let mut rates = lock(&self.rate);
        let state = rates.entry(key.to_string()).or_default();
        while state.window.front().is_some_and(|&t| now - t >= 1000) {
            state.window.pop_front();
        }
        if rt.qps > 0 && state.window.len() >= rt.qps as usize {
            return Err(ApiError::new(
                403,
                "mashery.not.authorized.over.qps",
                "The Mashery account associated with this request is over its queries-per-second quota",
            ));
        }
        if rt.daily_quota > 0 && state.today >= rt.daily_quota {
            return Err(ApiError::new(
                403,
                "mashery.not.authorized.over.ratelimit",
                "The Mashery account associated with this request is over its rate limit quota.",
            ));
        }
        state.window.push_back(now);
        state.today += 1;
        Ok(())
    }

    fn authenticate(
        &self,
        req: &Request<Incoming>,
        params: &[(String, String)],
    ) -> Result<(), ApiError> {
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let key = get("api_key").unwrap_or("");
        if key.is_empty() || key != self.config.api_key {
            return Err(ApiError::new(
                403,
                "mashery.not.authorized.inactive",
                "Account Inactive",
            ));
        }
        self.check_rate(key)?;
        let bearer = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        let token = bearer.or(get("access_token"));
        if token != Some(self.config.access_token.as_str()) {
            return Err(ApiError::new(
                401,
                "http.status.authentication.invalid_token",
                "Not Authorized",
            ));
        }
        Ok(())
    }

    async fn api(self: &Arc<Self>, req: Request<Incoming>, path: &str, query: &str) -> Resp {
        let params = query_pairs(query);
        if let Err(e) = self.authenticate(&req, &params) {
            return error(&e);
        }
        if !accepts_json(&req) {
            return error(&ApiError::new(
                406,
                "http.status.not_acceptable",
                "Unsupported accept header value, must be application/json",
            ));
        }
        match self.route(req, path, &params).await {
            Ok(r) => r,
            Err(e) => error(&e),
        }
    }

    async fn route(
        self: &Arc<Self>,
        req: Request<Incoming>,
        path: &str,
        params: &[(String, String)],
    ) -> Result<Resp, ApiError> {
        let Some(rest) = path.strip_prefix("/v2/library/") else {
            return Err(ApiError::not_found("The supplied url was not found"));
        };
        let segs: Vec<String> = rest.split('/').map(|s| decode(s, false)).collect();
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let method = req.method().clone();
        let origin = self.origin.clone();
        let now = time::now_ms();
        let not_allowed = || {
            Err(ApiError::new(
                405,
                "http.status.method_not_allowed",
                format!("{method} is not supported on this resource"),
            ))
        };
        match (segs.as_slice(), &method) {
            (["info"], &Method::GET) => Ok(json(200, &lock(&self.library).info(&origin))),
            (["info"], _) => not_allowed(),
            (["folders"], &Method::GET) => {
                let q = ListQuery::from_params(params, Collection::Folders)?;
                Ok(paged(path, lock(&self.library).list_folders(&q)))
            }
            (["folders"], &Method::POST) => {
                let body = read_json(req).await?;
                let obj = body.as_object().ok_or_else(|| {
                    ApiError::bad_request("The request body must be a JSON object")
                })?;
                let name = opt_field(obj, "name")?.flatten().ok_or_else(|| {
                    ApiError::new(400, "json.field.required", "#/name: a value is required")
                })?;
                let parent = opt_field(obj, "parent_id")?.flatten();
                let mut lib = lock(&self.library);
                let id = lib.create_folder(&name, parent.as_deref(), now)?;
                Ok(json(201, &lib.get_folder(&id.to_string())?))
            }
            (["folders"], _) => not_allowed(),
            (["folders", "trash", "files"], &Method::GET) => {
                let q = ListQuery::from_params(params, Collection::Trash)?;
                Ok(paged(
                    path,
                    lock(&self.library).list_files(Scope::Trash, &q, &origin, now),
                ))
            }
            (["folders", "trash", "files"], &Method::DELETE) => {
                lock(&self.library).empty_trash();
                Ok(response(204, None, Bytes::new()))
            }
            (["folders", "trash", "files"], _) => not_allowed(),
            (["folders", id], &Method::GET) => Ok(json(200, &lock(&self.library).get_folder(id)?)),
            (["folders", id], &Method::PUT) => {
                let payload = include_payload(params)?;
                let body = read_json(req).await?;
                let obj = body.as_object().ok_or_else(|| {
                    ApiError::bad_request("The request body must be a JSON object")
                })?;
                let name = opt_field(obj, "name")?.flatten().ok_or_else(|| {
                    ApiError::new(400, "json.field.required", "#/name: a value is required")
                })?;
                let parent = opt_field(obj, "parent_id")?;
                let mut lib = lock(&self.library);
                let fid =
                    lib.update_folder(id, &name, parent.as_ref().map(|p| p.as_deref()), now)?;
                if payload {
                    Ok(json(200, &lib.get_folder(&fid.to_string())?))
                } else {
                    Ok(response(204, None, Bytes::new()))
                }
            }
            (["folders", id], &Method::DELETE) => {
                lock(&self.library).delete_folder(id, now)?;
                Ok(response(204, None, Bytes::new()))
            }
            (["folders", _], _) => not_allowed(),
            (["folders", id, "files"], &Method::GET) => {
                let lib = lock(&self.library);
                let scope = lib.folder_scope(id)?;
                let coll = if scope == Scope::Trash {
                    Collection::Trash
                } else {
                    Collection::Files
                };
                let q = ListQuery::from_params(params, coll)?;
                Ok(paged(path, lib.list_files(scope, &q, &origin, now)))
            }
            (["folders", id, "files"], &Method::PUT) => {
                let id = id.to_string();
                let body = read_json(req).await?;
                let arr = body.as_array().ok_or_else(|| {
                    ApiError::bad_request("The request body must be a JSON array of file ids")
                })?;
                let ids = arr
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s.clone()),
                        Value::Number(n) => Ok(n.to_string()),
                        _ => Err(ApiError::bad_request(
                            "The request body must be a JSON array of file ids",
                        )),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(json(
                    200,
                    &lock(&self.library).move_files(&id, &ids, &origin, now)?,
                ))
            }
            (["folders", _, "files"], _) => not_allowed(),
            (["files"], &Method::GET) => {
                let q = ListQuery::from_params(params, Collection::Files)?;
                Ok(paged(
                    path,
                    lock(&self.library).list_files(Scope::All, &q, &origin, now),
                ))
            }
            (["files"], &Method::POST) => self.upload(req).await,
            (["files"], _) => not_allowed(),
            (["files", "uploadstatus", ids], &Method::GET) => {
                let ids = split_ids(ids);
                if ids.is_empty() {
                    return Err(ApiError::not_found("The supplied url was not found"));
                }
                Ok(json(200, &lock(&self.library).upload_status(&ids, now)))
            }
            (["files", "uploadstatus", _], _) => not_allowed(),
            (["files", id], &Method::GET) => {
                Ok(json(200, &lock(&self.library).get_file(id, &origin, now)?))
            }
            (["files", id], &Method::PUT) => {
                let payload = include_payload(params)?;
                let id = id.to_string();
                let body = read_json(req).await?;
                let obj = body.as_object().ok_or_else(|| {
                    ApiError::bad_request("The request body must be a JSON object")
                })?;
                let description = opt_field(obj, "description")?.flatten().ok_or_else(|| {
                    ApiError::new(
                        400,
                        "json.field.required",
                        "#/description: a value is required",
                    )
                })?;
                let name = opt_field(obj, "name")?.flatten();
                let folder = opt_field(obj, "folder_id")?;
                let mut lib = lock(&self.library);
                let fid = lib.update_file(
                    &id,
                    name.as_deref(),
                    &description,
                    folder.as_ref().map(|f| f.as_deref()),
                    now,
                )?;
                if payload {
                    Ok(json(200, &lib.get_file(&fid.to_string(), &origin, now)?))
                } else {
                    let mut r = response(204, None, Bytes::new());
                    if let Ok(v) =
                        HeaderValue::from_str(&format!("{origin}/v2/library/files/{fid}"))
                    {
                        r.headers_mut().insert(header::LOCATION, v);
                    }
                    Ok(r)
                }
            }
            (["files", ids], &Method::DELETE) => {
                let ids = split_ids(ids);
                if ids.is_empty() {
                    return Err(ApiError::not_found("The supplied url was not found"));
                }
                lock(&self.library).delete_files(&ids, now)?;
                Ok(response(204, None, Bytes::new()))
            }
            (["files", _], _) => not_allowed(),
            _ => Err(ApiError::not_found("The supplied url was not found")),
        }
    }

    async fn upload(self: &Arc<Self>, req: Request<Incoming>) -> Result<Resp, ApiError> {
        let ct = content_type(&req);
        let Some(boundary) = multipart::boundary(&ct) else {
            return Err(ApiError::new(
                415,
                "http.status.unsupported_media_type",
                "Unsupported content-type in the header, must be multipart/form-data",
            ));
        };
        let (max_upload, delay) = {
            let rt = lock(&self.runtime);
            (rt.max_upload_size_limit, rt.upload_delay_ms)
        };
        let cap = (max_upload as usize)
            .saturating_mul(2)
            .saturating_add(1 << 20);
        let body = read_body(req, cap).await?;
        let parts = multipart::parse(&body, &boundary)
            .ok_or_else(|| ApiError::bad_request("The multipart body is malformed"))?;
        let text = |name: &str| -> Result<Option<String>, ApiError> {
            match parts.iter().find(|p| p.name == name) {
                None => Ok(None),
                Some(p) => String::from_utf8(p.data.to_vec())
                    .map(Some)
                    .map_err(|_| ApiError::invalid(format!("#/{name}: not valid UTF-8"))),
            }
        };
        let upload = NewUpload {
            file_name: text("file_name")?.unwrap_or_default(),
            folder_id: text("folder_id")?,
            description: text("description")?.unwrap_or_default(),
            source: text("source")?,
            file_type: text("file_type")?,
            data: parts
                .iter()
                .find(|p| p.name == "data")
                .map(|p| p.data.clone())
                .unwrap_or_default(),
        };
        let checked = {
            let mut lib = lock(&self.library);
            lib.limits.max_upload_size_limit = max_upload;
            lib.check_upload(&upload)?
        };
        let data = upload.data.clone();
        let is_image = checked.file_type.is_image();
        let processed =
            tokio::task::spawn_blocking(move || images::process_upload(&data, is_image))
                .await
                .map_err(|_| {
                    ApiError::new(
                        500,
                        "http.status.internal_error",
                        "Internal server error occurred",
                    )
                })?;
        let id =
            lock(&self.library).add_upload(upload, checked, processed, delay, time::now_ms())?;
        let mut r = response(202, None, Bytes::new());
        if let Ok(v) = HeaderValue::from_str(&format!("{}/v2/library/files/{id}", self.origin)) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        r.headers_mut().insert("id", HeaderValue::from(id));
        Ok(r)
    }

    fn hosted(&self, rest: &str, method: &Method) -> Resp {
        if method != Method::GET && method != Method::HEAD {
            return error(&ApiError::new(
                405,
                "http.status.method_not_allowed",
                "Only GET and HEAD are supported",
            ));
        }
        let item = if rest == "ui/mlui_document.png" {
            Some(store::document_icon())
        } else {
            rest.split_once('/')
                .and_then(|(kind, name)| lock(&self.library).hosted(kind, name))
        };
        match item {
            Some(h) => {
                let body = if method == Method::HEAD {
                    Bytes::new()
                } else {
                    h.bytes.clone()
                };
                let mut r = response(200, Some(h.content_type), body);
                r.headers_mut().insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=3600"),
                );
                r.headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(h.bytes.len()));
                r
            }
            None => error(&ApiError::not_found("The requested image was not found")),
        }
    }

    async fn static_file(&self, path: &str, method: &Method) -> Resp {
        let not_found = || error(&ApiError::not_found("The supplied url was not found"));
        let Some(root) = &self.config.www else {
            return not_found();
        };
        if method != Method::GET && method != Method::HEAD {
            return not_found();
        }
        let rel = decode(path.trim_start_matches('/'), false);
        let rel = Path::new(&rel);
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return not_found();
        }
        let mut file = root.join(rel);
        if path.ends_with('/') || tokio::fs::metadata(&file).await.is_ok_and(|m| m.is_dir()) {
            file = file.join("index.html");
        }
        match tokio::fs::read(&file).await {
            Ok(bytes) => {
                let mime = mime_for(&file);
                let mut r = response(
                    200,
                    Some(mime),
                    if method == Method::HEAD {
                        Vec::new()
                    } else {
                        bytes
                    },
                );
                let h = r.headers_mut();
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                h.insert(
                    "x-content-type-options",
                    HeaderValue::from_static("nosniff"),
                );
                if mime.starts_with("text/html") {
                    h.insert(
                        header::CONTENT_SECURITY_POLICY,
                        HeaderValue::from_static(DEMO_CSP),
                    );
                }
                r
            }
            Err(_) => not_found(),
        }
    }

    async fn control(&self, req: Request<Incoming>, path: &str) -> Resp {
        let method = req.method().clone();
        let body = if method == Method::POST {
            read_body(req, 64 << 20).await.unwrap_or_default()
        } else {
            Bytes::new()
        };
        let parse = |b: &Bytes| -> Result<Value, ApiError> {
            if b.is_empty() {
                Ok(Value::Object(Default::default()))
            } else {
                serde_json::from_slice(b).map_err(|e| ApiError::bad_request(e.to_string()))
            }
        };
        let result: Result<Resp, ApiError> = (|| match (path, &method) {
            ("/_emulator/health", _) => Ok(json(
                200,
                &serde_json::json!({ "ok": true, "origin": self.origin }),
            )),
            ("/_emulator/reset", &Method::POST) => {
                let r: ResetRequest = serde_json::from_value(parse(&body)?)
                    .map_err(|e| ApiError::bad_request(e.to_string()))?;
                let d = self.config.dataset;
                let dataset = Dataset {
                    files: r.files.unwrap_or(d.files),
                    folders: r.folders.unwrap_or(d.folders),
                    seed: r.seed.unwrap_or(d.seed),
                };
                let rt = self.config.runtime;
                *lock(&self.runtime) = rt;
                let limits = Limits {
                    max_upload_size_limit: rt.max_upload_size_limit,
                    ..Limits::default()
                };
                *lock(&self.library) = data::build(&dataset, limits);
                lock(&self.faults).clear();
                lock(&self.log).clear();
                lock(&self.rate).clear();
                Ok(json(
                    200,
                    &serde_json::json!({ "ok": true, "files": dataset.files, "folders": dataset.folders, "seed": dataset.seed }),
                ))
            }
            ("/_emulator/faults", &Method::POST) => {
                let v = parse(&body)?;
                let list: Vec<Fault> = match v {
                    Value::Array(_) => serde_json::from_value(v),
                    other => serde_json::from_value(other).map(|f| vec![f]),
                }
                .map_err(|e| ApiError::bad_request(e.to_string()))?;
                let mut faults = lock(&self.faults);
                faults.extend(list);
                Ok(json(200, &serde_json::json!({ "pending": faults.len() })))
            }
            ("/_emulator/faults", &Method::GET) => Ok(json(200, &*lock(&self.faults))),
            ("/_emulator/faults", &Method::DELETE) => {
                lock(&self.faults).clear();
                Ok(json(200, &serde_json::json!({ "pending": 0 })))
            }
            ("/_emulator/config", &Method::GET) => Ok(json(200, &*lock(&self.runtime))),
            ("/_emulator/config", &Method::POST) => {
                let p: RuntimePatch = serde_json::from_value(parse(&body)?)
                    .map_err(|e| ApiError::bad_request(e.to_string()))?;
                let mut rt = lock(&self.runtime);
                rt.apply(p);
                lock(&self.library).limits.max_upload_size_limit = rt.max_upload_size_limit;
                Ok(json(200, &*rt))
            }
            ("/_emulator/log", &Method::GET) => Ok(json(200, &*lock(&self.log))),
            ("/_emulator/log", &Method::DELETE) => {
                lock(&self.log).clear();
                Ok(json(200, &serde_json::json!({ "ok": true })))
            }
            (
                "/_emulator/faults" | "/_emulator/config" | "/_emulator/log" | "/_emulator/reset",
                &Method::OPTIONS,
            ) => Ok(preflight()),
            _ => Err(ApiError::not_found("Unknown emulator control endpoint")),
        })();
        result.unwrap_or_else(|e| error(&e))
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
