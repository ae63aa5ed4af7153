// Real Go advisories (facts copied from the public OSV records of the Go vulnerability database:
// ids, aliases, ranges, packages, symbols, platforms) for the modules and Go version the
// vulnerability fixtures really use (golang.org/x/text v0.3.6 / v0.3.7 and go1.21.0), and
// writers for the three database layouts users have: the Go vulnerability database's v1 layout
// (what `govulncheck -db` reads), a directory of OSV JSON files, and osv.dev's per-ecosystem
// all.zip (what osv-scanner reads offline). Our scanner and every peer read the same files.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { zipSync } from 'fflate'
import type { OsvAffected, OsvEntry as ReadEntry } from '../../index'

// The shapes are the ones the product reads (src/inventory/vulndb.ts); a record here also
// carries the fields OSV files have that the reader ignores.
export type { OsvAffected, OsvEvent, OsvImport } from '../../index'
export interface OsvEntry extends ReadEntry {
  schema_version?: string
  published?: string
  database_specific?: Record<string, unknown>
}

// The Go database's records carry "modified": "0001-01-01T00:00:00Z" in its source repository
// (the served copy stamps them); a fixed date keeps the index deterministic.
const MODIFIED = '2024-06-01T00:00:00Z'

const semver = (...pairs: [introduced: string, fixed: string][]) => [
  { type: 'SEMVER', events: pairs.flatMap(([introduced, fixed]) => [{ introduced }, { fixed }]) },
]
const goPackage = (name: string) => ({ name, ecosystem: 'Go' })

const entry = (id: string, aliases: string[], summary: string, affected: OsvAffected[]): OsvEntry => ({
  schema_version: '1.3.1',
  id,
  modified: MODIFIED,
  published: MODIFIED,
  aliases,
  summary,
  details: summary,
  affected,
  database_specific: { url: `https://pkg.go.dev/vuln/${id}` },
})

/** GO-2022-1059 (CVE-2022-32149): golang.org/x/text before v0.3.8, language.ParseAcceptLanguage. */
export const GO_2022_1059 = entry('GO-2022-1059', ['CVE-2022-32149', 'GHSA-69ch-w2m2-3vjp'], 'Denial of service via crafted Accept-Language header in golang.org/x/text/language', [
  {
    package: goPackage('golang.org/x/text'),
    ranges: semver(['0', '0.3.8']),
    ecosystem_specific: { imports: [{ path: 'golang.org/x/text/language', symbols: ['MatchStrings', 'ParseAcceptLanguage'] }] },
  },
])

/** GO-2021-0113 (CVE-2021-38561): golang.org/x/text before v0.3.7, language.Parse panics. */
export const GO_2021_0113 = entry('GO-2021-0113', ['CVE-2021-38561', 'GHSA-ppp9-7jff-5vj2'], 'Out-of-bounds read in golang.org/x/text/language', [
  {
    package: goPackage('golang.org/x/text'),
    ranges: semver(['0', '0.3.7']),
    ecosystem_specific: {
      imports: [{ path: 'golang.org/x/text/language', symbols: ['MatchStrings', 'MustParse', 'Parse', 'ParseAcceptLanguage'] }],
    },
  },
])

/** GO-2023-2041 (CVE-2023-39318): html/template, fixed in go1.20.8 and go1.21.1. */
export const GO_2023_2041 = entry('GO-2023-2041', ['CVE-2023-39318'], 'Improper handling of HTML-like comments in script contexts in html/template', [
  {
    package: goPackage('stdlib'),
    ranges: semver(['0', '1.20.8'], ['1.21.0-0', '1.21.1']),
    ecosystem_specific: {
      imports: [
        {
          path: 'html/template',
          symbols: ['Template.Execute', 'Template.ExecuteTemplate', 'escaper.escapeText', 'isComment', 'tJS', 'tLineCmt'],
        },
      ],
    },
  },
])

/** GO-2023-2043 (CVE-2023-39319): html/template, fixed in go1.20.8 and go1.21.1. */
export const GO_2023_2043 = entry('GO-2023-2043', ['CVE-2023-39319'], 'Improper handling of special tags within script contexts in html/template', [
  {
    package: goPackage('stdlib'),
    ranges: semver(['0', '1.20.8'], ['1.21.0-0', '1.21.1']),
    ecosystem_specific: {
      imports: [
        {
          path: 'html/template',
          symbols: ['Template.Execute', 'Template.ExecuteTemplate', 'escaper.escapeText', 'indexTagEnd', 'tSpecialTagEnd'],
        },
      ],
    },
  },
])

const filepathSymbols = ['Abs', 'Base', 'Clean', 'Dir', 'EvalSymlinks', 'Glob', 'IsLocal', 'Join', 'Rel', 'Split', 'VolumeName', 'Walk', 'WalkDir']

/** GO-2023-2185 (CVE-2023-45283): path/filepath on Windows only (goos), two affected blocks. */
export const GO_2023_2185 = entry('GO-2023-2185', ['CVE-2023-45283'], 'Insecure parsing of Windows paths with a \\??\\ prefix in path/filepath', [
  {
    package: goPackage('stdlib'),
    ranges: semver(['0', '1.20.11'], ['1.21.0-0', '1.21.4']),
    ecosystem_specific: {
      imports: [
        { path: 'path/filepath', goos: ['windows'], symbols: [...filepathSymbols, 'join', 'volumeNameLen'] },
        { path: 'internal/safefilepath', goos: ['windows'], symbols: ['FromFS', 'fromFS'] },
      ],
    },
  },
  {
    package: goPackage('stdlib'),
    ranges: semver(['1.20.11', '1.20.12'], ['1.21.4', '1.21.5']),
    ecosystem_specific: { imports: [{ path: 'path/filepath', goos: ['windows'], symbols: [...filepathSymbols, 'volumeNameLen'] }] },
  },
])

/** GO-2024-2598 (CVE-2024-24783): crypto/x509 Certificate.Verify, fixed in go1.21.8 and go1.22.1. */
export const GO_2024_2598 = entry('GO-2024-2598', ['CVE-2024-24783'], 'Verify panics on certificates with an unknown public key algorithm in crypto/x509', [
  {
    package: goPackage('stdlib'),
    ranges: semver(['0', '1.21.8'], ['1.22.0-0', '1.22.1']),
    ecosystem_specific: { imports: [{ path: 'crypto/x509', symbols: ['Certificate.Verify', 'Certificate.buildChains'] }] },
  },
])

/** Every real record above. */
export const realAdvisories: OsvEntry[] = [GO_2022_1059, GO_2021_0113, GO_2023_2041, GO_2023_2043, GO_2023_2185, GO_2024_2598]

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

function latest(entries: OsvEntry[]): string {
  return entries.map((e) => e.modified).reduce((a, b) => (a > b ? a : b), '1970-01-01T00:00:00Z')
}

/** The earliest `fixed` of an entry's ranges for `module` (what the v1 index calls `fixed`). */
function fixedFor(e: OsvEntry, module: string): string | undefined {
  const fixes = e.affected.filter((a) => a.package.name === module).flatMap((a) => (a.ranges ?? []).flatMap((r) => r.events.map((ev) => ev.fixed)))
  return fixes.filter((f): f is string => !!f).pop()
}

/**
 * Writes `entries` in the Go vulnerability database's v1 layout (index/db.json,
 * index/modules.json, index/vulns.json, ID/<id>.json) under `dir`: `govulncheck -db file://DIR`.
 */
export function writeV1Db(dir: string, entries: OsvEntry[]): string {
  mkdirSync(join(dir, 'index'), { recursive: true })
  mkdirSync(join(dir, 'ID'), { recursive: true })
  const modules = new Map<string, { id: string; modified: string; fixed?: string }[]>()
  for (const e of entries) {
    for (const name of new Set(e.affected.map((a) => a.package.name))) {
      const list = modules.get(name) ?? []
      const fixed = fixedFor(e, name)
      list.push({ id: e.id, modified: e.modified, ...(fixed ? { fixed } : {}) })
      modules.set(name, list)
    }
    writeFileSync(join(dir, 'ID', `${e.id}.json`), json(e))
  }
  writeFileSync(join(dir, 'index', 'db.json'), json({ modified: latest(entries) }))
  writeFileSync(join(dir, 'index', 'modules.json'), json([...modules].map(([path, vulns]) => ({ path, vulns }))))
  writeFileSync(join(dir, 'index', 'vulns.json'), json(entries.map((e) => ({ id: e.id, modified: e.modified, aliases: e.aliases ?? [] }))))
  return dir
}

/** Writes one `<id>.json` per entry into `dir` (a plain OSV directory, as osv.dev's exports unpack). */
export function writeOsvDir(dir: string, entries: OsvEntry[]): string {
  mkdirSync(dir, { recursive: true })
  for (const e of entries) writeFileSync(join(dir, `${e.id}.json`), json(e))
  return dir
}

/** The bytes of osv.dev's per-ecosystem export: a zip of `<id>.json` files. */
export function allZipBytes(entries: OsvEntry[]): Uint8Array {
  return zipSync(Object.fromEntries(entries.map((e) => [`${e.id}.json`, new TextEncoder().encode(JSON.stringify(e))])))
}

/** Writes osv.dev's `all.zip` at `file` (e.g. `<cache>/osv-scalibr/Go/all.zip` for osv-scanner). */
export function writeAllZip(file: string, entries: OsvEntry[]): string {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, allZipBytes(entries))
  return file
}

/**
 * `count` generated entries for a database the size of Go's real one (benchmarks only): about
 * one module in four has several advisories, some on the real modules with ranges that do not
 * match, the rest on made-up module paths. Deterministic.
 */
export function bulkAdvisories(count: number): OsvEntry[] {
  const out: OsvEntry[] = []
  for (let i = 0; i < count; i++) {
    const module = i % 40 === 0 ? 'golang.org/x/text' : i % 25 === 0 ? 'stdlib' : `example.com/bulk/m${Math.floor(i / 2)}`
    const ranges = module === 'stdlib' ? semver(['0', '1.0.1']) : module === 'golang.org/x/text' ? semver(['0', '0.0.1']) : semver(['0', `1.${i % 7}.${i % 5}`])
    const pkg = module === 'stdlib' ? 'net/http' : `${module}/pkg${i % 3}`
    out.push(
      entry(`GO-9999-${String(i).padStart(5, '0')}`, [`CVE-9999-${10000 + i}`], `generated advisory ${i}`, [
        {
          package: goPackage(module),
          ranges,
          ecosystem_specific: { imports: [{ path: pkg, symbols: [`Func${i % 11}`, `Type${i % 5}.Method`] }] },
        },
      ]),
    )
  }
  return out
}
