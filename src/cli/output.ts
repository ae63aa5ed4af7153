// Shared CLI plumbing: JSON printing and turning errors into plain messages and exit codes.
import { writeSync } from 'node:fs'
import { GopsError, isGopsError } from '../errors'

export function printJson(value: unknown): void {
  writeStdout(JSON.stringify(value, null, 2) + '\n')
}

/**
 * Writes straight to descriptor 1: `process.stdout` alone loads Node's twenty stream modules,
 * a few milliseconds of the list's start-up. Windows consoles want Node's stream (it converts
 * the text for them), and so does a non-blocking pipe that is full: the rest goes through it.
 */
export function writeStdout(text: string): void {
  writeDirect(1, text)
}

/** `writeStdout` for standard error. */
export function writeStderr(text: string): void {
  writeDirect(2, text)
}

function writeDirect(fd: 1 | 2, text: string): void {
  const data = Buffer.from(text)
  let written = 0
  while (written < data.length && process.platform !== 'win32') {
    try {
      written += writeSync(fd, data, written)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break
      if (fd === 2) return // nowhere left to say it
      return onStdoutError(error as NodeJS.ErrnoException)
    }
  }
  if (written < data.length) {
    const stream = fd === 1 ? process.stdout : process.stderr
    if (fd === 1) stream.on('error', onStdoutError)
    stream.write(data.subarray(written))
  }
}

/** A user's mistake or an expected failure prints one plain line; only a bug prints a stack. */
export function reportError(error: unknown): number {
  if (isGopsError(error)) {
    writeStderr(`gops-native: ${error.message}\n`)
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
