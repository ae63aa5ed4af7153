// The memstats reply, parsed. Key names follow gops master; v0.3.28 agents spell four of them
// differently (stack-mspan-inuse, ...) and lack buck-hash-sys: both are read.
import { parseGoBytes, parseGoDuration, parseGoTime } from './go-values'
import { badReply, numberField, parseKeyValues } from './replies'

/** Go's runtime.MemStats as the agent reports them: sizes in bytes, durations in nanoseconds. */
export interface MemStats {
  runtime: 'go'
  alloc: number
  totalAlloc: number
  sys: number
  lookups: number
  mallocs: number
  frees: number
  heapAlloc: number
  heapSys: number
  heapIdle: number
  heapInUse: number
  heapReleased: number
  heapObjects: number
  stackInUse: number
  stackSys: number
  mspanInUse: number
  mspanSys: number
  mcacheInUse: number
  mcacheSys: number
  /** Absent from gops v0.3.28 agents. */
  buckHashSys?: number
  otherSys: number
  gcSys: number
  /** The heap size that triggers the next GC, in bytes. */
  nextGC: number
  /** Null before the first GC. */
  lastGC: Date | null
  gcPauseTotalNs: number
  /** The most recent pause, in nanoseconds. */
  gcPauseNs: number
  /** When the most recent pause ended; null before the first GC. */
  gcPauseEnd: Date | null
  numGC: number
  numForcedGC: number
  gcCPUFraction: number
  enableGC: boolean
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
