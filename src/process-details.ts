// One process's details, as `gops <pid>` shows them: the TypeScript face of the Rust core's
// reader (crates/gops-core/src/process/info). `processDetails` reads off the JS thread;
// `processDetailsSync` on it. Fields a platform cannot tell are null (see the README).
import type { NativeConnection, NativeEndpoint, NativeProcessDetails, SocketProtocol as NativeSocketProtocol } from './native-types'
import type { Reshaped, WithNulls } from './native-shape'
import { abortable, taskError, type AbortOptions } from './abort'
import * as check from './arguments'
import { GopsError, isCodeOf, PROCESS_ERROR_CODES } from './errors'
import { native } from './native'

// The shapes below are the addon's (crates/gops-napi/src/process.rs, with its doc comments),
// derived from the generated src/native-types.ts: see src/native-shape.ts.

/** One end of a socket. */
export interface SocketEndpoint extends Readonly<WithNulls<NativeEndpoint>> {}

/** A socket's protocol. */
export type SocketProtocol = `${NativeSocketProtocol}`

/** A socket the process holds. */
export interface Connection extends Readonly<Reshaped<NativeConnection, 'protocol' | 'local' | 'remote'>> {
  /** The socket protocol. */
  readonly protocol: SocketProtocol
  /** The local address and port. */
  readonly local: SocketEndpoint
  /** The remote address and port (unspecified for a listening socket). */
  readonly remote: SocketEndpoint
}

/** One process's details; absent values (fields this platform cannot tell) are null. */
export interface ProcessDetails extends Readonly<Reshaped<NativeProcessDetails, 'args' | 'connections'>> {
  /** The command line, argument by argument; null when unreadable. */
  readonly args: readonly string[] | null
  /** The process's sockets; null when they could not be read. */
  readonly connections: readonly Connection[] | null
}

/** Options of `processDetails()`. */
export interface ProcessDetailsOptions {
  /** Stops waiting for the answer: the call rejects with ABORTED. */
  signal?: AbortSignal
}
const PROCESS_DETAILS_OPTIONS = check.optionKeys<ProcessDetailsOptions>({ signal: true })

/**
 * Reads the details of process `pid` off the JS thread. Rejects with a GopsError:
 * INVALID_ARGUMENT (not a PID), PROCESS_NOT_FOUND, PERMISSION_DENIED or PROCESS_UNREADABLE, its
 * message naming the PID; ABORTED when `options.signal` aborts it.
 */
export async function processDetails(pid: number, options?: ProcessDetailsOptions): Promise<ProcessDetails> {
  checkPid(pid)
  const signal = check.abortSignal(check.options(options, PROCESS_DETAILS_OPTIONS).signal, 'signal')
  try {
    return convert(await abortable(signal, `reading process ${pid}`, (own) => native().processDetails(pid, own)))
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
function checkPid(pid: number): void {
  check.integer(check.required(pid, 'pid'), 'pid', 1, 0xffff_ffff)
}

function coded(error: unknown): unknown {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return isCodeOf(PROCESS_ERROR_CODES, code) ? new GopsError(code, String(message), { cause: error }) : taskError(error)
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
  return { protocol: c.protocol, local: { address: c.local.address, port: c.local.port }, remote: { address: c.remote.address, port: c.remote.port }, state: c.state }
}
