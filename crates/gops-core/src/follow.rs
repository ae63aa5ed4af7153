//! Following the kernel's process events instead of walking `/proc`, where they are available:
//! the subscription, the rules for falling back to full scans, and what to do when events were
//! lost. Shared by the `Watcher` and by a `Scanner` that follows events, so both decide alike.
//!
//! Events are unavailable on systems other than Linux, without the privilege the kernel asks
//! for, or in another PID, user or network namespace than the host's: then `Auto` polls (full
//! scans) and says why. Lost events (the socket overran) or a socket that fails later are
//! followed by one full rescan; a failed socket also turns the follower into a poller for good.

use std::io;

#[cfg(target_os = "linux")]
pub use crate::process::events::SOCKET_BUFFER;
#[cfg(target_os = "linux")]
use crate::process::events::{ProcessEvent, ProcessEvents, Waited};
#[cfg(not(target_os = "linux"))]
pub const SOCKET_BUFFER: usize = 0;

/// Where changes come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The kernel's process events.
    Events,
    /// Full scans.
    Polling,
}

/// What the caller asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requested {
    /// Events where available, else polling.
    Auto,
    /// Events or an error.
    Events,
    Polling,
}

/// What a look at the events found.
#[cfg(target_os = "linux")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Followed {
    /// Events were appended (maybe none).
    Events,
    /// What happened meanwhile is unknown (events lost, or the socket failed and the follower
    /// now polls): rescan everything.
    Lost,
    /// The wake descriptor became readable.
    Woken,
    TimedOut,
}

pub struct Follower {
    #[cfg(target_os = "linux")]
    events: Option<ProcessEvents>,
    /// Why it polls though events were not refused by the caller.
    fallback: Option<String>,
}

impl Follower {
    /// Subscribes unless polling was asked for; `Events` fails where they are unavailable,
    /// `Auto` falls back to polling and keeps the reason. `socket_buffer`: what the kernel keeps
    /// of unread events.
    pub fn open(requested: Requested, socket_buffer: usize) -> io::Result<Follower> {
        let mut follower = Follower::polling();
        if requested == Requested::Polling {
            return Ok(follower);
        }
        match subscribe(socket_buffer) {
            #[cfg(target_os = "linux")]
            Ok(events) => follower.events = Some(events),
            #[cfg(not(target_os = "linux"))]
            Ok(never) => match never {},
            Err(error) if requested == Requested::Events => return Err(error),
            Err(error) => follower.fallback = Some(error.to_string()),
        }
        Ok(follower)
    }

    pub fn polling() -> Follower {
        Follower {
            #[cfg(target_os = "linux")]
            events: None,
            fallback: None,
        }
    }

    pub fn mode(&self) -> Mode {
        #[cfg(target_os = "linux")]
        if self.events.is_some() {
            return Mode::Events;
        }
        Mode::Polling
    }

    /// Why it polls though events were not refused by the caller.
    pub fn fallback(&self) -> Option<&str> {
        self.fallback.as_deref()
    }

    /// Waits for events (or for `wake`, or `timeout`; None: no limit) and appends them to `out`.
    #[cfg(target_os = "linux")]
    pub fn wait(
        &mut self,
        wake: std::os::fd::BorrowedFd<'_>,
        timeout: Option<std::time::Duration>,
        out: &mut Vec<ProcessEvent>,
    ) -> Followed {
        let Some(events) = &mut self.events else {
            return Followed::Lost;
        };
        let waited = events.wait(wake, timeout, out);
        self.followed(waited, out)
    }

    /// Appends the events already queued to `out`, without waiting.
    #[cfg(target_os = "linux")]
    pub fn take_queued(&mut self, out: &mut Vec<ProcessEvent>) -> Followed {
        let Some(events) = &mut self.events else {
            return Followed::Lost;
        };
        let waited = events.take_queued(out);
        self.followed(waited, out)
    }

    #[cfg(target_os = "linux")]
    fn followed(&mut self, waited: io::Result<Waited>, out: &mut Vec<ProcessEvent>) -> Followed {
        let lost = match waited {
            Ok(Waited::Events) => return Followed::Events,
            Ok(Waited::Woken) => return Followed::Woken,
            Ok(Waited::TimedOut) => return Followed::TimedOut,
            Ok(Waited::Overrun) => self.events.as_mut().map_or(Ok(()), |e| e.discard_queued()),
            Err(error) => Err(error),
        };
        out.clear();
        if let Err(error) = lost {
            self.events = None;
            self.fallback = Some(format!("reading process events failed: {error}"));
        }
        Followed::Lost
    }
}

#[cfg(target_os = "linux")]
fn subscribe(socket_buffer: usize) -> io::Result<ProcessEvents> {
    ProcessEvents::subscribe(socket_buffer).map_err(|error| {
        let why = match error.raw_os_error() {
            // Refused, or ignored without an answer (an unprivileged listener, another PID or
            // user namespace).
            _ if error.kind() == io::ErrorKind::TimedOut => {
                "it needs root or CAP_NET_ADMIN, in the host's PID namespace"
            }
            Some(libc::EPERM | libc::EACCES) => "it needs root or CAP_NET_ADMIN",
            // No socket type, or nobody to answer the LISTEN (another network namespace).
            Some(libc::EPROTONOSUPPORT | libc::ECONNREFUSED) => {
                "this kernel or network namespace has no process-events connector"
            }
            _ => "the connector refused",
        };
        io::Error::new(
            error.kind(),
            format!("cannot subscribe to the kernel's process events: {why} ({error})"),
        )
    })
}

#[cfg(not(target_os = "linux"))]
fn subscribe(_socket_buffer: usize) -> io::Result<std::convert::Infallible> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "process events are only available on Linux",
    ))
}
