// The distinct Go executables of FILE|PID targets, the files named or the ones running: each
// (by the SHA-256 of its bytes) one entry carrying its build info (main module, every dependency
// after `replace`, the toolchain, build settings) and the processes running it. What sbom.ts
// writes as a document, in either format.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import * as check from '../arguments'
import { discover } from '../discover'
import { GopsError } from '../errors'
import type { BinaryFormat, BuildInfo, Evidence, GoBinaryInfo } from '../inspect'
import { inspectMany } from '../inspect'
import { checkTargets, resolveTargets, type ResolvedTarget, type Target, type TargetFailure } from './targets'

/** A target with something to read. */
type Readable = Exclude<ResolvedTarget, { kind: 'failure' }>

/** A process running an executable of the SBOM. */
export interface SbomProcess {
  /** The process ID. */
  pid: number
  /** The PID inside the process's own PID namespace, when that differs from ours. */
  nsPid?: number
  /** The process's name. */
  name: string
  /** The executable as the process sees it (inside its container, if any). */
  path: string
  /** The executable was deleted or replaced after the process started. */
  deleted: boolean
  /** When the process started, in milliseconds since the Unix epoch. */
  startedMs: number
  /** Set when the process runs in another PID or mount namespace. */
  container?: {
    /** The container ID, when the cgroup names one. */
    id?: string
    /** The process's cgroup path. */
    cgroup: string
  }
}

/** One distinct Go executable (one slice of a universal Mach-O file counts as one). */
export interface SbomExecutable {
  /** Unique in the document: `go-executable:` and the first 16 hex digits of the SHA-256 (and the slice's architecture). */
  ref: string
  /** The SHA-256 of the bytes, in hex. */
  sha256: string
  /** The size in bytes. */
  size: number
  /** Files named by the caller that hold these bytes (absolute paths). */
  files: string[]
  /** The processes running it (empty when none). */
  processes: SbomProcess[]
  /** The Go version it was built with (`go1.22.1`); null when it cannot be told. */
  goVersion: string | null
  /** The executable format. */
  format: BinaryFormat
  /** The GOARCH name (amd64, arm64, ...); null when unknown. */
  arch: string | null
  /** The Go build ID, as `go tool buildid` prints it; null when absent. */
  buildId: string | null
  /** What inspect recognised the file from: `buildinfo` unless the build-info blob was damaged or removed. */
  source: Evidence | null
  /** Null when the build info could not be recovered (then only the toolchain is known). */
  buildInfo: BuildInfo | null
}

export interface CollectOptions {
  signal?: AbortSignal
  concurrency?: number
  configDir?: string
}

const COLLECT_OPTIONS = check.optionKeys<CollectOptions>({ signal: true, concurrency: true, configDir: true })

/** The distinct Go executables of `targets`, each with the processes running it, in a stable order (by ref). */
export async function collectExecutables(
  targets: readonly Target[] = [],
  options?: CollectOptions,
): Promise<{ executables: SbomExecutable[]; failures: TargetFailure[] }> {
  const given = check.options(options, COLLECT_OPTIONS)
  const signal = check.abortSignal(given.signal, 'signal')
  const concurrency = check.concurrency(given.concurrency)
  checkTargets(check.required(targets, 'targets'))
  const configDir = check.path(given.configDir, 'configDir')
  try {
    signal?.throwIfAborted()
    const hostScan = targets.length === 0
    const failures: TargetFailure[] = []
    const resolved: Readable[] = []
    for (const item of await resolveTargets(targets, { signal, scan: () => discover({ includeNode: false, configDir, signal }) })) {
      if (item.kind === 'failure') failures.push({ target: item.target, code: item.code, message: item.message })
      else resolved.push(item)
    }
    const read = await readAll(resolved, concurrency, signal)
    const byRef = new Map<string, SbomExecutable>()
    for (const [i, outcome] of read.entries()) {
      const item = resolved[i]
      if (!outcome.ok) {
        if (item.kind === 'process' && outcome.code === 'NOT_FOUND') {
          // A process that exited between the scan and the read is no failure of a host scan.
          if (!hostScan) failures.push({ target: item.target, code: 'PROCESS_NOT_FOUND', message: `process ${item.target} exited before its executable was read` })
        } else {
          failures.push({ target: item.target, code: outcome.code, message: outcome.message })
        }
        continue
      }
      const { info, sha256, size } = outcome
      if (!info.isGo) {
        failures.push({ target: item.target, code: 'INVALID_TARGET', message: `${item.kind === 'file' ? item.path : `process ${item.target}`} is not a Go executable` })
        continue
      }
      for (const part of partsOf(info)) {
        const ref = `go-executable:${sha256.slice(0, 16)}${part.slice ? `:${part.arch}` : ''}`
        let entry = byRef.get(ref)
        if (!entry) {
          entry = {
            ref,
            sha256,
            size,
            files: [],
            processes: [],
            goVersion: part.goVersion,
            format: info.format,
            arch: part.arch,
            buildId: info.buildId,
            source: part.source,
            buildInfo: part.buildInfo,
          }
          byRef.set(ref, entry)
        }
        if (item.kind === 'file') {
          if (!entry.files.includes(item.path)) entry.files.push(item.path)
        } else if (!entry.processes.some((p) => p.pid === item.process.pid)) {
          const p = item.process
          entry.processes.push({
            pid: p.pid,
            ...(p.nsPid != null && { nsPid: p.nsPid }),
            name: p.name,
            path: p.path,
            deleted: p.deleted,
            startedMs: p.startedMs,
            ...(p.container && { container: p.container.id ? { ...p.container, id: p.container.id } : { cgroup: p.container.cgroup } }),
          })
        }
      }
    }
    const executables = [...byRef.values()].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))
    for (const e of executables) e.processes.sort((a, b) => a.pid - b.pid)
    return { executables, failures }
  } catch (error) {
    if (signal?.aborted) throw new GopsError('ABORTED', 'the SBOM was aborted', { cause: error })
    throw error
  }
}

interface Part {
  slice: boolean
  arch: string | null
  goVersion: string | null
  source: Evidence | null
  buildInfo: BuildInfo | null
}

/** A universal Mach-O file is one executable per Go slice; any other file is one. */
function partsOf(info: GoBinaryInfo): Part[] {
  if (!info.slices) return [{ slice: false, arch: info.arch, goVersion: info.goVersion, source: info.source, buildInfo: info.buildInfo }]
  return info.slices.filter((s) => s.isGo).map((s) => ({ slice: true, arch: s.arch, goVersion: s.goVersion, source: s.source, buildInfo: s.buildInfo }))
}

type ReadOutcome = { ok: true; info: GoBinaryInfo; sha256: string; size: number } | { ok: false; code: TargetFailure['code']; message: string }

interface CachedRead {
  info: GoBinaryInfo
  sha256: string
}

/**
 * What was read of a file, by its identity (device, inode, size, change times): a host scanned
 * again (the exporter's /sbom) hashes and inspects only executables it has not seen.
 */
const readCache = new Map<string, CachedRead>()
const READ_CACHE_LIMIT = 1024

async function readAll(resolved: Readable[], concurrency: number | undefined, signal: AbortSignal | undefined): Promise<ReadOutcome[]> {
  const identities = await Promise.all(resolved.map((item) => identity(item.read)))
  const misses = [...new Set(identities.flatMap((id, i) => (typeof id === 'string' && !readCache.has(id) ? [resolved[i].read] : [])))]
  const inspected = new Map((await inspectMany(misses, { concurrency })).map((r, i) => [misses[i], r]))
  signal?.throwIfAborted()
  const hashes = new Map<string, Promise<string>>()
  const outcomes: ReadOutcome[] = []
  for (const [i, item] of resolved.entries()) {
    const id = identities[i]
    if (typeof id !== 'string') {
      outcomes.push(id)
      continue
    }
    const size = Number(id.split(':')[2])
    const cached = readCache.get(id)
    if (cached) {
      outcomes.push({ ok: true, info: cached.info, sha256: cached.sha256, size })
      continue
    }
    const result = inspected.get(item.read)!
    if (!result.ok) {
      outcomes.push({ ok: false, code: result.error.code, message: result.error.message })
      continue
    }
    if (!result.result.isGo) {
      outcomes.push({ ok: true, info: result.result, sha256: '', size })
      continue
    }
    let hash = hashes.get(item.read)
    if (!hash) hashes.set(item.read, (hash = sha256Of(item.read, signal)))
    try {
      const sha256 = await hash
      remember(id, { info: result.result, sha256 })
      outcomes.push({ ok: true, info: result.result, sha256, size })
    } catch (error) {
      signal?.throwIfAborted()
      const e = error as NodeJS.ErrnoException
      outcomes.push({ ok: false, code: e.code === 'ENOENT' ? 'NOT_FOUND' : e.code === 'EACCES' || e.code === 'EPERM' ? 'PERMISSION_DENIED' : 'IO_ERROR', message: `cannot read ${item.read}: ${e.message}` })
    }
  }
  return outcomes
}

/** The file's identity for the cache, or why it cannot be read (inspect's codes, so both agree). */
async function identity(path: string): Promise<string | Extract<ReadOutcome, { ok: false }>> {
  try {
    const s = await stat(path, { bigint: true })
    if (!s.isFile()) return { ok: false, code: 'NOT_A_FILE', message: `${path} is not a regular file` }
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    const code = e.code === 'ENOENT' || e.code === 'ESRCH' ? 'NOT_FOUND' : e.code === 'EACCES' || e.code === 'EPERM' ? 'PERMISSION_DENIED' : 'IO_ERROR'
    const what = code === 'NOT_FOUND' ? 'does not exist' : code === 'PERMISSION_DENIED' ? 'cannot be read (permission denied)' : `cannot be read: ${e.message}`
    return { ok: false, code, message: `${path} ${what}` }
  }
}

function remember(id: string, value: CachedRead): void {
  if (readCache.size >= READ_CACHE_LIMIT) readCache.delete(readCache.keys().next().value!)
  readCache.set(id, value)
}

/** Streamed in 1 MiB reads, so a large executable never holds the JS thread for long. */
function sha256Of(path: string, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path, { highWaterMark: 1 << 20, signal })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}
