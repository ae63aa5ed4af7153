//! PE/COFF (PE32 and PE32+): the COFF header, the optional header's image base, the section
//! table and the COFF symbol table Go writes unless linked with `-s`.

use std::io;

use super::image::{BlobSpot, BuildIdSpot, Image, Region};
use super::source::{Endian, Source};
use super::symbols::{Layout, SymbolTable};

const SECTION_SIZE: usize = 40;
const MAX_SECTIONS: usize = 1024;
/// `.data`: initialized data, readable and writable.
const DATA: u32 = 0xc000_0040;
/// The alignment bits Go's reader ignores (`IMAGE_SCN_ALIGN_32BYTES`, not the whole nibble):
/// the same mask picks the same section Go does when several look like data.
const ALIGN_IGNORED: u32 = 0x0060_0000;
/// Where the optional header starts, after `PE\0\0` and the COFF header.
const OPTIONAL_HEADER: usize = 24;

pub(crate) fn parse(src: Source<'_>, head: &[u8]) -> io::Result<Option<Image>> {
    let e = Endian::Little;
    let Some(pe_at) = e.u32(head, 0x3c).map(u64::from) else {
        return Ok(None);
    };
    let Some(coff) = src.read_exact(pe_at, OPTIONAL_HEADER + 32)? else {
        return Ok(None);
    };
    if &coff[..4] != b"PE\0\0" {
        return Ok(None);
    }
    let (
        Some(machine),
        Some(nsections),
        Some(symptr),
        Some(nsyms),
        Some(opt_size),
        Some(opt_magic),
    ) = (
        e.u16(&coff, 4),
        e.u16(&coff, 6),
        e.u32(&coff, 12),
        e.u32(&coff, 16),
        e.u16(&coff, 20),
        e.u16(&coff, OPTIONAL_HEADER),
    )
    else {
        return Ok(None);
    };
    let (ptr_size, image_base) = match opt_magic {
        0x10b => (4, e.u32(&coff, OPTIONAL_HEADER + 28).map(u64::from)),
        0x20b => (8, e.u64(&coff, OPTIONAL_HEADER + 24)),
        _ => return Ok(None),
    };
    let Some(image_base) = image_base else {
        return Ok(None);
    };
    let mut image = Image::new(arch(machine), e, ptr_size);
    let table_at = pe_at + OPTIONAL_HEADER as u64 + u64::from(opt_size);
    let table = src.read(
        table_at,
        usize::from(nsections).min(MAX_SECTIONS) * SECTION_SIZE,
    )?;
    let mut text = None;
    for s in table.chunks_exact(SECTION_SIZE) {
        let name = &s[..8];
        let (Some(vsize), Some(va), Some(raw_size), Some(raw_at), Some(flags)) = (
            e.u32(s, 8),
            e.u32(s, 12),
            e.u32(s, 16),
            e.u32(s, 20),
            e.u32(s, 36),
        ) else {
            continue;
        };
        let size = if vsize == 0 {
            raw_size
        } else {
            vsize.min(raw_size)
        };
        let region = Region {
            vaddr: image_base.wrapping_add(u64::from(va)),
            offset: raw_at.into(),
            size: size.into(),
        };
        image.segments.push(region);
        if image.blob.is_none() && va != 0 && raw_size != 0 && flags & !ALIGN_IGNORED == DATA {
            image.blob = Some(BlobSpot {
                region,
                dedicated: false,
            });
        }
        if name.starts_with(b".text\0") {
            text = Some(region);
        } else if name.starts_with(b".rdata\0") {
            image.rodata.push(region);
        } else if name == b".symtab\0" {
            // Go's linker names a section `.symtab` even with `-s`; other PE linkers do not.
            image.go_hint = true;
        }
    }
    // PE has no pclntab section: it sits in .rdata (or, in old releases, .text).
    image.pclntab_inside = image.rodata.iter().copied().chain(text).collect();
    if let Some(text) = text {
        image.build_id = BuildIdSpot::TextStart(text);
    }
    if symptr != 0 && nsyms != 0 {
        let section_addrs = image.segments.iter().map(|s| s.vaddr).collect();
        image.symbols = Some(SymbolTable::coff_style(
            src,
            Layout::Coff,
            e,
            symptr.into(),
            nsyms.into(),
            section_addrs,
        )?);
    }
    Ok(Some(image))
}

fn arch(machine: u16) -> Option<&'static str> {
    Some(match machine {
        0x14c => "386",
        0x8664 => "amd64",
        0x1c0 | 0x1c4 => "arm",
        0xaa64 => "arm64",
        0x5064 => "riscv64",
        0x6264 => "loong64",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::source::tests::TempFile;
    use crate::inspect::source::{Meter, FILE_BUDGET};

    /// MZ stub, PE32+ headers with image base 0x140000000, and `sections` as (name,
    /// virtual address, characteristics), each with 0x200 bytes of file data from 0x400 on.
    fn pe64(sections: &[(&[u8; 8], u32, u32)]) -> Vec<u8> {
        let mut out = vec![0u8; 0x40];
        out[..2].copy_from_slice(b"MZ");
        out[0x3c..0x40].copy_from_slice(&0x40u32.to_le_bytes());
        out.extend_from_slice(b"PE\0\0");
        let count = sections.len() as u16;
        for v in [0x8664u16, count, 0, 0, 0, 0, 0, 0, 240, 0x22] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let mut optional = vec![0u8; 240];
        optional[..2].copy_from_slice(&0x20bu16.to_le_bytes());
        optional[24..32].copy_from_slice(&0x1_4000_0000u64.to_le_bytes());
        out.extend_from_slice(&optional);
        for (i, &(name, va, flags)) in sections.iter().enumerate() {
            out.extend_from_slice(name);
            let raw_at = 0x400 + 0x200 * i as u32;
            for v in [0x800u32, va, 0x200, raw_at, 0, 0, 0, flags] {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out.resize(0x400 + 0x200 * sections.len(), 0);
        out
    }

    fn parsed(name: &str, bytes: &[u8]) -> Image {
        let tmp = TempFile::new(name, bytes);
        let file = std::fs::File::open(&tmp.0).unwrap();
        let meter = Meter::new(FILE_BUDGET);
        let src = Source::new(&file, &meter, bytes.len() as u64);
        let head = src.read(0, 64).unwrap();
        parse(src, &head).unwrap().unwrap()
    }

    #[test]
    fn sections_are_mapped_at_the_image_base() {
        let image = parsed("pe64", &pe64(&[(b".data\0\0\0", 0x3000, DATA)]));
        let data = Region {
            vaddr: 0x1_4000_3000,
            offset: 0x400,
            size: 0x200,
        };
        assert_eq!(
            (image.arch, image.ptr_size, &image.segments[..]),
            (Some("amd64"), 8, &[data][..])
        );
        assert_eq!(
            image.blob.map(|b| (b.region, b.dedicated)),
            Some((data, false))
        );
    }

    #[test]
    fn the_blob_section_is_the_one_gos_reader_picks() {
        // IMAGE_SCN_ALIGN_1BYTES (0x00100000) is not among the bits Go's reader ignores, so a
        // section carrying it is passed over for the next plain `.data`-like one.
        let image = parsed(
            "pe64-align",
            &pe64(&[
                (b".tls\0\0\0\0", 0x3000, DATA | 0x0010_0000),
                (b".data\0\0\0", 0x4000, DATA | 0x0060_0000),
            ]),
        );
        assert_eq!(image.blob.map(|b| b.region.vaddr), Some(0x1_4000_4000));
    }
}
