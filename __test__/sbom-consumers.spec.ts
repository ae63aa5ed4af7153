// Real consumers read our SBOMs. osv-scanner, offline, with real Go advisories in osv.dev's
// all.zip layout, must find from our CycloneDX (and our SPDX) alone exactly the advisories whose version ranges
// the Go toolchain's own report of each fixture falls in (modules and standard library, plain
// and stripped binaries). The SPDX project's own validator accepts our SPDX. syft, when the
// cache has it, must see the same modules.
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import { sbom } from '../index'
import { nativeBuild } from '../support/go-binaries'
import { startProcess } from './helpers/processes'
import { type OsvEntry, realAdvisories, writeAllZip } from './helpers/advisories'
import { derivedFile, buildGo, withCacheLock } from '../support/go'
import { goVersionM } from './helpers/go-version-m'
import { cachedSyft, osvScanner, spdxTools } from './helpers/sbom-consumers'
import { cyclonedxErrors, spdxErrors } from './helpers/sbom-schemas'
import { testUnless } from './helpers/skip'

type Json = Record<string, any>

const scratch = mkdtempSync(join(tmpdir(), 'gops-native-sbom-consumers-'))
test.after.always(() => rmSync(scratch, { recursive: true, force: true }))

const build = (program: string, env: Record<string, string> = {}) =>
  withCacheLock(() => buildGo({ program, name: `${program}${env.GOTOOLCHAIN ? `-${env.GOTOOLCHAIN}` : ''}`, env }))
const strippedCopy = (file: string) =>
  derivedFile('stripped', [file, 'strip-all'], (out) => execFileSync('strip', ['--strip-all', '-o', out, file], { stdio: ['ignore', 'ignore', 'pipe'] }))

/**
 * The vulnerability fixtures: golang.org/x/text v0.3.7 and v0.3.6, and one built by go1.21.0
 * (fetched through the module proxy by GOTOOLCHAIN) so the standard library's advisories apply.
 */
const fixtures: [title: string, file: () => string][] = [
  ['x/text v0.3.7, go1.21.0 toolchain', () => build('vulnlang', { GOTOOLCHAIN: 'go1.21.0' })],
  ['x/text v0.3.6', () => build('vulnold')],
  ['x/text v0.3.6, strip --strip-all', () => strippedCopy(build('vulnold'))],
  ['x/text v0.3.7, width only', () => build('vulnwidth')],
]

/** Semantic versions as OSV's SEMVER ranges order them (no leading v; a pre-release sorts first). */
function compareSemver(a: string, b: string): number {
  const split = (v: string) => {
    const [core, pre] = v.replace(/^v/, '').split(/-(.*)/s)
    return { core: core.split('.').map(Number), pre: pre === undefined ? null : pre.split('.') }
  }
  const x = split(a)
  const y = split(b)
  for (let i = 0; i < 3; i++) if ((x.core[i] ?? 0) !== (y.core[i] ?? 0)) return (x.core[i] ?? 0) - (y.core[i] ?? 0)
  if (x.pre === null || y.pre === null) return x.pre === y.pre ? 0 : x.pre === null ? 1 : -1
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const [p, q] = [x.pre[i], y.pre[i]]
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1
    if (p !== q) return /^\d+$/.test(p) && /^\d+$/.test(q) ? Number(p) - Number(q) : p < q ? -1 : 1
  }
  return 0
}

/** Whether `version` is in one of an OSV SEMVER range's introduced..fixed (or last_affected) spans. */
function inRange(events: { introduced?: string; fixed?: string; last_affected?: string }[], version: string): boolean {
  let affected = false
  for (const e of events) {
    if (e.introduced !== undefined && (e.introduced === '0' || compareSemver(version, e.introduced) >= 0)) affected = true
    if (e.fixed !== undefined && compareSemver(version, e.fixed) >= 0) affected = false
    if (e.last_affected !== undefined && compareSemver(version, e.last_affected) > 0) affected = false
  }
  return affected
}

/** The advisories whose ranges hold a module (or the toolchain) of `go version -m file`: what the records say applies. */
function applicable(file: string, advisories: OsvEntry[]): string[] {
  const report = goVersionM(file)!
  const versions = new Map<string, string>(report.buildInfo.deps.map((d) => [d.replace?.path ?? d.path, (d.replace?.version || d.version).replace(/^v/, '')]))
  const go = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(report.goVersion)!
  versions.set('stdlib', `${go[1]}.${go[2]}.${go[3] ?? 0}`)
  return advisories
    .filter((a) => a.affected.some((x) => versions.has(x.package.name) && (x.ranges ?? []).some((r) => inRange(r.events, versions.get(x.package.name)!))))
    .map((a) => a.id)
    .sort()
}

function run(file: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
    })
  })
}

test('osv-scanner (offline, real Go advisories) finds from our CycloneDX alone exactly what the records say applies to each fixture', async (t) => {
  t.timeout(20 * 60_000, 'osv-scanner builds in about 4 minutes on 2 cores the first time')
  const scanner = osvScanner()
  const dbDir = join(scratch, 'osv-db')
  writeAllZip(join(dbDir, 'osv-scalibr', 'Go', 'all.zip'), realAdvisories)
  let matchedSomething = false
  for (const [title, file] of fixtures) {
    const path = file()
    const expected = applicable(path, realAdvisories)
    // Both formats: osv-scanner reads CycloneDX by the `.cdx.json` name and SPDX by `.spdx.json`.
    for (const [format, extension] of [['cyclonedx', 'cdx.json'], ['spdx', 'spdx.json']] as const) {
      const result = await sbom([path], { format })
      if (format === 'cyclonedx') t.is(await cyclonedxErrors(result.json), null)
      else t.is(spdxErrors(result.document), null)
      const bom = join(scratch, `${title.replace(/\W+/g, '-')}.${extension}`)
      writeFileSync(bom, result.json)
      const scan = await run(scanner, ['scan', 'source', '--offline-vulnerabilities', '--format', 'json', '-L', bom], { OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY: dbDir })
      // 0: nothing found, 1: vulnerabilities found; anything else is a failure to scan.
      t.true(scan.code === 0 || scan.code === 1, `${title} (${format}): osv-scanner exited ${scan.code}: ${scan.stderr}`)
      const report = JSON.parse(scan.stdout) as Json
      const packages: Json[] = (report.results ?? []).flatMap((r: Json) => r.packages ?? [])
      const found = [...new Set(packages.flatMap((p) => (p.vulnerabilities ?? []).map((v: Json) => v.id as string)))].sort()
      t.deepEqual(found, expected, `${title} (${format})`)
      t.log(`${title} (${format}): ${found.join(', ') || 'none'}`)
      if (found.length > 0) matchedSomething = true
      // It read every package of the document (it lists only the vulnerable ones in its report).
      const listed = format === 'spdx' ? (result.document.packages as unknown[]).length : (result.document.components as unknown[]).length
      t.regex(scan.stderr, new RegExp(`found ${listed} packages`), `${title} (${format})`)
    }
  }
  t.true(matchedSomething, 'at least one fixture is affected, so a scanner that reads nothing cannot pass')
})

testUnless(cachedSyft() ? null : 'syft is not in .cache/bin (the benchmarks build it)')('syft sees the same modules and standard library in the same binaries', async (t) => {
  const syft = cachedSyft()!
  // withdeps adds a replace by another version and one by a directory.
  for (const [title, file] of [['withdeps', nativeBuild] as [string, () => string], ...fixtures]) {
    const path = file()
    const ours = (await sbom([path])).document as Json
    const scan = await run(syft, ['scan', `file:${path}`, '-o', 'json', '-q'], { SYFT_CHECK_FOR_APP_UPDATE: 'false' })
    t.is(scan.code, 0, scan.stderr)
    const theirs = (JSON.parse(scan.stdout).artifacts as Json[]).filter((a) => a.type === 'go-module').map((a) => a.purl as string)
    // syft's main module carries a guessed or UNKNOWN version; compare the modules it holds.
    const main = ours.components.find((c: Json) => c.type === 'application').name
    const held = (list: string[]) => list.filter((p) => !p.startsWith(`pkg:golang/${main}`)).sort()
    t.true(held(theirs).length >= 2, `${title}: syft lists modules and stdlib (${theirs.join(' ')})`)
    t.deepEqual(held(ours.components.map((c: Json) => c.purl)), held(theirs), title)
  }
})

test("the SPDX project's validator (spdx-tools) accepts our SPDX: several executables, a running process, and rejects a broken copy", async (t) => {
  const tools = spdxTools()
  const child = await startProcess(t, withCacheLock(() => buildGo({ program: 'hello', name: 'hello' })), ['600'])
  const targets = [nativeBuild(), ...fixtures.map(([, file]) => file())]
  const result = await sbom([...targets, child.pid], { format: 'spdx' })
  t.deepEqual(result.failures, [])
  t.true((result.document.packages as { annotations?: unknown[] }[]).some((p) => p.annotations?.length), 'a package carries its process')
  const file = join(scratch, 'host.spdx.json')
  writeFileSync(file, result.json)
  const ok = await run(tools.python, [...tools.args, '-i', file], tools.env)
  t.is(ok.code, 0, ok.stderr)
  t.is(ok.stderr, '')
  // The same document with one relationship pointing nowhere: the validator must say so.
  const broken = JSON.parse(result.json)
  broken.relationships[0].relatedSpdxElement = 'SPDXRef-Nowhere'
  writeFileSync(file, JSON.stringify(broken))
  const bad = await run(tools.python, [...tools.args, '-i', file], tools.env)
  t.is(bad.code, 1)
  t.regex(bad.stderr, /SPDXRef-Nowhere/)
})
