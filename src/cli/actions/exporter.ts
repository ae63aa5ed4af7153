// What `gops-native exporter` does: check its flags, serve until SIGTERM or SIGINT, then stop cleanly.
import { isLoopback } from '../../agent/options'
import { GopsError } from '../../errors'
import { startExporter } from '../../exporter/server'
import { parseCliDuration } from '../duration'

export interface ExporterCliOptions {
  listen: string
  allowRemote?: boolean
  interval: string
  agentStats?: boolean
  agentTimeout: string
  mode: string
  maxProcesses: string
  vulnDb?: string
  sbom?: boolean
}

const MODES = ['auto', 'events', 'polling'] as const

export async function runExporter(options: ExporterCliOptions): Promise<void> {
  const { host, port } = parseListen(options.listen)
  const intervalMs = parseCliDuration(options.interval, '--interval').ms
  const agentTimeoutMs = parseCliDuration(options.agentTimeout, '--agent-timeout', true).ms
  const mode = MODES.find((m) => m === options.mode)
  if (!mode) throw new GopsError('INVALID_ARGUMENT', `--mode wants auto, events or polling, not "${options.mode}"`)
  const maxProcesses = /^\d{1,9}$/.test(options.maxProcesses) ? Number(options.maxProcesses) : 0
  if (maxProcesses < 1) throw new GopsError('INVALID_ARGUMENT', `--max-processes wants a whole number of processes (at least 1), not "${options.maxProcesses}"`)
  const shown = host === undefined ? 'every interface' : host
  const remote = host === undefined || !isLoopback(host)
  if (remote && !options.allowRemote) {
    throw new GopsError(
      'REMOTE_NOT_ALLOWED',
      `refusing to listen on ${shown}: the metrics name every process, path and Go version on this host; ` +
        'pass --allow-remote to expose them, or listen on 127.0.0.1',
    )
  }
  const exporter = await startExporter({ host, port, intervalMs, agentStats: options.agentStats ?? false, agentTimeoutMs, mode, maxProcesses, vulnDb: options.vulnDb, sbom: options.sbom ?? false })
  if (remote) {
    warn(`listening on ${shown}: anyone who can reach ${exporter.url} sees every process, path and Go version on this host`)
  }
  warn(`serving ${exporter.url} (${exporter.mode === 'events' ? "following the kernel's process events" : `polling every ${options.interval} at most`})`)
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      warn(`${signal}: stopping`)
      void exporter.close().then(resolve)
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  })
  // Work still in flight (an abandoned agent read, a vulnerability-database download) must not hold a stopped exporter.
  process.exit(0)
}

function warn(message: string): void {
  process.stderr.write(`gops-native exporter: ${message}\n`)
}

/** HOST:PORT, [IPv6]:PORT, :PORT (every interface, as Go's net.Listen reads it) or a bare PORT (loopback). */
export function parseListen(text: string): { host: string | undefined; port: number } {
  const match = text.match(/^(?:(?:\[([^\]]+)\]|([^:[\]]*)):)?(\d{1,5})$/)
  const port = Number(match?.[3])
  if (!match || port > 65535) {
    throw new GopsError('INVALID_ARGUMENT', `--listen wants HOST:PORT, [IPv6]:PORT, :PORT or PORT (e.g. 127.0.0.1:9792), not "${text}"`)
  }
  if (match[1] === undefined && match[2] === undefined) return { host: '127.0.0.1', port }
  const host = match[1] ?? match[2]
  return { host: host === '' ? undefined : host, port }
}
