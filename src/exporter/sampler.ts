// What the exporter serves: the last good scan (and agent figures). A polling scanner rescans at
// most once per interval however often it is asked; a scanner that follows the kernel's process
// events rescans at every ask (it looks only at what forked, exec'd or exited: a fraction of a
// millisecond), so a new process is served at the next scrape. A refresh that changed nothing
// hands out the same snapshot object again, so whatever was built from it can be kept.
import type { GoProcess, Scanner, ScanStats } from '../discover'
import { GopsError, isGopsError } from '../errors'
import { readAgents, type AgentFigures } from './agent-figures'

export interface AgentStatsOptions {
  /** Every agent read of a refresh ends within this many ms of its start. */
  timeoutMs: number
  /** How many agents are asked at once. */
  concurrency: number
}

export interface SamplerOptions {
  scanner: Scanner
  /** Polling: rescan at most this often. Both modes: read agents at most this often. */
  intervalMs: number
  /** null: agents are not asked. */
  agentStats: AgentStatsOptions | null
  /** At most this many processes are served (the lowest PIDs); Infinity: no bound. */
  maxProcesses: number
}

/** One good refresh. Frozen in spirit: a refresh that changed something makes a new snapshot. */
export interface Snapshot {
  /** The processes served: at most `maxProcesses`, by PID. */
  processes: GoProcess[]
  /** Processes found but left out by `maxProcesses`. */
  omitted: number
  stats: ScanStats
  /** When the scan that made it finished, ms since the epoch. */
  scannedAt: number
  /** By PID, the agents that answered in time. */
  agents: Map<number, AgentFigures>
  /** PIDs of the processes with an agent that were asked. */
  agentPids: number[]
}

/** What one refresh did, for the counters and the histogram. */
export interface RefreshReport {
  /** Seconds the scan took; null when it failed. */
  scanSeconds: number | null
  stats: ScanStats | null
  agentFailures: Map<string, number>
}

export class Sampler {
  readonly #options: SamplerOptions
  #snapshot: Snapshot | null = null
  /** When the last good scan finished (a snapshot kept because nothing changed keeps its own). */
  #lastScanAt: number | null = null
  #lastError: GopsError | null = null
  #lastAttempt = -Infinity
  #lastAgentRead = -Infinity
  #refreshing: Promise<Snapshot | null> | null = null
  readonly #listeners = new Set<(report: RefreshReport) => void>()
  readonly #stop = new AbortController()

  constructor(options: SamplerOptions) {
    this.#options = options
  }

  /**
   * The last good snapshot, refreshed first when due (see the file's comment); null only before
   * any scan succeeded. Never rejects: a failed scan is reported. Every caller in one turn of the
   * event loop gets the same promise, so one registry read sees one snapshot.
   */
  current(): Promise<Snapshot | null> {
    if (this.#refreshing) return this.#refreshing
    const now = performance.now()
    const following = this.#options.scanner.mode === 'events'
    if (!following && now - this.#lastAttempt < this.#options.intervalMs) return Promise.resolve(this.#snapshot)
    this.#lastAttempt = now
    this.#refreshing = this.#refresh().finally(() => (this.#refreshing = null))
    return this.#refreshing
  }

  /** The last scan's failure, or null when it succeeded (or none ran yet). */
  get lastError(): GopsError | null {
    return this.#lastError
  }

  get agentStats(): boolean {
    return this.#options.agentStats !== null
  }

  get snapshot(): Snapshot | null {
    return this.#snapshot
  }

  /** When the last good scan finished (ms since the epoch), or null. */
  get lastScanAt(): number | null {
    return this.#lastScanAt
  }

  get scanner(): Scanner {
    return this.#options.scanner
  }

  /** Calls `listener` after each refresh, before the scrapes waiting for it read the snapshot. */
  onRefresh(listener: (report: RefreshReport) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Abandons agent reads in flight. */
  close(): void {
    this.#stop.abort()
  }

  async #refresh(): Promise<Snapshot | null> {
    const { scanner, agentStats, intervalMs, maxProcesses } = this.#options
    const started = performance.now()
    let report: RefreshReport
    try {
      const scanned = await scanner.scan()
      const scanSeconds = (performance.now() - started) / 1000
      this.#lastScanAt = Date.now()
      const processes = scanned.processes.length > maxProcesses ? scanned.processes.slice(0, maxProcesses) : scanned.processes
      const omitted = scanned.processes.length - processes.length
      const previous = this.#snapshot
      const sameProcesses = previous !== null && previous.omitted === omitted && sameObjects(previous.processes, processes)
      const agentsDue = agentStats !== null && performance.now() - this.#lastAgentRead >= intervalMs
      let agentFailures = new Map<string, number>()
      if (previous && sameProcesses && !agentsDue) {
        // Nothing to serve differently: the same snapshot, so gauges and cached text stand.
        previous.stats = scanned.stats
      } else {
        let agents = previous?.agents ?? new Map<number, AgentFigures>()
        const withAgent = agentStats ? processes.filter((p) => p.agent) : []
        if (agentStats && (agentsDue || !sameProcesses)) {
          this.#lastAgentRead = performance.now()
          const read = await readAgents(withAgent, { ...agentStats, deadline: Date.now() + agentStats.timeoutMs, signal: this.#stop.signal })
          agents = read.figures
          agentFailures = read.failures
        }
        this.#snapshot = {
          processes: sameProcesses ? previous!.processes : processes,
          omitted,
          stats: scanned.stats,
          scannedAt: this.#lastScanAt,
          agents,
          agentPids: withAgent.map((p) => p.pid),
        }
      }
      this.#lastError = null
      report = { scanSeconds, stats: scanned.stats, agentFailures }
    } catch (error) {
      this.#lastError = isGopsError(error) ? error : new GopsError('SCAN_FAILED', String((error as Error)?.message ?? error), { cause: error })
      report = { scanSeconds: null, stats: null, agentFailures: new Map() }
    }
    for (const listener of this.#listeners) listener(report)
    return this.#snapshot
  }
}

/** A Scanner hands out the same frozen object while a process stays the same. */
export function sameObjects<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i])
}
