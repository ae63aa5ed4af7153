// The memstats reply, parsed. Key names follow gops master; v0.3.28 agents spell four of them
// differently (stack-mspan-inuse, ...) and lack buck-hash-sys: both are read.
import { parseGoBytes, parseGoDuration, parseGoTime } from './go-values'
import { badReply, numberField, parseKeyValues } from './replies'

/** Go's runtime.MemStats as the agent reports them: sizes in bytes, durations in nanoseconds. */
export interface MemStats {
  /** Always `'go'`: tells this from a Node agent's {@link NodeReply}. */
  runtime: 'go'
  /** Bytes of allocated heap objects (Go `Alloc`). */
  alloc: number
  /** Cumulative bytes allocated for heap objects (`TotalAlloc`). */
  totalAlloc: number
  /** Total bytes of memory obtained from the OS (`Sys`). */
  sys: number
  /** Pointer lookups performed by the runtime (`Lookups`). */
  lookups: number
  /** Cumulative count of heap objects allocated (`Mallocs`). */
  mallocs: number
  /** Cumulative count of heap objects freed (`Frees`). */
  frees: number
  /** Bytes of allocated heap objects (`HeapAlloc`): the live heap plus garbage not yet swept. */
  heapAlloc: number
  /** Bytes of heap memory obtained from the OS (`HeapSys`). */
  heapSys: number
  /** Bytes in idle (unused) heap spans (`HeapIdle`). */
  heapIdle: number
  /** Bytes in in-use heap spans (`HeapInuse`). */
  heapInUse: number
  /** Bytes of physical memory returned to the OS (`HeapReleased`). */
  heapReleased: number
  /** Number of allocated heap objects (`HeapObjects`). */
  heapObjects: number
  /** Bytes in stack spans (`StackInuse`). */
  stackInUse: number
  /** Bytes of stack memory obtained from the OS (`StackSys`). */
  stackSys: number
  /** Bytes of allocated mspan structures (`MSpanInuse`). */
  mspanInUse: number
  /** Bytes obtained from the OS for mspan structures (`MSpanSys`). */
  mspanSys: number
  /** Bytes of allocated mcache structures (`MCacheInuse`). */
  mcacheInUse: number
  /** Bytes obtained from the OS for mcache structures (`MCacheSys`). */
  mcacheSys: number
  /** Absent from gops v0.3.28 agents. */
  buckHashSys?: number
  /** Bytes of miscellaneous off-heap runtime allocations (`OtherSys`). */
  otherSys: number
  /** Bytes of memory in garbage collection metadata (`GCSys`). */
  gcSys: number
  /** The heap size that triggers the next GC, in bytes. */
  nextGC: number
  /** Null before the first GC. */
  lastGC: Date | null
  /** Cumulative nanoseconds in GC stop-the-world pauses (`PauseTotalNs`). */
  gcPauseTotalNs: number
  /** The most recent pause, in nanoseconds. */
  gcPauseNs: number
  /** When the most recent pause ended; null before the first GC. */
  gcPauseEnd: Date | null
  /** Completed GC cycles (`NumGC`). */
  numGC: number
  /** GC cycles forced by the application calling `runtime.GC` (`NumForcedGC`). */
  numForcedGC: number
  /** Fraction of the CPU time available to the program used by the GC since it started (`GCCPUFraction`). */
  gcCPUFraction: number
  /** Whether GC is enabled (`EnableGC`; true even with `GOGC=off`). */
  enableGC: boolean
  /** Currently unused by Go (`DebugGC`). */
  debugGC: boolean
  /** The reply exactly as the agent sent it. */
  raw: string
}

export function parseMemStats(text: string, source = 'the memstats reply'): MemStats {
  const fields = parseKeyValues(text)
  const count = (key: string): number => numberField(fields, key, source)
  /** A size under master's key, or under v0.3.28's `legacyKey`. */
  const bytes = (key: string, legacyKey = key): number =>
    numberField(fields, fields.has(key) ? key : legacyKey, source, parseGoBytes)
  const flag = (key: string): boolean => {
    const value = fields.get(key)
    if (value !== 'true' && value !== 'false') throw badReply(source, `"${key}" is not true or false`)
    return value === 'true'
  }

  const nextGC = (value: string): number | null => parseGoBytes(value.replace(/^when heap-alloc >= /, ''))
  const lastGC = fields.get('last-gc')
  const lastGCTime = lastGC === '-' ? null : parseGoTime(lastGC ?? '')
  if (lastGC !== '-' && lastGCTime === null) throw badReply(source, `"last-gc: ${lastGC ?? ''}" is not a time`)
  const pauseEndNs = count('gc-pause-end')

  return {
    runtime: 'go',
    alloc: bytes('alloc'),
    totalAlloc: bytes('total-alloc'),
    sys: bytes('sys'),
    lookups: count('lookups'),
    mallocs: count('mallocs'),
    frees: count('frees'),
    heapAlloc: bytes('heap-alloc'),
    heapSys: bytes('heap-sys'),
    heapIdle: bytes('heap-idle'),
    heapInUse: bytes('heap-in-use'),
    heapReleased: bytes('heap-released'),
    heapObjects: count('heap-objects'),
    stackInUse: bytes('stack-in-use'),
    stackSys: bytes('stack-sys'),
    mspanInUse: bytes('mspan-in-use', 'stack-mspan-inuse'),
    mspanSys: bytes('mspan-sys', 'stack-mspan-sys'),
    mcacheInUse: bytes('mcache-in-use', 'stack-mcache-inuse'),
    mcacheSys: bytes('mcache-sys', 'stack-mcache-sys'),
    ...(fields.has('buck-hash-sys') ? { buckHashSys: bytes('buck-hash-sys') } : {}),
    otherSys: bytes('other-sys'),
    gcSys: bytes('gc-sys'),
    nextGC: numberField(fields, 'next-gc', source, nextGC),
    lastGC: lastGCTime,
    gcPauseTotalNs: numberField(fields, 'gc-pause-total', source, parseGoDuration),
    gcPauseNs: count('gc-pause'),
    gcPauseEnd: pauseEndNs === 0 ? null : new Date(pauseEndNs / 1e6),
    numGC: count('num-gc'),
    numForcedGC: count('num-forced-gc'),
    gcCPUFraction: count('gc-cpu-fraction'),
    enableGC: flag('enable-gc'),
    debugGC: flag('debug-gc'),
    raw: text,
  }
}
