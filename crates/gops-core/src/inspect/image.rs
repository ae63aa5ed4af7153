//! A format-neutral map of one executable image: where each Go mark may live. Format parsers
//! fill it from headers alone; `evidence` reads only the places it points to.

use std::io;

use scroll::{Endian, Pread};

use super::source::Source;
use super::symbols::SymbolTable;

/// File-backed bytes `[offset, offset + size)` mapped at virtual address `vaddr`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    pub vaddr: u64,
    pub offset: u64,
    pub size: u64,
}

impl Region {
    /// The file offset of `inside` bytes into the region; offsets a hostile header pushes past
    /// `u64::MAX` saturate, which reads as past the end of the file.
    pub(crate) fn at(&self, inside: u64) -> u64 {
        self.offset.saturating_add(inside)
    }
}

/// Where the Go build ID is written.
#[derive(Clone, Debug, Default)]
pub(crate) enum BuildIdSpot {
    /// ELF note sections or `PT_NOTE` segments.
    Notes(Vec<Region>),
    /// The `\xff Go build ID: "..."` marker at the start of the text.
    TextStart(Region),
    #[default]
    Nowhere,
}

/// A region to search for the build-info blob.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BlobSpot {
    pub region: Region,
    /// A section made for the blob: searched whole. A generic data section or segment is searched
    /// whole only once something else says the file is Go, else only its first bytes.
    pub dedicated: bool,
}

#[derive(Debug)]
pub(crate) struct Image {
    pub arch: Option<&'static str>,
    pub endian: Endian,
    pub ptr_size: u8,
    /// Loaded segments (or sections), used to turn virtual addresses into file offsets.
    pub segments: Vec<Region>,
    pub blob: Option<BlobSpot>,
    pub build_id: BuildIdSpot,
    /// Sections that start with the pclntab header.
    pub pclntab: Vec<Region>,
    /// Regions that may hold the pclntab somewhere inside (searched only with a Go hint).
    pub pclntab_inside: Vec<Region>,
    pub symbols: Option<SymbolTable>,
    /// Read-only data, where the module text and the version string also live.
    pub rodata: Vec<Region>,
    /// Initialised writable data, where `runtime.buildVersion` holds the version's string header.
    pub data: Vec<Region>,
    /// Go-only section names are present (`.gopclntab`, `__go_buildinfo`, `.noptrdata`, ...).
    pub go_hint: bool,
    /// The format has no cheap Go mark (XCOFF): the pclntab is searched even without a hint.
    pub search_without_hint: bool,
}

impl Image {
    pub(crate) fn new(arch: Option<&'static str>, endian: Endian, ptr_size: u8) -> Self {
        Image {
            arch,
            endian,
            ptr_size,
            segments: Vec::new(),
            blob: None,
            build_id: BuildIdSpot::Nowhere,
            pclntab: Vec::new(),
            pclntab_inside: Vec::new(),
            symbols: None,
            rodata: Vec::new(),
            data: Vec::new(),
            go_hint: false,
            search_without_hint: false,
        }
    }

    /// Exactly `len` bytes at virtual address `addr`, if one segment holds them all.
    pub(crate) fn read_addr(
        &self,
        src: Source<'_>,
        addr: u64,
        len: u64,
    ) -> io::Result<Option<Vec<u8>>> {
        let Some(seg) = self
            .segments
            .iter()
            .find(|s| addr >= s.vaddr && addr - s.vaddr < s.size)
        else {
            return Ok(None);
        };
        let inside = addr - seg.vaddr;
        if len > seg.size - inside {
            return Ok(None);
        }
        src.read_exact(seg.at(inside), len as usize)
    }

    /// The Go string whose header `{data, len}` sits at `addr`, when it is at most `max` bytes.
    pub(crate) fn read_go_string(
        &self,
        src: Source<'_>,
        addr: u64,
        ptr_size: u8,
        endian: Endian,
        max: u64,
    ) -> io::Result<Option<Vec<u8>>> {
        let Some(header) = self.read_addr(src, addr, 2 * u64::from(ptr_size))? else {
            return Ok(None);
        };
        let (Some(data), Some(len)) = (
            uptr(&header, 0, ptr_size, endian),
            uptr(&header, ptr_size as usize, ptr_size, endian),
        ) else {
            return Ok(None);
        };
        if len > max {
            return Ok(None);
        }
        self.read_addr(src, data, len)
    }
}

/// A pointer-sized unsigned value (4 or 8 bytes) at `at`, in the target's byte order.
pub(crate) fn uptr(buf: &[u8], at: usize, ptr_size: u8, endian: Endian) -> Option<u64> {
    match ptr_size {
        4 => buf.pread_with::<u32>(at, endian).ok().map(u64::from),
        8 => buf.pread_with::<u64>(at, endian).ok(),
        _ => None,
    }
}
