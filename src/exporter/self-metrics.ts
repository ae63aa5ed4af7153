// The exporter's own figures, under the names prom-client's collectDefaultMetrics gives them (so
// a dashboard made for a Node service reads them), but not that function's whole set: it loads
// @opentelemetry/api for its CPU counter (see ./prom), and at each scrape its event-loop
// histogram (whose standard deviation walks every bucket), heap-space and handle figures cost
// more CPU than the rest of the page together (bench/README.md, "The exporter"). What is kept is
// cheap, and read once per scrape (process_virtual_memory_bytes is not: reading /proc/self/stat
// cost more than the other figures together).
import { readdirSync, readFileSync } from 'node:fs'
import { getHeapStatistics } from 'node:v8'
import { promClient, type MetricsRegistry } from './prom'

/** The families this adds, in the order they are written. */
export const SELF_METRICS = [
  'process_cpu_user_seconds_total',
  'process_cpu_system_seconds_total',
  'process_cpu_seconds_total',
  'process_start_time_seconds',
  'process_resident_memory_bytes',
  'process_open_fds',
  'process_max_fds',
  'nodejs_heap_size_total_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_version_info',
] as const

const LINUX = process.platform === 'linux'

/** Adds the exporter's own process figures to `registry`. */
export function registerSelfMetrics(registry: MetricsRegistry): void {
  const { Counter, Gauge } = promClient()
  const registers = [registry]
  let cpuBefore = { user: 0, system: 0 }
  // prom-client collects the families in the order they were added: the first reads every figure.
  const user = new Counter({ name: 'process_cpu_user_seconds_total', help: 'Total user CPU time spent in seconds.', registers, collect: readAll })
  const system = new Counter({ name: 'process_cpu_system_seconds_total', help: 'Total system CPU time spent in seconds.', registers })
  const cpu = new Counter({ name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.', registers })
  new Gauge({ name: 'process_start_time_seconds', help: 'Start time of the process since unix epoch in seconds.', registers }).set(
    Math.round(Date.now() / 1000 - process.uptime()),
  )
  const gauge = (name: (typeof SELF_METRICS)[number], help: string) => new Gauge({ name, help, registers })
  const rss = gauge('process_resident_memory_bytes', 'Resident memory size in bytes.')
  const openFds = LINUX ? gauge('process_open_fds', 'Number of open file descriptors.') : null
  const maxFds = LINUX ? readMaxFds() : null
  if (maxFds !== null) gauge('process_max_fds', 'Maximum number of open file descriptors.').set(maxFds)
  const heapTotal = gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.')
  const heapUsed = gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.')
  const external = gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.')
  const [major, minor, patch] = process.versions.node.split('.').map(Number)
  new Gauge({ name: 'nodejs_version_info', help: 'Node.js version info.', labelNames: ['version', 'major', 'minor', 'patch'], registers }).set(
    { version: process.version, major, minor, patch },
    1,
  )

  function readAll(): void {
    const now = process.cpuUsage()
    const userSeconds = (now.user - cpuBefore.user) / 1e6
    const systemSeconds = (now.system - cpuBefore.system) / 1e6
    cpuBefore = now
    user.inc(userSeconds)
    system.inc(systemSeconds)
    cpu.inc(userSeconds + systemSeconds)
    const heap = getHeapStatistics()
    heapTotal.set(heap.total_heap_size)
    heapUsed.set(heap.used_heap_size)
    external.set(heap.external_memory)
    // The figures read from /proc keep their last values where it cannot be read (e.g. unmounted).
    try {
      rss.set(process.memoryUsage.rss())
    } catch {}
    if (openFds) {
      try {
        openFds.set(readdirSync('/proc/self/fd').length - 1) // less the descriptor the listing itself holds
      } catch {}
    }
  }
}

function readMaxFds(): number | null {
  try {
    const limit = readFileSync('/proc/self/limits', 'latin1').match(/^Max open files\s+(\d+)/m)
    return limit ? Number(limit[1]) : null
  } catch {
    return null
  }
}
