//! The Go build ID: an ELF note (`Go\0\0`, type 4), or on other formats the marker
//! `\xff Go build ID: "<id>"\n \xff` the linker writes at the very start of the text.

use std::io;

use super::image::{BuildIdSpot, Image};
use super::source::Source;

const NOTE_NAME: &[u8; 4] = b"Go\0\0";
const NOTE_TYPE: u32 = 4;
const MARKER: &[u8] = b"\xff Go build ID: \"";
/// How far into a note region, and into the text, we look.
const NOTES_LIMIT: usize = 64 << 10;
const TEXT_LIMIT: usize = 4 << 10;
const MAX_NOTE_REGIONS: usize = 16;

pub(crate) fn find(src: Source<'_>, image: &Image) -> io::Result<Option<String>> {
    match &image.build_id {
        BuildIdSpot::Notes(regions) => {
            for region in regions.iter().take(MAX_NOTE_REGIONS) {
                let notes =
                    src.read(region.offset, region.size.min(NOTES_LIMIT as u64) as usize)?;
                if let Some(id) = go_note(&notes, image) {
                    return Ok(Some(id));
                }
            }
            Ok(None)
        }
        BuildIdSpot::TextStart(region) => {
            let text = src.read(region.offset, region.size.min(TEXT_LIMIT as u64) as usize)?;
            Ok(marker(&text))
        }
        BuildIdSpot::Nowhere => Ok(None),
    }
}

/// Walks `namesz | descsz | type | name (4-aligned) | desc (4-aligned)` records.
fn go_note(notes: &[u8], image: &Image) -> Option<String> {
    let e = image.endian;
    let mut at = 0usize;
    while at + 12 <= notes.len() {
        let name_size = e.u32(notes, at)? as usize;
        let desc_size = e.u32(notes, at + 4)? as usize;
        let kind = e.u32(notes, at + 8)?;
        let name_at = at + 12;
        let desc_at = name_at.checked_add(name_size.checked_next_multiple_of(4)?)?;
        let desc_end = desc_at.checked_add(desc_size)?;
        if desc_end > notes.len() {
            return None;
        }
        if kind == NOTE_TYPE && &notes[name_at..name_at + name_size] == NOTE_NAME {
            return Some(String::from_utf8_lossy(&notes[desc_at..desc_end]).into_owned());
        }
        at = desc_at.checked_add(desc_size.checked_next_multiple_of(4)?)?;
    }
    None
}

fn marker(text: &[u8]) -> Option<String> {
    let start = memchr::memmem::find(text, MARKER)? + MARKER.len();
    let len = memchr::memchr(b'"', &text[start..])?;
    let id = &text[start..start + len];
    (!id.is_empty()).then(|| String::from_utf8_lossy(id).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::source::Endian;

    fn note(name: &[u8], kind: u32, desc: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(&(desc.len() as u32).to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(name);
        out.resize(out.len().next_multiple_of(4), 0);
        out.extend_from_slice(desc);
        out.resize(out.len().next_multiple_of(4), 0);
        out
    }

    #[test]
    fn finds_the_go_note_after_others() {
        let image = Image::new(None, Endian::Little, 8);
        let mut notes = note(b"GNU\0", 3, &[0xab; 20]);
        notes.extend(note(NOTE_NAME, 4, b"abc/def"));
        assert_eq!(go_note(&notes, &image).as_deref(), Some("abc/def"));
        assert_eq!(go_note(&notes[..notes.len() - 8], &image), None);
        let mut hostile = note(NOTE_NAME, 4, b"x");
        hostile[0..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(go_note(&hostile, &image), None);
    }

    #[test]
    fn finds_the_text_marker() {
        let text = b"\0\0\xff Go build ID: \"a/b/c/d\"\n \xff\0";
        assert_eq!(marker(text).as_deref(), Some("a/b/c/d"));
        assert_eq!(marker(b"\xff Go build ID: \"unterminated"), None);
    }
}
