//! The only code that touches `fetch`: sending a request through the global `fetch` (or the
//! caller's own), reading the answer, and the cancellation scope and timers it needs. Every JavaScript helper it calls resolves or returns a value; none throws.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/js/runtime.js")]
extern "C" {
    /// One call's cancellation: the caller's signal and the time budget drive an internal
    /// AbortController.
    pub type AbortScope;
    #[wasm_bindgen(constructor)]
    pub fn new(signal: &JsValue, timeout_ms: f64) -> AbortScope;
    /// 0 running, 1 the caller aborted, 2 the time budget ran out.
    #[wasm_bindgen(method, getter)]
    pub fn why(this: &AbortScope) -> u32;
    /// The internal controller's signal.
    #[wasm_bindgen(method, getter)]
    pub fn signal(this: &AbortScope) -> web_sys::AbortSignal;
    #[wasm_bindgen(method)]
    pub fn dispose(this: &AbortScope);

    #[wasm_bindgen(js_name = sleep)]
    fn sleep_promise(ms: f64, scope: &AbortScope) -> Promise;
    /// A monotonic clock in milliseconds.
    pub fn now() -> f64;
    /// `Math.random()`.
    pub fn random() -> f64;

    #[wasm_bindgen(js_name = callFetch)]
    fn call_fetch(
        fetch: &JsValue,
        url: &str,
        method: &str,
        headers: &Array,
        body: &JsValue,
        scope: &AbortScope,
    ) -> Promise;
    #[wasm_bindgen(js_name = readResponse)]
    fn read_response(response: &JsValue, scope: &AbortScope) -> Promise;
    #[wasm_bindgen(js_name = retryAfterMs)]
    fn retry_after_ms(value: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = flattenErrors)]
    fn flatten_errors(value: &JsValue) -> Array;

    #[wasm_bindgen(js_name = toBlob)]
    pub fn to_blob(data: &JsValue, mime: &str) -> JsValue;
    #[wasm_bindgen(js_name = blobType)]
    pub fn blob_type(data: &JsValue) -> String;
    #[wasm_bindgen(js_name = blobSize)]
    pub fn blob_size(blob: &JsValue) -> f64;
    #[wasm_bindgen(js_name = makeForm)]
    fn make_form(fields: &Array, blob: &JsValue, file_name: &str) -> JsValue;
    #[wasm_bindgen(js_name = hasXhr)]
    fn has_xhr() -> bool;
    #[wasm_bindgen(js_name = xhrUpload)]
    fn xhr_upload(
        url: &str,
        headers: &Array,
        form: &JsValue,
        on_progress: &JsValue,
        scope: &AbortScope,
    ) -> Promise;
    /// Calls a progress callback; a throwing callback is reported asynchronously.
    pub fn progress(callback: &JsValue, sent: f64, total: f64);

    /// `{ ok: value }` or `{ error: "path: expected ..." }`.
    pub fn validate(kind: &str, value: &JsValue) -> JsValue;
    /// Name and message of any thrown value.
    pub fn describe(value: &JsValue) -> String;
    #[wasm_bindgen(js_name = makeError)]
    pub fn make_error(
        code: &str,
        message: &str,
        status: u16,
        flat_errors: &Array,
        retry_after_ms: JsValue,
        cause: &JsValue,
        secrets: &Array,
    ) -> JsValue;
    /// An async iterable over every item of a pager's pages.
    pub fn paginate(pager: JsValue) -> JsValue;
}

/// Waits `ms`, or less if the scope stops.
pub async fn sleep(ms: f64, scope: &AbortScope) {
    let _ = JsFuture::from(sleep_promise(ms, scope)).await;
}

/// How a request's answer was read.
pub enum Read {
    /// Status, parsed JSON body (undefined when empty) and the headers the client uses.
    Answer {
        status: u16,
        value: JsValue,
        location: Option<String>,
        id: Option<String>,
        retry_after_ms: Option<u64>,
    },
    /// No answer, or the body broke off: the fetch rejection or the read error.
    Failed(JsValue),
    /// A body that is not JSON.
    NotJson {
        status: u16,
        error: JsValue,
        snippet: String,
    },
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn read_of(v: &JsValue) -> Read {
    let status = get(v, "status").as_f64().unwrap_or(0.0) as u16;
    match get(v, "kind").as_f64().unwrap_or(1.0) as u32 {
        0 => Read::Answer {
            status,
            value: get(v, "value"),
            location: get(v, "location").as_string(),
            id: get(v, "id").as_string(),
            retry_after_ms: retry_after_ms(&get(v, "retryAfter"))
                .as_f64()
                .map(|ms| ms as u64),
        },
        2 => Read::NotJson {
            status,
            error: get(v, "error"),
            snippet: get(v, "snippet").as_string().unwrap_or_default(),
        },
        _ => Read::Failed(get(v, "error")),
    }
}

/// The API's error list of a body, as `[key, message, ...]`.
pub fn errors_of(value: &JsValue) -> Vec<(String, String)> {
    let flat = flatten_errors(value);
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < flat.length() {
        out.push((
            flat.get(i).as_string().unwrap_or_default(),
            flat.get(i + 1).as_string().unwrap_or_default(),
        ));
        i += 2;
    }
    out
}

/// The headers every call sends: `Accept`, and `Authorization` when there is a token. No other
/// custom header (they would make browsers send a CORS preflight the API may refuse).
fn base_headers(token: Option<&str>) -> Vec<(&'static str, String)> {
    let mut h = vec![("Accept", "application/json".to_string())];
    if let Some(t) = token.filter(|t| !t.is_empty()) {
        h.push(("Authorization", format!("Bearer {t}")));
    }
    h
}

fn flat_headers(token: Option<&str>, content_type: Option<&str>) -> Array {
    let flat = Array::new();
    for (k, v) in base_headers(token) {
        flat.push(&JsValue::from_str(k));
        flat.push(&JsValue::from_str(&v));
    }
    if let Some(ct) = content_type {
        flat.push(&JsValue::from_str("Content-Type"));
        flat.push(&JsValue::from_str(ct));
    }
    flat
}

async fn fetch_and_read(
    fetch: &JsValue,
    url: &str,
    method: &str,
    headers: &Array,
    body: &JsValue,
    scope: &AbortScope,
) -> Read {
    match JsFuture::from(call_fetch(fetch, url, method, headers, body, scope)).await {
        Ok(response) => read_of(
            &JsFuture::from(read_response(&response, scope))
                .await
                .unwrap_or(JsValue::UNDEFINED),
        ),
        Err(e) => Read::Failed(e),
    }
}

/// Sends one request and reads its answer.
pub async fn send(
    fetch: &JsValue,
    method: &str,
    url: &str,
    token: Option<&str>,
    json_body: Option<&str>,
    scope: &AbortScope,
) -> Read {
    let headers = flat_headers(token, json_body.map(|_| "application/json"));
    let body = json_body.map_or(JsValue::UNDEFINED, JsValue::from_str);
    fetch_and_read(fetch, url, method, &headers, &body, scope).await
}

/// Sends an upload (multipart form). With `on_progress` and XMLHttpRequest available (browsers)
/// the upload reports real progress; elsewhere it goes through fetch.
#[allow(clippy::too_many_arguments)]
pub async fn send_upload(
    fetch: &JsValue,
    url: &str,
    token: Option<&str>,
    fields: &[(&str, &str)],
    blob: &JsValue,
    file_name: &str,
    on_progress: &JsValue,
    scope: &AbortScope,
) -> Read {
    let flat = Array::new();
    for (k, v) in fields {
        flat.push(&JsValue::from_str(k));
        flat.push(&JsValue::from_str(v));
    }
    let form = make_form(&flat, blob, file_name);
    let headers = flat_headers(token, None);
    if on_progress.is_function() && has_xhr() {
        let v = JsFuture::from(xhr_upload(url, &headers, &form, on_progress, scope))
            .await
            .unwrap_or(JsValue::UNDEFINED);
        return read_of(&v);
    }
    fetch_and_read(fetch, url, "POST", &headers, &form, scope).await
}
