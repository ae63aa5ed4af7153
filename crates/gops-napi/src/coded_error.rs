//! The error codes the addon sets, as string enums: `napi build` writes them to
//! `src/native-types.ts`, from which `src/errors.ts` derives its lists (a code renamed or added
//! here changes the TypeScript, and the addon exports each enum's values at run time). The core's
//! typed codes are mapped to them by exhaustive matches, so no code is spelled twice.
//!
//! An error object carries the code as `code`: `coded_error` makes it for async tasks (whose
//! own error type only carries napi's statuses) and sync calls alike.

use gops_core::cancel::Cancel;
use gops_core::inspect::ErrorCode as InspectCode;
use gops_core::process::info::ErrorCode as ProcessCode;
use napi::bindgen_prelude::{AbortSignal, AsyncTask, JsObjectValue, JsValue, ToNapiValue};
use napi::{Env, ScopedTask};
use napi_derive::napi;

/// Why a file could not be inspected (`inspect` rejects with it; `inspectMany` returns it per
/// file). `INTERNAL_ERROR`: the inspector failed on this file, a bug to report.
#[napi(string_enum = "UPPER_SNAKE")]
pub enum InspectErrorCode {
    NotFound,
    PermissionDenied,
    NotAFile,
    IoError,
    InternalError,
}

/// Why a process's details could not be read. `INTERNAL_ERROR`: a bug to report.
#[napi(string_enum = "UPPER_SNAKE")]
pub enum ProcessErrorCode {
    ProcessNotFound,
    PermissionDenied,
    ProcessUnreadable,
    InternalError,
}

/// What any call of the addon that can be aborted, or that uses something closable, rejects with.
#[napi(string_enum = "UPPER_SNAKE")]
pub enum TaskErrorCode {
    /// Its `AbortSignal` fired: the work stopped at its next check.
    Aborted,
    /// The scanner was closed (before or during the call).
    Closed,
}

impl From<InspectCode> for InspectErrorCode {
    fn from(code: InspectCode) -> Self {
        match code {
            InspectCode::NotFound => InspectErrorCode::NotFound,
            InspectCode::PermissionDenied => InspectErrorCode::PermissionDenied,
            InspectCode::NotAFile => InspectErrorCode::NotAFile,
            InspectCode::IoError => InspectErrorCode::IoError,
        }
    }
}

impl From<ProcessCode> for ProcessErrorCode {
    fn from(code: ProcessCode) -> Self {
        match code {
            ProcessCode::ProcessNotFound => ProcessErrorCode::ProcessNotFound,
            ProcessCode::PermissionDenied => ProcessErrorCode::PermissionDenied,
            ProcessCode::ProcessUnreadable => ProcessErrorCode::ProcessUnreadable,
        }
    }
}

/// An error object with `message` and `code` (a string enum above, as its string).
pub(crate) fn coded_error(env: Env, code: impl ToNapiValue, message: String) -> napi::Error {
    match env.create_error(napi::Error::from_reason(message)) {
        Ok(mut error) => match error.set_named_property("code", code) {
            Ok(()) => napi::Error::from(error.to_unknown()),
            Err(e) => e,
        },
        Err(e) => e,
    }
}

/// Runs `task` on libuv's pool; `signal`, when given, cancels it before it starts (napi rejects
/// then) and sets `cancel`, which the work checks between items, once it runs.
pub(crate) fn abortable<T: for<'t> ScopedTask<'t>>(
    task: T,
    cancel: &Cancel,
    signal: Option<AbortSignal>,
) -> AsyncTask<T> {
    if let Some(signal) = &signal {
        let cancel = cancel.clone();
        signal.on_abort(move || cancel.cancel());
    }
    AsyncTask::with_optional_signal(task, signal)
}

/// Why a call failed: a code of its own kind (`C`), or aborted or closed, or a failure without
/// a code of the addon's (a scan's or a watch's: the TypeScript sets SCAN_FAILED or WATCH_FAILED).
pub enum Failed<C> {
    Own(C, String),
    Task(TaskErrorCode, String),
    Uncoded(String),
}

impl<C: ToNapiValue> Failed<C> {
    pub(crate) fn into_error(self, env: Env) -> napi::Error {
        match self {
            Failed::Own(code, message) => coded_error(env, code, message),
            Failed::Task(code, message) => coded_error(env, code, message),
            Failed::Uncoded(message) => napi::Error::from_reason(message),
        }
    }
}
