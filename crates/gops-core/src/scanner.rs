//! Finds the Go processes on this host (and the Node processes running a gops-native agent),
//! fast enough to run at high frequency. A `Scanner` remembers what each executable is, keyed by
//! the file's identity, and what it read about each process: a warm rescan costs one `stat` per
//! process and opens no executable that did not change.

use crate::inspect::{inspect_file, GoBinaryInfo, InspectError};
use crate::pool::{default_parallelism, parallel_map};
use crate::portfile::PortFiles;
use crate::process::{Details, ExeIdentity, Executable, Incarnation, Isolation, Skip, Snapshot};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

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

/// What discovery keeps about a Go executable (shared by every process running it).
#[derive(Debug, PartialEq, Eq)]
pub struct GoExecutable {
    /// None when the binary is Go but its build-info blob is gone.
    pub version: Option<String>,
    /// The main package's path, and the main module's path and version.
    pub package: Option<String>,
    pub main_module: Option<(String, String)>,
}

/// What an executable file is, as far as discovery cares.
#[derive(Debug)]
enum Verdict {
    Go(Arc<GoExecutable>),
    NodeRuntime,
    Other,
}

impl Verdict {
    fn of(info: GoBinaryInfo, path: &Path) -> Verdict {
        if info.is_go {
            let build = info.build_info;
            return Verdict::Go(Arc::new(GoExecutable {
                version: info.go_version,
                package: build
                    .as_ref()
                    .map(|b| b.path.clone())
                    .filter(|p| !p.is_empty()),
                main_module: build.and_then(|b| b.main).map(|m| (m.path, m.version)),
            }));
        }
        if is_node(path) {
            Verdict::NodeRuntime
        } else {
            Verdict::Other
        }
    }
}

/// Our agent runs inside Node; its executable is called `node` (`nodejs` on some distributions).
fn is_node(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let stem = name.strip_suffix(".exe").unwrap_or(name);
    stem == "node" || stem == "nodejs"
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
    pub started: SystemTime,
    pub isolation: Isolation,
    /// This scanner's previous scan reported exactly the same: callers can keep what they built
    /// from it instead of converting it again.
    pub unchanged: bool,
}

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

#[derive(Clone, Debug)]
pub struct ScanResult {
    /// Ordered by PID.
    pub processes: Vec<FoundProcess>,
    pub stats: ScanStats,
}

/// What was read about an interesting (Go or Node) process; kept while it runs the same binary.
#[derive(Debug)]
struct Facts {
    /// Which process the PID named when these facts were read.
    incarnation: Incarnation,
    details: Details,
    path: PathBuf,
    isolation: Isolation,
    /// The gops config directory its environment names: its agent's port file goes there.
    config_dir: Option<PathBuf>,
}

struct Known {
    exe: Executable,
    facts: Option<Arc<Facts>>,
    /// The agent flag it was reported with by the last scan (None: it was not reported).
    reported_agent: Option<bool>,
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
    pub fn new(options: ScanOptions) -> Scanner {
        Scanner::with_inspector(options, inspect_file)
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
        }
    }

    pub fn scan(&mut self) -> io::Result<ScanResult> {
        let began = Instant::now();
        let snapshot = Snapshot::capture()?;
        Ok(self.scan_snapshot(&snapshot, Scope::Everything, began))
    }

    /// Looks again at these PIDs only (processes the kernel says were started, forked or
    /// exec'd), reading each afresh; what the scanner knows of every other process stands.
    /// The result holds those of them that are Go (or Node with an agent).
    #[cfg(target_os = "linux")]
    pub fn rescan(&mut self, pids: &[u32]) -> ScanResult {
        let began = Instant::now();
        for &pid in pids {
            self.forget(pid);
        }
        self.scan_snapshot(&Snapshot::of(pids), Scope::Only, began)
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
            let agent = port_files.is_fresh(
                pid,
                &facts.isolation,
                facts.config_dir.as_deref(),
                facts.details.started,
            );
            if agent != known.reported_agent.unwrap_or(false) {
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
    }

    fn scan_snapshot(&mut self, snapshot: &Snapshot, scope: Scope, began: Instant) -> ScanResult {
        let mut stats = ScanStats {
            scanned: snapshot.pids().len(),
            ..ScanStats::default()
        };
        let mut running = self.probe(snapshot, scope, &mut stats);
        self.inspect_new(snapshot, &mut running, &mut stats);
        let facts = self.gather_facts(snapshot, &running, &mut stats);
        let processes = self.report(running, facts, scope, &mut stats);
        stats.duration = began.elapsed();
        ScanResult { processes, stats }
    }

    /// One `stat` per process: which executable does it run?
    fn probe(
        &mut self,
        snapshot: &Snapshot,
        scope: Scope,
        stats: &mut ScanStats,
    ) -> Vec<(u32, Executable)> {
        let pids = snapshot.pids();
        let threads = threads_for(pids.len(), self.options.concurrency);
        let probes = parallel_map(pids, threads, |&pid| {
            snapshot.executable(pid, self.without_executable.contains(&pid))
        });
        let mut running = Vec::with_capacity(pids.len());
        if scope == Scope::Everything {
            self.without_executable.clear();
        }
        for (&pid, probe) in pids.iter().zip(probes) {
            match probe {
                Ok(exe) => running.push((pid, exe)),
                Err(Skip::NoExecutable) => {
                    self.without_executable.insert(pid);
                }
                Err(skip) => stats.count(skip),
            }
        }
        running
    }

    /// Inspects each executable not seen before, once, through any process running it.
    /// Processes whose executable could not be opened at all are dropped (and counted).
    fn inspect_new(
        &mut self,
        snapshot: &Snapshot,
        running: &mut Vec<(u32, Executable)>,
        stats: &mut ScanStats,
    ) {
        let mut unknown: HashMap<ExeIdentity, (Executable, Vec<u32>)> = HashMap::default();
        for &(pid, exe) in running.iter() {
            if self.executables.contains_key(&exe.identity) {
                stats.cache_hits += 1;
            } else {
                unknown
                    .entry(exe.identity)
                    .or_insert_with(|| (exe, Vec::new()))
                    .1
                    .push(pid);
            }
        }
        let unknown: Vec<(Executable, Vec<u32>)> = unknown.into_values().collect();
        let verdicts = parallel_map(&unknown, self.options.concurrency, |(exe, pids)| {
            inspect_through(snapshot, self.inspect, *exe, pids)
        });
        let mut lost = HashSet::default();
        for ((exe, pids), verdict) in unknown.into_iter().zip(verdicts) {
            match verdict {
                Ok(verdict) => {
                    stats.inspected += 1;
                    self.executables.insert(exe.identity, verdict);
                }
                Err(skip) => {
                    pids.iter().for_each(|_| stats.count(skip));
                    lost.extend(pids);
                }
            }
        }
        running.retain(|(pid, _)| !lost.contains(pid));
    }

    /// Details of the Go and Node processes: read once per process, again only when its parent
    /// is gone (it was re-parented) or its PID now names another process running the same
    /// binary. The flag tells facts kept from the last scan.
    fn gather_facts(
        &self,
        snapshot: &Snapshot,
        running: &[(u32, Executable)],
        stats: &mut ScanStats,
    ) -> HashMap<u32, (Arc<Facts>, bool)> {
        let mut facts = HashMap::default();
        let mut to_read = Vec::new();
        for &(pid, exe) in running {
            if matches!(self.executables[&exe.identity], Verdict::Other) {
                continue;
            }
            match self.processes.get(&pid) {
                Some(Known {
                    exe: known,
                    facts: Some(kept),
                    ..
                }) if *known == exe
                    // The parent is still listed (as a process, a zombie or a kernel thread).
                    && (kept.details.ppid == 0 || snapshot.incarnation(kept.details.ppid).is_ok())
                    && snapshot.incarnation(pid).ok() == Some(kept.incarnation) =>
                {
                    facts.insert(pid, (kept.clone(), true));
                }
                _ => to_read.push((pid, exe)),
            }
        }
        let read = parallel_map(&to_read, self.options.concurrency, |&(pid, exe)| {
            read_facts(snapshot, pid, exe)
        });
        for (&(pid, _), result) in to_read.iter().zip(read) {
            match result {
                Ok(read) => {
                    facts.insert(pid, (Arc::new(read), false));
                }
                Err(skip) => stats.count(skip),
            }
        }
        facts
    }

    /// Checks agents, builds the result, and keeps what the next scan needs (only that: memory
    /// follows the live process count).
    fn report(
        &mut self,
        running: Vec<(u32, Executable)>,
        mut facts: HashMap<u32, (Arc<Facts>, bool)>,
        scope: Scope,
        stats: &mut ScanStats,
    ) -> Vec<FoundProcess> {
        let mut port_files = PortFiles::list(&self.options.config_dir);
        let mut processes = Vec::new();
        let mut known = HashMap::with_capacity_and_hasher(running.len(), Default::default());
        for (pid, exe) in running {
            let verdict = &self.executables[&exe.identity];
            let Some((facts, kept)) = facts.remove(&pid) else {
                if matches!(verdict, Verdict::Other) {
                    known.insert(
                        pid,
                        Known {
                            exe,
                            facts: None,
                            reported_agent: None,
                        },
                    );
                }
                continue; // a Go or Node process whose details could not be read: counted
            };
            let agent = port_files.is_fresh(
                pid,
                &facts.isolation,
                facts.config_dir.as_deref(),
                facts.details.started,
            );
            let (runtime, go) = match verdict {
                Verdict::Go(go) => (Runtime::Go, Some(go.clone())),
                Verdict::NodeRuntime if agent && self.options.include_node => (Runtime::Node, None),
                _ => {
                    known.insert(
                        pid,
                        Known {
                            exe,
                            facts: Some(facts),
                            reported_agent: None,
                        },
                    );
                    continue;
                }
            };
            match runtime {
                Runtime::Go => stats.go += 1,
                Runtime::Node => stats.node += 1,
            }
            let previous = self
                .processes
                .get(&pid)
                .and_then(|known| known.reported_agent);
            processes.push(FoundProcess {
                pid,
                ppid: facts.details.ppid,
                name: facts.details.name.clone(),
                path: facts.path.clone(),
                deleted: exe.deleted,
                runtime,
                go,
                agent,
                started: facts.details.started,
                isolation: facts.isolation.clone(),
                unchanged: kept && previous == Some(agent),
            });
            known.insert(
                pid,
                Known {
                    exe,
                    facts: Some(facts),
                    reported_agent: Some(agent),
                },
            );
        }
        match scope {
            Scope::Everything => self.processes = known,
            Scope::Only => self.processes.extend(known),
        }
        if scope == Scope::Everything || self.executables.len() > 2 * self.kept_executables + 16 {
            let live: HashSet<ExeIdentity> =
                self.processes.values().map(|k| k.exe.identity).collect();
            self.executables
                .retain(|identity, _| live.contains(identity));
            self.kept_executables = self.executables.len();
        }
        processes.sort_by_key(|p| p.pid);
        processes
    }
}

/// Threads pay for themselves only on very large batches of `stat`s: starting one costs tens of
/// microseconds, a `stat` a few, and on 2 shared cores two threads measured slower than one at
/// 1,000 processes (warm rescan 4.06 ms against 3.90 ms).
fn threads_for(stats: usize, max: usize) -> usize {
    const PER_THREAD: usize = 2048;
    max.min(stats.div_ceil(PER_THREAD)).max(1)
}

impl ScanStats {
    fn count(&mut self, skip: Skip) {
        match skip {
            Skip::Vanished => self.vanished += 1,
            Skip::Denied => self.denied += 1,
            Skip::Unreadable => self.unreadable += 1,
            Skip::NoExecutable => {}
        }
    }
}

/// Inspects an executable through the first of its processes that can still be opened. A file
/// the inspector cannot make sense of is simply not Go.
fn inspect_through(
    snapshot: &Snapshot,
    inspect: Inspect,
    exe: Executable,
    pids: &[u32],
) -> Result<Verdict, Skip> {
    let mut last = Skip::Vanished;
    for &pid in pids {
        let opened = snapshot.open_executable(pid).and_then(|file| {
            // The process may have exec'd another binary since its stat: never cache a verdict
            // under the wrong identity.
            let opened_identity = file.metadata().map(|meta| ExeIdentity::of(&meta));
            if opened_identity.map_err(|e| Skip::from_io(&e))? != exe.identity {
                return Err(Skip::Vanished);
            }
            Ok((file, snapshot.exe_path(pid, exe.deleted)?))
        });
        match opened {
            Ok((file, path)) => {
                return Ok(match inspect(&file, &path) {
                    Ok(info) => Verdict::of(info, &path),
                    Err(_) if is_node(&path) => Verdict::NodeRuntime,
                    Err(_) => Verdict::Other,
                })
            }
            Err(skip) => last = skip,
        }
    }
    Err(last)
}

fn read_facts(snapshot: &Snapshot, pid: u32, exe: Executable) -> Result<Facts, Skip> {
    Ok(Facts {
        // Taken first: a process replaced while its facts are read shows up at the next scan.
        incarnation: snapshot.incarnation(pid)?,
        details: snapshot.details(pid)?,
        path: snapshot.exe_path(pid, exe.deleted)?,
        isolation: snapshot.isolation(pid),
        config_dir: snapshot.own_config_dir(pid),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{gofmt, start_gofmt};
    use std::process::{Child, Command};
    use std::sync::Mutex;

    /// Every path the scanners under test opened, through the real inspector.
    static OPENED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    /// Every scanner sees every process: the tests take turns so each counts only its own.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

    fn take_turn() -> std::sync::MutexGuard<'static, ()> {
        ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn recording_inspect(file: &File, path: &Path) -> Result<GoBinaryInfo, InspectError> {
        OPENED.lock().unwrap().push(path.to_owned());
        inspect_file(file, path)
    }

    fn times_opened(path: &Path) -> usize {
        OPENED.lock().unwrap().iter().filter(|p| *p == path).count()
    }

    /// A private copy of `sleep`: an executable no other process on the machine runs.
    struct Sleepers {
        dir: PathBuf,
        binary: PathBuf,
        children: Vec<Child>,
    }

    impl Sleepers {
        fn start(name: &str, count: usize) -> Sleepers {
            let dir =
                std::env::temp_dir().join(format!("gops-scanner-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let binary = dir.join(format!("sleep-{name}"));
            let system_sleep = ["/usr/bin/sleep", "/bin/sleep"]
                .into_iter()
                .find(|p| Path::new(p).exists())
                .unwrap();
            std::fs::copy(system_sleep, &binary).unwrap();
            let children = (0..count)
                .map(|_| Command::new(&binary).arg("600").spawn().unwrap())
                .collect();
            Sleepers {
                dir,
                binary,
                children,
            }
        }

        fn pids(&self) -> Vec<u32> {
            self.children.iter().map(Child::id).collect()
        }

        fn stop(&mut self) {
            for child in &mut self.children {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    impl Drop for Sleepers {
        fn drop(&mut self) {
            self.stop();
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn scanner() -> Scanner {
        let config_dir = std::env::temp_dir().join("gops-scanner-no-agents");
        Scanner::with_inspector(ScanOptions::new(config_dir), recording_inspect)
    }

    #[test]
    fn inspects_a_binary_once_however_many_processes_run_it() {
        let _turn = take_turn();
        let sleepers = Sleepers::start("many", 3);
        let mut scanner = scanner();
        let cold = scanner.scan().unwrap();
        assert_eq!(times_opened(&sleepers.binary), 1);
        assert!(cold.stats.inspected >= 1);
        let identity = scanner.processes[&sleepers.pids()[0]].exe.identity;
        assert!(sleepers
            .pids()
            .iter()
            .all(|pid| scanner.processes[pid].exe.identity == identity));
        assert!(
            matches!(scanner.executables[&identity], Verdict::Other),
            "sleep is not Go"
        );
    }

    #[test]
    fn warm_rescan_opens_no_unchanged_executable() {
        let _turn = take_turn();
        let sleepers = Sleepers::start("warm", 2);
        let mut scanner = scanner();
        scanner.scan().unwrap();
        let warm = scanner.scan().unwrap();
        assert_eq!(
            times_opened(&sleepers.binary),
            1,
            "the second scan re-opened an unchanged binary"
        );
        assert!(warm.stats.cache_hits >= 2, "{:?}", warm.stats);
        assert!(warm.stats.scanned >= warm.stats.cache_hits);
    }

    #[test]
    fn finds_a_go_process_and_marks_what_the_previous_scan_reported_identically() {
        let _turn = take_turn();
        let dir =
            std::env::temp_dir().join(format!("gops-scanner-unchanged-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut gofmt = start_gofmt();
        let pid = gofmt.id();
        let mut scanner = Scanner::with_inspector(ScanOptions::new(dir.clone()), recording_inspect);
        let first = scanner.scan().unwrap();
        let found = first
            .processes
            .iter()
            .find(|p| p.pid == pid)
            .expect("gofmt is a Go process");
        assert_eq!(
            (found.runtime, found.ppid, found.name.as_str()),
            (Runtime::Go, std::process::id(), "gofmt")
        );
        assert!(found
            .go
            .as_ref()
            .unwrap()
            .version
            .as_ref()
            .unwrap()
            .starts_with("go1."));
        assert!(
            !found.unchanged && !found.agent,
            "a first scan has nothing to compare with"
        );
        let second = scanner.scan().unwrap();
        assert!(
            second
                .processes
                .iter()
                .find(|p| p.pid == pid)
                .unwrap()
                .unchanged
        );
        std::fs::write(dir.join(pid.to_string()), "4000").unwrap();
        let third = scanner.scan().unwrap();
        let found = third.processes.iter().find(|p| p.pid == pid).unwrap();
        assert!(
            found.agent && !found.unchanged,
            "a new port file changes the agent flag"
        );
        let _ = gofmt.kill();
        let _ = gofmt.wait();
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Starts gofmt under the PID `pid` by setting the kernel's last-allocated PID just below it
    /// (root only; other processes forking at the same moment can take it, hence the retries).
    fn start_gofmt_as(pid: u32) -> Option<Child> {
        let mut gofmt = gofmt();
        for _ in 0..50 {
            std::fs::write("/proc/sys/kernel/ns_last_pid", (pid - 1).to_string()).ok()?;
            let mut child = gofmt.spawn().unwrap();
            if child.id() == pid {
                return Some(child);
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        None
    }

    #[test]
    fn a_reused_pid_running_the_same_binary_is_read_afresh() {
        let _turn = take_turn();
        let mut old = start_gofmt();
        let pid = old.id();
        let mut scanner = scanner();
        let first = scanner.scan().unwrap();
        let old_start = first
            .processes
            .iter()
            .find(|p| p.pid == pid)
            .unwrap()
            .started;
        let _ = old.kill();
        let _ = old.wait();
        // Start-time ticks are 10 ms: the new process must start visibly later.
        std::thread::sleep(Duration::from_millis(50));
        let Some(mut new) = start_gofmt_as(pid) else {
            eprintln!("skipped: cannot reuse PID {pid} (needs root to write ns_last_pid)");
            return;
        };
        let second = scanner.scan().unwrap();
        let _ = new.kill();
        let _ = new.wait();
        let found = second.processes.iter().find(|p| p.pid == pid).unwrap();
        assert!(
            found.started > old_start && !found.unchanged,
            "PID {pid} reported with the facts of the process that had it before"
        );
    }

    #[test]
    fn forgets_processes_and_binaries_that_are_gone() {
        let _turn = take_turn();
        let mut sleepers = Sleepers::start("gone", 1);
        let pid = sleepers.pids()[0];
        let mut scanner = scanner();
        scanner.scan().unwrap();
        let identity = scanner.processes[&pid].exe.identity;
        sleepers.stop();
        scanner.scan().unwrap();
        assert!(!scanner.processes.contains_key(&pid));
        assert!(!scanner.executables.contains_key(&identity));
    }

    #[test]
    fn recognises_node_by_executable_name() {
        assert!(is_node(Path::new("/usr/bin/node")));
        assert!(is_node(Path::new("/usr/bin/nodejs")));
        assert!(is_node(Path::new("C:/Program Files/nodejs/node.exe")));
        assert!(!is_node(Path::new("/usr/bin/nodemon")));
    }
}
