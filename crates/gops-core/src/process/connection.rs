//! A process's socket as `gops <pid>` lists it: what the socket reader (`sockets`, Linux)
//! produces and a process's details (`info`) carry.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    Tcp,
    Tcp6,
    Udp,
    Udp6,
    Unix,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Tcp6 => "tcp6",
            Protocol::Udp => "udp",
            Protocol::Udp6 => "udp6",
            Protocol::Unix => "unix",
        }
    }
}

/// An IP address as Go prints it (IPv4-mapped IPv6 as a dotted quad) and a port; for a Unix
/// socket, its path (empty when unnamed) and port 0.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub address: String,
    pub port: u16,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Connection {
    pub protocol: Protocol,
    pub local: Endpoint,
    pub remote: Endpoint,
    /// TCP state (`LISTEN`, `ESTABLISHED`, ...); `NONE` for UDP and Unix sockets.
    pub state: &'static str,
}
