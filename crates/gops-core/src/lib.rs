//! gops-core: decides whether an executable is Go (and what built it) and finds Go processes.
//! Pure Rust; the Node binding lives in `gops-napi`.

pub mod cancel;
pub mod follow;
pub mod inspect;
pub mod pool;
pub mod portfile;
pub mod process;
pub mod scanner;
pub mod watcher;

#[cfg(test)]
mod test_support;
