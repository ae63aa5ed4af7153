//! The build-info blob `go version` reads: a 32-byte header at a 16-byte aligned address, then
//! either two inline strings (Go >= 1.18) or two pointers to Go string headers (Go 1.13 to 1.17).

use std::io;

use scroll::Endian;

use super::image::{uptr, BlobSpot, Image, Region};
use super::scan::find_aligned;
use super::source::Source;

const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
const HEADER: usize = 32;
const ALIGN: u64 = 16;
const FLAG_BIG_ENDIAN: u8 = 0x1;
const FLAG_INLINE: u8 = 0x2;
/// Longest version string taken (`devel go1.18-2d1d548 Tue Dec 21 ...` is well under it).
const MAX_VERSION: u64 = 1024;
/// Longest module text taken; Go's reader stops at 1 MiB for the pointer layout too.
const MAX_MODINFO: u64 = 1 << 20;
/// How much of a generic data region is searched before anything says the file is Go.
const UNHINTED_LIMIT: u64 = 64 << 10;

/// The module text sits between these two sentinels.
pub(crate) const INFO_START: [u8; 16] =
    *b"\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6";
pub(crate) const INFO_END: [u8; 16] =
    *b"\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2";

/// The two strings of a decoded blob.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Blob {
    pub version: String,
    /// The module text without its sentinels (empty when the binary was built without modules).
    pub modinfo: String,
}

/// Finds and decodes the blob; `hinted` lifts the limit on searching generic data regions.
pub(crate) fn find(src: Source<'_>, image: &Image, hinted: bool) -> io::Result<Option<Blob>> {
    let Some(BlobSpot { region, dedicated }) = image.blob else {
        return Ok(None);
    };
    let limit = if dedicated || hinted {
        u64::MAX
    } else {
        UNHINTED_LIMIT
    };
    let Some(at) = find_aligned(src, region, ALIGN, HEADER, limit, |b| b.starts_with(MAGIC))?
    else {
        return Ok(None);
    };
    let Some(header) = src.read_exact(region.at(at), HEADER)? else {
        return Ok(None);
    };
    let flags = header[15];
    let (version, modinfo) = if flags & FLAG_INLINE != 0 {
        // Like Go's reader: an inline blob whose module text cannot be read is no blob at all.
        let mut cursor = at + HEADER as u64;
        let version = read_uvarint_string(src, region, &mut cursor, MAX_VERSION)?;
        let Some(modinfo) = read_uvarint_string(src, region, &mut cursor, MAX_MODINFO)? else {
            return Ok(None);
        };
        (version, Some(modinfo))
    } else {
        let ptr_size = header[14];
        let endian = if flags & FLAG_BIG_ENDIAN != 0 {
            Endian::Big
        } else {
            Endian::Little
        };
        let (Some(version_at), Some(modinfo_at)) = (
            uptr(&header, 16, ptr_size, endian),
            uptr(&header, 16 + ptr_size as usize, ptr_size, endian),
        ) else {
            return Ok(None);
        };
        let version = image.read_go_string(src, version_at, ptr_size, endian, MAX_VERSION)?;
        let modinfo = image.read_go_string(src, modinfo_at, ptr_size, endian, MAX_MODINFO)?;
        (version, modinfo)
    };
    let Some(version) = version.map(|v| String::from_utf8_lossy(&v).into_owned()) else {
        return Ok(None);
    };
    if !is_go_version(&version) {
        return Ok(None);
    }
    let modinfo = modinfo.map(|m| unframe(&m)).unwrap_or_default();
    Ok(Some(Blob { version, modinfo }))
}

/// Go's reader rejects an empty version; real ones start with `go` or `devel`.
pub(crate) fn is_go_version(version: &str) -> bool {
    version.starts_with("go") || version.starts_with("devel")
}

/// Strips the sentinels the way Go does; text without them is no module text.
pub(crate) fn unframe(text: &[u8]) -> String {
    let n = text.len();
    if n >= 33 && text[n - 17] == b'\n' {
        String::from_utf8_lossy(&text[16..n - 16]).into_owned()
    } else {
        String::new()
    }
}

/// Reads `uvarint length` + bytes at `*cursor` (relative to `region`), bounded by the region.
fn read_uvarint_string(
    src: Source<'_>,
    region: Region,
    cursor: &mut u64,
    max: u64,
) -> io::Result<Option<Vec<u8>>> {
    let left = region.size.saturating_sub(*cursor);
    let prefix = src.read(region.at(*cursor), left.min(10) as usize)?;
    let Some((len, used)) = uvarint(&prefix) else {
        return Ok(None);
    };
    if len > max || len > left - used as u64 {
        return Ok(None);
    }
    let bytes = src.read_exact(region.at(*cursor + used as u64), len as usize)?;
    *cursor += used as u64 + len;
    Ok(bytes)
}

/// Go's `binary.Uvarint`: the value and how many bytes encoded it.
pub(crate) fn uvarint(buf: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &byte) in buf.iter().enumerate().take(10) {
        if i == 9 && byte > 1 {
            return None;
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uvarint_matches_go() {
        assert_eq!(uvarint(&[0x08]), Some((8, 1)));
        assert_eq!(uvarint(&[0x9a, 0x05]), Some((666, 2)));
        assert_eq!(uvarint(&[0x80, 0x80]), None);
        assert_eq!(uvarint(&[0xff; 10]), None);
    }

    #[test]
    fn unframe_needs_both_sentinels_and_a_final_newline() {
        let mut framed = INFO_START.to_vec();
        framed.extend_from_slice(b"path\tx\n");
        framed.extend_from_slice(&INFO_END);
        assert_eq!(unframe(&framed), "path\tx\n");
        assert_eq!(unframe(b"path\tx\n"), "");
        framed[16 + 6] = b'!';
        assert_eq!(unframe(&framed), "");
    }
}
