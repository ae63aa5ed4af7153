// Publishes the agent's port where gops tools look for it (<configDir>/<pid>), safely: a private
// directory, a 0600 file written under a temporary name and renamed into place, never through
// a symlink. A file system that refuses the write (read-only, containers) is not fatal.
import { randomBytes } from 'node:crypto'
import { closeSync, constants, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { GopsError } from '../errors'
import { portFilePath } from '../protocol/portfile'

const PRIVATE_DIR = 0o700
const PRIVATE_FILE = 0o600
// Windows has no O_NOFOLLOW; O_EXCL on a fresh random name already refuses existing links there.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0

/** Writes `port` to the pid's port file and returns its path. Throws a GopsError saying why not. */
export function writePortFile(configDir: string, pid: number, port: number): string {
  const target = portFilePath(pid, configDir)
  const temporary = join(configDir, `.${pid}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    mkdirSync(configDir, { recursive: true, mode: PRIVATE_DIR })
    checkDirectory(configDir)
    const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW, PRIVATE_FILE)
    try {
      writeSync(fd, String(port))
    } finally {
      closeSync(fd)
    }
    // rename replaces whatever sits at the target (even a symlink) instead of writing through it
    renameSync(temporary, target)
    return target
  } catch (error) {
    removeQuietly(temporary)
    if (error instanceof GopsError) throw error
    const { code, message } = error as NodeJS.ErrnoException
    throw new GopsError('AGENT_PORT_FILE', `cannot write the port file ${target}: ${code ?? message}`, { cause: error })
  }
}

/** Removes the port file; already gone is fine. Synchronous so it can run from an exit handler. */
export function removePortFile(path: string): void {
  removeQuietly(path)
}

/** The directory must be a real directory owned by this user, and not writable by others. */
function checkDirectory(dir: string): void {
  const stat = lstatSync(dir)
  const problem = stat.isSymbolicLink()
    ? 'is a symbolic link'
    : !stat.isDirectory()
      ? 'is not a directory'
      : process.getuid && stat.uid !== process.getuid()
        ? `belongs to uid ${stat.uid}`
        : process.platform !== 'win32' && stat.mode & 0o022
          ? 'is writable by other users'
          : null
  if (problem) throw new GopsError('AGENT_PORT_FILE', `refusing to write the port file in ${dir}: it ${problem}`)
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // already gone, or never written
  }
}
