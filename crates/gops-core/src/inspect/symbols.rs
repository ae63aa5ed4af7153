//! Looks up the three symbols that mark a Go program (`runtime.main`, `main.main`,
//! `runtime.buildVersion`) without parsing the whole string table: entries are walked in
//! chunks and a name is read only through a small moving window over the string table.

use std::io;

use super::source::{Endian, Source, MAX_READ};

/// Most entries walked, whatever the header claims.
const MAX_SYMBOLS: u64 = 4 << 20;
const NAME_WINDOW: usize = 16 << 10;

const RUNTIME_MAIN: &[u8] = b"runtime.main";
const MAIN_MAIN: &[u8] = b"main.main";
const BUILD_VERSION: &[u8] = b"runtime.buildVersion";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    Elf32,
    Elf64,
    MachO32,
    MachO64,
    /// PE/COFF: 18-byte entries, values relative to their section.
    Coff,
    Xcoff64,
}

impl Layout {
    fn entry_size(self) -> usize {
        match self {
            Layout::Elf32 => 16,
            Layout::Elf64 => 24,
            Layout::MachO32 => 12,
            Layout::MachO64 => 16,
            Layout::Coff | Layout::Xcoff64 => 18,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct SymbolTable {
    pub layout: Layout,
    pub endian: Endian,
    pub offset: u64,
    pub count: u64,
    pub strings_offset: u64,
    pub strings_size: u64,
    /// What the format puts before every name (`_` on Mach-O).
    pub prefix: &'static [u8],
    /// COFF only: the virtual address of each section (numbered from 1), to make values absolute.
    pub section_addrs: Vec<u64>,
}

impl SymbolTable {
    /// A COFF-style table (PE, XCOFF): `count` 18-byte entries at `offset`, followed by the
    /// string table, whose first 4 bytes give its size.
    pub(crate) fn coff_style(
        src: Source<'_>,
        layout: Layout,
        endian: Endian,
        offset: u64,
        count: u64,
        section_addrs: Vec<u64>,
    ) -> io::Result<SymbolTable> {
        let strings_offset = offset.saturating_add(count * layout.entry_size() as u64);
        let strings_size = src
            .read_exact(strings_offset, 4)?
            .and_then(|b| endian.u32(&b, 0))
            .unwrap_or(0);
        Ok(SymbolTable {
            layout,
            endian,
            offset,
            count,
            strings_offset,
            strings_size: strings_size.into(),
            prefix: b"",
            section_addrs,
        })
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub runtime_main: bool,
    pub main_main: bool,
    /// Address of the `runtime.buildVersion` string header.
    pub build_version: Option<u64>,
}

impl Found {
    pub(crate) fn any(&self) -> bool {
        self.runtime_main || self.main_main || self.build_version.is_some()
    }
}

/// One entry: where its name is in the string table (or `None` for inline names) and its value.
struct Entry {
    name: Option<u64>,
    value: u64,
    /// Auxiliary entries that follow (COFF, XCOFF).
    aux: u64,
}

fn decode(table: &SymbolTable, e: &[u8]) -> Option<Entry> {
    let en = table.endian;
    Some(match table.layout {
        Layout::Elf32 => Entry {
            name: Some(en.u32(e, 0)?.into()),
            value: en.u32(e, 4)?.into(),
            aux: 0,
        },
        Layout::Elf64 => Entry {
            name: Some(en.u32(e, 0)?.into()),
            value: en.u64(e, 8)?,
            aux: 0,
        },
        Layout::MachO32 => Entry {
            name: Some(en.u32(e, 0)?.into()),
            value: en.u32(e, 8)?.into(),
            aux: 0,
        },
        Layout::MachO64 => Entry {
            name: Some(en.u32(e, 0)?.into()),
            value: en.u64(e, 8)?,
            aux: 0,
        },
        Layout::Coff => {
            // A name of 8 bytes or less is inline; ours are all longer, so those never match.
            let inline = en.u32(e, 0)? != 0;
            let section = en.u16(e, 12)?;
            let base = usize::from(section)
                .checked_sub(1)
                .and_then(|i| table.section_addrs.get(i));
            let value = u64::from(en.u32(e, 8)?);
            Entry {
                name: (!inline).then_some(en.u32(e, 4)?.into()),
                value: base.map_or(0, |b| b.wrapping_add(value)),
                aux: e[17].into(),
            }
        }
        Layout::Xcoff64 => Entry {
            name: Some(en.u32(e, 8)?.into()),
            value: en.u64(e, 0)?,
            aux: e[17].into(),
        },
    })
}

/// Walks the table until all three symbols are found or the table ends.
pub(crate) fn lookup(src: Source<'_>, table: &SymbolTable) -> io::Result<Found> {
    let prefix = table.prefix;
    let size = table.layout.entry_size();
    let count = table.count.min(MAX_SYMBOLS);
    let per_chunk = (MAX_READ / size) as u64;
    let mut names = NameWindow {
        src,
        table,
        start: 0,
        bytes: Vec::new(),
    };
    let mut found = Found::default();
    let mut skip = 0u64;
    let mut index = 0u64;
    while index < count {
        let n = per_chunk.min(count - index);
        let chunk = src.read(
            table.offset.saturating_add(index * size as u64),
            (n as usize) * size,
        )?;
        if chunk.len() < size {
            break;
        }
        for raw in chunk.chunks_exact(size) {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let Some(entry) = decode(table, raw) else {
                continue;
            };
            skip = entry.aux;
            let Some(name_at) = entry.name else { continue };
            let Some(name) = names.get(name_at, prefix.len() + BUILD_VERSION.len() + 1)? else {
                continue;
            };
            let Some(name) = name.strip_prefix(prefix) else {
                continue;
            };
            let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
            match name {
                RUNTIME_MAIN => found.runtime_main = true,
                MAIN_MAIN => found.main_main = true,
                BUILD_VERSION => found.build_version = Some(entry.value),
                _ => {}
            }
            if found.runtime_main && found.main_main && found.build_version.is_some() {
                return Ok(found);
            }
        }
        index += (chunk.len() / size) as u64;
    }
    Ok(found)
}

/// A moving window over the string table: names are read near each other, in table order.
struct NameWindow<'a> {
    src: Source<'a>,
    table: &'a SymbolTable,
    start: u64,
    bytes: Vec<u8>,
}

impl NameWindow<'_> {
    /// Up to `len` bytes of the name at `at` (fewer at the end of the table).
    fn get(&mut self, at: u64, len: usize) -> io::Result<Option<&[u8]>> {
        if at >= self.table.strings_size {
            return Ok(None);
        }
        let end = (at + len as u64).min(self.table.strings_size);
        if at < self.start || end > self.start + self.bytes.len() as u64 {
            let want = (self.table.strings_size - at).min(NAME_WINDOW as u64) as usize;
            self.bytes = self
                .src
                .read(self.table.strings_offset.saturating_add(at), want)?;
            self.start = at;
        }
        let from = (at - self.start) as usize;
        let to = ((end - self.start) as usize).min(self.bytes.len());
        Ok(self.bytes.get(from..to))
    }
}
