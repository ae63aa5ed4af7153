// The inspect fixture matrix: the withdeps program built for every target and build mode the
// issue lists, copies of it damaged the ways real binaries ship, and non-Go files. Everything is
// built lazily on first use and cached (buildGo / derivedFile), so a warm run builds nothing.
import { type ExecFileSyncOptions, execFileSync } from 'node:child_process'
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildGo, derivedFile, type GoBuild, goVersion, withCacheLock } from './go'
import type { BinaryFormat, Evidence } from '../src/inspect'
import { elfSection, zeroSectionHeaderFields } from './elf'


export interface GoFixture {
  title: string
  goos: string
  goarch: string
  /** Builds (or finds in the cache) the file and returns its path. */
  file: () => string
  /**
   * Set when Go's own reader finds no build info in the file: the evidence inspect must
   * still recognise it from. Unset means `go version -m` reads it and every field is compared.
   */
  recoveredFrom?: Evidence
  /** For a recovered fixture: the file before it was damaged, whose `go version -m` is the truth. */
  before?: () => string
}

const program = 'withdeps'

function withdeps(goos: string, goarch: string, variant = '', more: Omit<GoBuild, 'program' | 'name'> = {}): string {
  const extension = goos === 'windows' ? '.exe' : variant === 'c-shared' || variant === 'plugin' ? '.so' : ''
  return withCacheLock(() =>
    buildGo({
      program,
      name: `${program}-${goos}-${goarch}${variant ? `-${variant}` : ''}${extension}`,
      env: { GOOS: goos, GOARCH: goarch, ...more.env },
      flags: more.flags,
    }),
  )
}

const crossTargets: [goos: string, goarch: string][] = [
  ['linux', 'amd64'],
  ['linux', '386'],
  ['linux', 'arm'],
  ['linux', 'arm64'],
  ['linux', 's390x'],
  ['linux', 'ppc64'],
  ['linux', 'mips'],
  ['linux', 'riscv64'],
  ['windows', 'amd64'],
  ['windows', '386'],
  ['windows', 'arm64'],
  ['darwin', 'amd64'],
  ['darwin', 'arm64'],
  ['aix', 'ppc64'],
  ['freebsd', 'amd64'],
]

const formatByGoos: Record<string, BinaryFormat> = { linux: 'elf', freebsd: 'elf', windows: 'pe', darwin: 'macho', aix: 'xcoff' }

export const formatOf = (goos: string): BinaryFormat => formatByGoos[goos]

/** The plain linux/amd64 build every damaged copy starts from. */
export const nativeBuild = () => withdeps('linux', 'amd64')

const cgo = { CGO_ENABLED: '1' }

/**
 * A copy of `input` changed by `edit` (in place, or by returning other bytes), cached.
 * `recipe` names the change (and versions it).
 */
function editedCopy(input: string, recipe: string, edit: (bytes: Buffer) => Buffer | void): string {
  return derivedFile(`${program}-${recipe}`, [input, recipe], (out) => {
    const bytes = readFileSync(input)
    writeFileSync(out, edit(bytes) ?? bytes)
  })
}

function tool(input: string, recipe: string, command: string, args: (input: string, out: string) => string[]): string {
  return derivedFile(`${program}-${recipe}`, [input, recipe, command, ...args('IN', 'OUT')], (out) => {
    execFileSync(command, args(input, out), { stdio: ['ignore', 'ignore', 'pipe'] })
  })
}

const buildInfoMagic = Buffer.from('\xff Go buildinf:', 'latin1')

const strippedAll = () => tool(nativeBuild(), 'strip-all', 'strip', (input, out) => ['--strip-all', '-o', out, input])

function wipeMagic(bytes: Buffer): void {
  const at = bytes.indexOf(buildInfoMagic)
  if (at < 0) throw new Error('no build-info magic to wipe')
  bytes.fill(0, at, at + buildInfoMagic.length)
}

/** The build-info magic overwritten, as in widely shipped binaries that `go version` calls "not Go". */
const blobWiped = (input: string) => editedCopy(input, 'blob-wiped', wipeMagic)

/**
 * The whole Go >= 1.18 blob zeroed (header, version and module text), as release pipelines
 * leave binaries whose format has no tool to drop the section (Mach-O, XCOFF): the version and
 * module text must then come from elsewhere.
 */
function removeBlob(bytes: Buffer): void {
  const at = bytes.indexOf(buildInfoMagic)
  if (at < 0) throw new Error('no build-info blob to remove')
  const [versionLen, versionStart] = uvarint(bytes, at + 32)
  const [modLen, modStart] = uvarint(bytes, versionStart + versionLen)
  bytes.fill(0, at, modStart + modLen)
}

const blobRemoved = (input: string) => editedCopy(input, 'blob-removed', removeBlob)

/**
 * Go's linker packs string bytes with no separator, so in some programs the version string
 * touches its neighbours (`…Ago1.26.8z…`) and only runtime.buildVersion's string header says
 * where it starts and ends. This copy makes both neighbours touch it.
 */
const blobRemovedVersionTouching = (input: string) =>
  editedCopy(input, 'blob-removed-version-touching', (bytes) => {
    removeBlob(bytes)
    const version = Buffer.from(goVersion(), 'latin1')
    const at = bytes.indexOf(version)
    if (at < 1) throw new Error('no version string to crowd')
    bytes[at - 1] = 0x41 // 'A'
    bytes[at + version.length] = 0x7a // 'z'
  })

/** Also the pclntab header's magic, so only weaker evidence (symbols, read-only strings) is left. */
const blobAndPclntabWiped = (input: string) =>
  editedCopy(input, 'blob-and-pclntab-wiped', (elf) => {
    wipeMagic(elf)
    const { offset } = elfSection(elf, '.gopclntab')
    elf.fill(0, offset, offset + 4)
  })

const buildModeVariants: { title: string; variant: string; env?: Record<string, string>; flags: string[] }[] = [
  { title: '-buildmode=pie', variant: 'pie', flags: ['-buildmode=pie'] },
  { title: '-buildmode=c-shared', variant: 'c-shared', env: cgo, flags: ['-buildmode=c-shared'] },
  { title: '-buildmode=plugin', variant: 'plugin', env: cgo, flags: ['-buildmode=plugin'] },
  { title: "-ldflags='-s -w'", variant: 'sw', flags: ['-ldflags=-s -w'] },
  { title: '-trimpath', variant: 'trimpath', flags: ['-trimpath'] },
  { title: 'cgo with the external linker', variant: 'cgo-external', env: cgo, flags: ['-ldflags=-linkmode=external'] },
  // Go records -ldflags verbatim and quotes it in the module text: spaces, '"', a tab, non-ASCII.
  { title: 'build settings Go must quote', variant: 'quoted', flags: ['-tags=netgo,osusergo', `-ldflags=-X 'main.note=say "hi"\tnaïve'`] },
]

export const goFixtures: GoFixture[] = [
  ...crossTargets.map(([goos, goarch]): GoFixture => ({ title: `${goos}/${goarch}`, goos, goarch, file: () => withdeps(goos, goarch) })),
  ...buildModeVariants.map(({ title, variant, env, flags }): GoFixture => ({
    title,
    goos: 'linux',
    goarch: 'amd64',
    file: () => withdeps('linux', 'amd64', variant, { env, flags }),
  })),
  { title: 'strip --strip-all', goos: 'linux', goarch: 'amd64', file: strippedAll },
  {
    title: 'section headers removed',
    goos: 'linux',
    goarch: 'amd64',
    file: () => editedCopy(nativeBuild(), 'no-section-headers', zeroSectionHeaderFields),
  },
  ...recoveredFixtures(),
  ...(
    [
      ['amd64', 8],
      ['mips', 4],
    ] as const
  ).map(([goarch, ptrSize]): GoFixture => ({
    title: `synthetic pre-1.18 pointer layout (linux/${goarch})`,
    goos: 'linux',
    goarch,
    file: () => editedCopy(withdeps('linux', goarch), `pre-1.18-layout-${pre118Version}`, (elf) => writePre118Blob(elf, ptrSize, pre118Version)),
  })),
]

function recoveredFixtures(): GoFixture[] {
  const noBuildId = (ldflags: string) => () => withdeps('linux', 'amd64', `ldflags-${ldflags.replace(/\W+/g, '')}`, { flags: [`-ldflags=${ldflags}`] })
  /** A release-style build: -trimpath and `ldflags`. */
  const release = (goos: string, goarch: string, ldflags: string) => () =>
    withdeps(goos, goarch, `trimpath-${ldflags.replace(/\W+/g, '')}`, { flags: ['-trimpath', `-ldflags=${ldflags}`] })
  const fixtures: [title: string, goos: string, goarch: string, from: Evidence, before: () => string, damage: (file: string) => string][] = [
    ['strip --strip-all, blob magic wiped', 'linux', 'amd64', 'buildid', strippedAll, blobWiped],
    [
      'strip --strip-all, blob magic wiped, section headers removed',
      'linux',
      'amd64',
      'buildid',
      strippedAll,
      (file) => editedCopy(blobWiped(file), 'no-section-headers', zeroSectionHeaderFields),
    ],
    [
      'objcopy --remove-section .go.buildinfo',
      'linux',
      'amd64',
      'buildid',
      nativeBuild,
      (file) => tool(file, 'no-buildinfo-section', 'objcopy', (input, out) => ['--remove-section', '.go.buildinfo', input, out]),
    ],
    ['windows/amd64, blob magic wiped', 'windows', 'amd64', 'buildid', () => withdeps('windows', 'amd64'), blobWiped],
    ['darwin/arm64, blob magic wiped', 'darwin', 'arm64', 'buildid', () => withdeps('darwin', 'arm64'), blobWiped],
    ['-ldflags=-buildid= (no build ID), blob magic wiped', 'linux', 'amd64', 'pclntab', noBuildId('-buildid='), blobWiped],
    ["-ldflags='-s -w -buildid=' (no symbols, no build ID), blob magic wiped", 'linux', 'amd64', 'pclntab', noBuildId('-s -w -buildid='), blobWiped],
    ['-ldflags=-buildid=, blob and pclntab magic wiped', 'linux', 'amd64', 'symbols', noBuildId('-buildid='), blobAndPclntabWiped],
    ["-ldflags='-s -w -buildid=', blob and pclntab magic wiped", 'linux', 'amd64', 'strings', noBuildId('-s -w -buildid='), blobAndPclntabWiped],
    // The two release shapes of issue 11 and their relatives on other targets: no section name
    // marks XCOFF as Go, and a version string may touch its neighbours.
    ['aix/ppc64, -ldflags=-buildid=, blob removed', 'aix', 'ppc64', 'pclntab', release('aix', 'ppc64', '-buildid='), blobRemoved],
    ["darwin/arm64, -trimpath -ldflags='-s -w', blob removed", 'darwin', 'arm64', 'buildid', release('darwin', 'arm64', '-s -w'), blobRemoved],
    [
      "darwin/arm64, -trimpath -ldflags='-s -w', blob removed, version string touching its neighbours",
      'darwin',
      'arm64',
      'buildid',
      release('darwin', 'arm64', '-s -w'),
      blobRemovedVersionTouching,
    ],
    ["darwin/amd64, -trimpath -ldflags='-s -w -buildid=', blob removed", 'darwin', 'amd64', 'pclntab', release('darwin', 'amd64', '-s -w -buildid='), blobRemoved],
    [
      "windows/amd64, -trimpath -ldflags='-s -w', blob removed, version string touching its neighbours",
      'windows',
      'amd64',
      'buildid',
      release('windows', 'amd64', '-s -w'),
      blobRemovedVersionTouching,
    ],
    [
      "linux/arm64, -trimpath -ldflags='-s -w -buildid=', blob removed, version string touching its neighbours",
      'linux',
      'arm64',
      'pclntab',
      release('linux', 'arm64', '-s -w -buildid='),
      blobRemovedVersionTouching,
    ],
  ]
  return fixtures.map(([title, goos, goarch, recoveredFrom, before, damage]) => ({
    title,
    goos,
    goarch,
    recoveredFrom,
    before,
    file: () => damage(before()),
  }))
}

/** The version the synthetic pre-1.18 blobs claim: distinct from the toolchain's, so it can only come from the blob. */
const pre118Version = 'go1.17.13'

function uvarint(bytes: Buffer, at: number): [value: number, next: number] {
  let value = 0
  for (let shift = 0; ; shift += 7) {
    const b = bytes[at++]
    value += (b & 0x7f) * 2 ** shift
    if (b < 0x80) return [value, at]
  }
}

/**
 * Rewrites a Go >= 1.18 inline blob into the Go 1.13-1.17 layout (see go-binaries.md §1):
 * the header holds pointers to two Go string headers, which point at the version and module
 * text. Everything is laid out from the section start; the tail may run into the section that
 * follows, which is harmless in a copy that is never run.
 */
function writePre118Blob(elf: Buffer, ptrSize: 4 | 8, version: string): void {
  const { offset, addr } = elfSection(elf, '.go.buildinfo')
  const bigEndian = elf[5] === 2
  const [versionLen, versionStart] = uvarint(elf, offset + 32)
  const [modLen, modStart] = uvarint(elf, versionStart + versionLen)
  const modText = Buffer.from(elf.subarray(modStart, modStart + modLen))

  const writePtr = (at: number, value: bigint) => {
    if (ptrSize === 8) bigEndian ? elf.writeBigUInt64BE(value, at) : elf.writeBigUInt64LE(value, at)
    else bigEndian ? elf.writeUInt32BE(Number(value), at) : elf.writeUInt32LE(Number(value), at)
  }
  const versionHeader = 32
  const modHeader = versionHeader + 2 * ptrSize
  const versionData = modHeader + 2 * ptrSize
  const modData = versionData + version.length
  elf.fill(0, offset, offset + modData + modText.length)
  buildInfoMagic.copy(elf, offset)
  elf[offset + 14] = ptrSize
  elf[offset + 15] = bigEndian ? 1 : 0
  writePtr(offset + 16, addr + BigInt(versionHeader))
  writePtr(offset + 16 + ptrSize, addr + BigInt(modHeader))
  writePtr(offset + versionHeader, addr + BigInt(versionData))
  writePtr(offset + versionHeader + ptrSize, BigInt(version.length))
  writePtr(offset + modHeader, addr + BigInt(modData))
  writePtr(offset + modHeader + ptrSize, BigInt(modText.length))
  elf.write(version, offset + versionData, 'latin1')
  modText.copy(elf, offset + modData)
}

const machoCpu = {
  amd64: { type: 0x01000007, subtype: 3 },
  arm64: { type: 0x0100000c, subtype: 0 },
} as const

/** The thin darwin builds inside fatMachO(), in slice order. */
export const fatSlices = (['amd64', 'arm64'] as const).map((goarch) => ({ goarch, file: () => withdeps('darwin', goarch) }))

/**
 * An aix/ppc64 build without symbols or build ID, which Go's own reader cannot open at all
 * ("unrecognized file format"), and the same build with its blob removed; `truth` is the build
 * that differs only by keeping its symbols, which Go reads.
 */
export const strippedXcoff = {
  file: () => withdeps('aix', 'ppc64', 'trimpath-swbuildid', { flags: ['-trimpath', '-ldflags=-s -w -buildid='] }),
  blobRemoved: () => blobRemoved(strippedXcoff.file()),
  truth: () => withdeps('aix', 'ppc64', 'trimpath-buildid', { flags: ['-trimpath', '-ldflags=-buildid='] }),
}

/** A universal Mach-O written by hand (big-endian fat header, slices 2^14 aligned) around the two darwin builds. */
export const fatMachO = (): string => {
  const slices = fatSlices.map(({ goarch, file }) => ({ goarch, file: file() }))
  return derivedFile(`${program}-darwin-universal`, ['fat', ...slices.map((s) => s.file)], (out) => {
    const align = 14
    const bodies = slices.map((s) => readFileSync(s.file))
    const header = Buffer.alloc(8 + 20 * slices.length)
    header.writeUInt32BE(0xcafebabe, 0)
    header.writeUInt32BE(slices.length, 4)
    const parts: Buffer[] = [header]
    let at = header.length
    bodies.forEach((body, i) => {
      const offset = Math.ceil(at / 2 ** align) * 2 ** align
      parts.push(Buffer.alloc(offset - at), body)
      const cpu = machoCpu[slices[i].goarch]
      const entry = 8 + 20 * i
      header.writeUInt32BE(cpu.type, entry)
      header.writeUInt32BE(cpu.subtype, entry + 4)
      header.writeUInt32BE(offset, entry + 8)
      header.writeUInt32BE(body.length, entry + 12)
      header.writeUInt32BE(align, entry + 16)
      at = offset + body.length
    })
    writeFileSync(out, Buffer.concat(parts))
  })
}

/** A Go wasm module (GOOS=wasip1): Go's reader does not handle wasm. */
export const goWasm = () => withCacheLock(() => buildGo({ program, name: `${program}.wasm`, env: { GOOS: 'wasip1', GOARCH: 'wasm' } }))

const cSource = '#include <stdio.h>\nint main(void) { puts("not go"); return 0; }\n'
const rustSource = 'fn main() { println!("not go"); }\n'

function compiled(name: string, compiler: string, source: string, extension: string, args: (src: string, out: string) => string[]): string {
  return derivedFile(name, [compiler, source, ...args('SRC', 'OUT')], (out) => {
    const src = `${out}${extension}`
    writeFileSync(src, source)
    execFileSync(compiler, args(src, out), { stdio: ['ignore', 'ignore', 'pipe'] })
  })
}

export interface NonGoFixture {
  title: string
  file: () => string
  format: BinaryFormat
}

export const cBinary = () => compiled('hello-c', 'gcc', cSource, '.c', (src, out) => ['-O2', '-o', out, src])

export const nonGoFixtures: NonGoFixture[] = [
  { title: 'C binary (gcc, dynamic)', format: 'elf', file: cBinary },
  { title: 'C binary (gcc -static)', format: 'elf', file: () => compiled('hello-c-static', 'gcc', cSource, '.c', (src, out) => ['-O2', '-static', '-o', out, src]) },
  { title: 'Rust binary (rustc)', format: 'elf', file: () => compiled('hello-rust', 'rustc', rustSource, '.rs', (src, out) => ['-O', '--crate-name', 'hello', '-o', out, src]) },
  {
    title: 'ar archive of C objects',
    format: 'archive',
    file: () =>
      derivedFile('hello-c.a', ['ar', cSource], (out) => {
        const object = compiled('hello-c.o', 'gcc', cSource, '.c', (src, obj) => ['-c', '-o', obj, src])
        execFileSync('ar', ['rcs', out, object])
      }),
  },
  {
    title: 'shell script',
    format: 'script',
    file: () => derivedFile('script.sh', ['script'], (out) => writeFileSync(out, '#!/bin/sh\necho not go\n', { mode: 0o755 })),
  },
  {
    title: 'Java class file (cafebabe, like a fat Mach-O)',
    format: 'unknown',
    file: () =>
      derivedFile('Hello.class', ['java-class'], (out) =>
        writeFileSync(out, Buffer.concat([Buffer.from('cafebabe00000041001d0a000200030700040c000500060100', 'hex'), Buffer.alloc(200)])),
      ),
  },
  { title: 'empty file', format: 'unknown', file: () => derivedFile('empty', ['empty'], (out) => writeFileSync(out, '')) },
  {
    title: 'truncated Go binary (ELF header only)',
    format: 'elf',
    file: () => editedCopy(nativeBuild(), 'truncated-header-only', (elf) => elf.subarray(0, 64)),
  },
]

/** The first half of a Go binary: headers and text survive, section headers and data do not. */
export const halfGoBinary = () => editedCopy(nativeBuild(), 'truncated-half', (elf) => elf.subarray(0, elf.length >> 1))

/**
 * A real, large non-Go executable in `dir`: the C program linked with `mib` MiB of read-only
 * data, so a reader that scans sections for Go's markers would read all of it.
 */
export function largeCBinary(dir: string, mib: number): string {
  const source = join(dir, 'big.c')
  const blob = join(dir, 'blob.bin')
  const object = join(dir, 'blob.o')
  const out = join(dir, 'big-c-binary')
  writeFileSync(source, cSource)
  writeFileSync(blob, 'not go\n')
  truncateSync(blob, mib * 2 ** 20)
  const quiet: ExecFileSyncOptions = { stdio: ['ignore', 'ignore', 'pipe'] }
  execFileSync('ld', ['-r', '-b', 'binary', '-o', object, blob], quiet)
  execFileSync('objcopy', ['--rename-section', '.data=.rodata.blob,alloc,load,readonly,data,contents', object], quiet)
  execFileSync('gcc', ['-O2', '-Wl,-z,noexecstack', '-o', out, source, object], quiet)
  for (const scratch of [source, blob, object]) rmSync(scratch)
  return out
}
