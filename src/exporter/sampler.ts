// What the exporter serves: the last good scan (and agent figures), refreshed at most once per
// interval however often it is asked for, so every scrape of one refresh sees the same data.
import type { GoProcess, Scanner, ScanStats } from '../discover'
import { GopsError, isGopsError } from '../errors'
import { readAgents, type AddressCache, type AgentFigures } from './agent-figures'

export interface AgentStatsOptions {
  /** Every agent read of a refresh ends within this many ms of its start. */
  timeoutMs: number
  /** How many agents are asked at once. */
  concurrency: number
}

export interface SamplerOptions {
  scanner: Scanner
  intervalMs: number
  /** Where port files are looked for (the Scanner's configDir). */
  configDir?: string
  /** null: agents are not asked. */
  agentStats: AgentStatsOptions | null
}

/** One good refresh. Frozen in spirit: a new refresh makes a new snapshot. */
export interface Snapshot {
  processes: GoProcess[]
  stats: ScanStats
  /** When the scan finished, ms since the epoch. */
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
  #lastError: GopsError | null = null
  #lastAttempt = -Infinity
  #refreshing: Promise<Snapshot | null> | null = null
  readonly #listeners = new Set<(report: RefreshReport) => void>()
  readonly #stop = new AbortController()
  readonly #addresses: AddressCache = new Map()

  constructor(options: SamplerOptions) {
    this.#options = options
  }

  /**
   * The last good snapshot, refreshed first when the interval has passed since the last
   * attempt; null only before any scan succeeded. Never rejects: a failed scan is reported.
   */
  current(): Promise<Snapshot | null> {
    if (this.#refreshing) return this.#refreshing
    const now = performance.now()
    if (now - this.#lastAttempt < this.#options.intervalMs) return Promise.resolve(this.#snapshot)
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
    const { scanner, agentStats, configDir } = this.#options
    const started = performance.now()
    let report: RefreshReport
    try {
      const { processes, stats } = await scanner.scan()
      const scanSeconds = (performance.now() - started) / 1000
      const scannedAt = Date.now()
      const withAgent = agentStats ? processes.filter((p) => p.agent) : []
      const agentPids = withAgent.map((p) => p.pid)
      const agents = agentStats
        ? await readAgents(withAgent, {
            ...agentStats,
            deadline: Date.now() + agentStats.timeoutMs,
            configDir,
            signal: this.#stop.signal,
            addresses: this.#addresses,
          })
        : { figures: new Map(), failures: new Map() }
      this.#snapshot = { processes, stats, scannedAt, agents: agents.figures, agentPids }
      this.#lastError = null
      report = { scanSeconds, stats, agentFailures: agents.failures }
    } catch (error) {
      this.#lastError = isGopsError(error) ? error : new GopsError('SCAN_FAILED', String((error as Error)?.message ?? error), { cause: error })
      report = { scanSeconds: null, stats: null, agentFailures: new Map() }
    }
    for (const listener of this.#listeners) listener(report)
    return this.#snapshot
  }
}
