// Benchmark: an SBOM of one Go binary, `gops-native sbom FILE` against syft (`syft scan file:FILE
// -o cyclonedx-json`, the tool security engineers use) in one run, as whole processes spawned the
// way a shell runs them; and in-process, sbom() of a file not seen before (inspect + SHA-256 of
// every byte) and of one seen before (the exporter's /sbom case: identity cache). Needs the
// release build (`npm run build`) and syft in .cache/bin (built with `go install` on first use,
// about 4 minutes). Prints a Markdown table; BENCH_RUNS sets the repetitions (default 9).
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir, uptime, loadavg } from 'node:os'
import { join } from 'node:path'
import { sbom } from '../index'
import { nativeBuild } from '../support/go-binaries'
import { buildGo, withCacheLock } from '../support/go'
import { cachedSyft, installSyft } from '../__test__/helpers/sbom-consumers'
import { packageRoot } from '../src/package-root'
import { median } from './median'

const runs = Number(process.env.BENCH_RUNS ?? 9)
const cli = join(packageRoot, 'bin', 'gops-native.js')
const scratch = mkdtempSync(join(tmpdir(), 'gops-native-bench-sbom-'))

function wall(command: string, args: string[]): number {
  const start = process.hrtime.bigint()
  const run = spawnSync(command, args, { stdio: 'ignore', env: { ...process.env, SYFT_CHECK_FOR_APP_UPDATE: 'false' } })
  if (run.error) throw run.error
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.status}`)
  return Number(process.hrtime.bigint() - start) / 1e6
}

async function inProcess(file: string, fresh: boolean): Promise<number> {
  let path = file
  if (fresh) {
    // A new inode: nothing cached about it.
    path = join(scratch, `copy-${process.hrtime.bigint()}`)
    copyFileSync(file, path)
  }
  const start = process.hrtime.bigint()
  await sbom([path])
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (fresh) rmSync(path)
  return ms
}

async function main(): Promise<void> {
  const syft = cachedSyft() ?? installSyft()
  const files: [string, string][] = [
    ['withdeps (4 modules)', nativeBuild()],
    ['vulnlang (1 module)', withCacheLock(() => buildGo({ program: 'vulnlang', name: 'vulnlang' }))],
  ]
  console.log(`load before: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (uptime ${Math.round(uptime())} s), ${runs} runs each, medians\n`)
  console.log('| binary | gops-native sbom (process) | syft scan (process) | syft / ours | sbom() new file | sbom() seen file |')
  console.log('|---|---|---|---|---|---|')
  for (const [title, file] of files) {
    const ours: number[] = []
    const theirs: number[] = []
    const fresh: number[] = []
    const warm: number[] = []
    await inProcess(file, false) // warm the cache for the "seen" column
    for (let i = 0; i < runs; i++) {
      // Interleaved, so both see the same load.
      ours.push(wall(process.execPath, [cli, 'sbom', file]))
      theirs.push(wall(syft, ['scan', `file:${file}`, '-o', 'cyclonedx-json', '-q']))
      fresh.push(await inProcess(file, true))
      warm.push(await inProcess(file, false))
    }
    const [o, s] = [median(ours), median(theirs)]
    const size = (statSync(file).size / 1e6).toFixed(1)
    console.log(`| ${title}, ${size} MB | ${o.toFixed(0)} ms | ${s.toFixed(0)} ms | ${(s / o).toFixed(1)}x | ${median(fresh).toFixed(1)} ms | ${median(warm).toFixed(1)} ms |`)
  }
  console.log(`\nload after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  rmSync(scratch, { recursive: true, force: true })
}

void main()
