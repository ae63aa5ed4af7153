//! The details of Go and Node processes (parent, name, start time, path, namespaces, the config
//! directory their environment names): read once per process, kept while it runs the same binary.

use super::{Known, ScanStats, Scanner, Verdict};
use crate::cancel::Cancelled;
use crate::portfile;
use crate::process::{Details, Executable, Incarnation, Isolation, Skip, Snapshot};
use rustc_hash::FxHashMap as HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What was read about an interesting (Go or Node) process.
#[derive(Debug)]
pub(super) struct Facts {
    /// Which process the PID named when these facts were read.
    pub incarnation: Incarnation,
    pub details: Details,
    pub path: PathBuf,
    pub isolation: Isolation,
    /// The gops config directory its environment names: its agent's port file goes there.
    pub config_dir: Option<PathBuf>,
}

/// A process's facts, and whether they were kept from the last scan (not read by this one).
pub(super) type GatheredFacts = HashMap<u32, (Arc<Facts>, bool)>;

impl Scanner {
    /// Details of the Go and Node processes: read once per process, again only when its parent
    /// is gone (it was re-parented) or its PID now names another process running the same
    /// binary.
    pub(super) fn gather_facts(
        &self,
        snapshot: &Snapshot,
        running: &[(u32, Executable)],
        stats: &mut ScanStats,
    ) -> Result<GatheredFacts, Cancelled> {
        let mut facts = HashMap::default();
        let mut to_read = Vec::new();
        for &(pid, exe) in running {
            if matches!(self.executables[&exe.identity], Verdict::Other) {
                continue;
            }
            match self.processes.get(&pid) {
                Some(Known {
                    exe: known,
                    facts: Some(kept),
                    ..
                }) if *known == exe
                    && parent_stands(snapshot, kept.details.ppid)
                    && snapshot.incarnation(pid).ok() == Some(kept.incarnation) =>
                {
                    facts.insert(pid, (kept.clone(), true));
                }
                _ => to_read.push((pid, exe)),
            }
        }
        let read = self.map(&to_read, self.options.concurrency, |&(pid, exe)| {
            read_facts(snapshot, pid, exe)
        })?;
        for (&(pid, _), result) in to_read.iter().zip(read) {
            match result {
                Ok(read) => {
                    facts.insert(pid, (Arc::new(read), false));
                }
                Err(skip) => stats.count(skip),
            }
        }
        Ok(facts)
    }
}

/// Whether the parent the facts name is still listed (as a process, a zombie or a kernel
/// thread). Unix gives an orphan a new parent, so its facts are read again once the parent is
/// gone; Windows never does (a process keeps naming a parent that exited long ago), so there
/// the check would re-read such a process at every scan and tell nothing new.
fn parent_stands(snapshot: &Snapshot, ppid: u32) -> bool {
    cfg!(not(unix)) || ppid == 0 || snapshot.incarnation(ppid).is_ok()
}

fn read_facts(snapshot: &Snapshot, pid: u32, exe: Executable) -> Result<Facts, Skip> {
    Ok(Facts {
        // Taken first: a process replaced while its facts are read shows up at the next scan.
        incarnation: snapshot.incarnation(pid)?,
        details: snapshot.details(pid)?,
        path: snapshot.exe_path(pid, exe.deleted)?,
        isolation: snapshot.isolation(pid),
        config_dir: snapshot.environ(pid).and_then(|environ| portfile::config_dir_from_environ(&environ)),
    })
}
