//! What each executable is (Go, the Node runtime, or something else), decided once per file
//! identity by inspecting it through any process that runs it.

use super::{Inspect, ScanStats, Scanner};
use crate::cancel::Cancelled;
use crate::inspect::GoBinaryInfo;
use crate::process::{ExeIdentity, Executable, Skip, Snapshot};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::Path;
use std::sync::Arc;

/// What discovery keeps about a Go executable (shared by every process running it).
#[derive(Debug, PartialEq, Eq)]
pub struct GoExecutable {
    /// None when the binary is Go but its build-info blob is gone.
    pub version: Option<String>,
    /// The main package's path (`BuildInfo::path`, the same name all the way to TypeScript),
    /// and the main module's path and version.
    pub path: Option<String>,
    pub main_module: Option<(String, String)>,
}

/// What an executable file is, as far as discovery cares.
#[derive(Debug)]
pub(super) enum Verdict {
    Go(Arc<GoExecutable>),
    NodeRuntime,
    Other,
}

impl Verdict {
    fn of(info: GoBinaryInfo, path: &Path) -> Verdict {
        if info.is_go {
            let build = info.build_info;
            return Verdict::Go(Arc::new(GoExecutable {
                version: info.go_version,
                path: build
                    .as_ref()
                    .map(|b| b.path.clone())
                    .filter(|p| !p.is_empty()),
                main_module: build.and_then(|b| b.main).map(|m| (m.path, m.version)),
            }));
        }
        if is_node(path) {
            Verdict::NodeRuntime
        } else {
            Verdict::Other
        }
    }
}

/// Our agent runs inside Node; its executable is called `node` (`nodejs` on some distributions).
pub(super) fn is_node(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let stem = name.strip_suffix(".exe").unwrap_or(name);
    stem == "node" || stem == "nodejs"
}

impl Scanner {
    /// Inspects each executable not seen before, once, through any process running it.
    /// Processes whose executable could not be opened at all are dropped (and counted).
    pub(super) fn inspect_new(
        &mut self,
        snapshot: &Snapshot,
        running: &mut Vec<(u32, Executable)>,
        stats: &mut ScanStats,
    ) -> Result<(), Cancelled> {
        let mut unknown: HashMap<ExeIdentity, (Executable, Vec<u32>)> = HashMap::default();
        for &(pid, exe) in running.iter() {
            if self.executables.contains_key(&exe.identity) {
                stats.cache_hits += 1;
            } else {
                unknown
                    .entry(exe.identity)
                    .or_insert_with(|| (exe, Vec::new()))
                    .1
                    .push(pid);
            }
        }
        let unknown: Vec<(Executable, Vec<u32>)> = unknown.into_values().collect();
        let verdicts = self.map(&unknown, self.options.concurrency, |(exe, pids)| {
            inspect_through(snapshot, self.inspect, *exe, pids)
        })?;
        let mut lost = HashSet::default();
        for ((exe, pids), verdict) in unknown.into_iter().zip(verdicts) {
            match verdict {
                Ok(verdict) => {
                    stats.inspected += 1;
                    self.executables.insert(exe.identity, verdict);
                }
                Err(skip) => {
                    pids.iter().for_each(|_| stats.count(skip));
                    lost.extend(pids);
                }
            }
        }
        running.retain(|(pid, _)| !lost.contains(pid));
        Ok(())
    }
}

/// Inspects an executable through the first of its processes that can still be opened. A file
/// the inspector cannot make sense of is simply not Go.
fn inspect_through(
    snapshot: &Snapshot,
    inspect: Inspect,
    exe: Executable,
    pids: &[u32],
) -> Result<Verdict, Skip> {
    let mut last = Skip::Vanished;
    for &pid in pids {
        let opened = snapshot.open_executable(pid).and_then(|file| {
            // The process may have exec'd another binary since its stat: never cache a verdict
            // under the wrong identity.
            let opened_identity = file.metadata().map(|meta| ExeIdentity::of(&meta));
            if opened_identity.map_err(|e| Skip::from_io(&e))? != exe.identity {
                return Err(Skip::Vanished);
            }
            Ok((file, snapshot.exe_path(pid, exe.deleted)?))
        });
        match opened {
            Ok((file, path)) => {
                return Ok(match inspect(&file, &path) {
                    Ok(info) => Verdict::of(info, &path),
                    Err(_) if is_node(&path) => Verdict::NodeRuntime,
                    Err(_) => Verdict::Other,
                })
            }
            Err(skip) => last = skip,
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::is_node;
    use std::path::Path;

    #[test]
    fn recognises_node_by_executable_name() {
        assert!(is_node(Path::new("/usr/bin/node")));
        assert!(is_node(Path::new("/usr/bin/nodejs")));
        assert!(is_node(Path::new("C:/Program Files/nodejs/node.exe")));
        assert!(!is_node(Path::new("/usr/bin/nodemon")));
    }
}
