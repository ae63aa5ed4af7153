// Where gops agents publish their port: one file per PID holding the decimal port.
import { constants as fsConstants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import * as check from '../arguments'
import { GopsError } from '../errors'
import { gopsConfigDir } from './config-dir'

export { gopsConfigDir }

/**
 * Where an agent of process `pid` writes its port file: `<configDir>/<pid>`, `configDir`
 * defaulting to gops's rules (`$GOPS_CONFIG_DIR`, else the user config dir + `/gops`).
 */
export function portFilePath(pid: number, configDir?: string): string {
  check.integer(check.required(pid, 'pid'), 'pid', 1, Number.MAX_SAFE_INTEGER)
  return join(check.path(configDir, 'configDir') ?? gopsConfigDir(), String(pid))
}

/** Port file contents are the decimal port; readers trim whitespace. Returns null for anything else. */
export function parsePort(text: string): number | null {
  const trimmed = text.trim()
  if (!/^\d{1,5}$/.test(trimmed)) return null
  const port = Number(trimmed)
  return port > 0 && port < 65536 ? port : null
}

/**
 * How much older than its process a port file may look and still be its own: process start
 * times and file mtimes come from clocks of different grain (boot time in whole seconds plus
 * clock ticks; whole-second mtimes on some file systems), and an agent writes its file within
 * milliseconds of starting. The rule is the Rust scanner's (`FRESHNESS_SLACK` in
 * crates/gops-core/src/portfile.rs, which says more); the client keeps a copy because it works
 * without the addon, and __test__/portfile-rules.spec.ts runs both on the same files.
 */
export const PORT_FILE_SLACK_MS = 1000

/** A port file written no more than PORT_FILE_SLACK_MS before its process started is the process's own. */
export function isFreshPortFile(mtimeMs: number, processStartMs: number): boolean {
  return mtimeMs + PORT_FILE_SLACK_MS >= processStartMs
}

/** A port file as read by {@link readPortFile}. */
export interface PortFile {
  /** The file read. */
  path: string
  /** The TCP port it holds, on which the agent listens on loopback. */
  port: number
  /** When the agent wrote it: older than its process means the agent that wrote it is gone. */
  mtimeMs: number
}

/** A port file holds a few digits; anything longer is not one, so never read more than this. */
const PORT_FILE_MAX_BYTES = 64

/**
 * Reads a port file without trusting it: non-blocking open (a FIFO planted there cannot hang us),
 * regular files only, bounded read. Resolves null when there is no such file; throws a
 * GopsError BAD_PORT_FILE naming the file when it exists but holds no port.
 */
export async function readPortFile(path: string): Promise<PortFile | null> {
  check.path(check.required(path, 'path'), 'path')
  let handle: FileHandle
  try {
    handle = await open(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw new GopsError('BAD_PORT_FILE', `cannot read port file ${path}: ${(error as Error).message}`, { cause: error })
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new GopsError('BAD_PORT_FILE', `port file ${path} is not a regular file`)
    const buffer = Buffer.alloc(PORT_FILE_MAX_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, PORT_FILE_MAX_BYTES, 0)
    const port = bytesRead < PORT_FILE_MAX_BYTES ? parsePort(buffer.toString('utf8', 0, bytesRead)) : null
    if (port === null) throw new GopsError('BAD_PORT_FILE', `port file ${path} does not hold a TCP port`)
    return { path, port, mtimeMs: info.mtimeMs }
  } finally {
    await handle.close()
  }
}
