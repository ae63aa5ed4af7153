// ScannerCollector: a warm Scanner's view of this host as prom-client metrics, registered into
// any registry (the exporter's, or one a tool already has). prom-client is loaded when a
// collector is first registered, so importing gops-native does not pay for it.
import type { Counter, Gauge, Histogram, OpenMetricsContentType, PrometheusContentType, Registry } from 'prom-client'
import { Scanner, SCANNER_OPTIONS_SET, type GoProcess, type ScannerOptions } from '../discover'
import * as check from '../arguments'
import { GopsError } from '../errors'
import { type AgentFigures } from './agent-figures'
import { Sampler, type AgentStatsOptions, type RefreshReport, type Snapshot } from './sampler'

/** A prom-client registry of either exposition format. */
export type MetricsRegistry = Registry<PrometheusContentType> | Registry<OpenMetricsContentType>

/** Options of a {@link ScannerCollector}: the {@link ScannerOptions} of the Scanner it makes, and how often to rescan. */
export interface ScannerCollectorOptions extends ScannerOptions {
  /** A Scanner to use (its cache stays warm); default a new one made with these options. */
  scanner?: Scanner
  /** Rescan at most this often, however often the registry is read. Default 1000 ms. */
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
}

type AgentStatsOption = Exclude<ScannerCollectorOptions['agentStats'], boolean | undefined>

const COLLECTOR_OPTIONS = check.optionKeys<ScannerCollectorOptions>({
  ...SCANNER_OPTIONS_SET,
  scanner: true,
  intervalMs: true,
  agentStats: true,
})
const AGENT_STATS_OPTIONS = check.optionKeys<AgentStatsOption>({ timeoutMs: true, concurrency: true })

/** What {@link ScannerCollector.status} tells: how fresh the data is and why the last scan failed. */
export interface CollectorStatus {
  /** When the data served was scanned; null before the first good scan. */
  scannedAt: Date | null
  /** Why the latest scan failed (the data served is then older), or null. */
  lastError: GopsError | null
}

const promClient = () => require('prom-client') as typeof import('prom-client')

const INFO_LABELS = ['pid', 'ppid', 'name', 'path', 'go_version', 'main_path', 'runtime', 'agent'] as const

const AGENT_GAUGES: Array<[name: string, help: string, figure: keyof AgentFigures]> = [
  ['gops_agent_goroutines', 'Goroutines, from the gops agent (Go only).', 'goroutines'],
  ['gops_agent_os_threads', 'OS threads, from the gops agent.', 'osThreads'],
  ['gops_agent_heap_alloc_bytes', "Heap bytes allocated and in use (Go's HeapAlloc, V8's used heap).", 'heapAllocBytes'],
  ['gops_agent_heap_sys_bytes', "Heap bytes obtained from the OS (Go's HeapSys, V8's total heap).", 'heapSysBytes'],
  ['gops_agent_gc_cycles', 'Garbage collections since the process started.', 'gcCycles'],
  ['gops_agent_gc_pause_seconds', 'Total garbage-collection pause since the process started.', 'gcPauseSeconds'],
]

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

  /** Checks the options (INVALID_ARGUMENT naming a wrong one); scans nothing until a registry is read. */
  constructor(options?: ScannerCollectorOptions) {
    const given = check.options(options, COLLECTOR_OPTIONS)
    if (given.scanner !== undefined && !(given.scanner instanceof Scanner)) throw check.wrong('scanner', 'a Scanner', given.scanner)
    const { configDir, concurrency, includeNode, mode } = given
    const scanner = given.scanner ?? new Scanner({ configDir, concurrency, includeNode, mode })
    const intervalMs = check.nonNegative(given.intervalMs, 'intervalMs') ?? 1000
    check.path(configDir, 'configDir')
    const agentStats = given.agentStats ?? false
    this.#sampler = new Sampler({ scanner, intervalMs, configDir, agentStats: agentStatsOptions(agentStats) })
  }

  /**
   * Adds the metrics to `registry`; returns a function that removes them again. Counters and
   * the histogram count from here on. Give each exposition format its own registry: prom-client
   * renames counters in place when it writes OpenMetrics.
   */
  register(registry: MetricsRegistry): () => void {
    const metrics = defineMetrics(this.#sampler, registry, this.#sampler.agentStats)
    const unsubscribe = this.#sampler.onRefresh(metrics.record)
    return () => {
      unsubscribe()
      for (const name of metrics.names) registry.removeSingleMetric(name)
    }
  }

  /** When the data served was scanned and why the latest scan failed, if it did. */
  status(): CollectorStatus {
    const { snapshot, lastError } = this.#sampler
    return {
      scannedAt: snapshot ? new Date(snapshot.scannedAt) : null,
      lastError,
    }
  }

  /** Abandons agent reads in flight (for a clean stop). */
  close(): void {
    this.#sampler.close()
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
 * Every metric waits for the sampler's current snapshot, so all of one scrape come from the same
 * refresh; gauges drawn from a snapshot are refilled only when it changes.
 */
function defineMetrics(sampler: Sampler, registry: MetricsRegistry, withAgents: boolean) {
  const { Counter, Gauge, Histogram } = promClient()
  const registers = [registry]
  const names: string[] = []
  const waitForRefresh = async () => void (await sampler.current())

  /** `same` tells when a new snapshot holds nothing new for this gauge, so it is not refilled. */
  function snapshotGauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (gauge: Gauge<L>, s: Snapshot) => void,
    same: (a: Snapshot, b: Snapshot) => boolean = (a, b) => a === b,
  ) {
    let filled: Snapshot | null = null
    names.push(name)
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const snapshot = await sampler.current()
        if (!snapshot || (filled && same(filled, snapshot))) return
        this.reset()
        fill(this, snapshot)
        filled = snapshot
      },
    })
  }
  function counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    names.push(name)
    return new Counter<L>({ name, help, labelNames, registers, collect: waitForRefresh })
  }

  snapshotGauge('gops_process_info', 'A Go process (or Node process running a gops-native agent) on this host; always 1.', INFO_LABELS, (gauge, s) => {
    for (const p of s.processes) gauge.set(infoLabels(p), 1)
  }, sameProcesses)
  snapshotGauge('gops_process_start_time_seconds', 'When the process started, in seconds since the Unix epoch.', ['pid'], (gauge, s) => {
    for (const p of s.processes) gauge.set({ pid: String(p.pid) }, p.startedMs / 1000)
  }, sameProcesses)
  for (const [name, help, read] of SCAN_GAUGES) snapshotGauge(name, help, [], (gauge, s) => gauge.set(read(s)))
  names.push('gops_scan_age_seconds')
  new Gauge({
    name: 'gops_scan_age_seconds',
    help: 'Age of the data served: seconds since the last good scan finished (it grows while scans fail).',
    registers,
    async collect() {
      const snapshot = await sampler.current()
      if (snapshot) this.set((Date.now() - snapshot.scannedAt) / 1000)
    },
  })
  names.push('gops_scan_duration_seconds')
  const scanDuration: Histogram = new Histogram({
    name: 'gops_scan_duration_seconds',
    help: 'How long each scan of the host took.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
    collect: waitForRefresh,
  })
  const scanFailures = counter('gops_scan_failures_total', 'Scans that failed (the last good data is served meanwhile).')
  const cacheHits = counter('gops_scan_cache_hits_total', 'Processes whose executable was known from an earlier scan (not opened again).')
  const inspected = counter('gops_scan_inspected_executables_total', 'Executables opened and inspected by scans.')
  const agentFailures = withAgents
    ? counter('gops_agent_read_failures_total', 'Agent reads that failed or missed their deadline, by error code.', ['code'])
    : null

  if (withAgents) {
    snapshotGauge('gops_agent_up', '1 when the process\'s gops agent answered in time at the last refresh, else 0.', ['pid'], (gauge, s) => {
      for (const pid of s.agentPids) gauge.set({ pid: String(pid) }, s.agents.has(pid) ? 1 : 0)
    })
    for (const [name, help, figure] of AGENT_GAUGES) {
      snapshotGauge(name, help, ['pid'], (gauge, s) => {
        for (const [pid, figures] of s.agents) if (figures[figure] !== undefined) gauge.set({ pid: String(pid) }, figures[figure])
      })
    }
  }

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

/** A Scanner hands out the same frozen object while a process stays the same. */
function sameProcesses(a: Snapshot, b: Snapshot): boolean {
  return a.processes.length === b.processes.length && a.processes.every((p, i) => p === b.processes[i])
}

function infoLabels(p: GoProcess): Record<(typeof INFO_LABELS)[number], string> {
  return {
    pid: String(p.pid),
    ppid: String(p.ppid),
    name: p.name,
    path: p.path,
    go_version: p.runtime === 'node' ? '' : (p.goVersion ?? 'unknown'),
    main_path: p.buildInfo?.main?.path ?? '',
    runtime: p.runtime,
    agent: String(p.agent),
  }
}
