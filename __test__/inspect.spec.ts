// inspect() against the Go toolchain itself, over the fixture matrix of support/go-binaries.ts:
// where `go version -m` reads a file every field must equal what it prints; where it gives up,
// inspect must still say Go, with the exact version, the module info and the evidence used.
import test, { type ExecutionContext } from 'ava'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type GoBinaryInfo, GopsError, inspect, inspectMany, inspectSync } from '../index'
import {
  cBinary,
  fatMachO,
  fatSlices,
  formatOf,
  goFixtures,
  goWasm,
  halfGoBinary,
  largeCBinary,
  nativeBuild,
  nonGoFixtures,
  strippedXcoff,
} from '../support/go-binaries'
import { goVersion } from '../support/go'
import { inspectDamaged } from '../support/hostile-files'
import { type GoVersionReport, goToolBuildId, goVersionM } from './helpers/go-version-m'

/** Drops `undefined` members so an absent `replace` and `replace: undefined` compare equal. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

function assertSameAsGo(t: ExecutionContext, info: Pick<GoBinaryInfo, 'isGo' | 'goVersion' | 'buildInfo'>, go: GoVersionReport): void {
  t.true(info.isGo)
  t.is(info.goVersion, go.goVersion)
  t.deepEqual(plain(info.buildInfo), go.buildInfo)
}

const scratch = mkdtempSync(join(tmpdir(), 'gops-native-inspect-'))
test.after.always(() => rmSync(scratch, { recursive: true, force: true }))

for (const fixture of goFixtures) {
  const { title, goos, goarch, recoveredFrom, before } = fixture
  if (!recoveredFrom) {
    test(`${title}: every field equals go version -m`, async (t) => {
      const file = fixture.file()
      const go = goVersionM(file)
      if (!go) return t.fail(`go version -m cannot read ${file}`)
      const info = await inspect(file)
      assertSameAsGo(t, info, go)
      t.is(info.path, file)
      t.is(info.format, formatOf(goos))
      t.is(info.arch, goarch)
      t.is(info.source, 'buildinfo')
      t.is(info.buildId, goToolBuildId(file))
      t.is(info.reason, null)
      t.true(info.bytesRead > 0 && info.bytesRead <= statSync(file).size)
    })
  } else {
    test(`${title}: Go gives up, inspect recovers version and module info from ${recoveredFrom}`, async (t) => {
      const file = fixture.file()
      t.is(goVersionM(file), null, 'the fixture is one Go itself calls "not a Go executable"')
      const truth = goVersionM(before!())
      if (!truth) return t.fail('go version -m cannot read the undamaged build')
      const info = await inspect(file)
      t.is(info.source, recoveredFrom)
      assertSameAsGo(t, info, truth)
      t.is(info.format, formatOf(goos))
      t.is(info.arch, goarch)
      t.is(info.buildId, goToolBuildId(file))
      t.is(info.reason, null)
    })
  }
}

test('fat Mach-O: the first slice equals go version -m, the second (which Go never reads) its thin build', async (t) => {
  const file = fatMachO()
  const info = await inspect(file)
  t.is(info.format, 'macho-fat')
  t.true(info.isGo)
  const go = goVersionM(file)
  if (!go) return t.fail('go version -m cannot read the fat file')
  assertSameAsGo(t, info, go)
  t.is(info.slices?.length, fatSlices.length)
  for (const [i, slice] of (info.slices ?? []).entries()) {
    const thin = goVersionM(fatSlices[i].file())
    if (!thin) return t.fail('go version -m cannot read a thin darwin build')
    t.is(slice.arch, fatSlices[i].goarch)
    t.is(slice.source, 'buildinfo')
    t.is(slice.reason, null)
    assertSameAsGo(t, slice, thin)
  }
})

test('aix/ppc64 without symbols or build ID: Go cannot open it; inspect reads it, and recovers the same with the blob removed', async (t) => {
  const file = strippedXcoff.file()
  t.is(goVersionM(file), null, 'Go reads no XCOFF without its symbol table')
  const truth = goVersionM(strippedXcoff.truth())
  if (!truth) return t.fail('go version -m cannot read the build that keeps its symbols')
  // With -trimpath Go records no -ldflags, so both builds carry the same module text.
  const expected = truth
  const whole = await inspect(file)
  t.is(whole.source, 'buildinfo')
  assertSameAsGo(t, whole, expected)
  const damaged = await inspect(strippedXcoff.blobRemoved())
  t.like(damaged, { format: 'xcoff', arch: 'ppc64', source: 'pclntab', buildId: null, reason: null })
  assertSameAsGo(t, damaged, expected)
})

for (const fixture of nonGoFixtures) {
  test(`${fixture.title}: not Go, no error`, async (t) => {
    const file = fixture.file()
    t.is(goVersionM(file), null)
    const info = await inspect(file)
    t.false(info.isGo)
    t.is(info.goVersion, null)
    t.is(info.source, null)
    t.is(info.buildInfo, null)
    t.is(info.format, fixture.format)
    t.is((info as { error?: unknown }).error, undefined)
    // Executable formats say why they are not Go; other files are simply no executables.
    const executable = ['elf', 'macho', 'pe', 'xcoff'].includes(fixture.format)
    t.is(info.reason?.code ?? null, executable ? 'NO_GO_EVIDENCE' : null)
    if (executable) t.true((info.reason?.message ?? '').length > 0)
  })
}

test('native non-Go executables report their architecture', async (t) => {
  for (const fixture of nonGoFixtures.filter((f) => /^(C|Rust) binary/.test(f.title))) {
    t.is((await inspect(fixture.file())).arch, 'amd64', fixture.title)
  }
})

test('a Go wasm module: clean answer, no error', async (t) => {
  const info = await inspect(goWasm())
  t.is(info.format, 'wasm')
  if (info.isGo) t.is(info.goVersion, goVersion())
  else t.is(info.goVersion, null)
})

test('the first half of a Go binary: no error, and no invented version', async (t) => {
  const file = halfGoBinary()
  t.is(goVersionM(file), null)
  const info = await inspect(file)
  t.is(info.format, 'elf')
  t.true(info.bytesRead <= statSync(file).size)
  if (info.isGo) t.true(info.goVersion === null || info.goVersion === goVersion())
})

test('a missing path rejects with NOT_FOUND naming the file', async (t) => {
  const missing = join(scratch, 'does-not-exist')
  const error = await t.throwsAsync(inspect(missing), { instanceOf: GopsError })
  t.is((error as GopsError).code, 'NOT_FOUND')
  t.true(error?.message.includes(missing))
  t.is(t.throws(() => inspectSync(missing), { instanceOf: GopsError })?.code, 'NOT_FOUND')
})

test('a directory is NOT_A_FILE', async (t) => {
  const error = await t.throwsAsync(inspect(scratch), { instanceOf: GopsError })
  t.is((error as GopsError).code, 'NOT_A_FILE')
})

test('a FIFO is NOT_A_FILE and is never opened for reading (would block)', async (t) => {
  t.timeout(30_000)
  const fifo = join(scratch, 'fifo')
  execFileSync('mkfifo', [fifo])
  const error = await t.throwsAsync(inspect(fifo), { instanceOf: GopsError })
  t.is((error as GopsError).code, 'NOT_A_FILE')
  t.is(t.throws(() => inspectSync(fifo), { instanceOf: GopsError })?.code, 'NOT_A_FILE')
})

test('400 damaged copies of Go binaries (ELF, Mach-O, PE, XCOFF), cut and overwritten: every one answered, isGo only with evidence', async (t) => {
  const run = await inspectDamaged(400, join(scratch, 'damaged'))
  t.is(run.inputs, 400)
  t.deepEqual(run.errors, [])
  t.log(`${run.goAnswers} still found to be Go; at most ${run.maxBytesRead} bytes read for one`)
})

test('inspectSync gives the same answer as inspect', async (t) => {
  for (const file of [nativeBuild(), fatMachO(), cBinary()]) t.deepEqual(inspectSync(file), await inspect(file))
})

test('inspectMany: per-file results in input order, failures in place, the batch goes on', async (t) => {
  t.timeout(60_000)
  const fifo = join(scratch, 'fifo-many')
  execFileSync('mkfifo', [fifo])
  const dir = join(scratch, 'dir')
  mkdirSync(dir)
  const goFiles = goFixtures.map((f) => f.file())
  const files = [join(scratch, 'missing'), ...goFiles, dir, fifo, cBinary(), nativeBuild()]
  const results = await inspectMany(files, { concurrency: 3 })
  t.deepEqual(
    results.map((r) => r.path),
    files,
  )
  t.deepEqual(
    results.map((r) => (r.ok ? 'ok' : r.error.code)),
    ['NOT_FOUND', ...goFiles.map(() => 'ok'), 'NOT_A_FILE', 'NOT_A_FILE', 'ok', 'ok'],
  )
  const info = (item: (typeof results)[number]) => {
    if (!item.ok) throw new Error(`${item.path}: ${item.error.message}`)
    return item.result
  }
  t.true(results.slice(1, 1 + goFiles.length).every((r) => info(r).isGo && info(r).goVersion !== null))
  t.false(info(results.at(-2)!).isGo)
  for (const [i, file] of goFiles.entries()) t.deepEqual(plain(info(results[1 + i])), plain(await inspect(file)))
  t.deepEqual(await inspectMany([]), [])
})

test('deciding a 100 MiB non-Go executable is not Go reads well under 1 MiB', async (t) => {
  const dir = join(scratch, 'large')
  mkdirSync(dir)
  const file = largeCBinary(dir, 100)
  t.true(statSync(file).size > 100 * 2 ** 20)
  const info = await inspect(file)
  t.false(info.isGo)
  t.is(info.format, 'elf')
  t.true(info.bytesRead < 2 ** 20, `read ${info.bytesRead} bytes`)
  rmSync(dir, { recursive: true })
})

test('a copy of /bin/true with a 100 MiB section added by objcopy costs under 64 KiB of reads', async (t) => {
  const dir = join(scratch, 'objcopy')
  mkdirSync(dir)
  const filler = join(dir, 'filler')
  const file = join(dir, 'true-100mib')
  writeFileSync(filler, '')
  truncateSync(filler, 100 * 2 ** 20)
  execFileSync('objcopy', ['--add-section', `.filler=${filler}`, '--set-section-flags', '.filler=contents,readonly', '/bin/true', file])
  t.true(statSync(file).size > 100 * 2 ** 20)
  const info = await inspect(file)
  t.false(info.isGo)
  t.is(info.format, 'elf')
  t.is(info.reason?.code, 'NO_GO_EVIDENCE')
  t.true(info.bytesRead < 64 * 2 ** 10, `read ${info.bytesRead} bytes`)
  rmSync(dir, { recursive: true })
})

test('the node executable running this test (~100 MB, not Go) costs well under 1 MiB too', async (t) => {
  const info = await inspect(process.execPath)
  t.false(info.isGo)
  t.is(info.format, 'elf')
  t.true(info.bytesRead < 2 ** 20, `read ${info.bytesRead} bytes of ${statSync(process.execPath).size}`)
})
