// What `gops-native exporter` costs on a host with ~1,000 processes (300 Go from 20 binaries,
// 700 sleep): its CPU time (from /proc/<pid>/stat) while idle and while scraped once a second
// with Prometheus's Accept header, without and with --agent-stats (20 Go processes running the
// real gops agent). For reference, the CPU time of one run of the gops CLI, which a home-made
// collector shelling out to gops every second would pay instead.
// Run: npm run build (release addon + dist), then `node --import tsx bench/exporter.ts [seconds]`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { gopsCli } from '../support/go'
import { withAgentBinary } from '../support/go-agent'
import { IdleProcesses } from './idle-processes'
import { median } from './median'

const SECONDS = Number(process.argv[2] ?? 30)
/** What Prometheus 2.x sends. */
const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))
const idle = new IdleProcesses()

/** user + system CPU seconds of a process so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)
  return Number(line?.[1]) / 1024
}

async function startExporter(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const cli = join(__dirname, '..', 'bin', 'gops-native.js')
  const child = spawn(process.execPath, [cli, 'exporter', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      const match = stderr.match(/serving (http:\S+)/)
      if (match) resolve(match[1])
    })
    child.once('exit', () => reject(new Error(`exporter ended: ${stderr}`)))
  })
  return { child, url }
}

async function scrape(url: string): Promise<{ ms: number; bytes: number; page: string }> {
  const start = performance.now()
  const page = await (await fetch(url, { headers: { accept: PROMETHEUS_ACCEPT } })).text()
  return { ms: performance.now() - start, bytes: Buffer.byteLength(page), page }
}

function sample(page: string, name: string): string {
  return page.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? '?'
}

async function measure(label: string, args: string[]): Promise<void> {
  const { child, url } = await startExporter(args)
  const pid = child.pid!
  try {
    await scrape(url) // the cold scan (and agent connections) out of the way
    await sleep(2000)
    const idleStart = cpuSeconds(pid)
    await sleep(SECONDS * 1000)
    const idlePerSecondMs = ((cpuSeconds(pid) - idleStart) / SECONDS) * 1000
    const scrapeStart = cpuSeconds(pid)
    const latencies: number[] = []
    let bytes = 0
    let page = ''
    const began = performance.now()
    for (let i = 0; i < SECONDS; i++) {
      const result = await scrape(url)
      latencies.push(result.ms)
      bytes = result.bytes
      page = result.page
      await sleep(Math.max(0, began + (i + 1) * 1000 - performance.now()))
    }
    const perScrapeMs = ((cpuSeconds(pid) - scrapeStart) / SECONDS) * 1000
    console.log(
      `| ${label} | ${idlePerSecondMs.toFixed(2)} ms | ${perScrapeMs.toFixed(2)} ms | ${(perScrapeMs - idlePerSecondMs).toFixed(2)} ms | ` +
        `${median(latencies).toFixed(2)} ms | ${(bytes / 1024).toFixed(0)} KiB | ${rssMb(pid).toFixed(0)} MB | ` +
        `${sample(page, 'gops_scan_processes')} / ${sample(page, 'gops_scan_go_processes')} |`,
    )
  } finally {
    child.kill('SIGKILL')
  }
}

/** CPU ms of one gops CLI run: bash's `times` reports its children's user and system time. */
function gopsRunCpuMs(runs: number): number {
  const out = execFileSync('bash', ['-c', `for i in $(seq ${runs}); do "$0" >/dev/null; done; times`, gopsCli()], { encoding: 'utf8' })
  const [, children] = out.trim().split('\n')
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, [, m, s]) => sum + Number(m) * 60 + Number(s), 0)
  return (seconds / runs) * 1000
}

async function main(): Promise<void> {
  process.on('SIGINT', () => {
    idle.stopAll()
    process.exit(130)
  })
  const configDir = mkdtempSync(join(tmpdir(), 'gops-bench-agents-'))
  try {
    await idle.populate(300, 700)
    const withAgent = withAgentBinary()
    for (let i = 0; i < 20; i++) await idle.start(withAgent, [], { ...process.env, GOPS_CONFIG_DIR: configDir })
    await sleep(2000)
    const processes = readFileSync('/proc/loadavg', 'utf8').split(' ')[3]
    console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, Node ${process.version}, ${process.platform}-${process.arch}; running/total tasks ${processes}`)
    console.log(`${SECONDS} s idle, then ${SECONDS} scrapes at 1/s (Prometheus's Accept header: OpenMetrics), --interval 1s`)
    console.log('| exporter | CPU per second, idle | CPU per scrape | CPU per scrape above idle | scrape latency (median) | page | RSS | processes / Go |')
    console.log('|---|---|---|---|---|---|---|---|')
    await measure('scan only', [])
    await measure('--agent-stats (20 Go agents)', ['--agent-stats'])
    console.log(`gops CLI v0.3.28, one run (list): ${gopsRunCpuMs(20).toFixed(1)} ms CPU (mean of 20 runs)`)
    console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  } finally {
    idle.stopAll()
    rmSync(configDir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  idle.stopAll()
  console.error(error)
  process.exitCode = 1
})
