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
