// Benchmark: gops-native inspect against `go version -m` on the same files, in one run.
// Measures files per second (median wall time of repeated runs), bytes read from each
// inspected file (counted by strace on the file's own descriptors, for both tools alike), and
// peak RSS of each process (GNU time's %M). Needs the release build (`npm run build`), Go,
// strace and GNU time. Prints a Markdown table; BENCH_RUNS sets the repetitions (default 9).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspectMany, inspectSync } from '../index'
import { fatMachO, goFixtures, goWasm, halfGoBinary, largeCBinary, nonGoFixtures } from '../__test__/helpers/fixtures'
import { packageRoot } from '../src/package-root'

const runs = Number(process.env.BENCH_RUNS ?? 9)
const cli = join(packageRoot, 'bin', 'gops-native.js')
const scratch = mkdtempSync(join(tmpdir(), 'gops-native-bench-'))

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

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
const ratio = (ours: number, theirs: number) => (theirs === 0 ? 'n/a' : `${(ours / theirs).toFixed(2)}x`)

async function main(): Promise<void> {
  if (!existsSync(join(packageRoot, 'dist', 'src', 'cli', 'main.js'))) throw new Error('run `npm run build` first: the benchmark runs the built CLI')
  const fixtures = [
    ...goFixtures.map((f) => f.file()),
    fatMachO(),
    goWasm(),
    halfGoBinary(),
    ...nonGoFixtures.map((f) => f.file()),
  ]
  const largeFiles = [largeCBinary(scratch, 100), rustDriverLibrary()].filter((f): f is string => f !== undefined)
  const out: string[] = []
  const fixtureBytes = fixtures.reduce((sum, f) => sum + statSync(f).size, 0)
  out.push(`Fixtures: ${fixtures.length} files, ${mib(fixtureBytes)} MiB in all. Large non-Go files: ${largeFiles.map((f) => `${f.split('/').pop()} (${mib(statSync(f).size)} MiB)`).join(', ')}.`)
  out.push(`Runs per measurement: ${runs} (medians). Page cache warm (every file read once before timing).`)
  out.push('')

  for (const file of [...fixtures, ...largeFiles]) readFileSync(file) // into the page cache
  await inspectMany(fixtures)

  // In-process API: no process start-up in the number.
  const batch: number[] = []
  const sequential: number[] = []
  for (let i = 0; i < runs; i++) {
    let start = process.hrtime.bigint()
    await inspectMany(fixtures)
    batch.push(Number(process.hrtime.bigint() - start) / 1e9)
    start = process.hrtime.bigint()
    for (const f of fixtures) inspectSync(f)
    sequential.push(Number(process.hrtime.bigint() - start) / 1e9)
  }

  // Whole processes on the same file list: `go version -m FILES` against `gops-native inspect FILES`.
  const goAll = medianRuns('go', ['version', '-m', ...fixtures])
  const oursAll = medianRuns(process.execPath, [cli, 'inspect', ...fixtures])

  out.push('| what | gops-native | go version -m | ours / Go |')
  out.push('|---|---|---|---|')
  const perSecond = (seconds: number) => (fixtures.length / seconds).toFixed(0)
  out.push(`| fixtures, in-process \`inspectMany\` (${cpus().length} threads max), files/s | ${perSecond(median(batch))} | | |`)
  out.push(`| fixtures, in-process \`inspectSync\` loop, files/s | ${perSecond(median(sequential))} | | |`)
  out.push(
    `| fixtures, one process for all files (start-up included), files/s | ${perSecond(oursAll.seconds)} | ${perSecond(goAll.seconds)} | ${ratio(goAll.seconds, oursAll.seconds)} |`,
  )
  out.push(`| fixtures, one process for all files, wall ms | ${(oursAll.seconds * 1e3).toFixed(1)} | ${(goAll.seconds * 1e3).toFixed(1)} | ${ratio(oursAll.seconds, goAll.seconds)} |`)
  out.push(`| fixtures, one process for all files, peak RSS MiB | ${mib(oursAll.maxRssKiB * 1024)} | ${mib(goAll.maxRssKiB * 1024)} | ${ratio(oursAll.maxRssKiB, goAll.maxRssKiB)} |`)

  const goRead = straceBytesRead('go', ['version', '-m', ...fixtures], fixtures)
  const oursRead = straceBytesRead(process.execPath, [cli, 'inspect', ...fixtures], fixtures)
  const selfReported = new Map((await inspectMany(fixtures)).map((r) => [r.path, r.bytesRead]))
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)
  const perFile = (m: Map<string, number>) => median([...m.values()])
  out.push(`| fixtures, bytes read per file, median KiB (strace) | ${kib(perFile(oursRead))} | ${kib(perFile(goRead))} | ${ratio(perFile(oursRead), perFile(goRead))} |`)
  out.push(`| fixtures, bytes read, all files, MiB (strace) | ${mib(sum(oursRead))} | ${mib(sum(goRead))} | ${ratio(sum(oursRead), sum(goRead))} |`)
  out.push(`| fixtures, bytes read, all files, MiB (our \`bytesRead\`) | ${mib(sum(selfReported))} | | |`)

  for (const file of largeFiles) {
    const name = `\`${file.split('/').pop()}\` (${mib(statSync(file).size)} MiB, not Go)`
    const go = medianRuns('go', ['version', '-m', file])
    const ours = medianRuns(process.execPath, [cli, 'inspect', file])
    const inProcess = median(
      Array.from({ length: runs }, () => {
        const start = process.hrtime.bigint()
        inspectSync(file)
        return Number(process.hrtime.bigint() - start) / 1e6
      }),
    )
    const goBytes = straceBytesRead('go', ['version', '-m', file], [file]).get(file)!
    const ourBytes = straceBytesRead(process.execPath, [cli, 'inspect', file], [file]).get(file)!
    out.push(`| ${name}: in-process \`inspectSync\`, ms | ${inProcess.toFixed(2)} | | |`)
    out.push(`| ${name}: one process, wall ms | ${(ours.seconds * 1e3).toFixed(1)} | ${(go.seconds * 1e3).toFixed(1)} | ${ratio(ours.seconds, go.seconds)} |`)
    out.push(`| ${name}: bytes read, KiB (strace) | ${kib(ourBytes)} | ${kib(goBytes)} | ${ratio(ourBytes, goBytes)} |`)
    out.push(`| ${name}: our \`bytesRead\`, KiB | ${kib(inspectSync(file).bytesRead)} | | |`)
    out.push(`| ${name}: peak RSS MiB | ${mib(ours.maxRssKiB * 1024)} | ${mib(go.maxRssKiB * 1024)} | ${ratio(ours.maxRssKiB, go.maxRssKiB)} |`)
  }

  const baseline = medianRuns(process.execPath, ['-e', '0'])
  out.push('')
  out.push(`For scale: a bare \`node -e 0\` takes ${(baseline.seconds * 1e3).toFixed(1)} ms and ${mib(baseline.maxRssKiB * 1024)} MiB peak RSS here.`)
  process.stdout.write(out.join('\n') + '\n')
}

main()
  .catch((error) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`)
    process.exitCode = 1
  })
  .finally(() => rmSync(scratch, { recursive: true, force: true }))
