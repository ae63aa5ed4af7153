//! PE/COFF (PE32 and PE32+) on goblin's types: the COFF header, the optional header's image
//! base, the section table and the COFF symbol table Go writes unless linked with `-s`.

use std::io;

use goblin::pe::header::{
    CoffHeader, COFF_MACHINE_ARM, COFF_MACHINE_ARM64, COFF_MACHINE_ARMNT, COFF_MACHINE_LOONGARCH64,
    COFF_MACHINE_RISCV64, COFF_MACHINE_X86, COFF_MACHINE_X86_64, PE_MAGIC, PE_POINTER_OFFSET,
    SIZEOF_COFF_HEADER, SIZEOF_PE_MAGIC,
};
use goblin::pe::optional_header::{
    WindowsFields32, WindowsFields64, MAGIC_32, MAGIC_64, SIZEOF_STANDARD_FIELDS_32,
    SIZEOF_STANDARD_FIELDS_64, SIZEOF_WINDOWS_FIELDS_64,
};
use goblin::pe::section_table::{SectionTable, SIZEOF_SECTION_TABLE};
use scroll::{Endian, Pread};

use super::image::{BlobSpot, BuildIdSpot, Image, Region};
use super::source::Source;
use super::symbols::{Layout, SymbolTable};

const MAX_SECTIONS: usize = 1024;
/// `.data`: initialized data, readable and writable.
const DATA: u32 = 0xc000_0040;
/// The alignment bits Go's reader ignores (`IMAGE_SCN_ALIGN_32BYTES`, not the whole nibble):
/// the same mask picks the same section Go does when several look like data.
const ALIGN_IGNORED: u32 = 0x0060_0000;
/// Where the optional header starts, after `PE\0\0` and the COFF header.
const OPTIONAL_HEADER: usize = SIZEOF_PE_MAGIC + SIZEOF_COFF_HEADER;

pub(crate) fn parse(src: Source<'_>, head: &[u8]) -> io::Result<Option<Image>> {
    let Ok(pe_at) = head.pread_with::<u32>(PE_POINTER_OFFSET as usize, Endian::Little) else {
        return Ok(None);
    };
    // Enough for the PE32+ standard and Windows fields, which hold the image base; the data
    // directories that follow are not needed.
    let want = OPTIONAL_HEADER + SIZEOF_STANDARD_FIELDS_64 + SIZEOF_WINDOWS_FIELDS_64;
    let headers = src.read(pe_at.into(), want)?;
    if headers.pread_with::<u32>(0, Endian::Little).ok() != Some(PE_MAGIC) {
        return Ok(None);
    }
    let Ok(coff) = CoffHeader::parse(&headers, &mut { SIZEOF_PE_MAGIC }) else {
        return Ok(None);
    };
    let Some((ptr_size, image_base)) = image_base(&headers[OPTIONAL_HEADER.min(headers.len())..])
    else {
        return Ok(None);
    };
    let mut image = Image::new(arch(coff.machine), Endian::Little, ptr_size);
    let table_at =
        u64::from(pe_at) + OPTIONAL_HEADER as u64 + u64::from(coff.size_of_optional_header);
    let count = usize::from(coff.number_of_sections).min(MAX_SECTIONS);
    let table = src.read(table_at, count * SIZEOF_SECTION_TABLE)?;
    let mut text = None;
    for at in (0..table.len() / SIZEOF_SECTION_TABLE).map(|i| i * SIZEOF_SECTION_TABLE) {
        // Long names point into the COFF string table; only 8-byte names matter here, so the
        // string table is not read (offset 0 leaves `real_name` unresolved, never out of
        // bounds). A name goblin cannot decode costs that section, not the ones after it.
        if let Ok(s) = SectionTable::parse(&table, &mut { at }, 0) {
            section(&mut image, &s, image_base, &mut text);
        }
    }
    // PE has no pclntab section: it sits in .rdata (or, in old releases, .text).
    image.pclntab_inside = image.rodata.iter().copied().chain(text).collect();
    if let Some(text) = text {
        image.build_id = BuildIdSpot::TextStart(text);
    }
    if coff.pointer_to_symbol_table != 0 && coff.number_of_symbol_table != 0 {
        let section_addrs = image.segments.iter().map(|s| s.vaddr).collect();
        image.symbols = Some(SymbolTable::coff_style(
            src,
            Layout::Coff,
            coff.pointer_to_symbol_table.into(),
            coff.number_of_symbol_table.into(),
            section_addrs,
        )?);
    }
    Ok(Some(image))
}

/// The pointer size and image base from the optional header's standard and Windows fields.
fn image_base(optional: &[u8]) -> Option<(u8, u64)> {
    let le = Endian::Little;
    match optional.pread_with::<u16>(0, le).ok()? {
        MAGIC_32 => {
            let windows = optional
                .pread_with::<WindowsFields32>(SIZEOF_STANDARD_FIELDS_32, le)
                .ok()?;
            Some((4, windows.image_base.into()))
        }
        MAGIC_64 => {
            let windows = optional
                .pread_with::<WindowsFields64>(SIZEOF_STANDARD_FIELDS_64, le)
                .ok()?;
            Some((8, windows.image_base))
        }
        _ => None,
    }
}

fn section(image: &mut Image, s: &SectionTable, image_base: u64, text: &mut Option<Region>) {
    let size = if s.virtual_size == 0 {
        s.size_of_raw_data
    } else {
        s.virtual_size.min(s.size_of_raw_data)
    };
    let region = Region {
        vaddr: image_base.wrapping_add(u64::from(s.virtual_address)),
        offset: s.pointer_to_raw_data.into(),
        size: size.into(),
    };
    image.segments.push(region);
    let data_like = s.characteristics & !ALIGN_IGNORED == DATA;
    if image.blob.is_none() && s.virtual_address != 0 && s.size_of_raw_data != 0 && data_like {
        image.blob = Some(BlobSpot {
            region,
            dedicated: false,
        });
    }
    match &s.name {
        b".text\0\0\0" => *text = Some(region),
        b".rdata\0\0" => image.rodata.push(region),
        b".data\0\0\0" => image.data.push(region),
        // Go's linker names a section `.symtab` even with `-s`; other PE linkers do not.
        b".symtab\0" => image.go_hint = true,
        _ => {}
    }
}

fn arch(machine: u16) -> Option<&'static str> {
    Some(match machine {
        COFF_MACHINE_X86 => "386",
        COFF_MACHINE_X86_64 => "amd64",
        COFF_MACHINE_ARM | COFF_MACHINE_ARMNT => "arm",
        COFF_MACHINE_ARM64 => "arm64",
        COFF_MACHINE_RISCV64 => "riscv64",
        COFF_MACHINE_LOONGARCH64 => "loong64",
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
