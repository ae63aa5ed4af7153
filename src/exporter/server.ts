// The exporter's HTTP side: /metrics in Prometheus text or OpenMetrics (whichever the scraper's
// Accept prefers), /healthz, and a clean stop. The metrics come from one ScannerCollector,
// registered in one registry per format: prom-client renames counters in place when it writes
// OpenMetrics, so the two formats cannot share metric objects.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Negotiator from 'negotiator'
import type { OpenMetricsContentType, Registry } from 'prom-client'
import { GopsError } from '../errors'
import { ScannerCollector } from './collector'
import { promClient } from './prom'
import { registerSelfMetrics } from './self-metrics'

/** A connection that makes no progress (reads nothing, drains nothing) this long is closed. */
const SOCKET_IDLE_MS = 10_000
/** Connections open at once; more are refused. */
const MAX_CONNECTIONS = 256
/** Accept headers remembered with the format they chose (a scraper sends the same one every time). */
const NEGOTIATED_KEPT = 32

export interface ExporterOptions {
  /** undefined: every interface. */
  host?: string
  port: number
  intervalMs: number
  agentStats: boolean
  agentTimeoutMs: number
  /** At most this many processes on the page (the lowest PIDs). */
  maxProcesses?: number
  /** How the scanner learns of processes (default `'auto'`: events where available). */
  mode?: 'auto' | 'events' | 'polling'
  /** Also check every Go process against this vulnerability database (gops_process_vulnerability). */
  vulnDb?: string
  /** Also serve /sbom: this host's Go executables as CycloneDX (src/inventory/sbom-endpoint.ts). */
  sbom?: boolean
}

export interface RunningExporter {
  /** Where /metrics is served, e.g. http://127.0.0.1:9792/metrics. */
  url: string
  /** Where its scanner learns of processes: `'events'` or `'polling'`. */
  readonly mode: 'events' | 'polling'
  close(): Promise<void>
}

export async function startExporter(options: ExporterOptions): Promise<RunningExporter> {
  const { Registry } = promClient()
  const collector = new ScannerCollector({
    intervalMs: options.intervalMs,
    agentStats: options.agentStats && { timeoutMs: options.agentTimeoutMs },
    maxProcesses: options.maxProcesses,
    mode: options.mode ?? 'auto',
  })
  const vulns = await startVulnCollector(options.vulnDb)
  // Made on the first scrape asking for its format: a Prometheus server only ever asks for one.
  const pages = new Map<string, { contentType: string; write: () => Promise<Buffer[]> }>()
  const pageFor = (type: string) => {
    let page = pages.get(type)
    if (!page) {
      const register = new Registry<OpenMetricsContentType>()
      register.setContentType(type as OpenMetricsContentType)
      vulns?.register(register)
      registerSelfMetrics(register)
      pages.set(type, (page = { contentType: register.contentType, write: collector.page(register) }))
    }
    return page
  }
  // Loaded only when asked for: the CycloneDX library is a large module.
  const hostSbom = options.sbom ? new (require('../inventory/sbom-endpoint') as typeof import('../inventory/sbom-endpoint')).HostSbom(options.intervalMs) : null
  const offered = [Registry.PROMETHEUS_CONTENT_TYPE, Registry.OPENMETRICS_CONTENT_TYPE] // text first: a plain `*/*` gets the classic format
  const negotiated = new Map<string | undefined, string>()
  const formatFor = (accept: string | undefined): string => {
    let type = negotiated.get(accept)
    if (type === undefined) {
      type = new Negotiator({ headers: { accept: withoutEscaping(accept) } }).mediaType(offered) ?? offered[0]
      if (negotiated.size >= NEGOTIATED_KEPT) negotiated.clear()
      negotiated.set(accept, type)
    }
    return type
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => reply(response, 500, `cannot collect the metrics: ${error.message}\n`))
  })
  server.requestTimeout = 30_000
  // A client that stops reading holds its reply in our memory: a connection that makes no
  // progress for this long is closed, and connections beyond the bound are refused, so slow
  // or stuck clients cost at most MAX_CONNECTIONS pages for SOCKET_IDLE_MS each.
  server.timeout = SOCKET_IDLE_MS
  server.maxConnections = MAX_CONNECTIONS

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD')
      return reply(response, 405, 'only GET and HEAD\n')
    }
    const path = (request.url ?? '/').split('?')[0]
    if (path === '/metrics') {
      const page = pageFor(formatFor(request.headers.accept))
      // The whole page is made before anything is sent: never half a page.
      return reply(response, 200, await page.write(), page.contentType)
    }
    if (path === '/sbom' && hostSbom) {
      return reply(response, 200, await hostSbom.get(), hostSbom.mediaType)
    }
    if (path === '/healthz') {
      const { scannedAt, lastError } = collector.status()
      if (!lastError) return reply(response, 200, 'ok\n')
      const age = scannedAt ? `the data served is ${((Date.now() - scannedAt.getTime()) / 1000).toFixed(1)} s old` : 'no scan has succeeded yet'
      return reply(response, 503, `the last scan failed (${lastError.message}); ${age}\n`)
    }
    if (path === '/') return reply(response, 200, 'gops-native exporter: metrics at /metrics, health at /healthz\n')
    return reply(response, 404, `nothing at ${path}: try /metrics or /healthz\n`)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, options)))
    server.listen({ host: options.host, port: options.port }, resolve)
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let closing: Promise<void> | null = null
  return {
    url: `http://${host}:${address.port}/metrics`,
    get mode() {
      return collector.mode
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        collector.close()
        vulns?.close()
        server.close(() => resolve())
        server.closeIdleConnections()
      })
      return closing
    },
  }
}

/** `body` as chunks: the kept part of a page is sent as it is, never copied or encoded again. */
function reply(response: ServerResponse, status: number, body: string | Buffer[], contentType = 'text/plain; charset=utf-8'): void {
  if (response.headersSent) return void response.destroy()
  const chunks = typeof body === 'string' ? [Buffer.from(body)] : body
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': chunks.reduce((sum, chunk) => sum + chunk.length, 0) })
  if (response.req.method === 'HEAD') return void response.end()
  for (const chunk of chunks) response.write(chunk)
  response.end()
}

function listenError(error: NodeJS.ErrnoException, { host, port }: ExporterOptions): GopsError {
  const where = `${host === undefined ? '' : host.includes(':') ? `[${host}]` : host}:${port}`
  const why: Record<string, string> = {
    EADDRINUSE: 'the port is in use (another exporter already running? pick another port with --listen)',
    EADDRNOTAVAIL: 'no interface of this host has that address',
    EACCES: 'permission denied (ports below 1024 need root)',
    ENOTFOUND: `cannot resolve host "${host}"`,
    EAI_AGAIN: `cannot resolve host "${host}"`,
  }
  return new GopsError('LISTEN_FAILED', `cannot listen on ${where}: ${why[error.code ?? ''] ?? error.message}`, { cause: error })
}

/** The vulnerability metrics (src/inventory/vuln-metrics.ts), loaded only with --vuln-db; a database that cannot be read stops the start. */
async function startVulnCollector(db: string | undefined) {
  if (db === undefined) return null
  const { VulnCollector } = require('../inventory/vuln-metrics') as typeof import('../inventory/vuln-metrics')
  const vulns = new VulnCollector({ db })
  await vulns.refresh()
  if (vulns.lastError?.code.startsWith('VULN_DB_')) throw vulns.lastError
  return vulns
}

/**
 * Prometheus 3 asks for `application/openmetrics-text;version=1.0.0;escaping=allow-utf-8`, and
 * negotiator matches a media range only when the offer carries every parameter: `escaping` (how
 * UTF-8 metric names may be sent) would make it fall to the text format. Every name here is a
 * legacy one, valid under any escaping, so the parameter is dropped before negotiating.
 */
function withoutEscaping(accept: string | undefined): string | undefined {
  return accept?.replace(/;\s*escaping=[^;,]*/gi, '')
}
