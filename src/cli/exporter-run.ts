// What `gops-native exporter` does: check its flags, serve until SIGTERM or SIGINT, then stop cleanly.
import { isLoopback } from '../agent/options'
import { GopsError } from '../errors'
import { startExporter } from '../exporter/server'
import { parseCliDuration } from './duration'

export interface ExporterCliOptions {
  listen: string
  allowRemote?: boolean
  interval: string
  agentStats?: boolean
  agentTimeout: string
  sbom?: boolean
}

export async function runExporter(options: ExporterCliOptions): Promise<void> {
  const { host, port } = parseListen(options.listen)
  const intervalMs = duration(options.interval, '--interval', 0)
  const agentTimeoutMs = duration(options.agentTimeout, '--agent-timeout', 1)
  const shown = host === undefined ? 'every interface' : host
  const remote = host === undefined || !isLoopback(host)
  if (remote && !options.allowRemote) {
    throw new GopsError(
      'REMOTE_NOT_ALLOWED',
      `refusing to listen on ${shown}: the metrics name every process, path and Go version on this host; ` +
        'pass --allow-remote to expose them, or listen on 127.0.0.1',
    )
  }
  const exporter = await startExporter({ host, port, intervalMs, agentStats: options.agentStats ?? false, agentTimeoutMs, sbom: options.sbom ?? false })
  if (remote) {
    warn(`listening on ${shown}: anyone who can reach ${exporter.url} sees every process, path and Go version on this host`)
  }
  warn(`serving ${exporter.url}`)
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      warn(`${signal}: stopping`)
      void exporter.close().then(resolve)
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  })
  // prom-client's event-loop and GC monitors would keep running; there is nothing left to serve.
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

function duration(text: string, flag: string, minimumMs: number): number {
  const ms = parseCliDuration(text)
  if (ms === null || ms < minimumMs) {
    throw new GopsError('INVALID_ARGUMENT', `${flag} wants a ${minimumMs > 0 ? 'positive ' : ''}duration such as 1s or 500ms, not "${text}"`)
  }
  return ms
}
