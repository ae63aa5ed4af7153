//! The exact Go version without the blob or symbols: `runtime.buildVersion` is a Go string
//! header `{data, len}` in writable data pointing into read-only data. Go's linker packs string
//! bytes with no separator, so a version found by its text alone may run into its neighbours
//! (`...Ago1.26.8`); the header gives its start and its length exactly.

use std::io;
use std::ops::ControlFlow;

use super::image::{uptr, Image};
use super::scan::chunks;
use super::source::Source;
use super::strings::{exact_version, Version};

/// `go1.N.M` and its suffixes (` X:boringcrypto`, ` (Red Hat ...)`) are well under this.
const MAX_LEN: u64 = 128;
/// Most string headers followed (each costs a read of at most `MAX_LEN` bytes).
const MAX_HEADERS: usize = 64;

/// The highest version that a string header in the image's data points at exactly. `targets`
/// are the sorted virtual addresses where read-only data holds `go1.`.
pub(crate) fn find(src: Source<'_>, image: &Image, targets: &[u64]) -> io::Result<Option<String>> {
    if targets.is_empty() {
        return Ok(None);
    }
    let ptr = usize::from(image.ptr_size);
    let mut headers: Vec<(u64, u64)> = Vec::new();
    for &region in &image.data {
        chunks(src, region, 2 * ptr, u64::MAX, |start, chunk, fresh| {
            let misaligned = (region.vaddr.wrapping_add(start) % ptr as u64) as usize;
            let mut at = (ptr - misaligned) % ptr;
            while at < fresh && at + 2 * ptr <= chunk.len() && headers.len() < MAX_HEADERS {
                let data = uptr(chunk, at, image.ptr_size, image.endian);
                if data.is_some_and(|d| targets.binary_search(&d).is_ok()) {
                    let len = uptr(chunk, at + ptr, image.ptr_size, image.endian);
                    if let (Some(data), Some(len @ 4..=MAX_LEN)) = (data, len) {
                        headers.push((data, len));
                    }
                }
                at += ptr;
            }
            ControlFlow::<()>::Continue(())
        })?;
    }
    let mut best: Option<(Version, String)> = None;
    for (data, len) in headers {
        let Some(bytes) = image.read_addr(src, data, len)? else {
            continue;
        };
        if let Some((version, text)) = exact_version(&bytes) {
            if best.as_ref().is_none_or(|(b, _)| version > *b) {
                best = Some((version, text));
            }
        }
    }
    Ok(best.map(|(_, text)| text))
}
