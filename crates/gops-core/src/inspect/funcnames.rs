//! Which of a few named Go functions a binary holds, from the function names in its pclntab.
//! The pclntab is what the Go runtime itself needs for stack traces, so it survives `-s -w` and
//! `strip`: a stripped binary's answer is as exact as an unstripped one's.
//!
//! Names are read from the `funcnametab` (Go 1.16 and later), which holds the name of every
//! function the linker kept and of every function inlined into one: the same set govulncheck
//! builds from the function table and the inline trees. For Go 1.2 to 1.15 the names are reached
//! through the function table (inlined functions are not listed there).
//!
//! A name is split into package and symbol with govulncheck's rule (golang.org/x/vuln's
//! `parseName` over `debug/gosym`'s `PackageName`, `ReceiverName` and `BaseName`):
//! `pkg.(*T).M` and `pkg.T.M` are `(pkg, "T.M")`, the package path is unescaped (`%2e`). One
//! deliberate difference: the instantiation of a generic function (`pkg.F[...]`,
//! `pkg.(*T[...]).M`) is dropped from the symbol, so it matches OSV's `F` and `T.M`;
//! govulncheck v1.9.0 keeps `F[...]` and so never matches a vulnerable generic function.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::Path;

use scroll::Pread;

use super::image::{uptr, Image, Region};
use super::scan::find_aligned;
use super::source::{Meter, Source};
use super::{elf, macho, open_without_blocking, pclntab, pe, sniff, xcoff, Format, InspectError};

/// The most read for one answer: the funcnametab of the largest Go programs seen is ~10 MiB.
const NAMES_BUDGET: u64 = 128 << 20;
/// At most this many symbols are listed for one whole-package query.
const MAX_LISTED: usize = 64;

/// One question: is `symbol` (OSV's spelling: `Parse`, `Type.Method`) of the package at import
/// path `package` in the binary? Without `symbol`: which functions of that package are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionQuery {
    pub package: String,
    pub symbol: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionsPresent {
    /// Whether function names could be read (a pclntab was found and understood). When false,
    /// `found` is all empty and says nothing.
    pub names_readable: bool,
    /// Per query, in order: the symbols present (the one asked for, or, for a whole-package
    /// query, up to 64 of the package's functions, sorted).
    pub found: Vec<Vec<String>>,
    /// How many function names the binary holds.
    pub function_count: u64,
    pub bytes_read: u64,
}

/// Answers `queries` for the executable at `path` (for a fat Mach-O file: its first slice with
/// a pclntab). Only a file that cannot be opened or read is an error.
pub fn functions_present(
    path: &Path,
    queries: &[FunctionQuery],
) -> Result<FunctionsPresent, InspectError> {
    let metadata = std::fs::metadata(path).map_err(|e| InspectError::io(path, &e))?;
    if !metadata.is_file() {
        return Err(super::not_a_file(path, &metadata));
    }
    let file: File = open_without_blocking(path).map_err(|e| InspectError::io(path, &e))?;
    let meter = Meter::new(NAMES_BUDGET);
    let src = Source::new(&file, &meter, metadata.len());
    let mut matcher = Matcher::new(queries);
    let names_readable =
        read_names(src, &mut |name| matcher.visit(name)).map_err(|e| InspectError::io(path, &e))?;
    Ok(FunctionsPresent {
        names_readable,
        function_count: matcher.count,
        found: if names_readable {
            matcher.finish()
        } else {
            vec![Vec::new(); queries.len()]
        },
        bytes_read: meter.bytes_read(),
    })
}

/// Calls `visit` with every function name; false when no pclntab could be read.
fn read_names(src: Source<'_>, visit: &mut dyn FnMut(&[u8])) -> io::Result<bool> {
    let head = src.read(0, 64)?;
    match sniff(&head) {
        Format::MachoFat => {
            let Some(slices) = macho::fat_slices(src, &head)? else {
                return Ok(false);
            };
            for (offset, size) in slices {
                let slice = src.window(offset, size);
                let head = slice.read(0, 64)?;
                if let Some(image) = macho::parse(slice, &head)? {
                    if names_of_image(slice, &image, visit)? {
                        return Ok(true);
                    }
                }
            }
            Ok(false)
        }
        format => {
            let image = match format {
                Format::Elf => elf::parse(src, &head)?,
                Format::Macho => macho::parse(src, &head)?,
                Format::Pe => pe::parse(src, &head)?,
                Format::Xcoff => xcoff::parse(src, &head)?,
                _ => None,
            };
            match image {
                Some(image) => names_of_image(src, &image, visit),
                None => Ok(false),
            }
        }
    }
}

/// The pclntab's file region: a section that starts with it, else a search of the regions that
/// may embed it (PIE and externally linked ELF, PE, zeroed section headers).
fn locate(src: Source<'_>, image: &Image) -> io::Result<Option<Region>> {
    for region in &image.pclntab {
        if let Some(head) = src.read_exact(region.offset, 8)? {
            if pclntab::is_header(&head, image.endian) {
                return Ok(Some(*region));
            }
        }
    }
    for &region in &image.pclntab_inside {
        if let Some(at) = find_aligned(src, region, 4, 8, u64::MAX, |b| {
            pclntab::is_header(b, image.endian)
        })? {
            return Ok(Some(Region {
                vaddr: region.vaddr.wrapping_add(at),
                offset: region.offset.saturating_add(at),
                size: region.size - at,
            }));
        }
    }
    Ok(None)
}

fn names_of_image(
    src: Source<'_>,
    image: &Image,
    visit: &mut dyn FnMut(&[u8]),
) -> io::Result<bool> {
    let Some(table) = locate(src, image)? else {
        return Ok(false);
    };
    let endian = image.endian;
    let Some(head) = src.read_exact(table.offset, 8)? else {
        return Ok(false);
    };
    let magic: u32 = head.pread_with(0, endian).unwrap_or(0);
    let ptr = head[7];
    let p = u64::from(ptr);
    let word = |bytes: &[u8], i: u64| uptr(bytes, (8 + i * p) as usize, ptr, endian);
    match magic {
        // 1.16-1.17: nfunc, nfiles, funcnameOffset, cuOffset, ...
        // 1.18 and later: nfunc, nfiles, textStart, funcnameOffset, cuOffset, ...
        0xffff_fffa | 0xffff_fff0 | 0xffff_fff1 => {
            let first = if magic == 0xffff_fffa { 2 } else { 3 };
            let Some(header) = src.read_exact(table.offset, (8 + (first + 2) * p) as usize)? else {
                return Ok(false);
            };
            let (Some(start), Some(end)) = (word(&header, first), word(&header, first + 1)) else {
                return Ok(false);
            };
            if start > end || end > table.size || end - start > NAMES_BUDGET {
                return Ok(false);
            }
            let Some(names) = src.read_exact(table.at(start), (end - start) as usize)? else {
                return Ok(false);
            };
            for name in names.split(|&b| b == 0).filter(|n| !n.is_empty()) {
                visit(name);
            }
            Ok(true)
        }
        // 1.2-1.15: nfunc, then nfunc (pc, funcoff) pairs; each _func is entry, nameoff (i32).
        0xffff_fffb => {
            let size = table.size.min(NAMES_BUDGET);
            let Some(bytes) = src.read_exact(table.offset, size as usize)? else {
                return Ok(false);
            };
            let Some(nfunc) = word(&bytes, 0) else {
                return Ok(false);
            };
            if nfunc > size / (2 * p) {
                return Ok(false);
            }
            for i in 0..nfunc {
                let Some(funcoff) = word(&bytes, 1 + 2 * i + 1) else {
                    return Ok(false);
                };
                let Some(nameoff) = funcoff
                    .checked_add(p)
                    .and_then(|at| bytes.pread_with::<i32>(at as usize, endian).ok())
                else {
                    continue;
                };
                let Some(name) = usize::try_from(nameoff).ok().and_then(|at| bytes.get(at..))
                else {
                    continue;
                };
                let end = memchr::memchr(0, name).unwrap_or(name.len());
                visit(&name[..end]);
            }
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// A package's queries: symbol -> query indexes, and the whole-package query indexes.
type PackageQueries = (HashMap<String, Vec<usize>>, Vec<usize>);

/// The queries, grouped by package, and what was found for them.
struct Matcher {
    packages: HashMap<String, PackageQueries>,
    found: Vec<Vec<String>>,
    count: u64,
}

impl Matcher {
    fn new(queries: &[FunctionQuery]) -> Self {
        let mut packages: HashMap<String, PackageQueries> = HashMap::new();
        for (i, q) in queries.iter().enumerate() {
            let entry = packages.entry(q.package.clone()).or_default();
            match &q.symbol {
                Some(symbol) => entry.0.entry(symbol.clone()).or_default().push(i),
                None => entry.1.push(i),
            }
        }
        Matcher {
            packages,
            found: vec![Vec::new(); queries.len()],
            count: 0,
        }
    }

    fn visit(&mut self, raw: &[u8]) {
        self.count += 1;
        let Ok(name) = std::str::from_utf8(raw) else {
            return;
        };
        // Cheap rejection, without allocating, of the many names of packages nobody asked
        // about (names with instantiations or escapes take the full path below).
        if !name.contains(['[', '%']) {
            let pathend = name.rfind('/').unwrap_or(0);
            match name[pathend..].find('.') {
                Some(dot) if self.packages.contains_key(&name[..pathend + dot]) => {}
                _ => return,
            }
        }
        let Some((package, symbol)) = parse_name(name) else {
            return;
        };
        let Some((symbols, whole)) = self.packages.get(&package) else {
            return;
        };
        if let Some(indexes) = symbols.get(&symbol) {
            for &i in indexes {
                if self.found[i].is_empty() {
                    self.found[i].push(symbol.clone());
                }
            }
        }
        for &i in whole {
            let list = &mut self.found[i];
            if list.len() < MAX_LISTED && !list.contains(&symbol) {
                list.push(symbol.clone());
            }
        }
    }

    fn finish(mut self) -> Vec<Vec<String>> {
        for list in &mut self.found {
            list.sort();
        }
        self.found
    }
}

/// `name` without its instantiation brackets (gosym's `nameWithoutInst`).
fn without_inst(name: &str) -> std::borrow::Cow<'_, str> {
    match (name.find('['), name.rfind(']')) {
        (Some(start), Some(end)) if start < end => {
            std::borrow::Cow::Owned(format!("{}{}", &name[..start], &name[end + 1..]))
        }
        _ => std::borrow::Cow::Borrowed(name),
    }
}

/// (package, symbol) of a function name, by govulncheck's rule (see the module comment); `None`
/// for names of no package (`go:`, `type:`, and the pre-1.20 `go.`/`type.` spellings).
pub(crate) fn parse_name(name: &str) -> Option<(String, String)> {
    let plain = without_inst(name);
    if ["go:", "type:", "go.", "type."]
        .iter()
        .any(|p| plain.starts_with(p))
    {
        return None;
    }
    let pathend = plain.rfind('/').unwrap_or(0);
    let tail = &plain[pathend..];
    let first_dot = tail.find('.')?;
    let package = percent_decode(&plain[..pathend + first_dot])?;
    let last_dot = tail.rfind('.')?;
    // The symbol is read from the name without its instantiation, so `F[...]` is `F` and
    // `(*T[...]).M` is `T.M`.
    let base = &plain[pathend + last_dot + 1..];
    let symbol = if last_dot > first_dot {
        let receiver = &tail[first_dot + 1..last_dot];
        let receiver = if receiver.starts_with("(*") {
            receiver.trim_matches(|c| c == '(' || c == '*' || c == ')')
        } else {
            receiver
        };
        format!("{receiver}.{base}")
    } else {
        base.to_string()
    };
    Some((package, symbol))
}

/// Go's `url.PathUnescape`: `%XX` escapes; a malformed one makes the name unusable.
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(name: &str) -> Option<(String, String)> {
        parse_name(name)
    }

    fn pair(p: &str, s: &str) -> Option<(String, String)> {
        Some((p.to_string(), s.to_string()))
    }

    #[test]
    fn names_split_as_govulncheck_splits_them() {
        assert_eq!(
            parsed("golang.org/x/text/language.ParseAcceptLanguage"),
            pair("golang.org/x/text/language", "ParseAcceptLanguage")
        );
        assert_eq!(
            parsed("html/template.(*Template).Execute"),
            pair("html/template", "Template.Execute")
        );
        assert_eq!(
            parsed("html/template.(*escaper).escapeText"),
            pair("html/template", "escaper.escapeText")
        );
        assert_eq!(
            parsed("golang.org/x/text/language.Tag.String"),
            pair("golang.org/x/text/language", "Tag.String")
        );
        assert_eq!(parsed("main.main"), pair("main", "main"));
        assert_eq!(parsed("net/http.init.0"), pair("net/http", "init.0"));
        assert_eq!(
            parsed("gopkg.in/yaml%2ev3.Unmarshal"),
            pair("gopkg.in/yaml.v3", "Unmarshal")
        );
        assert_eq!(parsed("go:buildid"), None);
        assert_eq!(parsed("type:.eq.[2]interface {}"), None);
        assert_eq!(parsed("runtime"), None);
    }

    #[test]
    fn generic_instantiations_are_dropped() {
        assert_eq!(parsed("slices.Sort[...]"), pair("slices", "Sort"));
        assert_eq!(
            parsed("example.com/m/p.(*List[...]).Push"),
            pair("example.com/m/p", "List.Push")
        );
        assert_eq!(
            parsed("example.com/m/p.Map[go.shape.string,go.shape.int]"),
            pair("example.com/m/p", "Map")
        );
    }

    /// A Go 1.2-1.15 pclntab (no Go that can still be downloaded writes one): header, nfunc,
    /// the (pc, funcoff) table, each `_func` as entry then nameoff, and the names.
    #[test]
    fn names_of_the_go_1_2_layout_are_read_through_the_function_table() {
        use super::super::source::tests::TempFile;
        let names = ["main.main", "html/template.(*Template).Execute"];
        let mut t = vec![0xfb, 0xff, 0xff, 0xff, 0, 0, 1, 8];
        t.extend_from_slice(&2u64.to_le_bytes());
        let funcs_at = 8 + 8 + 2 * 16 + 8; // after nfunc, two pairs and the end pc
        let names_at = funcs_at + 2 * 16;
        let mut name_offsets = Vec::new();
        let mut at = names_at;
        for n in names {
            name_offsets.push(at);
            at += n.len() + 1;
        }
        for i in 0..2 {
            t.extend_from_slice(&(0x1000u64 + i as u64 * 0x10).to_le_bytes());
            t.extend_from_slice(&((funcs_at + i * 16) as u64).to_le_bytes());
        }
        t.extend_from_slice(&0x2000u64.to_le_bytes());
        for off in &name_offsets {
            t.extend_from_slice(&0x1000u64.to_le_bytes());
            t.extend_from_slice(&(*off as i32).to_le_bytes());
            t.extend_from_slice(&[0; 4]);
        }
        for n in names {
            t.extend_from_slice(n.as_bytes());
            t.push(0);
        }
        let tmp = TempFile::new("pclntab-go12", &t);
        let file = File::open(&tmp.0).unwrap();
        let meter = Meter::new(NAMES_BUDGET);
        let src = Source::new(&file, &meter, t.len() as u64);
        let mut image = Image::new(Some("amd64"), scroll::Endian::Little, 8);
        image.pclntab.push(Region {
            vaddr: 0,
            offset: 0,
            size: t.len() as u64,
        });
        let mut seen = Vec::new();
        assert!(names_of_image(src, &image, &mut |n| seen
            .push(String::from_utf8(n.to_vec()).unwrap()))
        .unwrap());
        assert_eq!(seen, names);
    }

    #[test]
    fn matcher_answers_symbol_and_whole_package_queries() {
        let queries = vec![
            FunctionQuery {
                package: "html/template".into(),
                symbol: Some("Template.Execute".into()),
            },
            FunctionQuery {
                package: "html/template".into(),
                symbol: Some("isComment".into()),
            },
            FunctionQuery {
                package: "crypto/x509".into(),
                symbol: None,
            },
        ];
        let mut m = Matcher::new(&queries);
        for name in [
            "html/template.(*Template).Execute",
            "html/template.(*Template).Execute",
            "crypto/x509.(*Certificate).Verify",
            "crypto/x509.ParseCertificate",
            "fmt.Println",
        ] {
            m.visit(name.as_bytes());
        }
        assert_eq!(m.count, 5);
        assert_eq!(
            m.finish(),
            vec![
                vec!["Template.Execute".to_string()],
                vec![],
                vec![
                    "Certificate.Verify".to_string(),
                    "ParseCertificate".to_string()
                ],
            ]
        );
    }
}
