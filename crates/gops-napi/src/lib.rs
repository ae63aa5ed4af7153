//! Thin N-API binding over gops-core: type conversion, error codes, off-thread tasks.
use napi_derive::napi;

mod coded_error;
mod discover;
pub mod inspect;
mod panics;
pub mod process;
mod watch;

#[napi]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
