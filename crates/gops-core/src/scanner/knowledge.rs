//! What a scanner keeps between scans, and only that: memory follows the live process count.

use super::{Facts, GatheredFacts, Scanner, Scope, Verdict};
use crate::portfile::AgentFile;
use crate::process::{ExeIdentity, Executable};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// What the scanner knows of one running process.
pub(super) struct Known {
    pub exe: Executable,
    /// Set for Go and Node processes.
    pub facts: Option<Arc<Facts>>,
    /// The agent's port file it was last reported with (`Some(None)`: reported without one);
    /// None: not reported since its facts were read.
    pub reported_agent: Option<Option<AgentFile>>,
}

impl Scanner {
    /// Keeps what this scan learnt: every process it probed, with its facts when it runs Go or
    /// Node (one whose facts could not be read is left out, so the next scan tries again).
    pub(super) fn remember(
        &mut self,
        running: Vec<(u32, Executable)>,
        mut facts: GatheredFacts,
        scope: Scope,
    ) {
        let mut known = HashMap::with_capacity_and_hasher(running.len(), Default::default());
        for (pid, exe) in running {
            let facts = match facts.remove(&pid) {
                Some(gathered) => Some(gathered),
                None if matches!(self.executables[&exe.identity], Verdict::Other) => None,
                None => continue,
            };
            // Facts read afresh describe a process not reported yet.
            let reported_agent = match facts {
                Some((_, true)) => self
                    .processes
                    .get_mut(&pid)
                    .and_then(|k| k.reported_agent.take()),
                _ => None,
            };
            known.insert(
                pid,
                Known {
                    exe,
                    facts: facts.map(|(facts, _)| facts),
                    reported_agent,
                },
            );
        }
        match scope {
            Scope::Everything => self.processes = known,
            Scope::Only => self.processes.extend(known),
        }
        self.prune_executables(scope);
    }

    /// Drops the verdicts of executables no process runs any more. Partial rescans prune only
    /// once the cache has doubled, so their cost follows the events, not the process count.
    fn prune_executables(&mut self, scope: Scope) {
        if scope == Scope::Everything || self.executables.len() > 2 * self.kept_executables + 16 {
            let live: HashSet<ExeIdentity> =
                self.processes.values().map(|k| k.exe.identity).collect();
            self.executables
                .retain(|identity, _| live.contains(identity));
            self.kept_executables = self.executables.len();
        }
    }
}
