// vulns() against the real govulncheck (v1.9.0, binary mode) on the same binaries and the same
// database of real advisories: Go fixtures built with golang.org/x/text v0.3.6 / v0.3.7 and the
// go1.21.0 toolchain (fetched through the module proxy), so real x/text and standard-library
// advisories apply. On plain binaries both must report the same ids at the same level; on
// stripped ones, where govulncheck lists every vulnerable function of an affected module as
// found, ours must equal the unstripped twin's.
import test from 'ava'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { AddressInfo } from 'node:net'
import { GopsError, VulnScanner, type VulnReport, vulns } from '../index'
import { GO_2021_0113, GO_2022_1059, type OsvEntry, realAdvisories, writeAllZip, writeOsvDir, writeV1Db } from './helpers/advisories'
import { runCli } from './helpers/cli'
import { nativeBuild } from '../support/go-binaries'
import { buildGo, withCacheLock } from '../support/go'
import { type PeerFinding, runGovulncheck } from './helpers/govulncheck'
import { semverToGoTag } from '../src/inventory/osv-version'

const scratch = mkdtempSync(join(tmpdir(), 'gops-native-vulns-'))
test.after.always(() => rmSync(scratch, { recursive: true, force: true }))

// Test-only and made up: an advisory for the fixture's locally replaced module, whose version
// the binary records as `(devel)`. govulncheck skips such a module; we must say "unknown".
const localdepAdvisory: OsvEntry = {
  id: 'GO-0000-0001',
  modified: '2024-06-01T00:00:00Z',
  summary: 'made-up advisory for a module whose version is unknown',
  affected: [{ package: { name: 'example.com/gopsnative/localdep', ecosystem: 'Go' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
}
const advisories = [...realAdvisories, localdepAdvisory]
const v1 = writeV1Db(join(scratch, 'v1'), advisories)

const oldGo = { GOTOOLCHAIN: 'go1.21.0', GOFLAGS: '-mod=mod' }
const build = (program: string, stripped = false) =>
  withCacheLock(() => buildGo({ program, name: stripped ? `${program}-stripped` : program, env: oldGo, flags: stripped ? ['-ldflags=-s -w'] : [] }))

const programs = ['vulnlang', 'vulnwidth', 'vulnold']

type Summary = Record<string, { level: string; symbols: string[] }>
const summary = (r: VulnReport): Summary => Object.fromEntries(r.findings.map((f) => [f.id, { level: f.level, symbols: f.symbols }]))
const levels = (r: VulnReport) => Object.fromEntries(r.findings.map((f) => [f.id, f.level]))

const fixes = (r: VulnReport) => Object.fromEntries(r.findings.map((f) => [f.id, f.fixed]))
// govulncheck's JSON spells every fix as semver (v1.21.1); ours is Go's spelling for the standard library.
const peerFixes = (peer: Map<string, PeerFinding>) =>
  Object.fromEntries([...peer.values()].map((f) => [f.id, f.fixed === '' ? null : f.module === 'stdlib' ? semverToGoTag(f.fixed) : f.fixed]))

async function one(db: string, file: string): Promise<VulnReport> {
  const [report] = await vulns({ db, targets: [file] })
  return report
}

for (const program of [...programs, 'withdeps']) {
  test(`${program}: the same ids at the same level as govulncheck on the plain binary`, async (t) => {
    const file = program === 'withdeps' ? nativeBuild() : build(program)
    const [ours, peer] = await Promise.all([one(v1, file), runGovulncheck(file, v1)])
    t.is(ours.error, null)
    t.true(ours.symbolsReadable)
    // govulncheck's package level (the package is linked, no vulnerable function) is our module level.
    const peerLevels = Object.fromEntries([...peer.values()].map((f) => [f.id, f.level === 'symbol' ? 'symbol' : 'module']))
    t.deepEqual(levels(ours), peerLevels)
    t.deepEqual(fixes(ours), peerFixes(peer))
    t.true(ours.findings.length > 0)
    // Every function govulncheck names is among ours.
    for (const f of ours.findings) {
      for (const s of peer.get(f.id)?.symbols ?? []) t.true(f.symbols.includes(s), `${f.id}: ${s}`)
    }
  })
}

test('a Windows build: the Windows-only advisory applies, at the same level as govulncheck says', async (t) => {
  const file = withCacheLock(() => buildGo({ program: 'vulnlang', name: 'vulnlang.exe', env: { ...oldGo, GOOS: 'windows', GOARCH: 'amd64' } }))
  const [ours, peer] = await Promise.all([one(v1, file), runGovulncheck(file, v1)])
  const peerLevels = Object.fromEntries([...peer.values()].map((f) => [f.id, f.level === 'symbol' ? 'symbol' : 'module']))
  t.deepEqual(levels(ours), peerLevels)
  t.truthy(levels(ours)['GO-2023-2185'])
  t.deepEqual(fixes(ours), peerFixes(peer))
})

for (const program of programs) {
  test(`${program}: stripped, our answer equals the unstripped twin's`, async (t) => {
    const [plain, stripped] = [build(program), build(program, true)]
    const [a, b] = await Promise.all([one(v1, plain), one(v1, stripped)])
    t.true(b.symbolsReadable)
    t.deepEqual(summary(b), summary(a))
  })
}

test('govulncheck over-reports a stripped binary that links no vulnerable function; we do not', async (t) => {
  const stripped = build('vulnwidth', true)
  const [ours, peer] = await Promise.all([one(v1, stripped), runGovulncheck(stripped, v1)])
  t.is(peer.get('GO-2022-1059')?.level, 'symbol')
  t.true(peer.get('GO-2022-1059')!.symbols.includes('golang.org/x/text/language.ParseAcceptLanguage'))
  const finding = ours.findings.find((f) => f.id === 'GO-2022-1059')!
  t.like(finding, { module: 'golang.org/x/text', version: 'v0.3.7', fixed: 'v0.3.8', level: 'module', symbols: [] })
})

test('facts of one finding: version, fix, symbols, aliases; the fixed version is not reported; goos-only advisories are filtered', async (t) => {
  const report = await one(v1, build('vulnlang'))
  t.like(report, { goVersion: 'go1.21.0', mainPath: 'example.com/gopsnative/vulnlang', unknown: [] })
  const byId = Object.fromEntries(report.findings.map((f) => [f.id, f]))
  t.deepEqual(byId['GO-2022-1059'], {
    id: 'GO-2022-1059',
    aliases: GO_2022_1059.aliases!,
    summary: GO_2022_1059.summary!,
    module: 'golang.org/x/text',
    version: 'v0.3.7',
    fixed: 'v0.3.8',
    level: 'symbol',
    symbols: ['golang.org/x/text/language.ParseAcceptLanguage'],
  })
  t.like(byId['GO-2023-2041'], { module: 'stdlib', version: 'go1.21.0', fixed: 'go1.21.1', level: 'symbol' })
  t.true(byId['GO-2023-2041'].symbols.includes('html/template.Template.Execute'))
  t.like(byId['GO-2024-2598'], { fixed: 'go1.21.8', level: 'module', symbols: [] })
  // v0.3.7 is GO-2021-0113's fixed version; GO-2023-2185 is for windows only.
  t.false('GO-2021-0113' in byId)
  t.false('GO-2023-2185' in byId)
  const old = await one(v1, build('vulnold'))
  t.like(
    old.findings.find((f) => f.id === GO_2021_0113.id),
    { version: 'v0.3.6', fixed: 'v0.3.7', level: 'symbol', symbols: ['golang.org/x/text/language.Parse'] },
  )
})

test('a module whose version is unknown is reported as unknown, never as safe', async (t) => {
  const report = await one(v1, nativeBuild())
  t.deepEqual(report.unknown, [{ module: 'example.com/gopsnative/localdep', version: '(devel)', ids: ['GO-0000-0001'] }])
  t.false(report.findings.some((f) => f.id === 'GO-0000-0001'))
})

test('the v1 directory, an OSV directory, all.zip and a v1 database over HTTP give the same answers', async (t) => {
  const files = [...programs.map((p) => build(p)), build('vulnwidth', true), nativeBuild()]
  const osvDir = writeOsvDir(join(scratch, 'osv'), advisories)
  const zip = writeAllZip(join(scratch, 'zip', 'all.zip'), advisories)
  // A loopback server in the v1 layout, `.json.gz` like the real one.
  const requests: string[] = []
  const server = createServer((req, res) => {
    requests.push(req.url!)
    const path = req.url!.replace(/\.json\.gz$/, '.json')
    try {
      const body = readFileSync(join(v1, path))
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(req.url!.endsWith('.gz') ? gzipSync(body) : body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const cacheDir = join(scratch, 'http-cache')
  const expected = (await vulns({ db: v1, targets: files })).map((r) => r.findings)
  t.deepEqual((await vulns({ db: osvDir, targets: files })).map((r) => r.findings), expected)
  t.deepEqual((await vulns({ db: zip, targets: files })).map((r) => r.findings), expected)
  t.deepEqual((await vulns({ db: url, cacheDir, targets: files })).map((r) => r.findings), expected)
  t.true(requests.includes('/index/modules.json.gz'))
  t.true(requests.includes('/ID/GO-2022-1059.json.gz'))
  // A second scanner reads the on-disk cache: only the index's modification time is asked.
  requests.length = 0
  t.deepEqual((await vulns({ db: url, cacheDir, targets: files })).map((r) => r.findings), expected)
  t.deepEqual(requests, ['/index/db.json.gz'])
})

test('the database is read once and again when it changes', async (t) => {
  const dir = writeV1Db(join(scratch, 'changing'), [GO_2021_0113])
  const scanner = new VulnScanner({ db: dir })
  t.teardown(() => scanner.close())
  const file = build('vulnlang')
  t.deepEqual(levels((await scanner.scan([file]))[0]), {})
  const generation = scanner.db.generation
  await scanner.scan([file])
  t.is(scanner.db.generation, generation)
  writeV1Db(dir, [GO_2021_0113, GO_2022_1059])
  const later = new Date(Date.now() + 2000)
  utimesSync(join(dir, 'index', 'modules.json'), later, later)
  t.deepEqual(levels((await scanner.scan([file]))[0]), { 'GO-2022-1059': 'symbol' })
  t.is(scanner.db.generation, generation + 1)
})

test('a bad or truncated database is an error naming the file, never a crash', async (t) => {
  const file = build('vulnwidth')
  const truncatedIndex = writeV1Db(join(scratch, 'bad-index'), realAdvisories)
  const modules = join(truncatedIndex, 'index', 'modules.json')
  truncateSync(modules, 40)
  let error = await t.throwsAsync(vulns({ db: truncatedIndex, targets: [file] }), { instanceOf: GopsError })
  t.is(error.code, 'VULN_DB_INVALID')
  t.true(error.message.includes(modules), error.message)

  const badEntry = writeV1Db(join(scratch, 'bad-entry'), realAdvisories)
  const entry = join(badEntry, 'ID', 'GO-2022-1059.json')
  writeFileSync(entry, JSON.stringify({ id: 'GO-2022-1059', affected: [{ ranges: 'nope' }] }))
  error = await t.throwsAsync(vulns({ db: badEntry, targets: [file] }), { instanceOf: GopsError })
  t.is(error.code, 'VULN_DB_INVALID')
  t.true(error.message.includes(entry), error.message)

  const huge = writeOsvDir(join(scratch, 'huge-osv'), realAdvisories)
  truncateSync(join(huge, 'GO-2021-0113.json'), 300 << 20) // sparse: no disk used
  error = await t.throwsAsync(vulns({ db: huge, targets: [file] }), { instanceOf: GopsError })
  t.is(error.code, 'VULN_DB_INVALID')
  t.regex(error.message, /GO-2021-0113\.json is larger than/)

  const zip = writeAllZip(join(scratch, 'bad-zip', 'all.zip'), realAdvisories)
  truncateSync(zip, 300)
  error = await t.throwsAsync(vulns({ db: zip, targets: [file] }), { instanceOf: GopsError })
  t.is(error.code, 'VULN_DB_INVALID')
  t.true(error.message.includes(zip), error.message)

  const osv = writeOsvDir(join(scratch, 'bad-osv'), realAdvisories)
  writeFileSync(join(osv, 'GO-2023-2041.json'), '{"id": "GO-2023-2041", "affected": [')
  error = await t.throwsAsync(vulns({ db: osv, targets: [file] }), { instanceOf: GopsError })
  t.is(error.code, 'VULN_DB_INVALID')
  t.true(error.message.includes(join(osv, 'GO-2023-2041.json')), error.message)

  error = await t.throwsAsync(vulns({ db: join(scratch, 'nowhere'), targets: [file] }), { instanceOf: GopsError })
  t.is(error.code, 'VULN_DB_UNAVAILABLE')
})

test('targets that cannot be checked are reported in the results, the batch goes on', async (t) => {
  const notGo = join(scratch, 'script.sh')
  writeFileSync(notGo, '#!/bin/sh\necho hi\n')
  const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' })
  t.teardown(() => sleeper.kill('SIGKILL'))
  await once(sleeper, 'spawn')
  const reports = await vulns({ db: v1, targets: [join(scratch, 'missing'), notGo, 999_999_999, sleeper.pid!, build('vulnwidth')] })
  t.deepEqual(
    reports.map((r) => r.error?.code ?? null),
    ['NOT_FOUND', 'INVALID_TARGET', 'PROCESS_NOT_FOUND', 'INVALID_TARGET', null],
  )
  t.true(reports[0].error!.message.includes(join(scratch, 'missing')))
  t.is(reports[3].error!.message, `process ${sleeper.pid} (sleep) is not a Go program`)
  // Bad arguments are the caller's mistake: thrown, naming the item.
  const error = await t.throwsAsync(vulns({ db: v1, targets: [notGo, ''] }), { instanceOf: GopsError })
  t.is(error.code, 'INVALID_ARGUMENT')
  t.regex(error.message, /targets\[1\]/)
})

test('a running process by PID, and among every Go process of the host', async (t) => {
  // A copy, so the test does not depend on what else runs the cached fixture.
  const exe = join(scratch, 'vulnlang-running')
  copyFileSync(build('vulnlang'), exe)
  const child = spawn(exe, ['wait'], { stdio: ['ignore', 'pipe', 'ignore'] })
  t.teardown(() => child.kill('SIGKILL'))
  await new Promise((resolve) => child.stdout.once('data', resolve))
  const fromFile = await one(v1, exe)
  const [byPid] = await vulns({ db: v1, targets: [child.pid!] })
  t.like(byPid, { target: String(child.pid), pid: child.pid, path: exe, error: null })
  t.deepEqual(byPid.findings, fromFile.findings)
  const host = await vulns({ db: v1 })
  const mine = host.find((r) => r.pid === child.pid)
  t.truthy(mine)
  t.deepEqual(mine!.findings, fromFile.findings)
})

test('an aborted call rejects with ABORTED', async (t) => {
  const controller = new AbortController()
  controller.abort()
  const error = await t.throwsAsync(vulns({ db: v1, targets: [build('vulnlang')], signal: controller.signal }), { instanceOf: GopsError })
  t.is(error.code, 'ABORTED')
  const scanner = new VulnScanner({ db: v1 })
  t.teardown(() => scanner.close())
  const late = new AbortController()
  const pending = scanner.scan([build('vulnwidth'), build('vulnold')], { signal: late.signal })
  late.abort()
  t.is((await t.throwsAsync(pending, { instanceOf: GopsError })).code, 'ABORTED')
})

test('CLI: gops-native vulns --json, text, and exit codes', async (t) => {
  const vulnerable = build('vulnlang')
  const json = await runCli(['vulns', '--db', v1, '--json', vulnerable])
  t.is(json.code, 0, json.stderr)
  const [report] = JSON.parse(json.stdout) as VulnReport[]
  t.deepEqual(levels(report), { 'GO-2022-1059': 'symbol', 'GO-2023-2041': 'symbol', 'GO-2023-2043': 'symbol', 'GO-2024-2598': 'module' })
  for (const f of report.findings) t.deepEqual(Object.keys(f).sort(), ['aliases', 'fixed', 'id', 'level', 'module', 'summary', 'symbols', 'version'])
  const text = await runCli(['vulns', '--db', v1, vulnerable])
  t.is(text.code, 3)
  t.regex(text.stdout, /GO-2022-1059 {2}golang\.org\/x\/text@v0\.3\.7 {2}fixed in v0\.3\.8 {2}functions: golang\.org\/x\/text\/language\.ParseAcceptLanguage/)
  const clean = await runCli(['vulns', '--db', writeV1Db(join(scratch, 'empty'), []), vulnerable])
  t.is(clean.code, 0)
  t.regex(clean.stdout, /no known vulnerabilities/)
  const fromEnv = await runCli(['vulns', '--json', vulnerable], { GOVULNDB: v1 })
  t.deepEqual(JSON.parse(fromEnv.stdout), JSON.parse(json.stdout))
  const none = await runCli(['vulns', vulnerable], { GOVULNDB: '' })
  t.is(none.code, 1)
  t.regex(none.stderr, /no vulnerability database: pass --db/)
  const bad = await runCli(['vulns', '--db', join(scratch, 'nowhere'), vulnerable])
  t.is(bad.code, 1)
  t.regex(bad.stderr, /cannot read the vulnerability database .*nowhere/)
})
