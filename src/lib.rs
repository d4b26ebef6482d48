//! # ctct-mylibrary
//!
//! A client for the Constant Contact **v2 MyLibrary API**: usage summary, a three-level folder
//! tree, image and document files with thumbnails, upload with virus-scan status, move, trash.
//!
//! The v2 API is retired; this client was verified against the reconstructed contract and the
//! emulator in this repository (`emulator/`).
//!
//! The crate has two faces over one core:
//! - the Rust API ([`Client`], on `wasm32`, using the global `fetch`), returning Rust structs;
//! - the JavaScript API (the npm package `ctct-mylibrary`), in [`js`].
//!
//! Everything that decides what is sent and how answers are read — argument checks, URLs,
//! decoding, retries, rate limiting, pagination — is plain Rust and tested natively.

#![deny(missing_docs)]

pub mod api;
pub mod client;
mod error;
pub mod models;
pub mod pagination;
pub mod policy;
pub mod url;

#[cfg(target_arch = "wasm32")]
mod exec;
#[cfg(target_arch = "wasm32")]
pub mod js;
#[cfg(target_arch = "wasm32")]
mod ops;
#[cfg(target_arch = "wasm32")]
mod transport;

pub use error::{ApiErrorItem, Error, ErrorCode, REDACTED, Redactor};

/// Test hooks (not part of the API).
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod __test {
    /// The JavaScript validator: `{ ok: value }` or `{ error }`.
    pub fn validate(kind: &str, value: &wasm_bindgen::JsValue) -> wasm_bindgen::JsValue {
        crate::transport::validate(kind, value)
    }
}

/// The npm build's allocator (feature `small-alloc`); wasm32 without threads is single-threaded.
#[cfg(all(target_arch = "wasm32", feature = "small-alloc"))]
#[global_allocator]
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without the atomics feature runs on one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
