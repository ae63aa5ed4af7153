// Discovery benchmark: starts idle processes (Go from 20 distinct binaries, plus `sleep`), then
// times, in one run, the real gops CLI, the gops-native CLI, and in-process Scanner scans cold
// (new Scanner) and warm (same Scanner), at ~300 and ~1,000 processes.
// Run: npm run build (release addon + dist), then `node --import tsx bench/discover.ts`.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Scanner, discover } from '../index'
import { buildGo, gopsCli } from '../__test__/helpers/go'

const run = promisify(execFile)
const RUNS = 15
const WARM_RUNS = 200
const children: ChildProcess[] = []

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function timeIt(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  return median(samples)
}

async function start(file: string, args: string[]): Promise<void> {
  const child = spawn(file, args, { stdio: 'ignore' })
  children.push(child)
  await once(child, 'spawn')
}

/** Brings the idle processes up to `go` Go processes (round-robin over the binaries) and `other` sleeps. */
async function populate(binaries: string[], go: number, other: number, have: { go: number; other: number }): Promise<void> {
  for (; have.go < go; have.go++) await start(binaries[have.go % binaries.length], ['3600'])
  for (; have.other < other; have.other++) await start('sleep', ['3600'])
}

function stopAll(): void {
  for (const child of children) child.kill('SIGKILL')
}

async function measure(label: string, gops: string): Promise<void> {
  const gopsMs = await timeIt(RUNS, () => run(gops, [], { maxBuffer: 1 << 24 }))
  const cliMs = await timeIt(RUNS, () => run(process.execPath, [join(__dirname, '..', 'bin', 'gops-native.js')], { maxBuffer: 1 << 24 }))
  const coldMs = await timeIt(RUNS, () => new Scanner().scan())
  const discoverMs = await timeIt(RUNS, () => discover())
  const scanner = new Scanner()
  const first = await scanner.scan()
  const warmMs = await timeIt(WARM_RUNS, () => scanner.scan())
  const warmSyncMs = await timeIt(WARM_RUNS, async () => scanner.scanSync())
  const last = await scanner.scan()
  const rssMb = process.memoryUsage().rss / 2 ** 20
  const ratio = (ms: number) => (gopsMs / ms).toFixed(1)
  console.log(`\n## ${label}: ${last.stats.scanned} processes on the host, ${last.stats.go} Go (first scan inspected ${first.stats.inspected} executables)`)
  console.log('| what | median ms | gops / this |')
  console.log('|---|---|---|')
  console.log(`| gops CLI (list), v0.3.28 | ${gopsMs.toFixed(2)} | 1.0 |`)
  console.log(`| gops-native CLI (list), end to end | ${cliMs.toFixed(2)} | ${ratio(cliMs)} |`)
  console.log(`| Scanner.scan(), cold (new Scanner) | ${coldMs.toFixed(2)} | ${ratio(coldMs)} |`)
  console.log(`| discover() | ${discoverMs.toFixed(2)} | ${ratio(discoverMs)} |`)
  console.log(`| Scanner.scan(), warm (same Scanner) | ${warmMs.toFixed(3)} | ${ratio(warmMs)} |`)
  console.log(`| Scanner.scanSync(), warm | ${warmSyncMs.toFixed(3)} | ${ratio(warmSyncMs)} |`)
  console.log(`| in-Rust scan time of the last warm scan (stats.durationMs) | ${last.stats.durationMs.toFixed(3)} | ${ratio(last.stats.durationMs)} |`)
  console.log(`| bench process RSS after ${2 * WARM_RUNS + 2 * RUNS + 2} scans | ${rssMb.toFixed(1)} MB | |`)
}

async function main(): Promise<void> {
  process.on('SIGINT', () => {
    stopAll()
    process.exit(130)
  })
  const gops = gopsCli()
  const binaries = Array.from({ length: 20 }, (_, i) =>
    buildGo({ program: 'hello', name: `hello-bench-${i}`, flags: [`-ldflags=-X main.benchVariant=${i}`] }),
  )
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, Node ${process.version}, ${process.platform}-${process.arch}`)
  const have = { go: 0, other: 0 }
  try {
    await populate(binaries, 100, 200, have)
    await measure('~300 processes (100 Go from 20 binaries, 200 sleep)', gops)
    await populate(binaries, 300, 700, have)
    await measure('~1,000 processes (300 Go from 20 binaries, 700 sleep)', gops)
  } finally {
    stopAll()
  }
}

main().catch((error) => {
  stopAll()
  console.error(error)
  process.exitCode = 1
})
