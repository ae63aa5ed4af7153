//! The kernel's process-events connector (Linux): fork, exec and exit of every process on the
//! host as they happen, so a watcher need not rescan `/proc` to notice them. Needs CAP_NET_ADMIN
//! (root); the socket can overrun when events come faster than they are read, and then the
//! caller must rescan to learn what it missed.
//!
//! Every datagram is a netlink header, a connector header and a `proc_event`; each length is
//! checked against the bytes received before anything is read.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

// <linux/netlink.h>, <linux/connector.h>, <linux/cn_proc.h>.
const NETLINK_CONNECTOR: libc::c_int = 11;
const CN_IDX_PROC: u32 = 1;
const CN_VAL_PROC: u32 = 1;
const PROC_CN_MCAST_LISTEN: u32 = 1;
const PROC_CN_MCAST_IGNORE: u32 = 2;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLMSG_OVERRUN: u16 = 4;
const PROC_EVENT_NONE: u32 = 0;
const PROC_EVENT_FORK: u32 = 0x1;
const PROC_EVENT_EXEC: u32 = 0x2;
const PROC_EVENT_EXIT: u32 = 0x8000_0000;

/// `struct nlmsghdr`: length, type, flags, sequence, port.
const NLMSG_HEADER: usize = 16;
/// `struct cn_msg` without its data: id (idx, val), seq, ack, len (u16), flags (u16).
const CN_HEADER: usize = 20;
/// `struct proc_event` up to its union: what, cpu, timestamp_ns.
const EVENT_HEADER: usize = 16;

/// What the kernel should buffer for us between reads (root may go past the system limit):
/// about 4,000 events at the ~1 KiB each one takes there.
pub const SOCKET_BUFFER: usize = 4 << 20;
/// One datagram holds one event (under 100 bytes); room for a few, and a truncated one is noticed.
const DATAGRAM_BUFFER: usize = 4096;
/// Events taken per wait, so a flood is handled in bounded batches with the socket drained often.
const BATCH_LIMIT: usize = 4096;
/// The kernel acknowledges a LISTEN while handling it; this only bounds a wait that finds no
/// acknowledgement (the request was ignored: another user or PID namespace, an old kernel
/// refusing an unprivileged listener).
const ACK_WAIT: Duration = Duration::from_millis(500);
/// Datagrams read at most while looking for the acknowledgement (a host forking without pause
/// never empties the queue).
const CONFIRM_READS: usize = 1 << 16;

/// A process-level event (thread creation and thread exits are left out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessEvent {
    /// `child` was forked from `parent` and still runs its parent's executable.
    Fork { parent: u32, child: u32 },
    /// `pid` now runs another executable.
    Exec { pid: u32 },
    /// `pid` exited (it may stay a zombie until reaped).
    Exit { pid: u32 },
}

/// How a wait ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waited {
    /// Events were appended (possibly none that matter: thread events are dropped).
    Events,
    /// The kernel dropped events (our buffer was full): what happened meanwhile is unknown.
    Overrun,
    /// The `wake` descriptor became readable.
    Woken,
    TimedOut,
}

/// A subscription to the process-events connector.
pub struct ProcessEvents {
    socket: OwnedFd,
    buffer: Box<[u8]>,
}

impl ProcessEvents {
    /// Opens the socket, joins the connector's process group and asks for events. Fails with
    /// EPERM where CAP_NET_ADMIN is needed (kernels before 6.6) and missing, EPROTONOSUPPORT
    /// or ECONNREFUSED where there is no connector (a kernel without it, a network namespace
    /// other than the host's).
    /// `socket_buffer`: bytes the kernel keeps for us (more events wait before an overrun).
    pub fn subscribe(socket_buffer: usize) -> io::Result<ProcessEvents> {
        // SAFETY: plain system calls on a descriptor we own; every pointer passed is to a local
        // of the size given.
        let fd = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_DGRAM | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
                NETLINK_CONNECTOR,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned by socket() and is owned by nobody else.
        let socket = unsafe { OwnedFd::from_raw_fd(fd) };
        let size = libc::c_int::try_from(socket_buffer).unwrap_or(libc::c_int::MAX);
        for option in [libc::SO_RCVBUFFORCE, libc::SO_RCVBUF] {
            // SAFETY: the option value is a c_int, passed with its size.
            let set = unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    option,
                    (&size as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
            if set == 0 {
                break;
            }
        }
        let mut address = netlink_address();
        address.nl_groups = CN_IDX_PROC;
        // SAFETY: `address` is a sockaddr_nl, passed with its size.
        let bound = unsafe {
            libc::bind(
                fd,
                (&address as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if bound != 0 {
            return Err(io::Error::last_os_error());
        }
        // Our acknowledgement is the one that answers this number (with it plus one).
        let sequence = std::process::id() ^ (fd as u32).rotate_left(16);
        send_request(&socket, PROC_CN_MCAST_LISTEN, sequence)?;
        let mut events = ProcessEvents {
            socket,
            buffer: vec![0; DATAGRAM_BUFFER].into_boxed_slice(),
        };
        events.confirm(sequence)?;
        Ok(events)
    }

    /// Waits for the kernel's answer to our LISTEN: without one, no events would ever come.
    /// The kernel answers while it handles the request, but other listeners' events may be
    /// queued before the answer: they are dropped (the caller scans afterwards), and the wait
    /// gives up only once the queue is empty, so a busy or slow host does not fail it.
    fn confirm(&mut self, sequence: u32) -> io::Result<()> {
        let deadline = Instant::now() + ACK_WAIT;
        let mut answer = None;
        for _ in 0..CONFIRM_READS {
            let received = self.receive(&mut |message| {
                if let Message::Ack { answering, error } = message {
                    if answering == sequence.wrapping_add(1) {
                        answer = Some(error);
                    }
                }
            })?;
            match answer {
                Some(0) => return Ok(()),
                Some(error) => return Err(io::Error::from_raw_os_error(error as i32)),
                None => {}
            }
            if received != Received::Nothing {
                continue;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let mut fds = [libc::pollfd {
                fd: self.socket.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            }];
            // SAFETY: one pollfd, passed with its length.
            unsafe { libc::poll(fds.as_mut_ptr(), 1, left.as_millis().max(1) as libc::c_int) };
        }
        Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the kernel did not acknowledge the subscription",
        ))
    }

    /// Waits for events, for `wake` to become readable, or for `timeout` (None: no limit), then
    /// takes every event already queued (at most `BATCH_LIMIT`) into `out`.
    pub fn wait(
        &mut self,
        wake: BorrowedFd<'_>,
        timeout: Option<Duration>,
        out: &mut Vec<ProcessEvent>,
    ) -> io::Result<Waited> {
        let mut fds = [
            libc::pollfd {
                fd: wake.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: self.socket.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        let timeout_ms = timeout.map_or(-1, |t| {
            // Rounded up: a wait that ends a little early would spin until the deadline.
            t.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as libc::c_int
        });
        // SAFETY: `fds` is an array of two pollfd, passed with its length.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
        if ready < 0 {
            let error = io::Error::last_os_error();
            return if error.kind() == io::ErrorKind::Interrupted {
                Ok(Waited::Events)
            } else {
                Err(error)
            };
        }
        if fds[0].revents != 0 {
            return Ok(Waited::Woken);
        }
        if ready == 0 {
            return Ok(Waited::TimedOut);
        }
        self.drain(out)
    }

    /// Takes the events already queued into `out`, without waiting. More than one batch
    /// queued reads as `Overrun`: a full rescan is cheaper than looking at each of them.
    pub fn take_queued(&mut self, out: &mut Vec<ProcessEvent>) -> io::Result<Waited> {
        let before = out.len();
        match self.drain(out)? {
            Waited::Events if out.len() - before >= BATCH_LIMIT => Ok(Waited::Overrun),
            waited => Ok(waited),
        }
    }

    /// Drops the events queued (a full rescan is about to cover them): a stale exit must not
    /// later be applied to a process that took its PID. Bounded, for a host that never pauses.
    pub fn discard_queued(&mut self) -> io::Result<()> {
        for _ in 0..CONFIRM_READS {
            if self.receive(&mut |_| {})? == Received::Nothing {
                break;
            }
        }
        Ok(())
    }

    /// Reads queued datagrams until none is left (or the batch is full).
    fn drain(&mut self, out: &mut Vec<ProcessEvent>) -> io::Result<Waited> {
        let limit = out.len() + BATCH_LIMIT;
        while out.len() < limit {
            let received = self.receive(&mut |message| {
                if let Message::Event(event) = message {
                    out.push(event);
                }
            })?;
            match received {
                Received::Read => {}
                Received::Nothing => break,
                Received::Overrun => return Ok(Waited::Overrun),
            }
        }
        Ok(Waited::Events)
    }

    /// Reads one datagram, if one is queued, and hands each of its messages to `on_message`.
    fn receive(&mut self, on_message: &mut dyn FnMut(Message)) -> io::Result<Received> {
        loop {
            let mut from = netlink_address();
            let mut from_len = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
            // SAFETY: the buffer and the address are ours, passed with their sizes. MSG_TRUNC
            // makes the call return the datagram's real length, so truncation is visible.
            let received = unsafe {
                libc::recvfrom(
                    self.socket.as_raw_fd(),
                    self.buffer.as_mut_ptr().cast(),
                    self.buffer.len(),
                    libc::MSG_DONTWAIT | libc::MSG_TRUNC,
                    (&mut from as *mut libc::sockaddr_nl).cast(),
                    &mut from_len,
                )
            };
            if received < 0 {
                let error = io::Error::last_os_error();
                return match error.raw_os_error() {
                    Some(libc::EAGAIN) => Ok(Received::Nothing),
                    Some(libc::EINTR) => continue,
                    Some(libc::ENOBUFS) => Ok(Received::Overrun),
                    _ => Err(error),
                };
            }
            let received = received as usize;
            if received > self.buffer.len() {
                return Ok(Received::Overrun); // a datagram cut short: events were lost
            }
            // Only the kernel (port 0) speaks for the connector; anything else is ignored.
            if from.nl_pid != 0 {
                return Ok(Received::Read);
            }
            return Ok(parse_datagram(&self.buffer[..received], on_message));
        }
    }
}

impl Drop for ProcessEvents {
    /// Kernels before 6.6 count listeners only through these requests, and produce events for
    /// the whole system while the count is above zero.
    fn drop(&mut self) {
        let _ = send_request(&self.socket, PROC_CN_MCAST_IGNORE, 0);
    }
}

/// Sends `operation` (LISTEN or IGNORE) to the process connector, numbered `sequence` (the
/// kernel's acknowledgement repeats it).
fn send_request(socket: &OwnedFd, operation: u32, sequence: u32) -> io::Result<()> {
    let request = request(operation, sequence);
    let kernel = netlink_address();
    // SAFETY: the request buffer and the kernel's address are locals of the sizes given.
    let sent = unsafe {
        libc::sendto(
            socket.as_raw_fd(),
            request.as_ptr().cast(),
            request.len(),
            0,
            (&kernel as *const libc::sockaddr_nl).cast(),
            std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
        )
    };
    if sent < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn netlink_address() -> libc::sockaddr_nl {
    // SAFETY: sockaddr_nl is plain data; all zeroes is the kernel's address with no groups.
    let mut address: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    address.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    address
}

/// A request to the process connector: a netlink header, a connector header, the operation.
/// `sequence` goes in the connector header's `ack` field, which the kernel's answer returns
/// plus one (its `seq` field is the kernel's own counter).
fn request(operation: u32, sequence: u32) -> [u8; NLMSG_HEADER + CN_HEADER + 4] {
    let mut message = [0u8; NLMSG_HEADER + CN_HEADER + 4];
    let total = message.len() as u32;
    message[0..4].copy_from_slice(&total.to_ne_bytes());
    message[4..6].copy_from_slice(&NLMSG_DONE.to_ne_bytes());
    let cn = NLMSG_HEADER;
    message[cn..cn + 4].copy_from_slice(&CN_IDX_PROC.to_ne_bytes());
    message[cn + 4..cn + 8].copy_from_slice(&CN_VAL_PROC.to_ne_bytes());
    message[cn + 12..cn + 16].copy_from_slice(&sequence.to_ne_bytes());
    message[cn + 16..cn + 18].copy_from_slice(&4u16.to_ne_bytes());
    message[cn + CN_HEADER..].copy_from_slice(&operation.to_ne_bytes());
    message
}

#[derive(Debug, PartialEq, Eq)]
enum Received {
    Read,
    /// Nothing was queued.
    Nothing,
    /// Events were lost: the kernel said so, or a datagram did not fit.
    Overrun,
}

/// One connector message about processes.
#[derive(Debug, PartialEq, Eq)]
enum Message {
    Event(ProcessEvent),
    /// The kernel's answer to a LISTEN: the request's `ack` field plus one, and an errno
    /// (0: accepted).
    Ack {
        answering: u32,
        error: u32,
    },
}

/// Hands each message of one datagram to `on_message`. Malformed messages are skipped:
/// nothing here may read past what was received.
fn parse_datagram(mut datagram: &[u8], on_message: &mut dyn FnMut(Message)) -> Received {
    while datagram.len() >= NLMSG_HEADER {
        let length = u32_at(datagram, 0).unwrap_or(0) as usize;
        if length < NLMSG_HEADER || length > datagram.len() {
            break;
        }
        let kind = u16::from_ne_bytes([datagram[4], datagram[5]]);
        match kind {
            NLMSG_OVERRUN => return Received::Overrun,
            NLMSG_ERROR => {}
            _ => {
                if let Some(message) = parse_connector(&datagram[NLMSG_HEADER..length]) {
                    on_message(message);
                }
            }
        }
        // Messages are padded to 4 bytes (NLMSG_ALIGN).
        let next = length.next_multiple_of(4).min(datagram.len());
        datagram = &datagram[next..];
    }
    Received::Read
}

/// A connector message: its header (id, seq, ack, len, flags), then `len` bytes of `proc_event`.
fn parse_connector(message: &[u8]) -> Option<Message> {
    if u32_at(message, 0)? != CN_IDX_PROC || u32_at(message, 4)? != CN_VAL_PROC {
        return None;
    }
    let data_len = u16::from_ne_bytes([*message.get(16)?, *message.get(17)?]) as usize;
    let event = message.get(CN_HEADER..CN_HEADER.checked_add(data_len)?)?;
    if u32_at(event, 0)? == PROC_EVENT_NONE {
        return Some(Message::Ack {
            answering: u32_at(message, 12)?,
            error: u32_at(event.get(EVENT_HEADER..)?, 0)?,
        });
    }
    parse_event(event).map(Message::Event)
}

/// A `proc_event`: `what`, then the union at offset 16, read only as far as its variant needs.
fn parse_event(event: &[u8]) -> Option<ProcessEvent> {
    let data = event.get(EVENT_HEADER..)?;
    match u32_at(event, 0)? {
        PROC_EVENT_FORK => {
            // parent_pid, parent_tgid, child_pid, child_tgid
            let (parent, child, child_tgid) =
                (u32_at(data, 4)?, u32_at(data, 8)?, u32_at(data, 12)?);
            (child == child_tgid).then_some(ProcessEvent::Fork { parent, child })
        }
        // process_pid, process_tgid: after exec the task is its group's leader.
        PROC_EVENT_EXEC => Some(ProcessEvent::Exec {
            pid: u32_at(data, 4)?,
        }),
        PROC_EVENT_EXIT => {
            let (pid, tgid) = (u32_at(data, 0)?, u32_at(data, 4)?);
            (pid == tgid).then_some(ProcessEvent::Exit { pid })
        }
        // uid, gid, sid, ptrace, comm and coredump events say nothing about which processes
        // exist.
        _ => None,
    }
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(
        bytes.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;
    use std::time::Instant;

    fn message(kind: u16, what: u32, words: &[u32]) -> Vec<u8> {
        let mut event = Vec::new();
        event.extend_from_slice(&what.to_ne_bytes());
        event.extend_from_slice(&0u32.to_ne_bytes()); // cpu
        event.extend_from_slice(&0u64.to_ne_bytes()); // timestamp
        for word in words {
            event.extend_from_slice(&word.to_ne_bytes());
        }
        let mut cn = Vec::new();
        cn.extend_from_slice(&CN_IDX_PROC.to_ne_bytes());
        cn.extend_from_slice(&CN_VAL_PROC.to_ne_bytes());
        cn.extend_from_slice(&[0; 8]); // seq, ack
        cn.extend_from_slice(&(event.len() as u16).to_ne_bytes());
        cn.extend_from_slice(&[0; 2]);
        cn.extend_from_slice(&event);
        let mut nl = Vec::new();
        nl.extend_from_slice(&((NLMSG_HEADER + cn.len()) as u32).to_ne_bytes());
        nl.extend_from_slice(&kind.to_ne_bytes());
        nl.extend_from_slice(&[0; 10]);
        nl.extend_from_slice(&cn);
        while nl.len() % 4 != 0 {
            nl.push(0);
        }
        nl
    }

    fn parse(datagram: &[u8]) -> (Vec<Message>, Received) {
        let mut out = Vec::new();
        let parsed = parse_datagram(datagram, &mut |message| out.push(message));
        (out, parsed)
    }

    #[test]
    fn reads_process_events_and_drops_thread_events() {
        let mut datagram = message(NLMSG_DONE, PROC_EVENT_FORK, &[10, 10, 11, 11]);
        datagram.extend(message(NLMSG_DONE, PROC_EVENT_FORK, &[10, 10, 12, 10])); // a thread
        datagram.extend(message(NLMSG_DONE, PROC_EVENT_EXEC, &[11, 11]));
        datagram.extend(message(
            NLMSG_DONE,
            PROC_EVENT_EXIT,
            &[12, 10, 0, 9, 10, 10],
        )); // a thread
        datagram.extend(message(
            NLMSG_DONE,
            PROC_EVENT_EXIT,
            &[11, 11, 0, 9, 10, 10],
        ));
        datagram.extend(message(NLMSG_DONE, PROC_EVENT_NONE, &[1])); // a LISTEN refused: EPERM
        datagram.extend(message(NLMSG_DONE, 0x200, &[11, 11, 0, 0, 0, 0])); // comm
        assert_eq!(
            parse(&datagram),
            (
                vec![
                    Message::Event(ProcessEvent::Fork {
                        parent: 10,
                        child: 11
                    }),
                    Message::Event(ProcessEvent::Exec { pid: 11 }),
                    Message::Event(ProcessEvent::Exit { pid: 11 }),
                    Message::Ack {
                        answering: 0,
                        error: 1
                    },
                ],
                Received::Read
            )
        );
    }

    #[test]
    fn never_reads_past_what_was_received() {
        let whole = message(NLMSG_DONE, PROC_EVENT_EXEC, &[7, 7]);
        for cut in 0..whole.len() {
            let (events, _) = parse(&whole[..cut]);
            assert!(events.is_empty(), "cut at {cut} gave {events:?}");
        }
        // A connector length claiming more than the message holds.
        let mut lying = whole.clone();
        lying[NLMSG_HEADER + 16..NLMSG_HEADER + 18].copy_from_slice(&u16::MAX.to_ne_bytes());
        assert!(parse(&lying).0.is_empty());
        // A netlink length larger than the datagram, or too small to hold its own header.
        let mut long = whole.clone();
        long[0..4].copy_from_slice(&1000u32.to_ne_bytes());
        assert!(parse(&long).0.is_empty());
        let mut short = whole.clone();
        short[0..4].copy_from_slice(&3u32.to_ne_bytes());
        assert!(parse(&short).0.is_empty());
        // Another connector's message.
        let mut other = whole;
        other[NLMSG_HEADER..NLMSG_HEADER + 4].copy_from_slice(&9u32.to_ne_bytes());
        assert!(parse(&other).0.is_empty());
    }

    #[test]
    fn an_in_band_overrun_is_reported() {
        assert_eq!(parse(&message(NLMSG_OVERRUN, 0, &[])).1, Received::Overrun);
    }

    #[test]
    fn the_listen_request_is_the_kernels_layout() {
        let request = request(PROC_CN_MCAST_LISTEN, 77);
        assert_eq!(request.len(), 40);
        assert_eq!(u32_at(&request, NLMSG_HEADER + 12), Some(77));
        assert_eq!(u32_at(&request, 0), Some(40));
        assert_eq!(u32_at(&request, NLMSG_HEADER), Some(CN_IDX_PROC));
        assert_eq!(
            u32_at(&request, NLMSG_HEADER + CN_HEADER),
            Some(PROC_CN_MCAST_LISTEN)
        );
    }

    /// The real connector: root on the host may always use it; others skip (kernels differ).
    fn subscribe_or_skip() -> Option<ProcessEvents> {
        match ProcessEvents::subscribe(SOCKET_BUFFER) {
            Ok(events) => Some(events),
            Err(error) if !crate::test_support::expects_process_events() => {
                eprintln!("skipped: the process-events connector is not available here: {error}");
                None
            }
            Err(error) => panic!("root could not subscribe to process events: {error}"),
        }
    }

    #[test]
    fn sees_a_real_child_exec_and_exit() {
        let Some(mut events) = subscribe_or_skip() else {
            return;
        };
        let (never, _writer) = pipe();
        // Other tests flood the host with processes: a try that lost events is tried again.
        for _ in 0..3 {
            // The child exits by itself: a kill right after spawn can land while the kernel is
            // still inside exec (the parent resumes before the exec event is sent), and the
            // child then dies without ever reporting its exec.
            let mut child = Command::new("true").spawn().unwrap();
            let pid = child.id();
            assert!(child.wait().unwrap().success());
            let mut seen = Vec::new();
            let mut overrun = false;
            let deadline = Instant::now() + Duration::from_secs(10);
            while !seen.contains(&ProcessEvent::Exit { pid }) && Instant::now() < deadline {
                let waited = events
                    .wait(never.as_fd(), Some(Duration::from_millis(100)), &mut seen)
                    .unwrap();
                assert_ne!(waited, Waited::Woken);
                overrun |= waited == Waited::Overrun;
            }
            if overrun {
                continue;
            }
            let ours: Vec<_> = seen
                .iter()
                .filter(|e| match e {
                    ProcessEvent::Fork { child, .. } => *child == pid,
                    ProcessEvent::Exec { pid: p } | ProcessEvent::Exit { pid: p } => *p == pid,
                })
                .collect();
            assert_eq!(
                ours,
                [
                    &ProcessEvent::Fork {
                        parent: std::process::id(),
                        child: pid
                    },
                    &ProcessEvent::Exec { pid },
                    &ProcessEvent::Exit { pid }
                ]
            );
            return;
        }
        panic!("events were lost three times over");
    }

    #[test]
    fn a_readable_wake_descriptor_ends_the_wait() {
        let Some(mut events) = subscribe_or_skip() else {
            return;
        };
        let (read, write) = pipe();
        // SAFETY: writing one byte from a local to a pipe we own.
        assert_eq!(
            unsafe { libc::write(write.as_raw_fd(), [1u8].as_ptr().cast(), 1) },
            1
        );
        let waited = events.wait(read.as_fd(), None, &mut Vec::new()).unwrap();
        assert_eq!(waited, Waited::Woken);
    }

    use std::os::fd::AsFd;

    fn pipe() -> (OwnedFd, OwnedFd) {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe() writes.
        assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        // SAFETY: both were just created and are owned by nobody else.
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
    }
}
