//! `Watcher` for JavaScript: each wait for the next batch runs on a thread of its own (it may
//! last as long as the host stays quiet, so it must not hold one of libuv's few threads) and
//! calls back once on the JS thread. `close` drops the watcher and what it holds (its events
//! socket and wake descriptor) as soon as no wait holds it.
use gops_core::watcher::{Changes, Waker, WatchOptions, Watcher};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::ThreadsafeFunctionCallMode::NonBlocking;
use napi_derive::napi;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::discover::{
    convert_process, core_options, lock, mode_name, open_failed, requested, NativeMode,
    NativeProcess, NativeRequestedMode, NativeScannerOptions, Opened,
};
use crate::panics::contained;

#[napi(object)]
pub struct NativeWatcherOptions {
    pub scanner: NativeScannerOptions,
    pub interval_ms: f64,
    pub mode: NativeRequestedMode,
}

#[napi(object)]
pub struct NativeWatchBatch {
    pub exited: Vec<NativeProcess>,
    pub started: Vec<NativeProcess>,
    pub mode: NativeMode,
    pub fallback: Option<String>,
    pub resynced: bool,
}

/// The watcher, None once closed.
struct Slot {
    watcher: Mutex<Option<Watcher>>,
    closed: AtomicBool,
}

#[napi(js_name = "Watcher")]
pub struct JsWatcher {
    slot: Arc<Slot>,
    /// None once closed: it holds the wake descriptor too.
    waker: Option<Waker>,
    /// As opened: a waiting `next` holds the watcher, so later modes come with the batches.
    opened: Opened,
}

#[napi]
impl JsWatcher {
    /// Fails only when events were required and are unavailable (or no descriptor is left).
    #[napi(constructor)]
    pub fn new(options: NativeWatcherOptions) -> Result<Self> {
        let watch = WatchOptions {
            interval: Duration::from_secs_f64(options.interval_ms.max(0.0) / 1000.0),
            mode: requested(options.mode),
        };
        let watcher = Watcher::open(core_options(options.scanner), watch).map_err(open_failed)?;
        Ok(JsWatcher {
            waker: Some(watcher.waker()),
            opened: Opened::new(watcher.mode(), watcher.fallback()),
            slot: Arc::new(Slot {
                watcher: Mutex::new(Some(watcher)),
                closed: AtomicBool::new(false),
            }),
        })
    }

    /// The mode it opened in; each batch says the current one.
    #[napi(getter)]
    pub fn mode(&self) -> NativeMode {
        self.opened.mode()
    }

    /// Why it polls though events were not refused.
    #[napi(getter)]
    pub fn fallback(&self) -> Option<String> {
        self.opened.fallback()
    }

    /// Calls `callback(error, batch)` once with the next batch, or with null once closed.
    /// `keepAlive` false lets Node exit while it waits.
    #[napi(
        ts_args_type = "keepAlive: boolean, callback: (error: Error | null, batch: NativeWatchBatch | null) => void"
    )]
    pub fn next(
        &self,
        keep_alive: bool,
        callback: Function<Option<NativeWatchBatch>, ()>,
    ) -> Result<()> {
        let builder = callback
            .build_threadsafe_function::<Option<NativeWatchBatch>>()
            .callee_handled::<true>();
        let answer: Box<dyn FnOnce(Result<Option<NativeWatchBatch>>) + Send> = if keep_alive {
            let strong = builder.build()?;
            Box::new(move |batch| {
                strong.call(batch, NonBlocking);
            })
        } else {
            let weak = builder.weak::<true>().build()?;
            Box::new(move |batch| {
                weak.call(batch, NonBlocking);
            })
        };
        if self.slot.closed.load(Ordering::SeqCst) {
            answer(Ok(None));
            return Ok(());
        }
        let slot = self.slot.clone();
        std::thread::Builder::new()
            .name("gops-watch".to_owned())
            .spawn(move || {
                // A panic during a wait leaves the watcher as it was between batches.
                let mut guard = lock(&slot.watcher);
                let Some(watcher) = guard.as_mut() else {
                    return answer(Ok(None));
                };
                let batch = match contained(|| watcher.next_changes()) {
                    Ok(Ok(changes)) => Ok(changes.map(convert)),
                    Ok(Err(error)) => Err(Error::new(Status::GenericFailure, error.to_string())),
                    Err(panic) => Err(Error::new(
                        Status::GenericFailure,
                        format!("watch failed: internal error: {panic}"),
                    )),
                };
                drop(guard);
                if slot.closed.load(Ordering::SeqCst) {
                    lock(&slot.watcher).take(); // `close` found it busy with this wait
                }
                answer(batch);
            })
            .map(drop)
            .map_err(|e| {
                Error::new(
                    Status::GenericFailure,
                    format!("cannot start a thread to watch: {e}"),
                )
            })
    }

    /// Ends a waiting `next` (it calls back with null) and every later one, and releases the
    /// watcher's descriptors. Idempotent.
    #[napi]
    pub fn close(&mut self) {
        self.slot.closed.store(true, Ordering::SeqCst);
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
        // A wait under way holds the watcher: it drops it itself when it ends.
        if let Ok(mut watcher) = self.slot.watcher.try_lock() {
            watcher.take();
        }
    }
}

fn convert(changes: Changes) -> NativeWatchBatch {
    NativeWatchBatch {
        exited: changes.exited.into_iter().map(convert_process).collect(),
        started: changes.started.into_iter().map(convert_process).collect(),
        mode: mode_name(changes.mode),
        fallback: changes.fallback,
        resynced: changes.resynced,
    }
}
