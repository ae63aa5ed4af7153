//! The Go build ID: an ELF note (`Go\0\0`, type 4), or on other formats the marker
//! `\xff Go build ID: "<id>"\n \xff` the linker writes at the very start of the text.

use std::io;

use goblin::container::{Container, Ctx};
use goblin::elf::note::Note;
use scroll::Pread;

use super::image::{BuildIdSpot, Image};
use super::source::Source;

/// The note's name is `Go\0\0` (size 4); goblin gives it without its last NUL.
const NOTE_NAME: &str = "Go\0";
const NOTE_TYPE: u32 = 4;
/// ELF notes are 4-byte aligned (Go's as well, on 64-bit targets too).
const NOTE_ALIGN: usize = 4;
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

/// Walks the notes of one region with goblin's `Note`; a malformed note ends the walk.
fn go_note(notes: &[u8], image: &Image) -> Option<String> {
    let container = if image.ptr_size == 8 {
        Container::Big
    } else {
        Container::Little
    };
    let ctx = (NOTE_ALIGN, Ctx::new(container, image.endian));
    let mut at = 0usize;
    while at < notes.len() {
        let note = notes.gread_with::<Note>(&mut at, ctx).ok()?;
        if note.n_type == NOTE_TYPE && note.name == NOTE_NAME {
            return Some(String::from_utf8_lossy(note.desc).into_owned());
        }
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
    use scroll::Endian;

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
        notes.extend(note(b"Go\0\0", 4, b"abc/def"));
        assert_eq!(go_note(&notes, &image).as_deref(), Some("abc/def"));
        assert_eq!(go_note(&notes[..notes.len() - 8], &image), None);
        let mut hostile = note(b"Go\0\0", 4, b"x");
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
