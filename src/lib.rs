//! # ctct-mylibrary
//!
//! A client for the Constant Contact **v2 MyLibrary API**: usage summary, a three-level folder
//! tree, image and document files with thumbnails, upload with virus-scan status, move, trash.
//!
//! The v2 API is retired; this client was verified against the reconstructed contract and the
//! emulator in this repository (`emulator/`).
//!
//! The crate has two faces over one core:
//! - the Rust API (`Client`, in the octocrab style: `client.files().list().limit(9).send()`),
//!   on `wasm32` over the global `fetch` (gloo-net) or a fetch function you pass, and on native
//!   targets with the feature `native` over reqwest (rustls) on tokio;
//! - the JavaScript API (the npm package `ctct-mylibrary`), in `js`, behind the `js` feature.
//!
//! How the pieces depend on each other (with one exception: each operation's declaration in
//! [`ops`] also generates its methods on both faces, so that an operation is written in one
//! place; that generated code names the faces' types, the rest of `ops` does not):
//! - [`ops`] declares every operation once (parameters, checks, path, answer) on top of
//!   [`url`], [`cursor`], [`models`] and `error`;
//! - [`policy`] decides retries, backoff, `Retry-After` and the rate limit, from time alone;
//! - `transport` (internal) is the seam to the network (the web transport on wasm32, reqwest natively);
//! - [`shared`] names what a client's calls share on each target (`Rc` on wasm32, `Arc` and
//!   `Send` futures natively);
//! - `exec` runs plans over a transport with the policy, [`config`] and [`redact`];
//! - the faces (`client`, `js`) turn calls into plans and answers into values;
//! - [`oauth`] signs users in (the v2 OAuth2 flows), for both faces.

#![deny(missing_docs)]

pub mod config;
pub mod cursor;
mod error;
pub mod models;
pub mod oauth;
pub mod ops;
pub mod policy;
pub mod redact;
pub mod shared;
pub(crate) mod transport;
pub mod url;

#[cfg(any(target_arch = "wasm32", feature = "native"))]
pub mod client;
#[cfg(any(target_arch = "wasm32", feature = "native"))]
mod exec;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
#[doc(hidden)]
pub mod js;

#[cfg(any(target_arch = "wasm32", feature = "native"))]
pub use client::{Client, ClientBuilder, Page};
pub use cursor::Cursor;
#[cfg(not(target_arch = "wasm32"))]
pub use error::Cause;
pub use error::{ApiErrorItem, Error, ErrorCode, RequestInfo};
/// A native call's cancellation handle (`Call::signal`), re-exported from `tokio-util`.
#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
pub use tokio_util::sync::CancellationToken;

/// The npm build's allocator (feature `small-alloc`); wasm32 without threads is single-threaded.
#[cfg(all(target_arch = "wasm32", feature = "small-alloc"))]
#[global_allocator]
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without the atomics feature runs on one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
