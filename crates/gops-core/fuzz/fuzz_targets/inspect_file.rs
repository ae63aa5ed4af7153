//! Any bytes, as a file, must give an answer: no panic, no hang (libFuzzer's -timeout), no
//! unbounded memory (-rss_limit_mb), `is_go` exactly when some evidence decided it, and a
//! reason that fits the answer.
#![no_main]

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;

/// One scratch file per fuzzing process, rewritten for every input.
fn scratch() -> &'static Mutex<(File, PathBuf)> {
    static SCRATCH: OnceLock<Mutex<(File, PathBuf)>> = OnceLock::new();
    SCRATCH.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("gops-core-fuzz-{}", std::process::id()));
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        Mutex::new((file, path))
    })
}

fuzz_target!(|data: &[u8]| {
    let mut guard = scratch().lock().unwrap();
    let (file, path) = &mut *guard;
    file.set_len(0).unwrap();
    file.seek(SeekFrom::Start(0)).unwrap();
    file.write_all(data).unwrap();
    let info =
        gops_core::inspect::inspect_file(file, path).expect("a readable file is always an answer");
    assert_eq!(info.is_go, info.source.is_some());
    use gops_core::inspect::ReasonCode::*;
    match info.reason.as_ref().map(|r| r.code) {
        Some(ModuleInfoMissing | ModuleInfoInvalid) => assert!(info.is_go && info.build_info.is_none()),
        Some(NoGoEvidence | HeaderUnreadable) => assert!(!info.is_go),
        None => assert!(info.build_info.is_some() || !info.is_go),
    }
});
