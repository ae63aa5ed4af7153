//! What a scan counts.

use crate::process::Skip;
use std::time::Duration;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScanStats {
    /// Processes listed.
    pub scanned: usize,
    pub go: usize,
    pub node: usize,
    /// Passed over: we may not look at them.
    pub denied: usize,
    /// Passed over: they exited during the scan.
    pub vanished: usize,
    /// Passed over: reading them failed on our side (e.g. out of file descriptors), so the
    /// result may be incomplete.
    pub unreadable: usize,
    /// Processes whose executable was already known from an earlier scan.
    pub cache_hits: usize,
    /// Executables opened and inspected by this scan.
    pub inspected: usize,
    pub duration: Duration,
}

impl ScanStats {
    /// Counts a process passed over.
    pub(super) fn count(&mut self, skip: Skip) {
        match skip {
            Skip::Vanished => self.vanished += 1,
            Skip::Denied => self.denied += 1,
            Skip::Unreadable => self.unreadable += 1,
            Skip::NoExecutable => {}
        }
    }
}
