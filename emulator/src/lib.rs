//! A faithful local emulator of the retired Constant Contact v2 MyLibrary API.
//!
//! It serves the whole contract of `shared/api/mylibrary-v2.md` under `/v2/library/...`,
//! hosts the stored images under `/ih/`, can serve the demo (`--www`), and offers test
//! control under `/_emulator/` (reset, scripted faults, settings, a request log).

pub mod control;
pub mod data;
pub mod images;
pub mod model;
pub mod multipart;
pub mod query;
pub mod server;
pub mod store;
pub mod time;

pub use server::{Config, Running, start};
