//! Runs planned calls: the rate limiter, the attempts, retries with backoff, cancellation, and
//! turning every outcome into a value or an [`Error`].

use crate::api::{Call, Target};
use crate::client::Settings;
use crate::error::{ApiErrorItem, Error, ErrorCode, Redactor};
use crate::policy::{RateLimiter, RetryPolicy};
use crate::transport::{self, AbortScope, Read};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::JsValue;

/// The state a client shares between its calls.
pub(crate) struct Inner {
    pub target: Target,
    pub token: RefCell<Option<String>>,
    /// Every credential this client has held, for redaction.
    pub secrets: RefCell<Vec<String>>,
    pub timeout_ms: u64,
    pub retry: RetryPolicy,
    pub limiter: RefCell<RateLimiter>,
    /// A caller's fetch function, or undefined for the global one.
    pub fetch: JsValue,
    /// `maxUploadBytes` as configured.
    pub max_upload_configured: Option<u64>,
    /// The account's `max_upload_size_limit`, once `getInfo` has reported it.
    pub max_upload_learned: Cell<Option<u64>>,
}

/// Per-call settings: the caller's signal and time budget.
#[derive(Clone, Debug)]
pub(crate) struct CallCtx {
    pub signal: JsValue,
    /// `None`: the client's default for this kind of call.
    pub timeout_ms: Option<u64>,
}

impl Default for CallCtx {
    fn default() -> Self {
        CallCtx {
            signal: JsValue::UNDEFINED,
            timeout_ms: None,
        }
    }
}

/// A successful answer.
pub(crate) struct Reply {
    pub value: JsValue,
    pub location: Option<String>,
    pub id: Option<String>,
}

impl Inner {
    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_configured
            .or(self.max_upload_learned.get())
            .unwrap_or(crate::api::uploads::DEFAULT_MAX_UPLOAD_BYTES)
    }

    pub fn set_token(&self, token: Option<String>) {
        if let Some(t) = token.as_ref().filter(|t| !t.is_empty()) {
            let mut s = self.secrets.borrow_mut();
            if !s.contains(t) {
                s.push(t.clone());
            }
        }
        *self.token.borrow_mut() = token;
    }

    /// The state of a client with these settings; `fetch` is a caller's fetch function or
    /// undefined.
    pub fn new(s: Settings, fetch: JsValue) -> Inner {
        let inner = Inner {
            secrets: RefCell::new(s.target.api_key.iter().cloned().collect()),
            target: s.target,
            token: RefCell::new(None),
            timeout_ms: s.timeout_ms,
            retry: s.retry,
            limiter: RefCell::new(RateLimiter::new(s.requests_per_second)),
            fetch,
            max_upload_configured: s.max_upload_bytes,
            max_upload_learned: Cell::new(None),
        };
        inner.set_token(s.access_token);
        inner
    }

    /// The JavaScript error for an [`Error`]: a `MyLibraryError`, this client's secrets removed.
    pub fn to_js(&self, err: Error) -> JsValue {
        error_to_js(err, &self.secrets.borrow())
    }

    fn stopped(&self, scope: &AbortScope, budget_ms: u64) -> Option<Error> {
        match scope.why() {
            0 => None,
            1 => Some(Error::new(ErrorCode::Aborted, "The call was aborted")),
            _ => Some(Error::new(
                ErrorCode::Timeout,
                format!("The call timed out after {budget_ms} ms"),
            )),
        }
    }

    async fn wait_for_slot(&self, scope: &AbortScope, budget_ms: u64) -> Result<(), Error> {
        loop {
            if let Some(e) = self.stopped(scope, budget_ms) {
                return Err(e);
            }
            let wait = self.limiter.borrow_mut().reserve(transport::now());
            if wait <= 0.0 {
                return Ok(());
            }
            transport::sleep(wait, scope).await;
        }
    }

    /// Turns a read answer into a reply or an error.
    fn classify(&self, read: Read, scope: &AbortScope, budget_ms: u64) -> Result<Reply, Error> {
        match read {
            Read::Failed(cause) => Err(self
                .stopped(scope, budget_ms)
                .unwrap_or_else(|| {
                    let what = transport::describe(&cause);
                    Error::new(
                        ErrorCode::Network,
                        format!("No answer from the MyLibrary API: {what}"),
                    )
                })
                .with_cause(cause)),
            Read::NotJson {
                status,
                error,
                snippet,
            } => {
                if (200..300).contains(&status) {
                    Err(Error::decode(format!(
                        "the body is not JSON (HTTP {status}): \"{snippet}\""
                    ))
                    .with_cause(error))
                } else {
                    Err(Error::from_response(status, Vec::new(), None).with_cause(error))
                }
            }
            Read::Answer {
                status,
                value,
                location,
                id,
                retry_after_ms,
            } => {
                if (200..300).contains(&status) {
                    Ok(Reply {
                        value,
                        location,
                        id,
                    })
                } else {
                    let errors = transport::errors_of(&value)
                        .into_iter()
                        .map(|(error_key, error_message)| ApiErrorItem {
                            error_key,
                            error_message,
                        })
                        .collect();
                    Err(Error::from_response(status, errors, retry_after_ms))
                }
            }
        }
    }

    /// Runs a call with the rate limiter, retries (GET, PUT, DELETE only) and the time budget.
    ///
    /// Boxed: every operation awaits this one future type, so its state machine is compiled
    /// once instead of being inlined into every operation that awaits it.
    pub fn run<'a>(
        &'a self,
        call: &'a Call,
        ctx: &'a CallCtx,
    ) -> Pin<Box<dyn Future<Output = Result<Reply, Error>> + 'a>> {
        Box::pin(async move {
            let budget = ctx.timeout_ms.unwrap_or(self.timeout_ms);
            let scope = AbortScope::new(&ctx.signal, budget as f64);
            let out = self.attempts(call, &scope, budget).await;
            scope.dispose();
            out
        })
    }

    async fn attempts(&self, call: &Call, scope: &AbortScope, budget: u64) -> Result<Reply, Error> {
        let mut attempt = 0;
        loop {
            self.wait_for_slot(scope, budget).await?;
            let token = self.token.borrow().clone();
            let read = transport::send(
                &self.fetch,
                call.method,
                &call.url,
                token.as_deref(),
                call.json_body.as_deref(),
                scope,
            )
            .await;
            self.limiter.borrow_mut().complete(transport::now());
            match self.classify(read, scope, budget) {
                Ok(r) => return Ok(r),
                Err(e) if self.retry.should_retry(call.method, attempt, &e) => {
                    let wait = self.retry.backoff_ms(attempt, &e, transport::random());
                    transport::sleep(wait as f64, scope).await;
                    if let Some(stop) = self.stopped(scope, budget) {
                        return Err(stop);
                    }
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Sends an upload once (never retried: a repeat could store the file twice).
    #[allow(clippy::too_many_arguments)]
    pub async fn run_upload(
        &self,
        url: &str,
        fields: &[(&str, &str)],
        blob: &JsValue,
        file_name: &str,
        on_progress: &JsValue,
        ctx: &CallCtx,
    ) -> Result<Reply, Error> {
        let budget = ctx.timeout_ms.unwrap_or(0);
        let scope = AbortScope::new(&ctx.signal, budget as f64);
        let out = async {
            self.wait_for_slot(&scope, budget).await?;
            let token = self.token.borrow().clone();
            let read = transport::send_upload(
                &self.fetch,
                url,
                token.as_deref(),
                fields,
                blob,
                file_name,
                on_progress,
                &scope,
            )
            .await;
            self.limiter.borrow_mut().complete(transport::now());
            self.classify(read, &scope, budget)
        }
        .await;
        scope.dispose();
        out
    }

    /// Checks a parsed body against a kind's rules; the normalised value, or `DECODE`.
    pub fn check(&self, kind: &str, value: &JsValue) -> Result<JsValue, Error> {
        let result = transport::validate(kind, value);
        let ok =
            js_sys::Reflect::get(&result, &JsValue::from_str("ok")).unwrap_or(JsValue::UNDEFINED);
        if !ok.is_undefined() {
            return Ok(ok);
        }
        let msg = js_sys::Reflect::get(&result, &JsValue::from_str("error"))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| "invalid".into());
        Err(Error::decode(msg))
    }
}

/// The JavaScript error for an [`Error`]: a `MyLibraryError`, with `secrets` removed from its
/// message, its API errors and its cause.
pub(crate) fn error_to_js(err: Error, secrets: &[String]) -> JsValue {
    let err = err.redacted(&Redactor::new(secrets.iter().map(String::as_str)));
    let flat = js_sys::Array::new();
    for e in err.errors() {
        flat.push(&JsValue::from_str(&e.error_key));
        flat.push(&JsValue::from_str(&e.error_message));
    }
    let js_secrets = js_sys::Array::new();
    for s in secrets {
        js_secrets.push(&JsValue::from_str(s));
    }
    let retry = err
        .retry_after_ms()
        .map_or(JsValue::UNDEFINED, |ms| JsValue::from_f64(ms as f64));
    let cause = err.cause().cloned().unwrap_or(JsValue::UNDEFINED);
    transport::make_error(
        err.code().as_str(),
        err.message(),
        err.status(),
        &flat,
        retry,
        &cause,
        &js_secrets,
    )
}
