// A Go vulnerability database, in any of the layouts users already have:
//   - the Go vulnerability database's v1 layout (what `govulncheck -db` reads), as a directory
//     or an http(s):// base: index/db.json, index/modules.json, ID/<id>.json;
//   - a directory of OSV JSON files (osv.dev's export, unpacked);
//   - osv.dev's per-ecosystem all.zip (a zip of OSV JSON files).
// The index is read once and kept; it is read again when the database changes (file identity
// and modification time locally, the index's `modified` over HTTP). A v1 database's entries are
// read only for the modules asked about, and kept by id and modification time. An HTTP database
// is cached on disk with its modification time, as govulncheck does. A bad or truncated file is
// a VULN_DB_INVALID error naming it, never a crash.
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { unzipSync } from 'fflate'
import { GopsError } from '../errors'
import type { OsvRange } from './osv-version'

/** A package of an affected module, with the symbols and platforms the vulnerability concerns (Go's `ecosystem_specific.imports`). */
export interface OsvImport {
  /** The package import path. */
  path: string
  /** The GOOS values affected; absent: all. */
  goos?: string[]
  /** The GOARCH values affected; absent: all. */
  goarch?: string[]
  /** The vulnerable functions (`Symbol`, `Type.Method`); absent: the whole package. */
  symbols?: string[]
}

/** One affected module of an OSV entry. */
export interface OsvAffected {
  /** The module (`name`: its path, or `stdlib`). */
  package: {
    /** The module path, or `stdlib` for the standard library. */
    name: string
    /** The ecosystem (`Go`). */
    ecosystem?: string
  }
  /** The affected version ranges. */
  ranges?: OsvRange[]
  /** Go-specific data: the affected packages and symbols. */
  ecosystem_specific?: {
    /** The affected packages, with their symbols. */
    imports?: OsvImport[]
  }
}

/** The fields of an OSV entry this package reads (others are kept as they are). */
export interface OsvEntry {
  /** The OSV id (`GO-2024-1234`). */
  id: string
  /** When the entry last changed (RFC 3339). */
  modified: string
  /** When the entry was withdrawn (RFC 3339); absent unless it was. */
  withdrawn?: string
  /** Other ids of the same vulnerability (CVE, GHSA). */
  aliases?: string[]
  /** A one-line summary. */
  summary?: string
  /** The full description. */
  details?: string
  /** The affected modules and versions. */
  affected: OsvAffected[]
}

/** The database layout: a v1 directory, a v1 http(s) base, a directory of OSV files, or an OSV zip. */
export type VulnDbKind = 'v1' | 'v1-http' | 'osv-dir' | 'osv-zip'

/** Options of a `VulnDb`. */
export interface VulnDbOptions {
  /** Where an http(s) database is cached (default: `$XDG_CACHE_HOME/gops-native/vulndb`, else `~/.cache/...`). */
  cacheDir?: string
  /** How often an http(s) database's index is asked whether it changed, in ms (default 60 000). */
  checkIntervalMs?: number
}

interface IndexedModule {
  ids: { id: string; modified: string }[]
}

const invalid = (file: string, what: string) => new GopsError('VULN_DB_INVALID', `the vulnerability database file ${file} ${what}`)
const unavailable = (where: string, what: string, cause?: unknown) =>
  new GopsError('VULN_DB_UNAVAILABLE', `cannot read the vulnerability database ${where}: ${what}`, { cause })

function parseJson(file: string, bytes: Uint8Array | string): unknown {
  try {
    return JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'))
  } catch (error) {
    throw invalid(file, `is not valid JSON (truncated or damaged?): ${(error as Error).message}`)
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isStringList = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((s) => typeof s === 'string'))

/** Checks the shape of an OSV entry (only what matching reads), so a bad entry fails here, by name. */
export function checkEntry(file: string, value: unknown): OsvEntry {
  const bad = (what: string) => invalid(file, `is not an OSV entry: ${what}`)
  if (!isObject(value)) throw bad('not a JSON object')
  if (typeof value.id !== 'string' || !value.id) throw bad('no "id"')
  if (value.modified !== undefined && typeof value.modified !== 'string') throw bad('"modified" is not a string')
  if (value.withdrawn !== undefined && typeof value.withdrawn !== 'string') throw bad('"withdrawn" is not a string')
  if (!isStringList(value.aliases)) throw bad('"aliases" is not a list of strings')
  const affected = value.affected ?? []
  if (!Array.isArray(affected)) throw bad('"affected" is not a list')
  for (const a of affected) {
    if (!isObject(a) || !isObject(a.package) || typeof a.package.name !== 'string') throw bad('an "affected" item has no package name')
    if (a.ranges !== undefined) {
      if (!Array.isArray(a.ranges)) throw bad('"ranges" is not a list')
      for (const r of a.ranges) {
        if (!isObject(r) || typeof r.type !== 'string' || !Array.isArray(r.events)) throw bad('a range has no "type" or "events"')
        for (const e of r.events) {
          if (!isObject(e) || !Object.values(e).every((v) => typeof v === 'string')) throw bad('a range event is not a set of version strings')
        }
      }
    }
    const imports = isObject(a.ecosystem_specific) ? a.ecosystem_specific.imports : undefined
    if (imports !== undefined) {
      if (!Array.isArray(imports)) throw bad('"imports" is not a list')
      for (const i of imports) {
        if (!isObject(i) || typeof i.path !== 'string') throw bad('an import has no "path"')
        if (!isStringList(i.symbols) || !isStringList(i.goos) || !isStringList(i.goarch)) throw bad('an import\'s "symbols", "goos" or "goarch" is not a list of strings')
      }
    }
  }
  return { ...(value as unknown as OsvEntry), modified: (value.modified as string | undefined) ?? '', affected: affected as OsvAffected[] }
}

/** The Go modules an entry is about (OSV `package.name` of the Go ecosystem, `stdlib` included). */
function modulesOf(entry: OsvEntry): string[] {
  return [...new Set(entry.affected.filter((a) => !a.package.ecosystem || a.package.ecosystem === 'Go').map((a) => a.package.name))]
}

/** One layout's reader. */
interface Backend {
  kind: VulnDbKind
  /** Cheap: changes whenever the database does. */
  fingerprint(signal?: AbortSignal): Promise<string>
  /** The module index (v1), or every entry grouped by module (OSV dir, zip). */
  load(signal?: AbortSignal): Promise<Map<string, IndexedModule | OsvEntry[]>>
  /** v1 layouts only: one entry. */
  entry?(id: string, modified: string, signal?: AbortSignal): Promise<OsvEntry>
}

function groupByModule(entries: OsvEntry[]): Map<string, OsvEntry[]> {
  const byModule = new Map<string, OsvEntry[]>()
  for (const e of entries) {
    for (const m of modulesOf(e)) {
      const list = byModule.get(m) ?? []
      list.push(e)
      byModule.set(m, list)
    }
  }
  return byModule
}

function parseModulesIndex(file: string, value: unknown): Map<string, IndexedModule> {
  if (!Array.isArray(value)) throw invalid(file, 'is not a module index (a JSON list of {"path", "vulns"})')
  const index = new Map<string, IndexedModule>()
  for (const m of value) {
    if (!isObject(m) || typeof m.path !== 'string' || !Array.isArray(m.vulns)) throw invalid(file, 'has an item without "path" and "vulns"')
    const ids = m.vulns.map((v) => {
      if (!isObject(v) || typeof v.id !== 'string') throw invalid(file, `lists a vulnerability of ${m.path} without "id"`)
      return { id: v.id, modified: typeof v.modified === 'string' ? v.modified : '' }
    })
    index.set(m.path, { ids })
  }
  return index
}

async function statKey(file: string): Promise<string> {
  try {
    const s = await stat(file, { bigint: true })
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`
  } catch (error) {
    throw unavailable(file, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message, error)
  }
}

/** No database file is near this (Go's whole database zipped is a few MiB): larger is damage or hostility. */
const MAX_FILE_BYTES = 256 << 20

async function readLocal(file: string): Promise<Buffer> {
  try {
    if ((await stat(file)).size > MAX_FILE_BYTES) throw invalid(file, `is larger than ${MAX_FILE_BYTES >> 20} MiB`)
    return await readFile(file)
  } catch (error) {
    if (error instanceof GopsError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw unavailable(file, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message, error)
  }
}

function v1Dir(dir: string): Backend {
  const modules = join(dir, 'index', 'modules.json')
  return {
    kind: 'v1',
    fingerprint: async () => `${await statKey(modules)}|${await statKey(join(dir, 'index', 'db.json')).catch(() => '')}`,
    load: async () => parseModulesIndex(modules, parseJson(modules, await readLocal(modules))),
    entry: async (id) => {
      const file = join(dir, 'ID', `${id}.json`)
      return checkEntry(file, parseJson(file, await readLocal(file)))
    },
  }
}

function osvDir(dir: string): Backend {
  return {
    kind: 'osv-dir',
    // Tools that update such a directory (unzip, rsync) replace files, which changes the folder.
    fingerprint: () => statKey(dir),
    load: async () => {
      const names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort()
      const entries = await Promise.all(
        names.map(async (n) => {
          const file = join(dir, n)
          return checkEntry(file, parseJson(file, await readLocal(file)))
        }),
      )
      return groupByModule(entries)
    },
  }
}

function osvZip(file: string): Backend {
  return {
    kind: 'osv-zip',
    fingerprint: () => statKey(file),
    load: async () => {
      const bytes = await readLocal(file)
      let files: Record<string, Uint8Array>
      try {
        // Sizes as the archive declares them, checked before anything is inflated (a zip bomb).
        let total = 0
        files = unzipSync(bytes, {
          filter: (f) => {
            total += f.originalSize
            if (f.originalSize > MAX_FILE_BYTES || total > MAX_FILE_BYTES * 4) throw new Error(`it unpacks to more than ${MAX_FILE_BYTES >> 18} MiB`)
            return f.name.endsWith('.json')
          },
        })
      } catch (error) {
        throw invalid(file, `is not a readable zip archive (truncated or damaged?): ${(error as Error).message}`)
      }
      const entries = Object.keys(files)
        .sort()
        .map((name) => checkEntry(`${file}: ${name}`, parseJson(`${file}: ${name}`, files[name])))
      return groupByModule(entries)
    },
  }
}

function defaultCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gops-native', 'vulndb')
}

function writeAtomically(file: string, bytes: string | Buffer): void {
  const partial = `${file}.${process.pid}.partial`
  writeFileSync(partial, bytes)
  renameSync(partial, file)
}

function v1Http(base: string, options: VulnDbOptions): Backend {
  const root = base.replace(/\/+$/, '')
  const cache = join(options.cacheDir ?? defaultCacheDir(), createHash('sha256').update(root).digest('hex').slice(0, 16))
  const interval = options.checkIntervalMs ?? 60_000
  let checked = 0
  let modified = ''

  // Like govulncheck: each endpoint as `.json.gz`; a server without them may serve `.json`.
  async function get(endpoint: string, signal?: AbortSignal): Promise<unknown> {
    const url = `${root}/${endpoint}`
    let response: Response
    try {
      response = await fetch(`${url}.json.gz`, { signal })
      if (response.status === 404) response = await fetch(`${url}.json`, { signal })
    } catch (error) {
      if (signal?.aborted) throw new GopsError('ABORTED', `reading ${url} was aborted`, { cause: error })
      throw unavailable(url, (error as Error).message, error)
    }
    if (!response.ok) throw unavailable(url, `the server answered ${response.status} ${response.statusText}`)
    const length = Number(response.headers.get('content-length') ?? 0)
    if (length > MAX_FILE_BYTES) throw invalid(response.url, `is larger than ${MAX_FILE_BYTES >> 20} MiB`)
    let bytes: Buffer = Buffer.from(await response.arrayBuffer())
    if (response.url.endsWith('.gz')) {
      try {
        bytes = gunzipSync(bytes, { maxOutputLength: MAX_FILE_BYTES })
      } catch (error) {
        throw invalid(`${url}.json.gz`, `is not gzip data (truncated or damaged?): ${(error as Error).message}`)
      }
    }
    return parseJson(response.url, bytes)
  }

  function cached(name: string): unknown {
    try {
      return JSON.parse(readFileSync(join(cache, name), 'utf8'))
    } catch {
      return undefined
    }
  }

  return {
    kind: 'v1-http',
    fingerprint: async (signal) => {
      if (Date.now() - checked >= interval || !modified) {
        const db = await get('index/db', signal)
        if (!isObject(db) || typeof db.modified !== 'string') throw invalid(`${root}/index/db.json`, 'has no "modified" time')
        modified = db.modified
        checked = Date.now()
      }
      return modified
    },
    load: async (signal) => {
      mkdirSync(join(cache, 'ID'), { recursive: true })
      const db = cached('db.json')
      let modules = isObject(db) && db.modified === modified ? cached('modules.json') : undefined
      if (modules === undefined) {
        modules = await get('index/modules', signal)
        parseModulesIndex(`${root}/index/modules.json`, modules)
        writeAtomically(join(cache, 'modules.json'), JSON.stringify(modules))
        writeAtomically(join(cache, 'db.json'), JSON.stringify({ modified }))
      }
      return parseModulesIndex(`${root}/index/modules.json`, modules)
    },
    entry: async (id, entryModified, signal) => {
      const name = join('ID', `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`)
      const kept = cached(name)
      if (isObject(kept) && kept.modified === entryModified) return checkEntry(join(cache, name), kept)
      const value = checkEntry(`${root}/ID/${id}.json`, await get(`ID/${id}`, signal))
      writeAtomically(join(cache, name), JSON.stringify(value))
      return value
    },
  }
}

function backendFor(location: string, options: VulnDbOptions): Backend {
  if (/^https?:\/\//i.test(location)) return v1Http(location, options)
  const path = resolve(location.startsWith('file://') ? new URL(location).pathname : location)
  let isDir: boolean
  try {
    isDir = statSync(path).isDirectory()
  } catch (error) {
    throw unavailable(path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message, error)
  }
  if (!isDir) return osvZip(path)
  try {
    if (statSync(join(path, 'index', 'modules.json')).isFile()) return v1Dir(path)
  } catch {
    // not the v1 layout
  }
  return osvDir(path)
}

/**
 * A vulnerability database, read on first use and kept. `entriesFor` answers which entries
 * concern the given modules; it reads the database again only when it changed.
 */
export class VulnDb {
  /** The location given: a directory, an http(s) base or a zip file. */
  readonly location: string
  /** The layout found at the location. */
  readonly kind: VulnDbKind
  readonly #backend: Backend
  #fingerprint: string | undefined
  #index: Map<string, IndexedModule | OsvEntry[]> | undefined
  #loading: Promise<void> | undefined
  /** v1 entries already read, by id, with the index's `modified` they were read at. */
  #entries = new Map<string, { modified: string; entry: OsvEntry }>()
  #generation = 0

  /** Opens the database at `location` (an empty location throws INVALID_ARGUMENT); nothing is read until needed. */
  constructor(location: string, options: VulnDbOptions = {}) {
    if (typeof location !== 'string' || !location) throw new GopsError('INVALID_ARGUMENT', 'the vulnerability database location must be a non-empty string')
    this.location = location
    this.#backend = backendFor(location, options)
    this.kind = this.#backend.kind
  }

  /** Changes each time the database is read again: callers key their own caches on it. */
  get generation(): number {
    return this.#generation
  }

  /** Reads the index when it is new or changed. */
  async refresh(signal?: AbortSignal): Promise<void> {
    while (this.#loading) await this.#loading
    const fingerprint = await this.#backend.fingerprint(signal)
    if (fingerprint === this.#fingerprint && this.#index) return
    this.#loading = (async () => {
      this.#index = await this.#backend.load(signal)
      this.#fingerprint = fingerprint
      this.#generation++
    })()
    try {
      await this.#loading
    } finally {
      this.#loading = undefined
    }
  }

  /** How many modules the index names (after `refresh`). */
  get moduleCount(): number {
    return this.#index?.size ?? 0
  }

  /** The entries that name each of `modules` (after `refresh`), reading v1 entries on first use. */
  async entriesFor(modules: Iterable<string>, signal?: AbortSignal): Promise<Map<string, OsvEntry[]>> {
    if (!this.#index) await this.refresh(signal)
    const index = this.#index!
    const out = new Map<string, OsvEntry[]>()
    const reads: Promise<void>[] = []
    for (const module of new Set(modules)) {
      const found = index.get(module)
      if (!found) continue
      if (Array.isArray(found)) {
        out.set(module, found)
        continue
      }
      const list: OsvEntry[] = []
      out.set(module, list)
      for (const { id, modified } of found.ids) {
        const kept = this.#entries.get(id)
        if (kept && kept.modified === modified) {
          list.push(kept.entry)
          continue
        }
        reads.push(
          this.#backend.entry!(id, modified, signal).then((e) => {
            this.#entries.set(id, { modified, entry: e })
            list.push(e)
          }),
        )
      }
    }
    await Promise.all(reads)
    for (const list of out.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    return out
  }
}
