// Finding Go processes (and Node processes running a gops-native agent): the TypeScript face
// of the Rust scanner (crates/gops-napi/src/discover.rs). `Scanner` keeps the identity cache
// between scans; `discover()` is the one-call form. `watch()` (src/watch.ts) shares the options
// and the process shape defined here.
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
  ProcessRuntime as NativeProcessRuntime,
  Scanner as NativeScanner,
} from './native-types'
import { abortable, taskError, type AbortOptions } from './abort'
import * as check from './arguments'
import { ASYNC_DISPOSE, DISPOSE } from './dispose'
import type { Reshaped, WithNulls } from './native-shape'
import { GopsError } from './errors'
import { native } from './native'
import { gopsConfigDir } from './protocol/config-dir'

/** Options of a `Scanner` (and of `discover()`, `discoverSync()`, `watch()`). */
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

/** The keys of ScannerOptions, for the exports that take them and more (ScannerCollector). */
export const SCANNER_OPTIONS_SET = { configDir: true, concurrency: true, includeNode: true, mode: true } as const satisfies {
  [K in keyof Required<ScannerOptions>]: true
}
const SCANNER_OPTIONS = check.optionKeys<ScannerOptions>(SCANNER_OPTIONS_SET)

/** Options of one `Scanner.scan()`. */
export interface ScanOptions {
  /** Stops waiting for the scan: it rejects with ABORTED. */
  signal?: AbortSignal
}
const SCAN_OPTIONS = check.optionKeys<ScanOptions>({ signal: true })

/** Options of `discover()`: a Scanner's options and a scan's. */
export interface DiscoverOptions extends ScannerOptions, ScanOptions {}
const DISCOVER_OPTIONS = check.optionKeys<DiscoverOptions>({ ...SCANNER_OPTIONS_SET, signal: true })

// GoProcess and ScanStats are the addon's shapes (crates/gops-napi/src/discover.rs, with its doc
// comments), derived from the generated src/native-types.ts: see src/native-shape.ts.

/** A module named by a process's build info. */
export interface ProcessModule extends Readonly<WithNulls<NativeModule>> {}

/** What a Go process's build info says about its main package and module. */
export interface ProcessBuildInfo extends Readonly<Reshaped<NativeBuildInfo, 'main'>> {
  /** The main module; null when the build info names none. */
  readonly main: ProcessModule | null
}

/** The container (another PID or mount namespace) a process runs in. */
export interface ProcessContainer extends Readonly<WithNulls<NativeContainer>> {}

/** Which runtime a found process runs: Go, or Node with a gops-native agent. */
export type ProcessRuntime = `${NativeProcessRuntime}`

/** Frozen: a Scanner hands out the same object again while the process stays the same. Absent values are null. */
export interface GoProcess extends Readonly<Reshaped<NativeProcess, 'runtime' | 'buildInfo' | 'container'>> {
  /** Which runtime the process runs: Go, or Node with a gops-native agent. */
  readonly runtime: ProcessRuntime
  /** The executable's build info; null when it could not be read. */
  readonly buildInfo: ProcessBuildInfo | null
  /** Set when the process runs in another PID or mount namespace; null otherwise. */
  readonly container: ProcessContainer | null
}

/** What one scan looked at and found. */
export interface ScanStats extends WithNulls<NativeScanStats> {}

/** What one scan returns: the processes found and statistics about the scan. */
export interface ScanResult {
  /** The processes found. */
  processes: GoProcess[]
  /** What the scan looked at and found. */
  stats: ScanStats
}

/**
 * Scans repeatedly and cheaply: what each executable is stays cached by file identity, and a
 * process reported the same as last time is the same (frozen) object. Scans run one at a time.
 * `close()` (or `using`) releases what it holds: in `'auto'` and `'events'` modes, a netlink
 * socket of the kernel's process events.
 */
export class Scanner {
  readonly #native: NativeScanner
  /** What the last scan reported, by PID: the native side only sends what changed. */
  #last = new Map<number, GoProcess>()
  /** `#last`'s values, ordered by PID (kept while no scan changes them). */
  #sorted: GoProcess[] = []
  #queue: Promise<unknown> = Promise.resolve()
  #pending = 0
  #mode: WatchMode
  #fallbackReason: string | null
  #resyncs = 0
  #closed = false

  /** Creates a scanner with these options (invalid options throw a GopsError). */
  constructor(options?: ScannerOptions) {
    const given = check.options(options, SCANNER_OPTIONS)
    const mode = check.oneOf(given.mode, 'mode', WATCH_MODES) ?? 'polling'
    const scanner = nativeScannerOptions(given)
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
   * Scans without blocking the JS thread. `options.signal` rejects it with ABORTED at once (a
   * scan waiting for its turn never starts; one under way stops at its next process); the
   * scanner stays usable, and its next scan lists every process again. Rejects with CLOSED once
   * the scanner is closed.
   */
  async scan(options?: ScanOptions): Promise<ScanResult> {
    const signal = check.abortSignal(check.options(options, SCAN_OPTIONS).signal, 'signal')
    this.#pending++
    try {
      return await abortable(signal, 'the scan', (own) => {
        const turn = this.#queue.then(() => (own?.aborted ? null : this.#native.scan(own)))
        this.#queue = turn.catch(() => undefined)
        return turn
      }).then((result) => this.#apply(result!))
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

  /**
   * Releases the scanner's descriptors now (not at garbage collection): a scan under way stops
   * at its next process and rejects with CLOSED, as does every later one. Idempotent.
   */
  close(): void {
    this.#native.close()
  }

  [DISPOSE](): void {
    this.close()
  }

  async [ASYNC_DISPOSE](): Promise<void> {
    this.close()
  }

  #apply(result: NativeScanResult): ScanResult {
    this.#mode = result.mode
    this.#fallbackReason = result.fallback ?? null
    this.#resyncs = result.resyncs
    // Nothing new and nobody gone (every warm scan of a quiet host): the list stands as it was.
    if (result.processes.length > 0 || result.unchanged.length !== this.#last.size) {
      const current = new Map<number, GoProcess>()
      for (const pid of result.unchanged) current.set(pid, this.#last.get(pid)!)
      for (const process of result.processes) current.set(process.pid, toGoProcess(process))
      this.#last = current
      this.#sorted = [...current.values()].sort((a, b) => a.pid - b.pid)
    }
    return { processes: this.#sorted.slice(), stats: result.stats }
  }
}

/** Every Go process on this host (and Node processes running our agent), ordered by PID. */
export async function discover(options?: DiscoverOptions): Promise<GoProcess[]> {
  const { signal, ...scanner } = check.options(options, DISCOVER_OPTIONS)
  return (await new Scanner(scanner).scan({ signal })).processes
}

/** Like `discover()`, but synchronous (blocks the thread for the whole scan): the Go processes (and Node processes with an agent) found now. */
export function discoverSync(options?: ScannerOptions): GoProcess[] {
  return new Scanner(options).scanSync().processes
}

/** The addon's scanner options from checked ones. */
export function nativeScannerOptions({ configDir, concurrency, includeNode }: Partial<ScannerOptions>): NativeScannerOptions {
  return {
    configDir: check.path(configDir, 'configDir') ?? gopsConfigDir(),
    concurrency: check.concurrency(concurrency),
    includeNode: check.boolean(includeNode, 'includeNode'),
  }
}

/** Where a watch or a Scanner learns of starts and exits (the addon's own names). */
export type WatchMode = `${NativeMode}`

// Checked against the addon's enum: a mode renamed or removed in Rust fails tsc here.
export const WATCH_MODES = ['auto', 'events', 'polling'] as const satisfies ReadonlyArray<`${NativeRequestedMode}`>

/** Opens a native scanner or watcher: where events were required and are unavailable, EVENTS_UNAVAILABLE. */
export function openNative<T>(failed: 'SCAN_FAILED' | 'WATCH_FAILED', mode: string, open: () => T): T {
  try {
    return open()
  } catch (error) {
    const code = mode === 'events' ? 'EVENTS_UNAVAILABLE' : failed
    throw new GopsError(code, (error as Error)?.message ?? String(error), { cause: error })
  }
}

export function toGoProcess(p: NativeProcess): GoProcess {
  return Object.freeze({
    pid: p.pid,
    ppid: p.ppid,
    name: p.name,
    path: p.path,
    deleted: p.deleted,
    runtime: p.runtime,
    goVersion: p.goVersion ?? null,
    buildInfo: p.buildInfo
      ? Object.freeze({ path: p.buildInfo.path, main: p.buildInfo.main ? Object.freeze({ path: p.buildInfo.main.path, version: p.buildInfo.main.version }) : null })
      : null,
    agent: p.agent,
    agentPort: p.agentPort ?? null,
    portFile: p.portFile ?? null,
    startedMs: p.startedMs,
    nsPid: p.nsPid ?? null,
    container: p.container ? Object.freeze({ cgroup: p.container.cgroup, id: p.container.id ?? null }) : null,
  })
}

/** ABORTED and CLOSED as they are; any other failure of a scan is SCAN_FAILED. */
export function scanError(error: unknown): GopsError {
  const coded = taskError(error)
  if (coded instanceof GopsError) return coded
  return new GopsError('SCAN_FAILED', (error as Error)?.message ?? String(error), { cause: error })
}
