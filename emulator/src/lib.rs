//! A faithful local emulator of the retired Constant Contact v2 MyLibrary API.
//!
//! It serves the whole contract of `shared/api/mylibrary-v2.md` under `/v2/library/...` for
//! several accounts, hosts the stored images under `/ih/` (and `/a/{username}/ih/`), plays the
//! v2 OAuth 2.0 server under `/oauth2/` (`shared/api/oauth2-v2.md`), can serve the demo
//! (`--www`), and offers test control under `/_emulator/` (reset, scripted faults, settings, a
//! request log, accounts, revocation).

pub mod control;
pub mod data;
pub mod images;
pub mod model;
pub mod multipart;
pub mod query;
pub mod server;
pub mod store;
pub mod time;

pub use server::{Config, RegisteredApp, Running, start};
