//! The result of a scan: which known processes are reported (Go ones, Node ones with an agent),
//! with their agent flag checked against the port files, counted.

use super::{FoundProcess, GoExecutable, Known, Runtime, ScanStats, Scanner, Verdict};
use crate::portfile::{AgentFile, PortFiles};
use std::sync::Arc;

impl Scanner {
    /// Reports these PIDs (those of them that are Go, or Node with an agent), ordered by PID,
    /// and notes the agent flag each was reported with.
    pub(super) fn report(&mut self, pids: &[u32], stats: &mut ScanStats) -> Vec<FoundProcess> {
        let mut port_files = PortFiles::list(&self.options.config_dir);
        let mut processes = Vec::new();
        for pid in pids {
            let Some(known) = self.processes.get_mut(pid) else {
                continue;
            };
            let Some(facts) = &known.facts else {
                continue;
            };
            let agent_file = port_files.find(
                *pid,
                &facts.isolation,
                facts.config_dir.as_deref(),
                facts.details.started,
            );
            let verdict = &self.executables[&known.exe.identity];
            let agent = agent_file.is_some();
            let Some((runtime, go)) = classify(verdict, agent, self.options.include_node) else {
                known.reported_agent = None;
                continue;
            };
            stats.tally(runtime);
            processes.push(found(*pid, known, runtime, go, agent_file.clone()));
            known.reported_agent = Some(agent_file);
        }
        processes
    }
}

/// Whether a process running this executable is reported, and as what: Go always, Node only
/// with an agent (and when Node processes are asked for).
fn classify(
    verdict: &Verdict,
    agent: bool,
    include_node: bool,
) -> Option<(Runtime, Option<Arc<GoExecutable>>)> {
    match verdict {
        Verdict::Go(go) => Some((Runtime::Go, Some(go.clone()))),
        Verdict::NodeRuntime if agent && include_node => Some((Runtime::Node, None)),
        _ => None,
    }
}

/// The reported form of a known process (which has facts).
fn found(
    pid: u32,
    known: &Known,
    runtime: Runtime,
    go: Option<Arc<GoExecutable>>,
    agent_file: Option<AgentFile>,
) -> FoundProcess {
    let facts = known.facts.as_ref().expect("reported processes have facts");
    FoundProcess {
        pid,
        ppid: facts.details.ppid,
        name: facts.details.name.clone(),
        path: facts.path.clone(),
        deleted: known.exe.deleted,
        runtime,
        go,
        agent: agent_file.is_some(),
        unchanged: known.reported_agent.as_ref() == Some(&agent_file),
        agent_file,
        started: facts.details.started,
        isolation: facts.isolation.clone(),
    }
}

impl ScanStats {
    fn tally(&mut self, runtime: Runtime) {
        match runtime {
            Runtime::Go => self.go += 1,
            Runtime::Node => self.node += 1,
        }
    }
}
