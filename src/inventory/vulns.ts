// vulns(): which known vulnerabilities the Go code in executables and running processes has,
// offline, against a Go vulnerability database (./vulndb). Modules and the standard library are
// matched by version as govulncheck matches them (./osv-version); where the entry names
// vulnerable functions, the binary's own function names (its pclntab, read by the Rust core,
// stripped binaries included) say whether one is present. Results are kept per executable (file
// identity) and database generation, so a host of a thousand processes running twenty binaries
// costs twenty analyses once, and a hash lookup per process after that.
import { stat } from 'node:fs/promises'
import * as check from '../arguments'
import { Scanner, type ScannerOptions } from '../discover'
import { GopsError, isGopsError, type GopsErrorCode } from '../errors'
import { inspect, type GoBinaryInfo } from '../inspect'
import { native } from '../native'
import type { FunctionQuery } from '../native-types'
import { affects, earliestFix, goTagToSemver, isValidVersion, semverToGoTag } from './osv-version'
import { checkTargets, resolveTargets, type ResolvedTarget, type Target } from './targets'
import { VulnDb, type OsvAffected, type OsvEntry, type VulnDbOptions } from './vulndb'

/** `symbol`: a vulnerable function the entry names is in the binary. `module`: only the module's version matches. */
export type FindingLevel = 'symbol' | 'module'

/** One vulnerability (one OSV entry) found in a module of a binary. */
export interface VulnFinding {
  /** The OSV id (`GO-2024-1234`). */
  id: string
  /** Other ids of the same vulnerability (CVE, GHSA), from the entry. */
  aliases: string[]
  /** The entry's one-line summary; null when it has none. */
  summary: string | null
  /** The module path, or `stdlib` for the standard library. */
  module: string
  /** The version in the binary (Go's spelling, `go1.21.0`, for the standard library). */
  version: string
  /** The earliest version that fixes it (and is not itself affected), or null when there is none. */
  fixed: string | null
  /** How precise the match is: the vulnerable symbols are present, or only the module version matches. */
  level: FindingLevel
  /** The vulnerable functions present, as `package.Symbol` (empty at module level). */
  symbols: string[]
}

/** A module whose version cannot be compared (`(devel)`, empty, not semver): its entries were not matched. */
export interface UnknownVersion {
  /** The module path, or `stdlib` for the standard library. */
  module: string
  /** The module's version as the binary records it. */
  version: string
  /** The database's entries for the module (not withdrawn), which may or may not apply. */
  ids: string[]
}

/** What checking one target (a file or a process) found. */
export interface VulnReport {
  /** The target as named (a PID as its digits; in a check of the whole host, the process's PID). */
  target: string
  /** The process checked; null for a file target. */
  pid: number | null
  /** The executable (for a process: the path it runs from). */
  path: string
  /** The Go version the binary was built with (`go1.22.1`); null when unknown or on error. */
  goVersion: string | null
  /** The main package's import path. */
  mainPath: string | null
  /** Whether the binary's function names were read, so `level` is exact; false: every finding is module level. */
  symbolsReadable: boolean
  /** The vulnerabilities found (empty when none, or on error). */
  findings: VulnFinding[]
  /** Modules whose version could not be compared, so their entries were not matched. */
  unknown: UnknownVersion[]
  /** Why this target could not be checked (nothing else is set then). */
  error: {
    /** The GopsError code. */
    code: GopsErrorCode
    /** The error message. */
    message: string
  } | null
}

/** Options of a `VulnScanner`: the database, its options, and how to scan. */
export interface VulnScannerOptions extends VulnDbOptions {
  /** The database: a directory or http(s):// base in the v1 layout, an OSV directory, or an all.zip; or an open VulnDb. */
  db: string | VulnDb
  /** Executables analysed at once (1-64, default 4). */
  concurrency?: number
  /** Options of the process scan used when no target is given. */
  scanner?: ScannerOptions
}

const SCANNER_KEYS = { db: true, concurrency: true, scanner: true, cacheDir: true, checkIntervalMs: true } as const
const VULN_SCANNER_OPTIONS = check.optionKeys<VulnScannerOptions>(SCANNER_KEYS)
const VULNS_OPTIONS = check.optionKeys<VulnsOptions>({ ...SCANNER_KEYS, targets: true, signal: true })
const SIGNAL_OPTIONS = check.optionKeys<{ signal?: AbortSignal }>({ signal: true })

/** Options of `vulns()`: a VulnScanner's options, the targets and a signal. */
export interface VulnsOptions extends VulnScannerOptions {
  /** Files and PIDs; none: every Go process on the host. */
  targets?: readonly Target[]
  /** Stops waiting for the check: it rejects with ABORTED. */
  signal?: AbortSignal
}

type BinaryAnswer = Omit<VulnReport, 'target' | 'pid' | 'path'>

const isDevel = (v: string) => v === '' || v === '(devel)' || !isValidVersion(v)

function errorOf(error: unknown, target: ResolvedTarget): { code: GopsErrorCode; message: string } {
  if (isGopsError(error)) {
    if (target.pid !== null && error.code === 'NOT_FOUND') return { code: 'PROCESS_NOT_FOUND', message: `process ${target.pid} not found (it may have exited)` }
    return { code: error.code, message: error.message }
  }
  throw error
}

function platformMatches(value: string | undefined, list: string[] | undefined): boolean {
  return !value || !list || list.length === 0 || list.includes(value)
}

/** The affected blocks of `entry` that apply to `module` at `version` on the binary's platform (govulncheck's filter). */
function affectingBlocks(entry: OsvEntry, module: string, version: string, goos?: string, goarch?: string): OsvAffected[] {
  const blocks: OsvAffected[] = []
  for (const a of entry.affected) {
    if (a.package.name !== module) continue
    if (!affects(a.ranges, version)) continue
    const imports = a.ecosystem_specific?.imports ?? []
    const kept = imports.filter((i) => platformMatches(goos, i.goos) && platformMatches(goarch, i.goarch))
    if (imports.length > 0 && kept.length === 0) continue
    blocks.push({ ...a, ecosystem_specific: { imports: kept } })
  }
  return blocks
}

/** Checks executables against one database; keeps what it learned per executable. */
export class VulnScanner {
  /** The database checked against (the one given, or opened from the location given). */
  readonly db: VulnDb
  readonly #concurrency: number
  readonly #scannerOptions: ScannerOptions | undefined
  #scanner: Scanner | undefined
  /** Per executable identity and database generation. */
  #answers = new Map<string, Promise<BinaryAnswer>>()
  /** A discovered process's executable identity (its object is stable while the process is). */
  #identities = new WeakMap<object, string>()
  #closed = false

  /** Creates a scanner (invalid options throw a GopsError); opens the database when given a location. */
  constructor(options: VulnScannerOptions) {
    const { db, concurrency, scanner, ...dbOptions } = check.options(options, VULN_SCANNER_OPTIONS) as VulnScannerOptions
    this.db = db instanceof VulnDb ? db : new VulnDb(db, dbOptions)
    this.#concurrency = check.concurrency(concurrency) ?? 4
    this.#scannerOptions = scanner
  }

  /**
   * Checks `targets` (files and PIDs; none: every Go process on the host), in order. Rejects only
   * when the database cannot be read (VULN_DB_UNAVAILABLE, VULN_DB_INVALID) or on `signal` (ABORTED).
   */
  async scan(targets?: readonly Target[], options: { signal?: AbortSignal } = {}): Promise<VulnReport[]> {
    if (this.#closed) throw new GopsError('INVALID_ARGUMENT', 'this VulnScanner is closed')
    const signal = check.abortSignal(check.options(options, SIGNAL_OPTIONS).signal, 'signal')
    checkTargets(targets)
    try {
      return await this.#scan(targets, signal)
    } catch (error) {
      if (signal?.aborted && !(isGopsError(error) && error.code === 'ABORTED')) throw new GopsError('ABORTED', 'the vulnerability check was aborted', { cause: error })
      throw error
    }
  }

  async #scan(targets: readonly Target[] | undefined, signal: AbortSignal | undefined): Promise<VulnReport[]> {
    signal?.throwIfAborted()
    await this.db.refresh(signal)
    const generation = this.db.generation
    const scan = async () => (await (this.#scanner ??= new Scanner(this.#scannerOptions)).scan({ signal })).processes
    const resolved = await resolveTargets(targets ?? [], { scan, signal })
    const reports: VulnReport[] = new Array(resolved.length)
    const pending: (() => Promise<void>)[] = []
    for (let i = 0; i < resolved.length; i++) {
      const t = resolved[i]
      if (t.kind === 'failure') {
        reports[i] = this.#failed(t.target, t.pid, '', { code: t.code, message: t.message })
        continue
      }
      const remembered = t.process && this.#identities.get(t.process)
      const answer = remembered && this.#answers.get(`${remembered}|${generation}`)
      if (answer) {
        // Settled promises are awaited below in one pass; most warm targets end here.
        pending.push(async () => {
          reports[i] = { target: t.target, pid: t.pid, path: t.path, ...(await answer) }
        })
        continue
      }
      pending.push(async () => {
        signal?.throwIfAborted()
        let identity: string
        try {
          const s = await stat(t.read, { bigint: true })
          if (!s.isFile()) throw new GopsError('NOT_A_FILE', `cannot inspect ${t.path}: it is not a regular file`)
          identity = `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`
        } catch (error) {
          const e = error as NodeJS.ErrnoException
          const code: GopsErrorCode = isGopsError(e) ? e.code : e.code === 'ENOENT' ? 'NOT_FOUND' : e.code === 'EACCES' ? 'PERMISSION_DENIED' : 'IO_ERROR'
          const message = isGopsError(e) ? e.message : `cannot inspect ${t.path}: ${code === 'NOT_FOUND' ? 'no such file' : code === 'PERMISSION_DENIED' ? 'permission denied (run as the file\'s owner or root)' : e.message}`
          reports[i] = this.#failed(t.target, t.pid, t.path, errorOf(new GopsError(code, message), t))
          return
        }
        if (t.process) this.#identities.set(t.process, identity)
        const key = `${identity}|${generation}`
        let promise = this.#answers.get(key)
        if (!promise) {
          promise = this.#analyse(t.read, signal)
          this.#answers.set(key, promise)
          // A failure (an unreadable file, an abort) is not kept: the next scan tries again.
          promise.catch(() => this.#answers.delete(key))
        }
        const path = t.path
        try {
          reports[i] = { target: t.target, pid: t.pid, path, ...(await promise) }
        } catch (error) {
          // A database that cannot be read fails the call, not one target.
          if (signal?.aborted || (isGopsError(error) && error.code.startsWith('VULN_DB_'))) throw error
          reports[i] = this.#failed(t.target, t.pid, path, errorOf(error, t))
        }
      })
    }
    await runLimited(pending, this.#concurrency)
    this.#forgetOld(generation)
    // Checking the whole host: a process that exited since the scan is no longer part of it.
    if (!targets || targets.length === 0) return reports.filter((r) => r.error?.code !== 'PROCESS_NOT_FOUND')
    return reports
  }

  /** Releases the process scanner; the scanner cannot be used afterwards. */
  close(): void {
    this.#closed = true
    this.#scanner = undefined
    this.#answers.clear()
  }

  #failed(target: string, pid: number | null, path: string, error: { code: GopsErrorCode; message: string }): VulnReport {
    return { target, pid, path, goVersion: null, mainPath: null, symbolsReadable: false, findings: [], unknown: [], error }
  }

  #forgetOld(generation: number): void {
    for (const key of this.#answers.keys()) if (!key.endsWith(`|${generation}`)) this.#answers.delete(key)
  }

  async #analyse(exe: string, signal?: AbortSignal): Promise<BinaryAnswer> {
    const info = await inspect(exe)
    if (!info.isGo) throw new GopsError('INVALID_TARGET', `${exe} is not a Go executable${info.reason ? ` (${info.reason.message})` : ''}`)
    return this.#match(exe, info, signal)
  }

  async #match(exe: string, info: GoBinaryInfo, signal?: AbortSignal): Promise<BinaryAnswer> {
    const build = info.buildInfo
    const goos = build?.settings.GOOS
    const goarch = build?.settings.GOARCH
    // Every module the binary records, with the version that was built (a replacement's).
    const modules: { path: string; version: string }[] = []
    for (const m of [...(build?.main ? [build.main] : []), ...(build?.deps ?? [])]) {
      modules.push({ path: m.path, version: m.replace ? m.replace.version : m.version })
    }
    const goVersion = info.goVersion
    modules.push({ path: 'stdlib', version: goVersion ? goTagToSemver(goVersion) : '' })
    const entries = await this.db.entriesFor(
      modules.map((m) => m.path),
      signal,
    )
    const now = Date.now()
    const unknown: UnknownVersion[] = []
    const candidates: { entry: OsvEntry; module: string; version: string; blocks: OsvAffected[] }[] = []
    for (const m of modules) {
      const list = (entries.get(m.path) ?? []).filter((e) => !e.withdrawn || Date.parse(e.withdrawn) > now)
      if (list.length === 0) continue
      if (isDevel(m.version)) {
        unknown.push({ module: m.path, version: m.path === 'stdlib' ? (goVersion ?? '') : m.version, ids: list.map((e) => e.id) })
        continue
      }
      for (const entry of list) {
        const blocks = affectingBlocks(entry, m.path, m.version, goos, goarch)
        if (blocks.length > 0) candidates.push({ entry, module: m.path, version: m.version, blocks })
      }
    }
    // The vulnerable functions named by the candidates, asked of the binary in one read.
    const queries: FunctionQuery[] = []
    const queryIndex = new Map<string, number>()
    const ask = (pkg: string, symbol?: string) => {
      const key = `${pkg}\0${symbol ?? ''}`
      let i = queryIndex.get(key)
      if (i === undefined) {
        i = queries.push(symbol === undefined ? { package: pkg } : { package: pkg, symbol }) - 1
        queryIndex.set(key, i)
      }
      return i
    }
    const mainPath = build?.path ?? null
    const wanted = candidates.map((c) =>
      c.blocks.flatMap((b) =>
        (b.ecosystem_specific?.imports ?? []).flatMap((imp) => {
          const packages = imp.path === mainPath ? [imp.path, 'main'] : [imp.path]
          const symbols = imp.symbols && imp.symbols.length > 0 ? imp.symbols : [undefined]
          return packages.flatMap((pkg) => symbols.map((s) => ({ shown: imp.path, index: ask(pkg, s) })))
        }),
      ),
    )
    let symbolsReadable = false
    let found: string[][] = []
    if (queries.length > 0 || candidates.length > 0) {
      signal?.throwIfAborted()
      try {
        const answer = await native().functionsPresent(exe, queries)
        symbolsReadable = answer.namesReadable
        found = answer.found
      } catch (error) {
        if (isGopsError(error) || (error as { code?: unknown })?.code === undefined) throw error
        const { code, message } = error as { code: GopsErrorCode; message: string }
        throw new GopsError(code, message, { cause: error })
      }
    }
    const findings: VulnFinding[] = candidates.map((c, i) => {
      const symbols = symbolsReadable ? [...new Set(wanted[i].flatMap((w) => found[w.index].map((s) => `${w.shown}.${s}`)))].sort() : []
      const stdlib = c.module === 'stdlib'
      const fixed = earliestFix(
        c.blocks.flatMap((b) => b.ranges ?? []),
        c.version,
      )
      return {
        id: c.entry.id,
        aliases: c.entry.aliases ?? [],
        summary: c.entry.summary ?? null,
        module: c.module,
        version: stdlib ? (goVersion?.split(/\s+/)[0] ?? c.version) : c.version,
        fixed: fixed ? (stdlib ? semverToGoTag(fixed) : fixed) : null,
        level: symbols.length > 0 ? 'symbol' : 'module',
        symbols,
      }
    })
    findings.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.module < b.module ? -1 : 1))
    return { goVersion: goVersion ?? null, mainPath, symbolsReadable, findings, unknown, error: null }
  }
}

async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]()
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
}

/** One VulnScanner per database location, so repeated calls read the database once and stay warm. */
const shared = new Map<string, VulnScanner>()

/**
 * Checks files and PIDs (`targets`; none: every Go process on the host) against a Go
 * vulnerability database (`db`). Resolves one report per target, in order; a target that cannot
 * be read is a report with `error`. Rejects only when the database cannot be read
 * (VULN_DB_UNAVAILABLE, VULN_DB_INVALID) or on `signal` (ABORTED).
 */
export async function vulns(options: VulnsOptions): Promise<VulnReport[]> {
  const { targets, signal, ...rest } = check.options(options, VULNS_OPTIONS) as VulnsOptions
  let scanner: VulnScanner
  if (typeof rest.db === 'string' && rest.concurrency === undefined && rest.scanner === undefined && rest.cacheDir === undefined && rest.checkIntervalMs === undefined) {
    scanner = shared.get(rest.db) ?? new VulnScanner(rest)
    shared.set(rest.db, scanner)
  } else {
    scanner = new VulnScanner(rest)
  }
  return scanner.scan(targets, { signal })
}
