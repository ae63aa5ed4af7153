//! Whole-file tests: synthetic layouts written byte by byte, hostile headers, and the read budget.

use std::io::{Seek, SeekFrom, Write};

use super::buildinfo::{INFO_END, INFO_START};
use super::source::tests::TempFile;
use super::*;

const SHT_PROGBITS: u32 = 1;
const SHT_SYMTAB: u32 = 2;
const SHT_STRTAB: u32 = 3;
const SHF_WRITE: u64 = 1;
const SHF_ALLOC: u64 = 2;
const SHF_EXEC: u64 = 4;
const PF_R: u32 = 4;
const PF_W: u32 = 2;
const PF_X: u32 = 1;

/// A section of a synthetic little-endian ELF64 file: where it is, and optionally its bytes.
struct Sect {
    name: &'static str,
    kind: u32,
    flags: u64,
    addr: u64,
    offset: u64,
    size: u64,
    link: u32,
    data: Vec<u8>,
}

fn sect(name: &'static str, flags: u64, addr: u64, offset: u64, data: Vec<u8>) -> Sect {
    Sect {
        name,
        kind: SHT_PROGBITS,
        flags,
        addr,
        offset,
        size: data.len() as u64,
        link: 0,
        data,
    }
}

/// A `PT_LOAD` covering `[offset, offset + size)` at `vaddr`.
struct Load(u32, u64, u64, u64);

/// Writes a sparse ELF64 (amd64) of `len` bytes: section headers and names at the end.
fn elf(name: &str, len: u64, sections: &[Sect], loads: &[Load]) -> TempFile {
    let mut names = b"\0.shstrtab\0".to_vec();
    let mut headers = vec![0u8; 64];
    let mut entry = |name_at: usize,
                     kind: u32,
                     flags: u64,
                     addr: u64,
                     offset: u64,
                     size: u64,
                     link: u32,
                     entsize: u64| {
        let mut h = Vec::with_capacity(64);
        h.extend_from_slice(&(name_at as u32).to_le_bytes());
        h.extend_from_slice(&kind.to_le_bytes());
        for v in [flags, addr, offset, size] {
            h.extend_from_slice(&v.to_le_bytes());
        }
        h.extend_from_slice(&link.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&1u64.to_le_bytes());
        h.extend_from_slice(&entsize.to_le_bytes());
        headers.extend_from_slice(&h);
    };
    for s in sections {
        let entsize = if s.kind == SHT_SYMTAB { 24 } else { 0 };
        entry(
            names.len(),
            s.kind,
            s.flags,
            s.addr,
            s.offset,
            s.size,
            s.link,
            entsize,
        );
        names.extend_from_slice(s.name.as_bytes());
        names.push(0);
    }
    let names_at = len;
    let shoff = (names_at + names.len() as u64).next_multiple_of(8);
    entry(1, SHT_STRTAB, 0, 0, names_at, names.len() as u64, 0, 0);

    let mut head = vec![0u8; 64];
    head[..8].copy_from_slice(b"\x7fELF\x02\x01\x01\0");
    head[16..18].copy_from_slice(&2u16.to_le_bytes());
    head[18..20].copy_from_slice(&62u16.to_le_bytes());
    head[32..40].copy_from_slice(&64u64.to_le_bytes());
    head[40..48].copy_from_slice(&shoff.to_le_bytes());
    head[52..54].copy_from_slice(&64u16.to_le_bytes());
    head[54..56].copy_from_slice(&56u16.to_le_bytes());
    head[56..58].copy_from_slice(&(loads.len() as u16).to_le_bytes());
    head[58..60].copy_from_slice(&64u16.to_le_bytes());
    head[60..62].copy_from_slice(&(sections.len() as u16 + 2).to_le_bytes());
    head[62..64].copy_from_slice(&(sections.len() as u16 + 1).to_le_bytes());
    for Load(flags, offset, vaddr, size) in loads {
        head.extend_from_slice(&1u32.to_le_bytes());
        head.extend_from_slice(&flags.to_le_bytes());
        for v in [*offset, *vaddr, *vaddr, *size, *size, 0x1000] {
            head.extend_from_slice(&v.to_le_bytes());
        }
    }
    let mut pieces: Vec<(u64, &[u8])> = vec![(0, &head), (names_at, &names), (shoff, &headers)];
    pieces.extend(sections.iter().map(|s| (s.offset, s.data.as_slice())));
    sparse_file(name, &pieces)
}

fn sparse_file(name: &str, pieces: &[(u64, &[u8])]) -> TempFile {
    let tmp = TempFile::new(name, b"");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(&tmp.0)
        .unwrap();
    for (offset, bytes) in pieces {
        file.seek(SeekFrom::Start(*offset)).unwrap();
        file.write_all(bytes).unwrap();
    }
    tmp
}

fn uvarint_string(out: &mut Vec<u8>, s: &[u8]) {
    let mut n = s.len();
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
    out.extend_from_slice(s);
}

fn framed(text: &str) -> Vec<u8> {
    [&INFO_START[..], text.as_bytes(), &INFO_END[..]].concat()
}

const MODINFO: &str = "path\texample.com/cmd\nmod\texample.com\t(devel)\t\ndep\tgolang.org/x/sys\tv0.1.0\th1:x=\nbuild\tGOOS=linux\n";

fn blob_header(ptr_size: u8, flags: u8) -> Vec<u8> {
    let mut h = b"\xff Go buildinf:".to_vec();
    h.extend_from_slice(&[ptr_size, flags]);
    h.resize(32, 0);
    h
}

fn expected_build_info() -> BuildInfo {
    let module = |path: &str, version: &str, sum: &str| Module {
        path: path.into(),
        version: version.into(),
        sum: sum.into(),
        replace: None,
    };
    BuildInfo {
        path: "example.com/cmd".into(),
        main: Some(module("example.com", "(devel)", "")),
        deps: vec![module("golang.org/x/sys", "v0.1.0", "h1:x=")],
        settings: vec![("GOOS".into(), "linux".into())],
    }
}

/// A Go >= 1.18 blob: the header with inline strings, `version`, then the framed module text.
fn inline_blob(version: &[u8]) -> Vec<u8> {
    let mut blob = blob_header(8, 0x2);
    uvarint_string(&mut blob, version);
    uvarint_string(&mut blob, &framed(MODINFO));
    blob
}

/// An ELF of `file_size` bytes whose `.go.buildinfo` section (at 0x402000, file offset 0x2000) holds `blob`.
fn elf_with_buildinfo(name: &str, file_size: u64, blob: Vec<u8>) -> TempFile {
    elf(
        name,
        file_size,
        &[sect(
            ".go.buildinfo",
            SHF_ALLOC | SHF_WRITE,
            0x402000,
            0x2000,
            blob,
        )],
        &[],
    )
}

#[test]
fn decodes_the_inline_blob() {
    let blob = inline_blob(b"go1.22.3");
    let tmp = elf_with_buildinfo("inline", 0x3000, blob);
    let info = inspect_path(&tmp.0).unwrap();
    assert_eq!(
        (info.is_go, info.source, info.format),
        (true, Some(Evidence::Buildinfo), Format::Elf)
    );
    assert_eq!(info.go_version.as_deref(), Some("go1.22.3"));
    assert_eq!(info.arch.as_deref(), Some("amd64"));
    assert_eq!(info.build_info, Some(expected_build_info()));
}

#[test]
fn decodes_the_pre_1_18_pointer_layout_in_either_byte_order() {
    for (ptr_size, flags) in [(8u8, 0u8), (4, 0x1)] {
        let big = flags & 0x1 != 0;
        let ptr = |v: u64| -> Vec<u8> {
            match (ptr_size, big) {
                (8, _) => v.to_le_bytes().to_vec(),
                (_, true) => (v as u32).to_be_bytes().to_vec(),
                _ => (v as u32).to_le_bytes().to_vec(),
            }
        };
        let modinfo = framed(MODINFO);
        // One data section at 0x500000: header, two string headers, then the string bytes.
        let mut data = blob_header(ptr_size, flags);
        let p = ptr_size as usize;
        data[16..16 + p].copy_from_slice(&ptr(0x500040));
        data[16 + p..16 + 2 * p].copy_from_slice(&ptr(0x500060));
        data.resize(0x40, 0);
        data.extend([ptr(0x500100), ptr(8)].concat());
        data.resize(0x60, 0);
        data.extend([ptr(0x500200), ptr(modinfo.len() as u64)].concat());
        data.resize(0x100, 0);
        data.extend_from_slice(b"go1.16.5");
        data.resize(0x200, 0);
        data.extend_from_slice(&modinfo);
        let size = data.len() as u64;
        let sections = [sect(
            ".go.buildinfo",
            SHF_ALLOC | SHF_WRITE,
            0x500000,
            0x2000,
            data,
        )];
        let tmp = elf(
            "pointers",
            0x3000,
            &sections,
            &[Load(PF_R | PF_W, 0x2000, 0x500000, size)],
        );
        let info = inspect_path(&tmp.0).unwrap();
        assert_eq!(
            info.go_version.as_deref(),
            Some("go1.16.5"),
            "pointer size {ptr_size}"
        );
        assert_eq!(info.build_info, Some(expected_build_info()));
    }
}

#[test]
fn blob_lengths_past_the_section_or_bad_versions_are_rejected() {
    let mut long = blob_header(8, 0x2);
    uvarint_string(&mut long, b"go1.22.3");
    long.extend_from_slice(&[0xff, 0xff, 0x03]); // module text longer than the section
    let mut devel = blob_header(8, 0x2);
    uvarint_string(&mut devel, b"1.22");
    for (name, blob) in [("long", long), ("badversion", devel)] {
        let tmp = elf_with_buildinfo(name, 0x3000, blob);
        let info = inspect_path(&tmp.0).unwrap();
        assert_ne!(info.source, Some(Evidence::Buildinfo), "{name}");
        assert_eq!(info.build_info, None);
    }
}

#[test]
fn a_valid_pclntab_header_alone_decides() {
    let valid = vec![0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8];
    let tmp = elf(
        "pclntab",
        0x3000,
        &[sect(".gopclntab", SHF_ALLOC, 0x402000, 0x2000, valid)],
        &[],
    );
    let info = inspect_path(&tmp.0).unwrap();
    assert_eq!(
        (info.is_go, info.source, info.go_version),
        (true, Some(Evidence::Pclntab), None)
    );
    let invalid = vec![0xf1, 0xff, 0xff, 0xff, 0, 0, 3, 8];
    let tmp = elf(
        "pclntab-bad",
        0x3000,
        &[sect(".gopclntab", SHF_ALLOC, 0x402000, 0x2000, invalid)],
        &[],
    );
    assert!(!inspect_path(&tmp.0).unwrap().is_go);
}

/// An ELF64 symbol: name offset, STT_OBJECT in section 1, value.
fn symbol(name_at: u32, value: u64) -> Vec<u8> {
    let mut s = name_at.to_le_bytes().to_vec();
    s.extend_from_slice(&[0x11, 0, 1, 0]);
    s.extend_from_slice(&value.to_le_bytes());
    s.extend_from_slice(&8u64.to_le_bytes());
    s
}

#[test]
fn symbols_decide_and_give_the_exact_version() {
    let strtab = b"\0main.main\0runtime.buildVersion\0runtime.mainx\0".to_vec();
    let symtab = [
        vec![0u8; 24],
        symbol(47, 0),
        symbol(1, 0x401000),
        symbol(11, 0x403000),
    ]
    .concat();
    let mut rodata = [0x403010u64.to_le_bytes(), 8u64.to_le_bytes()].concat();
    rodata.extend_from_slice(b"go1.21.3");
    let size = rodata.len() as u64;
    let mut symtab_section = sect(".symtab", 0, 0, 0x4000, symtab);
    symtab_section.kind = SHT_SYMTAB;
    symtab_section.link = 4;
    let mut strtab_section = sect(".strtab", 0, 0, 0x5000, strtab);
    strtab_section.kind = SHT_STRTAB;
    let sections = [
        sect(
            ".noptrdata",
            SHF_ALLOC | SHF_WRITE,
            0x404000,
            0x2000,
            vec![0; 16],
        ),
        sect(".rodata", SHF_ALLOC, 0x403000, 0x3000, rodata),
        symtab_section,
        strtab_section,
    ];
    let tmp = elf(
        "symbols",
        0x6000,
        &sections,
        &[Load(PF_R, 0x3000, 0x403000, size)],
    );
    let info = inspect_path(&tmp.0).unwrap();
    assert_eq!((info.is_go, info.source), (true, Some(Evidence::Symbols)));
    assert_eq!(info.go_version.as_deref(), Some("go1.21.3"));
}

#[test]
fn framed_module_text_in_rodata_completes_a_go_hint() {
    let mut rodata = b"junk go1.20.14\0go1.19\0".to_vec();
    rodata.extend_from_slice(&framed(MODINFO));
    let sections = [
        sect(".typelink", SHF_ALLOC, 0x404000, 0x2000, vec![0; 16]),
        sect(".rodata", SHF_ALLOC, 0x403000, 0x3000, rodata),
    ];
    let info = inspect_path(&elf("strings", 0x4000, &sections, &[]).0).unwrap();
    assert_eq!((info.is_go, info.source), (true, Some(Evidence::Strings)));
    assert_eq!(info.go_version.as_deref(), Some("go1.20.14"));
    assert_eq!(info.build_info, Some(expected_build_info()));
    // Without a Go-only section name, read-only data is not even searched.
    let sections = [sect(
        ".rodata",
        SHF_ALLOC,
        0x403000,
        0x3000,
        framed(MODINFO),
    )];
    let info = inspect_path(&elf("strings-unhinted", 0x4000, &sections, &[]).0).unwrap();
    assert!(!info.is_go);
}

#[test]
fn deciding_a_100_mib_non_go_elf_reads_well_under_1_mib() {
    const MIB: u64 = 1 << 20;
    let mut symtab = sect(".symtab", 0, 0, 92 * MIB, vec![]);
    (symtab.kind, symtab.size, symtab.link) = (SHT_SYMTAB, 4 * MIB, 5);
    let mut strtab = sect(".strtab", 0, 0, 96 * MIB, vec![]);
    (strtab.kind, strtab.size) = (SHT_STRTAB, 4 * MIB);
    let mut sections = vec![
        sect(
            ".text",
            SHF_ALLOC | SHF_EXEC,
            0x401000,
            0x1000,
            vec![0x90; 4096],
        ),
        sect(
            ".rodata",
            SHF_ALLOC,
            0x4000000,
            60 * MIB,
            b"go1.22.1\0".to_vec(),
        ),
        sect(".data", SHF_ALLOC | SHF_WRITE, 0x6000000, 80 * MIB, vec![]),
        sect(
            ".data.rel.ro",
            SHF_ALLOC | SHF_WRITE,
            0x7000000,
            90 * MIB,
            vec![],
        ),
        symtab,
        strtab,
    ];
    (
        sections[0].size,
        sections[1].size,
        sections[2].size,
        sections[3].size,
    ) = (59 * MIB, 20 * MIB, 10 * MIB, 2 * MIB);
    let loads = [
        Load(PF_R | PF_X, 0, 0x400000, 60 * MIB),
        Load(PF_R, 60 * MIB, 0x4000000, 20 * MIB),
        Load(PF_R | PF_W, 80 * MIB, 0x6000000, 12 * MIB),
    ];
    let tmp = elf("large", 100 * MIB, &sections, &loads);
    let info = inspect_path(&tmp.0).unwrap();
    assert!(!info.is_go);
    assert!(info.bytes_read < 16 << 10, "read {} bytes", info.bytes_read);
}

#[test]
fn hostile_counts_and_sizes_are_bounded() {
    let mut head = vec![0u8; 64];
    head[..8].copy_from_slice(b"\x7fELF\x02\x01\x01\0");
    head[32..40].copy_from_slice(&64u64.to_le_bytes()); // phoff
    head[40..48].copy_from_slice(&64u64.to_le_bytes()); // shoff: the section table overlaps everything
    head[54..56].copy_from_slice(&56u16.to_le_bytes());
    head[56..58].copy_from_slice(&0xffffu16.to_le_bytes());
    head[58..60].copy_from_slice(&64u16.to_le_bytes());
    head[60..62].copy_from_slice(&0u16.to_le_bytes()); // extended count, read from section 0...
    head[62..64].copy_from_slice(&0xffffu16.to_le_bytes());
    let mut zero = vec![0u8; 64];
    zero[32..40].copy_from_slice(&u64::MAX.to_le_bytes()); // ...which claims 2^64 - 1 sections
    zero[40..44].copy_from_slice(&7u32.to_le_bytes());
    let mut huge = vec![0u8; 64];
    huge[4..8].copy_from_slice(&SHT_STRTAB.to_le_bytes());
    huge[24..32].copy_from_slice(&0u64.to_le_bytes());
    huge[32..40].copy_from_slice(&u64::MAX.to_le_bytes()); // a name table of 2^64 - 1 bytes
    let mut bytes = [head, zero, vec![0; 64 * 6], huge].concat();
    bytes.resize(8 << 20, 0xee);
    let tmp = TempFile::new("hostile", &bytes);
    let info = inspect_path(&tmp.0).unwrap();
    assert!(!info.is_go);
    assert!(info.bytes_read < 1 << 20, "read {} bytes", info.bytes_read);
}

/// A minimal Mach-O 64 slice for `cputype` with a `__go_buildinfo` section at slice offset 0x200.
fn macho_slice(cputype: u32, version: &str) -> Vec<u8> {
    let blob = inline_blob(version.as_bytes());
    let mut out = Vec::new();
    for v in [0xfeed_facfu32, cputype, 0, 2, 1, 152, 0, 0] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&0x19u32.to_le_bytes());
    out.extend_from_slice(&152u32.to_le_bytes());
    out.extend_from_slice(b"__DATA\0\0\0\0\0\0\0\0\0\0");
    for v in [0x1_0000_0000u64, 0x1000, 0x200, blob.len() as u64] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in [3u32, 3, 1, 0] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(b"__go_buildinfo\0\0__DATA\0\0\0\0\0\0\0\0\0\0");
    for v in [0x1_0000_0000u64, blob.len() as u64] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in [0x200u32, 4, 0, 0, 0, 0, 0, 0] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.resize(0x200, 0);
    out.extend_from_slice(&blob);
    out
}

fn fat(slices: &[Vec<u8>]) -> Vec<u8> {
    let mut out = [0xcafe_babeu32, slices.len() as u32]
        .map(u32::to_be_bytes)
        .concat();
    let mut at = 0x1000u32;
    for (slice, cputype) in slices.iter().zip([0x0100_000cu32, 0x0100_0007]) {
        for v in [cputype, 0, at, slice.len() as u32, 12] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        at += 0x1000;
    }
    for (i, slice) in slices.iter().enumerate() {
        out.resize(0x1000 * (i + 1), 0);
        out.extend_from_slice(slice);
    }
    out
}

#[test]
fn reads_every_slice_of_a_fat_mach_o() {
    let bytes = fat(&[
        macho_slice(0x0100_000c, "go1.22.3"),
        macho_slice(0x0100_0007, "go1.22.4"),
    ]);
    let tmp = TempFile::new("fat", &bytes);
    let info = inspect_path(&tmp.0).unwrap();
    assert_eq!(
        (info.format, info.is_go, info.arch.as_deref()),
        (Format::MachoFat, true, Some("arm64"))
    );
    assert_eq!(info.go_version.as_deref(), Some("go1.22.3"));
    let slices: Vec<_> = info
        .slices
        .iter()
        .map(|s| (s.arch.as_deref(), s.go_version.as_deref()))
        .collect();
    assert_eq!(
        slices,
        [
            (Some("arm64"), Some("go1.22.3")),
            (Some("amd64"), Some("go1.22.4"))
        ]
    );
    assert!(info
        .slices
        .iter()
        .all(|s| s.build_info == Some(expected_build_info())));
}

#[test]
fn a_java_class_file_is_not_a_fat_mach_o() {
    let class = b"\xca\xfe\xba\xbe\x00\x00\x00\x34\x00\x1d\x0a\x00\x06\x00\x0f\x09\x00\x10\x00\x11";
    let info = inspect_path(&TempFile::new("class", class).0).unwrap();
    assert_eq!((info.format, info.is_go), (Format::Unknown, false));
    // Two slices whose offsets point past the end of the file are no fat file either.
    let mut lying = fat(&[macho_slice(0x0100_000c, "go1.22.3")]);
    lying.truncate(0x1100);
    let info = inspect_path(&TempFile::new("fat-truncated", &lying).0).unwrap();
    assert_eq!((info.format, info.is_go), (Format::Unknown, false));
}

#[test]
fn every_truncation_is_an_answer_not_an_error() {
    let blob = inline_blob(b"go1.22.3");
    let whole = elf_with_buildinfo("whole", 0x2100, blob);
    let files = [
        std::fs::read(&whole.0).unwrap(),
        fat(&[macho_slice(0x0100_000c, "go1.22.3")]),
    ];
    for bytes in &files {
        for len in (0..bytes.len()).step_by(61) {
            let tmp = TempFile::new("truncated", &bytes[..len]);
            let info = inspect_path(&tmp.0).unwrap();
            assert!(info.bytes_read <= len as u64 * 2 + 64);
        }
    }
}

#[test]
fn sniffs_formats_by_magic() {
    assert_eq!(sniff(b"\x7fELF\x02\x01"), Format::Elf);
    assert_eq!(sniff(&[0xcf, 0xfa, 0xed, 0xfe]), Format::Macho);
    assert_eq!(
        sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]),
        Format::MachoFat
    );
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
    assert_eq!(missing.code(), ErrorCode::NotFound);
    assert!(missing.to_string().contains("/nonexistent/gops-core-test"));
    let dir = inspect_path(&std::env::temp_dir()).unwrap_err();
    assert_eq!(dir.code(), ErrorCode::NotAFile);
}

#[cfg(unix)]
#[test]
fn fifos_are_refused_without_blocking() {
    let tmp = TempFile::new("fifo", b"");
    std::fs::remove_file(&tmp.0).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&tmp.0)
        .status()
        .unwrap();
    assert!(made.success());
    assert_eq!(
        inspect_path(&tmp.0).unwrap_err().code(),
        ErrorCode::NotAFile
    );
    assert_eq!(
        inspect_path(Path::new("/dev/null")).unwrap_err().code(),
        ErrorCode::NotAFile
    );
}

#[test]
fn scripts_wasm_archives_and_empty_files_are_not_go() {
    for (name, bytes, format) in [
        ("script", &b"#!/bin/sh\necho hi\n"[..], Format::Script),
        ("wasm", b"\0asm\x01\0\0\0\x01\x04", Format::Wasm),
        ("archive", b"!<arch>\n/               0", Format::Archive),
        ("empty", b"", Format::Unknown),
    ] {
        let info = inspect_path(&TempFile::new(name, bytes).0).unwrap();
        assert_eq!((info.is_go, info.format), (false, format), "{name}");
    }
}

#[test]
fn offsets_past_u64_max_read_as_missing() {
    // Found by fuzzing: an XCOFF64 symbol table at 2^64 - 1 holding 2^32 - 1 entries.
    let mut xcoff = vec![0x01, 0xf7, 0, 0];
    xcoff.extend_from_slice(&[0xff; 20]);
    xcoff.extend_from_slice(&[0; 40]);
    let info = inspect_path(&TempFile::new("xcoff-overflow", &xcoff).0).unwrap();
    assert_eq!((info.format, info.is_go), (Format::Xcoff, false));
}

/// An ELF whose only marks are a `.gopclntab` header, `rodata` and `data` (with loads for both).
fn elf_with_pclntab(name: &str, rodata: Vec<u8>, data: Vec<u8>) -> TempFile {
    let pclntab = vec![0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8];
    let (rodata_size, data_size) = (rodata.len() as u64, data.len() as u64);
    let sections = [
        sect(".gopclntab", SHF_ALLOC, 0x402000, 0x2000, pclntab),
        sect(".rodata", SHF_ALLOC, 0x403000, 0x3000, rodata),
        sect(".data", SHF_ALLOC | SHF_WRITE, 0x404000, 0x4000, data),
    ];
    let loads = [
        Load(PF_R, 0x3000, 0x403000, rodata_size),
        Load(PF_R | PF_W, 0x4000, 0x404000, data_size),
    ];
    elf(name, 0x5000, &sections, &loads)
}

#[test]
fn the_version_string_header_pins_a_version_whose_neighbours_touch_it() {
    // Go packs string bytes without separators: here the version runs into both neighbours, so
    // only `runtime.buildVersion`'s header {data, len} in .data says where it starts and ends.
    let mut rodata = b"\x01\x02GOROOTgo1.19abc".to_vec();
    let at = rodata.len() as u64;
    rodata.extend_from_slice(b"go1.26.8call frame too large");
    let mut data = vec![0u8; 24];
    data.extend_from_slice(&(0x403000 + at).to_le_bytes());
    data.extend_from_slice(&8u64.to_le_bytes());
    let info = inspect_path(&elf_with_pclntab("version-header", rodata, data).0).unwrap();
    assert_eq!((info.is_go, info.source), (true, Some(Evidence::Pclntab)));
    assert_eq!(info.go_version.as_deref(), Some("go1.26.8"));
    // A header whose length ends inside a longer token is no version.
    let rodata = b"go1.26.8x\0".to_vec();
    let data = [0x403000u64.to_le_bytes(), 9u64.to_le_bytes()].concat();
    let info = inspect_path(&elf_with_pclntab("version-header-bad", rodata, data).0).unwrap();
    assert_eq!((info.is_go, info.go_version), (true, None));
}

#[test]
fn reasons_say_why_an_answer_is_incomplete() {
    let code = |info: &GoBinaryInfo| info.reason.as_ref().map(|r| r.code);
    // An ELF with nothing Go in it.
    let plain = elf(
        "reason-plain",
        0x3000,
        &[sect(".rodata", SHF_ALLOC, 0x402000, 0x2000, vec![1; 64])],
        &[],
    );
    let info = inspect_path(&plain.0).unwrap();
    assert_eq!(
        (info.is_go, code(&info)),
        (false, Some(ReasonCode::NoGoEvidence))
    );
    // An ELF magic with no header after it.
    let info = inspect_path(&TempFile::new("reason-short", b"\x7fELF\x02\x01\x01").0).unwrap();
    assert_eq!(code(&info), Some(ReasonCode::HeaderUnreadable));
    // Go, with module text Go's parser rejects (a replacement with nothing to replace).
    let mut blob = blob_header(8, 0x2);
    uvarint_string(&mut blob, b"go1.22.3");
    uvarint_string(&mut blob, &framed("path\tx\n=>\ta\tv1\th1:\n"));
    let info = inspect_path(&elf_with_buildinfo("reason-invalid", 0x3000, blob).0).unwrap();
    assert_eq!(
        (info.is_go, code(&info)),
        (true, Some(ReasonCode::ModuleInfoInvalid))
    );
    let message = info.reason.unwrap().message;
    assert!(message.contains("line 2"), "{message}");
    // Go, built outside module mode: the blob holds no module text.
    let mut blob = blob_header(8, 0x2);
    uvarint_string(&mut blob, b"go1.22.3");
    uvarint_string(&mut blob, b"");
    let info = inspect_path(&elf_with_buildinfo("reason-nomod", 0x3000, blob).0).unwrap();
    assert_eq!(
        (info.is_go, code(&info)),
        (true, Some(ReasonCode::ModuleInfoMissing))
    );
    // A complete answer, and a file that is no executable, have none.
    let info = inspect_path(&elf_with_buildinfo("reason-none", 0x3000, inline_blob(b"go1.22.3")).0);
    assert_eq!(info.unwrap().reason, None);
    let info = inspect_path(&TempFile::new("reason-script", b"#!/bin/sh\n").0).unwrap();
    assert_eq!(info.reason, None);
}

#[test]
fn an_xcoff_pclntab_in_the_data_section_decides_without_any_hint() {
    // XCOFF64: header, then .text and .data section headers; the pclntab sits in .data.
    let mut out = vec![0u8; 24];
    out[..4].copy_from_slice(&[0x01, 0xf7, 0, 2]);
    let section = |name: &[u8; 8], vaddr: u64, size: u64, offset: u64, flags: u32| {
        let mut s = name.to_vec();
        for v in [vaddr, vaddr, size, offset, 0, 0] {
            s.extend_from_slice(&v.to_be_bytes());
        }
        s.extend_from_slice(&[0; 8]);
        s.extend_from_slice(&flags.to_be_bytes());
        s.extend_from_slice(&[0; 4]);
        s
    };
    out.extend(section(b".text\0\0\0", 0x1_0000_0200, 0x200, 0x200, 0x20));
    out.extend(section(b".data\0\0\0", 0x2_0000_0400, 0x400, 0x400, 0x40));
    out.resize(0x400 + 0x100, 0);
    out.extend_from_slice(&[0xff, 0xff, 0xff, 0xf1, 0, 0, 4, 8]);
    out.extend_from_slice(b"\0\0\0\0go1.26.8\0\0\0\0");
    out.resize(0x800, 0);
    let info = inspect_path(&TempFile::new("xcoff-pclntab-data", &out).0).unwrap();
    assert_eq!(
        (info.format, info.is_go, info.source, info.arch.as_deref()),
        (Format::Xcoff, true, Some(Evidence::Pclntab), Some("ppc64"))
    );
    assert_eq!(info.go_version.as_deref(), Some("go1.26.8"));
    assert_eq!(
        info.reason.map(|r| r.code),
        Some(ReasonCode::ModuleInfoMissing)
    );
}

#[test]
fn hostile_mach_o_and_pe_counts_are_bounded() {
    // Mach-O 64: 2^32 - 1 load commands in 2^32 - 1 bytes; one segment claiming 2^32 - 1
    // sections; a symbol table of 2^32 - 1 entries.
    let mut macho = Vec::new();
    for v in [0xfeed_facfu32, 0x0100_000c, 0, 2, u32::MAX, u32::MAX, 0, 0] {
        macho.extend_from_slice(&v.to_le_bytes());
    }
    macho.extend_from_slice(&0x19u32.to_le_bytes());
    macho.extend_from_slice(&72u32.to_le_bytes());
    macho.extend_from_slice(b"__DATA\0\0\0\0\0\0\0\0\0\0");
    for v in [0x1000u64, 0x1000, 0, u64::MAX] {
        macho.extend_from_slice(&v.to_le_bytes());
    }
    for v in [3u32, 3, u32::MAX, 0] {
        macho.extend_from_slice(&v.to_le_bytes());
    }
    for v in [2u32, 24, 0x100, u32::MAX, 0x100, u32::MAX] {
        macho.extend_from_slice(&v.to_le_bytes());
    }
    macho.resize(4 << 20, 0xee);
    // PE32+: 0xffff sections and 2^32 - 1 COFF symbols.
    let mut pe = vec![0u8; 0x40];
    pe[..2].copy_from_slice(b"MZ");
    pe[0x3c..0x40].copy_from_slice(&0x40u32.to_le_bytes());
    pe.extend_from_slice(b"PE\0\0");
    for v in [0x8664u16, 0xffff, 0, 0, 0x100, 0, 0xffff, 0xffff, 240, 0x22] {
        pe.extend_from_slice(&v.to_le_bytes());
    }
    pe.extend_from_slice(&0x20bu16.to_le_bytes());
    pe.resize(4 << 20, 0xee);
    for (name, bytes, format) in [
        ("macho-hostile", macho, Format::Macho),
        ("pe-hostile", pe, Format::Pe),
    ] {
        let started = std::time::Instant::now();
        let info = inspect_path(&TempFile::new(name, &bytes).0).unwrap();
        assert_eq!((info.format, info.is_go), (format, false), "{name}");
        assert!(
            info.bytes_read <= 2 << 20,
            "{name} read {} bytes",
            info.bytes_read
        );
        assert!(
            started.elapsed().as_secs() < 5,
            "{name} took {:?}",
            started.elapsed()
        );
    }
}
