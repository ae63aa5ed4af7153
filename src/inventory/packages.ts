// What one Go executable is made of, as the packages an SBOM lists: its main module, every
// dependency after `replace`, and the standard library, each with the package URL that syft
// writes and osv-scanner matches. Both formats (cyclonedx.ts, spdx.ts) list exactly these.
import { PackageURL } from 'packageurl-js'
import type { SbomExecutable } from './executables'

export interface GoPackage {
  kind: 'main' | 'module' | 'stdlib'
  /** Module path (`stdlib` for the standard library). */
  name: string
  /**
   * As Go writes it (`v0.3.7`), but the standard library's as a semantic version (`1.26.8` for
   * go1.26.8); null when there is none (a `(devel)` main module, a directory `replace`, a
   * development toolchain).
   */
  version: string | null
  purl: string
  /** The go.sum hash (`h1:...`): a hash of the module's file tree, not of any file. */
  sum: string | null
  /** For a replaced module: what the build asked for (`path@version`), which `replace` swapped. */
  replaces: string | null
  /** For a module replaced by a directory: that directory, as `go.mod` names it. */
  directory: string | null
  /** NVD's CPE for the Go toolchain (stdlib only), which Dependency-Track matches. */
  cpe: string | null
}

/** A Go module path as a `pkg:golang` URL: the last path element is the name, the rest the namespace. */
export function golangPurl(path: string, version: string | null): string {
  const at = path.lastIndexOf('/')
  const namespace = at < 0 ? undefined : path.slice(0, at)
  return new PackageURL('golang', namespace, path.slice(at + 1), version ?? undefined, undefined, undefined).toString()
}

/**
 * Go's toolchain version (`go1.26.8`, `go1.21rc2`, `go1.20`, maybe with ` X:experiment`) as the
 * semantic version the Go vulnerability database uses for `stdlib` (`1.26.8`, `1.21.0-rc.2`,
 * `1.20.0`), without the leading `v`, as syft writes it in the stdlib purl; null for a
 * development toolchain (`devel go1.27-abc`), which has no release to match.
 */
export function goToolchainSemver(goVersion: string): string | null {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?(?:\s|$)/.exec(goVersion)
  if (!m) return null
  const [, major, minor, patch, pre, preNumber] = m
  return `${major}.${minor}.${patch ?? '0'}${pre ? `-${pre}.${preNumber}` : ''}`
}

const unversioned = (version: string): string | null => (version === '' || version === '(devel)' ? null : version)

/** NVD names Go releases `go:1.21.0` and pre-releases `go:1.21.0:rc2` (version, update). */
function goCpe(semver: string): string {
  const [release, pre] = semver.split('-')
  return `cpe:2.3:a:golang:go:${release}:${pre ? pre.replace('.', '') : '*'}:*:*:*:*:*:*`
}

/** The executable's packages: its main module first (when the build info is known), then its dependencies in build-info order, then the standard library. */
export function packagesOf(executable: SbomExecutable): GoPackage[] {
  const packages: GoPackage[] = []
  const info = executable.buildInfo
  const main = info?.main
  const mainName = main?.path || info?.path || null
  if (mainName) {
    const version = main ? unversioned(main.version) : null
    packages.push({ kind: 'main', name: mainName, version, purl: golangPurl(mainName, version), sum: main?.sum || null, replaces: null, directory: null, cpe: null })
  }
  for (const dep of info?.deps ?? []) {
    const r = dep.replace
    if (r && unversioned(r.version)) {
      packages.push({ kind: 'module', name: r.path, version: r.version, purl: golangPurl(r.path, r.version), sum: r.sum || null, replaces: `${dep.path}@${dep.version}`, directory: null, cpe: null })
    } else if (r) {
      // Replaced by a directory: the code is whatever that folder held, under the original path and no version.
      packages.push({ kind: 'module', name: dep.path, version: null, purl: golangPurl(dep.path, null), sum: null, replaces: `${dep.path}@${dep.version}`, directory: r.path, cpe: null })
    } else {
      const version = unversioned(dep.version)
      packages.push({ kind: 'module', name: dep.path, version, purl: golangPurl(dep.path, version), sum: dep.sum || null, replaces: null, directory: null, cpe: null })
    }
  }
  if (executable.goVersion) {
    // The version is the semver, as in the purl, not Go's `go1.26.8` (syft's choice): osv-scanner
    // matches a CycloneDX component's `version`, and reads `go1.26.8` as inside every range.
    const semver = goToolchainSemver(executable.goVersion)
    packages.push({
      kind: 'stdlib',
      name: 'stdlib',
      version: semver,
      purl: golangPurl('stdlib', semver),
      sum: null,
      replaces: null,
      directory: null,
      cpe: semver ? goCpe(semver) : null,
    })
  }
  return packages
}

/** A name for the executable: its main module's path, else its main package's, else a file name, else a process name. */
export function executableName(executable: SbomExecutable): string {
  const info = executable.buildInfo
  return (
    info?.main?.path ||
    info?.path ||
    executable.files[0]?.split(/[\\/]/).pop() ||
    executable.processes[0]?.path.split(/[\\/]/).pop() ||
    executable.processes[0]?.name ||
    executable.ref
  )
}
