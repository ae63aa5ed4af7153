//! Agent detection through gops port files: a file named after the PID, in the gops config
//! directory, holding the agent's port. Nothing cleans up after a killed agent, so a file only
//! counts when it was written since the process started (a reused PID inherits a stale file
//! otherwise), give or take `FRESHNESS_SLACK`.
//!
//! Where a file is looked for matches the TypeScript client's resolver (`src/client/target.ts`):
//! our config directory under the host PID (gops's own rule), then the directory the process's
//! own environment names, under its root and named by its in-namespace PID (where an agent in a
//! container, or one given its own `GOPS_CONFIG_DIR`, wrote it).

use crate::process::Isolation;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How much older than its process a port file may look and still be its own. The two times
/// come from clocks of different grain: a process's start is the boot time in whole seconds
/// plus clock ticks (on Linux; whole seconds through sysinfo on Windows), a file's mtime is
/// the file system's (whole seconds on ext3, HFS+ and some network file systems, and the
/// kernel's coarse clock elsewhere). An agent writes its file a few milliseconds after start,
/// which one second of rounding can put "before" the start; a stale file slips through only if
/// its PID was reused within that second. The TypeScript client (`src/client/target.ts`),
/// which must decide without the addon, applies the same rule with the same value
/// (`PORT_FILE_SLACK_MS` in `src/protocol/portfile.ts`); `__test__/portfile-rules.spec.ts`
/// runs both on the same files.
pub const FRESHNESS_SLACK: Duration = Duration::from_secs(1);

/// gops's config directory on Linux, from an environment: `$GOPS_CONFIG_DIR`, else
/// `$XDG_CONFIG_HOME/gops`, else `$HOME/.config/gops` (empty values count as unset). None when
/// the environment names none of them. `src/protocol/portfile.ts` holds the same rules.
pub fn config_dir_from_env<'a>(var: impl Fn(&str) -> Option<&'a OsStr>) -> Option<PathBuf> {
    let set = |name: &str| var(name).filter(|value| !value.is_empty()).map(Path::new);
    set("GOPS_CONFIG_DIR")
        .map(Path::to_path_buf)
        .or_else(|| set("XDG_CONFIG_HOME").map(|dir| dir.join("gops")))
        .or_else(|| set("HOME").map(|home| home.join(".config/gops")))
}

/// `config_dir_from_env` over a process's raw environment (`/proc/<pid>/environ`: NUL-separated
/// `NAME=value` entries).
pub fn config_dir_from_environ(environ: &[u8]) -> Option<PathBuf> {
    config_dir_from_env(|name| {
        environ.split(|&b| b == 0).find_map(|entry| {
            let value = entry.strip_prefix(name.as_bytes())?.strip_prefix(b"=")?;
            Some(os_str(value))
        })
    })
}

#[cfg(unix)]
fn os_str(bytes: &[u8]) -> &OsStr {
    std::os::unix::ffi::OsStrExt::from_bytes(bytes)
}

/// Only Linux reads environments; elsewhere a value that is not UTF-8 counts as unset.
#[cfg(not(unix))]
fn os_str(bytes: &[u8]) -> &OsStr {
    OsStr::new(std::str::from_utf8(bytes).unwrap_or(""))
}

/// A fresh port file: where it is (as this process sees the file system) and the port it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentFile {
    pub path: PathBuf,
    /// None when the file holds no port (being written, or not a port file): the process still
    /// counts as running an agent, as gops counts it, but there is nothing to dial.
    pub port: Option<u16>,
}

/// The port files of one scan: each directory is listed once, so processes without a file
/// cost nothing; processes in other mount namespaces are looked up in their own root.
pub struct PortFiles<'a> {
    dir: &'a Path,
    /// The PIDs with a file in `dir`.
    ours: HashSet<u32>,
    /// Other directories' listings, keyed by the path's bytes: hashing a `Path` walks its
    /// components, a cost paid for every Go process of every scan.
    others: HashMap<OsString, HashSet<u32>>,
}

impl<'a> PortFiles<'a> {
    pub fn list(dir: &'a Path) -> PortFiles<'a> {
        PortFiles {
            dir,
            ours: list_pids(dir),
            others: HashMap::default(),
        }
    }

    /// True when the process has a port file written since it started: in our directory, or
    /// in `own_dir` (the one its environment names, as it sees the file system).
    pub fn is_fresh(
        &mut self,
        pid: u32,
        isolation: &Isolation,
        own_dir: Option<&Path>,
        started: SystemTime,
    ) -> bool {
        self.find(pid, isolation, own_dir, started).is_some()
    }

    /// The process's port file written since it started, with the port it holds: in our
    /// directory, or in `own_dir` (the one its environment names, as it sees the file system).
    pub fn find(
        &mut self,
        pid: u32,
        isolation: &Isolation,
        own_dir: Option<&Path>,
        started: SystemTime,
    ) -> Option<AgentFile> {
        if self.ours.contains(&pid) {
            if let Some(found) = read_fresh(self.dir.join(pid.to_string()), started) {
                return Some(found);
            }
        }
        let own_dir = own_dir.unwrap_or(self.dir);
        let name = isolation.ns_pid.unwrap_or(pid);
        let dir = match &isolation.root {
            Some(root) => Cow::Owned(root.join(own_dir.strip_prefix("/").unwrap_or(own_dir))),
            // Spelled as ours: looked at above. (Spelled otherwise, it is listed once more.)
            None if own_dir.as_os_str() == self.dir.as_os_str() && isolation.ns_pid.is_none() => {
                return None
            }
            None => Cow::Borrowed(own_dir),
        };
        if !self.listing(&dir).contains(&name) {
            return None;
        }
        read_fresh(dir.join(name.to_string()), started)
    }

    /// The PIDs with a file in `dir`, read once per scan.
    fn listing(&mut self, dir: &Path) -> &HashSet<u32> {
        let key = dir.as_os_str();
        if !self.others.contains_key(key) {
            self.others.insert(key.to_owned(), list_pids(dir));
        }
        &self.others[key]
    }
}

/// The PIDs named by the files in `dir` (none when it cannot be read).
fn list_pids(dir: &Path) -> HashSet<u32> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A port file holds a few digits: anything longer is not one, so no more is read.
const PORT_FILE_MAX_BYTES: usize = 64;

/// The file at `path` when it is a regular file written since the process started, with its
/// port (None when it holds none: half-written, or not a port file). Opened without blocking,
/// so a FIFO planted there cannot hang a scan; one open, one `fstat`, one read.
fn read_fresh(path: PathBuf, started: SystemTime) -> Option<AgentFile> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let mut file = options.open(&path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || !is_fresh(meta.modified().ok()?, started) {
        return None;
    }
    let mut buffer = [0u8; PORT_FILE_MAX_BYTES];
    let mut read = 0;
    while read < buffer.len() {
        match file.read(&mut buffer[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    let port = (read < buffer.len())
        .then(|| parse_port(&buffer[..read]))
        .flatten();
    Some(AgentFile { path, port })
}

/// The decimal port a port file holds, whitespace trimmed: the TypeScript client's `parsePort`
/// (`src/protocol/portfile.ts`), which `__test__/portfile-rules.spec.ts` runs beside this.
pub fn parse_port(bytes: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(bytes).ok()?.trim();
    if text.is_empty() || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u32>()
        .ok()
        .filter(|&port| (1..65536).contains(&port))
        .map(|port| port as u16)
}

/// The rule itself: written no more than `FRESHNESS_SLACK` before the process started.
fn is_fresh(modified: SystemTime, started: SystemTime) -> bool {
    modified + FRESHNESS_SLACK >= started
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;
    use std::time::Duration;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gops-portfile-{name}-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write_port_file(path: &Path, modified: SystemTime) {
        let file = File::create(path).unwrap();
        std::io::Write::write_all(&mut &file, b"40123").unwrap();
        file.set_modified(modified).unwrap();
    }

    #[test]
    fn trusts_only_files_written_since_the_process_started() {
        let dir = temp_dir("fresh");
        let started = SystemTime::now() - Duration::from_secs(60);
        write_port_file(&dir.join("100"), started + Duration::from_secs(1));
        write_port_file(&dir.join("200"), started - Duration::from_secs(3600));
        write_port_file(&dir.join("400"), started - Duration::from_millis(300));
        let mut files = PortFiles::list(&dir);
        let host = Isolation::default();
        assert!(files.is_fresh(100, &host, None, started));
        assert!(
            !files.is_fresh(200, &host, None, started),
            "a file older than the process is stale"
        );
        assert!(
            files.is_fresh(400, &host, None, started),
            "a file within the slack is the process's own"
        );
        assert!(
            !files.is_fresh(300, &host, None, started),
            "no file, no agent"
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_slack_ends_at_one_second_before_the_start() {
        let started = SystemTime::now();
        assert!(is_fresh(started, started));
        assert!(is_fresh(started + Duration::from_millis(5), started));
        assert!(is_fresh(started - FRESHNESS_SLACK, started));
        assert!(!is_fresh(
            started - FRESHNESS_SLACK - Duration::from_nanos(1),
            started
        ));
    }

    #[test]
    fn looks_in_a_containers_root_under_its_own_pid() {
        let root = temp_dir("root");
        let dir = Path::new("/home/user/.config/gops");
        let inside = root.join("home/user/.config/gops");
        fs::create_dir_all(&inside).unwrap();
        let started = SystemTime::now() - Duration::from_secs(5);
        write_port_file(&inside.join("7"), SystemTime::now());
        let mut files = PortFiles::list(dir);
        let container = Isolation {
            ns_pid: Some(7),
            root: Some(root.clone()),
            container: None,
        };
        assert!(files.is_fresh(4242, &container, None, started));
        let elsewhere = Isolation {
            ns_pid: Some(8),
            ..container.clone()
        };
        assert!(!files.is_fresh(4242, &elsewhere, None, started));
        // A container whose user has another home: its own environment names the directory.
        let app = root.join("home/app/.config/gops");
        fs::create_dir_all(&app).unwrap();
        write_port_file(&app.join("9"), SystemTime::now());
        let other_home = Isolation {
            ns_pid: Some(9),
            ..container
        };
        let own = Path::new("/home/app/.config/gops");
        assert!(!files.is_fresh(4243, &other_home, None, started));
        assert!(files.is_fresh(4243, &other_home, Some(own), started));
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn looks_where_the_processs_own_environment_says() {
        let ours = temp_dir("ours");
        let theirs = temp_dir("theirs");
        let started = SystemTime::now() - Duration::from_secs(5);
        write_port_file(&theirs.join("500"), SystemTime::now());
        let mut files = PortFiles::list(&ours);
        let host = Isolation::default();
        assert!(!files.is_fresh(500, &host, None, started));
        assert!(files.is_fresh(500, &host, Some(&theirs), started));
        fs::remove_dir_all(ours).unwrap();
        fs::remove_dir_all(theirs).unwrap();
    }

    #[test]
    fn follows_gops_rules_for_the_config_dir() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            config_dir_from_env(move |name| {
                vars.iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| OsStr::new(*value))
            })
        };
        let all = &[
            ("GOPS_CONFIG_DIR", "/g"),
            ("XDG_CONFIG_HOME", "/x"),
            ("HOME", "/h"),
        ];
        assert_eq!(env(all), Some(PathBuf::from("/g")));
        assert_eq!(
            env(&[
                ("GOPS_CONFIG_DIR", ""),
                ("XDG_CONFIG_HOME", "/x"),
                ("HOME", "/h")
            ]),
            Some(PathBuf::from("/x/gops"))
        );
        assert_eq!(
            env(&[("HOME", "/h")]),
            Some(PathBuf::from("/h/.config/gops"))
        );
        assert_eq!(env(&[]), None);
    }
}
