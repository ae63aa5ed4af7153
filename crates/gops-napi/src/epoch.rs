use std::time::{SystemTime, UNIX_EPOCH};

/// A time as JavaScript's milliseconds since the epoch (0 before it). Whole milliseconds are
/// taken first so that a start time in clock ticks comes out exact, the same in every object
/// that carries one (a scanned process, one process's details).
pub(crate) fn epoch_ms(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH).map_or(0.0, |d| {
        d.as_millis() as f64 + f64::from(d.subsec_nanos() % 1_000_000) / 1e6
    })
}
