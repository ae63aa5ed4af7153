// The platforms gops-native ships a prebuilt addon for, and how each one is built on a single
// Linux x64 machine (here and in the release workflow alike). The triples are package.json's
// `napi.targets`, the list the generated loader and the npm/<platform> packages follow; what
// napi-rs derives from a triple (the package directory, OS, CPU, ABI) comes from its own
// parseTriple, and the facts it cannot know are in BUILD below, keyed by triple.
import { parseTriple } from '@napi-rs/cli'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface Platform {
  /** The Rust target `napi.targets` names. */
  triple: string
  /** `npm/<dir>` holds the package; the addon inside is `gops-native.<dir>.node`. */
  dir: string
  /** What cargo builds: a glibc-versioned triple for zig, or the GNU ABI for Windows. */
  buildTriple: string
  /** zig (cargo-zigbuild) links everything but Windows, which mingw-w64 links. */
  linker: 'zig' | 'mingw'
  format: 'elf' | 'macho' | 'pe'
  /** GOARCH naming, as inspect reports it. */
  arch: 'amd64' | 'arm64'
  libc?: 'glibc' | 'musl'
}

/** The oldest glibc the gnu builds need: the floor Rust itself supports, as napi-rs's own cross toolchain picks. */
export const glibcFloor = '2.17'

/** How each target is built here: one entry per triple of napi.targets, no more, no fewer. */
const BUILD: Record<string, { linker: Platform['linker']; buildTriple?: string }> = {
  'x86_64-unknown-linux-gnu': { linker: 'zig' },
  'x86_64-unknown-linux-musl': { linker: 'zig' },
  'aarch64-unknown-linux-gnu': { linker: 'zig' },
  'aarch64-unknown-linux-musl': { linker: 'zig' },
  'x86_64-apple-darwin': { linker: 'zig' },
  'aarch64-apple-darwin': { linker: 'zig' },
  // The MSVC SDK cannot be fetched here; the GNU build loads into the official node.exe the same.
  'x86_64-pc-windows-msvc': { linker: 'mingw', buildTriple: 'x86_64-pc-windows-gnu' },
}

/** package.json's napi.targets. */
export function napiTargets(): string[] {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { napi: { targets: string[] } }
  return manifest.napi.targets
}

/** Throws unless BUILD has exactly the triples of napi.targets. */
export function checkBuildFacts(targets: readonly string[], build: Record<string, unknown> = BUILD): void {
  const missing = targets.filter((t) => !(t in build))
  const extra = Object.keys(build).filter((t) => !targets.includes(t))
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `scripts/platforms/targets.ts: BUILD must describe exactly package.json's napi.targets` +
        (missing.length > 0 ? `; missing ${missing.join(', ')}` : '') +
        (extra.length > 0 ? `; not in napi.targets: ${extra.join(', ')}` : ''),
    )
  }
}

const FORMATS: Record<string, Platform['format']> = { linux: 'elf', darwin: 'macho', win32: 'pe' }
const ARCHES: Record<string, Platform['arch']> = { x64: 'amd64', arm64: 'arm64' }
const LIBCS: Record<string, Platform['libc']> = { gnu: 'glibc', musl: 'musl' }

function platformOf(triple: string): Platform {
  const { platformArchABI, platform, arch, abi } = parseTriple(triple)
  const format = FORMATS[platform]
  const goArch = ARCHES[arch]
  if (!format || !goArch) throw new Error(`scripts/platforms/targets.ts: no build known for ${triple} (${platformArchABI})`)
  const libc = platform === 'linux' && abi ? LIBCS[abi] : undefined
  const { linker, buildTriple } = BUILD[triple]
  return {
    triple,
    dir: platformArchABI,
    linker,
    format,
    arch: goArch,
    ...(libc ? { libc } : {}),
    buildTriple: buildTriple ?? (libc === 'glibc' ? `${triple}.${glibcFloor}` : triple),
  }
}

checkBuildFacts(napiTargets())

export const platforms: Platform[] = napiTargets().map(platformOf)

/** The platform of the machine running this, if it is one we build. */
export function hostPlatform(): Platform | undefined {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'arm64' ? 'arm64' : undefined
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined
  const libc = process.platform !== 'linux' ? undefined : report?.header?.glibcVersionRuntime ? 'glibc' : 'musl'
  const os = { linux: 'elf', darwin: 'macho', win32: 'pe' }[process.platform as string]
  return platforms.find((p) => p.format === os && p.arch === arch && p.libc === libc)
}

export const addonFile = (p: Platform): string => `npm/${p.dir}/gops-native.${p.dir}.node`
