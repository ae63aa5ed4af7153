// The main thread's side of the agent: figures only main can read about itself (its heap,
// its event loop, its GC history), handed to the agent on request. It holds no timer and
// costs nothing until asked; the GC observer runs only when V8 collects anyway.
import { constants as perfConstants, performance, PerformanceObserver, type EventLoopUtilization } from 'node:perf_hooks'
import { getHeapCodeStatistics, getHeapSpaceStatistics, getHeapStatistics, type HeapSpaceInfo } from 'node:v8'
import type { MessagePort } from 'node:worker_threads'

export interface GcHistory {
  count: number
  major: number
  minor: number
  forced: number
  pauseTotalMs: number
  lastPauseMs: number
  /** Wall-clock end of the last collection, ms since the epoch; 0 before the first. */
  lastEndMs: number
}

export interface MainSnapshot {
  memory: NodeJS.MemoryUsage
  heap: ReturnType<typeof getHeapStatistics>
  spaces: HeapSpaceInfo[]
  code: ReturnType<typeof getHeapCodeStatistics>
  gc: GcHistory
  activeResources: string[]
  loop: EventLoopUtilization
  uptimeSeconds: number
}

/** What the agent learns from main: the snapshot, and how long main took to answer. */
export interface ProbeAnswer {
  snapshot: MainSnapshot
  lagMs: number
}

/**
 * Asks main for a snapshot, after a full collection when `collect` is set (see mainCollector);
 * null when main did not answer in time (it is blocked).
 */
export type AskMain = (collect?: boolean) => Promise<ProbeAnswer | null>

/**
 * A full collection main can run on itself, for runtimes whose inspector cannot collect: Bun's
 * (JavaScriptCore's) has no HeapProfiler.collectGarbage, but Bun.gc(true) collects synchronously.
 * Null where the inspector is the way (Node, Deno).
 */
export const mainCollector: (() => void) | null = (() => {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun
  return bun ? () => bun.gc(true) : null
})()

interface ProbeRequest {
  id: number
  collect: boolean
}

export interface MainProbe {
  snapshot(): MainSnapshot
  /** Answers snapshot requests arriving on `port` (from the agent's worker) without keeping the process alive. */
  serve(port: MessagePort): void
  stop(): void
}

export function startMainProbe(): MainProbe {
  const gc: GcHistory = { count: 0, major: 0, minor: 0, forced: 0, pauseTotalMs: 0, lastPauseMs: 0, lastEndMs: 0 }
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) recordGc(gc, entry)
  })
  observer.observe({ entryTypes: ['gc'] })
  let served: MessagePort | undefined

  const snapshot = (): MainSnapshot => ({
    memory: process.memoryUsage(),
    heap: getHeapStatistics(),
    spaces: getHeapSpaceStatistics(),
    code: getHeapCodeStatistics(),
    gc: { ...gc },
    activeResources: process.getActiveResourcesInfo(),
    loop: performance.eventLoopUtilization(),
    uptimeSeconds: process.uptime(),
  })

  return {
    snapshot,
    serve(port) {
      served = port
      port.on('message', ({ id, collect }: ProbeRequest) => {
        if (collect) mainCollector?.()
        port.postMessage({ id, snapshot: snapshot() })
      })
      port.unref()
    },
    stop() {
      observer.disconnect()
      served?.close()
    },
  }
}

function recordGc(gc: GcHistory, entry: PerformanceEntry): void {
  const detail = (entry as PerformanceEntry & { detail?: { kind: number; flags: number } }).detail
  gc.count++
  if (detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gc.major++
  if (detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) gc.minor++
  if (detail && detail.flags & perfConstants.NODE_PERFORMANCE_GC_FLAGS_FORCED) gc.forced++
  gc.pauseTotalMs += entry.duration
  gc.lastPauseMs = entry.duration
  gc.lastEndMs = performance.timeOrigin + entry.startTime + entry.duration
}

/** The worker's side: one request at a time on the port, answered or given up after `timeoutMs`. */
export function probeOverPort(port: MessagePort, timeoutMs: number): AskMain {
  let nextId = 0
  const waiting = new Map<number, (answer: MainSnapshot) => void>()
  port.on('message', ({ id, snapshot }: { id: number; snapshot: MainSnapshot }) => waiting.get(id)?.(snapshot))
  port.unref()
  return (collect = false) =>
    new Promise((resolve) => {
      const id = nextId++
      const started = performance.now()
      const timer = setTimeout(() => {
        waiting.delete(id)
        resolve(null)
      }, timeoutMs)
      waiting.set(id, (snapshot) => {
        clearTimeout(timer)
        waiting.delete(id)
        resolve({ snapshot, lagMs: performance.now() - started })
      })
      port.postMessage({ id, collect } satisfies ProbeRequest)
    })
}

/** Same-thread mode: main is the agent, so it always answers at once. */
export function probeInProcess(probe: MainProbe): AskMain {
  return async (collect = false) => {
    if (collect) mainCollector?.()
    return { snapshot: probe.snapshot(), lagMs: 0 }
  }
}
