//! The emulator over real HTTP: every endpoint, status and error key, pagination in every sort
//! order, faults, CORS, concurrency. Each test starts its own emulator on a free port.

mod common;
mod concurrency;
mod faults;
mod files;
mod folders;
mod oauth;
mod pagination;
mod protocol;
mod seeds;
mod uploads;
