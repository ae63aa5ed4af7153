// Real consumers of our SBOMs, fetched by their own registries' clients and cached under .cache/:
// osv-scanner from the Go module proxy (it needs Go 1.27: GOTOOLCHAIN fetches that toolchain
// through the proxy), the SPDX project's own validator (spdx-tools, PyPI), and syft (built by the
// benchmarks; the comparison with it runs when it is in the cache).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { cacheDir } from '../../support/go'

export const OSV_SCANNER_VERSION = 'v2.6.0'
export const SYFT_VERSION = 'v1.57.2'

/**
 * `go install`s `modulePath@version` into .cache/bin/NAME@VERSION (about 4 minutes for
 * osv-scanner on 2 cores). Built in a scratch folder and renamed, so a run that dies halfway
 * leaves nothing that looks finished; not under the fixtures' lock, which it would hold for minutes.
 */
function installTool(modulePath: string, version: string, env: Record<string, string> = {}): string {
  const name = modulePath.split('/').pop()!
  const bin = join(cacheDir, 'bin', `${name}@${version}`)
  const exe = join(bin, name)
  if (existsSync(exe)) return exe
  const partial = `${bin}.${process.pid}.partial`
  mkdirSync(partial, { recursive: true })
  try {
    execFileSync('go', ['install', `${modulePath}@${version}`], { env: { ...process.env, ...env, GOBIN: partial }, stdio: ['ignore', 'ignore', 'pipe'] })
    rmSync(bin, { recursive: true, force: true })
    renameSync(partial, bin)
  } finally {
    rmSync(partial, { recursive: true, force: true })
  }
  return exe
}

export const osvScanner = (): string => installTool('github.com/google/osv-scanner/v2/cmd/osv-scanner', OSV_SCANNER_VERSION, { GOTOOLCHAIN: 'go1.27.3' })

/** syft, built on first use (the benchmark's peer; tests only use it when already cached). */
export const installSyft = (): string => installTool('github.com/anchore/syft/cmd/syft', SYFT_VERSION)

/** syft's path when the cache has it (the benchmarks build it with `go install`), else null. */
export function cachedSyft(): string | null {
  const exe = join(cacheDir, 'bin', `syft@${SYFT_VERSION}`, 'syft')
  return existsSync(exe) ? exe : null
}

export const SPDX_TOOLS = 'spdx-tools==0.8.5'

/**
 * The SPDX project's Python tools (`pyspdxtools -i FILE` parses and validates a document against
 * the SPDX 2.3 specification), pip-installed with their dependencies into .cache/pypi (a few
 * seconds). Returns the command and the environment to run it with.
 */
export function spdxTools(): { python: string; args: string[]; env: Record<string, string> } {
  const dir = join(cacheDir, 'pypi', SPDX_TOOLS.replace('==', '-'))
  const script = join(dir, 'bin', 'pyspdxtools')
  if (!existsSync(script)) {
    const partial = `${dir}.${process.pid}.partial`
    try {
      execFileSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--target', partial, SPDX_TOOLS], { stdio: ['ignore', 'ignore', 'pipe'] })
      rmSync(dir, { recursive: true, force: true })
      renameSync(partial, dir)
    } finally {
      rmSync(partial, { recursive: true, force: true })
    }
  }
  return { python: 'python3', args: [script], env: { PYTHONPATH: dir } }
}
