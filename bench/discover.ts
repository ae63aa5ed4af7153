// Discovery benchmark: starts idle processes (Go from 20 distinct binaries, plus `sleep`), then
// times, in one run, the real gops CLI, the gops-native CLI, and in-process Scanner scans cold
// (new Scanner) and warm (same Scanner), at ~300 and ~1,000 processes.
// Run: npm run build (release addon + dist), then `node --import tsx bench/discover.ts`.
import { execFile } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Scanner, discover } from '../index'
import { gopsCli } from '../__test__/helpers/go'
import { IdleProcesses } from './idle-processes'
import { median } from './median'

const run = promisify(execFile)
const ROUNDS = 21
const WARM_PER_ROUND = 10
const idle = new IdleProcesses()

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
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
    idle.stopAll()
    process.exit(130)
  })
  const gops = gopsCli()
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, Node ${process.version}, ${process.platform}-${process.arch}`)
  try {
    await idle.populate(100, 200)
    await measure('~300 processes (100 Go from 20 binaries, 200 sleep)', gops)
    await idle.populate(300, 700)
    await measure('~1,000 processes (300 Go from 20 binaries, 700 sleep)', gops)
  } finally {
    idle.stopAll()
  }
}

main().catch((error) => {
  idle.stopAll()
  console.error(error)
  process.exitCode = 1
})
