// FILE|PID arguments of the inventory commands resolved to what to read: a file as given, or a
// running Go process (found by a scan, so its container and namespace PID come along) read
// through /proc/PID/exe, which reaches a deleted executable and one inside a container. No
// argument means every Go process on the host.
import { resolve } from 'node:path'
import type { GopsErrorCode } from '../errors'
import { type GoProcess, discover } from '../discover'
import { processDetails } from '../process-details'
import { isGopsError } from '../errors'

/** A file, or a PID (a number, or a string of digits: name a file called `123` as `./123`). */
export type Target = string | number

export type ResolvedTarget =
  | { kind: 'file'; target: string; /** Absolute path. */ path: string; /** What to open. */ read: string }
  | { kind: 'process'; target: string; process: GoProcess; read: string }

/** A target that yields nothing, and why (in the batch's results, never thrown for the batch). */
export interface TargetFailure {
  /** The target as named (a PID as its digits). */
  target: string
  /** Why: the GopsError code. */
  code: GopsErrorCode
  /** The error message. */
  message: string
}

export interface ResolveOptions {
  signal?: AbortSignal
  /** Where gops agents write port files (only matters for the scan's agent flag). */
  configDir?: string
}

const isPid = (target: Target): boolean => typeof target === 'number' || /^\d+$/.test(target)

/** Where to read a running process's executable: Linux's link reaches it even when deleted or in another mount namespace. */
export const executableOf = (process: GoProcess): string => (globalThis.process.platform === 'linux' ? `/proc/${process.pid}/exe` : process.path)

export async function resolveTargets(targets: readonly Target[], options: ResolveOptions = {}): Promise<{ resolved: ResolvedTarget[]; failures: TargetFailure[] }> {
  const resolved: ResolvedTarget[] = []
  const failures: TargetFailure[] = []
  const wantsScan = targets.length === 0 || targets.some(isPid)
  const scanned = wantsScan ? await discover({ includeNode: false, configDir: options.configDir }) : []
  options.signal?.throwIfAborted()
  const goByPid = new Map(scanned.filter((p) => p.runtime === 'go').map((p) => [p.pid, p]))
  if (targets.length === 0) {
    for (const process of goByPid.values()) resolved.push({ kind: 'process', target: String(process.pid), process, read: executableOf(process) })
    return { resolved, failures }
  }
  for (const target of targets) {
    const text = String(target)
    if (!isPid(target)) {
      const path = resolve(text)
      resolved.push({ kind: 'file', target: text, path, read: path })
      continue
    }
    const pid = Number(target)
    const process = goByPid.get(pid)
    if (process) {
      resolved.push({ kind: 'process', target: text, process, read: executableOf(process) })
      continue
    }
    failures.push(await whyNotGo(pid))
  }
  return { resolved, failures }
}

/** A PID the scan did not report as Go: gone, unreadable, or another program. */
async function whyNotGo(pid: number): Promise<TargetFailure> {
  const target = String(pid)
  try {
    const details = await processDetails(pid)
    return { target, code: 'INVALID_TARGET', message: `process ${pid} (${details.name}) is not a Go program` }
  } catch (error) {
    if (isGopsError(error)) return { target, code: error.code, message: error.message }
    throw error
  }
}
