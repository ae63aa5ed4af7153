//! XCOFF (AIX), which goblin does not read: the file header and section table, decoded with
//! scroll. Go puts read-only data and the pclntab in `.text` (or `.data`) and the build-info
//! blob in `.data`; no section name marks a file as Go, so the pclntab is searched without a hint.

use std::io;

use scroll::{Endian, Pread};

use super::image::{BlobSpot, BuildIdSpot, Image, Region};
use super::source::Source;
use super::symbols::{Layout, SymbolTable};

const XCOFF64: u16 = 0x01f7;
const STYP_TEXT: u32 = 0x20;
const STYP_DATA: u32 = 0x40;
const MAX_SECTIONS: usize = 1024;

/// The fields of the file header this parser uses.
struct Header {
    nsections: u16,
    symptr: u64,
    opt_size: u16,
    nsyms: u32,
}

fn header(head: &[u8], is64: bool) -> Option<Header> {
    let be = Endian::Big;
    let u16_at = |at| head.pread_with::<u16>(at, be).ok();
    let u32_at = |at| head.pread_with::<u32>(at, be).ok();
    Some(if is64 {
        Header {
            nsections: u16_at(2)?,
            symptr: head.pread_with::<u64>(8, be).ok()?,
            opt_size: u16_at(16)?,
            nsyms: u32_at(20)?,
        }
    } else {
        Header {
            nsections: u16_at(2)?,
            symptr: u32_at(8)?.into(),
            opt_size: u16_at(16)?,
            nsyms: u32_at(12)?,
        }
    })
}

/// A section header's `(vaddr, size, offset, flags)`.
fn section(s: &[u8], is64: bool) -> Option<(u64, u64, u64, u32)> {
    let be = Endian::Big;
    if is64 {
        let wide = |at| s.pread_with::<u64>(at, be).ok();
        Some((
            wide(16)?,
            wide(24)?,
            wide(32)?,
            s.pread_with::<u32>(64, be).ok()?,
        ))
    } else {
        let narrow = |at| s.pread_with::<u32>(at, be).ok().map(u64::from);
        Some((
            narrow(12)?,
            narrow(16)?,
            narrow(20)?,
            s.pread_with::<u32>(36, be).ok()?,
        ))
    }
}

pub(crate) fn parse(src: Source<'_>, head: &[u8]) -> io::Result<Option<Image>> {
    let Ok(magic) = head.pread_with::<u16>(0, Endian::Big) else {
        return Ok(None);
    };
    let is64 = magic == XCOFF64;
    let Some(h) = header(head, is64) else {
        return Ok(None);
    };
    let (arch, ptr_size, header_size, entry) = if is64 {
        ("ppc64", 8, 24, 72)
    } else {
        ("ppc", 4, 20, 40)
    };
    let mut image = Image::new(Some(arch), Endian::Big, ptr_size);
    image.search_without_hint = true;
    let table = src.read(
        header_size + u64::from(h.opt_size),
        usize::from(h.nsections).min(MAX_SECTIONS) * entry,
    )?;
    for s in table.chunks_exact(entry) {
        let Some((vaddr, size, offset, flags)) = section(s, is64) else {
            continue;
        };
        if offset == 0 {
            continue;
        }
        let region = Region {
            vaddr,
            offset,
            size,
        };
        image.segments.push(region);
        match flags & 0xffff {
            STYP_TEXT => {
                image.build_id = BuildIdSpot::TextStart(region);
                image.pclntab_inside.push(region);
                image.rodata.push(region);
            }
            STYP_DATA => {
                if image.blob.is_none() {
                    image.blob = Some(BlobSpot {
                        region,
                        dedicated: false,
                    });
                }
                image.pclntab_inside.push(region);
                image.rodata.push(region);
                image.data.push(region);
            }
            _ => {}
        }
    }
    if is64 && h.symptr != 0 && h.nsyms != 0 {
        image.symbols = Some(SymbolTable::coff_style(
            src,
            Layout::Xcoff64,
            h.symptr,
            h.nsyms.into(),
            Vec::new(),
        )?);
    }
    Ok(Some(image))
}
