// VulnCollector: every Go process of this host checked against a vulnerability database, as
// prom-client metrics, so one PromQL query names every exposed process across a fleet:
//   gops_process_vulnerability{pid, path, id, module, version, fixed, level, symbol} 1
//   gops_host_vulnerable_processes, gops_host_vulnerabilities{level}, gops_vuln_db_up
// The host is rechecked at most every `intervalMs` when scraped; a check costs a scan and a
// cache lookup per process once each executable was analysed (see ./vulns).
import type { Gauge, Registry } from 'prom-client'
import * as check from '../arguments'
import { GopsError } from '../errors'
import { type VulnReport, VulnScanner, type VulnScannerOptions } from './vulns'
import { promClient, type MetricsRegistry } from '../exporter/prom'


/** Options of a `VulnCollector`: a VulnScanner's options and the recheck interval. */
export interface VulnCollectorOptions extends VulnScannerOptions {
  /** Recheck at most this often, however often the registry is read. Default 15 000 ms. */
  intervalMs?: number
}

const LABELS = ['pid', 'path', 'id', 'module', 'version', 'fixed', 'level', 'symbol'] as const

const VULN_COLLECTOR_OPTIONS = check.optionKeys<VulnCollectorOptions>({ db: true, concurrency: true, scanner: true, cacheDir: true, checkIntervalMs: true, intervalMs: true })

/** prom-client metrics of the vulnerabilities of every Go process on this host (`gops_process_vulnerability`, `gops_host_vulnerable_processes`, `gops_host_vulnerabilities`, `gops_vuln_db_up`), rechecked at most every `intervalMs` when scraped. */
export class VulnCollector {
  readonly #scanner: VulnScanner
  readonly #intervalMs: number
  #reports: VulnReport[] = []
  #checkedAt = 0
  #checking: Promise<void> | null = null
  #dbUp = 0
  /** Why the last check failed (the metrics then keep the last answer); null after a successful check. */
  lastError: GopsError | null = null

  /** Creates a collector (invalid options throw a GopsError); nothing is checked until the metrics are read or `refresh()` is called. */
  constructor(options: VulnCollectorOptions) {
    const { intervalMs, ...rest } = check.options(options, VULN_COLLECTOR_OPTIONS) as VulnCollectorOptions
    this.#intervalMs = check.nonNegative(intervalMs, 'intervalMs') ?? 15_000
    this.#scanner = new VulnScanner(rest)
  }

  /** Rechecks the host when the last check is older than the interval; a failure keeps the last answer. */
  refresh(): Promise<void> {
    if (Date.now() - this.#checkedAt < this.#intervalMs && this.#checkedAt > 0) return Promise.resolve()
    this.#checking ??= this.#scanner
      .scan()
      .then((reports) => {
        this.#reports = reports
        this.#dbUp = 1
        this.lastError = null
      })
      .catch((error: unknown) => {
        this.#dbUp = 0
        this.lastError = error instanceof GopsError ? error : new GopsError('INTERNAL_ERROR', String(error), { cause: error })
      })
      .finally(() => {
        this.#checkedAt = Date.now()
        this.#checking = null
      })
    return this.#checking
  }

  /** Adds the metrics to `registry`; returns a function that removes them again. */
  register(registry: MetricsRegistry): () => void {
    const { Gauge } = promClient()
    const registers = [registry as Registry]
    const self = this
    const perProcess: Gauge<(typeof LABELS)[number]> = new Gauge({
      name: 'gops_process_vulnerability',
      help: 'A known vulnerability of a running Go process: 1 per (process, advisory). level is symbol when a vulnerable function is in the binary, module when only the version matches.',
      labelNames: LABELS,
      registers,
      async collect() {
        await self.refresh()
        this.reset()
        for (const r of self.#reports) {
          if (r.pid === null) continue
          for (const f of r.findings) {
            this.set({ pid: String(r.pid), path: r.path, id: f.id, module: f.module, version: f.version, fixed: f.fixed ?? '', level: f.level, symbol: f.symbols.join(',') }, 1)
          }
        }
      },
    })
    const processes = new Gauge({
      name: 'gops_host_vulnerable_processes',
      help: 'Go processes of this host with at least one known vulnerability.',
      registers,
      async collect() {
        await self.refresh()
        this.set(self.#reports.filter((r) => r.findings.length > 0).length)
      },
    })
    const distinct = new Gauge({
      name: 'gops_host_vulnerabilities',
      help: 'Distinct advisories affecting the Go processes of this host, by the most precise level seen.',
      labelNames: ['level'],
      registers,
      async collect() {
        await self.refresh()
        const best = new Map<string, string>()
        for (const r of self.#reports) for (const f of r.findings) if (best.get(f.id) !== 'symbol') best.set(f.id, f.level)
        this.reset()
        this.set({ level: 'symbol' }, [...best.values()].filter((l) => l === 'symbol').length)
        this.set({ level: 'module' }, [...best.values()].filter((l) => l === 'module').length)
      },
    })
    const up = new Gauge({
      name: 'gops_vuln_db_up',
      help: 'Whether the last check could read the vulnerability database (1) or not (0: the series above are from the last good check).',
      registers,
      async collect() {
        await self.refresh()
        this.set(self.#dbUp)
      },
    })
    const names = [perProcess, processes, distinct, up].map((m) => (m as unknown as { name: string }).name)
    return () => {
      for (const name of names) registry.removeSingleMetric(name)
    }
  }

  /** Releases the scanner's resources; the collector cannot check again afterwards. */
  close(): void {
    this.#scanner.close()
  }
}
