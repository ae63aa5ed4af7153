//! One process's details, as `gops <pid>` shows them: parent, threads, memory, CPU, owner,
//! command line, start time and sockets. Linux reads `/proc` (through `procfs` and `sockets`);
//! macOS asks libproc; elsewhere `sysinfo` answers. A field a platform cannot tell is None.

// The socket types are shared with the socket reader (`process::sockets`), which this module
// uses: they live apart so that the two depend on them one way, not on each other.
pub use super::connection::{Connection, Endpoint, Protocol};
use super::Skip;
use std::fmt;
use std::time::SystemTime;

per_os_platform!();

#[derive(Clone, Debug, PartialEq)]
pub struct ProcessInfo {
    pub pid: u32,
    /// None for a process without a parent (PID 1, kernel-spawned ones).
    pub ppid: Option<u32>,
    /// gops's name: the kernel's short name, extended from argv[0] when it was cut off.
    pub name: String,
    pub threads: Option<u32>,
    /// Resident memory.
    pub rss_bytes: Option<u64>,
    /// Resident memory as a percentage of the machine's RAM, computed in f32 as gops does.
    pub memory_percent: Option<f64>,
    /// CPU time over the process's whole life (user + system, plus block-I/O wait where the
    /// kernel counts it, as gops does).
    pub cpu_seconds: Option<f64>,
    /// `cpu_seconds` as a percentage of one core over the process's life.
    pub cpu_percent: Option<f64>,
    pub uid: Option<u32>,
    /// None when the user ID has no name.
    pub username: Option<String>,
    /// The command line; None where it cannot be read.
    pub args: Option<Vec<String>>,
    pub started: SystemTime,
    /// Its sockets in gops's order (tcp, tcp6, udp, udp6, unix); None where they cannot be
    /// listed (another user's process, or a platform without the reader).
    pub connections: Option<Vec<Connection>>,
}

/// The stable code of an `InfoError`; its spelling (`PROCESS_NOT_FOUND`, ...) belongs to the
/// binding, which maps each variant to its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    ProcessNotFound,
    PermissionDenied,
    ProcessUnreadable,
}

/// Why a process's details could not be read; the message names the PID.
#[derive(Debug)]
pub struct InfoError {
    pub pid: u32,
    pub kind: Skip,
    detail: String,
}

impl InfoError {
    pub(crate) fn new(pid: u32, kind: Skip, detail: impl Into<String>) -> InfoError {
        InfoError {
            pid,
            kind,
            detail: detail.into(),
        }
    }

    #[cfg_attr(not(unix), allow(dead_code))] // sysinfo reports no errors
    pub(crate) fn from_io(pid: u32, error: &std::io::Error) -> InfoError {
        InfoError::new(pid, Skip::from_io(error), error.to_string())
    }

    /// A stable code for callers.
    pub fn code(&self) -> ErrorCode {
        match self.kind {
            Skip::Vanished => ErrorCode::ProcessNotFound,
            Skip::Denied => ErrorCode::PermissionDenied,
            Skip::NoExecutable | Skip::Unreadable => ErrorCode::ProcessUnreadable,
        }
    }
}

impl fmt::Display for InfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pid = self.pid;
        match self.kind {
            Skip::Vanished => write!(f, "no process with PID {pid}"),
            Skip::Denied => write!(
                f,
                "not permitted to read process {pid}: run as its user or root"
            ),
            _ => write!(f, "cannot read process {pid}: {}", self.detail),
        }
    }
}

impl std::error::Error for InfoError {}

/// Reads one process's details now.
pub fn process_info(pid: u32) -> Result<ProcessInfo, InfoError> {
    platform::read(pid)
}

/// gops's memory percentage: RSS over total RAM, in f32 arithmetic as gopsutil computes it, so
/// the printed digits match.
fn memory_percent(rss_bytes: u64, total_bytes: u64) -> Option<f64> {
    (total_bytes > 0).then(|| f64::from(100.0 * rss_bytes as f32 / total_bytes as f32))
}

/// CPU time as a percentage of one core over the process's life so far.
fn cpu_percent(cpu_seconds: f64, started: SystemTime) -> f64 {
    let life = SystemTime::now()
        .duration_since(started)
        .unwrap_or_default()
        .as_secs_f64();
    if life > 0.0 {
        100.0 * cpu_seconds / life
    } else {
        0.0
    }
}

/// The name of a user ID, through the C library (NSS on glibc, /etc/passwd on musl).
#[cfg(unix)]
fn user_name(uid: u32) -> Option<String> {
    let mut buffer = vec![0u8; 1024];
    loop {
        // SAFETY: an all-zero passwd is valid plain data for getpwuid_r to fill.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is to memory we own, `buffer.len()` bytes at `buffer`.
        let status = unsafe {
            libc::getpwuid_r(
                uid,
                &mut entry,
                buffer.as_mut_ptr().cast(),
                buffer.len(),
                &mut found,
            )
        };
        if status == libc::ERANGE && buffer.len() < 1 << 20 {
            buffer.resize(buffer.len() * 2, 0);
            continue;
        }
        if status != 0 || found.is_null() || entry.pw_name.is_null() {
            return None;
        }
        // SAFETY: getpwuid_r succeeded, so pw_name points to a NUL-terminated string in `buffer`.
        let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
        return Some(name.to_string_lossy().into_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_memory_percent_in_f32_as_gops() {
        assert_eq!(memory_percent(0, 0), None);
        let percent = memory_percent(12_345_678, 8_000_000_000).unwrap();
        assert_eq!(
            percent,
            f64::from(100.0f32 * 12_345_678f32 / 8_000_000_000f32)
        );
    }

    #[test]
    fn names_the_pid_and_a_stable_code() {
        let gone = InfoError::new(42, Skip::Vanished, "x");
        assert_eq!(
            (gone.code(), gone.to_string().as_str()),
            (ErrorCode::ProcessNotFound, "no process with PID 42")
        );
        let denied = InfoError::new(42, Skip::Denied, "Permission denied");
        assert_eq!(denied.code(), ErrorCode::PermissionDenied);
        assert!(denied.to_string().contains("process 42"));
    }

    #[test]
    fn names_users() {
        assert_eq!(user_name(0).as_deref(), Some("root"));
        assert_eq!(user_name(u32::MAX - 7), None);
    }
}
