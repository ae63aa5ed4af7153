// Readers for the agents' small text replies: stats, version, setgc, gc.
import { GopsError } from '../errors'

/** The agent's `key: value` lines, keys in reply order. */
export function parseKeyValues(text: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    const colon = line.indexOf(': ')
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 2).trim())
  }
  return fields
}

export function badReply(source: string, detail: string): GopsError {
  return new GopsError('BAD_REPLY', `${source} is not in gops's format: ${detail}`)
}

/** Reads `key` as a number, or throws BAD_REPLY naming it. */
export function numberField(
  fields: Map<string, string>,
  key: string,
  source: string,
  parse: (text: string) => number | null = Number,
): number {
  const text = fields.get(key)
  if (text === undefined) throw badReply(source, `no "${key}" line`)
  const value = text === '' ? NaN : parse(text)
  if (value === null || !Number.isFinite(value)) throw badReply(source, `"${key}: ${text}" is not a number`)
  return value
}

/** Go's stats reply. */
export interface RuntimeStats {
  /** Always `'go'`: tells this from a Node agent's {@link NodeReply}. */
  runtime: 'go'
  /** Goroutines that exist (`runtime.NumGoroutine`). */
  goroutines: number
  /** OS threads the runtime created (`runtime/pprof` threadcreate count). */
  osThreads: number
  /** `GOMAXPROCS`: the CPUs executing Go code at once. */
  gomaxprocs: number
  /** Logical CPUs usable by the process (`runtime.NumCPU`). */
  numCPU: number
}

export function parseStats(text: string, source = 'the stats reply'): RuntimeStats {
  const fields = parseKeyValues(text)
  return {
    runtime: 'go',
    goroutines: numberField(fields, 'goroutines', source),
    osThreads: numberField(fields, 'OS threads', source),
    gomaxprocs: numberField(fields, 'GOMAXPROCS', source),
    numCPU: numberField(fields, 'num CPU', source),
  }
}

/** What `setGC()` resolves: the GC percent set and the one before. */
export interface SetGCResult {
  /** The GC percent now in force (-1: GC off). */
  percent: number
  /** The GC percent in force before (-1: GC was off). */
  previous: number
}

export function parseSetGC(text: string, source = 'the setgc reply'): SetGCResult {
  const match = text.match(/^New GC percent set to (-?\d+)\. Previous value was (-?\d+)\.\n?$/)
  if (!match) throw badReply(source, `"${truncate(text)}"`)
  return { percent: Number(match[1]), previous: Number(match[2]) }
}

/** The line Go's agent sends for `result` (gops prints the reply as it is). */
export function formatSetGC({ percent, previous }: SetGCResult): string {
  return `New GC percent set to ${percent}. Previous value was ${previous}.\n`
}

/** The version reply, read: see `client.versionInfo()`. */
export interface VersionInfo {
  /** Told by the first line: `go1.26.0` (or `devel go1...`) is Go, `node v20.20.2` our Node agent; null for anything else. */
  runtime: 'go' | 'node' | null
  /** The first line: `go1.26.0`, `node v20.20.2`. */
  version: string
  /** The `key: value` lines after it: the Node agent's v8, uv and openssl versions. */
  components: Record<string, string>
  /** The reply exactly as the agent sent it. */
  raw: string
}

export function parseVersion(text: string): VersionInfo {
  const [version = '', ...rest] = text.trim().split('\n')
  const runtime = /^node v\d/.test(version) ? 'node' : /^(go\d|devel\b)/.test(version) ? 'go' : null
  return { runtime, version: version.trim(), components: Object.fromEntries(parseKeyValues(rest.join('\n'))), raw: text }
}

export function checkGCReply(text: string, source = 'the gc reply'): void {
  if (text !== 'ok') throw badReply(source, `expected "ok", got "${truncate(text)}"`)
}

function truncate(text: string): string {
  const oneLine = JSON.stringify(text).slice(1, -1)
  return oneLine.length > 120 ? `${oneLine.slice(0, 120)}...` : oneLine
}
