//! Windows (and any other system without its own reader), through `sysinfo`: what its process
//! table holds. Threads and sockets are not known there; on Linux this is built only for unit
//! tests, which compare it with the `/proc` reader.

use super::{cpu_percent, memory_percent, InfoError, ProcessInfo};
use crate::process::Skip;
use std::time::{Duration, UNIX_EPOCH};
use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System, UpdateKind};

pub(super) fn read(pid: u32) -> Result<ProcessInfo, InfoError> {
    let mut system = System::new().map_err(|e| {
        InfoError::new(pid, Skip::Unreadable, format!("cannot list processes: {e}"))
    })?;
    let what = ProcessRefreshKind::nothing()
        .with_memory()
        .with_cpu()
        .with_cmd(UpdateKind::Always)
        .with_user(UpdateKind::Always)
        .without_tasks();
    system.refresh_processes_specifics(ProcessesToUpdate::Some(&[Pid::from_u32(pid)]), true, what);
    system.refresh_memory();
    let process = system
        .process(Pid::from_u32(pid))
        .ok_or_else(|| InfoError::new(pid, Skip::Vanished, "not in the process table"))?;
    let started = UNIX_EPOCH + Duration::from_secs(process.start_time());
    let cpu_seconds = process.accumulated_cpu_time() as f64 / 1000.0;
    let args = process
        .cmd()
        .iter()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    Ok(ProcessInfo {
        pid,
        ppid: process.parent().map(Pid::as_u32).filter(|&ppid| ppid > 0),
        name: process.name().to_string_lossy().into_owned(),
        threads: None,
        rss_bytes: Some(process.memory()),
        memory_percent: memory_percent(process.memory(), system.total_memory()),
        cpu_seconds: Some(cpu_seconds),
        cpu_percent: Some(cpu_percent(cpu_seconds, started)),
        uid: numeric_uid(process.user_id()),
        username: None,
        args: Some(args),
        started,
        connections: None,
    })
}

/// Unix user IDs are numbers; Windows ones are SIDs, which have no number.
fn numeric_uid(uid: Option<&sysinfo::Uid>) -> Option<u32> {
    uid.and_then(|uid| uid.to_string().parse().ok())
}
