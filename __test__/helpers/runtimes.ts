// The JavaScript runtimes the matrix tests gops-native in, each taken from the npm registry at a
// pinned version and cached under .cache/runtimes, so a fresh clone needs nothing installed by hand.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { cacheDir, withCacheLock } from '../../support/go'

export type RuntimeKind = 'node' | 'bun' | 'deno'

export interface Runtime {
  /** The matrix's name for it, e.g. `node22`. */
  name: string
  kind: RuntimeKind
  version: string
  /** The runtime's executable. */
  executable(): string
}

interface NpmRuntime {
  name: string
  kind: RuntimeKind
  version: string
  /** The npm package carrying the executable, and where the executable sits inside node_modules. */
  npm: string
  executableIn: string
}

// Node's own builds are published per platform as node-<os>-<arch>; bun and deno pick theirs
// through optional dependencies (bun's postinstall links the binary to bin/bun.exe on every OS).
const nodePackage = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`
const exe = process.platform === 'win32' ? '.exe' : ''

const pinned: NpmRuntime[] = [
  { name: 'node22', kind: 'node', version: '22.23.5', npm: nodePackage, executableIn: `${nodePackage}/bin/node${exe}` },
  { name: 'node24', kind: 'node', version: '24.22.3', npm: nodePackage, executableIn: `${nodePackage}/bin/node${exe}` },
  { name: 'bun', kind: 'bun', version: '1.4.5', npm: 'bun', executableIn: 'bun/bin/bun.exe' },
  { name: 'deno', kind: 'deno', version: '2.9.6', npm: 'deno', executableIn: `deno/deno${exe}` },
]

/** Installs `runtime` once into .cache/runtimes/<package>@<version> and returns its executable. */
function install(runtime: NpmRuntime): string {
  const dir = join(cacheDir, 'runtimes', `${runtime.npm}@${runtime.version}`)
  const executable = join(dir, 'node_modules', runtime.executableIn)
  if (existsSync(executable)) return executable
  return withCacheLock(() => {
    if (existsSync(executable)) return executable
    const partial = `${dir}.${process.pid}.partial`
    rmSync(partial, { recursive: true, force: true })
    mkdirSync(partial, { recursive: true })
    // bun's and deno's postinstall scripts put the platform's binary in place: scripts must run.
    execFileSync('npm', ['install', '--prefix', partial, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${runtime.npm}@${runtime.version}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    if (!existsSync(join(partial, 'node_modules', runtime.executableIn))) throw new Error(`${runtime.npm}@${runtime.version} installed no ${runtime.executableIn}`)
    rmSync(dir, { recursive: true, force: true })
    renameSync(partial, dir)
    return executable
  }, 'runtimes')
}

const all: Runtime[] = [
  { name: `node${process.versions.node.split('.')[0]}`, kind: 'node', version: process.versions.node, executable: () => process.execPath },
  ...pinned.map((runtime) => ({ name: runtime.name, kind: runtime.kind, version: runtime.version, executable: () => install(runtime) })),
]

/**
 * Every runtime of the matrix: the Node running the tests (the minimum, 20), then the pinned
 * ones; GOPS_NATIVE_RUNTIMES=bun,deno (names) narrows it while working on one.
 */
export const runtimes: Runtime[] = (() => {
  const wanted = process.env.GOPS_NATIVE_RUNTIMES?.split(',').filter(Boolean)
  if (!wanted?.length) return all
  const unknown = wanted.filter((name) => !all.some((runtime) => runtime.name === name))
  if (unknown.length) throw new Error(`GOPS_NATIVE_RUNTIMES names no runtime ${unknown.join(', ')}; known: ${all.map((r) => r.name).join(', ')}`)
  return all.filter((runtime) => wanted.includes(runtime.name))
})()
