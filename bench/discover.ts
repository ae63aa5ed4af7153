// Discovery benchmark: starts idle processes (Go from 20 distinct binaries, plus `sleep`), then
// times, in one run, at ~300 and ~1,000 processes:
// - the gops CLI, the gops-native CLI and bare `node -e 0`, each spawned as a shell would (plain
//   fork/exec and wait, output to /dev/null: spawnSync, not execFile's pipes and event loop);
// - gops's own library (`goprocess.FindAll`) in-process, in a small Go program (bench/go/findall);
// - our `Scanner` in-process, cold (new Scanner) and warm (same Scanner);
// - the floor of a warm rescan: readdir of /proc plus one stat per process, in C (bench/floor.c).
// - a `Scanner` that follows the kernel's process events (mode 'auto'), warm: no /proc walk.
// - Node's own round trip through libuv's pool (`fs.promises.access`), which every async scan pays.
// - the warm scans and the floor again, each 100 ms after the last, as a poller runs them: back
//   to back, every kernel cache stays hot and a scan costs a third to two fifths of what it does then.
// The Node rows (our CLI, `node -e 0`) run without NODE_EXTRA_CA_CERTS (see defaultNodeEnv).
// Run: npm run build (release addon + dist), then `node --import tsx bench/discover.ts`
// (`npm run bench:perf` runs it and bench/watch.ts in one run).
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { access } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { Scanner, discover } from '../index'
import { buildGo, derivedFile, gopsCli } from '../support/go'
import { IdleProcesses } from './idle-processes'
import { machine } from './machine'
import { median } from './median'

const ROUNDS = Number(process.env.BENCH_ROUNDS) || 21
const WARM_PER_ROUND = 10
const FINDALL_PER_ROUND = 3
const FLOOR_PER_ROUND = 10
/** Scans and floors spaced as a poller spaces them: the back-to-back ones run with every cache hot. */
const SPACED_PER_ROUND = 3
const SPACING_MS = 100
const idle = new IdleProcesses()

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

/**
 * Node 20 loads every CA certificate at start-up when NODE_EXTRA_CA_CERTS names a file, which
 * took `node -e 0` from about 30 ms to 75-100 ms on the benchmark machine. A default install
 * leaves it unset, so the Node rows run without it; when the bench's own environment sets it,
 * two more rows show what it costs.
 */
const EXTRA_CA_CERTS = 'NODE_EXTRA_CA_CERTS'
const defaultNodeEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== EXTRA_CA_CERTS))

/** A command run as a shell runs it: fork/exec, wait, output to /dev/null. */
function timedRun(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now()
  const { status, error } = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'inherit'], env })
  const ms = performance.now() - start
  if (error || status !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${error ?? `exit ${status}`}`)
  return ms
}

/** Runs a timing program that prints one `<ms> <count>` line per round. */
function programTimes(file: string, rounds: number, gapMs = 0): number[] {
  return execFileSync(file, [String(rounds), String(gapMs)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => Number(line.split(' ')[0]))
}

interface Tools {
  gops: string
  findAll: string
  floor: string
}

/**
 * The machine is shared, so its load drifts: every round runs each contender once (the
 * in-process ones a few times), and medians are taken per contender, so drift hits them all alike.
 */
async function measure(label: string, tools: Tools): Promise<void> {
  const cli = join(__dirname, '..', 'bin', 'gops-native.js')
  const keys = ['gops', 'findAll', 'cli', 'node', 'cliCa', 'nodeCa', 'cold', 'discover', 'warm', 'warmSync', 'rust', 'floor', 'events', 'hop', 'spacedFloor', 'spacedWarm', 'spacedSync', 'spacedRust'] as const
  const samples = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<(typeof keys)[number], number[]>
  const scanner = new Scanner()
  const first = await scanner.scan()
  const following = new Scanner({ mode: 'auto' })
  await following.scan()
  const loadAtStart = loadavg()
  for (let round = 0; round < ROUNDS; round++) {
    samples.gops.push(timedRun(tools.gops, []))
    samples.cli.push(timedRun(process.execPath, [cli], defaultNodeEnv))
    samples.node.push(timedRun(process.execPath, ['-e', '0'], defaultNodeEnv))
    if (process.env[EXTRA_CA_CERTS]) {
      samples.cliCa.push(timedRun(process.execPath, [cli]))
      samples.nodeCa.push(timedRun(process.execPath, ['-e', '0']))
    }
    samples.findAll.push(...programTimes(tools.findAll, FINDALL_PER_ROUND))
    samples.floor.push(...programTimes(tools.floor, FLOOR_PER_ROUND))
    samples.cold.push(await timed(() => new Scanner().scan()))
    samples.discover.push(await timed(() => discover()))
    for (let i = 0; i < WARM_PER_ROUND; i++) {
      samples.warm.push(await timed(() => scanner.scan()))
      samples.warmSync.push(await timed(async () => scanner.scanSync()))
      samples.rust.push((await scanner.scan()).stats.durationMs)
      samples.events.push(await timed(() => following.scan()))
      samples.hop.push(await timed(() => access('/')))
    }
    samples.spacedFloor.push(...programTimes(tools.floor, SPACED_PER_ROUND, SPACING_MS))
    for (let i = 0; i < SPACED_PER_ROUND; i++) {
      await sleep(SPACING_MS)
      const start = performance.now()
      const { stats } = await scanner.scan()
      samples.spacedWarm.push(performance.now() - start)
      samples.spacedRust.push(stats.durationMs)
      await sleep(SPACING_MS)
      samples.spacedSync.push(await timed(async () => scanner.scanSync()))
    }
  }
  const last = await scanner.scan()
  const rssMb = process.memoryUsage().rss / 2 ** 20
  const ms = (key: (typeof keys)[number]) => median(samples[key])
  const row = (what: string, key: (typeof keys)[number], extra: string, digits = 2) =>
    console.log(`| ${what} | ${ms(key).toFixed(digits)} | ${extra} |`)
  const vsGops = (key: (typeof keys)[number]) => `${(ms('gops') / ms(key)).toFixed(1)}x faster than the gops CLI`
  const vsFindAll = (key: (typeof keys)[number]) => `${(ms('findAll') / ms(key)).toFixed(1)}x faster than FindAll`
  const vsFloor = (key: (typeof keys)[number]) => `${(ms(key) / ms('floor')).toFixed(2)}x the floor`
  console.log(`\n## ${label}: ${last.stats.scanned} processes on the host, ${last.stats.go} Go (first scan inspected ${first.stats.inspected} executables)`)
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ')
  console.log(`medians of ${ROUNDS} rounds (FindAll ${ROUNDS * FINDALL_PER_ROUND}, floor ${ROUNDS * FLOOR_PER_ROUND}, warm ${ROUNDS * WARM_PER_ROUND} scans each); load average at the start ${load(loadAtStart)}, at the end ${load(loadavg())}`)
  console.log('| what | median ms | compared |')
  console.log('|---|---|---|')
  row('gops CLI v0.3.28 (list), fork/exec', 'gops', '')
  const overNode = (cli: 'cli' | 'cliCa', node: 'node' | 'nodeCa') => `${(ms(cli) - ms(node)).toFixed(1)} ms over \`node -e 0\``
  row(`gops-native CLI (list), fork/exec, ${EXTRA_CA_CERTS} unset`, 'cli', `${vsGops('cli')}; ${overNode('cli', 'node')}`)
  row(`\`node -e 0\`, fork/exec, ${EXTRA_CA_CERTS} unset`, 'node', '')
  if (samples.cliCa.length > 0) {
    row(`gops-native CLI (list), fork/exec, ${EXTRA_CA_CERTS} set`, 'cliCa', `${vsGops('cliCa')}; ${overNode('cliCa', 'nodeCa')}`)
    row(`\`node -e 0\`, fork/exec, ${EXTRA_CA_CERTS} set`, 'nodeCa', '')
  }
  row('gops `goprocess.FindAll()` in-process (Go)', 'findAll', vsGops('findAll'))
  row('`Scanner.scan()` cold (new Scanner)', 'cold', `${vsGops('cold')}; ${vsFindAll('cold')}`)
  row('`discover()`', 'discover', `${vsGops('discover')}; ${vsFindAll('discover')}`)
  row('`Scanner.scan()` warm (same Scanner)', 'warm', `${vsFindAll('warm')}; ${vsFloor('warm')}`, 3)
  row('`Scanner.scanSync()` warm', 'warmSync', `${vsFindAll('warmSync')}; ${vsFloor('warmSync')}`, 3)
  row('warm scan inside Rust (`stats.durationMs`)', 'rust', vsFloor('rust'), 3)
  row('floor: readdir /proc + stat /proc/<pid>/exe each (C)', 'floor', '', 3)
  row(`\`Scanner({ mode: 'auto' }).scan()\` warm (${following.mode}: no /proc walk when nothing changed)`, 'events', `${vsFloor('events')}; ${following.resyncs} resyncs`, 3)
  row("Node's own round trip through libuv's pool: `fs.promises.access('/')`", 'hop', `what every async call pays; ${(ms('hop') / ms('floor')).toFixed(2)}x the floor`, 3)
  const vsSpacedFloor = (key: (typeof keys)[number]) => `${(ms(key) / ms('spacedFloor')).toFixed(2)}x the spaced floor`
  row(`\`Scanner.scan()\` warm, ${SPACING_MS} ms after the last scan`, 'spacedWarm', vsSpacedFloor('spacedWarm'), 3)
  row(`\`Scanner.scanSync()\` warm, ${SPACING_MS} ms after the last scan`, 'spacedSync', vsSpacedFloor('spacedSync'), 3)
  row(`inside Rust, ${SPACING_MS} ms after the last scan`, 'spacedRust', vsSpacedFloor('spacedRust'), 3)
  row(`floor, ${SPACING_MS} ms after its last round (C)`, 'spacedFloor', '', 3)
  console.log(`| bench process RSS after all scans | ${rssMb.toFixed(1)} MB | |`)
}

export async function benchDiscover(): Promise<void> {
  process.on('SIGINT', () => {
    idle.stopAll()
    process.exit(130)
  })
  const floorSource = join(__dirname, 'floor.c')
  const tools: Tools = {
    gops: gopsCli(),
    findAll: buildGo({ program: 'findall', sourceDir: join(__dirname, 'go'), name: 'findall' }),
    floor: derivedFile('floor', ['cc -O2', readFileSync(floorSource, 'utf8')], (out) => execFileSync('cc', ['-O2', '-o', out, floorSource])),
  }
  try {
    await idle.populate(100, 200)
    await measure('~300 processes (100 Go from 20 binaries, 200 sleep)', tools)
    await idle.populate(300, 700)
    await measure('~1,000 processes (300 Go from 20 binaries, 700 sleep)', tools)
  } finally {
    idle.stopAll()
  }
}

if (require.main === module) {
  console.log(machine())
  benchDiscover().catch((error) => {
    idle.stopAll()
    console.error(error)
    process.exitCode = 1
  })
}
