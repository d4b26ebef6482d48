//! The seam between the policy (the executor: rate limit, retries, time budgets, cancellation,
//! errors) and the network. A transport sends one planned request and reads its answer once; it
//! decides nothing. The executor is written against [`Transport`], so a native transport
//! (reqwest on tokio) can fill the seam beside the web one without touching the policy.
//!
//! - `web` (wasm32): gloo-net over the global `fetch`, or a caller's fetch function (a
//!   service binding); the JavaScript runtime reads each answer in one call.
//! - `native` (feature `native`, other targets): reqwest (rustls) on tokio.

use crate::ops::HttpCall;
use crate::shared::{MaybeSend, MaybeSync};
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
pub mod native;
#[cfg(target_arch = "wasm32")]
pub mod web;

/// Why a call's scope stopped it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The caller cancelled it.
    Aborted,
    /// Its time budget ran out (or the caller's own timeout signal fired).
    Timeout,
}

/// How an answer is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadAs {
    /// Parsed and checked for the JavaScript face, as the operation's [`crate::ops::Kind`].
    #[cfg_attr(not(feature = "js"), allow(dead_code))]
    Checked,
    /// The body's text, for serde (the Rust face).
    Text,
}

/// What became of one request.
pub trait Answer: Clone + MaybeSend + MaybeSync {
    /// How it ended.
    fn outcome(&self) -> Outcome;
    /// The HTTP status (0 without an answer).
    fn status(&self) -> u16;
    /// The `Retry-After` header, as sent.
    fn retry_after(&self) -> Option<String>;
    /// The `Location` header.
    fn location(&self) -> Option<String>;
    /// The `Id` header (the new file's id after an upload).
    fn id(&self) -> Option<String>;
    /// The API's error list of an error answer.
    fn api_errors(&self) -> Vec<crate::error::ApiErrorItem>;
    /// What is wrong with a body that is not JSON, or not of its kind.
    fn problem(&self) -> Option<String>;
    /// The body's text, read as [`ReadAs::Text`].
    fn text(&self) -> Option<String>;
    /// The error with this answer's failure (the runtime's error) as its cause.
    fn annotate(&self, e: crate::error::Error) -> crate::error::Error;
}

/// How a request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An answer with a readable body (any status).
    Answer,
    /// No answer, or the body broke off.
    Failed,
    /// The body is not JSON.
    NotJson,
    /// A 2xx body that is not what the operation answers (the JavaScript face's check).
    #[cfg_attr(not(feature = "js"), allow(dead_code))]
    Invalid,
}

/// A cancellation scope: one call's stop conditions.
pub trait Scope: MaybeSend + MaybeSync {
    /// The transport's cancellation handle.
    type Signal;
    /// Why the call was stopped, once it was.
    fn stopped(&self) -> Option<Stop>;
    /// True when the caller's own signal timed out (rather than the call's budget).
    fn caller_timed_out(&self) -> bool;
    /// A handle that cancels when this scope stops, for the calls made inside it.
    fn own_signal(&self) -> Self::Signal;
    /// The error with the caller's reason for stopping as its cause.
    fn annotate(&self, e: crate::error::Error) -> crate::error::Error;
}

/// Sends requests and reads answers; keeps time. Natively a transport, its types and its
/// futures are `Send` (and `Sync`), so that a client can be shared between threads.
pub trait Transport: MaybeSend + MaybeSync {
    /// One call's cancellation scope.
    type Scope: Scope<Signal = Self::Signal>;
    /// What became of a request.
    type Answer: Answer;
    /// The caller's cancellation handle (an `AbortSignal` on the web).
    type Signal: Clone + MaybeSend + MaybeSync;
    /// An upload's bytes and progress callback, as this transport sends them.
    type Upload: MaybeSync;

    /// A scope for one call: the caller's signal and a time budget (0: none).
    fn scope(&self, signal: &Self::Signal, budget_ms: u64) -> Self::Scope;
    /// Ends a scope (clears its timer, lets go of the caller's signal).
    fn end(&self, scope: Self::Scope);
    /// Sends one request with these credentials and reads its answer, within `scope`.
    fn send(
        &self,
        call: &HttpCall,
        token: Option<&str>,
        read: ReadAs,
        scope: &Self::Scope,
    ) -> impl Future<Output = Self::Answer> + MaybeSend;
    /// Sends a form (`application/x-www-form-urlencoded`, the OAuth2 server's) without
    /// credentials, and never again to where a redirect points, within `scope`.
    fn send_form(
        &self,
        call: &HttpCall,
        read: ReadAs,
        scope: &Self::Scope,
    ) -> impl Future<Output = Self::Answer> + MaybeSend;
    /// Sends an upload (a multipart form of `fields` and the file), within `scope`.
    fn upload(
        &self,
        url: &str,
        token: Option<&str>,
        fields: &[(&'static str, String)],
        upload: &Self::Upload,
        scope: &Self::Scope,
    ) -> impl Future<Output = Self::Answer> + MaybeSend;
    /// Resolves once the scope stops (never, if the call ends first).
    fn until_stopped(&self, scope: &Self::Scope) -> impl Future<Output = ()> + MaybeSend;
    /// Waits `ms`, or less if the scope stops.
    fn sleep(&self, ms: f64, scope: &Self::Scope) -> impl Future<Output = ()> + MaybeSend;
    /// A monotonic clock in milliseconds.
    fn now(&self) -> f64;
    /// The wall clock in milliseconds since 1970.
    fn wall_clock(&self) -> f64;
    /// A random number in 0..1 (backoff jitter).
    fn random(&self) -> f64;
    /// Whether calls can run here at all (natively: inside a Tokio runtime).
    fn ready(&self) -> Result<(), crate::error::Error> {
        Ok(())
    }
}

/// One of two outcomes.
#[cfg_attr(not(any(target_arch = "wasm32", feature = "native")), allow(dead_code))]
pub(crate) enum Either<A, B> {
    /// The first future finished first.
    Left(A),
    /// The second future finished first.
    Right(B),
}

/// Whichever of two futures finishes first (the other is dropped).
#[cfg_attr(not(any(target_arch = "wasm32", feature = "native")), allow(dead_code))]
pub(crate) async fn race<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    poll_fn(|cx| {
        if let Poll::Ready(x) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(x));
        }
        if let Poll::Ready(y) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(y));
        }
        Poll::Pending
    })
    .await
}
