// Go processes starting and exiting: the TypeScript face of the addon's `Watcher`
// (crates/gops-napi/src/watch.rs), which learns of them from the kernel's process events where
// permitted, else from repeated scans (crates/gops-core/src/watcher.rs decides which).
import type { NativeProcess, NativeRequestedMode, NativeWatchBatch, Watcher as NativeWatcher } from './native-types'
import * as check from './arguments'
import { ASYNC_DISPOSE, DISPOSE } from './dispose'
import { native } from './native'
import { nativeScannerOptions, openNative, scanError, SCANNER_OPTIONS_SET, toGoProcess, WATCH_MODES, type GoProcess, type ScannerOptions, type WatchMode } from './discover'

/** Options of `watch()`. */
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

/** A process that started or exited, as `watch()` yields it. */
export interface WatchEvent {
  /** `'start'`: the process appeared; `'exit'`: it is gone. */
  type: 'start' | 'exit'
  /** The process (for `'exit'`, as last seen). */
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
  /**
   * Ends the iteration and releases the watcher's descriptors (its events socket and wake
   * descriptor) now, even if it was never iterated; `using` and `await using` call it. Idempotent.
   */
  close(): void
  [DISPOSE](): void
  [ASYNC_DISPOSE](): Promise<void>
}

const WATCH_OPTIONS = check.optionKeys<WatchOptions>({ ...SCANNER_OPTIONS_SET, intervalMs: true, signal: true, ref: true })

/**
 * Go processes starting and exiting. The first batch reports every process already running as
 * `start`; an `exit` carries the object its `start` did. A process is its PID and its start
 * time: a reused PID is an exit and a start. Stops on `break`, on `signal`, or when a scan fails.
 */
export function watch(options?: WatchOptions): Watch {
  const given = check.options(options, WATCH_OPTIONS)
  const intervalMs = check.nonNegative(given.intervalMs, 'intervalMs') ?? 1000
  const signal = check.abortSignal(given.signal, 'signal')
  const ref = check.boolean(given.ref, 'ref') ?? true
  const mode = check.oneOf(given.mode, 'mode', WATCH_MODES) ?? 'auto'
  const scanner = nativeScannerOptions(given)
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
    close: { value: close },
    [DISPOSE]: { value: close },
    [ASYNC_DISPOSE]: { value: async () => close() },
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
