import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import { GopsError, inspect, inspectMany, inspectSync } from '../index'
import { buildGo, goVersion } from './helpers/go'

const hello = buildGo({ program: 'hello', name: 'hello' })
const missing = join(tmpdir(), `gops-native-missing-${process.pid}`)

test('inspect and inspectSync agree on a real Go binary, and match go version -m', async (t) => {
  const info = await inspect(hello)
  t.deepEqual(inspectSync(hello), info)
  t.true(info.isGo)
  t.is(info.goVersion, goVersion())
  t.is(info.format, 'elf')
  t.is(info.arch, process.arch === 'x64' ? 'amd64' : process.arch)
  t.is(info.source, 'buildinfo')
  t.is(info.slices, undefined)
  // hello has no deps and no setting that needs quoting, so the text is easy to rebuild here.
  const { path, main, settings } = info.buildInfo!
  const lines = [`${hello}: ${info.goVersion}`, `\tpath\t${path}`, `\tmod\t${main!.path}\t${main!.version}\t${main!.sum}`]
  for (const [key, value] of Object.entries(settings)) lines.push(`\tbuild\t${key}=${value}`)
  t.is(execFileSync('go', ['version', '-m', hello], { encoding: 'utf8' }), lines.join('\n') + '\n')
  t.is(settings['GOOS'], 'linux')
  t.true(info.bytesRead > 0)
})

test('a non-Go file is isGo false, not an error', async (t) => {
  const info = await inspect(__filename)
  t.false(info.isGo)
  t.is(info.goVersion, null)
  t.is(info.source, null)
  t.is(info.buildInfo, null)
})

test('a missing file rejects with NOT_FOUND naming the path; a directory with NOT_A_FILE', async (t) => {
  const notFound = await t.throwsAsync(inspect(missing), { instanceOf: GopsError })
  t.is(notFound.code, 'NOT_FOUND')
  t.true(notFound.message.includes(missing))
  const dir = mkdtempSync(join(tmpdir(), 'gops-native-inspect-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const notAFile = t.throws(() => inspectSync(dir), { instanceOf: GopsError })
  t.is(notAFile.code, 'NOT_A_FILE')
  t.true(notAFile.message.includes(dir))
  t.is(t.throws(() => inspectSync(missing), { instanceOf: GopsError }).code, 'NOT_FOUND')
})

test('inspectMany keeps input order and reports per-file errors', async (t) => {
  const paths = [missing, hello, __filename, tmpdir(), hello]
  const results = await inspectMany(paths, { concurrency: 2 })
  t.deepEqual(
    results.map((r) => r.path),
    paths,
  )
  t.deepEqual(
    results.map((r) => [r.isGo, r.error?.code]),
    [
      [false, 'NOT_FOUND'],
      [true, undefined],
      [false, undefined],
      [false, 'NOT_A_FILE'],
      [true, undefined],
    ],
  )
  t.is(results[0].goVersion, null)
  t.true(results[0].error!.message.includes(missing))
  t.deepEqual(results[1], { ...(await inspect(hello)) })
})
