//! The web transport (wasm32): gloo-net sends each request through the global `fetch`, or the
//! request goes to a caller's fetch function (a Worker's service binding) on a thin path; the
//! JavaScript runtime (`js/runtime.js`) then reads the answer in one call and hands back a
//! [`Reply`] that Rust reads through typed getters.
//!
//! gloo-net 0.7 calls `unreachable!` when fetch rejects with something that is not an `Error`,
//! which an abort with a string reason would do. The signal gloo-net's request carries is
//! therefore never the caller's: it is the call's [`WebScope`]'s own controller, which the
//! runtime only ever aborts with an `Error`. The scope also settles each call itself, racing
//! the request against its own stop, since Node's fetch may lose a request's link to its signal
//! after a garbage collection (nodejs/node#55428).

use super::{Answer, Either, Outcome, ReadAs, Scope, Stop, Transport, race};
use crate::error::{ApiErrorItem, Error};
#[cfg(feature = "edge")]
use crate::ops::Body;
use crate::ops::{HttpCall, Method};
use gloo_net::http::RequestBuilder;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/js/runtime.js")]
extern "C" {
    /// One call's cancellation (`Scope` in the runtime).
    #[wasm_bindgen(js_name = Scope)]
    pub type JsScope;
    #[wasm_bindgen(constructor, js_class = "Scope")]
    fn new(signal: &JsValue, timeout_ms: f64) -> JsScope;
    /// `"running"`, `"aborted"` or `"timeout"`.
    #[wasm_bindgen(method, getter)]
    fn state(this: &JsScope) -> String;
    /// The caller's abort reason.
    #[wasm_bindgen(method, getter)]
    pub fn reason(this: &JsScope) -> JsValue;
    /// The scope's own signal (aborted only with an `Error`).
    #[wasm_bindgen(method, getter)]
    pub fn signal(this: &JsScope) -> web_sys::AbortSignal;
    #[wasm_bindgen(method)]
    fn stopped(this: &JsScope) -> Promise;
    #[wasm_bindgen(method)]
    fn dispose(this: &JsScope);
    #[wasm_bindgen(method)]
    fn cancel(this: &JsScope);

    /// What became of one request.
    #[derive(Clone)]
    pub type Reply;
    #[wasm_bindgen(method, getter)]
    fn outcome(this: &Reply) -> String;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Reply) -> u16;
    #[wasm_bindgen(method, getter, js_name = retryAfter)]
    fn retry_after(this: &Reply) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn location(this: &Reply) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn id(this: &Reply) -> Option<String>;
    /// The checked value (JavaScript face).
    #[wasm_bindgen(method, getter)]
    pub fn value(this: &Reply) -> JsValue;
    /// The body's text (Rust face).
    #[wasm_bindgen(method, getter)]
    pub fn text(this: &Reply) -> Option<String>;
    /// A page's cursor.
    #[wasm_bindgen(method, getter)]
    pub fn next(this: &Reply) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn problem(this: &Reply) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn cause(this: &Reply) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = errorCount)]
    fn error_count(this: &Reply) -> u32;
    #[wasm_bindgen(method, js_name = errorKey)]
    fn error_key(this: &Reply, i: u32) -> String;
    #[wasm_bindgen(method, js_name = errorMessage)]
    fn error_message(this: &Reply, i: u32) -> String;

    #[wasm_bindgen(js_name = sleep)]
    fn sleep_promise(ms: f64, scope: &JsScope) -> Promise;
    #[wasm_bindgen(js_name = now)]
    fn js_now() -> f64;
    #[wasm_bindgen(js_name = wallClock)]
    fn js_wall_clock() -> f64;
    #[wasm_bindgen(js_name = random)]
    fn js_random() -> f64;
    #[wasm_bindgen(js_name = callFetch)]
    fn call_fetch(fetch: &Function, request: &web_sys::Request, scope: &JsScope) -> Promise;
    #[wasm_bindgen(js_name = readResponse)]
    fn read_response(
        response: &JsValue,
        kind: &str,
        listing: Option<String>,
        scope: &JsScope,
    ) -> Promise;
    #[wasm_bindgen(js_name = failedReply)]
    fn failed_reply(error: &JsValue) -> Reply;
    #[wasm_bindgen(js_name = makeForm)]
    fn make_form(
        names: Vec<String>,
        values: Vec<String>,
        blob: &JsValue,
        file_name: &str,
    ) -> web_sys::FormData;
    #[wasm_bindgen(js_name = hasXhr)]
    fn has_xhr() -> bool;
    #[wasm_bindgen(js_name = xhrUpload)]
    fn xhr_upload(
        url: &str,
        token: Option<String>,
        form: &web_sys::FormData,
        on_progress: &JsValue,
        scope: &JsScope,
    ) -> Promise;
    /// Calls a progress callback; a throwing callback is reported asynchronously.
    pub fn progress(callback: &JsValue, sent: f64, total: f64);
    /// The upload's bytes as a Blob (undefined when they are not bytes).
    #[wasm_bindgen(js_name = toBlob)]
    pub fn to_blob(data: &JsValue) -> JsValue;
    /// A Blob's MIME type (empty when unknown).
    #[wasm_bindgen(js_name = blobType)]
    pub fn blob_type(blob: &JsValue) -> String;
    /// A Blob's size in bytes.
    #[wasm_bindgen(js_name = blobSize)]
    pub fn blob_size(blob: &JsValue) -> f64;
    /// Calls `getAccessToken`; resolves with a non-empty string or rejects.
    #[wasm_bindgen(js_name = callTokenSource)]
    pub fn call_token_source(f: &Function) -> Promise;
    /// Name and message of any value, for messages.
    pub fn describe(value: &JsValue) -> String;
}

fn global_field(o: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Fills `buf` from the global `crypto.getRandomValues`; false without Web Crypto.
pub fn fill_random(buf: &mut [u8]) -> bool {
    let crypto = global_field(&js_sys::global(), "crypto");
    let Some(get) = global_field(&crypto, "getRandomValues")
        .dyn_into::<Function>()
        .ok()
    else {
        return false;
    };
    let Ok(len) = u32::try_from(buf.len()) else {
        return false;
    };
    let array = js_sys::Uint8Array::new_with_length(len);
    if get.call1(&crypto, &array).is_err() {
        return false;
    }
    array.copy_to(buf);
    true
}

/// True inside a browser page (a window with a document): not a worker, Node, Deno or workerd.
/// There a secret is anyone's to read.
pub fn in_browser_page() -> bool {
    let global = js_sys::global();
    let window = global_field(&global, "window");
    window.is_object()
        && global_field(&window, "document").is_object()
        && global_field(&global, "navigator").is_object()
}

#[cfg(feature = "edge")]
#[wasm_bindgen(module = "/src/js/edge.js")]
extern "C" {
    /// Calls a limiter's `acquire(signal)`; resolves with a release function or undefined, or
    /// rejects.
    #[wasm_bindgen(js_name = callLimiter)]
    pub fn call_limiter(limiter: &JsValue, signal: &JsValue) -> Promise;
    /// Reads a forwarded request's answer (the response itself for a success).
    #[wasm_bindgen(js_name = readRaw)]
    fn read_raw(response: &JsValue, scope: &JsScope) -> Promise;
}

/// One call's cancellation scope on the web. Dropped before its call ended (the call's future
/// was dropped), it stops the request, so that dropping a future cancels its call.
pub struct WebScope(JsScope, std::cell::Cell<bool>);

impl Drop for WebScope {
    fn drop(&mut self) {
        if self.1.get() {
            self.0.cancel();
        }
    }
}

impl Scope for WebScope {
    type Signal = JsValue;
    fn stopped(&self) -> Option<Stop> {
        match self.0.state().as_str() {
            "aborted" => Some(Stop::Aborted),
            "timeout" => Some(Stop::Timeout),
            _ => None,
        }
    }
    fn caller_timed_out(&self) -> bool {
        // The runtime records a reason only when the caller's signal fired.
        !self.0.reason().is_undefined()
    }
    fn own_signal(&self) -> JsValue {
        self.0.signal().into()
    }
    fn annotate(&self, e: Error) -> Error {
        e.with_cause(self.0.reason())
    }
}

impl Answer for Reply {
    fn outcome(&self) -> Outcome {
        match Reply::outcome(self).as_str() {
            "answer" => Outcome::Answer,
            "notJson" => Outcome::NotJson,
            "invalid" => Outcome::Invalid,
            _ => Outcome::Failed,
        }
    }
    fn status(&self) -> u16 {
        Reply::status(self)
    }
    fn retry_after(&self) -> Option<String> {
        Reply::retry_after(self)
    }
    fn location(&self) -> Option<String> {
        Reply::location(self)
    }
    fn id(&self) -> Option<String> {
        Reply::id(self)
    }
    fn api_errors(&self) -> Vec<ApiErrorItem> {
        (0..self.error_count())
            .map(|i| ApiErrorItem {
                error_key: self.error_key(i),
                error_message: self.error_message(i),
            })
            .collect()
    }
    fn problem(&self) -> Option<String> {
        Reply::problem(self)
    }
    fn text(&self) -> Option<String> {
        Reply::text(self)
    }
    fn annotate(&self, e: Error) -> Error {
        e.with_cause(Reply::cause(self))
    }
}

/// An upload on the web: the bytes as a Blob, its name, and an optional progress callback.
pub struct WebUpload {
    /// The bytes.
    pub blob: JsValue,
    /// The file name the form gives the part.
    pub file_name: String,
    /// `(sent, total)` progress callback, or undefined.
    pub on_progress: JsValue,
}

/// Sends through gloo-net and the global `fetch`, or through a caller's fetch function.
#[derive(Clone, Debug, Default)]
pub struct Fetch {
    custom: Option<Function>,
}

impl Fetch {
    /// Through the global `fetch` (`None`) or a function with fetch's signature.
    pub fn new(custom: Option<Function>) -> Fetch {
        Fetch { custom }
    }

    /// The response, or the error fetch rejected with.
    async fn fetch(
        &self,
        request: gloo_net::http::Request,
        scope: &JsScope,
    ) -> Result<JsValue, JsValue> {
        match &self.custom {
            Some(f) => JsFuture::from(call_fetch(f, &request.into(), scope)).await,
            None => match race(request.send(), JsFuture::from(scope.stopped())).await {
                Either::Left(Ok(response)) => Ok(web_sys::Response::from(response).into()),
                Either::Left(Err(e)) => Err(gloo_error(e)),
                Either::Right(_) => Err(aborted()),
            },
        }
    }

    /// Sends a request and reads its answer once.
    async fn exchange(
        &self,
        request: gloo_net::http::Request,
        kind: &str,
        listing: Option<String>,
        scope: &JsScope,
    ) -> Reply {
        let response = match self.fetch(request, scope).await {
            Ok(r) => r,
            Err(e) => return failed_reply(&e),
        };
        #[cfg(feature = "edge")]
        let read = if kind == "raw" {
            read_raw(&response, scope)
        } else {
            read_response(&response, kind, listing, scope)
        };
        #[cfg(not(feature = "edge"))]
        let read = read_response(&response, kind, listing, scope);
        match JsFuture::from(read).await {
            Ok(reply) => reply.unchecked_into(),
            Err(e) => failed_reply(&e),
        }
    }
}

fn gloo_method(m: Method) -> gloo_net::http::Method {
    match m {
        Method::Get => gloo_net::http::Method::GET,
        Method::Post => gloo_net::http::Method::POST,
        Method::Put => gloo_net::http::Method::PUT,
        Method::Delete => gloo_net::http::Method::DELETE,
    }
}

/// The headers every call sends: `Accept`, and `Authorization` when there is a token. No other
/// custom header (they would make browsers send a CORS preflight the API may refuse).
fn builder(url: &str, method: Method, token: Option<&str>, scope: &JsScope) -> RequestBuilder {
    let b = RequestBuilder::new(url)
        .method(gloo_method(method))
        .abort_signal(Some(&scope.signal()))
        .header("Accept", "application/json");
    match token.filter(|t| !t.is_empty()) {
        Some(t) => b.header("Authorization", &format!("Bearer {t}")),
        None => b,
    }
}

/// gloo-net keeps a JavaScript error's name and message only; rebuild an `Error` of them.
fn gloo_error(e: gloo_net::Error) -> JsValue {
    match e {
        gloo_net::Error::JsError(js) => {
            let err = js_sys::Error::new(&js.message);
            err.set_name(&js.name);
            err.into()
        }
        other => js_sys::Error::new(&other.to_string()).into(),
    }
}

fn aborted() -> JsValue {
    let err = js_sys::Error::new("The call was stopped");
    err.set_name("AbortError");
    err.into()
}

impl Transport for Fetch {
    type Scope = WebScope;
    type Answer = Reply;
    type Signal = JsValue;
    type Upload = WebUpload;

    fn scope(&self, signal: &JsValue, budget_ms: u64) -> WebScope {
        WebScope(
            JsScope::new(signal, budget_ms as f64),
            std::cell::Cell::new(true),
        )
    }

    fn end(&self, scope: WebScope) {
        scope.1.set(false);
        scope.0.dispose();
    }

    async fn send(
        &self,
        call: &HttpCall,
        token: Option<&str>,
        read: ReadAs,
        scope: &WebScope,
    ) -> Reply {
        let b = builder(&call.url, call.method, token, &scope.0);
        let built = match &call.body {
            // A forwarded body: its bytes as they came, its Content-Type if it had one.
            #[cfg(feature = "edge")]
            Some(Body::Raw(content_type, bytes)) if content_type.is_empty() => {
                b.body(bytes.clone())
            }
            #[cfg(feature = "edge")]
            Some(Body::Raw(content_type, bytes)) => {
                b.header("Content-Type", content_type).body(bytes.clone())
            }
            Some(body) => b
                .header("Content-Type", body.content_type())
                .body(JsValue::from_str(body.text())),
            None => b.build(),
        };
        let request = match built {
            Ok(r) => r,
            Err(e) => return failed_reply(&gloo_error(e)),
        };
        let kind = match read {
            ReadAs::Text => "text",
            ReadAs::Checked => call.kind.as_str(),
        };
        let listing = call.listing.as_ref().map(|l| l.path());
        self.exchange(request, kind, listing, &scope.0).await
    }

    async fn send_form(&self, call: &HttpCall, read: ReadAs, scope: &WebScope) -> Reply {
        // Never sent again to where a redirect points: the form holds a client secret or a
        // token. ("manual": a redirect is an answer, HTTP 3xx, or an opaque one with status 0 in
        // a browser; workerd refuses "error".)
        let b = builder(&call.url, call.method, None, &scope.0)
            .redirect(web_sys::RequestRedirect::Manual)
            .header("Content-Type", "application/x-www-form-urlencoded");
        let text = call.body.as_ref().map_or("", |b| b.text());
        let request = match b.body(JsValue::from_str(text)) {
            Ok(r) => r,
            Err(e) => return failed_reply(&gloo_error(e)),
        };
        let kind = match read {
            ReadAs::Text => "text",
            ReadAs::Checked => call.kind.as_str(),
        };
        self.exchange(request, kind, None, &scope.0).await
    }

    async fn upload(
        &self,
        url: &str,
        token: Option<&str>,
        fields: &[(&'static str, String)],
        upload: &WebUpload,
        scope: &WebScope,
    ) -> Reply {
        let (names, values) = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .unzip();
        let form = make_form(names, values, &upload.blob, &upload.file_name);
        if upload.on_progress.is_function() && has_xhr() && self.custom.is_none() {
            // XMLHttpRequest reports real progress (browsers).
            let promise = xhr_upload(
                url,
                token.map(str::to_string),
                &form,
                &upload.on_progress,
                &scope.0,
            );
            return match JsFuture::from(promise).await {
                Ok(reply) => reply.unchecked_into(),
                Err(e) => failed_reply(&e),
            };
        }
        let request = match builder(url, Method::Post, token, &scope.0).body(form) {
            Ok(r) => r,
            Err(e) => return failed_reply(&gloo_error(e)),
        };
        self.exchange(request, "nothing", None, &scope.0).await
    }

    async fn until_stopped(&self, scope: &WebScope) {
        let _ = JsFuture::from(scope.0.stopped()).await;
    }

    async fn sleep(&self, ms: f64, scope: &WebScope) {
        let _ = JsFuture::from(sleep_promise(ms, &scope.0)).await;
    }

    fn now(&self) -> f64 {
        js_now()
    }

    fn wall_clock(&self) -> f64 {
        js_wall_clock()
    }

    fn random(&self) -> f64 {
        js_random()
    }
}
