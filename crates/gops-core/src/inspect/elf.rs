//! ELF (32/64-bit, either byte order): program and section headers, and the section names
//! only. Without section headers the segments stand in for the sections Go would use.

use std::io;

use super::image::{BlobSpot, BuildIdSpot, Image, Region};
use super::source::{Endian, Source};
use super::symbols::{Layout, SymbolTable};

const PT_LOAD: u32 = 1;
const PT_NOTE: u32 = 4;
const PF_X: u32 = 1;
const PF_W: u32 = 2;
const SHT_SYMTAB: u32 = 2;
const SHT_STRTAB: u32 = 3;
const SHT_NOBITS: u32 = 8;
const SHF_COMPRESSED: u64 = 0x800;
const SHN_XINDEX: u32 = 0xffff;

/// Caps on what a header may make us read.
const MAX_SEGMENTS: usize = 1024;
const MAX_SECTIONS: usize = 4096;
const MAX_SECTION_NAMES: u64 = 256 << 10;

/// Section names only Go's linker writes.
const GO_SECTIONS: [&str; 9] = [
    ".go.buildinfo",
    ".note.go.buildid",
    ".gopclntab",
    ".gosymtab",
    ".data.rel.ro.gopclntab",
    ".noptrdata",
    ".typelink",
    ".itablink",
    ".go.fipsinfo",
];

/// The fields of one header this parser uses, whatever the class.
struct Header {
    e: Endian,
    is64: bool,
    phoff: u64,
    phentsize: usize,
    phnum: usize,
    shoff: u64,
    shentsize: usize,
    shnum: usize,
    shstrndx: u32,
}

struct Segment {
    kind: u32,
    flags: u32,
    region: Region,
}

struct Section {
    name: u32,
    kind: u32,
    flags: u64,
    region: Region,
    link: u32,
    entsize: u64,
}

pub(crate) fn parse(src: Source<'_>, head: &[u8]) -> io::Result<Option<Image>> {
    let Some(h) = header(head) else {
        return Ok(None);
    };
    let Some(machine) = h.e.u16(head, 18) else {
        return Ok(None);
    };
    let mut image = Image::new(arch(machine, h.is64, h.e), h.e, if h.is64 { 8 } else { 4 });
    let segments = segments(src, &h)?;
    image.segments = segments
        .iter()
        .filter(|s| s.kind == PT_LOAD)
        .map(|s| s.region)
        .collect();
    let (sections, names) = sections(src, &h)?;
    if names.is_empty() {
        from_segments(&mut image, &segments);
    } else {
        from_sections(&mut image, &sections, &names);
    }
    // Go's reader falls back to the first writable, non-executable segment. With a section
    // table but no `.go.buildinfo`, only a Go-only section name makes that worth a read.
    if image.blob.is_none() && (names.is_empty() || image.go_hint) {
        let data = segments
            .iter()
            .find(|s| s.kind == PT_LOAD && s.flags & (PF_W | PF_X) == PF_W);
        image.blob = data.map(|s| BlobSpot {
            region: s.region,
            dedicated: false,
        });
    }
    if matches!(image.build_id, BuildIdSpot::Nowhere) {
        image.build_id = note_segments(&segments);
    }
    Ok(Some(image))
}

fn header(head: &[u8]) -> Option<Header> {
    let e = match head.get(5)? {
        1 => Endian::Little,
        2 => Endian::Big,
        _ => return None,
    };
    let is64 = match head.get(4)? {
        1 => false,
        2 => true,
        _ => return None,
    };
    Some(if is64 {
        Header {
            e,
            is64,
            phoff: e.u64(head, 32)?,
            shoff: e.u64(head, 40)?,
            phentsize: e.u16(head, 54)?.into(),
            phnum: e.u16(head, 56)?.into(),
            shentsize: e.u16(head, 58)?.into(),
            shnum: e.u16(head, 60)?.into(),
            shstrndx: e.u16(head, 62)?.into(),
        }
    } else {
        Header {
            e,
            is64,
            phoff: e.u32(head, 28)?.into(),
            shoff: e.u32(head, 32)?.into(),
            phentsize: e.u16(head, 42)?.into(),
            phnum: e.u16(head, 44)?.into(),
            shentsize: e.u16(head, 46)?.into(),
            shnum: e.u16(head, 48)?.into(),
            shstrndx: e.u16(head, 50)?.into(),
        }
    })
}

/// Reads a table of `count` entries of `entsize` bytes (at least `min` each), capped at `max`.
fn table(
    src: Source<'_>,
    offset: u64,
    entsize: usize,
    count: usize,
    min: usize,
    max: usize,
) -> io::Result<Vec<u8>> {
    if offset == 0 || entsize < min {
        return Ok(Vec::new());
    }
    src.read(offset, entsize * count.min(max))
}

fn segments(src: Source<'_>, h: &Header) -> io::Result<Vec<Segment>> {
    let min = if h.is64 { 56 } else { 32 };
    let bytes = table(src, h.phoff, h.phentsize, h.phnum, min, MAX_SEGMENTS)?;
    let e = h.e;
    Ok(bytes
        .chunks_exact(h.phentsize.max(1))
        .filter_map(|p| {
            let (kind, flags, offset, vaddr, filesz) = if h.is64 {
                (
                    e.u32(p, 0)?,
                    e.u32(p, 4)?,
                    e.u64(p, 8)?,
                    e.u64(p, 16)?,
                    e.u64(p, 32)?,
                )
            } else {
                (
                    e.u32(p, 0)?,
                    e.u32(p, 24)?,
                    e.u32(p, 4)?.into(),
                    e.u32(p, 8)?.into(),
                    e.u32(p, 16)?.into(),
                )
            };
            Some(Segment {
                kind,
                flags,
                region: Region {
                    vaddr,
                    offset,
                    size: filesz,
                },
            })
        })
        .collect())
}

fn section(e: Endian, is64: bool, s: &[u8]) -> Option<Section> {
    Some(if is64 {
        Section {
            name: e.u32(s, 0)?,
            kind: e.u32(s, 4)?,
            flags: e.u64(s, 8)?,
            region: Region {
                vaddr: e.u64(s, 16)?,
                offset: e.u64(s, 24)?,
                size: e.u64(s, 32)?,
            },
            link: e.u32(s, 40)?,
            entsize: e.u64(s, 56)?,
        }
    } else {
        Section {
            name: e.u32(s, 0)?,
            kind: e.u32(s, 4)?,
            flags: e.u32(s, 8)?.into(),
            region: Region {
                vaddr: e.u32(s, 12)?.into(),
                offset: e.u32(s, 16)?.into(),
                size: e.u32(s, 20)?.into(),
            },
            link: e.u32(s, 24)?,
            entsize: e.u32(s, 36)?.into(),
        }
    })
}

/// The section headers and the section-name table (empty when unreadable or compressed).
fn sections(src: Source<'_>, h: &Header) -> io::Result<(Vec<Section>, Vec<u8>)> {
    let min = if h.is64 { 64 } else { 40 };
    let (mut count, mut names_index) = (h.shnum, h.shstrndx);
    // Extended numbering: the real count and name-table index live in section 0.
    if h.shnum == 0 || h.shstrndx == SHN_XINDEX {
        let first = table(src, h.shoff, h.shentsize, 1, min, 1)?;
        if let Some(zero) = section(h.e, h.is64, &first) {
            if h.shnum == 0 {
                count = usize::try_from(zero.region.size).unwrap_or(usize::MAX);
            }
            if h.shstrndx == SHN_XINDEX {
                names_index = zero.link;
            }
        }
    }
    let bytes = table(src, h.shoff, h.shentsize, count, min, MAX_SECTIONS)?;
    let sections: Vec<Section> = bytes
        .chunks_exact(h.shentsize.max(1))
        .filter_map(|s| section(h.e, h.is64, s))
        .collect();
    let names = match sections.get(names_index as usize) {
        Some(s) if s.kind == SHT_STRTAB && s.flags & SHF_COMPRESSED == 0 => src.read(
            s.region.offset,
            s.region.size.min(MAX_SECTION_NAMES) as usize,
        )?,
        _ => Vec::new(),
    };
    Ok((sections, names))
}

fn name_at(names: &[u8], at: u32) -> &str {
    let tail = names.get(at as usize..).unwrap_or_default();
    let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
    std::str::from_utf8(&tail[..end]).unwrap_or_default()
}

fn from_sections(image: &mut Image, sections: &[Section], names: &[u8]) {
    let mut notes = Vec::new();
    for s in sections {
        let name = name_at(names, s.name);
        image.go_hint |= GO_SECTIONS.contains(&name);
        if s.kind == SHT_NOBITS || s.flags & SHF_COMPRESSED != 0 {
            continue;
        }
        let region = s.region;
        match name {
            ".go.buildinfo" => {
                image.blob = Some(BlobSpot {
                    region,
                    dedicated: true,
                })
            }
            ".note.go.buildid" => notes.push(region),
            ".gopclntab" | ".data.rel.ro.gopclntab" => image.pclntab.push(region),
            ".data.rel.ro" => image.pclntab_inside.push(region),
            ".rodata" => image.rodata.push(region),
            ".symtab" if s.kind == SHT_SYMTAB => image.symbols = symbol_table(image, s, sections),
            _ => {}
        }
    }
    if !notes.is_empty() {
        image.build_id = BuildIdSpot::Notes(notes);
    }
}

fn symbol_table(image: &Image, symtab: &Section, sections: &[Section]) -> Option<SymbolTable> {
    let strings = sections
        .get(symtab.link as usize)
        .filter(|s| s.kind == SHT_STRTAB && s.flags & SHF_COMPRESSED == 0)?;
    let (layout, size) = if image.ptr_size == 8 {
        (Layout::Elf64, 24)
    } else {
        (Layout::Elf32, 16)
    };
    if symtab.entsize != 0 && symtab.entsize != size {
        return None;
    }
    Some(SymbolTable {
        layout,
        endian: image.endian,
        offset: symtab.region.offset,
        count: symtab.region.size / size,
        strings_offset: strings.region.offset,
        strings_size: strings.region.size,
        prefix: b"",
        section_addrs: Vec::new(),
    })
}

/// No usable section headers: read-only segments stand in for `.rodata` and `.gopclntab`.
fn from_segments(image: &mut Image, segments: &[Segment]) {
    for rodata in segments
        .iter()
        .filter(|s| s.kind == PT_LOAD && s.flags & (PF_W | PF_X) == 0)
    {
        image.pclntab_inside.push(rodata.region);
        image.rodata.push(rodata.region);
    }
}

fn note_segments(segments: &[Segment]) -> BuildIdSpot {
    let notes: Vec<Region> = segments
        .iter()
        .filter(|s| s.kind == PT_NOTE)
        .map(|s| s.region)
        .collect();
    if notes.is_empty() {
        BuildIdSpot::Nowhere
    } else {
        BuildIdSpot::Notes(notes)
    }
}

fn arch(machine: u16, is64: bool, e: Endian) -> Option<&'static str> {
    let little = e == Endian::Little;
    Some(match (machine, is64) {
        (3, _) => "386",
        (62, _) => "amd64",
        (40, _) => "arm",
        (183, _) => "arm64",
        (22, _) => "s390x",
        (20, _) => "ppc",
        (21, _) => {
            if little {
                "ppc64le"
            } else {
                "ppc64"
            }
        }
        (8, false) => {
            if little {
                "mipsle"
            } else {
                "mips"
            }
        }
        (8, true) => {
            if little {
                "mips64le"
            } else {
                "mips64"
            }
        }
        (243, true) => "riscv64",
        (243, false) => "riscv",
        (258, _) => "loong64",
        (2, _) => "sparc",
        (43, _) => "sparc64",
        _ => return None,
    })
}
