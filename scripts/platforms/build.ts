// npm run build:platforms [dir...]: builds the release addon for every platform we ship (or the
// ones named, e.g. linux-arm64-gnu), checks each file and puts it into its npm/<platform> package.
// Prerequisites are installed by scripts/platforms/setup.sh.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../src/package-root'
import { addonFacts, addonProblems } from './addon-facts'
import { addonFile, type Platform, platforms } from './targets'

/**
 * napi's build script insists on finding a `libnode.dll` to link a windows-gnu addon against,
 * even with dyn-symbols: an empty one satisfies it, and nothing is imported from it (the
 * platform tests check the import table).
 */
function emptyLibnode(): string {
  const dir = join(packageRoot, 'target', 'platforms', 'libnode')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'empty.c'), '')
  execFileSync('x86_64-w64-mingw32-gcc', ['-shared', '-o', join(dir, 'libnode.dll'), join(dir, 'empty.c')])
  return dir
}

function build(platform: Platform): void {
  const stage = join(packageRoot, 'target', 'platforms', platform.dir)
  rmSync(stage, { recursive: true, force: true })
  const args = ['napi', 'build', '--platform', '--release', '--manifest-path', 'crates/gops-napi/Cargo.toml']
  args.push('--target', platform.buildTriple, '--output-dir', stage, '--no-js')
  // napi's dynamic symbol loading: mingw has no import library for node.exe to link against.
  args.push(...(platform.linker === 'zig' ? ['--cross-compile'] : ['--features', 'napi/dyn-symbols']))
  execFileSync('npx', args, {
    cwd: packageRoot,
    stdio: 'inherit',
    env: {
      ...process.env,
      CARGO_BUILD_JOBS: process.env.CARGO_BUILD_JOBS ?? '2',
      ...(platform.linker === 'mingw' && { LIBNODE_PATH: emptyLibnode() }),
    },
  })
  // napi names the file after the triple it built (win32-x64-gnu): it ships under our platform name.
  const built = readdirSync(stage).filter((name) => name.endsWith('.node'))
  if (built.length !== 1) throw new Error(`${platform.dir}: expected one .node in ${stage}, found ${built.join(', ') || 'none'}`)
  const out = join(packageRoot, addonFile(platform))
  mkdirSync(join(packageRoot, 'npm', platform.dir), { recursive: true })
  copyFileSync(join(stage, built[0]), out)
  const problems = addonProblems(platform, addonFacts(out))
  if (problems.length > 0) {
    rmSync(out)
    throw new Error(`${platform.dir}: the built addon is wrong (${problems.join('; ')}); removed ${out}`)
  }
  console.log(`built ${addonFile(platform)}`)
}

const wanted = process.argv.slice(2)
const unknown = wanted.filter((dir) => !platforms.some((p) => p.dir === dir))
if (unknown.length > 0) {
  console.error(`unknown platform ${unknown.join(', ')}; known: ${platforms.map((p) => p.dir).join(', ')}`)
  process.exit(2)
}
for (const platform of platforms) if (wanted.length === 0 || wanted.includes(platform.dir)) build(platform)
