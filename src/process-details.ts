// One process's details, as `gops <pid>` shows them: the TypeScript face of the Rust core's
// reader (crates/gops-core/src/process/info). `processDetails` reads off the JS thread;
// `processDetailsSync` on it. Fields a platform cannot tell are null (see the README).
import type { NativeConnection, NativeProcessDetails } from '../binding.cjs'
import { GopsError } from './errors'
import { native } from './native'

export interface SocketEndpoint {
  /** An IP address as Go prints it (IPv4-mapped IPv6 as a dotted quad); a Unix socket's path (empty when unnamed). */
  readonly address: string
  /** 0 for Unix sockets. */
  readonly port: number
}

export interface Connection {
  readonly protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'unix'
  readonly local: SocketEndpoint
  readonly remote: SocketEndpoint
  /** TCP state (`LISTEN`, `ESTABLISHED`, ...); `NONE` for UDP and Unix sockets. */
  readonly state: string
}

export interface ProcessDetails {
  readonly pid: number
  /** null for a process without a parent (PID 1, kernel-spawned processes), as gops omits it then. */
  readonly ppid: number | null
  /** gops's name: the kernel's short name, extended from argv[0] when it was cut off. */
  readonly name: string
  readonly threads: number | null
  /** Resident memory, in bytes. */
  readonly rssBytes: number | null
  /** Resident memory as a percentage of the machine's RAM (computed in float32, as gops does). */
  readonly memoryPercent: number | null
  /** CPU time over the process's whole life: user + system (+ block-I/O wait on Linux, as gops counts it). */
  readonly cpuSeconds: number | null
  /** `cpuSeconds` as a percentage of one core over the process's life. */
  readonly cpuPercent: number | null
  readonly uid: number | null
  /** null when the user ID has no name. */
  readonly username: string | null
  /** The command line; null where it cannot be read (macOS for now). */
  readonly args: readonly string[] | null
  /** When the process started, in milliseconds since the epoch. */
  readonly startedMs: number
  /** Its sockets in gops's order (tcp, tcp6, udp, udp6, unix); null when they cannot be listed (another user's process, or not Linux). */
  readonly connections: readonly Connection[] | null
}

/** The codes the addon gives a process it cannot read. */
const PROCESS_ERROR_CODES = new Set(['PROCESS_NOT_FOUND', 'PERMISSION_DENIED', 'PROCESS_UNREADABLE', 'INTERNAL_ERROR'])

/**
 * Reads the details of process `pid` off the JS thread. Rejects with a GopsError:
 * INVALID_PID (not a PID), PROCESS_NOT_FOUND, PERMISSION_DENIED or PROCESS_UNREADABLE, its message naming the PID.
 */
export async function processDetails(pid: number): Promise<ProcessDetails> {
  checkPid(pid)
  try {
    return convert(await native().processDetails(pid))
  } catch (error) {
    throw coded(error)
  }
}

/** `processDetails` on the calling thread. */
export function processDetailsSync(pid: number): ProcessDetails {
  checkPid(pid)
  try {
    return convert(native().processDetailsSync(pid))
  } catch (error) {
    throw coded(error)
  }
}

/** The addon takes an unsigned 32-bit PID: anything else is refused here, never coerced. */
function checkPid(pid: unknown): asserts pid is number {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || pid > 0xffff_ffff) {
    throw new GopsError('INVALID_PID', `not a process ID: ${typeof pid === 'string' ? JSON.stringify(pid) : String(pid)}`)
  }
}

function coded(error: unknown): unknown {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return typeof code === 'string' && PROCESS_ERROR_CODES.has(code) ? new GopsError(code, String(message), { cause: error }) : error
}

function convert(n: NativeProcessDetails): ProcessDetails {
  return Object.freeze({
    pid: n.pid,
    ppid: n.ppid ?? null,
    name: n.name,
    threads: n.threads ?? null,
    rssBytes: n.rssBytes ?? null,
    memoryPercent: n.memoryPercent ?? null,
    cpuSeconds: n.cpuSeconds ?? null,
    cpuPercent: n.cpuPercent ?? null,
    uid: n.uid ?? null,
    username: n.username ?? null,
    args: n.args ? Object.freeze(n.args) : null,
    startedMs: n.startedMs,
    connections: n.connections ? Object.freeze(n.connections.map(connection)) : null,
  })
}

function connection(c: NativeConnection): Connection {
  return { protocol: c.protocol as Connection['protocol'], local: c.local, remote: c.remote, state: c.state }
}
