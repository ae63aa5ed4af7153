//! `Scanner` for JavaScript: a gops-core scanner behind a mutex, scanned off the JS thread
//! (`scan`) or on it (`scanSync`), until `close` drops it (and its events socket).
use gops_core::cancel::{is_cancel, Cancel};
use gops_core::follow::{Mode, Requested};
use gops_core::scanner::{FoundProcess, Runtime, ScanOptions, ScanResult, Scanner};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::coded_error::{abortable, Failed, TaskErrorCode};
use crate::epoch::epoch_ms;
use crate::panics::contained;

#[napi(object)]
pub struct NativeScannerOptions {
    /// The gops config directory holding agents' port files.
    pub config_dir: String,
    pub concurrency: Option<u32>,
    pub include_node: Option<bool>,
}

// What the public API's types are made of (`src/discover.ts` derives them from the declarations
// `napi build` writes, `src/native-types.ts`): the fields' doc comments here are the ones users read.

#[napi(object)]
pub struct NativeModule {
    /// The main module's path.
    pub path: String,
    /// Its version (`(devel)` for a build outside a module version).
    pub version: String,
}

#[napi(object)]
pub struct NativeBuildInfo {
    /// The main package's import path.
    pub path: String,
    /// The main module; absent when the build info names none.
    pub main: Option<NativeModule>,
}

#[napi(object)]
pub struct NativeContainer {
    /// The process's cgroup path.
    pub cgroup: String,
    /// The container ID, when the cgroup path names one.
    pub id: Option<String>,
}

#[napi(string_enum = "lowercase")]
pub enum ProcessRuntime {
    Go,
    Node,
}

#[napi(object)]
pub struct NativeProcess {
    /// The process ID, in our PID namespace.
    pub pid: u32,
    /// The parent's process ID.
    pub ppid: u32,
    /// gops's name: the kernel's short name, extended from argv[0] when it was cut off.
    pub name: String,
    /// The executable, as the process sees it (inside its container, if any).
    pub path: String,
    /// The executable was deleted after the process started.
    pub deleted: bool,
    /// `go`, or `node` for a Node process running a gops-native agent.
    pub runtime: ProcessRuntime,
    /// Absent for Node processes, and for Go binaries that kept no trace of their Go version.
    pub go_version: Option<String>,
    /// The main package and module from the build info; absent when the binary kept none.
    pub build_info: Option<NativeBuildInfo>,
    /// A gops port file written since the process started exists for it.
    pub agent: bool,
    /// The TCP port its agent listens on, from that port file (on the process's loopback);
    /// absent without an agent, or when the file holds no port (being written).
    pub agent_port: Option<u32>,
    /// The agent's port file, as this process sees the file system (under `/proc/<pid>/root`
    /// for a process in another mount namespace); absent without an agent.
    pub port_file: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub started_ms: f64,
    /// The PID inside the process's own PID namespace, when that differs from ours.
    pub ns_pid: Option<u32>,
    /// Set when the process runs in another PID or mount namespace.
    pub container: Option<NativeContainer>,
}

#[napi(object)]
pub struct NativeScanStats {
    /// Processes listed.
    pub scanned: u32,
    /// Go processes found.
    pub go: u32,
    /// Node processes running a gops-native agent found.
    pub node: u32,
    /// Skipped: not permitted to look at them.
    pub denied: u32,
    /// Skipped: exited during the scan.
    pub vanished: u32,
    /// Skipped: reading them failed on our side (e.g. out of file descriptors); the result may
    /// be incomplete.
    pub unreadable: u32,
    /// Processes whose executable was known from an earlier scan (not opened again).
    pub cache_hits: u32,
    /// Executables opened and inspected by this scan.
    pub inspected: u32,
    /// Wall time of the scan inside the addon, in milliseconds.
    pub duration_ms: f64,
}

#[napi(object)]
pub struct NativeScanResult {
    /// Processes new or changed since this scanner's previous scan.
    pub processes: Vec<NativeProcess>,
    /// PIDs reported exactly as by the previous scan: the caller reuses what it built then.
    pub unchanged: Uint32Array,
    pub stats: NativeScanStats,
    /// After this scan (a failed events socket turns into polling).
    pub mode: NativeMode,
    pub fallback: Option<String>,
    /// Full scans made so far because events were lost.
    pub resyncs: u32,
}

/// How a scanner or a watcher opened: the mode and why it polls, if it does. Both classes show
/// it through the same two getters; napi-rs cannot share them (a `#[napi]` class has no
/// inheritance and exports only methods of its own `#[napi] impl`, not a trait's), so each
/// class keeps two one-line getters over this.
pub(crate) struct Opened {
    mode: Mode,
    fallback: Option<String>,
}

impl Opened {
    pub(crate) fn new(mode: Mode, fallback: Option<&str>) -> Opened {
        Opened {
            mode,
            fallback: fallback.map(str::to_owned),
        }
    }

    pub(crate) fn mode(&self) -> NativeMode {
        mode_name(self.mode)
    }

    pub(crate) fn fallback(&self) -> Option<String> {
        self.fallback.clone()
    }
}

/// Opening fails only where events were required and are unavailable (or no descriptor is left).
pub(crate) fn open_failed(error: std::io::Error) -> Error {
    Error::new(Status::GenericFailure, error.to_string())
}

/// The scanner, None once closed; and what `close` needs to stop a scan under way.
struct Slot {
    scanner: Mutex<Option<Scanner>>,
    /// Set by `close`.
    closed: Cancel,
    /// The running scan's Cancel, set by `close` too.
    running: Mutex<Option<Cancel>>,
}

#[napi(js_name = "Scanner")]
pub struct JsScanner {
    slot: Arc<Slot>,
    /// As opened: later modes come with the scans.
    opened: Opened,
}

#[napi]
impl JsScanner {
    /// `mode`: "polling" (every scan lists /proc), "auto" or "events" (follow the kernel's
    /// process events). Fails only when events were required and are unavailable.
    #[napi(constructor)]
    pub fn new(options: NativeScannerOptions, mode: NativeRequestedMode) -> Result<Self> {
        let scanner =
            Scanner::following(core_options(options), requested(mode)).map_err(open_failed)?;
        Ok(JsScanner {
            opened: Opened::new(scanner.mode(), scanner.fallback()),
            slot: Arc::new(Slot {
                scanner: Mutex::new(Some(scanner)),
                closed: Cancel::new(),
                running: Mutex::new(None),
            }),
        })
    }

    /// The mode it opened in; each scan says the current one.
    #[napi(getter)]
    pub fn mode(&self) -> NativeMode {
        self.opened.mode()
    }

    /// Why it polls though events were not refused.
    #[napi(getter)]
    pub fn fallback(&self) -> Option<String> {
        self.opened.fallback()
    }

    /// Scans on libuv's pool (the per-process work then runs on the scanner's own threads).
    /// `signal` stops it between items; it then rejects with code ABORTED.
    #[napi(ts_return_type = "Promise<NativeScanResult>")]
    pub fn scan(&self, signal: Option<AbortSignal>) -> AsyncTask<ScanTask> {
        let cancel = Cancel::new();
        let task = ScanTask {
            slot: self.slot.clone(),
            cancel: cancel.clone(),
        };
        abortable(task, &cancel, signal)
    }

    #[napi]
    pub fn scan_sync(&self, env: Env) -> Result<NativeScanResult> {
        run_scan(&self.slot, None)
            .map(convert)
            .map_err(|failed| failed.into_error(env))
    }

    /// Releases the scanner and what it holds (its events socket); a scan under way stops at
    /// its next check and rejects with code CLOSED, as does every later one. Idempotent.
    #[napi]
    pub fn close(&self) {
        self.slot.closed.cancel();
        if let Some(running) = lock(&self.slot.running).as_ref() {
            running.cancel();
        }
        // A scan under way holds the scanner: it drops it itself when it ends.
        if let Ok(mut scanner) = self.slot.scanner.try_lock() {
            scanner.take();
        }
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How a scanner or a watcher asked to learn of processes: `auto` follows the kernel's
/// process events where permitted and polls elsewhere.
#[napi(string_enum = "lowercase")]
pub enum NativeRequestedMode {
    Auto,
    Events,
    Polling,
}

/// How a scanner or a watcher learns of processes now.
#[napi(string_enum = "lowercase")]
pub enum NativeMode {
    Events,
    Polling,
}

pub(crate) fn requested(mode: NativeRequestedMode) -> Requested {
    match mode {
        NativeRequestedMode::Auto => Requested::Auto,
        NativeRequestedMode::Events => Requested::Events,
        NativeRequestedMode::Polling => Requested::Polling,
    }
}

pub(crate) fn mode_name(mode: Mode) -> NativeMode {
    match mode {
        Mode::Events => NativeMode::Events,
        Mode::Polling => NativeMode::Polling,
    }
}

pub(crate) fn core_options(options: NativeScannerOptions) -> ScanOptions {
    let mut core = ScanOptions::new(PathBuf::from(options.config_dir));
    if let Some(threads) = options.concurrency {
        core.concurrency = threads.max(1) as usize;
    }
    if let Some(include_node) = options.include_node {
        core.include_node = include_node;
    }
    core
}

pub struct ScanTask {
    slot: Arc<Slot>,
    cancel: Cancel,
}

impl Task for ScanTask {
    type Output = std::result::Result<Scanned, Failed<TaskErrorCode>>;
    type JsValue = NativeScanResult;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(run_scan(&self.slot, Some(&self.cancel)))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<NativeScanResult> {
        output.map(convert).map_err(|failed| failed.into_error(env))
    }
}

/// A scan's result, and the scanner's mode after it.
pub struct Scanned {
    result: ScanResult,
    mode: Mode,
    fallback: Option<String>,
    resyncs: u32,
}

/// Concurrent scans of one scanner take turns. A panic fails this scan only: whatever it left
/// in the scanner's caches is still true of its process or executable, so later scans go on.
/// Fails with ABORTED when `cancel` is set, CLOSED once the scanner was closed.
fn run_scan(
    slot: &Slot,
    cancel: Option<&Cancel>,
) -> std::result::Result<Scanned, Failed<TaskErrorCode>> {
    let closed = || Failed::Task(TaskErrorCode::Closed, "the scanner is closed".to_owned());
    let mut guard = lock(&slot.scanner);
    let scanner = match guard.as_mut() {
        Some(scanner) if !slot.closed.is_cancelled() => scanner,
        _ => return Err(closed()),
    };
    *lock(&slot.running) = cancel.cloned();
    if slot.closed.is_cancelled() {
        cancel.map(Cancel::cancel); // `close` came before the line above
    }
    let outcome = contained(|| scanner.scan_until(cancel));
    *lock(&slot.running) = None;
    let scanned = match outcome {
        Ok(Ok(result)) => Ok(Scanned {
            result,
            mode: scanner.mode(),
            fallback: scanner.fallback().map(str::to_owned),
            resyncs: scanner.resyncs(),
        }),
        Ok(Err(e)) if is_cancel(&e) && slot.closed.is_cancelled() => Err(closed()),
        Ok(Err(e)) if is_cancel(&e) => Err(Failed::Task(
            TaskErrorCode::Aborted,
            "the scan was aborted".to_owned(),
        )),
        Ok(Err(e)) => Err(Failed::Uncoded(e.to_string())),
        Err(panic) => Err(Failed::Uncoded(format!(
            "scan failed: internal error: {panic}"
        ))),
    };
    drop(guard);
    if slot.closed.is_cancelled() {
        lock(&slot.scanner).take(); // `close` found it busy with this scan
    }
    scanned
}

fn convert(scanned: Scanned) -> NativeScanResult {
    let result = scanned.result;
    let stats = result.stats;
    let (unchanged, changed): (Vec<_>, Vec<_>) =
        result.processes.into_iter().partition(|p| p.unchanged);
    NativeScanResult {
        processes: changed.into_iter().map(convert_process).collect(),
        unchanged: Uint32Array::new(unchanged.iter().map(|p| p.pid).collect()),
        stats: NativeScanStats {
            scanned: stats.scanned as u32,
            go: stats.go as u32,
            node: stats.node as u32,
            denied: stats.denied as u32,
            vanished: stats.vanished as u32,
            unreadable: stats.unreadable as u32,
            cache_hits: stats.cache_hits as u32,
            inspected: stats.inspected as u32,
            duration_ms: stats.duration.as_secs_f64() * 1000.0,
        },
        mode: mode_name(scanned.mode),
        fallback: scanned.fallback,
        resyncs: scanned.resyncs,
    }
}

pub(crate) fn convert_process(process: FoundProcess) -> NativeProcess {
    let go = process.go.as_deref();
    NativeProcess {
        pid: process.pid,
        ppid: process.ppid,
        name: process.name,
        path: process.path.to_string_lossy().into_owned(),
        deleted: process.deleted,
        runtime: match process.runtime {
            Runtime::Go => ProcessRuntime::Go,
            Runtime::Node => ProcessRuntime::Node,
        },
        go_version: go.and_then(|go| go.version.clone()),
        build_info: go.and_then(|go| {
            Some(NativeBuildInfo {
                path: go.path.clone()?,
                main: go
                    .main_module
                    .clone()
                    .map(|(path, version)| NativeModule { path, version }),
            })
        }),
        agent: process.agent,
        agent_port: process
            .agent_file
            .as_ref()
            .and_then(|file| file.port)
            .map(u32::from),
        port_file: process
            .agent_file
            .map(|file| file.path.to_string_lossy().into_owned()),
        started_ms: epoch_ms(process.started),
        ns_pid: process.isolation.ns_pid,
        container: process.isolation.container.map(|c| NativeContainer {
            cgroup: c.cgroup,
            id: c.id,
        }),
    }
}
