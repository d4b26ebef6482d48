//! The executor: runs planned requests over a [`Transport`] with the rate limiter, retries with
//! backoff, the time budget, cancellation and token refresh, and turns every outcome into an
//! answer or an [`Error`]. Written once, for both faces and any transport.

use crate::config::Settings;
use crate::error::{API, Error, ErrorCode, OAUTH_SERVER};
use crate::models::FileStatus;
#[cfg(feature = "edge")]
use crate::ops::Kind;
use crate::ops::uploads::{DEFAULT_MAX_UPLOAD_BYTES, UploadFile, WaitStep, new_file_id, wait_step};
use crate::ops::{Face, HttpCall, Method, Operation, Target, Wire};
use crate::policy::{RateLimiter, RetryPolicy, retry_after_ms};
use crate::redact::Redactor;
use crate::shared::{BoxFuture, CopyCell, Lock};
use crate::transport::{Answer, Either, Outcome, ReadAs, Scope, Stop, Transport, race};
use std::future::Future;

/// A caller's source of access tokens (`getAccessToken`): called when there is no token yet,
/// and once more when the API answers 401, so that a long walk survives a refreshed token.
#[cfg(target_arch = "wasm32")]
pub(crate) type TokenSource = std::rc::Rc<dyn Fn() -> BoxFuture<'static, Result<String, Error>>>;
/// A caller's source of access tokens: called when there is no token yet, and once more when
/// the API answers 401, so that a long walk survives a refreshed token.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type TokenSource =
    std::sync::Arc<dyn Fn() -> BoxFuture<'static, Result<String, Error>> + Send + Sync>;

/// A caller's limiter (`limiter.acquire(signal)`): awaited before every attempt; it may give a
/// release, called once the attempt's answer has arrived (or the attempt was dropped).
#[cfg(all(feature = "edge", target_arch = "wasm32"))]
pub(crate) type Acquire<S> = std::rc::Rc<dyn Fn(S) -> BoxFuture<'static, Result<Release, Error>>>;
/// A caller's limiter: awaited before every attempt; it may give a release, called once the
/// attempt's answer has arrived (or the attempt was dropped).
#[cfg(all(feature = "edge", not(target_arch = "wasm32")))]
pub(crate) type Acquire<S> =
    std::sync::Arc<dyn Fn(S) -> BoxFuture<'static, Result<Release, Error>> + Send + Sync>;
/// What a limiter's `acquire` gave back, to call when the attempt is over.
#[cfg(all(feature = "edge", target_arch = "wasm32"))]
pub type Release = Option<Box<dyn FnOnce()>>;
/// What a limiter's `acquire` gave back, to call when the attempt is over.
#[cfg(all(feature = "edge", not(target_arch = "wasm32")))]
pub type Release = Option<Box<dyn FnOnce() + Send>>;

/// Calls a release when dropped: after the answer, or when the call's future is dropped.
#[cfg(feature = "edge")]
struct Held(Release);

#[cfg(feature = "edge")]
impl Drop for Held {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

/// Per-call settings: the caller's cancellation handle and time budget.
#[derive(Clone, Debug)]
pub(crate) struct Ctx<S> {
    pub signal: S,
    /// `None`: the client's default for this kind of call.
    pub timeout_ms: Option<u64>,
}

/// The state a client shares between its calls.
pub(crate) struct Core<T: Transport> {
    pub target: Target,
    pub net: T,
    token: Lock<Option<String>>,
    /// Counts token changes, so that calls that met the same 401 refresh the token once.
    generation: CopyCell<u64>,
    /// Every credential this client has held, for redaction.
    secrets: Lock<Vec<String>>,
    timeout_ms: u64,
    retry: RetryPolicy,
    limiter: Lock<RateLimiter>,
    max_upload_configured: Option<u64>,
    max_upload_learned: CopyCell<Option<u64>>,
    token_source: Option<TokenSource>,
    /// Who answers, as messages name it: the API, or the OAuth2 server.
    server: &'static str,
    /// The caller's limiter, shared with other clients (a Durable Object behind it).
    #[cfg(feature = "edge")]
    acquire: Option<Acquire<T::Signal>>,
}

/// Sends one attempt of a call with this token (one compiled retry loop for calls and
/// uploads, rather than one per kind of request).
#[cfg(target_arch = "wasm32")]
type SendOne<'a, A> = dyn Fn(Option<String>) -> BoxFuture<'a, A> + 'a;
/// Sends one attempt of a call with this token.
#[cfg(not(target_arch = "wasm32"))]
type SendOne<'a, A> = dyn Fn(Option<String>) -> BoxFuture<'a, A> + Sync + 'a;

/// A request's place in the rate limiter, given back when the request ends or its future is
/// dropped (a dropped call must not keep its slot forever).
struct Slot<'a> {
    limiter: &'a Lock<RateLimiter>,
    now: f64,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let now = self.now;
        self.limiter.with(|l| l.complete(now));
    }
}

impl<T: Transport> Core<T> {
    pub fn new(s: Settings, net: T, token_source: Option<TokenSource>) -> Core<T> {
        let core = Core {
            secrets: Lock::new(s.target.api_key.iter().cloned().collect()),
            target: s.target,
            net,
            token: Lock::new(None),
            generation: CopyCell::new(0),
            timeout_ms: s.timeout_ms,
            retry: s.retry,
            limiter: Lock::new(RateLimiter::new(s.requests_per_second)),
            max_upload_configured: s.max_upload_bytes,
            max_upload_learned: CopyCell::new(None),
            token_source,
            server: API,
            #[cfg(feature = "edge")]
            acquire: None,
        };
        if let Some(t) = s.access_token {
            core.set_token(t);
        }
        core
    }

    /// A client of the OAuth2 server at `base`: one request per call (no retries: a code is
    /// single use), no rate limit, no token; `secrets` are redacted from its errors.
    pub fn for_oauth(base: String, timeout_ms: Option<u64>, net: T, secrets: &[&str]) -> Core<T> {
        let settings = Settings {
            target: Target {
                base,
                api_key: None,
            },
            access_token: None,
            timeout_ms: timeout_ms.unwrap_or(crate::config::DEFAULT_TIMEOUT_MS),
            retry: RetryPolicy {
                retries: 0,
                ..RetryPolicy::default()
            },
            requests_per_second: 0,
            max_upload_bytes: None,
        };
        let mut core = Core::new(settings, net, None);
        core.server = OAUTH_SERVER;
        core.secrets = Lock::new(
            secrets
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| s.to_string())
                .collect(),
        );
        core
    }

    /// Awaits the caller's limiter before every attempt (besides the built-in one, if it is on).
    #[cfg(feature = "edge")]
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub fn with_limiter(mut self, acquire: Option<Acquire<T::Signal>>) -> Self {
        self.acquire = acquire;
        self
    }

    /// Replaces the access token; the old one stays redacted.
    pub fn set_token(&self, token: String) {
        if !token.is_empty() {
            self.secrets.with(|s| {
                if !s.contains(&token) {
                    s.push(token.clone());
                }
            });
        }
        self.token.with(|t| *t = Some(token));
        self.generation.set(self.generation.get() + 1);
    }

    /// What removes this client's credentials from text.
    pub fn redactor(&self) -> Redactor {
        self.secrets
            .with(|s| Redactor::new(s.iter().map(String::as_str)))
    }

    /// The largest upload and where that limit comes from: as configured, else the
    /// account's (once `getInfo` reported it), else the documented 5 MiB.
    pub fn max_upload(&self) -> (u64, &'static str) {
        match (self.max_upload_configured, self.max_upload_learned.get()) {
            (Some(n), _) => (n, "the client's maxUploadBytes"),
            (None, Some(n)) => (n, "the account's max_upload_size_limit"),
            (None, None) => (DEFAULT_MAX_UPLOAD_BYTES, "the API's default"),
        }
    }

    /// Whether the upload limit is the client's or the account's (not the default yet).
    #[cfg(feature = "fit")]
    pub fn knows_max_upload(&self) -> bool {
        self.max_upload_configured.is_some() || self.max_upload_learned.get().is_some()
    }

    /// Records the account's upload limit from an info answer.
    pub fn learn_max_upload(&self, bytes: u64) {
        self.max_upload_learned.set(Some(bytes));
    }

    /// Names the operation, records the request and removes the credentials: the error as it
    /// leaves the client.
    pub fn finish(&self, e: Error, operation: &str, subject: Option<&str>) -> Error {
        self.redactor().error(e.in_operation(operation, subject))
    }

    /// Runs one call with the rate limiter, retries (GET, PUT and DELETE only), token refresh
    /// and the time budget.
    pub async fn call(
        &self,
        call: &HttpCall,
        read: ReadAs,
        ctx: &Ctx<T::Signal>,
    ) -> Result<T::Answer, Error> {
        let budget = ctx.timeout_ms.unwrap_or(self.timeout_ms);
        let scope = self.net.scope(&ctx.signal, budget);
        // A forwarded request's last answer, which is the call's answer whatever its status.
        #[cfg(feature = "edge")]
        let last: Lock<Option<T::Answer>> = Lock::new(None);
        let out = self
            .attempts(call.method, &scope, budget, &|token| {
                let scope = &scope;
                #[cfg(feature = "edge")]
                let last = &last;
                Box::pin(async move {
                    let answer = self.net.send(call, token.as_deref(), read, scope).await;
                    #[cfg(feature = "edge")]
                    if call.kind == Kind::Raw {
                        last.with(|l| *l = Some(answer.clone()));
                    }
                    answer
                })
            })
            .await;
        self.net.end(scope);
        match out {
            // An error answer to a forwarded request (after the retries): the proxy passes it on.
            #[cfg(feature = "edge")]
            Err((e, _))
                if e.status() != 0
                    && matches!(e.code(), ErrorCode::Http | ErrorCode::RateLimited)
                    && call.kind == Kind::Raw =>
            {
                last.into_inner().ok_or(e)
            }
            out => out.map_err(|(e, sent)| if sent { e.with_request(call.info()) } else { e }),
        }
    }

    /// Runs one form request to the OAuth2 server (no retries, no token; see
    /// [`Transport::send_form`]).
    pub async fn call_form(
        &self,
        call: &HttpCall,
        read: ReadAs,
        ctx: &Ctx<T::Signal>,
    ) -> Result<T::Answer, Error> {
        let budget = ctx.timeout_ms.unwrap_or(self.timeout_ms);
        let scope = self.net.scope(&ctx.signal, budget);
        let out = self
            .attempts(call.method, &scope, budget, &|_| {
                let scope = &scope;
                Box::pin(async move { self.net.send_form(call, read, scope).await })
            })
            .await;
        self.net.end(scope);
        out.map_err(|(e, sent)| if sent { e.with_request(call.info()) } else { e })
    }

    /// Sends an upload: never repeated after a failure (a repeat could store the file twice),
    /// only after a 401 that a token source answers with a new token (nothing was stored).
    /// Uploads have no time budget unless the caller gives one.
    pub async fn upload(
        &self,
        call: &HttpCall,
        fields: &[(&'static str, String)],
        upload: &T::Upload,
        ctx: &Ctx<T::Signal>,
    ) -> Result<T::Answer, Error> {
        let budget = ctx.timeout_ms.unwrap_or(0);
        let scope = self.net.scope(&ctx.signal, budget);
        let out = self
            .attempts(Method::Post, &scope, budget, &|token| {
                let scope = &scope;
                Box::pin(async move {
                    self.net
                        .upload(&call.url, token.as_deref(), fields, upload, scope)
                        .await
                })
            })
            .await;
        self.net.end(scope);
        out.map_err(|(e, sent)| if sent { e.with_request(call.info()) } else { e })
    }

    /// Completes and checks an upload, sends it once, and reads the new file's id.
    pub async fn upload_file(
        &self,
        mut op: UploadFile,
        (mime, size): (Option<&str>, u64),
        upload: &T::Upload,
        face: Face,
        ctx: &Ctx<T::Signal>,
    ) -> Result<String, Error> {
        op.complete(mime, size, self.max_upload())
            .map_err(|(field, what)| Error::bad_argument(&op.blame(face, field), what))?;
        let plan = op.plan(&self.target, face)?;
        let call = plan
            .calls
            .first()
            .ok_or_else(|| Error::decode(0, "no upload request"))?;
        let mut fields = Vec::new();
        op.form(&mut fields);
        let reply = self.upload(call, &fields, upload, ctx).await?;
        new_file_id(reply.id().as_deref(), reply.location().as_deref()).ok_or_else(|| {
            Error::decode(
                reply.status(),
                "the upload answer has neither an Id nor a Location header",
            )
        })
    }

    /// Sends until an answer, a refusal or the end of the retries; an error says whether a
    /// request was sent (an error with nothing sent has no request to show).
    async fn attempts(
        &self,
        method: Method,
        scope: &T::Scope,
        budget: u64,
        send: &SendOne<'_, T::Answer>,
    ) -> Result<T::Answer, (Error, bool)> {
        self.net.ready().map_err(|e| (e, false))?;
        let mut attempt = 0;
        let mut refreshed = false;
        let mut sent = false;
        let started = self.net.now();
        loop {
            if self.token.with(|t| t.is_none()) && self.token_source.is_some() {
                self.refresh(None, scope, budget)
                    .await
                    .map_err(|e| (e, sent))?;
            }
            let mut slot = self
                .wait_for_slot(scope, budget)
                .await
                .map_err(|e| (e, sent))?;
            #[cfg(feature = "edge")]
            let held = match &self.acquire {
                None => Held(None),
                Some(acquire) => {
                    match race(acquire(scope.own_signal()), self.net.until_stopped(scope)).await {
                        Either::Left(Ok(release)) => Held(release),
                        // A refusal because the call stopped (the limiter heard its signal) is the stop.
                        Either::Left(Err(e)) => {
                            let e = match scope.stopped() {
                                Some(stop) => self.stop_error(stop, scope, budget),
                                None => e,
                            };
                            return Err((e, sent));
                        }
                        Either::Right(()) => {
                            let stop = scope.stopped().unwrap_or(Stop::Aborted);
                            return Err((self.stop_error(stop, scope, budget), sent));
                        }
                    }
                }
            };
            let token = self.token.get();
            let generation = self.generation.get();
            let answer = send(token).await;
            sent = true;
            slot.now = self.net.now();
            drop(slot);
            // The caller's limiter hears of the answer at once, not after a retry's wait.
            #[cfg(feature = "edge")]
            drop(held);
            match self.classify(answer, scope, budget) {
                Ok(a) => return Ok(a),
                Err(e) if e.is_unauthorized() && !refreshed && self.token_source.is_some() => {
                    refreshed = true;
                    if let Err(why) = self.refresh(Some(generation), scope, budget).await {
                        return Err((
                            if why.code() == ErrorCode::Token {
                                e.caused_by(why)
                            } else {
                                why
                            },
                            sent,
                        ));
                    }
                }
                Err(e) if self.retry.should_retry(method, attempt, &e) => {
                    let wait = self.retry.backoff_ms(attempt, &e, self.net.random());
                    // A wait that would outlast the budget: this error, not a TIMEOUT later.
                    if budget > 0 && self.net.now() - started + wait as f64 >= budget as f64 {
                        return Err((e, sent));
                    }
                    self.net.sleep(wait as f64, scope).await;
                    if let Some(stop) = scope.stopped() {
                        return Err((self.stop_error(stop, scope, budget), sent));
                    }
                    attempt += 1;
                }
                Err(e) => return Err((e, sent)),
            }
        }
    }

    /// Asks the token source for a token, unless the token changed since the call sent the
    /// one of `seen` (another call refreshed it already). Calls that ask while the source is at
    /// work share that call of it: the JavaScript face's source shares its pending promise
    /// (`callTokenSource`), the Rust face's its pending future (`ClientBuilder::token_source`).
    async fn refresh(&self, seen: Option<u64>, scope: &T::Scope, budget: u64) -> Result<(), Error> {
        if seen.is_some_and(|g| g != self.generation.get()) {
            return Ok(());
        }
        let Some(source) = self.token_source.clone() else {
            return Ok(());
        };
        // The call's budget and the caller's signal hold while the source works.
        let token = match race(source(), self.net.until_stopped(scope)).await {
            Either::Left(token) => token?,
            Either::Right(()) => {
                let stop = scope.stopped().unwrap_or(Stop::Aborted);
                return Err(self.stop_error(stop, scope, budget));
            }
        };
        // Another call may have set it meanwhile, from the same shared call of the source.
        if self.token.with(|t| t.as_deref() == Some(token.as_str())) {
            return Ok(());
        }
        crate::config::check_token(&token).map_err(|what| {
            Error::new(
                ErrorCode::Token,
                format!("getAccessToken resolved with a token that {what}"),
            )
        })?;
        self.set_token(token);
        Ok(())
    }

    fn stop_error(&self, stop: Stop, scope: &T::Scope, budget: u64) -> Error {
        let e = match stop {
            Stop::Aborted => Error::new(ErrorCode::Aborted, "The call was aborted"),
            Stop::Timeout if scope.caller_timed_out() => Error::new(
                ErrorCode::Timeout,
                "The call timed out (the caller's signal)",
            ),
            Stop::Timeout => Error::new(
                ErrorCode::Timeout,
                format!("The call timed out after {budget} ms"),
            ),
        };
        scope.annotate(e)
    }

    async fn wait_for_slot(&self, scope: &T::Scope, budget: u64) -> Result<Slot<'_>, Error> {
        loop {
            if let Some(stop) = scope.stopped() {
                return Err(self.stop_error(stop, scope, budget));
            }
            let now = self.net.now();
            let wait = self.limiter.with(|l| l.reserve(now));
            if wait <= 0.0 {
                return Ok(Slot {
                    limiter: &self.limiter,
                    now,
                });
            }
            self.net.sleep(wait, scope).await;
        }
    }

    /// Turns an answer into itself (2xx) or an error.
    fn classify(&self, a: T::Answer, scope: &T::Scope, budget: u64) -> Result<T::Answer, Error> {
        let status = a.status();
        let ok = (200..300).contains(&status);
        match a.outcome() {
            Outcome::Failed => Err(match scope.stopped() {
                Some(stop) => self.stop_error(stop, scope, budget),
                None if status == 0 => a.annotate(Error::new(
                    ErrorCode::Network,
                    format!(
                        "No answer from {} (the connection failed or broke off)",
                        self.server
                    ),
                )),
                // The headers came, the body broke off: the status is known.
                None => a.annotate(
                    Error::new(
                        ErrorCode::Network,
                        format!(
                            "The answer of {} (HTTP {}) broke off before its end",
                            self.server,
                            u64::from(status)
                        ),
                    )
                    .with_status(status),
                ),
            }),
            Outcome::NotJson if ok => Err(a.annotate(Error::unexpected(
                self.server,
                status,
                format_args!(
                    "the body is not JSON (HTTP {}): \"{}\"",
                    u64::from(status),
                    a.problem().unwrap_or_default()
                ),
            ))),
            Outcome::NotJson => Err(a.annotate(Error::from_response(
                status,
                Vec::new(),
                self.retry_after(&a),
            ))),
            Outcome::Invalid => Err(Error::unexpected(
                self.server,
                status,
                a.problem().unwrap_or_default(),
            )),
            Outcome::Answer if ok => Ok(a),
            Outcome::Answer => Err(Error::from_response(
                status,
                a.api_errors(),
                self.retry_after(&a),
            )),
        }
    }

    fn retry_after(&self, a: &T::Answer) -> Option<u64> {
        retry_after_ms(&a.retry_after()?, self.net.wall_clock())
    }

    /// Polls an upload's status until it is `Active`: `poll` reads the status (`None`: the
    /// server does not know the id), `on_status` hears each one. `Timeout` after `timeout_ms`,
    /// `UploadFailed` when the upload ends any other way.
    pub async fn wait_active<X, P, F>(
        &self,
        id: &str,
        interval_ms: u64,
        timeout_ms: u64,
        signal: &T::Signal,
        mut poll: P,
        on_status: impl Fn(&X),
    ) -> Result<X, Error>
    where
        P: FnMut(Ctx<T::Signal>) -> F,
        F: Future<Output = Result<Option<(FileStatus, X)>, Error>>,
    {
        let scope = self.net.scope(signal, timeout_ms);
        let out = async {
            loop {
                let ctx = Ctx {
                    signal: scope.own_signal(),
                    timeout_ms: None,
                };
                let seen = match poll(ctx).await {
                    Ok(seen) => seen,
                    Err(e) => return Err(self.wait_stopped(&scope, timeout_ms).unwrap_or(e)),
                };
                let status = seen.as_ref().map(|(s, _)| s.clone());
                if let Some((_, x)) = &seen {
                    on_status(x);
                }
                match wait_step(status.as_ref()) {
                    WaitStep::Done => {
                        return seen
                            .map(|(_, x)| x)
                            .ok_or_else(|| Error::decode(200, "no status"));
                    }
                    WaitStep::Failed(why) => {
                        return Err(Error::new(
                            ErrorCode::UploadFailed,
                            format!("upload {} failed: {why}", crate::error::quoted(id)),
                        ));
                    }
                    WaitStep::Again => {
                        self.net.sleep(interval_ms as f64, &scope).await;
                        if let Some(e) = self.wait_stopped(&scope, timeout_ms) {
                            return Err(e);
                        }
                    }
                }
            }
        }
        .await;
        self.net.end(scope);
        out
    }

    fn wait_stopped(&self, scope: &T::Scope, timeout_ms: u64) -> Option<Error> {
        Some(match scope.stopped()? {
            Stop::Aborted => scope.annotate(Error::new(
                ErrorCode::Aborted,
                "Waiting for the upload was aborted",
            )),
            Stop::Timeout => scope.annotate(Error::new(
                ErrorCode::Timeout,
                format!("The upload did not become Active within {timeout_ms} ms"),
            )),
        })
    }
}
