// The platforms gops-native ships a prebuilt addon for, and how each one is built on a single
// Linux x64 machine (here and in the release workflow alike). package.json `napi.targets` lists
// the same triples: the generated loader and the npm/<platform> packages are named after them.

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

export const platforms: Platform[] = [
  { triple: 'x86_64-unknown-linux-gnu', dir: 'linux-x64-gnu', linker: 'zig', format: 'elf', arch: 'amd64', libc: 'glibc' },
  { triple: 'aarch64-unknown-linux-gnu', dir: 'linux-arm64-gnu', linker: 'zig', format: 'elf', arch: 'arm64', libc: 'glibc' },
  { triple: 'x86_64-unknown-linux-musl', dir: 'linux-x64-musl', linker: 'zig', format: 'elf', arch: 'amd64', libc: 'musl' },
  { triple: 'aarch64-unknown-linux-musl', dir: 'linux-arm64-musl', linker: 'zig', format: 'elf', arch: 'arm64', libc: 'musl' },
  { triple: 'x86_64-apple-darwin', dir: 'darwin-x64', linker: 'zig', format: 'macho', arch: 'amd64' },
  { triple: 'aarch64-apple-darwin', dir: 'darwin-arm64', linker: 'zig', format: 'macho', arch: 'arm64' },
  // The MSVC SDK cannot be fetched here; the GNU build loads into the official node.exe the same.
  { triple: 'x86_64-pc-windows-msvc', dir: 'win32-x64-msvc', linker: 'mingw', format: 'pe', arch: 'amd64' },
].map((p) => ({
  ...p,
  buildTriple:
    p.linker === 'mingw' ? 'x86_64-pc-windows-gnu' : p.libc === 'glibc' ? `${p.triple}.${glibcFloor}` : p.triple,
})) as Platform[]

/** The platform of the machine running this, if it is one we build. */
export function hostPlatform(): Platform | undefined {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'arm64' ? 'arm64' : undefined
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined
  const libc = process.platform !== 'linux' ? undefined : report?.header?.glibcVersionRuntime ? 'glibc' : 'musl'
  const os = { linux: 'elf', darwin: 'macho', win32: 'pe' }[process.platform as string]
  return platforms.find((p) => p.format === os && p.arch === arch && p.libc === libc)
}

export const addonFile = (p: Platform): string => `npm/${p.dir}/gops-native.${p.dir}.node`
