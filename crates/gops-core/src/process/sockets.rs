//! A process's sockets on Linux: the socket inodes among its open files (`/proc/<pid>/fd`),
//! looked up in its network namespace's tables (`/proc/<pid>/net/{tcp,tcp6,udp,udp6,unix}`).
//! Addresses there are 32-bit words printed in the kernel's byte order, so they are decoded
//! with the host's byte order (this code runs on the kernel's machine), not assumed little-endian.

use super::connection::{Connection, Endpoint, Protocol};
use super::procfs::proc_path;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The process's sockets in gops's order (tcp, tcp6, udp, udp6, unix), duplicates dropped.
/// Fails when its open files cannot be listed (gone, or another user's process).
pub(crate) fn connections(pid: u32) -> io::Result<Vec<Connection>> {
    let inodes = socket_inodes(pid)?;
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    if inodes.is_empty() {
        return Ok(found);
    }
    for protocol in [
        Protocol::Tcp,
        Protocol::Tcp6,
        Protocol::Udp,
        Protocol::Udp6,
        Protocol::Unix,
    ] {
        // A table the kernel lacks (IPv6 disabled) holds none of the process's sockets.
        let table = fs::read_to_string(proc_path(pid, &format!("net/{}", protocol.name())))
            .unwrap_or_default();
        for line in table.lines().skip(1) {
            let parsed = match protocol {
                Protocol::Unix => parse_unix_line(line),
                _ => parse_inet_line(protocol, line),
            };
            if let Some((inode, connection)) = parsed {
                if inodes.contains(&inode) && seen.insert(connection.clone()) {
                    found.push(connection);
                }
            }
        }
    }
    Ok(found)
}

/// The inodes of the sockets among the process's open files (links `socket:[<inode>]`).
fn socket_inodes(pid: u32) -> io::Result<HashSet<u64>> {
    let mut inodes = HashSet::new();
    for entry in fs::read_dir(proc_path(pid, "fd"))? {
        // A file closed while we list is simply not there any more.
        let Ok(link) = entry.and_then(|e| fs::read_link(e.path())) else {
            continue;
        };
        let link = link.to_string_lossy();
        if let Some(inode) = link
            .strip_prefix("socket:[")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|digits| digits.parse().ok())
        {
            inodes.insert(inode);
        }
    }
    Ok(inodes)
}

/// One line of `/proc/net/{tcp,udp}{,6}`: `sl local remote st ... uid timeout inode ...`.
fn parse_inet_line(protocol: Protocol, line: &str) -> Option<(u64, Connection)> {
    let fields: Vec<&str> = line.split_ascii_whitespace().collect();
    let inode = fields.get(9)?.parse().ok()?;
    let state = match protocol {
        Protocol::Tcp | Protocol::Tcp6 => tcp_state(fields.get(3)?),
        _ => "NONE",
    };
    let connection = Connection {
        protocol,
        local: decode_endpoint(fields.get(1)?)?,
        remote: decode_endpoint(fields.get(2)?)?,
        state,
    };
    Some((inode, connection))
}

/// One line of `/proc/net/unix`: `Num RefCount Protocol Flags Type St Inode [Path]`.
fn parse_unix_line(line: &str) -> Option<(u64, Connection)> {
    let mut fields = line.trim_start().splitn(8, ' ').filter(|f| !f.is_empty());
    let inode = fields.nth(6)?.parse().ok()?;
    let path = fields.next().unwrap_or_default().trim_end().to_owned();
    let connection = Connection {
        protocol: Protocol::Unix,
        local: Endpoint {
            address: path,
            port: 0,
        },
        remote: Endpoint {
            address: String::new(),
            port: 0,
        },
        state: "NONE",
    };
    Some((inode, connection))
}

/// `0100007F:1F90` to 127.0.0.1 port 8080 (on a little-endian host); 32 digits for IPv6.
fn decode_endpoint(text: &str) -> Option<Endpoint> {
    let (hex, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let address = match hex.len() {
        8 => Ipv4Addr::from(word_bytes(hex)?).to_string(),
        32 => {
            let mut bytes = [0u8; 16];
            for (i, chunk) in bytes.chunks_exact_mut(4).enumerate() {
                chunk.copy_from_slice(&word_bytes(hex.get(8 * i..8 * i + 8)?)?);
            }
            let v6 = Ipv6Addr::from(bytes);
            // Go prints IPv4-mapped addresses as IPv4.
            match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => v6.to_string(),
            }
        }
        _ => return None,
    };
    Some(Endpoint { address, port })
}

/// The kernel prints each address word as a number in its own byte order: reading the number
/// back and taking its bytes in the host's order gives the bytes as they are in memory, which
/// is network order.
fn word_bytes(hex: &str) -> Option<[u8; 4]> {
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(u32::from_str_radix(hex, 16).ok()?.to_ne_bytes())
}

/// The kernel's TCP states (include/net/tcp_states.h), named as gops prints them; empty for
/// one it does not name.
fn tcp_state(hex: &str) -> &'static str {
    const STATES: [&str; 11] = [
        "ESTABLISHED",
        "SYN_SENT",
        "SYN_RECV",
        "FIN_WAIT1",
        "FIN_WAIT2",
        "TIME_WAIT",
        "CLOSE",
        "CLOSE_WAIT",
        "LAST_ACK",
        "LISTEN",
        "CLOSING",
    ];
    usize::from_str_radix(hex, 16)
        .ok()
        .and_then(|number| STATES.get(number.checked_sub(1)?))
        .unwrap_or(&"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream, UdpSocket};

    fn endpoint(address: &str, port: u16) -> Option<Endpoint> {
        Some(Endpoint {
            address: address.to_owned(),
            port,
        })
    }

    /// The words as this host's kernel would print them: the same bytes, read as a native u32.
    fn host_hex(bytes: &[u8]) -> String {
        bytes
            .chunks(4)
            .map(|w| format!("{:08X}", u32::from_ne_bytes(w.try_into().unwrap())))
            .collect()
    }

    #[test]
    fn decodes_addresses_in_the_hosts_byte_order() {
        let loopback = host_hex(&[127, 0, 0, 1]);
        assert_eq!(
            decode_endpoint(&format!("{loopback}:1F90")),
            endpoint("127.0.0.1", 8080)
        );
        if cfg!(target_endian = "little") {
            assert_eq!(loopback, "0100007F");
        } else {
            assert_eq!(loopback, "7F000001");
        }
        let v6 = |address: &str| host_hex(&address.parse::<Ipv6Addr>().unwrap().octets());
        assert_eq!(
            decode_endpoint(&format!("{}:0016", v6("::"))),
            endpoint("::", 22)
        );
        assert_eq!(
            decode_endpoint(&format!("{}:0050", v6("::1"))),
            endpoint("::1", 80)
        );
        assert_eq!(
            decode_endpoint(&format!("{}:0050", v6("::ffff:127.0.0.1"))),
            endpoint("127.0.0.1", 80)
        );
        assert_eq!(
            decode_endpoint(&format!("{}:0050", v6("2001:db8::1"))),
            endpoint("2001:db8::1", 80)
        );
        for junk in [
            "zz:1",
            "0100007F",
            "0100007F:",
            "01000:0050",
            "0100007F:123456",
            "+100007F:0050",
        ] {
            assert_eq!(decode_endpoint(junk), None, "{junk}");
        }
    }

    #[test]
    fn parses_table_lines_and_skips_malformed_ones() {
        let line = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 424242 1 0000000000000000 100 0 0 10 0";
        let (inode, connection) = parse_inet_line(Protocol::Tcp, line).unwrap();
        assert_eq!(inode, 424242);
        assert_eq!(connection.state, "LISTEN");
        assert_eq!(
            parse_inet_line(Protocol::Udp, line).unwrap().1.state,
            "NONE"
        );
        assert_eq!(parse_inet_line(Protocol::Tcp, "   0: 0100007F:1F90"), None);
        let unix = "0000000000000000: 00000002 00000000 00010000 0001 01 31337 /run/a b.sock";
        let (inode, connection) = parse_unix_line(unix).unwrap();
        assert_eq!(
            (inode, connection.local.address.as_str()),
            (31337, "/run/a b.sock")
        );
        let unnamed = "0000000000000000: 00000003 00000000 00000000 0001 03 31338";
        assert_eq!(parse_unix_line(unnamed).unwrap().1.local.address, "");
        assert_eq!(parse_unix_line("0000: 00000003"), None);
        assert_eq!(tcp_state("0A"), "LISTEN");
        assert_eq!(tcp_state("0C"), "");
    }

    #[test]
    fn finds_this_processs_own_sockets() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let found = connections(std::process::id()).unwrap();
        let has = |protocol, local: &Endpoint, state| {
            found
                .iter()
                .any(|c| c.protocol == protocol && &c.local == local && c.state == state)
        };
        let listening = endpoint("127.0.0.1", port).unwrap();
        assert!(has(Protocol::Tcp, &listening, "LISTEN"), "{found:?}");
        let outgoing = client.local_addr().unwrap();
        assert!(has(
            Protocol::Tcp,
            &endpoint("127.0.0.1", outgoing.port()).unwrap(),
            "ESTABLISHED"
        ));
        let bound = endpoint("127.0.0.1", udp.local_addr().unwrap().port()).unwrap();
        assert!(has(Protocol::Udp, &bound, "NONE"));
        drop((listener, client, udp));
        assert!(connections(u32::MAX - 1).is_err(), "no such process");
    }
}
