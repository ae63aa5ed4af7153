//! XCOFF (AIX): the file header and section table; Go puts read-only data and the pclntab in
//! `.text` and the build-info blob in `.data`.

use std::io;

use super::image::{BlobSpot, BuildIdSpot, Image, Region};
use super::source::{Endian, Source};
use super::symbols::{Layout, SymbolTable};

const XCOFF64: u16 = 0x01f7;
const STYP_TEXT: u32 = 0x20;
const STYP_DATA: u32 = 0x40;
const MAX_SECTIONS: usize = 1024;

pub(crate) fn parse(src: Source<'_>, head: &[u8]) -> io::Result<Option<Image>> {
    let e = Endian::Big;
    let Some(magic) = e.u16(head, 0) else {
        return Ok(None);
    };
    let is64 = magic == XCOFF64;
    let fields = if is64 {
        (
            e.u16(head, 2),
            e.u64(head, 8),
            e.u16(head, 16),
            e.u32(head, 20),
        )
    } else {
        (
            e.u16(head, 2),
            e.u32(head, 8).map(u64::from),
            e.u16(head, 16),
            e.u32(head, 12),
        )
    };
    let (Some(nsections), Some(symptr), Some(opt_size), Some(nsyms)) = fields else {
        return Ok(None);
    };
    let (arch, ptr_size, header, entry) = if is64 {
        ("ppc64", 8, 24, 72)
    } else {
        ("ppc", 4, 20, 40)
    };
    let mut image = Image::new(Some(arch), e, ptr_size);
    let table = src.read(
        header + u64::from(opt_size),
        usize::from(nsections).min(MAX_SECTIONS) * entry,
    )?;
    for s in table.chunks_exact(entry) {
        let fields = if is64 {
            (e.u64(s, 16), e.u64(s, 24), e.u64(s, 32), e.u32(s, 64))
        } else {
            let wide = |at| e.u32(s, at).map(u64::from);
            (wide(12), wide(16), wide(20), e.u32(s, 36))
        };
        let (Some(vaddr), Some(size), Some(offset), Some(flags)) = fields else {
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
            STYP_DATA if image.blob.is_none() => {
                image.blob = Some(BlobSpot {
                    region,
                    dedicated: false,
                })
            }
            _ => {}
        }
    }
    if is64 && symptr != 0 && nsyms != 0 {
        image.symbols = Some(SymbolTable::coff_style(
            src,
            Layout::Xcoff64,
            e,
            symptr,
            nsyms.into(),
            Vec::new(),
        )?);
    }
    Ok(Some(image))
}
