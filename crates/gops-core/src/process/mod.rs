//! Process enumeration: which processes exist, which executable each runs, and the few facts
//! the scanner needs about the interesting ones. Linux reads `/proc` directly (the fast path);
//! macOS asks libproc; Windows goes through the `sysinfo` crate (`per_os_platform!` chooses).

use std::path::PathBuf;
use std::time::SystemTime;

/// The per-OS choice of reader, written once for the process list (here) and a process's
/// details (`info`): Linux reads `/proc` (`linux`), macOS asks libproc (`macos`), every other OS
/// goes through the `sysinfo` crate (`portable`), which Linux unit tests also compile so that the
/// portable path is at least exercised through sysinfo's Linux backend. Each invoking module has
/// its own `linux.rs`, `macos.rs` and `portable.rs`, reached as `platform`.
macro_rules! per_os_platform {
    () => {
        #[cfg(target_os = "linux")]
        mod linux;
        #[cfg(target_os = "linux")]
        use linux as platform;

        #[cfg(target_os = "macos")]
        mod macos;
        #[cfg(target_os = "macos")]
        use macos as platform;

        #[cfg(any(
            not(any(target_os = "linux", target_os = "macos")),
            all(test, target_os = "linux")
        ))]
        #[cfg_attr(target_os = "linux", allow(dead_code))]
        mod portable;
        #[cfg(not(any(target_os = "linux", target_os = "macos")))]
        use portable as platform;
    };
}

per_os_platform!();
pub use platform::Snapshot;

mod connection;
pub mod info;

#[cfg(target_os = "linux")]
pub mod events;
#[cfg(target_os = "linux")]
pub mod procfs;
#[cfg(target_os = "linux")]
mod sockets;

/// What identifies an executable file's content cheaply: if none of these changed, neither did
/// the inspection result. An `exec` into another binary changes it too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExeIdentity {
    pub device: u64,
    pub inode: u64,
    pub size: u64,
    pub modified: Option<SystemTime>,
}

impl ExeIdentity {
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata) -> ExeIdentity {
        use std::os::unix::fs::MetadataExt;
        ExeIdentity {
            device: meta.dev(),
            inode: meta.ino(),
            size: meta.size(),
            modified: meta.modified().ok(),
        }
    }

    /// Windows has no stable inode through std: size and modification time stand in.
    #[cfg(not(unix))]
    pub fn of(meta: &std::fs::Metadata) -> ExeIdentity {
        ExeIdentity {
            device: 0,
            inode: 0,
            size: meta.len(),
            modified: meta.modified().ok(),
        }
    }
}

/// The executable a process runs, as seen from a single cheap `stat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Executable {
    pub identity: ExeIdentity,
    /// The file was unlinked after the process started (it still runs and can still be read).
    pub deleted: bool,
}

/// Why a process was passed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// It exited between being listed and being read.
    Vanished,
    /// We may not look at it (another user's process, without privileges).
    Denied,
    /// It has no executable: a kernel thread or a zombie.
    NoExecutable,
    /// Reading it failed for another reason, most often a limit of ours (out of file descriptors
    /// or memory): it is not the process's doing, so it is not counted as denied.
    Unreadable,
}

impl Skip {
    /// A process that is gone reads as ENOENT or ESRCH, one we may not look at as EACCES or
    /// EPERM; anything else (EMFILE, ENOMEM, EIO…) is a failure of ours.
    pub fn from_io(error: &std::io::Error) -> Skip {
        const ESRCH: i32 = 3;
        match error.kind() {
            std::io::ErrorKind::NotFound => Skip::Vanished,
            _ if error.raw_os_error() == Some(ESRCH) => Skip::Vanished,
            std::io::ErrorKind::PermissionDenied => Skip::Denied,
            _ => Skip::Unreadable,
        }
    }
}

/// Tells a process from a later one given the same PID (the kernel hands PIDs out again once it
/// wraps around `pid_max`, which can be as low as 32768): when it differs from the one taken
/// with a PID's facts, those facts belong to a process that is gone. Only compared for equality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Incarnation {
    /// Linux: the inode number of `/proc/<pid>`, new for each process; elsewhere 0.
    pub inode: u64,
    /// Linux: 0; macOS: the start time (µs); elsewhere the start time (s).
    pub since: i64,
}

/// Facts read once per process (and again only when it may have changed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Details {
    pub ppid: u32,
    /// gops's name: the kernel's short name, extended from argv[0] when the kernel truncated it.
    pub name: String,
    pub started: SystemTime,
}

/// Where a process sits relative to us: its own PID and file-system view if it runs in a
/// container (another PID or mount namespace).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Isolation {
    /// The PID inside its own PID namespace, when that differs from ours.
    pub ns_pid: Option<u32>,
    /// Prefix that reaches the process's file system from ours (`/proc/<pid>/root`), when its
    /// mount namespace differs from ours.
    pub root: Option<PathBuf>,
    pub container: Option<Container>,
}

/// Hints naming the container a process runs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    /// The process's cgroup path (cgroup v2 line, else the first line's path).
    pub cgroup: String,
    /// A container runtime's 64-hex-digit ID found in the cgroup path.
    pub id: Option<String>,
}

/// Picks a container ID (64 hex digits, as docker, containerd and podman name them) out of a
/// cgroup path such as `/system.slice/docker-<id>.scope` or `/kubepods/.../<id>`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))] // cgroups exist only on Linux
pub(crate) fn container_id(cgroup: &str) -> Option<String> {
    cgroup
        .split(|c: char| !c.is_ascii_hexdigit())
        .find(|part| part.len() == 64)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_io_errors_into_vanished_denied_and_unreadable() {
        use std::io::{Error, ErrorKind};
        assert_eq!(
            Skip::from_io(&Error::from(ErrorKind::NotFound)),
            Skip::Vanished
        );
        assert_eq!(Skip::from_io(&Error::from_raw_os_error(3)), Skip::Vanished); // ESRCH on Linux
        assert_eq!(
            Skip::from_io(&Error::from(ErrorKind::PermissionDenied)),
            Skip::Denied
        );
        // Out of file descriptors (EMFILE) or memory (ENOMEM) is our failure, not the process's.
        assert_eq!(
            Skip::from_io(&Error::from_raw_os_error(24)),
            Skip::Unreadable
        );
        assert_eq!(
            Skip::from_io(&Error::from_raw_os_error(12)),
            Skip::Unreadable
        );
    }

    #[test]
    fn finds_container_ids_in_cgroup_paths() {
        let id = "a".repeat(64);
        assert_eq!(
            container_id(&format!("/system.slice/docker-{id}.scope")),
            Some(id.clone())
        );
        assert_eq!(
            container_id(&format!("/kubepods/besteffort/pod1234/{id}")),
            Some(id)
        );
        assert_eq!(
            container_id("/user.slice/user-1000.slice/session-2.scope"),
            None
        );
    }
}
