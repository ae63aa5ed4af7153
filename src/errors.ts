// Every error this package raises on purpose: a GopsError with a code from one list. The codes
// the addon sets are its string enums (crates/gops-napi/src/coded_error.rs), which `napi build`
// writes to src/native-types.ts: the lists below must name every value of them (tsc fails
// otherwise), and __test__/errors.spec.ts checks them against the enums the addon exports. The
// codes only the TypeScript raises are listed here. The table in docs/errors.md explains
// each; the same test pins it to this list.
import type {
  InspectErrorCode as NativeInspectErrorCode,
  ProcessErrorCode as NativeProcessErrorCode,
  TaskErrorCode as NativeTaskErrorCode,
} from './native-types'

/**
 * `list` as it is, provided it names every value of the string enum `E` (and nothing else):
 * a code added to the addon fails `tsc` here until it is listed.
 */
function everyValueOf<E extends string>() {
  return <const L extends readonly E[]>(list: L & ([E] extends [L[number]] ? unknown : { missing: Exclude<E, L[number]> })): L => list
}

/** Codes the addon sets on a file it cannot inspect (INTERNAL_ERROR: the binding caught a bug). */
export const INSPECT_ERROR_CODES = everyValueOf<`${NativeInspectErrorCode}`>()(['NOT_FOUND', 'PERMISSION_DENIED', 'NOT_A_FILE', 'IO_ERROR', 'INTERNAL_ERROR'])

/** Codes the addon sets on a process it cannot read (and INTERNAL_ERROR). */
export const PROCESS_ERROR_CODES = everyValueOf<`${NativeProcessErrorCode}`>()(['PROCESS_NOT_FOUND', 'PERMISSION_DENIED', 'PROCESS_UNREADABLE', 'INTERNAL_ERROR'])

/** Codes any abortable call of the addon, or a call on something closed, rejects with. */
export const TASK_ERROR_CODES = everyValueOf<`${NativeTaskErrorCode}`>()(['ABORTED', 'CLOSED'])

/** Every code the addon sets. */
export const NATIVE_ERROR_CODES: readonly NativeErrorCode[] = [...new Set([...INSPECT_ERROR_CODES, ...PROCESS_ERROR_CODES, ...TASK_ERROR_CODES])]

/** Codes only the TypeScript raises. */
const TS_ERROR_CODES = [
  // Arguments and set-up
  'INVALID_ARGUMENT',
  'INVALID_TARGET',
  'UNSUPPORTED_PLATFORM',
  'NATIVE_BINDING_MISSING',
  'REMOTE_NOT_ALLOWED',
  // Processes and port files
  'NO_AGENT',
  'AGENT_GONE',
  'BAD_PORT_FILE',
  // Talking to an agent
  'TIMEOUT',
  'CONNECTION_REFUSED',
  'CONNECTION_RESET',
  'CONNECTION_FAILED',
  'EMPTY_REPLY',
  'REPLY_TOO_LARGE',
  'BAD_REPLY',
  'AGENT_BUSY',
  'NOT_SUPPORTED',
  'COMMAND_DISABLED',
  // Discovery and watching
  'SCAN_FAILED',
  'SCAN_IN_PROGRESS',
  'WATCH_FAILED',
  'EVENTS_UNAVAILABLE',
  // The Node agent
  'AGENT_ALREADY_LISTENING',
  'AGENT_PORT_FILE',
  'AGENT_WORKER_FAILED',
  'AGENT_MAIN_BLOCKED',
  // The CLI and the exporter
  'LISTEN_FAILED',
  'WRITE_FAILED',
  'OUTPUT_FAILED',
  // Vulnerability databases
  'VULN_DB_UNAVAILABLE',
  'VULN_DB_INVALID',
] as const

/** Every code a GopsError can carry: the addon's, then the TypeScript's own. */
export const ERROR_CODES: readonly GopsErrorCode[] = [...NATIVE_ERROR_CODES, ...TS_ERROR_CODES]

/**
 * The codes a file that could not be read fails with: NOT_FOUND, PERMISSION_DENIED, NOT_A_FILE,
 * IO_ERROR or INTERNAL_ERROR.
 * @useDeclaredType
 */
export type InspectErrorCode = (typeof INSPECT_ERROR_CODES)[number]
/**
 * The codes reading a process's details fails with: PROCESS_NOT_FOUND, PERMISSION_DENIED,
 * PROCESS_UNREADABLE or INTERNAL_ERROR.
 * @useDeclaredType
 */
export type ProcessErrorCode = (typeof PROCESS_ERROR_CODES)[number]
/**
 * The codes any abortable or closable call of the addon can fail with: ABORTED (its signal
 * fired) or CLOSED (the Scanner was closed).
 * @useDeclaredType
 */
export type TaskErrorCode = (typeof TASK_ERROR_CODES)[number]
export type NativeErrorCode = InspectErrorCode | ProcessErrorCode | TaskErrorCode
/** Every error code gops-native raises: the union of {@link ERROR_CODES}. */
export type GopsErrorCode = InspectErrorCode | ProcessErrorCode | TaskErrorCode | (typeof TS_ERROR_CODES)[number]

/** Whether `code` (an addon error's) is one of `codes`. */
export function isCodeOf<C extends string>(codes: readonly C[], code: unknown): code is C {
  return (codes as readonly unknown[]).includes(code)
}

/** Every error this package raises on purpose carries a stable `code`; the message names the file, pid or address. */
export class GopsError extends Error {
  /** What went wrong: a stable, machine-readable code. */
  readonly code: GopsErrorCode

  /** An error of this code and message (and optional cause). */
  constructor(code: GopsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'GopsError'
    this.code = code
  }
}

/** Whether the value is a GopsError. */
export function isGopsError(error: unknown): error is GopsError {
  return error instanceof GopsError
}
