//! The Linux fast path: everything comes from `/proc`, one small read or `stat` at a time, and
//! only for the processes that need it. The executable is reached through `/proc/<pid>/exe`, which
//! works for deleted binaries and for binaries in other mount namespaces.

use super::{
    container_id, Container, Details, ExeIdentity, Executable, Incarnation, Isolation, Skip,
};
use std::ffi::CStr;
use std::fs::{self, File};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::DirEntryExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::procfs::{self, parse_stat, proc_path, read_proc_file, read_proc_text};

/// One pass over `/proc`: the PIDs that existed when it was taken, and lazily, the machine facts
/// every process's details are relative to.
pub struct Snapshot {
    /// Ascending.
    pids: Vec<u32>,
    /// The inode of each `/proc/<pid>` (same order) from the listing itself: tells a reused
    /// PID apart without a `stat` per process.
    inodes: Vec<u64>,
    /// `/proc` itself: each process's `exe` is looked up from here, as `<pid>/exe`.
    proc_dir: Option<OwnedFd>,
    boot_time: OnceLock<Option<SystemTime>>,
    own_namespaces: OnceLock<Namespaces>,
}

impl Snapshot {
    pub fn capture() -> io::Result<Snapshot> {
        let listing = fs::read_dir("/proc")
            .map_err(|e| io::Error::new(e.kind(), format!("cannot list /proc: {e}")))?;
        let listed: Vec<(u32, u64)> = listing
            .filter_map(|entry| {
                let entry = entry.ok()?;
                Some((entry.file_name().to_str()?.parse().ok()?, entry.ino()))
            })
            .collect();
        Ok(Snapshot::from_listing(listed))
    }

    fn from_listing(mut listed: Vec<(u32, u64)>) -> Snapshot {
        // Already in order as /proc lists them; sorted anyway, for the binary searches.
        listed.sort_unstable_by_key(|&(pid, _)| pid);
        Snapshot {
            pids: listed.iter().map(|&(pid, _)| pid).collect(),
            inodes: listed.iter().map(|&(_, inode)| inode).collect(),
            proc_dir: File::open("/proc").ok().map(OwnedFd::from),
            boot_time: OnceLock::new(),
            own_namespaces: OnceLock::new(),
        }
    }

    /// A snapshot of just these PIDs (those that still exist), for a watcher told by the
    /// kernel which processes changed: one `stat` of `/proc/<pid>` each instead of a listing.
    pub fn of(pids: &[u32]) -> Snapshot {
        let listed: Vec<(u32, u64)> = pids
            .iter()
            .filter_map(|&pid| Some((pid, fs::metadata(format!("/proc/{pid}")).ok()?.ino())))
            .collect();
        Snapshot::from_listing(listed)
    }

    pub fn pids(&self) -> &[u32] {
        &self.pids
    }

    /// Whether the PID names a process (or a zombie) now, whatever the snapshot saw.
    pub fn is_running(pid: u32) -> bool {
        Path::new(&format!("/proc/{pid}")).exists()
    }

    /// One `stat` through `/proc/<pid>/exe`: the identity of the file the process runs.
    /// `had_none`: the process had no executable at the last look, so a missing one needs no
    /// second look to tell a kernel thread (or zombie) from a process that has exited.
    pub fn executable(&self, pid: u32, had_none: bool) -> Result<Executable, Skip> {
        match self.stat_exe(pid) {
            Ok(stat) => Ok(Executable {
                identity: identity_of(&stat),
                deleted: stat.st_nlink == 0,
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if had_none || Path::new(&format!("/proc/{pid}")).exists() {
                    Err(Skip::NoExecutable)
                } else {
                    Err(Skip::Vanished)
                }
            }
            Err(e) => Err(Skip::from_io(&e)),
        }
    }

    /// The inode the listing gave for `/proc/<pid>`: procfs makes a new one for each process, so a
    /// PID taken over by another process shows another inode. The kernel may also drop and remake
    /// the inode of a live process: that only costs a re-read of its facts.
    pub fn incarnation(&self, pid: u32) -> Result<Incarnation, Skip> {
        let at = self.pids.binary_search(&pid).map_err(|_| Skip::Vanished)?;
        Ok(Incarnation {
            inode: self.inodes[at],
            since: 0,
        })
    }

    /// `stat("<pid>/exe")` relative to the open `/proc`, the path built on the stack: the warm
    /// rescan's one system call per process, with nothing else around it.
    fn stat_exe(&self, pid: u32) -> io::Result<libc::stat> {
        let Some(proc_dir) = &self.proc_dir else {
            let meta = fs::metadata(proc_path(pid, "exe"))?;
            return Ok(stat_of(&meta));
        };
        let mut buffer = [0u8; 24];
        let path = exe_path_in_proc(pid, &mut buffer);
        // SAFETY: an all-zero stat is valid plain data for fstatat to fill.
        let mut stat: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: `path` is NUL-terminated, `stat` is ours; the directory descriptor is open.
        let done = unsafe { libc::fstatat(proc_dir.as_raw_fd(), path.as_ptr(), &mut stat, 0) };
        if done != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(stat)
    }

    /// Parent, name and start time, from `/proc/<pid>/stat` (plus `cmdline` for long names).
    pub fn details(&self, pid: u32) -> Result<Details, Skip> {
        let text = read_proc_file(pid, "stat", 1024).map_err(|e| Skip::from_io(&e))?;
        let stat = parse_stat(&text).ok_or(Skip::Vanished)?;
        let boot = self.boot_time().ok_or(Skip::Unreadable)?;
        let name = procfs::gops_name(stat.comm, || read_proc_file(pid, "cmdline", 4096));
        Ok(Details {
            ppid: stat.ppid,
            name,
            started: procfs::start_time(boot, stat.start_ticks),
        })
    }

    /// The executable's path as the process sees it (without the kernel's " (deleted)" suffix).
    pub fn exe_path(&self, pid: u32, deleted: bool) -> Result<PathBuf, Skip> {
        let link = fs::read_link(proc_path(pid, "exe")).map_err(|e| Skip::from_io(&e))?;
        if !deleted {
            return Ok(link);
        }
        let text = link.to_string_lossy();
        Ok(PathBuf::from(
            text.strip_suffix(" (deleted)").unwrap_or(&text),
        ))
    }

    /// Opens the running executable itself, wherever it lives (or lived).
    pub fn open_executable(&self, pid: u32) -> Result<File, Skip> {
        File::open(proc_path(pid, "exe")).map_err(|e| Skip::from_io(&e))
    }

    /// Compares the process's PID and mount namespaces with ours; reads its in-namespace PID and
    /// cgroup only when one of them differs.
    pub fn isolation(&self, pid: u32) -> Isolation {
        let own = self.own_namespaces.get_or_init(|| Namespaces::of("self"));
        let theirs = Namespaces::of(&pid.to_string());
        let other_pid_ns = theirs.pid.is_some() && theirs.pid != own.pid;
        let other_mount_ns = theirs.mount.is_some() && theirs.mount != own.mount;
        if !other_pid_ns && !other_mount_ns {
            return Isolation::default();
        }
        let ns_pid = if other_pid_ns {
            read_proc_text(pid, "status", 2048)
                .ok()
                .and_then(|s| procfs::parse_status(&s).ns_pid)
        } else {
            None
        };
        let container = read_proc_text(pid, "cgroup", 1024).ok().map(|text| {
            let cgroup = parse_cgroup(&text);
            Container {
                id: container_id(&cgroup),
                cgroup,
            }
        });
        Isolation {
            ns_pid,
            root: other_mount_ns.then(|| proc_path(pid, "root")),
            container,
        }
    }

    /// The process's environment as `/proc/<pid>/environ` holds it (NUL-separated `NAME=value`,
    /// whole entries only); None when unreadable.
    pub fn environ(&self, pid: u32) -> Option<Vec<u8>> {
        read_proc_file(pid, "environ", 16 * 1024).ok()
    }

    fn boot_time(&self) -> Option<SystemTime> {
        *self.boot_time.get_or_init(procfs::boot_time)
    }
}

/// `<pid>/exe` and a NUL, written into `buffer` (a u32 has at most 10 digits).
fn exe_path_in_proc(pid: u32, buffer: &mut [u8; 24]) -> &CStr {
    let mut digits = [0u8; 10];
    let mut n = pid;
    let mut count = 0;
    loop {
        digits[count] = b'0' + (n % 10) as u8;
        count += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for (i, digit) in digits[..count].iter().rev().enumerate() {
        buffer[i] = *digit;
    }
    buffer[count..count + 5].copy_from_slice(b"/exe\0");
    CStr::from_bytes_with_nul(&buffer[..count + 5]).expect("one NUL, at the end")
}

/// The identity `ExeIdentity::of` gives for the same file (the scanner compares the two).
fn identity_of(stat: &libc::stat) -> ExeIdentity {
    let (seconds, nanos) = (stat.st_mtime, stat.st_mtime_nsec as u32);
    let modified = if seconds >= 0 {
        UNIX_EPOCH.checked_add(Duration::new(seconds as u64, nanos))
    } else {
        UNIX_EPOCH
            .checked_sub(Duration::from_secs(seconds.unsigned_abs()))
            .and_then(|t| t.checked_add(Duration::from_nanos(nanos.into())))
    };
    ExeIdentity {
        device: stat.st_dev,
        inode: stat.st_ino,
        size: stat.st_size as u64,
        modified,
    }
}

/// For the rare case `/proc` could not be opened: the same fields, from std's metadata.
fn stat_of(meta: &fs::Metadata) -> libc::stat {
    // SAFETY: an all-zero stat is valid plain data.
    let mut stat: libc::stat = unsafe { std::mem::zeroed() };
    stat.st_dev = meta.dev();
    stat.st_ino = meta.ino();
    stat.st_size = meta.size() as libc::off_t;
    stat.st_mtime = meta.mtime();
    stat.st_mtime_nsec = meta.mtime_nsec();
    stat.st_nlink = meta.nlink() as libc::nlink_t;
    stat
}

/// Namespace identities: the inode numbers behind `/proc/<pid>/ns/{pid,mnt}`.
struct Namespaces {
    pid: Option<u64>,
    mount: Option<u64>,
}

impl Namespaces {
    /// Read from the links' text (`pid:[4026531836]`, namespaces(7)) rather than by a `stat`
    /// through them, which measured twice the cost.
    fn of(process: &str) -> Namespaces {
        let inode = |ns: &str| {
            let link = fs::read_link(format!("/proc/{process}/ns/{ns}")).ok()?;
            namespace_inode(link.to_str()?, ns)
        };
        Namespaces {
            pid: inode("pid"),
            mount: inode("mnt"),
        }
    }
}

/// The inode number in a namespace link's text: `<kind>:[<inode>]`.
fn namespace_inode(link: &str, kind: &str) -> Option<u64> {
    link.strip_prefix(kind)?
        .strip_prefix(":[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// The cgroup v2 path (`0::<path>`) when there is one, else the first hierarchy's path.
fn parse_cgroup(text: &str) -> String {
    let path_of = |line: &str| line.splitn(3, ':').nth(2).map(str::to_owned);
    text.lines()
        .find(|line| line.starts_with("0::"))
        .and_then(path_of)
        .or_else(|| text.lines().next().and_then(path_of))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cgroup_path() {
        assert_eq!(
            parse_cgroup("1:cpu:/a\n0::/system.slice/docker-x.scope\n"),
            "/system.slice/docker-x.scope"
        );
        assert_eq!(parse_cgroup("9:name=systemd:/k8s/pod\n"), "/k8s/pod");
    }

    #[test]
    fn namespace_links_name_the_inode_a_stat_gives() {
        for ns in ["pid", "mnt"] {
            let path = format!("/proc/self/ns/{ns}");
            let link = fs::read_link(&path).unwrap();
            let inode = namespace_inode(link.to_str().unwrap(), ns);
            assert_eq!(inode, Some(fs::metadata(&path).unwrap().ino()));
        }
        assert_eq!(namespace_inode("mnt:[4026531841]", "pid"), None);
        assert_eq!(namespace_inode("pid:[x]", "pid"), None);
        assert_eq!(namespace_inode("pid:[4026531836", "pid"), None);
    }

    #[test]
    fn reads_proc_files_whole_whatever_room_it_starts_with() {
        let me = std::process::id();
        // Files that do not change while this test runs: stat would (its fault counters).
        for file in ["environ", "cmdline", "auxv"] {
            let whole = fs::read(proc_path(me, file)).unwrap();
            assert!(whole.len() > 1, "{file}");
            assert_eq!(read_proc_file(me, file, 1).unwrap(), whole, "{file}");
            assert_eq!(read_proc_file(me, file, 1 << 16).unwrap(), whole, "{file}");
        }
        let cgroup = fs::read_to_string(proc_path(me, "cgroup")).unwrap();
        assert_eq!(read_proc_text(me, "cgroup", 1).unwrap(), cgroup);
        let stat = parse_stat(&read_proc_file(me, "stat", 1).unwrap()).unwrap();
        assert_eq!(stat.ppid, std::os::unix::process::parent_id());
        assert!(read_proc_file(u32::MAX - 1, "stat", 64).is_err());
    }

    #[test]
    fn an_environment_cut_at_the_limit_loses_its_cut_variable_not_its_value() {
        // Fillers sort before GOPS_CONFIG_DIR (Command passes variables in key order) and end
        // 40 bytes before the limit, so the limit cuts that variable's value.
        let limit = procfs::PROC_FILE_LIMIT as usize;
        let filler_len = (limit - 40) / 9 - "A0=".len() - 1;
        let mut command = std::process::Command::new("sleep");
        command.arg("60").env_clear();
        for i in 0..9 {
            command.env(format!("A{i}"), "x".repeat(filler_len));
        }
        let dir = format!("/tmp/{}", "d".repeat(200));
        let mut child = command.env("GOPS_CONFIG_DIR", &dir).spawn().unwrap();
        let environ = read_proc_file(child.id(), "environ", 16).unwrap();
        let found = Snapshot::capture()
            .unwrap()
            .environ(child.id())
            .and_then(|environ| crate::portfile::config_dir_from_environ(&environ));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            environ.len() <= limit && environ.len() > limit - 200,
            "{}",
            environ.len()
        );
        assert_eq!(environ.last(), Some(&0));
        assert_eq!(found, None, "the cut GOPS_CONFIG_DIR was taken for a value");
    }

    #[test]
    fn builds_exe_paths_and_identities_as_std_does() {
        let mut buffer = [0u8; 24];
        for pid in [0, 7, 42, 4_194_304, u32::MAX] {
            assert_eq!(
                exe_path_in_proc(pid, &mut buffer).to_str().unwrap(),
                format!("{pid}/exe")
            );
        }
        let meta = fs::metadata("/proc/self/exe").unwrap();
        assert_eq!(identity_of(&stat_of(&meta)), ExeIdentity::of(&meta));
        let snapshot = Snapshot::capture().unwrap();
        let me = std::process::id();
        let probed = snapshot.executable(me, false).unwrap();
        assert_eq!(probed.identity, ExeIdentity::of(&meta));
    }

    #[test]
    fn reads_this_process() {
        let snapshot = Snapshot::capture().unwrap();
        let me = std::process::id();
        assert!(snapshot.pids().contains(&me));
        let exe = snapshot.executable(me, false).unwrap();
        let path = snapshot.exe_path(me, exe.deleted).unwrap();
        let meta = fs::metadata(&path).unwrap();
        assert_eq!(
            (exe.identity.device, exe.identity.inode),
            (meta.dev(), meta.ino())
        );
        let details = snapshot.details(me).unwrap();
        assert_eq!(details.ppid, std::os::unix::process::parent_id());
        let age = SystemTime::now().duration_since(details.started).unwrap();
        assert!(age < Duration::from_secs(3600), "started {age:?} ago");
        assert_eq!(snapshot.isolation(me), Isolation::default());
    }

    #[test]
    fn a_process_gone_after_the_listing_is_vanished() {
        let mut child = std::process::Command::new("sleep")
            .arg("600")
            .spawn()
            .unwrap();
        let pid = child.id();
        let snapshot = Snapshot::capture().unwrap();
        assert!(snapshot.pids().contains(&pid));
        assert!(snapshot.executable(pid, false).is_ok());
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(snapshot.executable(pid, false), Err(Skip::Vanished));
        assert_eq!(snapshot.details(pid), Err(Skip::Vanished));
        assert_eq!(snapshot.open_executable(pid).err(), Some(Skip::Vanished));
    }

    #[test]
    fn classifies_missing_processes() {
        let snapshot = Snapshot::capture().unwrap();
        // PIDs above pid_max (at most 2^22) never exist.
        assert_eq!(
            snapshot.executable(u32::MAX - 1, false),
            Err(Skip::Vanished)
        );
        assert_eq!(snapshot.details(u32::MAX - 1), Err(Skip::Vanished));
        if let Some(&kthread) = snapshot.pids().iter().find(|&&pid| {
            fs::read(proc_path(pid, "stat"))
                .ok()
                .and_then(|t| parse_stat(&t))
                .is_some_and(|s| s.ppid == 2)
        }) {
            assert_eq!(snapshot.executable(kthread, false), Err(Skip::NoExecutable));
            assert_eq!(snapshot.executable(kthread, true), Err(Skip::NoExecutable));
        }
    }
}
