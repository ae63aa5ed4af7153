// The vulnerability check's resolver: it scans through a kept Scanner, so a warm host check
// rereads nothing (sbom() uses targets.ts, which scans once per call; folding the two is open).
// FILE|PID arguments, resolved to the executable to read: a number is a PID (its running binary,
// through /proc/<pid>/exe on Linux, which opens it even when deleted or in another mount
// namespace), anything else a file. No argument: every Go process on the host.
import { GopsError } from '../errors'
import type { GoProcess, Scanner } from '../discover'
import { processDetails } from '../process-details'

export interface Target {
  /** What the user named: the file path, or `pid N`. */
  target: string
  pid: number | null
  /** The path to read the executable from. */
  exe: string
  /** The executable's path as the process reports it (or the file path). */
  path: string
  /** The discovered process, when the target came from a scan: its object is stable across scans. */
  process?: GoProcess
}

export function isPid(arg: string | number): boolean {
  return typeof arg === 'number' ? Number.isInteger(arg) && arg > 0 : /^[1-9][0-9]*$/.test(arg)
}

function fromProcess(p: GoProcess): Target {
  const exe = process.platform === 'linux' ? `/proc/${p.pid}/exe` : p.path
  return { target: `pid ${p.pid}`, pid: p.pid, exe, path: p.path, process: p }
}

/**
 * Resolves `args` (files and PIDs) in order; a PID that cannot be read becomes a target with
 * `error`, so one vanished process does not fail the batch.
 */
export async function resolveTargets(
  args: readonly (string | number)[] | undefined,
  scanner: () => Scanner,
): Promise<(Target | { target: string; pid: number; error: GopsError })[]> {
  // Node processes running our agent are listed by scans too: only Go ones have Go code to check.
  if (!args || args.length === 0) return (await scanner().scan()).processes.filter((p) => p.runtime === 'go').map(fromProcess)
  return Promise.all(
    args.map(async (arg) => {
      if (!isPid(arg)) {
        if (typeof arg !== 'string' || !arg) throw new GopsError('INVALID_ARGUMENT', `a target must be a file path or a PID, got ${String(arg)}`)
        return { target: arg, pid: null, exe: arg, path: arg }
      }
      const pid = Number(arg)
      if (process.platform === 'linux') return { target: `pid ${pid}`, pid, exe: `/proc/${pid}/exe`, path: `/proc/${pid}/exe` }
      try {
        const details = await processDetails(pid)
        const path = (details as { path?: string }).path
        if (!path) throw new GopsError('PROCESS_UNREADABLE', `the executable of process ${pid} is not known`)
        return { target: `pid ${pid}`, pid, exe: path, path }
      } catch (error) {
        return { target: `pid ${pid}`, pid, error: error instanceof GopsError ? error : new GopsError('PROCESS_UNREADABLE', String(error)) }
      }
    }),
  )
}
