//! Thin N-API binding over gops-core: type conversion, error codes, off-thread tasks.
use napi_derive::napi;

pub mod inspect;
mod discover;

#[napi]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
