//! `processDetails` and `processDetailsSync`: gops-core's reader of one process's details
//! (`gops <pid>`) as a JS object. Errors keep the core's stable code and its message naming the PID.

use gops_core::process::info::{self as core, Connection, Endpoint};
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;
use std::time::UNIX_EPOCH;

use crate::coded_error::coded_error;
use crate::panics::contained;

#[napi(object)]
pub struct NativeEndpoint {
    pub address: String,
    pub port: u32,
}

#[napi(object)]
pub struct NativeConnection {
    /// tcp, tcp6, udp, udp6 or unix.
    pub protocol: String,
    pub local: NativeEndpoint,
    pub remote: NativeEndpoint,
    pub state: String,
}

#[napi(object)]
pub struct NativeProcessDetails {
    pub pid: u32,
    pub ppid: Option<u32>,
    pub name: String,
    pub threads: Option<u32>,
    pub rss_bytes: Option<f64>,
    pub memory_percent: Option<f64>,
    pub cpu_seconds: Option<f64>,
    pub cpu_percent: Option<f64>,
    pub uid: Option<u32>,
    pub username: Option<String>,
    pub args: Option<Vec<String>>,
    /// Milliseconds since the Unix epoch.
    pub started_ms: f64,
    pub connections: Option<Vec<NativeConnection>>,
}

pub struct Failure {
    code: String,
    message: String,
}

fn endpoint(e: Endpoint) -> NativeEndpoint {
    NativeEndpoint {
        address: e.address,
        port: u32::from(e.port),
    }
}

fn connection(c: Connection) -> NativeConnection {
    NativeConnection {
        protocol: c.protocol.name().to_owned(),
        local: endpoint(c.local),
        remote: endpoint(c.remote),
        state: c.state.to_owned(),
    }
}

fn convert(info: core::ProcessInfo) -> NativeProcessDetails {
    NativeProcessDetails {
        pid: info.pid,
        ppid: info.ppid,
        name: info.name,
        threads: info.threads,
        rss_bytes: info.rss_bytes.map(|b| b as f64),
        memory_percent: info.memory_percent,
        cpu_seconds: info.cpu_seconds,
        cpu_percent: info.cpu_percent,
        uid: info.uid,
        username: info.username,
        args: info.args,
        started_ms: info
            .started
            .duration_since(UNIX_EPOCH)
            // Whole milliseconds first: exact, as a start time in ticks usually is.
            .map_or(0.0, |d| {
                d.as_millis() as f64 + f64::from(d.subsec_nanos() % 1_000_000) / 1e6
            }),
        connections: info
            .connections
            .map(|list| list.into_iter().map(connection).collect()),
    }
}

/// A bug in the reader (a panic) fails this call with `INTERNAL_ERROR`, never the process.
fn read(pid: u32) -> Result<NativeProcessDetails, Failure> {
    match contained(|| core::process_info(pid)) {
        Ok(Ok(info)) => Ok(convert(info)),
        Ok(Err(e)) => Err(Failure {
            code: e.code().to_owned(),
            message: e.to_string(),
        }),
        Err(panic) => Err(Failure {
            code: "INTERNAL_ERROR".to_owned(),
            message: format!("cannot read process {pid}: internal error: {panic}"),
        }),
    }
}

pub struct ProcessDetails {
    pid: u32,
}

impl Task for ProcessDetails {
    type Output = Result<NativeProcessDetails, Failure>;
    type JsValue = NativeProcessDetails;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(read(self.pid))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        output.map_err(|failure| coded_error(env, failure.code, failure.message))
    }
}

/// Reads one process's details off the JS thread.
#[napi(ts_return_type = "Promise<NativeProcessDetails>")]
pub fn process_details(pid: u32) -> AsyncTask<ProcessDetails> {
    AsyncTask::new(ProcessDetails { pid })
}

/// Reads one process's details on the calling thread.
#[napi]
pub fn process_details_sync(pid: u32) -> napi::Result<NativeProcessDetails, String> {
    read(pid).map_err(|failure| napi::Error::new(failure.code, failure.message))
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
