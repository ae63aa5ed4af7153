//! Finds the Go processes on this host (and the Node processes running a gops-native agent),
//! fast enough to run at high frequency. A `Scanner` remembers what each executable is, keyed by
//! the file's identity, and what it read about each process: a warm rescan costs one `stat` per
//! process and opens no executable that did not change.
//!
//! One job per file: `probe` (which executable each process runs), `executables` (what each
//! executable is), `facts` (details of the Go and Node processes), `knowledge` (what is kept
//! between scans), `report` (the result: agents, classification, counts), `stats`.

use crate::cancel::{is_cancel, Cancel, Cancelled};
use crate::follow::{Follower, Mode, Requested, SOCKET_BUFFER};
use crate::inspect::{inspect_file, GoBinaryInfo, InspectError};
use crate::pool::{default_parallelism, parallel_map_until};
use crate::portfile::{AgentFile, PortFiles};
use crate::process::{ExeIdentity, Isolation, Snapshot};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

#[cfg(target_os = "linux")]
use crate::process::events::ProcessEvent;

#[cfg(target_os = "linux")]
mod events;
mod executables;
mod facts;
mod knowledge;
mod probe;
mod report;
mod stats;

pub use executables::GoExecutable;
use executables::Verdict;
use facts::{Facts, GatheredFacts};
use knowledge::Known;
pub use stats::ScanStats;

#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// The gops config directory where agents write their port files.
    pub config_dir: PathBuf,
    /// Threads for the per-process reads and inspections.
    pub concurrency: usize,
    /// Also report Node processes that run a gops-native agent.
    pub include_node: bool,
}

impl ScanOptions {
    pub fn new(config_dir: PathBuf) -> ScanOptions {
        ScanOptions {
            config_dir,
            concurrency: default_parallelism(),
            include_node: true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    Go,
    Node,
}

/// One process found by a scan.
#[derive(Clone, Debug)]
pub struct FoundProcess {
    pub pid: u32,
    pub ppid: u32,
    pub name: String,
    pub path: PathBuf,
    /// The executable was deleted after the process started.
    pub deleted: bool,
    pub runtime: Runtime,
    /// Set for Go processes.
    pub go: Option<Arc<GoExecutable>>,
    /// A port file written since the process started exists for it.
    pub agent: bool,
    /// That port file and the port it holds: callers dial the agent without reading it again.
    pub agent_file: Option<AgentFile>,
    pub started: SystemTime,
    pub isolation: Isolation,
    /// This scanner's previous scan reported exactly the same: callers can keep what they built
    /// from it instead of converting it again.
    pub unchanged: bool,
}

#[derive(Clone, Debug)]
pub struct ScanResult {
    /// Ordered by PID.
    pub processes: Vec<FoundProcess>,
    pub stats: ScanStats,
}

type Inspect = fn(&File, &Path) -> Result<GoBinaryInfo, InspectError>;

pub struct Scanner {
    options: ScanOptions,
    inspect: Inspect,
    executables: HashMap<ExeIdentity, Verdict>,
    /// How many executables were kept by the last pruning: partial rescans prune again only
    /// once the cache has doubled, so their cost follows the events, not the process count.
    kept_executables: usize,
    processes: HashMap<u32, Known>,
    /// PIDs that had no executable (kernel threads, zombies) at the last scan.
    without_executable: HashSet<u32>,
    /// Where a scan learns what changed: full scans, or the kernel's process events.
    follower: Follower,
    /// Full scans made because events were lost.
    resyncs: u32,
    /// Processes whose read failed after their fork or exec, and how many more looks each gets.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    retries: HashMap<u32, u8>,
    #[cfg(target_os = "linux")]
    received: Vec<ProcessEvent>,
    /// `/proc` was listed once: events can say what changed since.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    listed: bool,
    /// Set during `scan_until`: the scan stops between items once it is cancelled.
    cancel: Option<Cancel>,
}

/// Which processes a scan looks at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Every process: what is not seen is gone.
    Everything,
    /// Only the snapshot's PIDs: the scanner's knowledge of every other process stands.
    /// (Rescans of single PIDs follow the kernel's process events, which only Linux has.)
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Only,
}

impl Scanner {
    /// A scanner that lists `/proc` at every scan.
    pub fn new(options: ScanOptions) -> Scanner {
        Scanner::with_inspector(options, inspect_file)
    }

    /// A scanner that, where the kernel's process events are available (see `follow`), lists
    /// `/proc` once and from then on looks only at the processes that forked, exec'd or exited.
    /// Fails only when `Requested::Events` was asked for and they are unavailable.
    pub fn following(options: ScanOptions, requested: Requested) -> io::Result<Scanner> {
        Scanner::following_with(options, requested, SOCKET_BUFFER)
    }

    /// `socket_buffer`: what the kernel keeps of unread events (tests make it overrun).
    fn following_with(
        options: ScanOptions,
        requested: Requested,
        socket_buffer: usize,
    ) -> io::Result<Scanner> {
        let mut scanner = Scanner::new(options);
        scanner.follower = Follower::open(requested, socket_buffer)?;
        Ok(scanner)
    }

    /// Events or polling (full scans); it changes to polling if reading events fails.
    pub fn mode(&self) -> Mode {
        self.follower.mode()
    }

    /// Why it polls though events were not refused.
    pub fn fallback(&self) -> Option<&str> {
        self.follower.fallback()
    }


    /// Full scans made because events were lost.
    pub fn resyncs(&self) -> u32 {
        self.resyncs
    }

    /// Tests watch which executables get opened through this.
    fn with_inspector(options: ScanOptions, inspect: Inspect) -> Scanner {
        Scanner {
            options,
            inspect,
            executables: HashMap::default(),
            kept_executables: 0,
            processes: HashMap::default(),
            without_executable: HashSet::default(),
            follower: Follower::polling(),
            resyncs: 0,
            retries: HashMap::default(),
            #[cfg(target_os = "linux")]
            received: Vec::new(),
            listed: false,
            cancel: None,
        }
    }

    /// Every Go process (and Node process with an agent) now running, ordered by PID.
    pub fn scan(&mut self) -> io::Result<ScanResult> {
        self.scan_until(None)
    }

    /// `scan`, which stops between items once `cancel` is set and then fails with an error that
    /// `cancel::is_cancel` recognizes. The scanner stays usable: what a cancelled scan learnt of
    /// executables is kept (it is true of them), and the next scan lists `/proc` again, since
    /// events it had taken were not applied.
    pub fn scan_until(&mut self, cancel: Option<&Cancel>) -> io::Result<ScanResult> {
        self.cancel = cancel.cloned();
        let result = self.scan_now();
        self.cancel = None;
        if result.as_ref().is_err_and(is_cancel) {
            self.listed = false;
        }
        result
    }

    fn scan_now(&mut self) -> io::Result<ScanResult> {
        if let Some(cancel) = &self.cancel {
            cancel.check()?;
        }
        let began = Instant::now();
        #[cfg(target_os = "linux")]
        if self.mode() == Mode::Events {
            if self.listed {
                if let Some(result) = self.scan_from_events(began) {
                    return Ok(result?);
                }
            } else {
                // What happened before this first listing is in it.
                let _ = self.follower.take_queued(&mut self.received);
                self.received.clear();
            }
        }
        let snapshot = Snapshot::capture()?;
        let result = self.scan_snapshot(&snapshot, Scope::Everything, began)?;
        self.listed = true;
        self.retries.clear();
        Ok(result)
    }

    /// Looks again at these PIDs only (processes the kernel says were started, forked or
    /// exec'd), reading each afresh; what the scanner knows of every other process stands.
    /// The result holds those of them that are Go (or Node with an agent).
    #[cfg(target_os = "linux")]
    pub fn rescan(&mut self, pids: &[u32]) -> ScanResult {
        let began = Instant::now();
        let mut stats = ScanStats::default();
        if self.look_again(pids.to_vec(), &mut stats).is_err() {
            // Only a scan given a Cancel stops early, and this one has none.
            self.listed = false;
        }
        let mut pids = pids.to_vec();
        pids.sort_unstable();
        pids.dedup();
        let processes = self.report(&pids, &mut stats);
        stats.duration = began.elapsed();
        ScanResult { processes, stats }
    }

    /// Whether any process runs Node (and Node processes are reported at all).
    pub fn has_node_processes(&self) -> bool {
        self.options.include_node && self.processes.values().any(|k| self.runs_node(k))
    }

    /// Node processes whose agent started or closed since the last look (a Node process is
    /// listed while its port file is fresh): only the port-file directories are read, and a
    /// process only when a file for it exists.
    pub fn node_agents_changed(&self) -> Vec<u32> {
        if !self.options.include_node {
            return Vec::new();
        }
        let mut port_files = PortFiles::list(&self.options.config_dir);
        let mut changed = Vec::new();
        for (&pid, known) in &self.processes {
            let Some(facts) = known.facts.as_ref().filter(|_| self.runs_node(known)) else {
                continue;
            };
            let agent = port_files.find(
                pid,
                &facts.isolation,
                facts.config_dir.as_deref(),
                facts.details.started,
            );
            if known
                .reported_agent
                .as_ref()
                .map_or(agent.is_some(), |reported| *reported != agent)
            {
                changed.push(pid);
            }
        }
        changed
    }

    fn runs_node(&self, known: &Known) -> bool {
        matches!(
            self.executables.get(&known.exe.identity),
            Some(Verdict::NodeRuntime)
        )
    }

    /// Drops what the scanner knows of a process that exited.
    pub fn forget(&mut self, pid: u32) {
        self.processes.remove(&pid);
        self.without_executable.remove(&pid);
        self.retries.remove(&pid);
    }

    fn scan_snapshot(
        &mut self,
        snapshot: &Snapshot,
        scope: Scope,
        began: Instant,
    ) -> Result<ScanResult, Cancelled> {
        let mut stats = ScanStats::default();
        let pids = self.learn(snapshot, scope, &mut stats)?;
        let processes = self.report(&pids, &mut stats);
        stats.duration = began.elapsed();
        Ok(ScanResult { processes, stats })
    }

    /// The pool's `parallel_map`, stopped by this scan's `Cancel` if it has one.
    fn map<T: Sync, R: Send>(
        &self,
        items: &[T],
        threads: usize,
        work: impl Fn(&T) -> R + Sync,
    ) -> Result<Vec<R>, Cancelled> {
        parallel_map_until(items, threads, self.cancel.as_ref(), work)
    }

    /// Probes the snapshot's processes, inspects new executables, reads the facts it needs and
    /// keeps them: the PIDs it now knows (ascending). Cancelled, it keeps only what it learnt
    /// of executables.
    fn learn(
        &mut self,
        snapshot: &Snapshot,
        scope: Scope,
        stats: &mut ScanStats,
    ) -> Result<Vec<u32>, Cancelled> {
        stats.scanned = snapshot.pids().len();
        let mut running = self.probe(snapshot, scope, stats)?;
        self.inspect_new(snapshot, &mut running, stats)?;
        let facts = self.gather_facts(snapshot, &running, stats)?;
        let pids: Vec<u32> = running.iter().map(|&(pid, _)| pid).collect();
        self.remember(running, facts, scope);
        Ok(pids)
    }
}

#[cfg(test)]
mod tests;
