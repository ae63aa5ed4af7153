//! macOS, through libproc: parent, owner, start time, threads, resident memory and CPU time.
//! The command line (sysctl KERN_PROCARGS2) and sockets are not read yet: None. Built here,
//! never run (no Mac).

use super::{cpu_percent, memory_percent, user_name, InfoError, ProcessInfo};
use crate::process::macos::{c_string, pid_info};
use std::mem::size_of;
use std::time::{Duration, UNIX_EPOCH};

pub(super) fn read(pid: u32) -> Result<ProcessInfo, InfoError> {
    let all = task_all_info(pid)?;
    let (bsd, task) = (&all.pbsd, &all.ptinfo);
    let started = UNIX_EPOCH
        + Duration::from_secs(bsd.pbi_start_tvsec)
        + Duration::from_micros(bsd.pbi_start_tvusec);
    let cpu_seconds = mach_seconds(task.pti_total_user.saturating_add(task.pti_total_system));
    let name = c_string(&bsd.pbi_name);
    Ok(ProcessInfo {
        pid,
        ppid: (bsd.pbi_ppid > 0).then_some(bsd.pbi_ppid),
        name: if name.is_empty() {
            c_string(&bsd.pbi_comm)
        } else {
            name
        },
        threads: u32::try_from(task.pti_threadnum).ok(),
        rss_bytes: Some(task.pti_resident_size),
        memory_percent: memory_size()
            .and_then(|total| memory_percent(task.pti_resident_size, total)),
        cpu_seconds: Some(cpu_seconds),
        cpu_percent: Some(cpu_percent(cpu_seconds, started)),
        uid: Some(bsd.pbi_uid),
        username: user_name(bsd.pbi_uid),
        args: None,
        started,
        connections: None,
    })
}

fn task_all_info(pid: u32) -> Result<libc::proc_taskallinfo, InfoError> {
    // SAFETY: PROC_PIDTASKALLINFO answers with a proc_taskallinfo.
    unsafe { pid_info(pid, libc::PROC_PIDTASKALLINFO) }.map_err(|e| InfoError::from_io(pid, &e))
}

/// Task times are in Mach absolute time units (nanoseconds on Intel, not on Apple silicon).
/// libc marks the timebase deprecated in favour of the mach2 crate; one call does not need it.
#[allow(deprecated)]
fn mach_seconds(units: u64) -> f64 {
    let mut timebase = libc::mach_timebase_info { numer: 0, denom: 0 };
    // SAFETY: fills the struct we own.
    let status = unsafe { libc::mach_timebase_info(&mut timebase) };
    let (numer, denom) = if status == 0 && timebase.denom > 0 {
        (timebase.numer, timebase.denom)
    } else {
        (1, 1)
    };
    units as f64 * f64::from(numer) / f64::from(denom) / 1e9
}

/// The machine's RAM (sysctl hw.memsize).
fn memory_size() -> Option<u64> {
    let mut size: u64 = 0;
    let mut length = size_of::<u64>();
    // SAFETY: the name is NUL-terminated; the answer fits the u64 we own.
    let status = unsafe {
        libc::sysctlbyname(
            c"hw.memsize".as_ptr(),
            (&mut size as *mut u64).cast(),
            &mut length,
            std::ptr::null_mut(),
            0,
        )
    };
    (status == 0).then_some(size)
}
