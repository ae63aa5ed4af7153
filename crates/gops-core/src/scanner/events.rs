//! A scan from the kernel's process events (Linux): after the first full scan, a scan looks only
//! at the processes that forked or exec'd since the last one, forgets those that exited, and
//! walks `/proc` again only after events were lost. Also the look at single PIDs that the
//! watcher shares, with its retries of reads that failed.

use super::{ScanResult, ScanStats, Scanner, Scope};
use crate::cancel::Cancelled;
use crate::follow::Followed;
use crate::process::events::ProcessEvent;
use crate::process::Snapshot;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::time::Instant;

/// How many more scans (or watcher ticks) look again at a process whose read failed after its
/// fork or exec (its executable not readable yet, out of descriptors): a failure that lasts
/// longer is left to the next event or full scan, so a process we may never read costs nothing.
const RETRIES: u8 = 3;

impl Scanner {
    /// The scan of a following scanner once it has listed `/proc`: None when events were lost
    /// (or the follower now polls) and a full scan must be made.
    pub(super) fn scan_from_events(
        &mut self,
        began: Instant,
    ) -> Option<Result<ScanResult, Cancelled>> {
        if self.follower.take_queued(&mut self.received) == Followed::Lost {
            self.resyncs += 1;
            return None;
        }
        let mut look = Vec::new();
        let mut exited = HashSet::default();
        for event in std::mem::take(&mut self.received) {
            match event {
                // A forked child runs its parent's executable: Go too when its parent is Go.
                ProcessEvent::Fork { child: pid, .. } | ProcessEvent::Exec { pid } => {
                    look.push(pid)
                }
                ProcessEvent::Exit { pid } => {
                    self.forget(pid);
                    exited.insert(pid);
                }
            }
        }
        if !exited.is_empty() {
            // Their children were re-parented: read again, as a full scan would.
            look.extend(self.processes.iter().filter_map(|(&pid, known)| {
                let ppid = known.facts.as_ref()?.details.ppid;
                exited.contains(&ppid).then_some(pid)
            }));
        }
        look.extend(self.retries.keys().copied());
        let mut stats = ScanStats::default();
        let looked = match self.look_again(look, &mut stats) {
            Ok(looked) => looked,
            Err(cancelled) => return Some(Err(cancelled)),
        };
        let mut pids: Vec<u32> = self
            .processes
            .iter()
            .filter_map(|(&pid, known)| known.facts.is_some().then_some(pid))
            .collect();
        pids.sort_unstable();
        let processes = self.report(&pids, &mut stats);
        stats.scanned = self.processes.len() + self.without_executable.len();
        stats.cache_hits += stats.scanned.saturating_sub(looked);
        stats.duration = began.elapsed();
        Some(Ok(ScanResult { processes, stats }))
    }

    /// Reads these PIDs afresh (those that still exist); what the scanner knows of every other
    /// process stands. A process whose read failed is looked at again by the next `RETRIES`
    /// scans. Returns how many processes were looked at. Cancelled, the PIDs are forgotten: the
    /// caller lists `/proc` again.
    pub(super) fn look_again(
        &mut self,
        mut pids: Vec<u32>,
        stats: &mut ScanStats,
    ) -> Result<usize, Cancelled> {
        pids.sort_unstable();
        pids.dedup();
        let mut looks_left = HashMap::default();
        for pid in &pids {
            self.processes.remove(pid);
            self.without_executable.remove(pid);
            if let Some(left) = self.retries.remove(pid) {
                looks_left.insert(*pid, left);
            }
        }
        let snapshot = Snapshot::of(&pids);
        self.learn(&snapshot, Scope::Only, stats)?;
        for &pid in snapshot.pids() {
            if self.processes.contains_key(&pid) || self.without_executable.contains(&pid) {
                continue;
            }
            let left = looks_left.get(&pid).copied().unwrap_or(RETRIES + 1) - 1;
            // One that exited meanwhile is not looked for again.
            if left > 0 && Snapshot::is_running(pid) {
                self.retries.insert(pid, left);
            }
        }
        Ok(snapshot.pids().len())
    }

    /// PIDs whose read failed after their fork or exec, to look at again.
    pub fn retries(&self) -> Vec<u32> {
        self.retries.keys().copied().collect()
    }
}
