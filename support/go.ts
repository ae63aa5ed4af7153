// Builds real Go programs for the tests and caches them under .cache/, keyed by everything
// that changes the output, so a second `npm test` rebuilds nothing.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../src/package-root'

export const cacheDir = join(packageRoot, '.cache')
export const goSourceDir = join(packageRoot, '__test__', 'go')

let goVersionMemo: string | undefined
export function goVersion(): string {
  goVersionMemo ??= execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim()
  return goVersionMemo
}

function hashDir(dir: string, hash: ReturnType<typeof createHash>): void {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) hashDir(full, hash)
    else hash.update(name).update(readFileSync(full))
  }
}

export interface GoBuild {
  /** A folder under `dir` holding a main package (with its own go.mod). */
  program: string
  /** Where `program` lives (default __test__/go). */
  sourceDir?: string
  /** Output file name inside the cache (its extension matters on windows). */
  name: string
  env?: Record<string, string>
  flags?: string[]
}

/** Builds `program` once per distinct (source, env, flags, Go version) and returns the binary's path. */
export function buildGo({ program, sourceDir = goSourceDir, name, env = {}, flags = [] }: GoBuild): string {
  const source = join(sourceDir, program)
  const hash = createHash('sha256').update(goVersion()).update(JSON.stringify([env, flags]))
  hashDir(source, hash)
  const dir = join(cacheDir, 'go', hash.digest('hex').slice(0, 16))
  const out = join(dir, name)
  if (existsSync(out)) return out
  mkdirSync(dir, { recursive: true })
  const partial = `${out}.${process.pid}.partial`
  // No VCS stamping: a fixture must not depend on the state of the checkout it is built in.
  execFileSync('go', ['build', '-buildvcs=false', '-o', partial, ...flags, '.'], {
    cwd: source,
    env: { ...process.env, CGO_ENABLED: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  renameSync(partial, out)
  return out
}

/** Installs a Go command from the module proxy into the cache, e.g. the real gops CLI. */
export function goInstall(modulePath: string, version: string): string {
  const name = modulePath.split('/').pop()!
  return goInstallAll([modulePath], version, { dir: `${name}@${version}` })[name]
}

export interface GoInstallOptions {
  /** The folder under .cache/bin (key it by everything that changes the output). */
  dir: string
  tags?: string[]
  ldflags?: string
}

/**
 * Installs several commands of one module version with one `go install`, so their shared
 * packages compile once, into .cache/bin/<dir>; resolves each command's path by its name.
 * Serialised across test processes by a lock of its own, so a long build (Prometheus) does
 * not hold up the fixtures.
 */
export function goInstallAll(packages: string[], version: string, { dir, tags = [], ldflags }: GoInstallOptions): Record<string, string> {
  const bin = join(cacheDir, 'bin', dir)
  const exes = Object.fromEntries(packages.map((pkg) => [pkg.split('/').pop()!, join(bin, pkg.split('/').pop()! + (process.platform === 'win32' ? '.exe' : ''))]))
  const done = () => Object.values(exes).every((exe) => existsSync(exe))
  if (done()) return exes
  return withCacheLock(() => {
    if (done()) return exes
    mkdirSync(bin, { recursive: true })
    const flags = [...(tags.length ? [`-tags=${tags.join(',')}`] : []), ...(ldflags ? [`-ldflags=${ldflags}`] : [])]
    execFileSync('go', ['install', ...flags, ...packages.map((pkg) => `${pkg}@${version}`)], {
      env: { ...process.env, GOBIN: bin },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    return exes
  }, `install-${dir}`)
}

/** The real gops CLI, the peer every protocol test compares against. */
export function gopsCli(): string {
  return goInstall('github.com/google/gops', 'v0.3.28')
}

/**
 * Produces a file once from cached inputs (a stripped copy, a damaged copy, a C build) and
 * caches it under .cache/derived, keyed by `key`: put the input paths (which carry their own
 * build hashes) and everything else that changes the output in it.
 */
export function derivedFile(name: string, key: unknown[], produce: (out: string) => void): string {
  const hash = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16)
  const dir = join(cacheDir, 'derived', hash)
  const out = join(dir, name)
  if (existsSync(out)) return out
  return withCacheLock(() => {
    if (existsSync(out)) return out
    mkdirSync(dir, { recursive: true })
    const partial = `${out}.${process.pid}.partial`
    produce(partial)
    renameSync(partial, out)
    return out
  })
}

const lockDepth = new Map<string, number>()

/**
 * Runs `produce` while holding a lock shared by every test process (ava runs spec files in
 * parallel), so a fixture wanted by two files is built once while the other waits for the
 * cache. Re-entrant within a process; a lock left by a dead process is taken over. `name`
 * gives a long job (a tool's build) a lock of its own.
 */
export function withCacheLock<T>(produce: () => T, name = 'build'): T {
  if ((lockDepth.get(name) ?? 0) > 0) return nested(produce, name)
  const lock = join(cacheDir, `${name}.lock`)
  mkdirSync(cacheDir, { recursive: true })
  const nap = new Int32Array(new SharedArrayBuffer(4))
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' })
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    if (!lockOwnerAlive(lock)) rmSync(lock, { force: true })
    else Atomics.wait(nap, 0, 0, 100)
  }
  try {
    return nested(produce, name)
  } finally {
    rmSync(lock, { force: true })
  }
}

function nested<T>(produce: () => T, name: string): T {
  lockDepth.set(name, (lockDepth.get(name) ?? 0) + 1)
  try {
    return produce()
  } finally {
    lockDepth.set(name, lockDepth.get(name)! - 1)
  }
}

function lockOwnerAlive(lock: string): boolean {
  let owner: number
  try {
    owner = Number(readFileSync(lock, 'utf8'))
  } catch {
    return true // just released or just being written: look again
  }
  if (!owner) return true
  try {
    process.kill(owner, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}
