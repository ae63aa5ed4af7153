//! Thin N-API binding over gops-core: type conversion, error codes, off-thread tasks.
//!
//! The `#[napi]` items here are the only description of what crosses into JavaScript.
//! `napi build` writes their declarations to `src/native-types.ts`, which is committed; the
//! public TypeScript types are derived from it (re-exported, or mapped in `src/native-shape.ts`),
//! never written again by hand, and `__test__/native-types.spec.ts` fails when a build changes
//! the committed file. A new native type follows the same path: a `#[napi(object)]` struct (or
//! `string_enum` for a closed set of strings) with its doc comments here, a conversion from the
//! core type that names every field, and a public type in `src/` derived from the generated one.
use napi_derive::napi;

pub mod coded_error;
mod discover;
mod epoch;
pub mod functions;
pub mod inspect;
mod panics;
pub mod process;
mod watch;

#[napi]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
