//! Go processes starting and exiting, as batches of changes. On Linux the kernel's process
//! events say which PIDs to look at, so a new process is reported within milliseconds of its
//! `exec`, an exit within milliseconds of the exit, and a quiet host costs no rescans (only the
//! Node processes' port files are looked at again every interval: an agent started after their
//! exec shows only there). Where events are unavailable (not permitted, another system, a connector that fails) it polls with
//! full scans instead; after lost events (the socket overran) it rescans everything once.
//!
//! A process is its PID and its start time: a PID that now names another process is an exit
//! and a start.

use crate::cancel::{is_cancel, Cancel};
use crate::follow::Follower;
pub use crate::follow::{Mode, Requested};
use crate::scanner::{FoundProcess, ScanOptions, Scanner};
use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

#[cfg(target_os = "linux")]
use crate::follow::Followed;
#[cfg(target_os = "linux")]
use crate::process::events::ProcessEvent;

#[derive(Clone, Copy, Debug)]
pub struct WatchOptions {
    /// Time between scans when polling.
    pub interval: Duration,
    pub mode: Requested,
}

/// One batch of changes, in the order they should be told: exits first.
#[derive(Debug)]
pub struct Changes {
    pub exited: Vec<FoundProcess>,
    pub started: Vec<FoundProcess>,
    pub mode: Mode,
    /// Why polling is used though events were not refused by the caller.
    pub fallback: Option<String>,
    /// Events were lost (the socket overran): this batch comes from a full rescan.
    pub resynced: bool,
}

/// A child forked by a listed process runs its parent's executable until it execs (Go's
/// `os/exec` execs within a millisecond); one that has not exec'd after this long is looked at.
/// Also the pause before a process whose read failed is looked at again.
#[cfg(target_os = "linux")]
const FORK_GRACE: Duration = Duration::from_millis(25);

/// What the watcher keeps between waits for events.
#[cfg(target_os = "linux")]
struct Pending {
    received: Vec<ProcessEvent>,
    /// Children of listed processes that have not exec'd yet, and when to look at them.
    forks: HashMap<u32, Instant>,
    /// When to look at the Node processes' port files again: an agent started (or closed)
    /// long after its exec shows only there, and no process event announces it.
    node_check: Instant,
    /// When to look again at processes whose read failed (the scanner keeps which).
    retry: Instant,
}

pub struct Watcher {
    scanner: Scanner,
    follower: Follower,
    #[cfg(target_os = "linux")]
    pending: Pending,
    interval: Duration,
    /// What has been told as started and not yet as exited, by PID.
    reported: HashMap<u32, FoundProcess>,
    first_told: bool,
    waker: Waker,
}

impl Watcher {
    /// Subscribes to process events (unless polling was asked for) before anything is scanned,
    /// so nothing that happens from here on is missed.
    pub fn open(options: ScanOptions, watch: WatchOptions) -> io::Result<Watcher> {
        Watcher::open_with(options, watch, crate::follow::SOCKET_BUFFER)
    }

    /// `socket_buffer`: what the kernel keeps of unread events (tests make it overrun).
    fn open_with(
        options: ScanOptions,
        watch: WatchOptions,
        socket_buffer: usize,
    ) -> io::Result<Watcher> {
        Ok(Watcher {
            follower: Follower::open(watch.mode, socket_buffer)?,
            scanner: Scanner::new(options),
            #[cfg(target_os = "linux")]
            pending: Pending {
                received: Vec::new(),
                forks: HashMap::new(),
                node_check: Instant::now(),
                retry: Instant::now(),
            },
            interval: watch.interval,
            reported: HashMap::new(),
            first_told: false,
            waker: Waker::new()?,
        })
    }

    pub fn mode(&self) -> Mode {
        self.follower.mode()
    }

    /// Why events are not used, when they were not refused by the caller.
    pub fn fallback(&self) -> Option<&str> {
        self.follower.fallback()
    }

    /// Ends a `next_changes` waiting on another thread, and every later one.
    pub fn waker(&self) -> Waker {
        self.waker.clone()
    }

    /// Blocks until something changed; None once woken. The first call reports every process
    /// already running as started.
    pub fn next_changes(&mut self) -> io::Result<Option<Changes>> {
        if !self.first_told {
            self.first_told = true;
            return self.rescan_all(false);
        }
        loop {
            if self.waker.is_woken() {
                return Ok(None);
            }
            let changes = match self.mode() {
                #[cfg(target_os = "linux")]
                Mode::Events => self.next_events(),
                #[cfg(not(target_os = "linux"))]
                Mode::Events => unreachable!("no events source here"),
                Mode::Polling => {
                    if self.waker.sleep(self.interval) {
                        return Ok(None);
                    }
                    self.rescan_all(false)
                }
            };
            match changes? {
                Some(changes) if changes.is_worth_telling() => return Ok(Some(changes)),
                Some(_) => {}
                None => return Ok(None),
            }
        }
    }

    /// Waits for events and looks at the processes they name.
    #[cfg(target_os = "linux")]
    fn next_events(&mut self) -> io::Result<Option<Changes>> {
        let watching_node = self.scanner.has_node_processes();
        let retrying = !self.scanner.retries().is_empty();
        let Pending {
            received,
            forks,
            node_check,
            retry,
        } = &mut self.pending;
        let now = Instant::now();
        let timeout = forks
            .values()
            .copied()
            .chain(watching_node.then_some(*node_check))
            .chain(retrying.then_some(*retry))
            .min()
            .map(|due| due.saturating_duration_since(now));
        match self.follower.wait(self.waker.fd(), timeout, received) {
            Followed::Woken => Ok(None),
            Followed::Lost => {
                forks.clear();
                self.rescan_all(true)
            }
            Followed::Events | Followed::TimedOut => Ok(Some(self.apply_events())),
        }
    }

    /// Exits of listed processes are told at once; exec'd processes, forked children of listed
    /// ones that have not exec'd in time, and processes whose read failed are looked at.
    #[cfg(target_os = "linux")]
    fn apply_events(&mut self) -> Changes {
        let Pending {
            received,
            forks,
            node_check,
            retry,
        } = &mut self.pending;
        let mut exited = Vec::new();
        let mut look: Vec<u32> = Vec::new();
        for event in received.drain(..) {
            match event {
                ProcessEvent::Exec { pid } => {
                    forks.remove(&pid);
                    look.push(pid);
                }
                ProcessEvent::Fork { parent, child } if self.reported.contains_key(&parent) => {
                    forks.insert(child, Instant::now() + FORK_GRACE);
                }
                ProcessEvent::Fork { .. } => {}
                ProcessEvent::Exit { pid } => {
                    forks.remove(&pid);
                    look.retain(|&p| p != pid);
                    self.scanner.forget(pid);
                    exited.extend(self.reported.remove(&pid));
                }
            }
        }
        let now = Instant::now();
        if *node_check <= now {
            look.extend(self.scanner.node_agents_changed());
            *node_check = now + self.interval;
        }
        if *retry <= now {
            look.extend(self.scanner.retries());
            *retry = now + FORK_GRACE;
        }
        forks.retain(|&pid, due| {
            let waiting = *due > now;
            if !waiting {
                look.push(pid);
            }
            waiting
        });
        look.sort_unstable();
        look.dedup();
        let mut changes = self.changes(exited, false);
        if !look.is_empty() {
            let found = self.scanner.rescan(&look).processes;
            self.settle(look.into_iter(), found, &mut changes);
        }
        changes
    }

    /// A full scan, compared with everything told so far; None when woken during it (the scan
    /// stops at its next process, so closing a watch does not wait for a long first scan).
    fn rescan_all(&mut self, resynced: bool) -> io::Result<Option<Changes>> {
        let found = match self.scanner.scan_until(Some(&self.waker.0.cancel)) {
            Ok(result) => result.processes,
            Err(error) if is_cancel(&error) => return Ok(None),
            Err(error) => return Err(error),
        };
        let mut pids: Vec<u32> = self.reported.keys().copied().collect();
        pids.extend(found.iter().map(|p| p.pid));
        pids.sort_unstable();
        pids.dedup();
        let mut changes = self.changes(Vec::new(), resynced);
        self.settle(pids.into_iter(), found, &mut changes);
        Ok(Some(changes))
    }

    /// Compares what was found for `pids` with what was told about them.
    fn settle(
        &mut self,
        pids: impl Iterator<Item = u32>,
        found: Vec<FoundProcess>,
        changes: &mut Changes,
    ) {
        let mut found: HashMap<u32, FoundProcess> = found.into_iter().map(|p| (p.pid, p)).collect();
        for pid in pids {
            let now = found.remove(&pid);
            let same = matches!((self.reported.get(&pid), &now), (Some(old), Some(new)) if old.started == new.started);
            if !same {
                changes.exited.extend(self.reported.remove(&pid));
            }
            if let Some(process) = now {
                if !same {
                    changes.started.push(process.clone());
                }
                self.reported.insert(pid, process);
            }
        }
    }

    fn changes(&self, exited: Vec<FoundProcess>, resynced: bool) -> Changes {
        Changes {
            exited,
            started: Vec::new(),
            mode: self.mode(),
            fallback: self.fallback().map(str::to_owned),
            resynced,
        }
    }
}

impl Changes {
    /// Something to tell: a start, an exit, or news about the mode or lost events.
    fn is_worth_telling(&self) -> bool {
        !self.started.is_empty() || !self.exited.is_empty() || self.resynced
    }
}

/// Wakes a watcher's `next_changes` from another thread, for good: a sleeping poll through a condition
/// variable, a wait for events through a descriptor that becomes readable.
#[derive(Clone)]
pub struct Waker(Arc<WakeState>);

struct WakeState {
    woken: Mutex<bool>,
    /// Set with `woken`: stops a full scan under way.
    cancel: Cancel,
    signal: Condvar,
    #[cfg(target_os = "linux")]
    fd: std::os::fd::OwnedFd,
}

impl Waker {
    fn new() -> io::Result<Waker> {
        Ok(Waker(Arc::new(WakeState {
            woken: Mutex::new(false),
            cancel: Cancel::new(),
            signal: Condvar::new(),
            #[cfg(target_os = "linux")]
            fd: event_fd()?,
        })))
    }

    pub fn wake(&self) {
        *self.0.woken.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.0.cancel.cancel();
        self.0.signal.notify_all();
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let one = 1u64.to_ne_bytes();
            // SAFETY: writes 8 bytes from a local to an eventfd we own. A full counter (never,
            // at one write per wake) would only mean it is readable already.
            unsafe { libc::write(self.0.fd.as_raw_fd(), one.as_ptr().cast(), one.len()) };
        }
    }

    fn is_woken(&self) -> bool {
        *self.0.woken.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sleeps for `period` unless woken first; true when woken.
    fn sleep(&self, period: Duration) -> bool {
        let deadline = Instant::now() + period;
        let mut woken = self.0.woken.lock().unwrap_or_else(|e| e.into_inner());
        while !*woken {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            woken = self
                .0
                .signal
                .wait_timeout(woken, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }

    #[cfg(target_os = "linux")]
    fn fd(&self) -> std::os::fd::BorrowedFd<'_> {
        use std::os::fd::AsFd;
        self.0.fd.as_fd()
    }
}

#[cfg(target_os = "linux")]
fn event_fd() -> io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: eventfd takes no pointers; the descriptor it returns is ours alone.
    let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: just created, owned by nobody else.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{expects_process_events, start_gofmt};
    use std::process::Command;

    fn options() -> ScanOptions {
        ScanOptions::new(std::env::temp_dir().join("gops-watcher-no-agents"))
    }

    fn watch(mode: Requested) -> WatchOptions {
        WatchOptions {
            interval: Duration::from_millis(50),
            mode,
        }
    }

    /// Calls `next` until `pid` is told as started (or exited), collecting every batch; gives up
    /// (and fails) after 20 s, however quiet the host.
    fn until(watcher: &mut Watcher, pid: u32, started: bool) -> (Vec<Changes>, Duration) {
        let began = Instant::now();
        let waker = watcher.waker();
        let done = Arc::new(Mutex::new(false));
        let timer = {
            let done = done.clone();
            std::thread::spawn(move || {
                for _ in 0..200 {
                    std::thread::sleep(Duration::from_millis(100));
                    if *done.lock().unwrap() {
                        return;
                    }
                }
                waker.wake();
            })
        };
        let mut batches = Vec::new();
        loop {
            let changes = watcher.next_changes().unwrap().expect("gave up after 20 s");
            let list = if started {
                &changes.started
            } else {
                &changes.exited
            };
            let found = list.iter().any(|p| p.pid == pid);
            batches.push(changes);
            if found {
                break;
            }
        }
        let took = began.elapsed();
        *done.lock().unwrap() = true;
        timer.join().unwrap();
        (batches, took)
    }

    /// Root on the host always gets events; others skip (kernels differ).
    fn has_events(watcher: &Watcher) -> bool {
        if watcher.mode() == Mode::Events {
            return true;
        }
        let why = watcher.fallback().unwrap_or("no events");
        assert!(!expects_process_events(), "root got no events: {why}");
        eprintln!("skipped: {why}");
        false
    }

    fn events_watcher() -> Option<Watcher> {
        let watcher = Watcher::open(options(), watch(Requested::Auto)).unwrap();
        has_events(&watcher).then_some(watcher)
    }

    #[test]
    fn tells_a_go_process_start_and_exit_from_events() {
        let Some(mut watcher) = events_watcher() else {
            return;
        };
        watcher.next_changes().unwrap().unwrap(); // every process already running
        let mut gofmt = start_gofmt();
        let pid = gofmt.id();
        let (batches, _) = until(&mut watcher, pid, true);
        let last = batches.last().unwrap();
        let found = last.started.iter().find(|p| p.pid == pid).unwrap();
        assert_eq!(
            (found.name.as_str(), found.ppid),
            ("gofmt", std::process::id())
        );
        assert!(batches
            .iter()
            .all(|b| b.mode == Mode::Events && !b.resynced));
        gofmt.kill().unwrap();
        gofmt.wait().unwrap();
        let (batches, _) = until(&mut watcher, pid, false);
        assert!(batches
            .iter()
            .all(|b| b.started.iter().all(|p| p.pid != pid)));
    }

    #[test]
    fn polls_when_asked_to() {
        let mut watcher = Watcher::open(options(), watch(Requested::Polling)).unwrap();
        assert_eq!((watcher.mode(), watcher.fallback()), (Mode::Polling, None));
        watcher.next_changes().unwrap().unwrap();
        let mut gofmt = start_gofmt();
        let pid = gofmt.id();
        let (batches, _) = until(&mut watcher, pid, true);
        assert!(batches.iter().all(|b| b.mode == Mode::Polling));
        gofmt.kill().unwrap();
        gofmt.wait().unwrap();
        until(&mut watcher, pid, false);
    }

    #[test]
    fn a_wake_stops_the_first_full_scan_instead_of_waiting_for_it() {
        let mut watcher = Watcher::open(options(), watch(Requested::Polling)).unwrap();
        watcher.waker().wake();
        // Without the wake, the first call reports every process already running.
        assert!(watcher.next_changes().unwrap().is_none());
        assert!(watcher.reported.is_empty());
    }

    #[test]
    fn a_wake_ends_a_waiting_next_in_either_mode() {
        for mode in [Requested::Auto, Requested::Polling] {
            let mut watcher = Watcher::open(
                options(),
                WatchOptions {
                    interval: Duration::from_secs(3600),
                    mode,
                },
            )
            .unwrap();
            watcher.next_changes().unwrap().unwrap();
            let waker = watcher.waker();
            let waiting = std::thread::spawn(move || {
                // A busy host keeps events coming: only the wake may end this.
                loop {
                    if watcher.next_changes().unwrap().is_none() {
                        return watcher;
                    }
                }
            });
            std::thread::sleep(Duration::from_millis(100));
            let woken = Instant::now();
            waker.wake();
            let mut watcher = waiting.join().unwrap();
            assert!(woken.elapsed() < Duration::from_secs(2), "{mode:?}");
            assert!(
                watcher.next_changes().unwrap().is_none(),
                "a wake is for good"
            );
        }
    }

    #[test]
    fn rescans_everything_after_lost_events() {
        // The smallest buffer the kernel allows: a burst of processes overruns it.
        let mut watcher = Watcher::open_with(options(), watch(Requested::Auto), 1).unwrap();
        if !has_events(&watcher) {
            return;
        }
        watcher.next_changes().unwrap().unwrap();
        let mut gofmt = start_gofmt();
        for _ in 0..200 {
            Command::new("true").status().unwrap();
        }
        let (batches, _) = until(&mut watcher, gofmt.id(), true);
        assert!(
            batches.iter().any(|b| b.resynced),
            "200 processes did not overrun a minimal socket buffer"
        );
        gofmt.kill().unwrap();
        gofmt.wait().unwrap();
    }

    #[test]
    fn refuses_events_where_they_were_required_and_unavailable() {
        // Without the connector (another network namespace, a non-Linux system, no privilege)
        // `Events` is an error and `Auto` falls back; as root here, the connector works.
        match Watcher::open(options(), watch(Requested::Events)) {
            Ok(watcher) => assert!(has_events(&watcher)),
            Err(error) => {
                assert!(error.to_string().contains("process events"), "{error}");
                let auto = Watcher::open(options(), watch(Requested::Auto)).unwrap();
                assert_eq!(auto.mode(), Mode::Polling);
                assert!(auto.fallback().unwrap().contains("process events"));
            }
        }
    }
}
