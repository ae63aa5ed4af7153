//! A panic must never reach JavaScript: unwinding out of napi's `extern "C"` callbacks (the
//! sync call, or an `AsyncTask`'s `compute` on libuv's pool) aborts the whole Node process.
//! Every call into the core runs through `contained`, which turns a panic into an error.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `work`; a panic becomes `Err` with its message. What `work` touched is left as the
/// panic left it: callers only hand in state that stays usable (see `discover::run_scan`).
pub(crate) fn contained<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_its_message() {
        assert_eq!(contained(|| 7), Ok(7));
        assert_eq!(
            contained(|| -> u8 { panic!("index out of bounds") }),
            Err("index out of bounds".to_owned())
        );
        let n = 3;
        assert_eq!(
            contained(|| -> u8 { panic!("bad count {n}") }),
            Err("bad count 3".to_owned())
        );
        assert_eq!(
            contained(|| -> u8 { std::panic::panic_any(42) }),
            Err("a panic without a message".to_owned())
        );
    }
}
