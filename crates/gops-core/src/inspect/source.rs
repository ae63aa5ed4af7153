//! Positioned, metered reads: every byte the inspector reads goes through here, so the
//! byte counter is exact and a hostile header cannot make us read (or allocate) without bound.

use std::cell::Cell;
use std::fs::File;
use std::io;

/// The most one read may return; larger wants are read in pieces by their callers.
pub(crate) const MAX_READ: usize = 1 << 20;
/// The most one inspection may read in total, whatever the file claims.
pub(crate) const FILE_BUDGET: u64 = 48 << 20;

/// Counts the bytes read for one file and stops reading once the budget is spent.
pub(crate) struct Meter {
    read: Cell<u64>,
    budget: u64,
}

impl Meter {
    pub(crate) fn new(budget: u64) -> Self {
        Meter {
            read: Cell::new(0),
            budget,
        }
    }

    pub(crate) fn bytes_read(&self) -> u64 {
        self.read.get()
    }

    fn grant(&self, wanted: usize) -> usize {
        let left = self.budget.saturating_sub(self.read.get());
        wanted.min(usize::try_from(left).unwrap_or(usize::MAX))
    }

    fn charge(&self, n: usize) {
        self.read.set(self.read.get() + n as u64);
    }
}

/// A window `[base, base + len)` of a file (the whole file, or one slice of a fat Mach-O).
#[derive(Clone, Copy)]
pub(crate) struct Source<'a> {
    file: &'a File,
    meter: &'a Meter,
    base: u64,
    len: u64,
}

impl<'a> Source<'a> {
    pub(crate) fn new(file: &'a File, meter: &'a Meter, len: u64) -> Self {
        Source {
            file,
            meter,
            base: 0,
            len,
        }
    }

    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The sub-window `[offset, offset + len)`, clipped to this window.
    pub(crate) fn window(&self, offset: u64, len: u64) -> Source<'a> {
        let offset = offset.min(self.len);
        Source {
            base: self.base + offset,
            len: len.min(self.len - offset),
            ..*self
        }
    }

    /// Up to `len` bytes at `offset` (at most `MAX_READ`): fewer at the end of the window or once
    /// the budget is spent, none past the end. Only a failing read is an error.
    pub(crate) fn read(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let available = self.len.saturating_sub(offset);
        let wanted = len
            .min(MAX_READ)
            .min(usize::try_from(available).unwrap_or(usize::MAX));
        let wanted = self.meter.grant(wanted);
        let mut buf = vec![0u8; wanted];
        let mut filled = 0;
        while filled < wanted {
            match read_at(
                self.file,
                &mut buf[filled..],
                self.base + offset + filled as u64,
            ) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        buf.truncate(filled);
        self.meter.charge(filled);
        Ok(buf)
    }

    /// Exactly `len` bytes at `offset` (read in `MAX_READ` pieces; callers bound `len`), or `None`
    /// when the window or the budget holds fewer.
    pub(crate) fn read_exact(&self, offset: u64, len: usize) -> io::Result<Option<Vec<u8>>> {
        if offset.saturating_add(len as u64) > self.len {
            return Ok(None);
        }
        let mut buf = Vec::with_capacity(len.min(MAX_READ));
        while buf.len() < len {
            let piece = self.read(offset + buf.len() as u64, len - buf.len())?;
            if piece.is_empty() {
                return Ok(None);
            }
            buf.extend_from_slice(&piece);
        }
        Ok(Some(buf))
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(not(any(unix, windows)))]
fn read_at(mut file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::io::{Read, Seek, SeekFrom};
    file.seek(SeekFrom::Start(offset))?;
    file.read(buf)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A temporary file holding `bytes`, removed when dropped.
    pub(crate) struct TempFile(pub std::path::PathBuf);

    impl TempFile {
        /// A file named after `name`, the process and a counter, so parallel tests never share one.
        pub(crate) fn new(name: &str, bytes: &[u8]) -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let file_name = format!("gops-core-{}-{n}-{name}", std::process::id());
            let path = std::env::temp_dir().join(file_name);
            File::create(&path)
                .and_then(|mut f| f.write_all(bytes))
                .expect("temp file is writable");
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn reads_are_clipped_to_the_window_and_counted() {
        let tmp = TempFile::new("source-window", b"0123456789");
        let file = File::open(&tmp.0).unwrap();
        let meter = Meter::new(FILE_BUDGET);
        let src = Source::new(&file, &meter, 10).window(2, 5);
        assert_eq!(src.read(0, 100).unwrap(), b"23456");
        assert_eq!(src.read(3, 100).unwrap(), b"56");
        assert!(src.read(9, 4).unwrap().is_empty());
        assert_eq!(src.read_exact(4, 2).unwrap(), None);
        assert_eq!(meter.bytes_read(), 7);
    }

    #[test]
    fn the_budget_stops_reading() {
        let tmp = TempFile::new("source-budget", &[7u8; 64]);
        let file = File::open(&tmp.0).unwrap();
        let meter = Meter::new(10);
        let src = Source::new(&file, &meter, 64);
        assert_eq!(src.read(0, 8).unwrap().len(), 8);
        assert_eq!(src.read(8, 8).unwrap().len(), 2);
        assert!(src.read(16, 8).unwrap().is_empty());
        assert_eq!(meter.bytes_read(), 10);
    }
}
