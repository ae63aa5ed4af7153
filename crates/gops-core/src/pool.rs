//! A small bounded pool for batch work (inspecting many files, reading many processes).
//! It runs on its own scoped threads so it never occupies libuv's shared pool.

use crate::cancel::{Cancel, Cancelled};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

/// The most threads one batch ever gets, whatever the caller asks for: the limit reaches
/// JavaScript unchecked (`inspectMany`'s `concurrency`), and a thread per item of a large batch
/// would exhaust the process (a failed spawn panics).
pub const MAX_THREADS: usize = 64;

/// Threads a batch may use when the caller does not say: the cores we have, at most 8.
pub fn default_parallelism() -> usize {
    thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8)
}

/// Applies `work` to every item on at most `max_threads` threads (and never more than
/// `MAX_THREADS`); results keep the input order.
pub fn parallel_map<T, R, F>(items: &[T], max_threads: usize, work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    match parallel_map_until(items, max_threads, None, work) {
        Ok(results) => results,
        Err(Cancelled) => unreachable!("no Cancel was given"),
    }
}

/// `parallel_map` that stops taking items once `cancel` is set (items under way finish) and
/// then returns `Err(Cancelled)`, dropping the results it had.
pub fn parallel_map_until<T, R, F>(
    items: &[T],
    max_threads: usize,
    cancel: Option<&Cancel>,
    work: F,
) -> Result<Vec<R>, Cancelled>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let cancelled = || cancel.is_some_and(Cancel::is_cancelled);
    let threads = max_threads.clamp(1, MAX_THREADS).min(items.len());
    if threads <= 1 {
        let mut results = Vec::with_capacity(items.len());
        for item in items {
            if cancelled() {
                return Err(Cancelled);
            }
            results.push(work(item));
        }
        return Ok(results);
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    thread::scope(|scope| {
        let drain = || loop {
            if cancelled() {
                break;
            }
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else { break };
            let result = work(item);
            *slots[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
        };
        // The calling thread only waits (it may be one of libuv's few shared threads, and
        // measured slower at this work), unless the system refuses to start a helper (out of
        // threads): then it drains too, so that costs parallelism, not a panic.
        let started = (0..threads)
            .take_while(|_| thread::Builder::new().spawn_scoped(scope, drain).is_ok())
            .count();
        if started < threads {
            drain();
        }
    });
    let mut results = Vec::with_capacity(items.len());
    for slot in slots {
        match slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(result) => results.push(result),
            // Only a cancelled batch leaves a slot empty.
            None => return Err(Cancelled),
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_input_order_and_visits_every_item() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = parallel_map(&items, 4, |n| n * 2);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn never_runs_more_than_max_threads_at_once() {
        let (running, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let items: Vec<u32> = (0..1000).collect();
        parallel_map(&items, usize::MAX, |_| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(2));
            running.fetch_sub(1, Ordering::SeqCst);
        });
        assert!(most.load(Ordering::SeqCst) <= MAX_THREADS);
    }

    #[test]
    fn a_cancelled_batch_stops_taking_items() {
        for threads in [1, 4] {
            let cancel = Cancel::new();
            let done = AtomicUsize::new(0);
            let items: Vec<u32> = (0..10_000).collect();
            let result = parallel_map_until(&items, threads, Some(&cancel), |_| {
                if done.fetch_add(1, Ordering::SeqCst) == 10 {
                    cancel.cancel();
                }
                std::thread::sleep(std::time::Duration::from_micros(100));
            });
            assert_eq!(result, Err(Cancelled));
            // Each thread finishes the item it holds, no more.
            assert!(
                done.load(Ordering::SeqCst) <= 11 + threads,
                "{threads} threads"
            );
        }
        let cancel = Cancel::new();
        assert_eq!(
            parallel_map_until(&[1, 2], 2, Some(&cancel), |n| n * 2),
            Ok(vec![2, 4])
        );
        cancel.cancel();
        assert_eq!(
            parallel_map_until(&[1, 2], 2, Some(&cancel), |n| n * 2),
            Err(Cancelled)
        );
    }

    #[test]
    fn handles_empty_and_single_thread_batches() {
        assert!(parallel_map(&[] as &[u8], 4, |n| *n).is_empty());
        assert_eq!(parallel_map(&[1, 2, 3], 1, |n| n + 1), vec![2, 3, 4]);
    }
}
