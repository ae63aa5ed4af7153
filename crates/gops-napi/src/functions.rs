//! `functionsPresent` / `functionsPresentSync`: which of a few named Go functions an executable
//! holds (gops-core's pclntab reader). Only the names asked about cross into JavaScript.

use std::path::Path;

use gops_core::inspect as core;
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;

use crate::coded_error::{coded_error, InspectErrorCode};
use crate::inspect::InspectFailure;
use crate::panics::contained;

/// One question: is `symbol` (OSV's spelling: `Parse`, `Type.Method`) of the package at import
/// path `package` in the binary? Without `symbol`: which of the package's functions are.
#[napi(object)]
pub struct FunctionQuery {
    pub package: String,
    pub symbol: Option<String>,
}

#[napi(object)]
pub struct FunctionsPresent {
    /// Whether the binary's function names could be read (its pclntab was found). When false,
    /// `found` says nothing.
    pub names_readable: bool,
    /// Per query, in order: the symbols present (the one asked for, or up to 64 of the package's).
    pub found: Vec<Vec<String>>,
    /// How many function names the binary holds.
    pub function_count: i64,
    /// Bytes read from the file.
    pub bytes_read: i64,
}

fn present_one(
    path: &str,
    queries: &[core::FunctionQuery],
) -> Result<FunctionsPresent, InspectFailure> {
    match contained(|| core::functions_present(Path::new(path), queries)) {
        Ok(Ok(answer)) => {
            let core::FunctionsPresent {
                names_readable,
                found,
                function_count,
                bytes_read,
            } = answer;
            Ok(FunctionsPresent {
                names_readable,
                found,
                function_count: i64::try_from(function_count).unwrap_or(i64::MAX),
                bytes_read: i64::try_from(bytes_read).unwrap_or(i64::MAX),
            })
        }
        Ok(Err(e)) => Err(InspectFailure {
            code: e.code().into(),
            message: e.to_string(),
        }),
        Err(panic) => Err(InspectFailure {
            code: InspectErrorCode::InternalError,
            message: format!("cannot read the function names of {path}: internal error: {panic}"),
        }),
    }
}

fn to_core(queries: Vec<FunctionQuery>) -> Vec<core::FunctionQuery> {
    queries
        .into_iter()
        .map(|FunctionQuery { package, symbol }| core::FunctionQuery { package, symbol })
        .collect()
}

pub struct Present {
    path: String,
    queries: Vec<core::FunctionQuery>,
}

impl Task for Present {
    type Output = Result<FunctionsPresent, InspectFailure>;
    type JsValue = FunctionsPresent;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(present_one(&self.path, &self.queries))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        output.map_err(|failure| coded_error(env, failure.code, failure.message))
    }
}

/// Answers `queries` for one executable off the JS thread.
#[napi(ts_return_type = "Promise<FunctionsPresent>")]
pub fn functions_present(path: String, queries: Vec<FunctionQuery>) -> AsyncTask<Present> {
    AsyncTask::new(Present {
        path,
        queries: to_core(queries),
    })
}

/// Answers `queries` for one executable on the calling thread.
#[napi]
pub fn functions_present_sync(
    env: Env,
    path: String,
    queries: Vec<FunctionQuery>,
) -> napi::Result<FunctionsPresent> {
    present_one(&path, &to_core(queries)).map_err(|f| coded_error(env, f.code, f.message))
}
