//! Cancelling long work from another thread: the caller keeps a `Cancel` and calls `cancel()`;
//! the work checks it between items (the pool's loops, the scanner's phases) and stops there,
//! so an item under way finishes but no new one starts. Plain Rust: the binding sets it from
//! an `AbortSignal`, anything else may set it too.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A flag shared between the canceller and the work; clones share it. Sequentially consistent:
/// a canceller that then finds the work's lock taken can count on the work seeing the flag once
/// it lets the lock go (a load per item costs what a relaxed one does on x86 and arm64).
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks the work to stop at its next check; it cannot be taken back.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(Cancelled)` once cancelled: for `?` between steps.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

/// The work stopped because it was cancelled; what it had done so far is discarded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cancelled")
    }
}

impl std::error::Error for Cancelled {}

impl From<Cancelled> for std::io::Error {
    /// For work that returns `io::Result`: `Interrupted`, carrying `Cancelled` (see `is_cancel`).
    fn from(cancelled: Cancelled) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::Interrupted, cancelled)
    }
}

/// Whether an `io::Error` is a cancellation (made from `Cancelled`), not a failure.
pub fn is_cancel(error: &std::io::Error) -> bool {
    error.get_ref().is_some_and(|inner| inner.is::<Cancelled>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_flag_and_io_errors_carry_it() {
        let cancel = Cancel::new();
        let seen_by_work = cancel.clone();
        assert_eq!(seen_by_work.check(), Ok(()));
        cancel.cancel();
        assert!(seen_by_work.is_cancelled());
        assert_eq!(seen_by_work.check(), Err(Cancelled));
        assert!(is_cancel(&std::io::Error::from(Cancelled)));
        assert!(!is_cancel(&std::io::Error::from(
            std::io::ErrorKind::Interrupted
        )));
    }
}
