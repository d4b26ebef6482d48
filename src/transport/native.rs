//! The native transport (feature `native`, targets other than wasm32): reqwest over rustls on
//! tokio. It reads each answer as the web transport's runtime does (`js/runtime.js`): the
//! status, the headers the client uses, the body's text, and for an error status the API's
//! error list. A call stops when its [`NativeScope`] does (the caller's cancellation token, its
//! time budget, or an enclosing call's), and when its future is dropped: reqwest then closes
//! the connection.

use super::{Answer, Either, Outcome, ReadAs, Scope, Stop, Transport, race};
use crate::error::{ApiErrorItem, Error, ErrorCode};
use crate::ops::{HttpCall, Method};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};
use serde_json::Value;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// The `User-Agent` of every request.
const USER_AGENT: &str = concat!("ctct-mylibrary/", env!("CARGO_PKG_VERSION"));

/// What stops a native call besides its own budget: the caller's cancellation token, and the
/// deadline of the call it runs within (waiting for an upload polls with calls of its own).
#[derive(Clone, Debug, Default)]
pub struct Signal {
    token: Option<CancellationToken>,
    deadline: Option<Instant>,
}

impl From<CancellationToken> for Signal {
    fn from(token: CancellationToken) -> Signal {
        Signal {
            token: Some(token),
            deadline: None,
        }
    }
}

/// One native call's stop conditions.
#[derive(Debug)]
pub struct NativeScope {
    signal: Signal,
    /// The deadline is the caller's (an enclosing call's), not this call's budget.
    callers: bool,
    /// Why it stopped, once that was seen (it does not change afterwards).
    stop: OnceLock<Stop>,
}

impl Scope for NativeScope {
    type Signal = Signal;
    fn stopped(&self) -> Option<Stop> {
        if let Some(stop) = self.stop.get() {
            return Some(*stop);
        }
        let stop = if self
            .signal
            .token
            .as_ref()
            .is_some_and(CancellationToken::is_cancelled)
        {
            Stop::Aborted
        } else if self.signal.deadline.is_some_and(|d| Instant::now() >= d) {
            Stop::Timeout
        } else {
            return None;
        };
        Some(*self.stop.get_or_init(|| stop))
    }
    fn caller_timed_out(&self) -> bool {
        self.callers
    }
    fn own_signal(&self) -> Signal {
        self.signal.clone()
    }
    fn annotate(&self, e: Error) -> Error {
        e
    }
}

/// What became of one native request.
#[derive(Clone, Debug)]
pub struct Reply {
    outcome: Outcome,
    status: u16,
    retry_after: Option<String>,
    location: Option<String>,
    id: Option<String>,
    text: Option<String>,
    problem: Option<String>,
    errors: Vec<ApiErrorItem>,
    /// What failed (reqwest's error and its causes, without the URL).
    cause: Option<String>,
}

impl Reply {
    fn new(outcome: Outcome, status: u16, headers: &HeaderMap) -> Reply {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Reply {
            outcome,
            status,
            retry_after: header("retry-after"),
            location: header("location"),
            id: header("id"),
            text: None,
            problem: None,
            errors: Vec::new(),
            cause: None,
        }
    }

    /// No answer (`status` 0), or an answer whose body broke off.
    fn failed(status: u16, headers: &HeaderMap, cause: String) -> Reply {
        Reply {
            cause: Some(cause),
            ..Reply::new(Outcome::Failed, status, headers)
        }
    }
}

impl Answer for Reply {
    fn outcome(&self) -> Outcome {
        self.outcome
    }
    fn status(&self) -> u16 {
        self.status
    }
    fn retry_after(&self) -> Option<String> {
        self.retry_after.clone()
    }
    fn location(&self) -> Option<String> {
        self.location.clone()
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    fn api_errors(&self) -> Vec<ApiErrorItem> {
        self.errors.clone()
    }
    fn problem(&self) -> Option<String> {
        self.problem.clone()
    }
    fn text(&self) -> Option<String> {
        self.text.clone()
    }
    fn annotate(&self, e: Error) -> Error {
        match &self.cause {
            Some(cause) => e.with_cause(cause.clone()),
            None => e,
        }
    }
}

/// The reply of an answer's body: its text for a success (nothing when `nothing`), its error
/// list for an error status (`NotJson` when the body is not JSON).
fn reply_of(status: u16, headers: &HeaderMap, body: &[u8], nothing: bool) -> Reply {
    let mut reply = Reply::new(Outcome::Answer, status, headers);
    let text = String::from_utf8_lossy(body);
    if (200..300).contains(&status) {
        // A success whose body is not read (an upload: a proxy's text or HTML must not turn
        // a stored file into an error, which a retry would store twice).
        if !nothing {
            reply.text = Some(text.into_owned());
        }
        return reply;
    }
    let value = if text.trim().is_empty() {
        Value::Null
    } else {
        match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                reply.outcome = Outcome::NotJson;
                reply.problem = Some(text.chars().take(120).collect());
                reply.cause = Some(e.to_string());
                return reply;
            }
        }
    };
    reply.errors = error_list(&value);
    reply
}

/// The errors of a parsed error body: the API's `[{ error_key, error_message }]`, or the
/// OAuth2 server's `{ error, error_description }` as one such entry.
fn error_list(value: &Value) -> Vec<ApiErrorItem> {
    let text = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    if let Some(Value::String(error)) = value.get("error") {
        return vec![ApiErrorItem {
            error_key: error.clone(),
            error_message: text(value.get("error_description")),
        }];
    }
    let Value::Array(items) = value else {
        return Vec::new();
    };
    items
        .iter()
        .filter(|e| {
            e.get("error_key").is_some_and(Value::is_string)
                || e.get("error_message").is_some_and(Value::is_string)
        })
        .map(|e| ApiErrorItem {
            error_key: text(e.get("error_key")),
            error_message: text(e.get("error_message")),
        })
        .collect()
}

/// reqwest's error and its causes, without the URL (it holds the api key).
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// An upload natively: the bytes and the file name the form gives the part.
#[derive(Clone, Debug)]
pub struct NativeUpload {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The part's file name.
    pub file_name: String,
}

/// Sends through reqwest (rustls) on the caller's tokio runtime.
#[derive(Clone, Debug)]
pub struct Native {
    http: reqwest::Client,
    started: Instant,
}

/// A reqwest client of the crate's (rustls, the webpki roots): one per [`crate::Client`] (its
/// clones share it), rather than one per process, so that no pooled connection outlives the
/// Tokio runtime it was made on.
fn http_client(redirect: reqwest::redirect::Policy) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .redirect(redirect)
        .build()
        .map_err(|e| {
            Error::new(ErrorCode::Network, "The HTTP client could not start")
                .with_cause(describe(e))
        })
}

impl Native {
    /// Through `http`, or a reqwest client of its own (rustls, the webpki roots).
    pub fn new(http: Option<reqwest::Client>) -> Result<Native, Error> {
        let http = match http {
            Some(c) => c,
            None => http_client(reqwest::redirect::Policy::limited(10))?,
        };
        Ok(Native {
            http,
            started: Instant::now(),
        })
    }

    /// For the OAuth2 server: a form holding a client secret or a token is never sent again to
    /// where a redirect points.
    pub fn for_forms() -> Result<Native, Error> {
        Ok(Native {
            http: http_client(reqwest::redirect::Policy::none())?,
            started: Instant::now(),
        })
    }

    /// The headers every call sends: `Accept`, and `Authorization` when there is a token.
    fn request(&self, method: Method, url: &str, token: Option<&str>) -> reqwest::RequestBuilder {
        let method = match method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let b = self
            .http
            .request(method, url)
            .header(ACCEPT, "application/json");
        match token.filter(|t| !t.is_empty()) {
            Some(t) => b.bearer_auth(t),
            None => b,
        }
    }

    /// Sends a request and reads its answer once, within `scope`.
    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        nothing: bool,
        scope: &NativeScope,
    ) -> Reply {
        let none = HeaderMap::new();
        let response = match race(request.send(), self.until_stopped(scope)).await {
            Either::Left(Ok(r)) => r,
            Either::Left(Err(e)) => return Reply::failed(0, &none, describe(e)),
            Either::Right(()) => return Reply::failed(0, &none, "The call was stopped".into()),
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        match race(response.bytes(), self.until_stopped(scope)).await {
            Either::Left(Ok(body)) => reply_of(status, &headers, &body, nothing),
            Either::Left(Err(e)) => Reply::failed(status, &headers, describe(e)),
            Either::Right(()) => Reply::failed(status, &headers, "The call was stopped".into()),
        }
    }
}

impl Transport for Native {
    type Scope = NativeScope;
    type Answer = Reply;
    type Signal = Signal;
    type Upload = NativeUpload;

    fn scope(&self, signal: &Signal, budget_ms: u64) -> NativeScope {
        let own = match budget_ms {
            0 => None,
            ms => Instant::now().checked_add(Duration::from_millis(ms)),
        };
        let (deadline, callers) = match (own, signal.deadline) {
            (Some(own), Some(theirs)) if theirs < own => (Some(theirs), true),
            (Some(own), _) => (Some(own), false),
            (None, theirs) => (theirs, theirs.is_some()),
        };
        NativeScope {
            signal: Signal {
                token: signal.token.clone(),
                deadline,
            },
            callers,
            stop: OnceLock::new(),
        }
    }

    fn end(&self, _scope: NativeScope) {}

    async fn send(
        &self,
        call: &HttpCall,
        token: Option<&str>,
        _read: ReadAs,
        scope: &NativeScope,
    ) -> Reply {
        let mut b = self.request(call.method, &call.url, token);
        if let Some(body) = &call.body {
            b = b
                .header(CONTENT_TYPE, body.content_type())
                .body(body.text().to_string());
        }
        self.exchange(b, false, scope).await
    }

    async fn send_form(&self, call: &HttpCall, _read: ReadAs, scope: &NativeScope) -> Reply {
        let text = call.body.as_ref().map_or("", |b| b.text());
        let b = self
            .request(call.method, &call.url, None)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(text.to_string());
        // Its client follows no redirect: a 3xx is the answer (OAUTH with that status).
        self.exchange(b, false, scope).await
    }

    async fn upload(
        &self,
        url: &str,
        token: Option<&str>,
        fields: &[(&'static str, String)],
        upload: &NativeUpload,
        scope: &NativeScope,
    ) -> Reply {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(*name, value.clone());
        }
        let part = reqwest::multipart::Part::bytes(upload.bytes.clone())
            .file_name(upload.file_name.clone())
            .mime_str("application/octet-stream");
        let part = match part {
            Ok(p) => p,
            Err(e) => return Reply::failed(0, &HeaderMap::new(), describe(e)),
        };
        let b = self
            .request(Method::Post, url, token)
            .multipart(form.part("data", part));
        self.exchange(b, true, scope).await
    }

    async fn until_stopped(&self, scope: &NativeScope) {
        let cancelled = async {
            match &scope.signal.token {
                Some(t) => t.cancelled().await,
                None => std::future::pending().await,
            }
        };
        let deadline = async {
            match scope.signal.deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        race(cancelled, deadline).await;
    }

    async fn sleep(&self, ms: f64, scope: &NativeScope) {
        let wait = Duration::try_from_secs_f64(ms.max(0.0) / 1000.0).unwrap_or(Duration::MAX);
        race(tokio::time::sleep(wait), self.until_stopped(scope)).await;
    }

    fn now(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    fn wall_clock(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }

    fn random(&self) -> f64 {
        getrandom::u64().map_or(0.5, |x| (x >> 11) as f64 / (1u64 << 53) as f64)
    }

    fn ready(&self) -> Result<(), Error> {
        tokio::runtime::Handle::try_current().map(drop).map_err(|_| {
            Error::new(
                ErrorCode::Network,
                "No Tokio runtime: the native client sends its requests on Tokio; call it from within a Tokio runtime (with its I/O and time drivers on)",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_read_as_the_web_runtime_reads_them() {
        let h = HeaderMap::new();
        let r = reply_of(
            401,
            &h,
            br#"[{"error_key":"http.status.authentication.invalid_token","error_message":"Not Authorized"}, 5, {"x":1}]"#,
            false,
        );
        assert_eq!(r.outcome, Outcome::Answer);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].error_message, "Not Authorized");
        let r = reply_of(
            400,
            &h,
            br#"{"error":"invalid_grant","error_description":"used"}"#,
            false,
        );
        assert_eq!(
            (
                r.errors[0].error_key.as_str(),
                r.errors[0].error_message.as_str()
            ),
            ("invalid_grant", "used")
        );
        let r = reply_of(503, &h, b"<html>busy</html>", false);
        assert_eq!(
            (r.outcome, r.problem.as_deref()),
            (Outcome::NotJson, Some("<html>busy</html>"))
        );
        let r = reply_of(500, &h, b"  ", false);
        assert_eq!((r.outcome, r.errors.len()), (Outcome::Answer, 0));
        let r = reply_of(200, &h, b"<html>", false);
        assert_eq!(r.text.as_deref(), Some("<html>"));
        let r = reply_of(202, &h, b"<html>", true);
        assert_eq!((r.outcome, r.text), (Outcome::Answer, None));
        let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            reply_of(500, &h, deep.as_bytes(), false).outcome,
            Outcome::NotJson
        );
    }

    #[test]
    fn scopes_take_the_earlier_deadline_and_keep_their_first_stop() {
        let net = Native {
            http: reqwest::Client::new(),
            started: Instant::now(),
        };
        let token = CancellationToken::new();
        let outer = net.scope(&Signal::from(token.clone()), 60_000);
        assert_eq!(outer.stopped(), None);
        let inner = net.scope(&outer.own_signal(), 0);
        assert!(
            inner.caller_timed_out(),
            "its only deadline is the caller's"
        );
        let own = net.scope(&outer.own_signal(), 10);
        assert!(!own.caller_timed_out());
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(own.stopped(), Some(Stop::Timeout));
        token.cancel();
        assert_eq!(own.stopped(), Some(Stop::Timeout), "the first stop stays");
        assert_eq!(inner.stopped(), Some(Stop::Aborted));
        let none = net.scope(&Signal::default(), u64::MAX);
        assert_eq!(
            none.stopped(),
            None,
            "a budget past the clock's end is none"
        );
        assert!((0.0..1.0).contains(&net.random()));
    }
}
