// `gops-native inspect` run as a real process (from source, through tsx) next to `go version -m`.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { runCli } from './helpers/cli'
import { cBinary, fatMachO, goFixtures, nativeBuild } from '../support/go-binaries'
import { goVersion } from '../support/go'
import { goVersionM } from './helpers/go-version-m'

const fixture = (title: string) => {
  const found = goFixtures.find((f) => f.title === title)
  if (!found) throw new Error(`no fixture ${title}`)
  return found
}

test('text output is byte-for-byte what go version -m prints, for every file Go can read', async (t) => {
  const files = goFixtures.filter((f) => !f.recoveredFrom).map((f) => f.file())
  const go = spawnSync('go', ['version', '-m', ...files], { encoding: 'utf8' })
  t.is(go.status, 0)
  t.regex(go.stdout, /build\t-ldflags="-s -w"/, 'a quoted build setting is covered')
  const cli = await runCli(['inspect', ...files])
  t.is(cli.stdout, go.stdout)
  t.is(cli.stderr, '')
  t.is(cli.code, 0)
})

test('a recovered binary prints its evidence as a `source` line, then the module lines', async (t) => {
  const wiped = fixture('strip --strip-all, blob magic wiped')
  const truth = goVersionM(wiped.before!())
  if (!truth) return t.fail('go version -m cannot read the undamaged build')
  const file = wiped.file()
  const cli = await runCli(['inspect', file])
  const moduleLines = truth.text.slice(truth.text.indexOf('\n') + 1)
  t.is(cli.stdout, `${file}: ${goVersion()}\n\tsource\tbuildid\n${moduleLines}`)
  t.is(cli.code, 0)
})

test('a non-Go file gets the line go version prints, on stderr, and exit 0', async (t) => {
  const file = cBinary()
  const go = spawnSync('go', ['version', '-m', file], { encoding: 'utf8' })
  const cli = await runCli(['inspect', file])
  t.is(cli.stderr, go.stderr)
  t.is(cli.stdout, '')
  t.is(cli.code, 0)
})

test('a fat Mach-O prints every slice, labelled with its architecture', async (t) => {
  const file = fatMachO()
  const cli = await runCli(['inspect', file])
  const headers = cli.stdout.split('\n').filter((line) => !line.startsWith('\t') && line !== '')
  t.deepEqual(headers, [`${file} (amd64): ${goVersion()}`, `${file} (arm64): ${goVersion()}`])
  const [item] = JSON.parse((await runCli(['inspect', '--json', file])).stdout) as { result: { format: string; slices: { arch: string; isGo: boolean }[] } }[]
  t.is(item.result.format, 'macho-fat')
  t.deepEqual(
    item.result.slices.map((s) => [s.arch, s.isGo]),
    [
      ['amd64', true],
      ['arm64', true],
    ],
  )
})

test('--json: one item per file in input order, as inspectMany: { ok: true, path, result } or { ok: false, path, error }; exit 1', async (t) => {
  const missing = join(__dirname, 'no-such-file')
  const files = [nativeBuild(), missing, cBinary(), fixture('-ldflags=\'-s -w -buildid=\' (no symbols, no build ID), blob magic wiped').file()]
  const cli = await runCli(['inspect', '--json', '--concurrency', '2', ...files])
  t.is(cli.code, 1)
  const items = JSON.parse(cli.stdout) as { ok: boolean; path: string; result?: Record<string, unknown>; error?: unknown }[]
  t.deepEqual(
    items.map((e) => [e.path, e.ok]),
    files.map((file) => [file, file !== missing]),
  )
  const [go, absent, c, recovered] = items
  const truth = goVersionM(nativeBuild())!
  t.like(go.result, { path: nativeBuild(), isGo: true, goVersion: truth.goVersion, format: 'elf', arch: 'amd64', source: 'buildinfo', reason: null })
  t.deepEqual(go.result!.buildInfo, truth.buildInfo)
  t.false('error' in go)
  t.like(absent, { error: { code: 'NOT_FOUND' } })
  t.false('result' in absent)
  t.like(c.result, { isGo: false, goVersion: null, format: 'elf', arch: 'amd64', source: null, buildInfo: null, reason: { code: 'NO_GO_EVIDENCE' } })
  t.false('error' in c)
  t.like(recovered.result, { isGo: true, goVersion: goVersion(), source: 'pclntab' })
  for (const item of items.filter((i) => i.ok)) {
    for (const key of ['path', 'isGo', 'goVersion', 'format', 'arch', 'source', 'buildInfo', 'reason']) t.true(key in item.result!, `${key} in ${item.path}`)
  }
})

test('exit 0 with --json when every file could be read, Go or not', async (t) => {
  const cli = await runCli(['inspect', '--json', nativeBuild(), cBinary()])
  t.is(cli.code, 0)
  t.is((JSON.parse(cli.stdout) as unknown[]).length, 2)
})

test('a missing file: one plain line on stderr naming it, exit 1, the other files still printed', async (t) => {
  const missing = join(__dirname, 'no-such-file')
  const cli = await runCli(['inspect', missing, nativeBuild()])
  t.is(cli.code, 1)
  t.regex(cli.stderr, new RegExp(`^gops-native: .*${missing}.*\n$`))
  t.true(cli.stdout.startsWith(`${nativeBuild()}: ${goVersion()}\n`))
})

test('usage errors: no file, a bad --concurrency', async (t) => {
  const none = await runCli(['inspect'])
  t.not(none.code, 0)
  t.regex(none.stderr, /missing required argument/)
  const bad = await runCli(['inspect', '--concurrency', '0', nativeBuild()])
  t.not(bad.code, 0)
  t.regex(bad.stderr, /positive integer/)
  t.is(bad.stdout, '')
})
