//! Linux: everything from `/proc`, through the one parser per file in `procfs` and `sockets`.

use super::{cpu_percent, memory_percent, user_name, InfoError, ProcessInfo};
use crate::process::procfs::{self, read_proc_file, read_proc_text};
use crate::process::{sockets, Skip};
use std::fs;

pub(super) fn read(pid: u32) -> Result<ProcessInfo, InfoError> {
    let io_error = |e: std::io::Error| InfoError::from_io(pid, &e);
    let stat = read_proc_file(pid, "stat", 1024).map_err(io_error)?;
    let stat = procfs::parse_stat(&stat)
        .ok_or_else(|| InfoError::new(pid, Skip::Unreadable, "malformed /proc stat file"))?;
    let status = procfs::parse_status(&read_proc_text(pid, "status", 2048).map_err(io_error)?);
    // Empty for kernel threads and zombies.
    let cmdline = read_proc_file(pid, "cmdline", 4096).map_err(io_error)?;
    let boot = procfs::boot_time()
        .ok_or_else(|| InfoError::new(pid, Skip::Unreadable, "no boot time in /proc/stat"))?;
    let started = procfs::start_time(boot, stat.start_ticks);
    let cpu_seconds =
        procfs::ticks_to_duration(stat.user_ticks + stat.system_ticks + stat.blkio_ticks)
            .as_secs_f64();
    let mem_total = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| procfs::parse_mem_total(&text));
    let connections = match sockets::connections(pid) {
        Ok(found) => Some(found),
        Err(e) if Skip::from_io(&e) == Skip::Vanished => return Err(io_error(e)),
        // Another user's open files are closed to us: the sockets are then unknown.
        Err(_) => None,
    };
    let args = cmdline
        .split(|&b| b == 0)
        .filter(|arg| !arg.is_empty())
        .map(|arg| String::from_utf8_lossy(arg).into_owned())
        .collect();
    Ok(ProcessInfo {
        pid,
        ppid: (stat.ppid > 0).then_some(stat.ppid),
        name: procfs::gops_name(stat.comm, || Ok(cmdline)),
        threads: Some(stat.threads),
        rss_bytes: Some(status.rss_bytes.unwrap_or(0)),
        memory_percent: mem_total
            .and_then(|total| memory_percent(status.rss_bytes.unwrap_or(0), total)),
        cpu_seconds: Some(cpu_seconds),
        cpu_percent: Some(cpu_percent(cpu_seconds, started)),
        uid: status.uid,
        username: status.uid.and_then(user_name),
        args: Some(args),
        started,
        connections,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{process_info, ErrorCode};
    use super::*;
    use std::process::{Command, Stdio};
    use std::time::{Duration, SystemTime};

    #[test]
    fn reads_this_process() {
        let me = std::process::id();
        let info = process_info(me).unwrap();
        assert_eq!(info.pid, me);
        assert_eq!(info.ppid, Some(std::os::unix::process::parent_id()));
        // SAFETY: getuid cannot fail.
        assert_eq!(info.uid, Some(unsafe { libc::getuid() }));
        assert_eq!(info.username, info.uid.and_then(user_name));
        assert!(info.threads.unwrap() >= 1);
        assert!(info.rss_bytes.unwrap() > 0);
        assert!(info.memory_percent.unwrap() > 0.0);
        let exe = std::env::current_exe().unwrap();
        assert_eq!(
            info.args.as_ref().unwrap()[0],
            std::env::args().next().unwrap()
        );
        assert!(exe.to_string_lossy().contains(&info.name) || info.name.len() >= 15);
        let age = SystemTime::now().duration_since(info.started).unwrap();
        assert!(age < Duration::from_secs(3600), "started {age:?} ago");
        assert!(info.connections.is_some());
    }

    #[test]
    fn reads_a_child_and_then_its_absence() {
        let mut child = Command::new("sleep")
            .args(["300", "300"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        // Spawn returns before the child has run exec: wait until it shows `sleep`'s details.
        let deadline = SystemTime::now() + Duration::from_secs(10);
        let info = loop {
            let info = process_info(pid).unwrap();
            if info.name == "sleep" && info.args.as_ref().is_some_and(|a| a.len() == 3) {
                break info;
            }
            assert!(SystemTime::now() < deadline, "{info:?}");
            std::thread::sleep(Duration::from_millis(5));
        };
        assert_eq!(info.ppid, Some(std::process::id()));
        assert_eq!(info.name, "sleep");
        assert_eq!(info.args.as_ref().unwrap()[1..], ["300", "300"]);
        assert_eq!(info.threads, Some(1));
        let age = SystemTime::now().duration_since(info.started).unwrap();
        assert!(age < Duration::from_secs(60), "started {age:?} ago");
        child.kill().unwrap();
        child.wait().unwrap();
        let error = process_info(pid).unwrap_err();
        assert_eq!((error.code(), error.pid), (ErrorCode::ProcessNotFound, pid));
        assert_eq!(error.to_string(), format!("no process with PID {pid}"));
        assert_eq!(
            process_info(u32::MAX - 1).unwrap_err().code(),
            ErrorCode::ProcessNotFound
        );
    }

    #[test]
    fn agrees_with_sysinfo_on_what_both_read() {
        let me = std::process::id();
        let ours = process_info(me).unwrap();
        let theirs = super::super::portable::read(me).unwrap();
        assert_eq!(ours.ppid, theirs.ppid);
        assert_eq!(ours.uid, theirs.uid);
        assert_eq!(ours.args, theirs.args);
        let apart = ours
            .started
            .duration_since(theirs.started)
            .unwrap_or_else(|e| e.duration());
        assert!(apart < Duration::from_secs(2), "{apart:?}");
    }
}
