// sbom(), `gops-native sbom` and the exporter's /sbom on real Go binaries (module versions from the
// Go module proxy, a `replace` by version and one by directory, plain and stripped) and real
// running processes. The truth is the Go toolchain's own `go version -m`; every document made
// here is validated against the official CycloneDX 1.6 and SPDX 2.3 JSON schemas.
import { createHash } from 'node:crypto'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test, { type ExecutionContext } from 'ava'
import { type SbomResult, discover, isGopsError, sbom } from '../index'
import { cBinary, goFixtures, nativeBuild } from '../support/go-binaries'
import { buildGo, goVersion } from '../support/go'
import { goVersionM } from './helpers/go-version-m'
import { startProcess } from './helpers/processes'
import { runCli } from './helpers/cli'
import { get, startExporter } from './helpers/exporter'
import { cyclonedxErrors, spdxErrors } from './helpers/sbom-schemas'
import { testUnless, unlessRoot } from './helpers/skip'

type Json = Record<string, any>

const stripped = () => goFixtures.find((f) => f.title === 'strip --strip-all')!.file()
const sw = () => goFixtures.find((f) => f.title === "-ldflags='-s -w'")!.file()
const hello = () => buildGo({ program: 'hello', name: 'hello' })

const scratch = mkdtempSync(join(tmpdir(), 'gops-native-sbom-'))
test.after.always(() => rmSync(scratch, { recursive: true, force: true }))

/** Every document a test makes is checked against its format's official schema. */
async function valid(t: ExecutionContext, result: SbomResult): Promise<Json> {
  const errors = result.format === 'spdx' ? spdxErrors(result.document) : await cyclonedxErrors(result.json)
  t.is(errors, null, JSON.stringify(errors, null, 2))
  return result.document as Json
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** The purls the Go toolchain's own report implies, written here from the purl spec (not from our code). */
function expectedPurls(file: string): { main: string; deps: string[]; stdlib: string } {
  const report = goVersionM(file)!
  const deps = report.buildInfo.deps.map((d) => {
    const r = d.replace
    if (r && r.version && r.version !== '(devel)') return `pkg:golang/${r.path}@${r.version}`
    if (r) return `pkg:golang/${d.path}`
    return `pkg:golang/${d.path}@${d.version}`
  })
  const main = report.buildInfo.main!
  return {
    main: `pkg:golang/${main.path}${main.version === '(devel)' ? '' : `@${main.version}`}`,
    deps,
    stdlib: `pkg:golang/stdlib@${report.goVersion.replace(/^go/, '')}`,
  }
}

const applications = (bom: Json): Json[] => bom.components.filter((c: Json) => c.type === 'application')
const prop = (component: Json, name: string): string[] => (component.properties ?? []).filter((p: Json) => p.name === name).map((p: Json) => p.value)
/** The PIDs of `gops-native:process:N:pid`, in N's order. */
const processPids = (component: Json): number[] =>
  (component.properties ?? []).filter((p: Json) => /^gops-native:process:\d+:pid$/.test(p.name)).map((p: Json) => Number(p.value))
const dependsOn = (bom: Json, ref: string): Json[] => {
  const refs: string[] = bom.dependencies.find((d: Json) => d.ref === ref)?.dependsOn ?? []
  return refs.map((r) => bom.components.find((c: Json) => c['bom-ref'] === r))
}

test("CycloneDX of a real binary: its main module, every dependency after replace, stdlib with syft's purl, build settings, SHA-256", async (t) => {
  const file = nativeBuild()
  const bom = await valid(t, await sbom([file]))
  t.is(bom.specVersion, '1.6')
  const [app, ...others] = applications(bom)
  t.is(others.length, 0)
  const truth = goVersionM(file)!
  const want = expectedPurls(file)
  t.like(app, { name: truth.buildInfo.main!.path, purl: want.main, 'bom-ref': `go-executable:${sha256(file).slice(0, 16)}` })
  t.deepEqual(app.hashes, [{ alg: 'SHA-256', content: sha256(file) }])
  t.deepEqual(prop(app, 'gops-native:file:0:path'), [file])
  t.deepEqual(prop(app, 'gops-native:go:version'), [truth.goVersion])
  for (const [key, value] of Object.entries(truth.buildInfo.settings)) t.deepEqual(prop(app, `gops-native:go:build:${key}`), [value], key)
  t.deepEqual(prop(app, 'cdx:gomod:build:env:GOARCH'), ['amd64'])
  const held = dependsOn(bom, app['bom-ref'])
  t.deepEqual(held.map((c) => c.purl).sort(), [...want.deps, want.stdlib].sort())
  t.is(bom.components.length, 1 + held.length, 'every component is the executable or one it holds')
  // The replaced modules say what they replaced; the directory replacement has no version.
  const sampler = held.find((c) => c.name === 'rsc.io/sampler')!
  t.like(sampler, { version: 'v1.99.99' })
  t.deepEqual(prop(sampler, 'gops-native:go:replaces'), ['rsc.io/sampler@v1.3.0'])
  const local = held.find((c) => c.name === 'example.com/gopsnative/localdep')!
  t.is(local.version, undefined)
  t.deepEqual(prop(local, 'gops-native:go:replace:directory'), ['./localdep'])
  const text = held.find((c) => c.name === 'golang.org/x/text')!
  t.deepEqual(prop(text, 'gops-native:go:sum'), [truth.buildInfo.deps.find((d) => d.path === 'golang.org/x/text')!.sum])
  const stdlib = held.find((c) => c.name === 'stdlib')!
  t.like(stdlib, { version: goVersion().slice(2), cpe: `cpe:2.3:a:golang:go:${goVersion().slice(2)}:*:*:*:*:*:*:*` })
})

test('stripped binaries (strip --strip-all, -ldflags=-s -w) list the same modules as the plain build', async (t) => {
  const purlsOf = async (file: string) => {
    const bom = await valid(t, await sbom([file]))
    return bom.components.map((c: Json) => c.purl).sort()
  }
  const plain = await purlsOf(nativeBuild())
  t.deepEqual(await purlsOf(stripped()), plain)
  const swWant = expectedPurls(sw())
  t.deepEqual(await purlsOf(sw()), [swWant.main, ...swWant.deps, swWant.stdlib].sort())
})

test('binaries whose build-info blob was removed: the modules inspect recovers, and how it recovered them', async (t) => {
  const plain = (await valid(t, await sbom([nativeBuild()]))).components.map((c: Json) => c.purl).sort()
  for (const title of ['objcopy --remove-section .go.buildinfo', "-ldflags='-s -w -buildid=', blob and pclntab magic wiped"]) {
    const fixture = goFixtures.find((f) => f.title === title)!
    const bom = await valid(t, await sbom([fixture.file()]))
    t.deepEqual(bom.components.map((c: Json) => c.purl).sort(), plain, title)
    t.deepEqual(prop(applications(bom)[0], 'gops-native:go:recovered-from'), [fixture.recoveredFrom], title)
  }
})

test('one component per distinct executable: the same bytes at two paths are one, with both paths; different builds are two', async (t) => {
  const copy = join(scratch, 'withdeps-copy')
  copyFileSync(nativeBuild(), copy)
  const result = await sbom([nativeBuild(), copy, stripped()])
  const bom = await valid(t, result)
  const apps = applications(bom)
  t.is(apps.length, 2)
  const plain = apps.find((a) => a.hashes[0].content === sha256(copy))!
  t.deepEqual(prop(plain, 'gops-native:file:0:path').concat(prop(plain, 'gops-native:file:1:path')).sort(), [nativeBuild(), copy].sort())
  t.deepEqual(result.failures, [])
})

test('SPDX 2.3: the same packages and purls, valid against the official schema', async (t) => {
  const file = nativeBuild()
  const cdx = await valid(t, await sbom([file]))
  const doc = await valid(t, await sbom([file], { format: 'spdx' }))
  t.like(doc, { spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT' })
  const purls = doc.packages.map((p: Json) => p.externalRefs?.find((r: Json) => r.referenceType === 'purl')?.referenceLocator).sort()
  t.deepEqual(purls, cdx.components.map((c: Json) => c.purl).sort())
  const exe = doc.packages.find((p: Json) => p.primaryPackagePurpose === 'APPLICATION')
  t.deepEqual(exe.checksums, [{ algorithm: 'SHA256', checksumValue: sha256(file) }])
  t.true(doc.relationships.some((r: Json) => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES' && r.relatedSpdxElement === exe.SPDXID))
  t.is(doc.relationships.filter((r: Json) => r.spdxElementId === exe.SPDXID && r.relationshipType === 'CONTAINS').length, doc.packages.length - 1)
  t.regex(exe.comment, /^build\tGOARCH=amd64$/m)
})

test('running processes: one component for a binary two processes run, with both PIDs and paths; the host scan has it too', async (t) => {
  const binary = hello()
  const a = await startProcess(t, binary, ['600'])
  const b = await startProcess(t, binary, ['600'])
  const sorted = [a.pid, b.pid].sort((x, y) => x - y)
  for (const [result, exact] of [[await sbom([a.pid, String(b.pid)]), true], [await sbom(), false]] as const) {
    const bom = await valid(t, result)
    const app = applications(bom).find((c) => c.hashes[0].content === sha256(binary))!
    t.truthy(app, 'the fixture is in the document')
    const pids = processPids(app)
    // Other tests of this file run the same fixture at the same time: the host scan lists theirs too.
    if (exact) t.deepEqual(pids, sorted)
    else t.deepEqual(pids.filter((p) => sorted.includes(p)), sorted)
    t.deepEqual(prop(app, 'gops-native:process:0:path'), [binary])
    t.is(prop(app, 'gops-native:process:0:started').length, 1)
    t.is(prop(app, 'gops-native:file:0:path').length, 0, 'a process is not a file the caller named')
  }
  const spdx = await valid(t, await sbom([a.pid], { format: 'spdx' }))
  const exe = spdx.packages.find((p: Json) => p.primaryPackagePurpose === 'APPLICATION')
  t.regex(exe.annotations[0].comment, new RegExp(`^running as process ${a.pid} from ${binary} `))
})

testUnless(unlessRoot('creating namespaces'))('a process in its own PID and mount namespaces: container cgroup and in-namespace PID; a deleted executable is still read', async (t) => {
  const binary = join(scratch, 'hello-deleted')
  copyFileSync(hello(), binary)
  const unshare = await startProcess(t, 'unshare', ['--pid', '--fork', '--mount', '--mount-proc', '--kill-child', binary, '600'])
  let child
  for (let i = 0; i < 50 && !child; i++) {
    child = (await discover()).find((p) => p.ppid === unshare.pid)
    if (!child) await new Promise((r) => setTimeout(r, 100))
  }
  t.truthy(child, 'the namespaced process was found')
  const hash = sha256(binary)
  rmSync(binary)
  const bom = await valid(t, await sbom([child!.pid]))
  const [app] = applications(bom)
  t.is(app.hashes[0].content, hash, 'read through /proc/PID/exe after the file was deleted')
  t.deepEqual(prop(app, 'gops-native:process:0:ns-pid'), ['1'])
  t.deepEqual(prop(app, 'gops-native:process:0:deleted'), ['true'])
  t.is(prop(app, 'gops-native:process:0:container:cgroup').length, 1)
  t.true(dependsOn(bom, app['bom-ref']).some((c) => c.purl === `pkg:golang/stdlib@${goVersion().slice(2)}`))
})

test('targets that yield nothing are listed as failures with their codes; the rest still make the document', async (t) => {
  const result = await sbom([nativeBuild(), cBinary(), join(scratch, 'missing'), scratch, 4_000_000])
  await valid(t, result)
  t.is(applications(result.document).length, 1)
  t.deepEqual(
    result.failures.map((f) => f.code).sort(),
    ['INVALID_TARGET', 'NOT_A_FILE', 'NOT_FOUND', 'PROCESS_NOT_FOUND'],
  )
  t.true(result.failures.find((f) => f.code === 'INVALID_TARGET')!.message.includes(cBinary()))
  const node = await sbom([process.pid])
  t.deepEqual(node.failures.map((f) => f.code), ['INVALID_TARGET'], 'a running process that is not Go')
  const empty = await sbom([cBinary()], { format: 'spdx' })
  await valid(t, empty)
})

test('bad arguments are INVALID_ARGUMENT; an aborted signal is ABORTED', async (t) => {
  for (const [targets, options] of [[[''], {}], [[-1], {}], [[nativeBuild()], { format: 'xml' }], ['x', {}]] as const) {
    const error = await t.throwsAsync(sbom(targets as never, options as never))
    t.true(isGopsError(error) && error.code === 'INVALID_ARGUMENT', String(error))
  }
  const error = await t.throwsAsync(sbom([nativeBuild()], { signal: AbortSignal.abort() }))
  t.true(isGopsError(error) && error.code === 'ABORTED', String(error))
})

test('CLI: gops-native sbom prints CycloneDX, --format spdx -o writes SPDX, a non-Go target is named on stderr with exit code 1', async (t) => {
  const file = nativeBuild()
  const plain = await runCli(['sbom', file])
  t.is(plain.code, 0, plain.stderr)
  t.is(plain.stderr, '')
  t.is(await cyclonedxErrors(plain.stdout), null)
  t.true(JSON.parse(plain.stdout).components.some((c: Json) => c.purl === 'pkg:golang/rsc.io/quote@v1.5.2'))

  const out = join(scratch, 'bom.spdx.json')
  writeFileSync(out, 'an older document')
  const spdx = await runCli(['sbom', '--format', 'spdx', '-o', out, file, cBinary()])
  t.is(spdx.code, 1)
  t.is(spdx.stdout, '')
  t.is(spdx.stderr, `gops-native: ${cBinary()} is not a Go executable\n`)
  t.is(spdxErrors(JSON.parse(readFileSync(out, 'utf8'))), null)

  const bad = await runCli(['sbom', '--format', 'xml', file])
  t.is(bad.code, 1)
  t.regex(bad.stderr, /Allowed choices are cyclonedx, spdx/)
  const unwritable = await runCli(['sbom', '-o', join(scratch, 'no-such-dir', 'x.json'), file])
  t.is(unwritable.code, 1)
  t.regex(unwritable.stderr, /^gops-native: cannot write .*no-such-dir.*\n$/)
})

test('exporter --sbom serves this host as CycloneDX at /sbom (running processes included); without it there is no /sbom', async (t) => {
  const child = await startProcess(t, hello(), ['600'])
  const exporter = await startExporter(t, ['--sbom', '--interval', '100ms'])
  const page = await get(`${exporter.base}/sbom`)
  // Asked before the slow checks below: a keep-alive socket idle for the server's 5 s timeout
  // can be closed just as a request goes out on it.
  const metrics = await get(`${exporter.base}/metrics`)
  t.is(page.status, 200)
  t.is(page.type, 'application/vnd.cyclonedx+json; version=1.6')
  t.is(await cyclonedxErrors(page.body), null)
  const app = applications(JSON.parse(page.body)).find((c) => processPids(c).includes(child.pid))
  t.truthy(app, 'the running fixture is listed')
  t.is(metrics.status, 200)
  const plain = await startExporter(t)
  t.is((await get(`${plain.base}/sbom`)).status, 404)
})
