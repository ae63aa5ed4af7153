// Every error this package raises on purpose: a GopsError with a code from one list. The table in
// docs/errors.md explains each; __test__/errors.spec.ts pins both to this list, and the codes
// the Rust core sets (NATIVE_ERROR_CODES) to crates/.

/** Codes the addon sets on a file it cannot inspect (crates/gops-core/src/inspect/mod.rs `ErrorCode`; INTERNAL_ERROR: the binding caught a bug). */
export const INSPECT_ERROR_CODES = ['NOT_FOUND', 'PERMISSION_DENIED', 'NOT_A_FILE', 'IO_ERROR', 'INTERNAL_ERROR'] as const

/** Codes the addon sets on a process it cannot read (crates/gops-core/src/process/info/mod.rs `InfoError::code`, and INTERNAL_ERROR). */
export const PROCESS_ERROR_CODES = ['PROCESS_NOT_FOUND', 'PERMISSION_DENIED', 'PROCESS_UNREADABLE', 'INTERNAL_ERROR'] as const

/** Every code the Rust core (through the binding) sets: the Rust side owns these, __test__/errors.spec.ts reads them from it. */
export const NATIVE_ERROR_CODES = [...new Set([...INSPECT_ERROR_CODES, ...PROCESS_ERROR_CODES])] as NativeErrorCode[]

/** Every code a GopsError can carry. */
export const ERROR_CODES = [
  'NOT_FOUND',
  'PERMISSION_DENIED',
  'NOT_A_FILE',
  'IO_ERROR',
  'INTERNAL_ERROR',
  'PROCESS_NOT_FOUND',
  'PROCESS_UNREADABLE',
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
  'ABORTED',
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
] as const

export type InspectErrorCode = (typeof INSPECT_ERROR_CODES)[number]
export type ProcessErrorCode = (typeof PROCESS_ERROR_CODES)[number]
export type NativeErrorCode = InspectErrorCode | ProcessErrorCode
export type GopsErrorCode = (typeof ERROR_CODES)[number]

/** Whether `code` (an addon error's) is one of `codes`. */
export function isCodeOf<C extends string>(codes: readonly C[], code: unknown): code is C {
  return (codes as readonly unknown[]).includes(code)
}

/** Every error this package raises on purpose carries a stable `code`; the message names the file, pid or address. */
export class GopsError extends Error {
  readonly code: GopsErrorCode

  constructor(code: GopsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'GopsError'
    this.code = code
  }
}

export function isGopsError(error: unknown): error is GopsError {
  return error instanceof GopsError
}
