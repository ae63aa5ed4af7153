//! Linux `/proc` files, one parser each: `/proc/<pid>/stat`, `/proc/<pid>/status`, `/proc/stat`
//! (boot time) and `/proc/meminfo`, plus the clock they count process times in. The scanner and
//! the process-details reader both go through these, so each file is parsed in one place.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub(crate) fn proc_path(pid: u32, file: &str) -> PathBuf {
    PathBuf::from(format!("/proc/{pid}/{file}"))
}

/// The most a scan reads of one `/proc/<pid>` file: an environment or command line can be as
/// large as the process made it, and a scan's memory must not follow.
pub(crate) const PROC_FILE_LIMIT: u64 = 1 << 20;

/// Reads `/proc/<pid>/<file>` (at most 1 MiB) in as few reads as it takes: `fs::read` first
/// asks the file's size, which procfs reports as 0, then reads in small growing steps (eight
/// system calls for a typical environment). This starts with room for `expected` bytes, and
/// reads until end of file. A file cut at the limit keeps only its whole NUL-ended entries
/// (`environ`, `cmdline`): half a variable would read as a wrong value.
pub(crate) fn read_proc_file(pid: u32, file: &str, expected: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(expected);
    File::open(proc_path(pid, file))?
        .take(PROC_FILE_LIMIT)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 == PROC_FILE_LIMIT {
        let whole = bytes.iter().rposition(|&b| b == 0).map_or(0, |end| end + 1);
        bytes.truncate(whole);
    }
    Ok(bytes)
}

/// `read_proc_file` for a text file (`status`, `cgroup`): not UTF-8 is an `InvalidData` error,
/// as `fs::read_to_string` has it.
pub(crate) fn read_proc_text(pid: u32, file: &str, expected: usize) -> io::Result<String> {
    String::from_utf8(read_proc_file(pid, file, expected)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// The fields of `/proc/<pid>/stat` we use, numbered as in proc(5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stat {
    /// (2) The kernel's short name, at most 15 bytes.
    pub comm: String,
    /// (3) R, S, D, Z, T...
    pub state: char,
    /// (4)
    pub ppid: u32,
    /// (14), (15): CPU time in user and kernel mode, in clock ticks.
    pub user_ticks: u64,
    pub system_ticks: u64,
    /// (20)
    pub threads: u32,
    /// (22) Start time after boot, in clock ticks.
    pub start_ticks: u64,
    /// (42) Time waited for block I/O, in clock ticks; 0 on kernels that do not report it.
    pub blkio_ticks: u64,
}

/// Parses `/proc/<pid>/stat`. The name sits in parentheses and may itself hold spaces and
/// parentheses, so the fields resume after the *last* `)`.
pub(crate) fn parse_stat(text: &[u8]) -> Option<Stat> {
    let open = text.iter().position(|&b| b == b'(')?;
    let close = text.iter().rposition(|&b| b == b')')?;
    let comm = String::from_utf8_lossy(text.get(open + 1..close)?).into_owned();
    let rest = std::str::from_utf8(text.get(close + 1..)?).ok()?;
    // fields[0] is field 3 of proc(5).
    let fields: Vec<&str> = rest.split_ascii_whitespace().collect();
    let field = |n: usize| fields.get(n - 3).copied();
    let number = |n: usize| field(n)?.parse::<u64>().ok();
    Some(Stat {
        comm,
        state: field(3)?.chars().next()?,
        ppid: field(4)?.parse().ok()?,
        user_ticks: number(14)?,
        system_ticks: number(15)?,
        threads: field(20)?.parse().ok()?,
        start_ticks: number(22)?,
        blkio_ticks: number(42).unwrap_or(0),
    })
}

/// The kernel truncates a process's short name to 15 bytes (TASK_COMM_LEN - 1).
const COMM_MAX: usize = 15;

/// gops's name for a process: its short name, extended from the command line (read only then)
/// when the kernel cut it off.
pub(crate) fn gops_name(
    comm: String,
    cmdline: impl FnOnce() -> std::io::Result<Vec<u8>>,
) -> String {
    if comm.len() < COMM_MAX {
        return comm;
    }
    extend_name(&comm, &cmdline().unwrap_or_default())
}

/// gops (through gopsutil) shows argv[0]'s base name when the kernel's 15-byte name is a
/// prefix of it, so long names are not cut off.
fn extend_name(comm: &str, cmdline: &[u8]) -> String {
    let argv0 = cmdline.split(|&b| b == 0).next().unwrap_or_default();
    let argv0 = String::from_utf8_lossy(argv0);
    let base = argv0.rsplit('/').next().unwrap_or_default();
    if base.starts_with(comm) {
        base.to_owned()
    } else {
        comm.to_owned()
    }
}

/// The fields of `/proc/<pid>/status` we use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Status {
    /// The real user ID (first of the `Uid:` line).
    pub uid: Option<u32>,
    /// `VmRSS`, in bytes; absent for kernel threads and zombies.
    pub rss_bytes: Option<u64>,
    /// The innermost PID of `NSpid:` (the PID inside the process's own namespace).
    pub ns_pid: Option<u32>,
}

pub(crate) fn parse_status(text: &str) -> Status {
    let mut status = Status::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let mut words = value.split_ascii_whitespace();
        match key {
            "Uid" => status.uid = words.next().and_then(|w| w.parse().ok()),
            "VmRSS" => status.rss_bytes = kilobytes(words.next(), words.next()),
            "NSpid" => status.ns_pid = words.last().and_then(|w| w.parse().ok()),
            _ => {}
        }
    }
    status
}

/// `MemTotal` of `/proc/meminfo`, in bytes.
pub(crate) fn parse_mem_total(text: &str) -> Option<u64> {
    let value = text.lines().find_map(|l| l.strip_prefix("MemTotal:"))?;
    let mut words = value.split_ascii_whitespace();
    kilobytes(words.next(), words.next())
}

fn kilobytes(number: Option<&str>, unit: Option<&str>) -> Option<u64> {
    (unit == Some("kB")).then_some(())?;
    number?.parse::<u64>().ok()?.checked_mul(1024)
}

/// `btime` of `/proc/stat`: when the machine booted, in whole seconds since the epoch.
pub(crate) fn parse_boot_time(text: &str) -> Option<SystemTime> {
    let seconds = text
        .lines()
        .find_map(|line| line.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(seconds))
}

/// Read afresh by each caller (a scan reads it once): the kernel derives it from the wall clock at
/// each read, so it moves when the clock is set.
pub(crate) fn boot_time() -> Option<SystemTime> {
    parse_boot_time(&fs::read_to_string("/proc/stat").ok()?)
}

/// The unit of process times in `/proc` (USER_HZ), from `sysconf(_SC_CLK_TCK)`.
pub fn ticks_per_second() -> u64 {
    static TICKS: OnceLock<u64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        // SAFETY: sysconf only reads a constant of the C library.
        let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        u64::try_from(ticks).ok().filter(|&t| t > 0).unwrap_or(100)
    })
}

pub(crate) fn ticks_to_duration(ticks: u64) -> Duration {
    let per_second = ticks_per_second();
    Duration::from_secs(ticks / per_second)
        + Duration::from_nanos((ticks % per_second) * 1_000_000_000 / per_second)
}

/// The wall-clock start of a process whose stat says it started `start_ticks` after boot.
pub(crate) fn start_time(boot: SystemTime, start_ticks: u64) -> SystemTime {
    boot + ticks_to_duration(start_ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat_line(comm: &str) -> Vec<u8> {
        format!("4242 ({comm}) S 77 4242 4242 0 -1 4194560 10 0 0 0 31 12 0 0 20 0 3 0 123456 1000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 5 0 0\n")
            .into_bytes()
    }

    #[test]
    fn parses_stat_whatever_the_name_holds() {
        for comm in ["plain", "with space", "a) S 1 2 (b", "))", ""] {
            let stat = parse_stat(&stat_line(comm)).expect(comm);
            assert_eq!(
                stat,
                Stat {
                    comm: comm.to_owned(),
                    state: 'S',
                    ppid: 77,
                    user_ticks: 31,
                    system_ticks: 12,
                    threads: 3,
                    start_ticks: 123456,
                    blkio_ticks: 5,
                }
            );
        }
    }

    #[test]
    fn rejects_truncated_stat() {
        assert_eq!(parse_stat(b"12 (x) S 1 2 3"), None);
        assert_eq!(parse_stat(b"12 x S"), None);
        assert_eq!(parse_stat(b""), None);
        // Old kernels end before field 42: the block I/O time is then 0.
        let line = stat_line("x");
        let short: Vec<&[u8]> = line.split(|&b| b == b' ').take(41).collect();
        assert_eq!(parse_stat(&short.join(&b' ')).unwrap().blkio_ticks, 0);
    }

    #[test]
    fn extends_truncated_names_like_gopsutil() {
        assert_eq!(
            extend_name("averyverylongna", b"/opt/bin/averyverylongname\0--flag\0"),
            "averyverylongname"
        );
        assert_eq!(
            extend_name("averyverylongna", b"something-else\0"),
            "averyverylongna"
        );
        assert_eq!(extend_name("averyverylongna", b""), "averyverylongna");
    }

    #[test]
    fn parses_status_meminfo_and_boot_time() {
        let status = parse_status(
            "Name:\tx\nUid:\t1000\t1000\t1000\t1000\nVmRSS:\t    2048 kB\nNSpid:\t4242\t17\t1\n",
        );
        assert_eq!(
            status,
            Status {
                uid: Some(1000),
                rss_bytes: Some(2 << 20),
                ns_pid: Some(1)
            }
        );
        assert_eq!(parse_status("Name:\tkthreadd\n"), Status::default());
        assert_eq!(
            parse_mem_total("MemTotal:        8000 kB\nMemFree: 1 kB\n"),
            Some(8000 * 1024)
        );
        assert_eq!(
            parse_mem_total("MemTotal: 12\n"),
            None,
            "a unit we do not know"
        );
        assert_eq!(
            parse_boot_time("cpu 1 2\nbtime 1700000000\n"),
            Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        );
        assert_eq!(parse_boot_time("cpu 1 2\n"), None);
    }

    #[test]
    fn reads_this_machines_clock_and_process() {
        let ticks = ticks_per_second();
        assert!((1..=10_000).contains(&ticks), "{ticks} ticks per second");
        assert_eq!(
            ticks_to_duration(ticks * 3 + ticks / 2),
            Duration::from_millis(3500)
        );
        let stat = parse_stat(&fs::read("/proc/self/stat").unwrap()).unwrap();
        assert_eq!(stat.ppid, std::os::unix::process::parent_id());
        let started = start_time(boot_time().unwrap(), stat.start_ticks);
        let age = SystemTime::now().duration_since(started).unwrap();
        assert!(age < Duration::from_secs(3600), "started {age:?} ago");
        let status = parse_status(&fs::read_to_string("/proc/self/status").unwrap());
        // SAFETY: getuid cannot fail.
        assert_eq!(status.uid, Some(unsafe { libc::getuid() }));
        assert!(status.rss_bytes.unwrap() > 0);
        assert!(parse_mem_total(&fs::read_to_string("/proc/meminfo").unwrap()).unwrap() > 0);
    }
}
