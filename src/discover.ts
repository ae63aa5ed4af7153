// Finding Go processes (and Node processes running a gops-native agent): the TypeScript face
// of the Rust scanner. `Scanner` keeps the identity cache between scans; `discover()` is the
// one-call form; `watch()` turns repeated scans into start/exit events.
import { setTimeout as sleep } from 'node:timers/promises'
import type { NativeProcess, NativeScanResult, Scanner as NativeScanner } from '../binding.cjs'
import { GopsError } from './errors'
import { native } from './native'
import { gopsConfigDir } from './protocol/portfile'

export interface ScannerOptions {
  /** Where agents write port files. Default: gops's rules (`$GOPS_CONFIG_DIR`, ...). */
  configDir?: string
  /** Threads for per-process reads and inspections (default: cores, at most 8). */
  concurrency?: number
  /** Also report Node processes running a gops-native agent (default true). */
  includeNode?: boolean
}

/** What a Go process's build info says about its main package and module. */
export interface ProcessBuildInfo {
  /** The main package's import path. */
  readonly path: string
  readonly main: { readonly path: string; readonly version: string } | null
}

/** Frozen: a Scanner hands out the same object again while the process stays the same. */
export interface GoProcess {
  readonly pid: number
  readonly ppid: number
  /** gops's name: the kernel's short name, extended from argv[0] when it was cut off. */
  readonly name: string
  /** The executable, as the process sees it (inside its container, if any). */
  readonly path: string
  /** The executable was deleted after the process started. */
  readonly deleted: boolean
  readonly runtime: 'go' | 'node'
  /** null for Node processes, and for Go binaries that kept no trace of their Go version. */
  readonly goVersion: string | null
  readonly buildInfo: ProcessBuildInfo | null
  /** A gops port file written since the process started exists for it. */
  readonly agent: boolean
  readonly startedAt: Date
  /** The PID inside the process's own PID namespace, when that differs from ours. */
  readonly nsPid?: number
  /** Set when the process runs in another PID or mount namespace. */
  readonly container?: { readonly cgroup: string; readonly id?: string }
}

export interface ScanStats {
  /** Processes listed. */
  scanned: number
  go: number
  node: number
  /** Skipped: not permitted to look at them. */
  denied: number
  /** Skipped: exited during the scan. */
  vanished: number
  /** Skipped: reading them failed on our side (e.g. out of file descriptors); the result may be incomplete. */
  unreadable: number
  /** Processes whose executable was known from an earlier scan (not opened again). */
  cacheHits: number
  /** Executables opened and inspected by this scan. */
  inspected: number
  durationMs: number
}

export interface ScanResult {
  processes: GoProcess[]
  stats: ScanStats
}

/**
 * Scans repeatedly and cheaply: what each executable is stays cached by file identity, and a
 * process reported the same as last time is the same (frozen) object. Scans run one at a time.
 */
export class Scanner {
  readonly #native: NativeScanner
  /** What the last scan reported, by PID: the native side only sends what changed. */
  #last = new Map<number, GoProcess>()
  #queue: Promise<unknown> = Promise.resolve()
  #pending = 0

  constructor(options: ScannerOptions = {}) {
    const { concurrency } = options
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
      throw new GopsError('INVALID_OPTION', `concurrency must be an integer from 1 to 64, got ${concurrency}`)
    }
    this.#native = new (native().Scanner)({
      configDir: options.configDir ?? gopsConfigDir(),
      concurrency,
      includeNode: options.includeNode,
    })
  }

  /** Scans without blocking the JS thread. */
  async scan(): Promise<ScanResult> {
    const turn = this.#queue.then(() => this.#native.scan())
    this.#queue = turn.catch(() => undefined)
    this.#pending++
    try {
      return this.#apply(await turn)
    } catch (error) {
      throw scanError(error)
    } finally {
      this.#pending--
    }
  }

  /** Scans on the JS thread. Throws SCAN_IN_PROGRESS while an async scan of this Scanner runs. */
  scanSync(): ScanResult {
    if (this.#pending > 0) {
      throw new GopsError('SCAN_IN_PROGRESS', 'scanSync() called while scan() of the same Scanner is running')
    }
    try {
      return this.#apply(this.#native.scanSync())
    } catch (error) {
      throw scanError(error)
    }
  }

  #apply(result: NativeScanResult): ScanResult {
    const current = new Map<number, GoProcess>()
    for (const pid of result.unchanged) current.set(pid, this.#last.get(pid)!)
    for (const process of result.processes) current.set(process.pid, toGoProcess(process))
    this.#last = current
    return { processes: [...current.values()].sort((a, b) => a.pid - b.pid), stats: result.stats }
  }
}

/** Every Go process on this host (and Node processes running our agent), ordered by PID. */
export async function discover(options?: ScannerOptions): Promise<GoProcess[]> {
  return (await new Scanner(options).scan()).processes
}

export function discoverSync(options?: ScannerOptions): GoProcess[] {
  return new Scanner(options).scanSync().processes
}

export interface WatchOptions extends ScannerOptions {
  /** Time between scans (default 1000 ms). */
  intervalMs?: number
  /** Ends the iteration. */
  signal?: AbortSignal
  /** Let the wait between scans keep the event loop alive (default true), as Node's timers/promises. */
  ref?: boolean
}

export interface WatchEvent {
  type: 'start' | 'exit'
  process: GoProcess
}

/**
 * Go processes starting and exiting, as an async iterator. The first scan reports every
 * process already running as `start`. Stops on `break`, on `signal`, or when a scan fails.
 */
export async function* watch(options: WatchOptions = {}): AsyncGenerator<WatchEvent, void, undefined> {
  const { intervalMs = 1000, signal, ref = true } = options
  if (!(Number.isFinite(intervalMs) && intervalMs >= 0)) {
    throw new GopsError('INVALID_OPTION', `intervalMs must be a non-negative number, got ${intervalMs}`)
  }
  const scanner = new Scanner(options)
  let known = new Map<string, GoProcess>()
  while (!signal?.aborted) {
    const { processes } = await scanner.scan()
    // A PID can be reused: a process is its PID and its start time.
    const current = new Map(processes.map((p) => [`${p.pid}@${p.startedAt.getTime()}`, p]))
    for (const [key, process] of known) if (!current.has(key)) yield { type: 'exit', process }
    for (const [key, process] of current) if (!known.has(key)) yield { type: 'start', process }
    known = current
    try {
      await sleep(intervalMs, undefined, { signal, ref })
    } catch (error) {
      if (signal?.aborted) return
      throw error
    }
  }
}

function toGoProcess(p: NativeProcess): GoProcess {
  const process: { -readonly [K in keyof GoProcess]: GoProcess[K] } = {
    pid: p.pid,
    ppid: p.ppid,
    name: p.name,
    path: p.path,
    deleted: p.deleted,
    runtime: p.runtime === 'node' ? 'node' : 'go',
    goVersion: p.goVersion ?? null,
    buildInfo: p.buildInfo ? Object.freeze({ path: p.buildInfo.path, main: p.buildInfo.main ? Object.freeze(p.buildInfo.main) : null }) : null,
    agent: p.agent,
    startedAt: new Date(p.startedMs),
  }
  if (p.nsPid !== undefined) process.nsPid = p.nsPid
  if (p.container) process.container = Object.freeze(p.container.id ? p.container : { cgroup: p.container.cgroup })
  return Object.freeze(process)
}

function scanError(error: unknown): GopsError {
  return new GopsError('SCAN_FAILED', (error as Error)?.message ?? String(error), { cause: error })
}
