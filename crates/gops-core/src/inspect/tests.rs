//! Whole-file tests: synthetic layouts written byte by byte, hostile headers, and the read budget.

use super::source::tests::TempFile;
use super::*;

#[test]
fn sniffs_formats_by_magic() {
    assert_eq!(sniff(b"\x7fELF\x02\x01"), Format::Elf);
    assert_eq!(sniff(&[0xcf, 0xfa, 0xed, 0xfe]), Format::Macho);
    assert_eq!(sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]), Format::MachoFat);
    assert_eq!(sniff(b"MZ\x90\0"), Format::Pe);
    assert_eq!(sniff(&[0x01, 0xf7, 0, 3]), Format::Xcoff);
    assert_eq!(sniff(b"\0asm\x01\0\0\0"), Format::Wasm);
    assert_eq!(sniff(b"#!/bin/sh\n"), Format::Script);
    assert_eq!(sniff(b"!<arch>\nfoo"), Format::Archive);
    assert_eq!(sniff(b""), Format::Unknown);
}

#[test]
fn missing_files_and_directories_are_errors_with_codes() {
    let missing = inspect_path(Path::new("/nonexistent/gops-core-test")).unwrap_err();
    assert_eq!(missing.code(), "NOT_FOUND");
    assert!(missing.to_string().contains("/nonexistent/gops-core-test"));
    let dir = inspect_path(&std::env::temp_dir()).unwrap_err();
    assert_eq!(dir.code(), "NOT_A_FILE");
}

#[test]
fn scripts_and_empty_files_are_not_go() {
    let script = TempFile::new("script", b"#!/bin/sh\necho hi\n");
    let info = inspect_path(&script.0).unwrap();
    assert_eq!((info.is_go, info.format), (false, Format::Script));
    let empty = TempFile::new("empty", b"");
    let info = inspect_path(&empty.0).unwrap();
    assert_eq!((info.is_go, info.format, info.bytes_read), (false, Format::Unknown, 0));
}
