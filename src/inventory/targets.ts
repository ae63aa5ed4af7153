// FILE|PID arguments of the inventory (sbom, vulns) resolved to what to read: a file as given, or
// a running Go process found by a scan (so its container and namespace PID come along) read
// through /proc/PID/exe on Linux, which reaches a deleted executable and one inside a container.
// No argument means every Go process on the host. The caller says how to scan: sbom() once per
// call, a VulnScanner through the Scanner it keeps warm.
import { resolve } from 'node:path'
import * as check from '../arguments'
import type { GoProcess } from '../discover'
import { isGopsError, type GopsErrorCode } from '../errors'
import { processDetails } from '../process-details'

/** A file, or a PID (a number, or a string of digits: name a file called `123` as `./123`). */
export type Target = string | number

/** A target that yields nothing, and why (in the batch's results, never thrown for the batch). */
export interface TargetFailure {
  /** The target as named (a PID as its digits). */
  target: string
  /** Why: the GopsError code. */
  code: GopsErrorCode
  /** The error message. */
  message: string
}

export type ResolvedTarget =
  | { kind: 'file'; target: string; pid: null; process: null; /** Absolute path. */ path: string; /** What to open. */ read: string }
  | { kind: 'process'; target: string; pid: number; process: GoProcess; /** The executable as the process reports it. */ path: string; read: string }
  | ({ kind: 'failure'; pid: number | null } & TargetFailure)

export interface ResolveOptions {
  /** Lists this host's processes; called once, and only when a PID (or no target) is given. */
  scan: () => Promise<GoProcess[]>
  signal?: AbortSignal
}

export const isPid = (target: Target): boolean => typeof target === 'number' || /^\d+$/.test(target)

/** INVALID_ARGUMENT unless `targets` is a list of non-empty paths and PIDs. */
export function checkTargets(targets: readonly Target[] | undefined): void {
  check.list(targets, 'targets', (value: Target, name: string) => {
    if (typeof value === 'number') check.integer(value, name, 1, 0xffff_ffff)
    else if (typeof value !== 'string' || value === '') throw check.wrong(name, 'a file path or a PID', value)
  })
}

/** Where to read a running process's executable: Linux's link reaches it even when deleted or in another mount namespace. */
const executableOf = (process: GoProcess): string => (globalThis.process.platform === 'linux' ? `/proc/${process.pid}/exe` : process.path)

function fromProcess(process: GoProcess, target = String(process.pid)): ResolvedTarget {
  return { kind: 'process', target, pid: process.pid, process, path: process.path, read: executableOf(process) }
}

/** The targets resolved in order (none: every Go process of the scan, by PID). */
export async function resolveTargets(targets: readonly Target[], { scan, signal }: ResolveOptions): Promise<ResolvedTarget[]> {
  const scanned = targets.length === 0 || targets.some(isPid) ? await scan() : []
  signal?.throwIfAborted()
  // Node processes running our agent are listed by scans too: only Go ones have Go code to read.
  const goByPid = new Map(scanned.filter((p) => p.runtime === 'go').map((p) => [p.pid, p]))
  if (targets.length === 0) return [...goByPid.values()].map((p) => fromProcess(p))
  return Promise.all(
    targets.map(async (target): Promise<ResolvedTarget> => {
      const text = String(target)
      if (!isPid(target)) {
        const path = resolve(text)
        return { kind: 'file', target: text, pid: null, process: null, path, read: path }
      }
      const process = goByPid.get(Number(target))
      return process ? fromProcess(process, text) : { kind: 'failure', pid: Number(target), ...(await whyNotGo(Number(target), text)) }
    }),
  )
}

/** A PID the scan did not report as Go: gone, unreadable, or another program. */
async function whyNotGo(pid: number, target: string): Promise<TargetFailure> {
  try {
    const details = await processDetails(pid)
    return { target, code: 'INVALID_TARGET', message: `process ${pid} (${details.name}) is not a Go program` }
  } catch (error) {
    if (isGopsError(error)) return { target, code: error.code, message: error.message }
    throw error
  }
}
