// Finding Go processes (and Node processes running a gops-native agent): the TypeScript face
// of the Rust scanner. `Scanner` keeps the identity cache between scans; `discover()` is the
// one-call form; `watch()` tells starts and exits, from the kernel's process events where
// permitted, else from repeated scans (crates/gops-core/src/watcher.rs decides which).
import type {
  NativeBuildInfo,
  NativeContainer,
  NativeMode,
  NativeModule,
  NativeProcess,
  NativeRequestedMode,
  NativeScannerOptions,
  NativeScanResult,
  NativeScanStats,
  NativeWatchBatch,
  Scanner as NativeScanner,
  Watcher as NativeWatcher,
} from './native-types'
import * as check from './arguments'
import type { Reshaped } from './native-shape'
import { GopsError } from './errors'
import { native } from './native'
import { gopsConfigDir } from './protocol/config-dir'

export interface ScannerOptions {
  /** Where agents write port files. Default: gops's rules (`$GOPS_CONFIG_DIR`, ...). */
  configDir?: string
  /** Threads for per-process reads and inspections, 1-64 (default: cores, at most 8). */
  concurrency?: number
  /** Also report Node processes running a gops-native agent (default true). */
  includeNode?: boolean
  /**
   * Where a `Scanner`'s scans learn what changed. `'polling'` (the default for a `Scanner`):
   * every scan lists `/proc`. `'auto'`: the first scan lists `/proc`, later ones look only at
   * the processes the kernel's process events name (fork, exec, exit), where those are available
   * (Linux, as root or with CAP_NET_ADMIN on older kernels), else polling. `'events'`: events or
   * an EVENTS_UNAVAILABLE error. `watch()` has the same modes (its default is `'auto'`).
   */
  mode?: 'auto' | WatchMode
}

// GoProcess and ScanStats are the addon's shapes (crates/gops-napi/src/discover.rs, with its doc
// comments), derived from the generated src/native-types.ts: see src/native-shape.ts.

/** What a Go process's build info says about its main package and module. */
export interface ProcessBuildInfo extends Readonly<Reshaped<NativeBuildInfo, 'main'>> {
  readonly main: Readonly<NativeModule> | null
}

/** Frozen: a Scanner hands out the same object again while the process stays the same. */
export interface GoProcess
  extends Readonly<Reshaped<NativeProcess, 'buildInfo' | 'nsPid' | 'container'>>,
    Readonly<Pick<NativeProcess, 'nsPid'>> {
  readonly buildInfo: ProcessBuildInfo | null
  readonly container?: Readonly<NativeContainer>
}

export type ScanStats = NativeScanStats

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
  #mode: WatchMode
  #fallbackReason: string | null
  #resyncs = 0
  #closed = false

  constructor(options?: ScannerOptions) {
    const mode = check.oneOf(check.options(options).mode, 'mode', WATCH_MODES) ?? 'polling'
    const scanner = nativeScannerOptions(options)
    this.#native = openNative('SCAN_FAILED', mode, () => new (native().Scanner)(scanner, mode as NativeRequestedMode))
    this.#mode = this.#native.mode
    this.#fallbackReason = this.#native.fallback ?? null
  }

  /** `'events'` (scans follow the kernel's process events) or `'polling'` (each lists `/proc`). */
  get mode(): WatchMode {
    return this.#mode
  }

  /** Why it polls though events were not refused (e.g. not permitted); null otherwise. */
  get fallbackReason(): string | null {
    return this.#fallbackReason
  }

  /** Full scans made because the kernel dropped events (its buffer overran): nothing is lost. */
  get resyncs(): number {
    return this.#resyncs
  }

  /**
   * Releases what it holds (the process-events socket, its caches); later scans fail with
   * SCAN_FAILED. Idempotent.
   */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#last = new Map()
    void this.#queue.then(() => this.#native.close())
  }

  /** Scans without blocking the JS thread. */
  async scan(): Promise<ScanResult> {
    if (this.#closed) throw new GopsError('SCAN_FAILED', 'the Scanner was closed')
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
    if (this.#closed) throw new GopsError('SCAN_FAILED', 'the Scanner was closed')
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
    this.#mode = result.mode
    this.#fallbackReason = result.fallback ?? null
    this.#resyncs = result.resyncs
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

function nativeScannerOptions(options: ScannerOptions | undefined): NativeScannerOptions {
  const { configDir, concurrency, includeNode } = check.options(options)
  return {
    configDir: check.path(configDir, 'configDir') ?? gopsConfigDir(),
    concurrency: check.concurrency(concurrency),
    includeNode: check.boolean(includeNode, 'includeNode'),
  }
}

/** Where a watch or a Scanner learns of starts and exits (the addon's own names). */
export type WatchMode = `${NativeMode}`

export interface WatchOptions extends ScannerOptions {
  /**
   * `'auto'` (default): the kernel's process events where available (Linux, as root or with
   * CAP_NET_ADMIN on older kernels), else polling. `'events'`: events or an EVENTS_UNAVAILABLE
   * error. `'polling'`: a full scan every `intervalMs`.
   */
  mode?: 'auto' | WatchMode
  /** Time between scans when polling (default 1000 ms). */
  intervalMs?: number
  /** Ends the iteration. */
  signal?: AbortSignal
  /** Let the wait for the next change keep the event loop alive (default true), as Node's timers/promises. */
  ref?: boolean
}

export interface WatchEvent {
  type: 'start' | 'exit'
  process: GoProcess
}

/** An async iterator of starts and exits that also says where they come from. */
export interface Watch extends AsyncGenerator<WatchEvent, void, undefined> {
  /** `'events'` (the kernel tells each fork, exec and exit) or `'polling'`. */
  readonly mode: WatchMode
  /** Why it polls though events were not refused (e.g. not permitted); null otherwise. */
  readonly fallbackReason: string | null
  /** Full rescans made because the kernel dropped events (its buffer overran): nothing is lost. */
  readonly resyncs: number
}

// Checked against the addon's enum: a mode renamed or removed in Rust fails tsc here.
const WATCH_MODES = ['auto', 'events', 'polling'] as const satisfies ReadonlyArray<`${NativeRequestedMode}`>

/** Opens a native scanner or watcher: where events were required and are unavailable, EVENTS_UNAVAILABLE. */
function openNative<T>(failed: 'SCAN_FAILED' | 'WATCH_FAILED', mode: string, open: () => T): T {
  try {
    return open()
  } catch (error) {
    const code = mode === 'events' ? 'EVENTS_UNAVAILABLE' : failed
    throw new GopsError(code, (error as Error)?.message ?? String(error), { cause: error })
  }
}

/**
 * Go processes starting and exiting. The first batch reports every process already running as
 * `start`; an `exit` carries the object its `start` did. A process is its PID and its start
 * time: a reused PID is an exit and a start. Stops on `break`, on `signal`, or when a scan fails.
 */
export function watch(options?: WatchOptions): Watch {
  const given = check.options(options)
  const intervalMs = check.nonNegative(given.intervalMs, 'intervalMs') ?? 1000
  const signal = check.abortSignal(given.signal, 'signal')
  const ref = check.boolean(given.ref, 'ref') ?? true
  const mode = check.oneOf(given.mode, 'mode', WATCH_MODES) ?? 'auto'
  const scanner = nativeScannerOptions(options)
  const watcher: NativeWatcher = openNative('WATCH_FAILED', mode, () => new (native().Watcher)({ scanner, intervalMs, mode: mode as NativeRequestedMode }))
  const state = { mode: watcher.mode, fallbackReason: watcher.fallback ?? null, resyncs: 0 }
  const close = () => watcher.close()
  signal?.addEventListener('abort', close, { once: true })
  if (signal?.aborted) close()
  async function* changes(): AsyncGenerator<WatchEvent, void, undefined> {
    const told = new Map<string, GoProcess>()
    try {
      for (;;) {
        const batch = await nextBatch(watcher, ref)
        if (!batch || signal?.aborted) return
        state.mode = batch.mode
        state.fallbackReason = batch.fallback ?? null
        if (batch.resynced) state.resyncs++
        for (const p of batch.exited) {
          const key = processKey(p)
          const process = told.get(key) ?? toGoProcess(p)
          told.delete(key)
          yield { type: 'exit', process }
        }
        for (const p of batch.started) {
          const process = toGoProcess(p)
          told.set(processKey(p), process)
          yield { type: 'start', process }
        }
      }
    } finally {
      signal?.removeEventListener('abort', close)
      close()
    }
  }
  return Object.defineProperties(changes(), {
    mode: { get: () => state.mode },
    fallbackReason: { get: () => state.fallbackReason },
    resyncs: { get: () => state.resyncs },
  }) as Watch
}

function processKey(p: NativeProcess): string {
  return `${p.pid}@${p.startedMs}`
}

/** The next batch, waited for on a native thread; null once the watcher is closed. */
function nextBatch(watcher: NativeWatcher, ref: boolean): Promise<NativeWatchBatch | null> {
  return new Promise((resolve, reject) => {
    try {
      watcher.next(ref, (error, batch) => (error ? reject(scanError(error)) : resolve(batch)))
    } catch (error) {
      reject(scanError(error)) // no thread could be started
    }
  })
}

function toGoProcess(p: NativeProcess): GoProcess {
  const process: { -readonly [K in keyof GoProcess]: GoProcess[K] } = {
    pid: p.pid,
    ppid: p.ppid,
    name: p.name,
    path: p.path,
    deleted: p.deleted,
    runtime: p.runtime,
    goVersion: p.goVersion ?? null,
    buildInfo: p.buildInfo ? Object.freeze({ path: p.buildInfo.path, main: p.buildInfo.main ? Object.freeze(p.buildInfo.main) : null }) : null,
    agent: p.agent,
    agentPort: p.agentPort ?? null,
    portFile: p.portFile ?? null,
    startedMs: p.startedMs,
  }
  if (p.nsPid !== undefined) process.nsPid = p.nsPid
  if (p.container) process.container = Object.freeze(p.container.id ? p.container : { cgroup: p.container.cgroup })
  return Object.freeze(process)
}

function scanError(error: unknown): GopsError {
  return new GopsError('SCAN_FAILED', (error as Error)?.message ?? String(error), { cause: error })
}
