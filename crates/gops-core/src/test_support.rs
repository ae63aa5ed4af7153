//! Real processes for the unit tests.

use std::path::Path;
use std::process::{Child, Command};

/// A real Go program that waits: `gofmt` reading its stdin (Go is needed to run the tests).
pub fn gofmt() -> Command {
    let goroot = Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .expect("the tests need Go on PATH");
    let gofmt = Path::new(String::from_utf8(goroot.stdout).unwrap().trim()).join("bin/gofmt");
    let mut command = Command::new(gofmt);
    command.stdin(std::process::Stdio::piped());
    command
}

pub fn start_gofmt() -> Child {
    gofmt().spawn().unwrap()
}

/// Root in the host's user, PID and network namespaces: the kernel's process events are certain
/// to work (elsewhere it depends on the kernel, and tests that need them skip).
pub fn expects_process_events() -> bool {
    use std::os::unix::fs::MetadataExt;
    // The kernel's fixed inode numbers for the initial user and PID namespaces.
    const INITIAL_USER_NS: u64 = 0xEFFF_FFFD;
    const INITIAL_PID_NS: u64 = 0xEFFF_FFFC;
    let inode = |ns: &str| std::fs::metadata(format!("/proc/self/ns/{ns}")).map(|m| m.ino());
    // The host's init (PID 1 in the initial PID namespace) sits in the host's network namespace.
    let host_net = std::fs::metadata("/proc/1/ns/net").map(|m| m.ino());
    // SAFETY: geteuid takes nothing and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    root && inode("user").ok() == Some(INITIAL_USER_NS)
        && inode("pid").ok() == Some(INITIAL_PID_NS)
        && inode("net").ok() == host_net.ok()
}
