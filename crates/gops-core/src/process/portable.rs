//! Windows (and any other system without its own module), through `sysinfo`: one process table
//! refreshed per scan, the executable identified by its path's metadata. Run under Wine by
//! `npm run test:platforms`; on Linux it is only built for unit tests, which run it through
//! sysinfo's Linux backend.

use super::{Details, ExeIdentity, Executable, Incarnation, Isolation, Skip};
use std::fs::{self, File};
use std::io;
use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};
use sysinfo::{Pid, Process, ProcessRefreshKind, ProcessesToUpdate, System, UpdateKind};

pub struct Snapshot {
    system: System,
    pids: Vec<u32>,
}

impl Snapshot {
    pub fn capture() -> io::Result<Snapshot> {
        let mut system =
            System::new().map_err(|e| io::Error::other(format!("cannot list processes: {e}")))?;
        let what = ProcessRefreshKind::nothing()
            .without_tasks()
            .with_exe(UpdateKind::Always);
        system.refresh_processes_specifics(ProcessesToUpdate::All, true, what);
        let pids = system.processes().keys().map(|pid| pid.as_u32()).collect();
        Ok(Snapshot { system, pids })
    }

    pub fn pids(&self) -> &[u32] {
        &self.pids
    }

    pub fn executable(&self, pid: u32, _had_none: bool) -> Result<Executable, Skip> {
        let path = self.path(pid)?;
        let meta = fs::metadata(&path).map_err(|e| Skip::from_io(&e))?;
        Ok(Executable {
            identity: ExeIdentity::of(&meta),
            deleted: false,
        })
    }

    /// The start time (whole seconds): a PID reused within the same second goes unnoticed.
    pub fn incarnation(&self, pid: u32) -> Result<Incarnation, Skip> {
        let started = self.process(pid)?.start_time();
        Ok(Incarnation {
            inode: 0,
            since: i64::try_from(started).unwrap_or(i64::MAX),
        })
    }

    pub fn details(&self, pid: u32) -> Result<Details, Skip> {
        let process = self.process(pid)?;
        Ok(Details {
            ppid: process.parent().map_or(0, Pid::as_u32),
            name: process.name().to_string_lossy().into_owned(),
            started: UNIX_EPOCH + Duration::from_secs(process.start_time()),
        })
    }

    pub fn exe_path(&self, pid: u32, _deleted: bool) -> Result<PathBuf, Skip> {
        self.path(pid)
    }

    pub fn open_executable(&self, pid: u32) -> Result<File, Skip> {
        File::open(self.path(pid)?).map_err(|e| Skip::from_io(&e))
    }

    /// Namespaces are a Linux notion: elsewhere every process shares our view.
    pub fn isolation(&self, _pid: u32) -> Isolation {
        Isolation::default()
    }

    /// Processes' environments are read on Linux only: elsewhere only our own config directory
    /// is searched for port files.
    pub fn environ(&self, _pid: u32) -> Option<Vec<u8>> {
        None
    }

    fn process(&self, pid: u32) -> Result<&Process, Skip> {
        self.system
            .process(Pid::from_u32(pid))
            .ok_or(Skip::Vanished)
    }

    fn path(&self, pid: u32) -> Result<PathBuf, Skip> {
        self.process(pid)?
            .exe()
            .map(PathBuf::from)
            .ok_or(Skip::NoExecutable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_this_process_like_the_linux_path_does() {
        let snapshot = Snapshot::capture().unwrap();
        let me = std::process::id();
        assert!(snapshot.pids().contains(&me));
        let details = snapshot.details(me).unwrap();
        let native = super::super::linux::Snapshot::capture().unwrap();
        assert_eq!(details.ppid, native.details(me).unwrap().ppid);
        assert_eq!(
            snapshot.executable(me, false).unwrap().identity,
            native.executable(me, false).unwrap().identity
        );
        assert!(snapshot.open_executable(me).is_ok());
    }
}
