// Discovery and the exporter at fleet scale: ~1,000, ~5,000 and ~10,000 processes (30% Go, from
// 40 distinct binaries; the rest `sleep`), in one run. At each size, in this process:
// - cold scan (a new polling Scanner: lists /proc, reads and inspects everything);
// - warm polling scan, and the floor beside it (bench/floor.c: readdir of /proc + one stat per
//   process), each 100 ms after the last, as a poller runs them;
// - warm scan of a Scanner that follows the kernel's process events, 100 ms apart;
// - watch() (events) latency during a fork storm: hundreds of short-lived processes a second
//   while Go processes are started, from spawn() to their `start` event;
// and of `gops-native exporter` (following events, a separate process, from dist):
// - CPU per second idle and per scrape (one a second), RSS, page size;
// - how soon a new Go process is on /metrics: from spawn() until a scrape lists it (scraping
//   back to back).
// Limits: every thread takes a PID and an idle Go process has about five, so 10,000 processes
// (3,000 Go) are ~25,000 tasks: sizes pid_max cannot hold with room to spare are skipped (the
// default 32,768 is too tight; sysctl -w kernel.pid_max=131072). Run as root (events).
// Run: npm run build, then `node --import tsx bench/scale.ts [sizes...]` (default 1000 5000 10000).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Scanner, watch } from '../index'
import { buildGo, derivedFile } from '../support/go'
import { machine } from './machine'
import { median } from './median'
import { PROMETHEUS_ACCEPT, cpuSeconds, processCount, rssMb, scrape, startServer, type Server } from './scrape'

const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0)
const GO_SHARE = 0.3
const BINARIES = 40
const SPACING_MS = 100
const SCANS = 15
const SCRAPES = 15
const SETTLE_MS = 12_000

const children: ChildProcess[] = []
const binaries = Array.from({ length: BINARIES }, (_, i) =>
  buildGo({ program: 'hello', name: `hello-bench-${i}`, flags: [`-ldflags=-X main.benchVariant=${i}`] }),
)
let go = 0
let other = 0

async function start(file: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(file, args, { stdio: 'ignore' })
  children.push(child)
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', reject)
  })
  return child
}

/** Brings the host up to `total` processes, 30% of what we add being Go. */
async function populate(total: number): Promise<void> {
  const missing = total - processCount()
  if (missing <= 0) return
  const goTarget = go + Math.round(missing * GO_SHARE)
  for (; go < goTarget; go++) await start(binaries[go % BINARIES], ['36000'])
  while (processCount() < total) {
    await start('sleep', ['36000'])
    other++
  }
}

function stopAll(): void {
  for (const child of children) child.kill('SIGKILL')
}

async function spaced<T>(count: number, fn: () => Promise<T> | T): Promise<T[]> {
  const results: T[] = []
  for (let i = 0; i < count; i++) {
    await sleep(SPACING_MS)
    results.push(await fn())
  }
  return results
}

async function scanMs(scanner: Scanner): Promise<number> {
  const started = performance.now()
  await scanner.scan()
  return performance.now() - started
}

function floorMs(floor: string, rounds: number): number[] {
  return execFileSync(floor, [String(rounds), String(SPACING_MS)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => Number(line.split(' ')[0]))
}

/** Forks short-lived processes as fast as a shell does, in the background, until stopped. */
function forkStorm(): { stop(): void; rate(): number } {
  const began = performance.now()
  let forks = 0
  // Each round: 20 `true`s in the background, then wait; one shell keeps one core busy forking.
  const storm = spawn('sh', ['-c', 'while :; do for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do true & done; wait; echo; done'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  storm.stdout.on('data', (chunk: Buffer) => (forks += 20 * chunk.length))
  return {
    stop: () => storm.kill('SIGKILL'),
    rate: () => forks / ((performance.now() - began) / 1000),
  }
}

/** From spawn() to the watch's `start` event, for Go processes started during a fork storm. */
async function watchLatency(samples: number): Promise<{ ms: number; forksPerSecond: number; mode: string }> {
  const controller = new AbortController()
  const events = watch({ mode: 'auto', signal: controller.signal })
  const waiting = new Map<number, (at: number) => void>()
  const latencies: number[] = []
  const reading = (async () => {
    for await (const event of events) {
      if (event.type === 'start') waiting.get(event.process.pid)?.(performance.now())
    }
  })()
  await sleep(1000) // the first batch (everything running) is out of the way
  const storm = forkStorm()
  await sleep(1000)
  try {
    for (let i = 0; i < samples; i++) {
      const spawned = performance.now()
      const child = spawn(binaries[i % BINARIES], ['5'], { stdio: 'ignore' })
      const seen = await Promise.race([
        new Promise<number>((resolve) => waiting.set(child.pid!, resolve)),
        sleep(5000).then(() => NaN),
      ])
      waiting.delete(child.pid!)
      latencies.push(seen - spawned)
      child.kill('SIGKILL')
      await sleep(200)
    }
  } finally {
    storm.stop()
  }
  const forksPerSecond = storm.rate()
  controller.abort()
  await reading.catch(() => undefined)
  return { ms: median(latencies.filter((ms) => !Number.isNaN(ms))), forksPerSecond, mode: events.mode }
}

/** From spawn() of a Go process until a scrape lists it, scraping back to back. */
async function metricsLatency(server: Server, samples: number): Promise<number> {
  const latencies: number[] = []
  for (let i = 0; i < samples; i++) {
    const spawned = performance.now()
    const child = spawn(binaries[(i + 7) % BINARIES], ['5'], { stdio: 'ignore' })
    const needle = `pid="${child.pid}"`
    let seen = NaN
    while (performance.now() - spawned < 5000) {
      if ((await scrape(server.url)).page.includes(needle)) {
        seen = performance.now() - spawned
        break
      }
    }
    latencies.push(seen)
    child.kill('SIGKILL')
    await sleep(300)
  }
  return median(latencies.filter((ms) => !Number.isNaN(ms)))
}

async function measureExporter(): Promise<string[]> {
  const cli = join(__dirname, '..', 'bin', 'gops-native.js')
  const server = await startServer(process.execPath, [cli, 'exporter', '--listen', '127.0.0.1:0'], /serving (http:\S+)/)
  try {
    const { pid } = server
    await scrape(server.url) // the cold scan
    // V8 finishes its start-up work (the memory reducer's GC, optimising compiles) within ~10 s
    // of the first scrape: measured earlier, it would count as idle cost.
    await sleep(SETTLE_MS)
    const idleStart = cpuSeconds(pid)
    await sleep(SCRAPES * 1000)
    const idleMs = ((cpuSeconds(pid) - idleStart) / SCRAPES) * 1000
    const scrapeStart = cpuSeconds(pid)
    const latencies: number[] = []
    let bytes = 0
    const began = performance.now()
    for (let i = 0; i < SCRAPES; i++) {
      const result = await scrape(server.url, PROMETHEUS_ACCEPT)
      latencies.push(result.ms)
      bytes = result.bytes
      await sleep(Math.max(0, began + (i + 1) * 1000 - performance.now()))
    }
    const perScrape = ((cpuSeconds(pid) - scrapeStart) / SCRAPES) * 1000
    const rss = rssMb(pid)
    const newProcess = await metricsLatency(server, 7)
    return [
      `${idleMs.toFixed(2)} ms`,
      `${perScrape.toFixed(2)} ms`,
      `${(perScrape - idleMs).toFixed(2)} ms`,
      `${median(latencies).toFixed(2)} ms`,
      `${(bytes / 1024).toFixed(0)} KiB`,
      `${rss.toFixed(0)} MB`,
      `${newProcess.toFixed(0)} ms`,
    ]
  } finally {
    server.stop()
  }
}

async function main(): Promise<void> {
  process.on('SIGINT', () => {
    stopAll()
    process.exit(130)
  })
  const floorSource = join(__dirname, 'floor.c')
  const floor = derivedFile('floor', ['cc -O2', readFileSync(floorSource, 'utf8')], (out) => execFileSync('cc', ['-O2', '-o', out, floorSource]))
  const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'))
  console.log(machine())
  console.log(`pid_max ${pidMax}, threads-max ${readFileSync('/proc/sys/kernel/threads-max', 'utf8').trim()}; medians; scans and floor ${SPACING_MS} ms apart (${SCANS} each)`)
  const scanRows: string[] = []
  const exporterRows: string[] = []
  for (const size of SIZES.length ? SIZES : [1000, 5000, 10000]) {
    // Every thread takes a PID: an idle Go process has about five.
    if (size * (1 + GO_SHARE * 4) * 1.2 > pidMax) {
      console.log(`skipping ${size}: pid_max is ${pidMax}; raise it (sysctl -w kernel.pid_max=131072)`)
      continue
    }
    await populate(size)
    await sleep(3000)
    const load = loadavg().map((l) => l.toFixed(1)).join(' ')
    const polling = new Scanner({ mode: 'polling' })
    const cold = [await scanMs(polling)]
    for (let i = 0; i < 2; i++) cold.push(await scanMs(new Scanner({ mode: 'polling' })))
    const stats = (await polling.scan()).stats
    const warm = await spaced(SCANS, () => scanMs(polling))
    const floors = floorMs(floor, SCANS)
    const following = new Scanner({ mode: 'auto' })
    await following.scan()
    const events = await spaced(SCANS, () => scanMs(following))
    const rssBefore = rssMb(process.pid)
    const watched = await watchLatency(7)
    const ms = (values: number[]) => median(values)
    const label = `${stats.scanned.toLocaleString('en')} (${stats.go.toLocaleString('en')} Go)`
    scanRows.push(
      `| ${label} | ${ms(cold).toFixed(1)} ms | ${ms(warm).toFixed(2)} ms | ${ms(floors).toFixed(2)} ms | ${(ms(warm) / ms(floors)).toFixed(2)}x | ` +
        `${ms(events).toFixed(3)} ms (${following.mode}) | ${(ms(events) / ms(floors)).toFixed(3)}x | ` +
        `${watched.ms.toFixed(1)} ms (${watched.mode}, ${watched.forksPerSecond.toFixed(0)} forks/s) | ${rssBefore.toFixed(0)} MB | ${load} |`,
    )
    following.close()
    polling.close()
    console.log(scanRows[scanRows.length - 1])
    const exporter = await measureExporter()
    exporterRows.push(`| ${label} | ${exporter.join(' | ')} | ${loadavg().map((l) => l.toFixed(1)).join(' ')} |`)
    console.log(exporterRows[exporterRows.length - 1])
  }
  console.log('\n| processes | cold scan | warm scan (polling) | floor | warm / floor | events-mode scan | events / floor | watch() start latency in a fork storm | bench RSS | load at start |')
  console.log('|---|---|---|---|---|---|---|---|---|---|')
  for (const row of scanRows) console.log(row)
  console.log("\nexporter (following events, from dist), scraped once a second with Prometheus's Accept header (OpenMetrics):")
  console.log('| processes | CPU per second, idle | CPU per scrape | above idle | scrape latency | page | RSS | new Go process on /metrics after | load |')
  console.log('|---|---|---|---|---|---|---|---|---|')
  for (const row of exporterRows) console.log(row)
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(stopAll)
