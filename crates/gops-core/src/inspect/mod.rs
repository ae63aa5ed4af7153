//! Decides whether a file is a Go executable and recovers what built it: the Go version, the
//! module information `go version -m` prints, the build ID, the format and architecture.
//!
//! Reads are positioned and metered (`source`): headers and section tables first, then only the
//! few sections that can hold Go's marks. Each format parser (`elf`, `macho`, `pe`, `xcoff`)
//! describes where those marks may be as an `Image`; `evidence` weighs them, strongest first.
//! ELF, Mach-O and PE structures are goblin's types, decoded from the bytes of those reads
//! (never from a whole file or a mapping); XCOFF, which goblin does not read, is our own.

mod buildid;
mod buildinfo;
mod buildversion;
mod elf;
mod evidence;
mod funcnames;
mod image;
mod macho;
mod modinfo;
mod pclntab;
mod pe;
mod scan;
mod source;
mod strings;
mod symbols;
mod xcoff;

use std::fmt;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use evidence::Findings;
use source::{Meter, Source, FILE_BUDGET};

pub use funcnames::{functions_present, FunctionQuery, FunctionsPresent};
pub use modinfo::{parse as parse_module_info, ParseError as ModuleInfoError};

/// What kind of file this is, by its leading bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Elf,
    Macho,
    MachoFat,
    Pe,
    Xcoff,
    Wasm,
    Script,
    Archive,
    Unknown,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Elf => "elf",
            Format::Macho => "macho",
            Format::MachoFat => "macho-fat",
            Format::Pe => "pe",
            Format::Xcoff => "xcoff",
            Format::Wasm => "wasm",
            Format::Script => "script",
            Format::Archive => "archive",
            Format::Unknown => "unknown",
        }
    }
}

/// The evidence that decided a binary is Go, strongest first (the derived order is the strength).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// The `\xff Go buildinf:` blob (what `go version` reads).
    Buildinfo,
    /// The Go build ID (ELF note or the marker at the start of the text).
    Buildid,
    /// A validated pclntab header.
    Pclntab,
    /// `runtime.main`, `main.main` or `runtime.buildVersion` in the symbol table.
    Symbols,
    /// Module text or a Go version string in read-only data (only ever supporting evidence).
    Strings,
}

impl Evidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Buildinfo => "buildinfo",
            Evidence::Buildid => "buildid",
            Evidence::Pclntab => "pclntab",
            Evidence::Symbols => "symbols",
            Evidence::Strings => "strings",
        }
    }
}

/// Stable codes for why an answer is incomplete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReasonCode {
    /// An executable format was recognised, but nothing in it says Go.
    NoGoEvidence,
    /// The file starts like an executable, but its headers cannot be read (truncated, malformed).
    HeaderUnreadable,
    /// Go, but no module information is left (or the binary was built without it).
    ModuleInfoMissing,
    /// Go, with module text that Go's own parser would reject.
    ModuleInfoInvalid,
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::NoGoEvidence => "NO_GO_EVIDENCE",
            ReasonCode::HeaderUnreadable => "HEADER_UNREADABLE",
            ReasonCode::ModuleInfoMissing => "MODULE_INFO_MISSING",
            ReasonCode::ModuleInfoInvalid => "MODULE_INFO_INVALID",
        }
    }
}

/// Why a file is not Go, or is Go without module information: a stable code and plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
}

impl Reason {
    pub(crate) fn new(code: ReasonCode, message: impl Into<String>) -> Self {
        Reason {
            code,
            message: message.into(),
        }
    }
}

/// A module line of the build info (`mod`, `dep`, or the `=>` replacement).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Module {
    pub path: String,
    pub version: String,
    pub sum: String,
    pub replace: Option<Box<Module>>,
}

/// The module information, field for field as `go version -m` prints it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildInfo {
    pub path: String,
    pub main: Option<Module>,
    pub deps: Vec<Module>,
    pub settings: Vec<(String, String)>,
}

/// One architecture slice of a fat (universal) Mach-O file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SliceInfo {
    pub arch: Option<String>,
    pub is_go: bool,
    pub go_version: Option<String>,
    pub source: Option<Evidence>,
    pub build_info: Option<BuildInfo>,
    pub reason: Option<Reason>,
}

/// Everything `inspect` learned about one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoBinaryInfo {
    pub is_go: bool,
    pub go_version: Option<String>,
    pub format: Format,
    /// GOARCH name of the target (`amd64`, `arm64`, `s390x`, ...).
    pub arch: Option<String>,
    /// The strongest evidence that the file is Go.
    pub source: Option<Evidence>,
    pub build_id: Option<String>,
    pub build_info: Option<BuildInfo>,
    /// Why the file is not Go although its format is an executable one, or why a Go file has
    /// no module information; `None` when the answer is complete (or the file is no executable).
    pub reason: Option<Reason>,
    /// Every slice of a fat Mach-O file (empty for other formats).
    pub slices: Vec<SliceInfo>,
    /// Bytes read from the file to reach this answer.
    pub bytes_read: u64,
}

/// Stable error codes: the only failures are failures to open or read the file. Their spelling
/// (`NOT_FOUND`, ...) belongs to the binding, which maps each variant to its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    NotFound,
    PermissionDenied,
    NotAFile,
    IoError,
}

/// A file that could not be inspected; the message names the path.
#[derive(Debug)]
pub struct InspectError {
    code: ErrorCode,
    path: PathBuf,
    detail: String,
}

impl InspectError {
    fn io(path: &Path, error: &io::Error) -> Self {
        // Plain words for the common cases; Rust's "(os error N)" suffix helps nobody.
        let (code, detail) = match error.kind() {
            io::ErrorKind::NotFound => (ErrorCode::NotFound, "no such file".to_string()),
            io::ErrorKind::PermissionDenied => (
                ErrorCode::PermissionDenied,
                "permission denied (run as the file's owner or root)".to_string(),
            ),
            _ => (ErrorCode::IoError, error.to_string()),
        };
        InspectError {
            code,
            path: path.to_path_buf(),
            detail,
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Display for InspectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot inspect {}: {}", self.path.display(), self.detail)
    }
}

impl std::error::Error for InspectError {}

/// Inspects the file at `path`. Only files that cannot be opened or read are errors.
pub fn inspect_path(path: &Path) -> Result<GoBinaryInfo, InspectError> {
    // Check the type before opening: opening a FIFO for reading would block.
    let metadata = std::fs::metadata(path).map_err(|e| InspectError::io(path, &e))?;
    if !metadata.is_file() {
        return Err(not_a_file(path, &metadata));
    }
    let file = open_without_blocking(path).map_err(|e| InspectError::io(path, &e))?;
    inspect_file(&file, path)
}

/// The path may be swapped for a FIFO between the type check and the open: open it
/// non-blocking (harmless for regular files), and `inspect_file` checks the opened file's type.
fn open_without_blocking(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options.open(path)
}

/// Inspects an open file (e.g. `/proc/<pid>/exe`); `path` only names it in errors.
pub fn inspect_file(file: &File, path: &Path) -> Result<GoBinaryInfo, InspectError> {
    let metadata = file.metadata().map_err(|e| InspectError::io(path, &e))?;
    if !metadata.is_file() {
        return Err(not_a_file(path, &metadata));
    }
    let meter = Meter::new(FILE_BUDGET);
    let src = Source::new(file, &meter, metadata.len());
    let mut info = inspect_source(src).map_err(|e| InspectError::io(path, &e))?;
    info.bytes_read = meter.bytes_read();
    Ok(info)
}

fn not_a_file(path: &Path, metadata: &std::fs::Metadata) -> InspectError {
    let what = if metadata.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    };
    InspectError {
        code: ErrorCode::NotAFile,
        path: path.to_path_buf(),
        detail: format!("it is {what}"),
    }
}

fn inspect_source(src: Source<'_>) -> io::Result<GoBinaryInfo> {
    let head = src.read(0, 64)?;
    let format = sniff(&head);
    let mut info = GoBinaryInfo {
        is_go: false,
        go_version: None,
        format,
        arch: None,
        source: None,
        build_id: None,
        build_info: None,
        reason: None,
        slices: Vec::new(),
        bytes_read: 0,
    };
    let image = match format {
        Format::Elf => elf::parse(src, &head)?,
        Format::Macho => macho::parse(src, &head)?,
        Format::Pe => pe::parse(src, &head)?,
        Format::Xcoff => xcoff::parse(src, &head)?,
        Format::MachoFat => {
            let slices = macho::fat_slices(src, &head)?;
            let Some(slices) = slices else {
                // `cafebabe` without a valid fat header is most often a Java class file.
                info.format = Format::Unknown;
                return Ok(info);
            };
            return inspect_fat(src, info, &slices);
        }
        // Not executables Go's reader knows: no reason to give.
        Format::Wasm | Format::Script | Format::Archive | Format::Unknown => return Ok(info),
    };
    let Some(image) = image else {
        info.reason = Some(unreadable(format));
        return Ok(info);
    };
    info.arch = image.arch.map(str::to_string);
    let findings = evidence::examine(src, &image)?;
    apply(&mut info, findings);
    Ok(info)
}

/// Inspects every slice; the file-level answer is the first Go slice's (or the first slice's).
fn inspect_fat(
    src: Source<'_>,
    mut info: GoBinaryInfo,
    slices: &[(u64, u64)],
) -> io::Result<GoBinaryInfo> {
    let mut first: Option<(Option<&'static str>, Findings)> = None;
    for &(offset, size) in slices {
        let slice = src.window(offset, size);
        let head = slice.read(0, 64)?;
        let Some(image) = macho::parse(slice, &head)? else {
            info.slices.push(SliceInfo {
                arch: None,
                is_go: false,
                go_version: None,
                source: None,
                build_info: None,
                reason: Some(unreadable(Format::Macho)),
            });
            continue;
        };
        let findings = evidence::examine(slice, &image)?;
        info.slices.push(SliceInfo {
            arch: image.arch.map(str::to_string),
            is_go: findings.source.is_some(),
            go_version: findings.go_version.clone(),
            source: findings.source,
            build_info: findings.build_info.clone(),
            reason: findings.reason.clone(),
        });
        let better = match &first {
            None => true,
            Some((_, chosen)) => chosen.source.is_none() && findings.source.is_some(),
        };
        if better {
            first = Some((image.arch, findings));
        }
    }
    if let Some((arch, findings)) = first {
        info.arch = arch.map(str::to_string);
        apply(&mut info, findings);
    }
    Ok(info)
}

fn apply(info: &mut GoBinaryInfo, findings: Findings) {
    info.is_go = findings.source.is_some();
    info.source = findings.source;
    info.go_version = findings.go_version;
    info.build_id = findings.build_id;
    info.build_info = findings.build_info;
    info.reason = findings.reason;
}

/// The reason for an executable whose headers could not be read.
fn unreadable(format: Format) -> Reason {
    let name = match format {
        Format::Elf => "ELF",
        Format::Macho | Format::MachoFat => "Mach-O",
        Format::Pe => "PE",
        Format::Xcoff => "XCOFF",
        _ => "executable",
    };
    Reason::new(
        ReasonCode::HeaderUnreadable,
        format!("the {name} headers cannot be read (truncated or malformed)"),
    )
}

/// The format, from the first bytes of the file.
fn sniff(head: &[u8]) -> Format {
    let magic = head
        .get(..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    match magic {
        Some(0x7f45_4c46) => return Format::Elf,
        Some(0xfeed_face | 0xfeed_facf | 0xcefa_edfe | 0xcffa_edfe) => return Format::Macho,
        Some(0xcafe_babe | 0xcafe_babf) => return Format::MachoFat,
        Some(0x0061_736d) => return Format::Wasm,
        _ => {}
    }
    if head.starts_with(b"MZ") {
        return Format::Pe;
    }
    if head.starts_with(&[0x01, 0xdf]) || head.starts_with(&[0x01, 0xf7]) {
        return Format::Xcoff;
    }
    if head.starts_with(b"#!") {
        return Format::Script;
    }
    if head.starts_with(b"!<arch>\n") || head.starts_with(b"!<thin>\n") {
        return Format::Archive;
    }
    Format::Unknown
}

#[cfg(test)]
mod tests;
