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
  const bin = join(cacheDir, 'bin', `${modulePath.split('/').pop()}@${version}`)
  const exe = join(bin, modulePath.split('/').pop()!)
  if (existsSync(exe)) return exe
  mkdirSync(bin, { recursive: true })
  execFileSync('go', ['install', `${modulePath}@${version}`], {
    env: { ...process.env, GOBIN: bin },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  return exe
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

let lockDepth = 0

/**
 * Runs `produce` while holding a lock shared by every test process (ava runs spec files in
 * parallel), so a fixture wanted by two files is built once while the other waits for the
 * cache. Re-entrant within a process; a lock left by a dead process is taken over.
 */
export function withCacheLock<T>(produce: () => T): T {
  if (lockDepth > 0) return nested(produce)
  const lock = join(cacheDir, 'build.lock')
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
    return nested(produce)
  } finally {
    rmSync(lock, { force: true })
  }
}

function nested<T>(produce: () => T): T {
  lockDepth++
  try {
    return produce()
  } finally {
    lockDepth--
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
