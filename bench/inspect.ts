// Benchmark: gops-native inspect against Go's reader on the same files, in one run.
// Measures files per second in-process (our addon vs Go's debug/buildinfo in a Go program) and
// as whole processes (`gops-native inspect` vs `go version -m`), bytes read from each inspected
// file (counted by strace on the file's own descriptors, for both tools alike), and peak RSS of
// each process (GNU time's %M). Needs the release build (`npm run build`), Go, strace and GNU
// time (and Python 3, for rusage). Prints a Markdown table; BENCH_RUNS sets the repetitions (default 15).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspectMany, inspectSync } from '../index'
import { fatMachO, goFixtures, goWasm, halfGoBinary, largeCBinary, nonGoFixtures } from '../support/go-binaries'
import { buildGo, gopsCli } from '../support/go'
import { govulncheck } from '../__test__/helpers/govulncheck'
import { prometheusTools } from '../__test__/helpers/prometheus'
import { packageRoot } from '../src/package-root'
import { machine } from './machine'
import { median } from './median'

const runs = Number(process.env.BENCH_RUNS ?? 15)
const cli = join(packageRoot, 'bin', 'gops-native.js')
const scratch = mkdtempSync(join(tmpdir(), 'gops-native-bench-'))

interface ProcessRun {
  seconds: number
  maxRssKiB: number
}

/** One run of a command under GNU time: wall time measured here, peak RSS from time's %M. */
function runProcess(command: string, args: string[]): ProcessRun {
  const rssFile = join(scratch, 'rss')
  const start = process.hrtime.bigint()
  const run = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args], { stdio: 'ignore' })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (run.error) throw run.error
  return { seconds, maxRssKiB: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) }
}

function medianRuns(command: string, args: string[]): ProcessRun {
  const all = Array.from({ length: runs }, () => runProcess(command, args))
  return { seconds: median(all.map((r) => r.seconds)), maxRssKiB: median(all.map((r) => r.maxRssKiB)) }
}

/**
 * Bytes each process read from each of `files`: strace follows every thread, and only
 * read/pread64/readv/preadv calls on a descriptor opened on one of those paths are counted.
 */
function straceBytesRead(command: string, args: string[], files: string[]): Map<string, number> {
  const log = join(scratch, 'strace.log')
  const run = spawnSync('strace', ['-f', '-qq', '-s', '0', '-e', 'trace=openat,open,close,read,pread64,readv,preadv', '-o', log, command, ...args], { stdio: 'ignore' })
  if (run.error) throw run.error
  const wanted = new Set(files)
  const totals = new Map(files.map((f) => [f, 0]))
  // Neither command starts a child process, so all threads share one descriptor table.
  const fdPath = new Map<string, string>()
  const pending = new Map<string, string>() // thread id -> the start of an unfinished call
  for (const raw of readFileSync(log, 'utf8').split('\n')) {
    const match = /^(\d+)\s+(.*)$/.exec(raw)
    if (!match) continue
    const [, tid, rest] = match
    let line = rest
    if (line.endsWith('<unfinished ...>')) {
      pending.set(tid, line.replace(/\s*<unfinished \.\.\.>$/, ''))
      continue
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(line)
    if (resumed) {
      line = (pending.get(tid) ?? '') + resumed[1]
      pending.delete(tid)
    }
    const result = /=\s*(-?\d+)/.exec(line.slice(line.lastIndexOf(')')))
    if (!result) continue
    const value = Number(result[1])
    const open = /^open(?:at)?\((?:[^,]+, )?"([^"]*)"/.exec(line)
    if (open && value >= 0) {
      if (wanted.has(open[1])) fdPath.set(String(value), open[1])
      else fdPath.delete(String(value))
      continue
    }
    const io = /^(?:read|pread64|readv|preadv|close)\((\d+)/.exec(line)
    if (!io) continue
    if (line.startsWith('close')) {
      fdPath.delete(io[1])
      continue
    }
    const path = fdPath.get(io[1])
    if (path && value > 0) totals.set(path, totals.get(path)! + value)
  }
  return totals
}

function rustDriverLibrary(): string | undefined {
  const toolchains = join(process.env.HOME ?? '/root', '.rustup', 'toolchains')
  if (!existsSync(toolchains)) return undefined
  for (const toolchain of readdirSync(toolchains)) {
    const lib = join(toolchains, toolchain, 'lib')
    const driver = existsSync(lib) ? readdirSync(lib).find((name) => /^librustc_driver-.*\.so$/.test(name)) : undefined
    if (driver) return join(lib, driver)
  }
  return undefined
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1)
const kib = (bytes: number) => (bytes / 1024).toFixed(1)
const ratio = (ours: number, theirs: number) => (theirs === 0 ? 'n/a' : `${(ours / theirs).toPrecision(ours / theirs < 0.1 ? 2 : 3)}x`)

/** Seconds per pass of Go's debug/buildinfo over `files`, in one Go process (no start-up in it). */
function goReaderPasses(files: string[]): number[] {
  const reader = buildGo({ program: 'readbuildinfo', name: 'readbuildinfo' })
  return JSON.parse(execFileSync(reader, [String(runs), ...files], { encoding: 'utf8', maxBuffer: 1 << 20 })) as number[]
}

/** Seconds per call of `pass`, `runs` times, in this process. */
async function ourPasses(pass: () => unknown): Promise<number[]> {
  const seconds: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    await pass()
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9)
  }
  return seconds
}

/** How many files `go version -m` prints a version for. */
function goRecognised(files: string[]): number {
  const run = spawnSync('go', ['version', '-m', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 })
  return run.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('\t')).length
}

/** Node's environment without NODE_EXTRA_CA_CERTS: where a machine sets it, Node 20 reads the bundle at start-up, doubling it. */
const nodeEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_EXTRA_CA_CERTS'))

interface Timing {
  wall: number
  /** User plus system CPU seconds: what a loaded machine inflates least. */
  cpu: number
}

// Runs a command and prints its wall and user+system CPU seconds: Python's os.wait4 returns the
// child's rusage in microseconds (GNU time rounds to 10 ms, more than the differences measured).
const RUSAGE = [
  'import os, sys, time',
  't = time.perf_counter()',
  'pid = os.fork()',
  'if pid == 0:',
  '    fd = os.open(os.devnull, os.O_RDWR)',
  '    os.dup2(fd, 1); os.dup2(fd, 2)',
  '    os.execvp(sys.argv[1], sys.argv[1:])',
  '_, status, ru = os.wait4(pid, 0)',
  'print(time.perf_counter() - t, ru.ru_utime + ru.ru_stime)',
].join('\n')

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Timing {
  const run = spawnSync('python3', ['-c', RUSAGE, command, ...args], { encoding: 'utf8', env })
  if (run.error) throw run.error
  const [wall, cpu] = run.stdout.trim().split(' ').map(Number)
  return { wall, cpu }
}

/**
 * Start-up side by side: each round runs every command once, in turn, so that the machine's load
 * weighs on all alike; medians of `runs` rounds.
 */
function interleavedMedians<K extends string>(commands: Record<K, [string, string[], NodeJS.ProcessEnv?]>): Record<K, Timing> {
  const names = Object.keys(commands) as K[]
  const all = Object.fromEntries(names.map((k) => [k, [] as Timing[]])) as Record<K, Timing[]>
  for (let i = 0; i < runs; i++) for (const name of names) all[name].push(timed(commands[name][0], commands[name][1], commands[name][2]))
  return Object.fromEntries(names.map((k) => [k, { wall: median(all[k].map((t) => t.wall)), cpu: median(all[k].map((t) => t.cpu)) }])) as Record<K, Timing>
}

/**
 * The `inspect` command's cost beyond what it must do: its wall time minus a bare `node -e 0`
 * and minus the same inspection done in-process (the target is at most 15 ms).
 */
async function startUpRows(row: (what: string, ours: string, go?: string, ratioText?: string) => void, one: string, sets: Array<[label: string, files: string[]]>): Promise<void> {
  const ms = (seconds: number) => (seconds * 1e3).toFixed(1)
  const inProcessOne = median(await ourPasses(() => inspectSync(one)))
  const inProcess = await Promise.all(sets.map(async ([, files]) => median(await ourPasses(() => inspectMany(files)))))
  const commands: Record<string, [string, string[], NodeJS.ProcessEnv?]> = {
    node: [process.execPath, ['-e', '0'], nodeEnv],
    cliOne: [process.execPath, [cli, 'inspect', one], nodeEnv],
    goOne: ['go', ['version', '-m', one]],
  }
  sets.forEach(([, files], i) => {
    commands[`cli${i}`] = [process.execPath, [cli, 'inspect', ...files], nodeEnv]
    commands[`go${i}`] = ['go', ['version', '-m', ...files]]
  })
  const m = interleavedMedians(commands)
  const both = (t: Timing) => `${ms(t.wall)} / ${ms(t.cpu)}`
  const beyond = (cli: Timing, inProcess: number) => `${ms(cli.wall - m.node.wall - inProcess)} / ${ms(cli.cpu - m.node.cpu - inProcess)}`
  row('start-up: a bare `node -e 0` (without NODE_EXTRA_CA_CERTS, as every Node row here), wall / CPU ms', both(m.node))
  row('start-up: `inspect` of one Go binary, wall / CPU ms (`gops-native inspect` vs `go version -m`)', both(m.cliOne), both(m.goOne), ratio(m.cliOne.wall, m.goOne.wall))
  row('start-up: the same, in-process `inspectSync`, ms', ms(inProcessOne))
  row('start-up: one binary, `inspect` beyond `node -e 0` + in-process, wall / CPU ms (target ≤ 15)', beyond(m.cliOne, inProcessOne))
  sets.forEach(([label, files], i) => {
    row(`start-up: \`inspect\` of ${label} (${files.length} files), wall / CPU ms`, both(m[`cli${i}`]), both(m[`go${i}`]), ratio(m[`cli${i}`].wall, m[`go${i}`].wall))
    row('start-up: the same, in-process `inspectMany`, ms', ms(inProcess[i]))
    row(`start-up: ${label}, \`inspect\` beyond \`node -e 0\` + in-process, wall / CPU ms (target ≤ 15)`, beyond(m[`cli${i}`], inProcess[i]))
  })
  row('start-up: `inspect` of one binary / `node -e 0`, wall', ratio(m.cliOne.wall, m.node.wall))
}

/**
 * Real release builds, as a user's machine has them: Go's own commands (`go`, `gofmt` and the
 * tools in GOTOOLDIR) and the peers this project builds from the module proxy (the gops CLI,
 * govulncheck, Prometheus and promtool; built on first use, then cached).
 */
function releaseBinaries(): string[] {
  const goEnv = (name: string) => execFileSync('go', ['env', name], { encoding: 'utf8' }).trim()
  const toolDir = goEnv('GOTOOLDIR')
  const { prometheus, promtool } = prometheusTools()
  return [
    join(goEnv('GOROOT'), 'bin', 'go'),
    join(goEnv('GOROOT'), 'bin', 'gofmt'),
    ...readdirSync(toolDir).map((name) => join(toolDir, name)),
    gopsCli(),
    govulncheck(),
    prometheus,
    promtool,
  ]
}

async function main(): Promise<void> {
  if (!existsSync(join(packageRoot, 'dist', 'src', 'cli', 'main.js'))) throw new Error('run `npm run build` first: the benchmark runs the built CLI')
  const fixtures = [...goFixtures.map((f) => f.file()), fatMachO(), goWasm(), halfGoBinary(), ...nonGoFixtures.map((f) => f.file())]
  const largeFiles = [largeCBinary(scratch, 100), rustDriverLibrary()].filter((f): f is string => f !== undefined)
  for (const file of [...fixtures, ...largeFiles]) readFileSync(file) // into the page cache
  await inspectMany(fixtures)

  const rows: string[][] = []
  const row = (what: string, ours: string, go = '', ratioText = '') => rows.push([what, ours, go, ratioText])
  const n = fixtures.length
  const perSecond = (seconds: number) => (n / seconds).toFixed(0)
  const ms = (seconds: number) => (seconds * 1e3).toFixed(1)
  const us = (seconds: number) => (seconds * 1e6).toFixed(1)

  const release = releaseBinaries()
  for (const file of release) readFileSync(file)
  await startUpRows(row, goFixtures[0].file(), [
    ['all fixtures', fixtures],
    ['release binaries', release],
  ])
  if (process.env.BENCH_ONLY === 'startup') return print(rows, n)

  const ours = (await inspectMany(fixtures)).filter((r) => r.ok && r.result.isGo).length
  row(`fixtures recognised as Go (of ${n})`, String(ours), String(goRecognised(fixtures)))

  const oursSync = median(await ourPasses(() => fixtures.forEach((f) => inspectSync(f))))
  const goInProcess = median(goReaderPasses(fixtures))
  row('fixtures, in-process, one thread, files/s (`inspectSync` loop vs `debug/buildinfo.ReadFile` loop)', perSecond(oursSync), perSecond(goInProcess), ratio(goInProcess, oursSync))
  const oursMany = median(await ourPasses(() => inspectMany(fixtures)))
  row(`fixtures, in-process \`inspectMany\` (pool of up to ${Math.min(cpus().length, 8)} threads), files/s`, perSecond(oursMany))

  const goAll = medianRuns('go', ['version', '-m', ...fixtures])
  const oursAll = medianRuns(process.execPath, [cli, 'inspect', ...fixtures])
  row('fixtures, one process for all files (`gops-native inspect` vs `go version -m`), files/s', perSecond(oursAll.seconds), perSecond(goAll.seconds), ratio(goAll.seconds, oursAll.seconds))
  row('fixtures, one process for all files, wall ms', ms(oursAll.seconds), ms(goAll.seconds), ratio(oursAll.seconds, goAll.seconds))
  row('fixtures, one process for all files, peak RSS MiB', mib(oursAll.maxRssKiB * 1024), mib(goAll.maxRssKiB * 1024), ratio(oursAll.maxRssKiB, goAll.maxRssKiB))

  const goRead = straceBytesRead('go', ['version', '-m', ...fixtures], fixtures)
  const oursRead = straceBytesRead(process.execPath, [cli, 'inspect', ...fixtures], fixtures)
  const selfReported = (await inspectMany(fixtures)).reduce((sum, r) => sum + (r.ok ? r.result.bytesRead : 0), 0)
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)
  const perFile = (m: Map<string, number>) => median([...m.values()])
  row('fixtures, bytes read per file, median KiB (strace)', kib(perFile(oursRead)), kib(perFile(goRead)), ratio(perFile(oursRead), perFile(goRead)))
  row('fixtures, bytes read from all files, KiB (strace)', kib(total(oursRead)), kib(total(goRead)), ratio(total(oursRead), total(goRead)))
  row('fixtures, bytes read from all files, KiB (our `bytesRead`)', kib(selfReported))

  for (const file of largeFiles) {
    const name = `\`${file.split('/').pop()}\` (${mib(statSync(file).size)} MiB, not Go)`
    const oursOne = median(await ourPasses(() => inspectSync(file)))
    const goOne = median(goReaderPasses([file]))
    row(`${name}: in-process, µs`, us(oursOne), us(goOne), ratio(oursOne, goOne))
    const go = medianRuns('go', ['version', '-m', file])
    const cliRun = medianRuns(process.execPath, [cli, 'inspect', file])
    row(`${name}: one process, wall ms`, ms(cliRun.seconds), ms(go.seconds), ratio(cliRun.seconds, go.seconds))
    const goBytes = straceBytesRead('go', ['version', '-m', file], [file]).get(file)!
    const ourBytes = straceBytesRead(process.execPath, [cli, 'inspect', file], [file]).get(file)!
    row(`${name}: bytes read, KiB (strace; ours also \`bytesRead\` ${kib(inspectSync(file).bytesRead)})`, kib(ourBytes), kib(goBytes), ratio(ourBytes, goBytes))
    row(`${name}: one process, peak RSS MiB`, mib(cliRun.maxRssKiB * 1024), mib(go.maxRssKiB * 1024), ratio(cliRun.maxRssKiB, go.maxRssKiB))
  }
  const baseline = medianRuns(process.execPath, ['-e', '0'])
  row('for scale: a bare `node -e 0` process, wall ms / peak RSS MiB', `${ms(baseline.seconds)} / ${mib(baseline.maxRssKiB * 1024)}`)

  print(rows, n, fixtures)
}

function print(rows: string[][], n: number, fixtures?: string[]): void {
  const fixtureBytes = (fixtures ?? []).reduce((sum, f) => sum + statSync(f).size, 0)
  const out = [
    machine(),
    '',
    `Fixtures: ${n} files (the ava fixture matrix)${fixtures ? `, ${mib(fixtureBytes)} MiB in all` : ''}. ${runs} runs per measurement, medians; page cache warm.`,
    '',
    '| measurement | gops-native | Go | ours / Go |',
    '|---|---|---|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ]
  process.stdout.write(out.join('\n') + '\n')
}

main()
  .catch((error) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`)
    process.exitCode = 1
  })
  .finally(() => rmSync(scratch, { recursive: true, force: true }))
