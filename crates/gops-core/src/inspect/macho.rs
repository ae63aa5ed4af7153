//! Mach-O (32/64-bit) on goblin's types: the header, the load commands (segments with their
//! sections, the symbol table command) from one read of `sizeofcmds` bytes, and fat (universal)
//! headers, which share their magic `cafebabe` with Java class files and are therefore
//! validated before they are trusted.

use std::io;

use goblin::container::Ctx;
use goblin::mach::constants::cputype::{
    CPU_TYPE_ARM, CPU_TYPE_ARM64, CPU_TYPE_POWERPC, CPU_TYPE_POWERPC64, CPU_TYPE_X86,
    CPU_TYPE_X86_64,
};
use goblin::mach::constants::{
    SECTION_TYPE, S_GB_ZEROFILL, S_THREAD_LOCAL_ZEROFILL, S_ZEROFILL, VM_PROT_READ, VM_PROT_WRITE,
};
use goblin::mach::fat::{FatArch, FatHeader, FAT_MAGIC, SIZEOF_FAT_ARCH, SIZEOF_FAT_HEADER};
use goblin::mach::header::Header;
use goblin::mach::load_command::{
    LoadCommandHeader, Section32, Section64, SegmentCommand32, SegmentCommand64, SymtabCommand,
    LC_SEGMENT, LC_SEGMENT_64, LC_SYMTAB, SIZEOF_SECTION_32, SIZEOF_SECTION_64,
    SIZEOF_SEGMENT_COMMAND_32, SIZEOF_SEGMENT_COMMAND_64,
};
use goblin::mach::segment::Section;
use scroll::ctx::SizeWith;
use scroll::{Endian, Pread};

use super::image::{BlobSpot, BuildIdSpot, Image, Region};
use super::source::Source;
use super::symbols::{Layout, SymbolTable};

const VM_PROT_RW: u32 = VM_PROT_READ | VM_PROT_WRITE;
const ZEROFILL: [u32; 3] = [S_ZEROFILL, S_GB_ZEROFILL, S_THREAD_LOCAL_ZEROFILL];
const MAX_COMMANDS: usize = 4096;
const MAX_COMMAND_BYTES: u32 = 1 << 20;
/// Real universal files hold a handful of slices; Java class files put their version (>= 45) here.
const MAX_SLICES: u32 = 32;
/// The 64-bit fat header (`cafebabf`), which goblin has no type for: offset and size are u64.
const FAT_MAGIC_64: u32 = 0xcafe_babf;
const SIZEOF_FAT_ARCH_64: usize = 32;

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
    let Ok((_, Some(ctx))) = goblin::mach::parse_magic_and_ctx(head, 0) else {
        return Ok(None);
    };
    let Ok(header) = head.pread_with::<Header>(0, ctx) else {
        return Ok(None);
    };
    let ptr_size = if ctx.container.is_big() { 8 } else { 4 };
    let mut image = Image::new(arch(header.cputype), ctx.le, ptr_size);
    let cmds = src.read(
        Header::size_with(&ctx) as u64,
        header.sizeofcmds.min(MAX_COMMAND_BYTES) as usize,
    )?;
    let mut at = 0usize;
    for _ in 0..header.ncmds.min(MAX_COMMANDS) {
        let Ok(lc) = cmds.pread_with::<LoadCommandHeader>(at, ctx.le) else {
            break;
        };
        let size = lc.cmdsize as usize;
        let Some(body) = cmds.get(at..at.saturating_add(size)).filter(|_| size >= 8) else {
            break;
        };
        match lc.cmd {
            LC_SEGMENT | LC_SEGMENT_64 => segment(&mut image, body, ctx, lc.cmd == LC_SEGMENT_64),
            LC_SYMTAB => image.symbols = symtab(body, ctx),
            _ => {}
        }
        at += size;
    }
    Ok(Some(image))
}

/// A segment command (`LC_SEGMENT_64` when `wide`), widened to the 64-bit form, and where
/// its sections start.
fn segment_command(cmd: &[u8], ctx: Ctx, wide: bool) -> Option<(SegmentCommand64, usize)> {
    if wide {
        let s = cmd.pread_with::<SegmentCommand64>(0, ctx.le).ok()?;
        return Some((s, SIZEOF_SEGMENT_COMMAND_64));
    }
    let s = cmd.pread_with::<SegmentCommand32>(0, ctx.le).ok()?;
    let wide = SegmentCommand64 {
        cmd: s.cmd,
        cmdsize: s.cmdsize,
        segname: s.segname,
        vmaddr: s.vmaddr.into(),
        vmsize: s.vmsize.into(),
        fileoff: s.fileoff.into(),
        filesize: s.filesize.into(),
        maxprot: s.maxprot,
        initprot: s.initprot,
        nsects: s.nsects,
        flags: s.flags,
    };
    Some((wide, SIZEOF_SEGMENT_COMMAND_32))
}

/// The sections that follow a segment command, as many as its size holds.
fn sections(cmd: &[u8], first: usize, nsects: u32, ctx: Ctx, wide: bool) -> Vec<Section> {
    let size = if wide {
        SIZEOF_SECTION_64
    } else {
        SIZEOF_SECTION_32
    };
    let tail = cmd.get(first..).unwrap_or_default();
    (0..(tail.len() / size).min(nsects as usize))
        .map_while(|i| {
            if wide {
                tail.pread_with::<Section64>(i * size, ctx.le)
                    .ok()
                    .map(Section::from)
            } else {
                tail.pread_with::<Section32>(i * size, ctx.le)
                    .ok()
                    .map(Section::from)
            }
        })
        .collect()
}

/// One segment command and its sections.
fn segment(image: &mut Image, cmd: &[u8], ctx: Ctx, wide: bool) {
    let Some((seg, first)) = segment_command(cmd, ctx, wide) else {
        return;
    };
    let region = Region {
        vaddr: seg.vmaddr,
        offset: seg.fileoff,
        size: seg.filesize,
    };
    image.segments.push(region);
    // Go's reader falls back to the first read-write data segment when there is no blob section.
    if image.blob.is_none()
        && region.vaddr != 0
        && region.size != 0
        && seg.maxprot == VM_PROT_RW
        && seg.initprot == VM_PROT_RW
    {
        image.blob = Some(BlobSpot {
            region,
            dedicated: false,
        });
    }
    for s in sections(cmd, first, seg.nsects, ctx, wide) {
        let name = s.name().unwrap_or_default();
        let segname = s.segname().unwrap_or_default();
        image.go_hint |= GO_SECTIONS.contains(&name);
        if ZEROFILL.contains(&(s.flags & SECTION_TYPE)) {
            continue;
        }
        let region = Region {
            vaddr: s.addr,
            offset: s.offset.into(),
            size: s.size,
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
            ("__DATA", "__data") => image.data.push(region),
            ("__TEXT", "__text") => image.build_id = BuildIdSpot::TextStart(region),
            _ => {}
        }
    }
}

fn symtab(cmd: &[u8], ctx: Ctx) -> Option<SymbolTable> {
    let s = cmd.pread_with::<SymtabCommand>(0, ctx.le).ok()?;
    Some(SymbolTable {
        layout: Layout::MachO(ctx),
        offset: s.symoff.into(),
        count: s.nsyms.into(),
        strings_offset: s.stroff.into(),
        strings_size: s.strsize.into(),
        prefix: b"_",
        section_addrs: Vec::new(),
    })
}

/// The `(offset, size)` of every slice of a fat file, or `None` when the header is not a valid
/// fat header (a Java class file, a truncated or hostile file).
pub(crate) fn fat_slices(src: Source<'_>, head: &[u8]) -> io::Result<Option<Vec<(u64, u64)>>> {
    let Ok(fat) = FatHeader::parse(head) else {
        return Ok(None);
    };
    if fat.nfat_arch == 0 || fat.nfat_arch > MAX_SLICES {
        return Ok(None);
    }
    let wide = fat.magic == FAT_MAGIC_64;
    if !wide && fat.magic != FAT_MAGIC {
        return Ok(None);
    }
    let entry = if wide {
        SIZEOF_FAT_ARCH_64
    } else {
        SIZEOF_FAT_ARCH
    };
    let count = fat.nfat_arch as usize;
    let table_end = (SIZEOF_FAT_HEADER + count * entry) as u64;
    let Some(table) = src.read_exact(SIZEOF_FAT_HEADER as u64, count * entry)? else {
        return Ok(None);
    };
    let mut slices = Vec::with_capacity(count);
    for i in 0..count {
        let Some((offset, size)) = fat_arch(&table, i * entry, wide) else {
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
            goblin::mach::parse_magic_and_ctx(&magic, 0),
            Ok((_, Some(_)))
        ) {
            return Ok(None);
        }
        slices.push((offset, size));
    }
    Ok(Some(slices))
}

/// A slice's `(offset, size)`: goblin's `FatArch`, or for `cafebabf` the same fields widened to u64.
fn fat_arch(table: &[u8], at: usize, wide: bool) -> Option<(u64, u64)> {
    if wide {
        let offset = table.pread_with::<u64>(at + 8, Endian::Big).ok()?;
        let size = table.pread_with::<u64>(at + 16, Endian::Big).ok()?;
        Some((offset, size))
    } else {
        let arch = FatArch::parse(table, at).ok()?;
        Some((arch.offset.into(), arch.size.into()))
    }
}

fn arch(cputype: u32) -> Option<&'static str> {
    Some(match cputype {
        CPU_TYPE_X86 => "386",
        CPU_TYPE_X86_64 => "amd64",
        CPU_TYPE_ARM => "arm",
        CPU_TYPE_ARM64 => "arm64",
        CPU_TYPE_POWERPC => "ppc",
        CPU_TYPE_POWERPC64 => "ppc64",
        _ => return None,
    })
}
