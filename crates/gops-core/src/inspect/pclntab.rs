//! The pclntab header: `magic u32 | 0 | 0 | minLC | ptrSize`, in the target's byte order.
//! All four fields are checked; a bare magic matches random data far too often.

use std::io;

use scroll::{Endian, Pread};

use super::image::Image;
use super::scan::find_aligned;
use super::source::Source;

const HEADER: usize = 8;
/// 1.2-1.15, 1.16-1.17, 1.18-1.19, 1.20 and later.
const MAGICS: [u32; 4] = [0xffff_fffb, 0xffff_fffa, 0xffff_fff0, 0xffff_fff1];

pub(crate) fn is_header(bytes: &[u8], endian: Endian) -> bool {
    bytes.len() >= HEADER
        && bytes
            .pread_with::<u32>(0, endian)
            .is_ok_and(|magic| MAGICS.contains(&magic))
        && bytes[4] == 0
        && bytes[5] == 0
        && matches!(bytes[6], 1 | 2 | 4)
        && matches!(bytes[7], 4 | 8)
}

/// Whether the image holds a valid pclntab header: at the start of a pclntab section, or (only
/// when `hinted`) anywhere 4-aligned in the regions that may embed it.
pub(crate) fn present(src: Source<'_>, image: &Image, hinted: bool) -> io::Result<bool> {
    for region in &image.pclntab {
        if let Some(head) = src.read_exact(region.offset, HEADER)? {
            if region.size >= HEADER as u64 && is_header(&head, image.endian) {
                return Ok(true);
            }
        }
    }
    if !hinted {
        return Ok(false);
    }
    for &region in &image.pclntab_inside {
        if find_aligned(src, region, 4, HEADER, u64::MAX, |b| {
            is_header(b, image.endian)
        })?
        .is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_all_four_fields() {
        assert!(is_header(
            &[0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8],
            Endian::Little
        ));
        assert!(is_header(
            &[0xff, 0xff, 0xff, 0xf1, 0, 0, 2, 8],
            Endian::Big
        ));
        assert!(is_header(
            &[0xfb, 0xff, 0xff, 0xff, 0, 0, 4, 4],
            Endian::Little
        ));
        assert!(!is_header(
            &[0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8],
            Endian::Big
        ));
        assert!(!is_header(
            &[0xf2, 0xff, 0xff, 0xff, 0, 0, 1, 8],
            Endian::Little
        ));
        assert!(!is_header(
            &[0xf1, 0xff, 0xff, 0xff, 1, 0, 1, 8],
            Endian::Little
        ));
        assert!(!is_header(
            &[0xf1, 0xff, 0xff, 0xff, 0, 0, 3, 8],
            Endian::Little
        ));
        assert!(!is_header(
            &[0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 2],
            Endian::Little
        ));
        assert!(!is_header(
            &[0xf1, 0xff, 0xff, 0xff, 0, 0, 1],
            Endian::Little
        ));
    }
}
