//! `inspect`, `inspectSync` and `inspectMany`: gops-core's inspector as JS objects. Errors keep
//! the core's stable code (as the error's `code`) and its message naming the path.
//!
//! These `#[napi]` types are the one description of the shapes TypeScript sees: `napi build`
//! writes them to `src/native-types.ts` (see `lib.rs`), and `src/inspect.ts` derives its public
//! types from that file. The fields' doc comments written here are the ones users read.

use std::path::Path;

use gops_core::cancel::Cancel;
use gops_core::inspect as core;
use gops_core::pool;
use napi::bindgen_prelude::{AbortSignal, AsyncTask};
use napi::{Env, Task};
use napi_derive::napi;

use crate::coded_error::{abortable, coded_error, Failed, InspectErrorCode, TaskErrorCode};
use crate::panics::contained;

/// What kind of file this is, by its leading bytes.
#[napi(string_enum = "kebab-case")]
pub enum BinaryFormat {
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

/// The strongest evidence that decided a file is Go.
#[napi(string_enum = "lowercase")]
pub enum Evidence {
    Buildinfo,
    Buildid,
    Pclntab,
    Symbols,
    Strings,
}

/// Why an answer is incomplete: not Go although the format is an executable one, or Go
/// without module information.
#[napi(string_enum = "UPPER_SNAKE")]
pub enum ReasonCode {
    /// An executable format (ELF, Mach-O, PE, XCOFF) with nothing in it that says Go.
    NoGoEvidence,
    /// The file starts like an executable but its headers cannot be read.
    HeaderUnreadable,
    /// Go, but no module information is left (or it was built without).
    ModuleInfoMissing,
    /// Go, with module text Go's own parser would reject.
    ModuleInfoInvalid,
}

#[napi(object)]
pub struct Reason {
    /// What is missing.
    pub code: ReasonCode,
    /// One plain sentence.
    pub message: String,
}

/// The module that replaces another (`=>` in `go version -m`).
#[napi(object)]
pub struct GoModuleReplacement {
    /// Module path, or a local directory.
    pub path: String,
    /// Module version (empty for a directory).
    pub version: String,
    /// Checksum (`h1:...`), empty when there is none.
    pub sum: String,
}

/// A module line of the build info, as `go version -m` prints it.
#[napi(object)]
pub struct GoModule {
    /// Module path.
    pub path: String,
    /// Module version (`(devel)` for the main module of a local build).
    pub version: String,
    /// Checksum (`h1:...`), empty when there is none.
    pub sum: String,
    /// The module that replaces this one (`=>` line).
    pub replace: Option<GoModuleReplacement>,
}

#[napi(object)]
pub struct BuildSetting {
    /// Setting name (`-ldflags`, `CGO_ENABLED`, `GOARCH`, `vcs.revision`, ...).
    pub key: String,
    /// Its value.
    pub value: String,
}

#[napi(object)]
pub struct BuildInfo {
    /// The main package's import path.
    pub path: String,
    /// The main module; absent when built outside module mode.
    pub main: Option<GoModule>,
    /// The dependencies, in the binary's order.
    pub deps: Vec<GoModule>,
    /// In the order the binary lists them.
    pub settings: Vec<BuildSetting>,
}

#[napi(object)]
pub struct SliceInfo {
    /// GOARCH name of this slice: amd64, arm64, ...
    pub arch: Option<String>,
    /// This slice was built by Go.
    pub is_go: bool,
    /// The Go version (`go1.26.0`); absent when it cannot be told.
    pub go_version: Option<String>,
    /// The strongest evidence that this slice is Go.
    pub source: Option<Evidence>,
    pub build_info: Option<BuildInfo>,
    pub reason: Option<Reason>,
}

#[napi(object)]
pub struct GoBinaryInfo {
    /// The path as given.
    pub path: String,
    /// The file was built by Go (any slice, for a fat Mach-O file).
    pub is_go: bool,
    /// The Go version (`go1.26.0`); absent when it is not Go or the version cannot be told.
    pub go_version: Option<String>,
    /// The file's format: an executable format, or `wasm`, `script`, `archive`, `unknown`.
    pub format: BinaryFormat,
    /// GOARCH name of the target: amd64, arm64, s390x, ...
    pub arch: Option<String>,
    /// The strongest evidence that the file is Go: `buildinfo`, `buildid`, `pclntab`, `symbols` or `strings`.
    pub source: Option<Evidence>,
    /// The Go build ID, as `go tool buildid` prints it.
    pub build_id: Option<String>,
    pub build_info: Option<BuildInfo>,
    /// Set when the file is not Go although its format is an executable one, or is Go without
    /// module info.
    pub reason: Option<Reason>,
    /// Every slice of a fat Mach-O file.
    pub slices: Vec<SliceInfo>,
    /// Bytes read from the file to reach the answer.
    pub bytes_read: i64,
}

#[napi(object)]
pub struct InspectFailure {
    pub code: InspectErrorCode,
    pub message: String,
}

/// One file of `inspectMany`: its info, or why it could not be read.
#[napi(object)]
pub struct InspectOutcome {
    pub path: String,
    pub info: Option<GoBinaryInfo>,
    pub error: Option<InspectFailure>,
}

fn format(format: core::Format) -> BinaryFormat {
    match format {
        core::Format::Elf => BinaryFormat::Elf,
        core::Format::Macho => BinaryFormat::Macho,
        core::Format::MachoFat => BinaryFormat::MachoFat,
        core::Format::Pe => BinaryFormat::Pe,
        core::Format::Xcoff => BinaryFormat::Xcoff,
        core::Format::Wasm => BinaryFormat::Wasm,
        core::Format::Script => BinaryFormat::Script,
        core::Format::Archive => BinaryFormat::Archive,
        core::Format::Unknown => BinaryFormat::Unknown,
    }
}

// The conversions below take the core's structs apart field by field: a field added to the core
// fails to compile here until the binding passes it on (or says why not).

fn reason(reason: core::Reason) -> Reason {
    let core::Reason { code, message } = reason;
    let code = match code {
        core::ReasonCode::NoGoEvidence => ReasonCode::NoGoEvidence,
        core::ReasonCode::HeaderUnreadable => ReasonCode::HeaderUnreadable,
        core::ReasonCode::ModuleInfoMissing => ReasonCode::ModuleInfoMissing,
        core::ReasonCode::ModuleInfoInvalid => ReasonCode::ModuleInfoInvalid,
    };
    Reason { code, message }
}

fn evidence(evidence: core::Evidence) -> Evidence {
    match evidence {
        core::Evidence::Buildinfo => Evidence::Buildinfo,
        core::Evidence::Buildid => Evidence::Buildid,
        core::Evidence::Pclntab => Evidence::Pclntab,
        core::Evidence::Symbols => Evidence::Symbols,
        core::Evidence::Strings => Evidence::Strings,
    }
}

fn module(m: core::Module) -> GoModule {
    let core::Module {
        path,
        version,
        sum,
        replace,
    } = m;
    let replace = replace.map(|r| {
        // A replacement's own `replace` is always empty: `=>` lines do not nest.
        let core::Module {
            path,
            version,
            sum,
            replace: _,
        } = *r;
        GoModuleReplacement { path, version, sum }
    });
    GoModule {
        path,
        version,
        sum,
        replace,
    }
}

fn build_info(b: core::BuildInfo) -> BuildInfo {
    let core::BuildInfo {
        path,
        main,
        deps,
        settings,
    } = b;
    BuildInfo {
        path,
        main: main.map(module),
        deps: deps.into_iter().map(module).collect(),
        settings: settings
            .into_iter()
            .map(|(key, value)| BuildSetting { key, value })
            .collect(),
    }
}

fn slice(s: core::SliceInfo) -> SliceInfo {
    let core::SliceInfo {
        arch,
        is_go,
        go_version,
        source,
        build_info: build,
        reason: why,
    } = s;
    SliceInfo {
        arch,
        is_go,
        go_version,
        source: source.map(evidence),
        build_info: build.map(build_info),
        reason: why.map(reason),
    }
}

fn binary_info(path: String, info: core::GoBinaryInfo) -> GoBinaryInfo {
    let core::GoBinaryInfo {
        is_go,
        go_version,
        format: kind,
        arch,
        source,
        build_id,
        build_info: build,
        reason: why,
        slices,
        bytes_read,
    } = info;
    GoBinaryInfo {
        path,
        is_go,
        go_version,
        format: format(kind),
        arch,
        source: source.map(evidence),
        build_id,
        build_info: build.map(build_info),
        reason: why.map(reason),
        slices: slices.into_iter().map(slice).collect(),
        bytes_read: i64::try_from(bytes_read).unwrap_or(i64::MAX),
    }
}

/// A bug in the inspector (a panic) fails this one file with `INTERNAL_ERROR`, never the process.
fn inspect_one(path: String) -> Result<GoBinaryInfo, InspectFailure> {
    match contained(|| core::inspect_path(Path::new(&path))) {
        Ok(Ok(info)) => Ok(binary_info(path, info)),
        Ok(Err(e)) => Err(InspectFailure {
            code: e.code().into(),
            message: e.to_string(),
        }),
        Err(panic) => Err(InspectFailure {
            code: InspectErrorCode::InternalError,
            message: format!("cannot inspect {path}: internal error: {panic}"),
        }),
    }
}

fn failed(failure: InspectFailure) -> Failed<InspectErrorCode> {
    Failed::Own(failure.code, failure.message)
}

pub struct Inspect {
    path: String,
    cancel: Cancel,
}

impl Task for Inspect {
    type Output = Result<GoBinaryInfo, Failed<InspectErrorCode>>;
    type JsValue = GoBinaryInfo;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let path = std::mem::take(&mut self.path);
        // One file's reads are few and bounded: only a start after the abort is refused.
        if self.cancel.is_cancelled() {
            return Ok(Err(Failed::Task(
                TaskErrorCode::Aborted,
                format!("inspection of {path} aborted"),
            )));
        }
        Ok(inspect_one(path).map_err(failed))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        output.map_err(|failed| failed.into_error(env))
    }
}

/// Inspects one file off the JS thread.
#[napi(ts_return_type = "Promise<GoBinaryInfo>")]
pub fn inspect(path: String, signal: Option<AbortSignal>) -> AsyncTask<Inspect> {
    let cancel = Cancel::new();
    abortable(
        Inspect {
            path,
            cancel: cancel.clone(),
        },
        &cancel,
        signal,
    )
}

/// Inspects one file on the calling thread.
#[napi]
pub fn inspect_sync(env: Env, path: String) -> napi::Result<GoBinaryInfo> {
    inspect_one(path).map_err(|failure| coded_error(env, failure.code, failure.message))
}

pub struct InspectMany {
    paths: Vec<String>,
    concurrency: usize,
    cancel: Cancel,
}

impl Task for InspectMany {
    type Output = Option<Vec<InspectOutcome>>;
    type JsValue = Vec<InspectOutcome>;

    /// None: aborted (no new file is started once the signal fires).
    fn compute(&mut self) -> napi::Result<Self::Output> {
        let paths = std::mem::take(&mut self.paths);
        let done = pool::parallel_map_until(&paths, self.concurrency, Some(&self.cancel), |path| {
            match inspect_one(path.clone()) {
                Ok(info) => InspectOutcome {
                    path: path.clone(),
                    info: Some(info),
                    error: None,
                },
                Err(failure) => InspectOutcome {
                    path: path.clone(),
                    info: None,
                    error: Some(failure),
                },
            }
        });
        self.paths = paths; // for the message of `resolve`
        Ok(done.ok())
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        output.ok_or_else(|| {
            let message = format!("inspection of {} files aborted", self.paths.len());
            coded_error(env, TaskErrorCode::Aborted, message)
        })
    }
}

/// Inspects many files on a bounded pool of its own (at most `concurrency` threads), in input
/// order; a file that cannot be read is an outcome with `error`, never a rejection.
#[napi(ts_return_type = "Promise<InspectOutcome[]>")]
pub fn inspect_many(
    paths: Vec<String>,
    concurrency: Option<u32>,
    signal: Option<AbortSignal>,
) -> AsyncTask<InspectMany> {
    let concurrency = concurrency.map_or_else(pool::default_parallelism, |n| n.max(1) as usize);
    let cancel = Cancel::new();
    let task = InspectMany {
        paths,
        concurrency,
        cancel: cancel.clone(),
    };
    abortable(task, &cancel, signal)
}
