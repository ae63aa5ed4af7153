//! Mach-O (32/64-bit) load commands, and fat (universal) headers, which share their magic
//! `cafebabe` with Java class files and are therefore validated before they are trusted.

use std::io;

use super::image::{BlobSpot, BuildIdSpot, Image, Region};
use super::source::{Endian, Source};
use super::symbols::{Layout, SymbolTable};

const LC_SEGMENT: u32 = 0x1;
const LC_SYMTAB: u32 = 0x2;
const LC_SEGMENT_64: u32 = 0x19;
const VM_PROT_RW: u32 = 0x3;
/// Section types with no file contents (zerofill, GB zerofill, thread-local zerofill).
const ZEROFILL: [u32; 3] = [0x1, 0xc, 0x12];
const MAX_COMMANDS: u32 = 4096;
const MAX_COMMAND_BYTES: u32 = 1 << 20;
/// Real universal files hold a handful of slices; Java class files put their version (>= 45) here.
const MAX_SLICES: u32 = 32;

const GO_SECTIONS: [&str; 7] = [
    "__go_buildinfo",
    "__gopclntab",
    "__gosymtab",
    "__noptrdata",
    "__typelink",
    "__itablink",
    "__go_fipsinfo",
];

pub(crate) fn parse(src: Source<'_>, head: &[u8]) -> io::Result<Option<Image>> {
    let Some(magic) = Endian::Big.u32(head, 0) else {
        return Ok(None);
    };
    let (e, is64) = match magic {
        0xfeed_face => (Endian::Big, false),
        0xfeed_facf => (Endian::Big, true),
        0xcefa_edfe => (Endian::Little, false),
        0xcffa_edfe => (Endian::Little, true),
        _ => return Ok(None),
    };
    let (Some(cputype), Some(ncmds), Some(sizeofcmds)) =
        (e.u32(head, 4), e.u32(head, 16), e.u32(head, 20))
    else {
        return Ok(None);
    };
    let mut image = Image::new(arch(cputype), e, if is64 { 8 } else { 4 });
    let cmds = src.read(
        if is64 { 32 } else { 28 },
        sizeofcmds.min(MAX_COMMAND_BYTES) as usize,
    )?;
    let mut at = 0usize;
    for _ in 0..ncmds.min(MAX_COMMANDS) {
        let (Some(cmd), Some(size)) = (e.u32(&cmds, at), e.u32(&cmds, at + 4)) else {
            break;
        };
        let Some(body) = cmds.get(at..at + size as usize).filter(|_| size >= 8) else {
            break;
        };
        match cmd {
            LC_SEGMENT | LC_SEGMENT_64 => segment(&mut image, body, cmd == LC_SEGMENT_64),
            LC_SYMTAB => image.symbols = symtab(e, is64, body),
            _ => {}
        }
        at += size as usize;
    }
    Ok(Some(image))
}

/// One segment command and its sections.
fn segment(image: &mut Image, cmd: &[u8], is64: bool) {
    let e = image.endian;
    let fields = if is64 {
        (
            e.u64(cmd, 24),
            e.u64(cmd, 40),
            e.u64(cmd, 48),
            e.u32(cmd, 56),
            e.u32(cmd, 60),
            e.u32(cmd, 64),
        )
    } else {
        let wide = |at| e.u32(cmd, at).map(u64::from);
        (
            wide(24),
            wide(32),
            wide(36),
            e.u32(cmd, 40),
            e.u32(cmd, 44),
            e.u32(cmd, 48),
        )
    };
    let (Some(vmaddr), Some(fileoff), Some(filesize), Some(maxprot), Some(initprot), Some(nsects)) =
        fields
    else {
        return;
    };
    let region = Region {
        vaddr: vmaddr,
        offset: fileoff,
        size: filesize,
    };
    image.segments.push(region);
    // Go's reader falls back to the first read-write data segment when there is no blob section.
    if image.blob.is_none()
        && vmaddr != 0
        && filesize != 0
        && maxprot == VM_PROT_RW
        && initprot == VM_PROT_RW
    {
        image.blob = Some(BlobSpot {
            region,
            dedicated: false,
        });
    }
    let (first, size) = if is64 { (72, 80) } else { (56, 68) };
    let sections = cmd
        .get(first..)
        .unwrap_or_default()
        .chunks_exact(size)
        .take(nsects as usize);
    for s in sections {
        let name = c_name(&s[..16]);
        let segname = c_name(&s[16..32]);
        let fields = if is64 {
            (e.u64(s, 32), e.u64(s, 40), e.u32(s, 48), e.u32(s, 64))
        } else {
            (
                e.u32(s, 32).map(u64::from),
                e.u32(s, 36).map(u64::from),
                e.u32(s, 40),
                e.u32(s, 56),
            )
        };
        let (Some(addr), Some(size), Some(offset), Some(flags)) = fields else {
            continue;
        };
        image.go_hint |= GO_SECTIONS.contains(&name);
        if ZEROFILL.contains(&(flags & 0xff)) {
            continue;
        }
        let region = Region {
            vaddr: addr,
            offset: offset.into(),
            size,
        };
        match (segname, name) {
            (_, "__go_buildinfo") => {
                image.blob = Some(BlobSpot {
                    region,
                    dedicated: true,
                })
            }
            (_, "__gopclntab") => image.pclntab.push(region),
            (_, "__rodata") => image.rodata.push(region),
            ("__TEXT", "__text") => image.build_id = BuildIdSpot::TextStart(region),
            _ => {}
        }
    }
}

fn symtab(e: Endian, is64: bool, cmd: &[u8]) -> Option<SymbolTable> {
    Some(SymbolTable {
        layout: if is64 {
            Layout::MachO64
        } else {
            Layout::MachO32
        },
        endian: e,
        offset: e.u32(cmd, 8)?.into(),
        count: e.u32(cmd, 12)?.into(),
        strings_offset: e.u32(cmd, 16)?.into(),
        strings_size: e.u32(cmd, 20)?.into(),
        prefix: b"_",
        section_addrs: Vec::new(),
    })
}

fn c_name(bytes: &[u8]) -> &str {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    std::str::from_utf8(&bytes[..end]).unwrap_or_default()
}

/// The `(offset, size)` of every slice of a fat file, or `None` when the header is not a valid
/// fat header (a Java class file, a truncated or hostile file).
pub(crate) fn fat_slices(src: Source<'_>, head: &[u8]) -> io::Result<Option<Vec<(u64, u64)>>> {
    let e = Endian::Big;
    let (Some(magic), Some(count)) = (e.u32(head, 0), e.u32(head, 4)) else {
        return Ok(None);
    };
    if count == 0 || count > MAX_SLICES {
        return Ok(None);
    }
    let wide = magic == 0xcafe_babf;
    let entry = if wide { 32 } else { 20 };
    let table_end = 8 + u64::from(count) * entry as u64;
    let Some(table) = src.read_exact(8, count as usize * entry)? else {
        return Ok(None);
    };
    let mut slices = Vec::with_capacity(count as usize);
    for raw in table.chunks_exact(entry) {
        let (offset, size) = if wide {
            (e.u64(raw, 8), e.u64(raw, 16))
        } else {
            (e.u32(raw, 8).map(u64::from), e.u32(raw, 12).map(u64::from))
        };
        let (Some(offset), Some(size)) = (offset, size) else {
            return Ok(None);
        };
        let fits = offset >= table_end
            && size >= 4
            && offset.checked_add(size).is_some_and(|end| end <= src.len());
        if !fits {
            return Ok(None);
        }
        let Some(magic) = src.read_exact(offset, 4)? else {
            return Ok(None);
        };
        if !matches!(
            e.u32(&magic, 0),
            Some(0xfeed_face | 0xfeed_facf | 0xcefa_edfe | 0xcffa_edfe)
        ) {
            return Ok(None);
        }
        slices.push((offset, size));
    }
    Ok(Some(slices))
}

fn arch(cputype: u32) -> Option<&'static str> {
    Some(match cputype {
        7 => "386",
        0x0100_0007 => "amd64",
        12 => "arm",
        0x0100_000c => "arm64",
        18 => "ppc",
        0x0100_0012 => "ppc64",
        _ => return None,
    })
}
