//! An async task's error type only carries napi's own statuses: tasks reject with an error
//! object that already has our stable code instead (a sync call's `napi::Error<String>` sets
//! the same `code` by itself).

use napi::bindgen_prelude::{JsObjectValue, JsValue};
use napi::Env;

pub(crate) fn coded_error(env: Env, code: String, message: String) -> napi::Error {
    match env.create_error(napi::Error::from_reason(message)) {
        Ok(mut error) => match error.set_named_property("code", code) {
            Ok(()) => napi::Error::from(error.to_unknown()),
            Err(e) => e,
        },
        Err(e) => e,
    }
}
