//! `processDetails` and `processDetailsSync`: gops-core's reader of one process's details
//! (`gops <pid>`) as a JS object. Errors keep the core's stable code and its message naming the PID.

use gops_core::cancel::Cancel;
use gops_core::process::info::{self as core, Connection, Endpoint, Protocol};
use napi::bindgen_prelude::{AbortSignal, AsyncTask};
use napi::{Env, Task};
use napi_derive::napi;

use crate::coded_error::{abortable, Failed, ProcessErrorCode, TaskErrorCode};
use crate::epoch::epoch_ms;
use crate::panics::contained;

// What the public API's types are made of (`src/process-details.ts` derives them from the
// declarations `napi build` writes, `src/native-types.ts`): doc comments here are what users read.

#[napi(object)]
pub struct NativeEndpoint {
    /// An IP address as Go prints it (IPv4-mapped IPv6 as a dotted quad); a Unix socket's path
    /// (empty when unnamed).
    pub address: String,
    /// 0 for Unix sockets.
    pub port: u32,
}

#[napi(string_enum = "lowercase")]
pub enum SocketProtocol {
    Tcp,
    Tcp6,
    Udp,
    Udp6,
    Unix,
}

#[napi(object)]
pub struct NativeConnection {
    /// `tcp`, `tcp6`, `udp`, `udp6` or `unix`.
    pub protocol: SocketProtocol,
    pub local: NativeEndpoint,
    pub remote: NativeEndpoint,
    /// TCP state (`LISTEN`, `ESTABLISHED`, ...); `NONE` for UDP and Unix sockets.
    pub state: String,
}

/// Absent fields are ones this platform cannot tell (the README lists them).
#[napi(object)]
pub struct NativeProcessDetails {
    /// The process ID.
    pub pid: u32,
    /// Absent for a process without a parent (PID 1, kernel-spawned processes), as gops omits it then.
    pub ppid: Option<u32>,
    /// gops's name: the kernel's short name, extended from argv[0] when it was cut off.
    pub name: String,
    /// Thread count; absent on Windows.
    pub threads: Option<u32>,
    /// Resident memory, in bytes.
    pub rss_bytes: Option<f64>,
    /// Resident memory as a percentage of the machine's RAM (computed in float32, as gops does).
    pub memory_percent: Option<f64>,
    /// CPU time over the process's whole life: user + system (+ block-I/O wait on Linux, as gops
    /// counts it).
    pub cpu_seconds: Option<f64>,
    /// `cpuSeconds` as a percentage of one core over the process's life.
    pub cpu_percent: Option<f64>,
    /// The owner's user ID; absent on Windows.
    pub uid: Option<u32>,
    /// Absent when the user ID has no name.
    pub username: Option<String>,
    /// The command line; absent where it cannot be read (macOS for now).
    pub args: Option<Vec<String>>,
    /// When the process started, in milliseconds since the Unix epoch.
    pub started_ms: f64,
    /// Its sockets in gops's order (tcp, tcp6, udp, udp6, unix); absent when they cannot be
    /// listed (another user's process, or not Linux).
    pub connections: Option<Vec<NativeConnection>>,
}

// The conversions take the core's structs apart field by field: a field added to the core fails
// to compile here until the binding passes it on (or says why not).

fn endpoint(e: Endpoint) -> NativeEndpoint {
    let Endpoint { address, port } = e;
    NativeEndpoint {
        address,
        port: u32::from(port),
    }
}

fn connection(c: Connection) -> NativeConnection {
    let Connection {
        protocol,
        local,
        remote,
        state,
    } = c;
    NativeConnection {
        protocol: match protocol {
            Protocol::Tcp => SocketProtocol::Tcp,
            Protocol::Tcp6 => SocketProtocol::Tcp6,
            Protocol::Udp => SocketProtocol::Udp,
            Protocol::Udp6 => SocketProtocol::Udp6,
            Protocol::Unix => SocketProtocol::Unix,
        },
        local: endpoint(local),
        remote: endpoint(remote),
        state: state.to_owned(),
    }
}

fn convert(info: core::ProcessInfo) -> NativeProcessDetails {
    let core::ProcessInfo {
        pid,
        ppid,
        name,
        threads,
        rss_bytes,
        memory_percent,
        cpu_seconds,
        cpu_percent,
        uid,
        username,
        args,
        started,
        connections,
    } = info;
    NativeProcessDetails {
        pid,
        ppid,
        name,
        threads,
        rss_bytes: rss_bytes.map(|b| b as f64),
        memory_percent,
        cpu_seconds,
        cpu_percent,
        uid,
        username,
        args,
        started_ms: epoch_ms(started),
        connections: connections.map(|list| list.into_iter().map(connection).collect()),
    }
}

/// A bug in the reader (a panic) fails this call with `INTERNAL_ERROR`, never the process.
fn read(pid: u32) -> Result<NativeProcessDetails, Failed<ProcessErrorCode>> {
    match contained(|| core::process_info(pid)) {
        Ok(Ok(info)) => Ok(convert(info)),
        Ok(Err(e)) => Err(Failed::Own(e.code().into(), e.to_string())),
        Err(panic) => Err(Failed::Own(
            ProcessErrorCode::InternalError,
            format!("cannot read process {pid}: internal error: {panic}"),
        )),
    }
}

pub struct ProcessDetails {
    pid: u32,
    cancel: Cancel,
}

impl Task for ProcessDetails {
    type Output = Result<NativeProcessDetails, Failed<ProcessErrorCode>>;
    type JsValue = NativeProcessDetails;

    /// One process's reads are a few files (and its socket tables): only a start after the
    /// abort is refused, and a read the abort overtook is not returned.
    fn compute(&mut self) -> napi::Result<Self::Output> {
        let pid = self.pid;
        let aborted = || {
            let message = format!("reading process {pid} aborted");
            Failed::Task(TaskErrorCode::Aborted, message)
        };
        if self.cancel.is_cancelled() {
            return Ok(Err(aborted()));
        }
        let read = read(pid);
        Ok(if self.cancel.is_cancelled() {
            Err(aborted())
        } else {
            read
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        output.map_err(|failed| failed.into_error(env))
    }
}

/// Reads one process's details off the JS thread.
#[napi(ts_return_type = "Promise<NativeProcessDetails>")]
pub fn process_details(pid: u32, signal: Option<AbortSignal>) -> AsyncTask<ProcessDetails> {
    let cancel = Cancel::new();
    abortable(
        ProcessDetails {
            pid,
            cancel: cancel.clone(),
        },
        &cancel,
        signal,
    )
}

/// Reads one process's details on the calling thread.
#[napi]
pub fn process_details_sync(env: Env, pid: u32) -> napi::Result<NativeProcessDetails> {
    read(pid).map_err(|failed| failed.into_error(env))
}

/// The unit of process times in `/proc` (`sysconf(_SC_CLK_TCK)`); null off Linux. The client,
/// which works without the addon, assumes 100: a test pins the two.
#[napi]
pub fn clock_ticks_per_second() -> Option<u32> {
    #[cfg(target_os = "linux")]
    return u32::try_from(gops_core::process::procfs::ticks_per_second()).ok();
    #[cfg(not(target_os = "linux"))]
    None
}
