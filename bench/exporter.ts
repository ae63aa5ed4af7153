// What `gops-native exporter` costs on a host with ~1,000 processes (300 Go from 20 binaries,
// 700 sleep, 20 Go processes running the real gops agent), beside two real peers in the same
// run, each a separate process scraped once a second with Prometheus's Accept header: its CPU
// time (from /proc/<pid>/stat) idle and per scrape, RSS and page size. The peers, Debian's
// builds fetched as .debs (bench/peers.ts): prometheus-process-exporter grouping every process
// by name (its usual set-up), and prometheus-node-exporter with only its processes collector.
// For reference, the CPU time of one run of the gops CLI.
// Run: npm run build (release addon + dist), then `node --import tsx bench/exporter.ts [seconds]`.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { gopsCli } from '../support/go'
import { freePort } from '../__test__/helpers/prometheus'
import { withAgentBinary } from '../support/go-agent'
import { IdleProcesses } from './idle-processes'
import { machine } from './machine'
import { median } from './median'
import { debianBinary } from './peers'
import { PROMETHEUS_ACCEPT, cpuSeconds, processCount, rssMb, scrape, startServer, type Server } from './scrape'

const SECONDS = Number(process.argv[2] ?? 20)
const SETTLE_MS = 12_000
const idle = new IdleProcesses()
const SMALL_YOUNG_GENERATION = '--max-semi-space-size=1'

function sample(page: string, name: string): string {
  return page.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? '-'
}

async function measure(label: string, exports: string, start: () => Promise<Server>): Promise<void> {
  const server = await start()
  const { pid } = server
  try {
    await scrape(server.url, PROMETHEUS_ACCEPT) // the cold scan (and agent connections) out of the way
    // V8 finishes its start-up work (the memory reducer's GC, optimising compiles) within ~10 s
    // of the first scrape: measured earlier, it would count as idle cost.
    await sleep(SETTLE_MS)
    const idleStart = cpuSeconds(pid)
    await sleep(SECONDS * 1000)
    const idlePerSecondMs = ((cpuSeconds(pid) - idleStart) / SECONDS) * 1000
    const scrapeStart = cpuSeconds(pid)
    const latencies: number[] = []
    let bytes = 0
    let page = ''
    const rebuiltBefore = Number(sample((await scrape(server.url, PROMETHEUS_ACCEPT)).page, 'gops_page_rebuilds_total'))
    const began = performance.now()
    for (let i = 0; i < SECONDS; i++) {
      const result = await scrape(server.url, PROMETHEUS_ACCEPT)
      latencies.push(result.ms)
      bytes = result.bytes
      page = result.page
      await sleep(Math.max(0, began + (i + 1) * 1000 - performance.now()))
    }
    const perScrapeMs = ((cpuSeconds(pid) - scrapeStart) / (SECONDS + 1)) * 1000 // the scrape reading the counter too
    const rebuilt = Number(sample(page, 'gops_page_rebuilds_total')) - rebuiltBefore
    console.log(
      `| ${label} | ${idlePerSecondMs.toFixed(2)} ms | ${perScrapeMs.toFixed(2)} ms | ${(perScrapeMs - idlePerSecondMs).toFixed(2)} ms | ` +
        `${median(latencies).toFixed(2)} ms | ${(bytes / 1024).toFixed(0)} KiB | ${rssMb(pid).toFixed(0)} MB | ${exports}` +
        `${page.includes('gops_scan_processes') ? ` (${sample(page, 'gops_scan_processes')} / ${sample(page, 'gops_scan_go_processes')} Go; per-process part rewritten for ${Number.isNaN(rebuilt) ? '?' : rebuilt} of ${SECONDS} scrapes)` : ''} |`,
    )
  } finally {
    server.stop()
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
  const processExporter = debianBinary('prometheus-process-exporter', 'prometheus-process-exporter')
  const nodeExporter = debianBinary('prometheus-node-exporter', 'prometheus-node-exporter')
  const groups = join(configDir, 'process-exporter.yml')
  writeFileSync(groups, 'process_names:\n  - name: "{{.Comm}}"\n    cmdline: [".+"]\n')
  try {
    await idle.populate(300, 700)
    const withAgent = withAgentBinary()
    for (let i = 0; i < 20; i++) await idle.start(withAgent, [], { ...process.env, GOPS_CONFIG_DIR: configDir })
    await sleep(2000)
    console.log(machine())
    console.log(`${processCount()} processes; ${SECONDS} s idle, then ${SECONDS} scrapes at 1/s (Prometheus's Accept header), each server alone`)
    console.log('| exporter | CPU per second, idle | CPU per scrape | CPU per scrape above idle | scrape latency (median) | page | RSS | exports |')
    console.log('|---|---|---|---|---|---|---|---|')
    const cli = join(__dirname, '..', 'bin', 'gops-native.js')
    const ours = (...args: string[]) => () =>
      startServer(process.execPath, [cli, 'exporter', '--listen', '127.0.0.1:0', ...args], /serving (http:\S+)/)
    // What a memory-tight deployment might set: V8's young generation kept small (its default
    // lets it grow to tens of MB for a process that allocates a page a second).
    const smallYoung = () =>
      startServer(process.execPath, [cli, 'exporter', '--listen', '127.0.0.1:0'], /serving (http:\S+)/, { ...process.env, NODE_OPTIONS: SMALL_YOUNG_GENERATION })
    const goProcesses = 'a series per Go process (info, start time), scan figures, its own process figures'
    await measure('gops-native, following events', goProcesses, ours())
    await measure(`gops-native, following events, NODE_OPTIONS=${SMALL_YOUNG_GENERATION}`, goProcesses, smallYoung)
    await measure('gops-native, --mode polling --interval 1s', goProcesses, ours('--mode', 'polling', '--interval', '1s'))
    await measure('gops-native, --agent-stats (20 Go agents)', `${goProcesses}, 7 agent series per agent`, ours('--agent-stats'))
    const port = await freePort()
    await measure(
      'prometheus-process-exporter 0.7.10, every process grouped by name',
      'per group of processes (by name): CPU, memory, I/O, threads, states, open files (~12 families, about 40 series a group)',
      () => startServer(processExporter, [`-web.listen-address=127.0.0.1:${port}`, `-config.path=${groups}`], { url: `http://127.0.0.1:${port}/metrics` }),
    )
    const port2 = await freePort()
    await measure(
      'prometheus-node-exporter 1.5.0, processes collector only',
      'host-wide counts only: processes and threads by state, pids limit (no per-process series)',
      () =>
        startServer(nodeExporter, [`--web.listen-address=127.0.0.1:${port2}`, '--collector.disable-defaults', '--collector.processes'], {
          url: `http://127.0.0.1:${port2}/metrics`,
        }),
    )
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
