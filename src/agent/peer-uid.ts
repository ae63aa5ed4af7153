// Linux: which user owns the other end of a loopback connection. The peer's socket is listed in
// /proc/net/tcp{,6} with its local address = our remote one, and the uid that created it.
import { readFile } from 'node:fs/promises'
import { isIPv4 } from 'node:net'
import { endianness } from 'node:os'

export interface Endpoint {
  address: string
  port: number
}

/** The uid owning the socket `peer` connected to `local`, or null when no socket on this host matches. */
export async function peerUid(peer: Endpoint, local: Endpoint): Promise<number | null> {
  const want = `${canonicalAddress(peer.address)}:${peer.port}>${canonicalAddress(local.address)}:${local.port}`
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'latin1').catch(() => '')
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      if (fields.length < 8) continue
      if (`${decodeProcEndpoint(fields[1])}>${decodeProcEndpoint(fields[2])}` === want) return Number(fields[7])
    }
  }
  return null
}

/** `0100007F:1F90` (or its 32-digit IPv6 form) to `127.0.0.1:8080`, in the same canonical text as canonicalAddress. */
function decodeProcEndpoint(field: string): string {
  const [hexAddress, hexPort] = field.split(':')
  const bytes = Buffer.from(hexAddress, 'hex')
  // The kernel prints each 32-bit word of the address in host byte order.
  if (endianness() === 'LE') for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse()
  return `${canonicalBytes(bytes)}:${parseInt(hexPort, 16)}`
}

function canonicalAddress(address: string): string {
  return canonicalBytes(isIPv4(address) ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address))
}

/** IPv4 and IPv4-mapped IPv6 addresses print as dotted quads; others as 32 hex digits. */
function canonicalBytes(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.')
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff
  return mapped ? [...bytes.subarray(12)].join('.') : bytes.toString('hex')
}

function ipv6Bytes(address: string): Buffer {
  const withoutZone = address.split('%')[0]
  const tail = withoutZone.match(/(\d+\.\d+\.\d+\.\d+)$/)
  const hex = tail ? withoutZone.slice(0, -tail[1].length) + ipv4ToHexGroups(tail[1]) : withoutZone
  const [head, rest] = hex.split('::')
  const headGroups = head ? head.split(':') : []
  const restGroups = rest === undefined ? [] : rest ? rest.split(':') : []
  const zeros = rest === undefined ? [] : Array(8 - headGroups.length - restGroups.length).fill('0')
  return Buffer.from([...headGroups, ...zeros, ...restGroups].map((g) => g.padStart(4, '0')).join(''), 'hex')
}

function ipv4ToHexGroups(v4: string): string {
  const [a, b, c, d] = v4.split('.').map(Number)
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
}
