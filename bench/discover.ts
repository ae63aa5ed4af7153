// Discovery benchmark: starts idle processes (Go from 20 distinct binaries, plus `sleep`), then
// times, in one run, the real gops CLI, the gops-native CLI, and in-process Scanner scans cold
// (new Scanner) and warm (same Scanner), at ~300 and ~1,000 processes.
// Run: npm run build (release addon + dist), then `node --import tsx bench/discover.ts`.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Scanner, discover } from '../index'
import { buildGo, gopsCli } from '../__test__/helpers/go'
import { median } from './median'

const run = promisify(execFile)
const ROUNDS = 21
const WARM_PER_ROUND = 10
const children: ChildProcess[] = []

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
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

/**
 * The machine is shared, so its load drifts: every round runs each contender once (warm scans a
 * few times), and medians are taken per contender, so drift hits them all alike.
 */
async function measure(label: string, gops: string): Promise<void> {
  const cli = join(__dirname, '..', 'bin', 'gops-native.js')
  const samples: Record<string, number[]> = { gops: [], cli: [], cold: [], discover: [], warm: [], warmSync: [], rust: [] }
  const scanner = new Scanner()
  const first = await scanner.scan()
  for (let round = 0; round < ROUNDS; round++) {
    samples.gops.push(await timed(() => run(gops, [], { maxBuffer: 1 << 24 })))
    samples.cli.push(await timed(() => run(process.execPath, [cli], { maxBuffer: 1 << 24 })))
    samples.cold.push(await timed(() => new Scanner().scan()))
    samples.discover.push(await timed(() => discover()))
    for (let i = 0; i < WARM_PER_ROUND; i++) {
      samples.warm.push(await timed(() => scanner.scan()))
      samples.warmSync.push(await timed(async () => scanner.scanSync()))
      samples.rust.push((await scanner.scan()).stats.durationMs)
    }
  }
  const last = await scanner.scan()
  const rssMb = process.memoryUsage().rss / 2 ** 20
  const gopsMs = median(samples.gops)
  const row = (what: string, key: string, digits = 2) => {
    const ms = median(samples[key])
    console.log(`| ${what} | ${ms.toFixed(digits)} | ${(gopsMs / ms).toFixed(1)}x |`)
  }
  console.log(`\n## ${label}: ${last.stats.scanned} processes on the host, ${last.stats.go} Go (first scan inspected ${first.stats.inspected} executables)`)
  console.log(`medians of ${ROUNDS} rounds (warm: ${ROUNDS * WARM_PER_ROUND} scans each); load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  console.log('| what | median ms | faster than gops |')
  console.log('|---|---|---|')
  row('gops CLI v0.3.28 (list)', 'gops')
  row('gops-native CLI (list), end to end', 'cli')
  row('`Scanner.scan()` cold (new Scanner)', 'cold')
  row('`discover()`', 'discover')
  row('`Scanner.scan()` warm (same Scanner)', 'warm', 3)
  row('`Scanner.scanSync()` warm', 'warmSync', 3)
  row('warm scan inside Rust (`stats.durationMs`)', 'rust', 3)
  console.log(`| bench process RSS after all scans | ${rssMb.toFixed(1)} MB | |`)
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
