//! ELF (32/64-bit, either byte order) on goblin's types: the header, program and section
//! headers and the section names, each decoded from the bytes one positioned read fetched.
//! Without section headers the segments stand in for the sections Go would use.

use std::io;

use goblin::container::{Container, Ctx};
use goblin::elf::header::{self, Header};
use goblin::elf::program_header::{ProgramHeader, PF_W, PF_X, PT_LOAD, PT_NOTE};
use goblin::elf::section_header::{
    SectionHeader, SHF_COMPRESSED, SHN_XINDEX, SHT_NOBITS, SHT_STRTAB, SHT_SYMTAB,
};
use goblin::elf::sym::Sym;
use scroll::{Endian, Pread};

use super::image::{BlobSpot, BuildIdSpot, Image, Region};
use super::source::Source;
use super::symbols::{Layout, SymbolTable};

/// Caps on what a header may make us read (and goblin allocate).
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

pub(crate) fn parse(src: Source<'_>, head: &[u8]) -> io::Result<Option<Image>> {
    let Ok(h) = head.pread::<Header>(0) else {
        return Ok(None);
    };
    let (Ok(container), Ok(endian)) = (h.container(), h.endianness()) else {
        return Ok(None);
    };
    let ctx = Ctx::new(container, endian);
    let ptr_size = if container.is_big() { 8 } else { 4 };
    let mut image = Image::new(arch(h.e_machine, container, endian), endian, ptr_size);
    let segments = segments(src, &h, ctx)?;
    image.segments = segments
        .iter()
        .filter(|s| s.p_type == PT_LOAD)
        .map(segment_region)
        .collect();
    let (sections, names) = sections(src, &h, ctx)?;
    if names.is_empty() {
        from_segments(&mut image, &segments);
    } else {
        from_sections(&mut image, &sections, &names, ctx);
    }
    // Go's reader falls back to the first writable, non-executable segment. With a section
    // table but no `.go.buildinfo`, only a Go-only section name makes that worth a read.
    let data = segments
        .iter()
        .find(|s| s.p_type == PT_LOAD && s.p_flags & (PF_W | PF_X) == PF_W);
    if image.blob.is_none() && (names.is_empty() || image.go_hint) {
        image.blob = data.map(|s| BlobSpot {
            region: segment_region(s),
            dedicated: false,
        });
    }
    if image.data.is_empty() {
        image.data.extend(data.map(segment_region));
    }
    if matches!(image.build_id, BuildIdSpot::Nowhere) {
        image.build_id = note_segments(&segments);
    }
    Ok(Some(image))
}

fn segment_region(s: &ProgramHeader) -> Region {
    Region {
        vaddr: s.p_vaddr,
        offset: s.p_offset,
        size: s.p_filesz,
    }
}

fn section_region(s: &SectionHeader) -> Region {
    Region {
        vaddr: s.sh_addr,
        offset: s.sh_offset,
        size: s.sh_size,
    }
}

/// Decodes up to `max` entries of a table of `count` entries, `entsize` bytes apart (at least
/// goblin's size for the type), from one read: the count is capped before anything is
/// allocated, and entries the file does not hold are simply missing.
fn table<T>(
    src: Source<'_>,
    offset: u64,
    entsize: usize,
    count: usize,
    max: usize,
    ctx: Ctx,
    size: usize,
) -> io::Result<Vec<T>>
where
    T: for<'a> scroll::ctx::TryFromCtx<'a, Ctx, Error = goblin::error::Error>,
{
    if offset == 0 || entsize < size {
        return Ok(Vec::new());
    }
    let bytes = src.read(offset, entsize * count.min(max))?;
    Ok((0..bytes.len() / entsize)
        .map_while(|i| bytes.pread_with::<T>(i * entsize, ctx).ok())
        .collect())
}

fn segments(src: Source<'_>, h: &Header, ctx: Ctx) -> io::Result<Vec<ProgramHeader>> {
    table(
        src,
        h.e_phoff,
        h.e_phentsize.into(),
        h.e_phnum.into(),
        MAX_SEGMENTS,
        ctx,
        ProgramHeader::size(ctx),
    )
}

/// The section headers and the section-name table (empty when unreadable or compressed).
fn sections(src: Source<'_>, h: &Header, ctx: Ctx) -> io::Result<(Vec<SectionHeader>, Vec<u8>)> {
    let entsize = usize::from(h.e_shentsize);
    let size = SectionHeader::size(ctx);
    let (mut count, mut names_index) = (usize::from(h.e_shnum), u32::from(h.e_shstrndx));
    // Extended numbering: the real count and name-table index live in section 0.
    if count == 0 || names_index == SHN_XINDEX {
        let first = table::<SectionHeader>(src, h.e_shoff, entsize, 1, 1, ctx, size)?;
        if let Some(zero) = first.first() {
            if count == 0 {
                count = usize::try_from(zero.sh_size).unwrap_or(usize::MAX);
            }
            if names_index == SHN_XINDEX {
                names_index = zero.sh_link;
            }
        }
    }
    let sections: Vec<SectionHeader> =
        table(src, h.e_shoff, entsize, count, MAX_SECTIONS, ctx, size)?;
    let names = match sections.get(names_index as usize) {
        Some(s) if s.sh_type == SHT_STRTAB && !compressed(s) => {
            src.read(s.sh_offset, s.sh_size.min(MAX_SECTION_NAMES) as usize)?
        }
        _ => Vec::new(),
    };
    Ok((sections, names))
}

fn compressed(s: &SectionHeader) -> bool {
    s.sh_flags & u64::from(SHF_COMPRESSED) != 0
}

fn from_sections(image: &mut Image, sections: &[SectionHeader], names: &[u8], ctx: Ctx) {
    let mut notes = Vec::new();
    for s in sections {
        // One name, read up to its NUL (as goblin's string table does), never the whole table.
        let name = names.pread::<&str>(s.sh_name).unwrap_or_default();
        image.go_hint |= GO_SECTIONS.contains(&name);
        if s.sh_type == SHT_NOBITS || compressed(s) {
            continue;
        }
        let region = section_region(s);
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
            ".data" => image.data.push(region),
            ".symtab" if s.sh_type == SHT_SYMTAB => image.symbols = symbol_table(s, sections, ctx),
            _ => {}
        }
    }
    if !notes.is_empty() {
        image.build_id = BuildIdSpot::Notes(notes);
    }
}

fn symbol_table(
    symtab: &SectionHeader,
    sections: &[SectionHeader],
    ctx: Ctx,
) -> Option<SymbolTable> {
    let strings = sections
        .get(symtab.sh_link as usize)
        .filter(|s| s.sh_type == SHT_STRTAB && !compressed(s))?;
    let size = Sym::size(ctx.container) as u64;
    if symtab.sh_entsize != 0 && symtab.sh_entsize != size {
        return None;
    }
    Some(SymbolTable {
        layout: Layout::Elf(ctx),
        offset: symtab.sh_offset,
        count: symtab.sh_size / size,
        strings_offset: strings.sh_offset,
        strings_size: strings.sh_size,
        prefix: b"",
        section_addrs: Vec::new(),
    })
}

/// No usable section headers: read-only segments stand in for `.rodata` and `.gopclntab`.
fn from_segments(image: &mut Image, segments: &[ProgramHeader]) {
    for rodata in segments
        .iter()
        .filter(|s| s.p_type == PT_LOAD && s.p_flags & (PF_W | PF_X) == 0)
    {
        image.pclntab_inside.push(segment_region(rodata));
        image.rodata.push(segment_region(rodata));
    }
}

fn note_segments(segments: &[ProgramHeader]) -> BuildIdSpot {
    let notes: Vec<Region> = segments
        .iter()
        .filter(|s| s.p_type == PT_NOTE)
        .map(segment_region)
        .collect();
    if notes.is_empty() {
        BuildIdSpot::Nowhere
    } else {
        BuildIdSpot::Notes(notes)
    }
}

fn arch(machine: u16, container: Container, endian: Endian) -> Option<&'static str> {
    let little = endian == Endian::Little;
    let is64 = container.is_big();
    Some(match machine {
        header::EM_386 => "386",
        header::EM_X86_64 => "amd64",
        header::EM_ARM => "arm",
        header::EM_AARCH64 => "arm64",
        header::EM_S390 => "s390x",
        header::EM_PPC => "ppc",
        header::EM_PPC64 if little => "ppc64le",
        header::EM_PPC64 => "ppc64",
        header::EM_MIPS => match (is64, little) {
            (false, true) => "mipsle",
            (false, false) => "mips",
            (true, true) => "mips64le",
            (true, false) => "mips64",
        },
        header::EM_RISCV if is64 => "riscv64",
        header::EM_RISCV => "riscv",
        header::EM_LOONGARCH => "loong64",
        header::EM_SPARC => "sparc",
        header::EM_SPARCV9 => "sparc64",
        _ => return None,
    })
}
