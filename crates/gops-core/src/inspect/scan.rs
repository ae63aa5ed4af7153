//! Bounded chunked searches through one region of the file.

use std::io;
use std::ops::ControlFlow;

use super::image::Region;
use super::source::{Source, MAX_READ};

/// First chunk size: marks usually sit near the start of their region, so chunks start small
/// and double up to `MAX_READ`.
pub(crate) const FIRST_CHUNK: usize = 4 << 10;

/// Calls `visit(start, chunk, fresh)` over the first `limit` bytes of `region`, in chunks that
/// overlap by `overlap` bytes (less than `FIRST_CHUNK`) so a match spanning two chunks is seen
/// whole; only matches starting in `chunk[..fresh]` are new. `start` is relative to the region.
pub(crate) fn chunks<B>(
    src: Source<'_>,
    region: Region,
    overlap: usize,
    limit: u64,
    mut visit: impl FnMut(u64, &[u8], usize) -> ControlFlow<B>,
) -> io::Result<Option<B>> {
    let end = region.size.min(limit);
    let mut size = FIRST_CHUNK;
    let mut start = 0u64;
    while start < end {
        let want = (end - start).min(size as u64) as usize;
        let chunk = src.read(region.at(start), want)?;
        if chunk.is_empty() {
            break;
        }
        let step = (size - overlap) as u64;
        let fresh = if start + step < end {
            (step as usize).min(chunk.len())
        } else {
            chunk.len()
        };
        if let ControlFlow::Break(found) = visit(start, &chunk, fresh) {
            return Ok(Some(found));
        }
        start += step;
        size = (size * 2).min(MAX_READ);
    }
    Ok(None)
}

/// The region-relative offset of the first position, aligned by virtual address to `align`,
/// where `accept` holds for the `peek` bytes starting there.
pub(crate) fn find_aligned(
    src: Source<'_>,
    region: Region,
    align: u64,
    peek: usize,
    limit: u64,
    accept: impl Fn(&[u8]) -> bool,
) -> io::Result<Option<u64>> {
    chunks(src, region, peek, limit, |start, chunk, fresh| {
        let first = (align - (region.vaddr.wrapping_add(start)) % align) % align;
        let mut at = first as usize;
        while at < fresh && at + peek <= chunk.len() {
            if accept(&chunk[at..at + peek]) {
                return ControlFlow::Break(start + at as u64);
            }
            at += align as usize;
        }
        ControlFlow::Continue(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::source::tests::TempFile;
    use crate::inspect::source::{Meter, FILE_BUDGET};
    use std::fs::File;

    fn scan(bytes: &[u8], vaddr: u64, limit: u64) -> Option<u64> {
        let tmp = TempFile::new("scan-aligned", bytes);
        let file = File::open(&tmp.0).unwrap();
        let meter = Meter::new(FILE_BUDGET);
        let src = Source::new(&file, &meter, bytes.len() as u64);
        let region = Region {
            vaddr,
            offset: 0,
            size: bytes.len() as u64,
        };
        find_aligned(src, region, 16, 8, limit, |b| b == b"MARKMARK").unwrap()
    }

    #[test]
    fn finds_aligned_hits_on_both_sides_of_chunk_edges() {
        // Chunks start at 4 KiB and overlap by `peek`: try every aligned spot around the first edges.
        for at in (FIRST_CHUNK - 64..FIRST_CHUNK + 64)
            .chain(3 * FIRST_CHUNK - 64..3 * FIRST_CHUNK + 64)
            .step_by(8)
        {
            let mut bytes = vec![0u8; 4 * FIRST_CHUNK];
            bytes[at..at + 8].copy_from_slice(b"MARKMARK");
            let aligned = (0x1008 + at) % 16 == 0;
            assert_eq!(
                scan(&bytes, 0x1008, u64::MAX),
                aligned.then_some(at as u64),
                "marker at {at}"
            );
        }
    }

    #[test]
    fn skips_unaligned_hits_and_stops_at_the_limit() {
        let mut bytes = vec![0u8; 3 * MAX_READ];
        bytes[MAX_READ - 3..MAX_READ + 5].copy_from_slice(b"MARKMARK");
        bytes[2 * MAX_READ - 16..2 * MAX_READ - 8].copy_from_slice(b"MARKMARK");
        assert_eq!(
            scan(&bytes, 0x1000, u64::MAX),
            Some(2 * MAX_READ as u64 - 16)
        );
        assert_eq!(scan(&bytes, 0x1000, MAX_READ as u64), None);
    }
}
