// Benchmark: vulnerabilities of a whole host. VULNS_BENCH_PROCESSES Go processes (default 1000)
// run 20 distinct binaries (Go 1.21.0 programs on golang.org/x/text v0.3.6/v0.3.7, plain and
// stripped); the database has the size of Go's real one (VULNS_BENCH_ENTRIES, default 4000: the
// real advisories of the tests among generated ones), in the v1 layout govulncheck reads.
// Measured in one run, side by side:
//   - ours, cold (a new VulnScanner: index, analyses, scan) and warm (the same scanner again),
//     over the host and over the 20 binaries as files;
//   - govulncheck v1.9.0 -mode=binary over the same 20 binaries, one after the other (it takes
//     one file per run), same database;
//   - syft v1.57.2 cataloguing the same 20 binaries (an SBOM, no vulnerability matching), when
//     it was built (VULNS_BENCH_SYFT=1 builds it: about 4 minutes).
// Prints a Markdown table with medians of BENCH_RUNS runs (default 7; the peers at most 3) and
// the machine's load.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Scanner, VulnScanner } from '../index'
import { bulkAdvisories, realAdvisories, writeV1Db } from '../__test__/helpers/advisories'
import { buildGo, cacheDir, goInstall } from '../support/go'
import { govulncheck } from '../__test__/helpers/govulncheck'
import { machine } from './machine'
import { median } from './median'

const runs = Number(process.env.BENCH_RUNS ?? 7)
const processCount = Number(process.env.VULNS_BENCH_PROCESSES ?? 1000)
const entryCount = Number(process.env.VULNS_BENCH_ENTRIES ?? 4000)
const scratch = mkdtempSync(join(tmpdir(), 'gops-native-bench-vulns-'))

const oldGo = { GOTOOLCHAIN: 'go1.21.0', GOFLAGS: '-mod=mod' }
const binaries = Array.from({ length: 20 }, (_, i) => {
  const program = ['vulnlang', 'vulnwidth', 'vulnold'][i % 3]
  const stripped = i % 2 === 1
  return buildGo({
    program,
    name: `${program}-bench-${i}`,
    env: oldGo,
    flags: [`-ldflags=-X main.benchVariant=${i}${stripped ? ' -s -w' : ''}`],
  })
})

const db = writeV1Db(join(scratch, 'db'), [...realAdvisories, ...bulkAdvisories(entryCount - realAdvisories.length)])

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return ms(start)
}

async function medianOf(fn: () => Promise<unknown> | unknown, count = runs): Promise<number> {
  const all: number[] = []
  for (let i = 0; i < count; i++) all.push(await timed(fn))
  return median(all)
}

function syft(): string | null {
  const exe = join(cacheDir, 'bin', 'syft@v1.57.2', 'syft')
  if (existsSync(exe)) return exe
  if (process.env.VULNS_BENCH_SYFT !== '1') return null
  return goInstall('github.com/anchore/syft/cmd/syft', 'v1.57.2')
}

async function main(): Promise<void> {
  const load = () => execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/.*load average: /, '')
  console.log(machine())
  const children: ChildProcess[] = []
  try {
    for (let i = 0; i < processCount; i++) {
      const child = spawn(binaries[i % binaries.length], ['wait'], { stdio: 'ignore' })
      children.push(child)
      await once(child, 'spawn')
    }
    const rows: [string, number, string][] = []
    const loadBefore = load()

    // Warm first, while nothing else this run made is waiting for the garbage collector.
    const floorScanner = new Scanner()
    await floorScanner.scan()
    const floor = await medianOf(() => floorScanner.scan())
    const warmScanner = new VulnScanner({ db })
    const first = await warmScanner.scan()
    const found = first.filter((r) => children.some((c) => c.pid === r.pid)).length
    const hostWarm = await medianOf(() => warmScanner.scan())
    warmScanner.close()
    // Cold is a new scanner each time (every in-process cache empty, the database read again).
    const hostCold = await medianOf(async () => {
      const scanner = new VulnScanner({ db })
      await scanner.scan()
      scanner.close()
    })
    rows.push([`ours, host of ${found} benchmark processes (+ the rest of the host), cold`, hostCold, ''])
    rows.push([`ours, host, warm`, hostWarm, ''])
    rows.push([`(the floor: Scanner.scan() of the same host, warm, no vulnerability work)`, floor, ''])

    const filesCold = await medianOf(async () => {
      const scanner = new VulnScanner({ db })
      await scanner.scan(binaries)
      scanner.close()
    })
    const filesScanner = new VulnScanner({ db })
    await filesScanner.scan(binaries)
    const filesWarm = await medianOf(() => filesScanner.scan(binaries))
    filesScanner.close()
    rows.push(['ours, the 20 binaries as files, cold', filesCold, ''])
    rows.push(['ours, the 20 binaries as files, warm', filesWarm, ''])

    const peer = govulncheck()
    const peerMs = await medianOf(() => {
      for (const file of binaries) spawnSync(peer, ['-mode=binary', '-db', `file://${db}`, '-format', 'json', file], { stdio: 'ignore' })
    }, Math.min(runs, 3))
    rows.push(['govulncheck v1.9.0 -mode=binary, the 20 binaries one after the other', peerMs, ''])

    const syftExe = syft()
    let syftMs: number | null = null
    if (syftExe) {
      syftMs = await medianOf(() => {
        for (const file of binaries) spawnSync(syftExe, ['scan', `file:${file}`, '-o', 'json', '-q'], { stdio: 'ignore', env: { ...process.env, SYFT_CHECK_FOR_APP_UPDATE: 'false' } })
      }, Math.min(runs, 3))
      rows.push(['syft v1.57.2 (catalogue only), the 20 binaries one after the other', syftMs, ''])
    }
    const loadAfter = load()

    for (const row of rows) {
      const ratio = peerMs / row[1]
      row[2] = `${ratio.toFixed(ratio < 10 ? 2 : 0)}x`
    }
    console.log(`\n${processCount} Go processes started from 20 binaries; database: ${entryCount} entries (v1 layout); ${runs} runs each (the peers ${Math.min(runs, 3)}), medians; load average ${loadBefore} before, ${loadAfter} after\n`)
    console.log('| what | median ms | govulncheck time / this |')
    console.log('|---|---:|---:|')
    for (const [what, value, ratio] of rows) console.log(`| ${what} | ${value.toFixed(1)} | ${ratio} |`)
    if (!syftExe) console.log('\n(syft not built: VULNS_BENCH_SYFT=1 builds it, about 4 minutes)')
  } finally {
    for (const child of children) child.kill('SIGKILL')
    rmSync(scratch, { recursive: true, force: true })
  }
}

void main()
