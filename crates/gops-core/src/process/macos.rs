//! macOS, through libproc (in libSystem): the PID list, each process's executable path and its
//! BSD info. Unlike sysinfo it needs neither IOKit nor CoreFoundation, so the addon links
//! against libSystem alone and cross-links here with zig. Built here, never run: no Mac.

use super::{Details, ExeIdentity, Executable, Incarnation, Isolation, Skip};
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io;
use std::mem::{size_of, MaybeUninit};
use std::os::raw::{c_char, c_int};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub struct Snapshot {
    pids: Vec<u32>,
}

impl Snapshot {
    pub fn capture() -> io::Result<Snapshot> {
        let mut capacity = 1024usize;
        loop {
            let mut buffer: Vec<libc::pid_t> = vec![0; capacity];
            let bytes = c_int::try_from(capacity * size_of::<libc::pid_t>()).unwrap_or(c_int::MAX);
            // Returns how many PIDs it wrote; a full buffer may have cut the list short.
            let count = unsafe { libc::proc_listallpids(buffer.as_mut_ptr().cast(), bytes) };
            let Ok(count) = usize::try_from(count) else {
                return Err(io::Error::last_os_error());
            };
            if count < capacity {
                buffer.truncate(count);
                // PID 0 is the kernel: no executable, like Linux's kernel threads, so left out.
                let pids = buffer.into_iter().filter_map(|pid| u32::try_from(pid).ok());
                return Ok(Snapshot {
                    pids: pids.filter(|&pid| pid != 0).collect(),
                });
            }
            capacity *= 2;
        }
    }

    pub fn pids(&self) -> &[u32] {
        &self.pids
    }

    pub fn executable(&self, pid: u32, _had_none: bool) -> Result<Executable, Skip> {
        let meta = fs::metadata(path(pid)?).map_err(|e| Skip::from_io(&e))?;
        Ok(Executable {
            identity: ExeIdentity::of(&meta),
            deleted: false,
        })
    }

    /// The start time in microseconds, which a reused PID cannot share.
    pub fn incarnation(&self, pid: u32) -> Result<Incarnation, Skip> {
        let info = bsd_info(pid)?;
        let micros = info.pbi_start_tvsec.saturating_mul(1_000_000) + info.pbi_start_tvusec;
        Ok(Incarnation {
            inode: 0,
            since: i64::try_from(micros).unwrap_or(i64::MAX),
        })
    }

    pub fn details(&self, pid: u32) -> Result<Details, Skip> {
        let info = bsd_info(pid)?;
        // pbi_name holds up to 32 bytes of the name, pbi_comm only 16.
        let name = match c_string(&info.pbi_name) {
            name if name.is_empty() => c_string(&info.pbi_comm),
            name => name,
        };
        Ok(Details {
            ppid: info.pbi_ppid,
            name,
            started: start_time(&info),
        })
    }

    pub fn exe_path(&self, pid: u32, _deleted: bool) -> Result<PathBuf, Skip> {
        path(pid)
    }

    pub fn open_executable(&self, pid: u32) -> Result<File, Skip> {
        File::open(path(pid)?).map_err(|e| Skip::from_io(&e))
    }

    /// Namespaces are a Linux notion: here every process shares our view.
    pub fn isolation(&self, _pid: u32) -> Isolation {
        Isolation::default()
    }

    /// Processes' environments are read on Linux only: elsewhere only our own config directory
    /// is searched for port files.
    pub fn environ(&self, _pid: u32) -> Option<Vec<u8>> {
        None
    }
}

/// Why the libproc call just made failed: ESRCH (gone) and EPERM (not ours) as on Linux.
fn last_skip() -> Skip {
    Skip::from_io(&io::Error::last_os_error())
}

fn path(pid: u32) -> Result<PathBuf, Skip> {
    let pid = c_int::try_from(pid).map_err(|_| Skip::Vanished)?;
    let mut buffer = vec![0u8; libc::PROC_PIDPATHINFO_MAXSIZE as usize];
    let size = u32::try_from(buffer.len()).unwrap_or(u32::MAX);
    let written = unsafe { libc::proc_pidpath(pid, buffer.as_mut_ptr().cast(), size) };
    match usize::try_from(written) {
        Ok(0) | Err(_) => Err(last_skip()),
        Ok(length) => {
            buffer.truncate(length);
            Ok(PathBuf::from(OsStr::from_bytes(&buffer)))
        }
    }
}

fn bsd_info(pid: u32) -> Result<libc::proc_bsdinfo, Skip> {
    // SAFETY: PROC_PIDTBSDINFO answers with a proc_bsdinfo.
    unsafe { pid_info(pid, libc::PROC_PIDTBSDINFO) }.map_err(|e| Skip::from_io(&e))
}

/// One `proc_pidinfo` answer of `flavor`: the PID out of range reads as not found, a short
/// answer as an error of its own.
///
/// # Safety
/// `T` must be the plain C struct the kernel writes for `flavor`.
pub(crate) unsafe fn pid_info<T>(pid: u32, flavor: c_int) -> io::Result<T> {
    let pid = c_int::try_from(pid)
        .map_err(|_| io::Error::new(io::ErrorKind::NotFound, "PID out of range"))?;
    let mut info = MaybeUninit::<T>::zeroed();
    let size = size_of::<T>() as c_int;
    // SAFETY: the kernel writes at most `size` bytes into `info`.
    let written = unsafe { libc::proc_pidinfo(pid, flavor, 0, info.as_mut_ptr().cast(), size) };
    if written == size {
        // SAFETY: zeroed is a valid value of a plain C struct (the caller's promise), and the
        // kernel filled it in.
        Ok(unsafe { info.assume_init() })
    } else if written <= 0 {
        Err(io::Error::last_os_error())
    } else {
        Err(io::Error::other("short answer from proc_pidinfo"))
    }
}

fn start_time(info: &libc::proc_bsdinfo) -> SystemTime {
    UNIX_EPOCH
        + Duration::from_secs(info.pbi_start_tvsec)
        + Duration::from_micros(info.pbi_start_tvusec)
}

/// A fixed-size, NUL-terminated C field as text.
pub(super) fn c_string(field: &[c_char]) -> String {
    let bytes: Vec<u8> = field
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}
