//! `inspect`, `inspectSync` and `inspectMany`: gops-core's inspector as JS objects. Errors keep
//! the core's stable code (as the error's `code`) and its message naming the path.

use std::path::Path;

use gops_core::inspect as core;
use gops_core::pool;
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;

use crate::coded_error::coded_error;
use crate::panics::contained;

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
    NoGoEvidence,
    HeaderUnreadable,
    ModuleInfoMissing,
    ModuleInfoInvalid,
}

#[napi(object)]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
}

/// The module that replaces another (`=>` in `go version -m`).
#[napi(object)]
pub struct GoModuleReplacement {
    pub path: String,
    pub version: String,
    pub sum: String,
}

#[napi(object)]
pub struct GoModule {
    pub path: String,
    pub version: String,
    pub sum: String,
    pub replace: Option<GoModuleReplacement>,
}

#[napi(object)]
pub struct BuildSetting {
    pub key: String,
    pub value: String,
}

#[napi(object)]
pub struct BuildInfo {
    pub path: String,
    pub main: Option<GoModule>,
    pub deps: Vec<GoModule>,
    /// In the order the binary lists them.
    pub settings: Vec<BuildSetting>,
}

#[napi(object)]
pub struct SliceInfo {
    pub arch: Option<String>,
    pub is_go: bool,
    pub go_version: Option<String>,
    pub source: Option<Evidence>,
    pub build_info: Option<BuildInfo>,
    pub reason: Option<Reason>,
}

#[napi(object)]
pub struct GoBinaryInfo {
    pub path: String,
    pub is_go: bool,
    pub go_version: Option<String>,
    pub format: BinaryFormat,
    pub arch: Option<String>,
    pub source: Option<Evidence>,
    pub build_id: Option<String>,
    pub build_info: Option<BuildInfo>,
    pub reason: Option<Reason>,
    pub slices: Vec<SliceInfo>,
    pub bytes_read: i64,
}

#[napi(object)]
pub struct InspectFailure {
    pub code: String,
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

fn reason(reason: core::Reason) -> Reason {
    let code = match reason.code {
        core::ReasonCode::NoGoEvidence => ReasonCode::NoGoEvidence,
        core::ReasonCode::HeaderUnreadable => ReasonCode::HeaderUnreadable,
        core::ReasonCode::ModuleInfoMissing => ReasonCode::ModuleInfoMissing,
        core::ReasonCode::ModuleInfoInvalid => ReasonCode::ModuleInfoInvalid,
    };
    Reason {
        code,
        message: reason.message,
    }
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
    let replace = m.replace.map(|r| GoModuleReplacement {
        path: r.path,
        version: r.version,
        sum: r.sum,
    });
    GoModule {
        path: m.path,
        version: m.version,
        sum: m.sum,
        replace,
    }
}

fn build_info(b: core::BuildInfo) -> BuildInfo {
    BuildInfo {
        path: b.path,
        main: b.main.map(module),
        deps: b.deps.into_iter().map(module).collect(),
        settings: b
            .settings
            .into_iter()
            .map(|(key, value)| BuildSetting { key, value })
            .collect(),
    }
}

fn binary_info(path: String, info: core::GoBinaryInfo) -> GoBinaryInfo {
    GoBinaryInfo {
        path,
        is_go: info.is_go,
        go_version: info.go_version,
        format: format(info.format),
        arch: info.arch,
        source: info.source.map(evidence),
        build_id: info.build_id,
        build_info: info.build_info.map(build_info),
        reason: info.reason.map(reason),
        slices: info
            .slices
            .into_iter()
            .map(|s| SliceInfo {
                arch: s.arch,
                is_go: s.is_go,
                go_version: s.go_version,
                source: s.source.map(evidence),
                build_info: s.build_info.map(build_info),
                reason: s.reason.map(reason),
            })
            .collect(),
        bytes_read: i64::try_from(info.bytes_read).unwrap_or(i64::MAX),
    }
}

/// A bug in the inspector (a panic) fails this one file with `INTERNAL_ERROR`, never the process.
fn inspect_one(path: String) -> Result<GoBinaryInfo, InspectFailure> {
    match contained(|| core::inspect_path(Path::new(&path))) {
        Ok(Ok(info)) => Ok(binary_info(path, info)),
        Ok(Err(e)) => Err(InspectFailure {
            code: e.code().to_string(),
            message: e.to_string(),
        }),
        Err(panic) => Err(InspectFailure {
            code: "INTERNAL_ERROR".to_string(),
            message: format!("cannot inspect {path}: internal error: {panic}"),
        }),
    }
}

fn js_error(failure: InspectFailure) -> napi::Error<String> {
    napi::Error::new(failure.code, failure.message)
}

pub struct Inspect {
    path: String,
}

impl Task for Inspect {
    type Output = Result<GoBinaryInfo, InspectFailure>;
    type JsValue = GoBinaryInfo;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(inspect_one(std::mem::take(&mut self.path)))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        output.map_err(|failure| coded_error(env, failure.code, failure.message))
    }
}

/// Inspects one file off the JS thread.
#[napi(ts_return_type = "Promise<GoBinaryInfo>")]
pub fn inspect(path: String) -> AsyncTask<Inspect> {
    AsyncTask::new(Inspect { path })
}

/// Inspects one file on the calling thread.
#[napi]
pub fn inspect_sync(path: String) -> napi::Result<GoBinaryInfo, String> {
    inspect_one(path).map_err(js_error)
}

pub struct InspectMany {
    paths: Vec<String>,
    concurrency: usize,
}

impl Task for InspectMany {
    type Output = Vec<InspectOutcome>;
    type JsValue = Vec<InspectOutcome>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let paths = std::mem::take(&mut self.paths);
        Ok(pool::parallel_map(
            &paths,
            self.concurrency,
            |path| match inspect_one(path.clone()) {
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
            },
        ))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(output)
    }
}

/// Inspects many files on a bounded pool of its own (at most `concurrency` threads), in input
/// order; a file that cannot be read is an outcome with `error`, never a rejection.
#[napi(ts_return_type = "Promise<InspectOutcome[]>")]
pub fn inspect_many(paths: Vec<String>, concurrency: Option<u32>) -> AsyncTask<InspectMany> {
    let concurrency = concurrency.map_or_else(pool::default_parallelism, |n| n.max(1) as usize);
    AsyncTask::new(InspectMany { paths, concurrency })
}
