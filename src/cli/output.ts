// Shared CLI plumbing: JSON printing and turning errors into plain messages and exit codes.
import { GopsError, isGopsError } from '../errors'

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

/** A user's mistake or an expected failure prints one plain line; only a bug prints a stack. */
export function reportError(error: unknown): number {
  if (isGopsError(error)) {
    process.stderr.write(`gops-native: ${error.message}\n`)
    return 1
  }
  process.stderr.write(`gops-native: internal error, please report it: ${(error as Error)?.stack ?? String(error)}\n`)
  return 70
}

/**
 * A reader that stops early (`gops-native list | head -1`) is not an error: stop quietly, as a Go
 * program dies of SIGPIPE. Any other failure to write output is one plain line.
 */
export function onStdoutError(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') {
    process.exitCode = reportError(new GopsError('OUTPUT_FAILED', `cannot write to standard output: ${error.message}`, { cause: error }))
  }
  process.exit()
}
