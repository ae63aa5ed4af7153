//! Supporting evidence from read-only data: the module text framed by its sentinels (the string
//! `runtime/debug` reads) and the Go version as a standalone `go1.N[.M]` string.

use std::io;
use std::ops::ControlFlow;

use memchr::memmem;

use super::buildinfo::{unframe, INFO_END, INFO_START};
use super::image::Region;
use super::scan::chunks;
use super::source::Source;

/// Longest module text taken, as for the blob.
const MAX_MODINFO: usize = 1 << 20;
const FIRST_WINDOW: usize = 4 << 10;
/// Room kept between chunks so a version string spanning an edge is seen whole.
const VERSION_OVERLAP: usize = 32;
/// Most `go1.` places remembered for `buildversion` to match string headers against.
const MAX_TARGETS: usize = 4096;

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Found {
    /// The unframed module text.
    pub modinfo: Option<String>,
    /// The highest Go version mentioned: older ones appear in GODEBUG tables, never newer.
    pub version: Option<String>,
    /// The sorted virtual addresses of every `go1.`, standalone or not (see `buildversion`).
    pub targets: Vec<u64>,
}

/// Searches `regions` for the module text and, when `versions` is set, every version string
/// (the highest is wanted, so all of the data is read); without `versions` the search ends at
/// the module text.
pub(crate) fn scan(src: Source<'_>, regions: &[Region], versions: bool) -> io::Result<Found> {
    let mut found = Found::default();
    let mut best: Option<(Version, String)> = None;
    let mut modinfo_at = None;
    for &region in regions {
        if modinfo_at.is_some() && !versions {
            break;
        }
        chunks(
            src,
            region,
            VERSION_OVERLAP,
            u64::MAX,
            |start, chunk, fresh| {
                // Searched in the whole chunk: a sentinel starting just before `fresh` ends past it.
                if modinfo_at.is_none() {
                    if let Some(i) = memmem::find(chunk, &INFO_START).filter(|&i| i < fresh) {
                        modinfo_at = Some(region.at(start + i as u64));
                    }
                }
                if !versions {
                    return match modinfo_at {
                        Some(_) => ControlFlow::Break(()),
                        None => ControlFlow::Continue(()),
                    };
                }
                for i in memmem::find_iter(chunk, b"go1.").filter(|&i| i < fresh) {
                    if found.targets.len() < MAX_TARGETS {
                        found
                            .targets
                            .push(region.vaddr.wrapping_add(start + i as u64));
                    }
                    let standalone = i == 0 || !is_version_byte(chunk[i - 1]);
                    if let Some((version, text)) = parse_version(&chunk[i..]).filter(|_| standalone)
                    {
                        if best.as_ref().is_none_or(|(b, _)| version > *b) {
                            best = Some((version, text));
                        }
                    }
                }
                ControlFlow::Continue(())
            },
        )?;
    }
    found.version = best.map(|(_, text)| text);
    found.targets.sort_unstable();
    found.targets.dedup();
    if let Some(at) = modinfo_at {
        found.modinfo = framed_text(src, at)?;
    }
    Ok(found)
}

/// The module text starting at its start sentinel at `at`: read in doubling windows until the
/// end sentinel shows up, since the text is usually a few hundred bytes.
fn framed_text(src: Source<'_>, at: u64) -> io::Result<Option<String>> {
    let mut len = FIRST_WINDOW;
    loop {
        let text = src.read(at, len)?;
        if let Some(end) = memmem::find(&text, &INFO_END) {
            let modinfo = unframe(&text[..end + INFO_END.len()]);
            return Ok((!modinfo.is_empty()).then_some(modinfo));
        }
        if text.len() < len || len >= MAX_MODINFO {
            return Ok(None);
        }
        len *= 2;
    }
}

fn is_version_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_'
}

/// (minor, patch, stage: beta 0 < rc 1 < release 2, pre-release number):
/// orders `go1.27beta1` < `go1.27rc2` < `go1.27` and all of them above `go1.26.8`.
pub(crate) type Version = (u32, u32, u8, u32);

/// `bytes` whole as a version: `go1.N[.M]` exactly, or followed by a space and a printable
/// suffix (`go1.20.1 X:boringcrypto`), which Go keeps as part of the version.
pub(crate) fn exact_version(bytes: &[u8]) -> Option<(Version, String)> {
    if !bytes.starts_with(b"go1.") {
        return None;
    }
    let (version, text) = parse_version(bytes)?;
    let rest = &bytes[text.len()..];
    let suffix_ok = rest.is_empty()
        || (rest[0] == b' ' && rest.iter().all(|b| b.is_ascii_graphic() || *b == b' '));
    suffix_ok.then(|| (version, String::from_utf8_lossy(bytes).into_owned()))
}

/// `go1.N[.M]` or `go1.N(rc|beta)K`, ending where the next byte cannot continue a version.
fn parse_version(bytes: &[u8]) -> Option<(Version, String)> {
    let rest = &bytes[4..];
    let (minor, mut used) = number(rest)?;
    let mut version: Version = (minor, 0, 2, 0);
    if rest.get(used) == Some(&b'.') {
        let (patch, n) = number(&rest[used + 1..])?;
        version.1 = patch;
        used += 1 + n;
    } else if let Some((stage, tag)) = [(1, &b"rc"[..]), (0, &b"beta"[..])]
        .into_iter()
        .find(|(_, t)| rest[used..].starts_with(t))
    {
        let (pre, n) = number(&rest[used + tag.len()..])?;
        version.2 = stage;
        version.3 = pre;
        used += tag.len() + n;
    }
    if rest.get(used).is_some_and(|&b| is_version_byte(b)) {
        return None;
    }
    Some((
        version,
        String::from_utf8_lossy(&bytes[..4 + used]).into_owned(),
    ))
}

fn number(bytes: &[u8]) -> Option<(u32, usize)> {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    Some((
        std::str::from_utf8(&bytes[..digits]).ok()?.parse().ok()?,
        digits,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> Option<String> {
        parse_version(bytes).map(|(_, t)| t)
    }

    #[test]
    fn parses_standalone_versions_only() {
        assert_eq!(text(b"go1.26.8\0\0").as_deref(), Some("go1.26.8"));
        assert_eq!(text(b"go1.21 ").as_deref(), Some("go1.21"));
        assert_eq!(text(b"go1.27rc2\0").as_deref(), Some("go1.27rc2"));
        assert_eq!(text(b"go1.26.8x"), None);
        assert_eq!(text(b"go1.x"), None);
        assert_eq!(text(b"go1.26."), None);
    }

    #[test]
    fn finds_module_text_whose_start_sentinel_straddles_a_chunk_edge() {
        use crate::inspect::scan::FIRST_CHUNK;
        use crate::inspect::source::tests::TempFile;
        use crate::inspect::source::{Meter, FILE_BUDGET};
        let text = "path\texample.com/app\n";
        // The first chunk is 4 KiB and the next one starts `VERSION_OVERLAP` bytes before its
        // end: put the sentinel across that point, and across the end of the first chunk.
        for at in [FIRST_CHUNK - VERSION_OVERLAP - 8, FIRST_CHUNK - 8] {
            let mut bytes = vec![0u8; at];
            bytes.extend_from_slice(&INFO_START);
            bytes.extend_from_slice(text.as_bytes());
            bytes.extend_from_slice(&INFO_END);
            bytes.resize(3 * FIRST_CHUNK, 0);
            let tmp = TempFile::new("strings-edge", &bytes);
            let file = std::fs::File::open(&tmp.0).unwrap();
            let meter = Meter::new(FILE_BUDGET);
            let src = Source::new(&file, &meter, bytes.len() as u64);
            let region = Region {
                vaddr: 0x1000,
                offset: 0,
                size: bytes.len() as u64,
            };
            let found = scan(src, &[region], true).unwrap();
            assert_eq!(found.modinfo.as_deref(), Some(text), "sentinel at {at}");
        }
    }

    #[test]
    fn orders_releases_and_prereleases() {
        let v = |b: &[u8]| parse_version(b).unwrap().0;
        assert!(v(b"go1.27rc2 ") > v(b"go1.26.8 "));
        assert!(v(b"go1.27 ") > v(b"go1.27rc2 "));
        assert!(v(b"go1.26.8 ") > v(b"go1.26 "));
        assert!(v(b"go1.27beta1 ") < v(b"go1.27rc1 "));
    }
}
