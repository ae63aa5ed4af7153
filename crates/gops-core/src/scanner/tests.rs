use super::*;
use crate::test_support::{gofmt, start_gofmt};
use std::process::{Child, Command};
use std::sync::Mutex;
use std::time::Duration;

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
        let dir = std::env::temp_dir().join(format!("gops-scanner-{name}-{}", std::process::id()));
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
    let dir = std::env::temp_dir().join(format!("gops-scanner-unchanged-{}", std::process::id()));
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

#[cfg(target_os = "linux")]
mod following {
    use super::*;
    use crate::follow::{Mode, Requested};
    use crate::test_support::expects_process_events;

    fn options() -> ScanOptions {
        ScanOptions::new(std::env::temp_dir().join("gops-scanner-no-agents"))
    }

    /// A scanner on the kernel's process events; None (and a reason printed) where there are
    /// none: root on the host always has them.
    fn following(socket_buffer: usize) -> Option<Scanner> {
        let scanner = Scanner::following_with(options(), Requested::Auto, socket_buffer).unwrap();
        if scanner.mode() == Mode::Events {
            return Some(scanner);
        }
        let why = scanner.fallback().unwrap_or("no events").to_owned();
        assert!(!expects_process_events(), "root got no events: {why}");
        eprintln!("skipped: {why}");
        None
    }

    fn lists(result: &ScanResult, pid: u32) -> bool {
        result.processes.iter().any(|p| p.pid == pid)
    }

    #[test]
    fn a_following_scanner_looks_only_at_what_events_name() {
        let _turn = take_turn();
        let Some(mut scanner) = following(crate::follow::SOCKET_BUFFER) else {
            return;
        };
        let mut old = start_gofmt();
        assert!(lists(&scanner.scan().unwrap(), old.id()));
        // Its exec event can come after spawn() returned (the kernel sends it once the exec is
        // done, the parent resumes before that): let that event be taken first.
        std::thread::sleep(Duration::from_millis(50));
        assert!(lists(&scanner.scan().unwrap(), old.id()));
        // What the scanner knows stands until an event names the process: a scan that walked
        // /proc would find it again.
        scanner.forget(old.id());
        let mut new = start_gofmt();
        let second = scanner.scan().unwrap();
        assert!(!lists(&second, old.id()), "the second scan walked /proc");
        assert!(
            lists(&second, new.id()),
            "the exec'd process was not looked at"
        );
        assert_eq!(scanner.resyncs(), 0);
        let found = second.processes.iter().find(|p| p.pid == new.id()).unwrap();
        assert_eq!(
            (found.name.as_str(), found.ppid),
            ("gofmt", std::process::id())
        );
        new.kill().unwrap();
        new.wait().unwrap();
        assert!(
            !lists(&scanner.scan().unwrap(), new.id()),
            "its exit was missed"
        );
        let _ = old.kill();
        let _ = old.wait();
    }

    #[test]
    fn a_following_scanner_rescans_everything_after_lost_events() {
        let _turn = take_turn();
        // The smallest buffer the kernel allows: a burst of processes overruns it.
        let Some(mut scanner) = following(1) else {
            return;
        };
        scanner.scan().unwrap();
        let mut gofmt = start_gofmt();
        for _ in 0..200 {
            Command::new("true").status().unwrap();
        }
        assert!(lists(&scanner.scan().unwrap(), gofmt.id()));
        assert!(
            scanner.resyncs() >= 1,
            "200 processes did not overrun a minimal buffer"
        );
        gofmt.kill().unwrap();
        gofmt.wait().unwrap();
    }

    /// A read that fails at the exec (here: no descriptor left to open the executable with)
    /// is tried again by the next scan, not forgotten until the next full scan. The limit on
    /// descriptors holds for a whole process, so the scenario runs in a child of this test.
    #[test]
    fn a_read_that_failed_after_an_exec_is_tried_again() {
        if !expects_process_events() {
            eprintln!("skipped: the process-events connector may be unavailable here");
            return;
        }
        let output = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "scanner::tests::following::out_of_descriptors_at_an_exec",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && printed.contains("1 passed"),
            "{printed}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    #[test]
    #[ignore = "run in a child process by a_read_that_failed_after_an_exec_is_tried_again"]
    fn out_of_descriptors_at_an_exec() {
        let mut scanner = following(crate::follow::SOCKET_BUFFER).expect("events as root");
        scanner.scan().unwrap();
        let mut gofmt = start_gofmt();
        let pid = gofmt.id();
        let limit = take_every_descriptor();
        let starved = scanner.scan().unwrap();
        restore_descriptors(limit);
        assert!(!lists(&starved, pid), "read without a descriptor");
        assert!(starved.stats.unreadable >= 1, "{:?}", starved.stats);
        assert!(scanner.retries().contains(&pid));
        assert!(lists(&scanner.scan().unwrap(), pid), "not tried again");
        assert_eq!(scanner.resyncs(), 0);
        gofmt.kill().unwrap();
        gofmt.wait().unwrap();
    }

    /// Lowers the soft limit to the descriptors open now and fills every free slot below it.
    fn take_every_descriptor() -> libc::rlimit {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit fill or read a local rlimit.
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
        let highest = std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u64>().ok())
            .max()
            .unwrap();
        let lowered = libc::rlimit {
            rlim_cur: highest + 1,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: as above.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lowered) }, 0);
        while let Ok(file) = File::open("/dev/null") {
            std::mem::forget(file); // held until the child test process exits
        }
        limit
    }

    fn restore_descriptors(limit: libc::rlimit) {
        // SAFETY: sets the limit read before.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
    }
}

/// Set by `cancelling_inspect` at its first inspection, as an abort in the middle of a scan.
static MID_SCAN: std::sync::LazyLock<Cancel> = std::sync::LazyLock::new(Cancel::new);

fn cancelling_inspect(file: &File, path: &Path) -> Result<GoBinaryInfo, InspectError> {
    MID_SCAN.cancel();
    inspect_file(file, path)
}

#[test]
fn a_cancelled_scan_fails_as_cancelled_and_the_scanner_scans_on() {
    let _turn = take_turn();
    let mut gofmt = start_gofmt();
    let config_dir = std::env::temp_dir().join("gops-scanner-no-agents");
    let found = |result: &ScanResult| {
        result
            .processes
            .iter()
            .find(|p| p.pid == gofmt.id())
            .map(|p| (p.runtime, p.go.clone(), p.unchanged))
    };

    let already = Cancel::new();
    already.cancel();
    let mut scanner = scanner();
    let error = scanner.scan_until(Some(&already)).unwrap_err();
    assert!(crate::cancel::is_cancel(&error), "{error}");

    // Cancelled while inspecting a cold scan's executables: no process is known afterwards, and
    // the next scan, without a Cancel, reports our Go process as new, as a fresh scanner does.
    let mut cancelled = Scanner::with_inspector(ScanOptions::new(config_dir), cancelling_inspect);
    let error = cancelled.scan_until(Some(&MID_SCAN)).unwrap_err();
    assert!(crate::cancel::is_cancel(&error), "{error}");
    assert!(cancelled.processes.is_empty());
    let after = found(&cancelled.scan().unwrap()).expect("gofmt reported after the cancel");
    let fresh = found(&scanner.scan().unwrap()).expect("gofmt reported by a fresh scanner");
    assert_eq!(after, fresh);
    assert_eq!((after.0, after.2), (Runtime::Go, false));
    gofmt.kill().unwrap();
    gofmt.wait().unwrap();
}
