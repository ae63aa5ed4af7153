//! Looks up the three symbols that mark a Go program (`runtime.main`, `main.main`,
//! `runtime.buildVersion`) without parsing the whole string table: entries are walked in
//! chunks and a name is read only through a small moving window over the string table.

use std::io;

use goblin::container::Ctx;
use goblin::elf::sym::Sym;
use goblin::mach::symbols::Nlist;
use goblin::pe::symbol::{Symbol as CoffSymbol, COFF_SYMBOL_SIZE};
use scroll::ctx::SizeWith;
use scroll::{Endian, Pread};

use super::source::{Source, MAX_READ};

/// Most entries walked, whatever the header claims.
const MAX_SYMBOLS: u64 = 4 << 20;
const NAME_WINDOW: usize = 16 << 10;

const RUNTIME_MAIN: &[u8] = b"runtime.main";
const MAIN_MAIN: &[u8] = b"main.main";
const BUILD_VERSION: &[u8] = b"runtime.buildVersion";

/// An XCOFF64 symbol: value (8), name offset (4), section (2), type (2), class (1), aux count (1).
const XCOFF64_SYMBOL_SIZE: usize = 18;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Layout {
    /// ELF `Elf32_Sym` / `Elf64_Sym`.
    Elf(Ctx),
    /// Mach-O `nlist` / `nlist_64`.
    MachO(Ctx),
    /// PE/COFF: 18-byte entries, values relative to their section.
    Coff,
    /// XCOFF64 (goblin has no XCOFF): 18-byte big-endian entries.
    Xcoff64,
}

impl Layout {
    fn entry_size(self) -> usize {
        match self {
            Layout::Elf(ctx) => Sym::size(ctx.container),
            Layout::MachO(ctx) => Nlist::size_with(&ctx),
            Layout::Coff => COFF_SYMBOL_SIZE,
            Layout::Xcoff64 => XCOFF64_SYMBOL_SIZE,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct SymbolTable {
    pub layout: Layout,
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
    /// string table, whose first 4 bytes give its size in the format's byte order.
    pub(crate) fn coff_style(
        src: Source<'_>,
        layout: Layout,
        offset: u64,
        count: u64,
        section_addrs: Vec<u64>,
    ) -> io::Result<SymbolTable> {
        let endian = if layout == Layout::Xcoff64 {
            Endian::Big
        } else {
            Endian::Little
        };
        let strings_offset = offset.saturating_add(count * layout.entry_size() as u64);
        let strings_size = src
            .read_exact(strings_offset, 4)?
            .and_then(|b| b.pread_with::<u32>(0, endian).ok())
            .unwrap_or(0);
        Ok(SymbolTable {
            layout,
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
    Some(match table.layout {
        Layout::Elf(ctx) => {
            let sym = e.pread_with::<Sym>(0, ctx).ok()?;
            Entry {
                name: Some(sym.st_name as u64),
                value: sym.st_value,
                aux: 0,
            }
        }
        Layout::MachO(ctx) => {
            let nlist = e.pread_with::<Nlist>(0, ctx).ok()?;
            Entry {
                name: Some(nlist.n_strx as u64),
                value: nlist.n_value,
                aux: 0,
            }
        }
        Layout::Coff => {
            let sym = e.pread_with::<CoffSymbol>(0, Endian::Little).ok()?;
            // A long name is `0u32, offset`; offsets count from the table's start, size field
            // included. Names of 8 bytes or less are inline; ours are all longer.
            let name = (sym.name[..4] == [0; 4])
                .then(|| sym.name.pread_with::<u32>(4, Endian::Little).ok())
                .flatten();
            let base = usize::try_from(sym.section_number)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| table.section_addrs.get(i));
            Entry {
                name: name.map(u64::from),
                value: base.map_or(0, |b| b.wrapping_add(u64::from(sym.value))),
                aux: sym.number_of_aux_symbols.into(),
            }
        }
        Layout::Xcoff64 => Entry {
            name: Some(e.pread_with::<u32>(8, Endian::Big).ok()?.into()),
            value: e.pread_with::<u64>(0, Endian::Big).ok()?,
            aux: (*e.get(17)?).into(),
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
        behind: Vec::new(),
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
            let Some(name) = name.as_bytes().strip_prefix(prefix) else {
                continue;
            };
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

/// A moving window over the string table: names are mostly read near each other, in table
/// order. A name behind the window (tables that point back at a few early names, as XCOFF's
/// do) is read on its own, so the window is not dragged back and forth.
struct NameWindow<'a> {
    src: Source<'a>,
    table: &'a SymbolTable,
    start: u64,
    bytes: Vec<u8>,
    behind: Vec<u8>,
}

impl NameWindow<'_> {
    /// The name at `at`, up to its NUL or `len` bytes (fewer at the end of the table).
    fn get(&mut self, at: u64, len: usize) -> io::Result<Option<&str>> {
        if at >= self.table.strings_size {
            return Ok(None);
        }
        let end = (at + len as u64).min(self.table.strings_size);
        let offset = self.table.strings_offset.saturating_add(at);
        let name = if at < self.start {
            self.behind = self.src.read(offset, (end - at) as usize)?;
            &self.behind[..]
        } else {
            if end > self.start + self.bytes.len() as u64 {
                let want = (self.table.strings_size - at).min(NAME_WINDOW as u64) as usize;
                self.bytes = self.src.read(offset, want)?;
                self.start = at;
            }
            let from = (at - self.start) as usize;
            let to = ((end - self.start) as usize).min(self.bytes.len());
            self.bytes.get(from..to).unwrap_or_default()
        };
        Ok(name.pread::<&str>(0).ok())
    }
}
