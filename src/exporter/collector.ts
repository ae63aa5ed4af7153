// ScannerCollector: a warm Scanner's view of this host as prom-client metrics, registered into
// any registry (the exporter's, or one a tool already has). prom-client is loaded when a
// collector is first registered, so importing gops-native does not pay for it.
import type { Counter, Histogram } from 'prom-client'
import { Scanner, SCANNER_OPTIONS_SET, type ScannerOptions, type WatchMode } from '../discover'
import * as check from '../arguments'
import { GopsError } from '../errors'
import { FamilyWriter, fillGauge, processFamilies } from './process-families'
import { promClient, type MetricsRegistry } from './prom'
import { Sampler, type AgentStatsOptions, type RefreshReport, type Snapshot } from './sampler'


/** Options of a {@link ScannerCollector}: the {@link ScannerOptions} of the Scanner it makes, and how often to rescan. */
export interface ScannerCollectorOptions extends ScannerOptions {
  /**
   * A Scanner to use (its cache stays warm; its own options, configDir and mode included, are
   * the ones that count); default a new one made with these options, in mode `'auto'`: it
   * follows the kernel's process events where they are available, else polls.
   */
  scanner?: Scanner
  /**
   * A polling scanner rescans at most this often, however often the registry is read (one that
   * follows events rescans at every read: it looks only at what changed). Agent figures are
   * read at most this often. Default 1000 ms.
   */
  intervalMs?: number
  /**
   * Also read each agent's runtime figures (gops_agent_*). `timeoutMs` (default 1000) bounds all
   * of a refresh's agent reads together; `concurrency` (default 16) agents are asked at once.
   */
  agentStats?:
    | boolean
    | {
        /** All of a refresh's agent reads end within this, in ms (default 1000). */
        timeoutMs?: number
        /** Agents asked at once (default 16). */
        concurrency?: number
      }
  /**
   * At most this many processes (the lowest PIDs) are exported, so the page and its series stay
   * bounded whatever runs on the host; `gops_scan_omitted_processes` counts the rest. Each
   * process is 2 series (9 with agentStats). Default 10,000.
   */
  maxProcesses?: number
}

type AgentStatsOption = Exclude<ScannerCollectorOptions['agentStats'], boolean | undefined>

const COLLECTOR_OPTIONS = check.optionKeys<ScannerCollectorOptions>({
  ...SCANNER_OPTIONS_SET,
  scanner: true,
  intervalMs: true,
  agentStats: true,
  maxProcesses: true,
})
const AGENT_STATS_OPTIONS = check.optionKeys<AgentStatsOption>({ timeoutMs: true, concurrency: true })

/** What {@link ScannerCollector.status} tells: how fresh the data is and why the last scan failed. */
export interface CollectorStatus {
  /** When the data served was scanned; null before the first good scan. */
  scannedAt: Date | null
  /** Why the latest scan failed (the data served is then older), or null. */
  lastError: GopsError | null
}

export const DEFAULT_MAX_PROCESSES = 10_000

const SCAN_GAUGES: Array<[name: string, help: string, read: (s: Snapshot) => number]> = [
  ['gops_scan_processes', 'Processes listed by the last good scan.', (s) => s.stats.scanned],
  ['gops_scan_go_processes', 'Go processes found by the last good scan.', (s) => s.stats.go],
  ['gops_scan_node_processes', 'Node processes running a gops-native agent found by the last good scan.', (s) => s.stats.node],
  ['gops_scan_denied_processes', 'Processes the last good scan was not permitted to look at.', (s) => s.stats.denied],
  ['gops_scan_unreadable_processes', 'Processes the last good scan failed to read on our side (e.g. out of file descriptors).', (s) => s.stats.unreadable],
  ['gops_scan_vanished_processes', 'Processes that exited during the last good scan.', (s) => s.stats.vanished],
]

/**
 * This host's Go processes as prom-client metrics (`gops_process_info`, `gops_scan_*`, with
 * `agentStats` also `gops_agent_*`), from one warm {@link Scanner}: the exporter's metrics, for a
 * tool that already has a prom-client registry. prom-client is loaded on the first `register()`.
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client'
 * import { ScannerCollector } from 'gops-native'
 *
 * const registry = new Registry()
 * const collector = new ScannerCollector({ intervalMs: 5000 })
 * const unregister = collector.register(registry)
 * console.log(await registry.metrics())
 * unregister()
 * ```
 */
export class ScannerCollector {
  readonly #sampler: Sampler
  /** The scanner this collector made (and closes), or null when the caller gave theirs. */
  readonly #own: Scanner | null

  /** Checks the options (INVALID_ARGUMENT naming a wrong one); scans nothing until a registry is read. */
  constructor(options?: ScannerCollectorOptions) {
    const given = check.options(options, COLLECTOR_OPTIONS)
    if (given.scanner !== undefined && !(given.scanner instanceof Scanner)) throw check.wrong('scanner', 'a Scanner', given.scanner)
    const intervalMs = check.nonNegative(given.intervalMs, 'intervalMs') ?? 1000
    const maxProcesses = check.integer(given.maxProcesses, 'maxProcesses', 1, Number.MAX_SAFE_INTEGER) ?? DEFAULT_MAX_PROCESSES
    const { configDir, concurrency, includeNode, mode } = given
    this.#own = given.scanner ? null : new Scanner({ configDir, concurrency, includeNode, mode: mode ?? 'auto' })
    const scanner = given.scanner ?? this.#own!
    const agentStats = given.agentStats ?? false
    this.#sampler = new Sampler({ scanner, intervalMs, maxProcesses, agentStats: agentStatsOptions(agentStats) })
  }

  /**
   * Adds the metrics to `registry`; returns a function that removes them again. Counters and
   * the histogram count from here on. Give each exposition format its own registry: prom-client
   * renames counters in place when it writes OpenMetrics.
   */
  register(registry: MetricsRegistry): () => void {
    const metrics = defineMetrics(this.#sampler, registry, true)
    const unsubscribe = this.#sampler.onRefresh(metrics.record)
    return () => {
      unsubscribe()
      for (const name of metrics.names) registry.removeSingleMetric(name)
    }
  }

  /**
   * For a server: adds the host-wide metrics to `registry` (beside whatever else it holds) and
   * returns a function that makes the whole page, as chunks to send in order: the per-process
   * families, then `registry`'s metrics. The per-process families (most of the page: two lines
   * per process) are kept, encoded, and joined again only when a refresh changed a process or
   * read the agents (each process's line is kept with it: only new processes' lines are written),
   * so a scrape of an unchanged host writes and encodes the small families only. One call of the
   * function: one snapshot.
   */
  page(registry: MetricsRegistry): () => Promise<Buffer[]> {
    const metrics = defineMetrics(this.#sampler, registry, false)
    this.#sampler.onRefresh(metrics.record)
    const rebuilds = new (promClient().Counter)({
      name: 'gops_page_rebuilds_total',
      help: 'Times the per-process families were written again because a refresh changed a process or read the agents.',
      registers: [registry],
    })
    const writers = processFamilies(this.#sampler.agentStats).map((family) => new FamilyWriter(family))
    let kept: { processes: unknown; agents: unknown; chunk: Buffer } | null = null
    return async () => {
      const rest = registry.metrics() // its gauges ask the sampler in this same turn: one snapshot
      rest.catch(() => undefined) // its failure is thrown below, not left unhandled meanwhile
      const snapshot = await this.#sampler.current()
      const chunks: Buffer[] = []
      if (snapshot) {
        if (kept?.processes !== snapshot.processes || kept.agents !== snapshot.agents) {
          rebuilds.inc()
          const parts: string[] = []
          for (const writer of writers) writer.write(snapshot, parts)
          const text = parts.join('')
          kept = { processes: snapshot.processes, agents: snapshot.agents, chunk: Buffer.from(text) }
        }
        chunks.push(kept.chunk)
      }
      chunks.push(Buffer.from(await rest))
      return chunks
    }
  }

  /** When the data served was scanned and why the latest scan failed, if it did. */
  status(): CollectorStatus {
    const { lastScanAt, lastError } = this.#sampler
    return {
      scannedAt: lastScanAt === null ? null : new Date(lastScanAt),
      lastError,
    }
  }

  /** Where its scanner learns of processes: `'events'` or `'polling'`. */
  get mode(): WatchMode {
    return this.#sampler.scanner.mode
  }

  /** Abandons agent reads in flight, and closes the scanner it made (a caller's stays open). */
  close(): void {
    this.#sampler.close()
    this.#own?.close()
  }
}

function agentStatsOptions(option: ScannerCollectorOptions['agentStats']): AgentStatsOptions | null {
  if (option === false) return null
  const given = option === true ? {} : check.options(option, AGENT_STATS_OPTIONS, 'agentStats')
  return {
    timeoutMs: check.positive(given.timeoutMs, 'agentStats.timeoutMs') ?? 1000,
    concurrency: check.integer(given.concurrency, 'agentStats.concurrency', 1, 256) ?? 16,
  }
}

/**
 * Every metric waits for the sampler's current snapshot, so all of one registry read come from
 * the same refresh. With `perProcess`, the per-process families (./process-families) are gauges
 * in `registry` too, refilled only when the part of the snapshot they come from changed; without,
 * the caller writes them (the exporter's page).
 */
function defineMetrics(sampler: Sampler, registry: MetricsRegistry, perProcess: boolean) {
  const { Counter, Gauge, Histogram } = promClient()
  const registers = [registry]
  const names: string[] = []
  const waitForRefresh = async () => void (await sampler.current())

  function gauge(name: string, help: string, read: (s: Snapshot) => number | null) {
    names.push(name)
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const snapshot = await sampler.current()
        const value = snapshot && read(snapshot)
        if (value !== null) this.set(value)
      },
    })
  }
  function counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    names.push(name)
    return new Counter<L>({ name, help, labelNames, registers, collect: waitForRefresh })
  }

  if (perProcess) {
    for (const family of processFamilies(sampler.agentStats)) {
      names.push(family.name)
      let filledFrom: unknown = null
      new Gauge({
        name: family.name,
        help: family.help,
        labelNames: family.labelNames,
        registers,
        async collect() {
          const snapshot = await sampler.current()
          if (!snapshot || filledFrom === family.source(snapshot)) return
          fillGauge(this, family, snapshot)
          filledFrom = family.source(snapshot)
        },
      })
    }
  }
  for (const [name, help, read] of SCAN_GAUGES) gauge(name, help, read)
  gauge('gops_scan_omitted_processes', 'Processes found but left out of the page by the bound on processes (--max-processes).', (s) => s.omitted)
  gauge('gops_scan_following_events', "1 when scans follow the kernel's process events, 0 when each lists /proc (polling).", () =>
    sampler.scanner.mode === 'events' ? 1 : 0,
  )
  gauge('gops_scan_age_seconds', 'Age of the data served: seconds since the last good scan finished (it grows while scans fail).', () =>
    sampler.lastScanAt === null ? null : (Date.now() - sampler.lastScanAt) / 1000,
  )
  names.push('gops_scan_duration_seconds')
  const scanDuration: Histogram = new Histogram({
    name: 'gops_scan_duration_seconds',
    help: 'How long each scan of the host took.',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
    collect: waitForRefresh,
  })
  const scanFailures = counter('gops_scan_failures_total', 'Scans that failed (the last good data is served meanwhile).')
  const cacheHits = counter('gops_scan_cache_hits_total', 'Processes whose executable was known from an earlier scan (not opened again).')
  const inspected = counter('gops_scan_inspected_executables_total', 'Executables opened and inspected by scans.')
  const agentFailures = sampler.agentStats
    ? counter('gops_agent_read_failures_total', 'Agent reads that failed or missed their deadline, by error code.', ['code'])
    : null

  const record = (report: RefreshReport): void => {
    if (report.scanSeconds === null || report.stats === null) {
      scanFailures.inc()
      return
    }
    scanDuration.observe(report.scanSeconds)
    cacheHits.inc(report.stats.cacheHits)
    inspected.inc(report.stats.inspected)
    for (const [code, count] of report.agentFailures) agentFailures?.inc({ code }, count)
  }
  return { names, record }
}
