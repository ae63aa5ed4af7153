// Versions and OSV ranges, read exactly as govulncheck reads them (golang.org/x/vuln's
// internal/semver over golang.org/x/mod/semver): versions with or without `v` (or `go`), Go's
// own `go1.21.0`, `go1.22rc1` turned into semver, pre-releases and pseudo-versions ordered as
// semver pre-releases, `+incompatible` and other build metadata ignored for order.

/** A parsed semver version (x/mod's shorthands `v1` and `v1.2` complete to `.0`). */
interface Parsed {
  major: string
  minor: string
  patch: string
  /** With its leading `-`, or empty. */
  prerelease: string
}

const NUM = /^(0|[1-9][0-9]*)$/
const IDENT = /^[0-9A-Za-z-]+$/

/** x/mod/semver's parser: `v` required here; `null` when invalid. */
function parse(v: string): Parsed | null {
  if (!v.startsWith('v')) return null
  let rest = v.slice(1)
  const plus = rest.indexOf('+')
  if (plus >= 0) {
    const build = rest.slice(plus + 1)
    if (!build || !build.split('.').every((p) => IDENT.test(p))) return null
    rest = rest.slice(0, plus)
  }
  let prerelease = ''
  const dash = rest.indexOf('-')
  if (dash >= 0) {
    prerelease = rest.slice(dash)
    rest = rest.slice(0, dash)
    const ids = prerelease.slice(1).split('.')
    if (!prerelease.slice(1) || !ids.every((p) => IDENT.test(p) && !(/^[0-9]+$/.test(p) && p.length > 1 && p[0] === '0'))) return null
  }
  const parts = rest.split('.')
  if (parts.length > 3 || !parts.every((p) => NUM.test(p))) return null
  // x/mod accepts the shorthands v1 and v1.2 only without pre-release or build suffixes.
  if (parts.length < 3 && (prerelease || plus >= 0)) return null
  return { major: parts[0], minor: parts[1] ?? '0', patch: parts[2] ?? '0', prerelease }
}

function compareNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0
  if (!a) return 1
  if (!b) return -1
  const x = a.slice(1).split('.')
  const y = b.slice(1).split('.')
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue
    const xn = /^[0-9]+$/.test(x[i])
    const yn = /^[0-9]+$/.test(y[i])
    if (xn && yn) return compareNumbers(x[i], y[i])
    if (xn) return -1
    if (yn) return 1
    return x[i] < y[i] ? -1 : 1
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1
}

/** x/mod's `semver.Compare`: an invalid version is less than every valid one (and equal to another invalid one). */
export function compareSemver(v: string, w: string): number {
  const a = parse(v)
  const b = parse(w)
  if (!a || !b) return !a && !b ? 0 : !a ? -1 : 1
  return (
    compareNumbers(a.major, b.major) ||
    compareNumbers(a.minor, b.minor) ||
    compareNumbers(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease)
  )
}

/** Strips `v` then `go` and adds `v`: OSV's bare `0.3.8`, `v0.3.8` and `go1.21` all compare as semver. */
export function canonicalPrefix(v: string): string {
  let s = v.startsWith('v') ? v.slice(1) : v
  if (s.startsWith('go')) s = s.slice(2)
  return `v${s}`
}

export function isValidVersion(v: string): boolean {
  return parse(canonicalPrefix(v)) !== null
}

export function less(v: string, w: string): boolean {
  return compareSemver(canonicalPrefix(v), canonicalPrefix(w)) < 0
}

const GO_TAG = /^go(\d+\.\d+)(\.\d+|)((beta|rc|-pre)(\d+))?$/

/**
 * Go's release tag (what a binary records: `go1.21.0`, `go1.22rc1`, `go1.20.1 X:boringcrypto`)
 * as the semver the database uses for `stdlib` (`v1.21.0`, `v1.22.0-rc.1`); empty when it is no
 * release tag (`devel go1.23-abcdef ...`), which means the version is unknown.
 */
export function goTagToSemver(tag: string): string {
  const first = tag.trim().split(/\s+/)[0] ?? ''
  if (first === 'go1') return 'v1.0.0'
  if (first === '' || first === 'go1.0') return ''
  const m = GO_TAG.exec(first)
  if (!m) return ''
  let version = `v${m[1]}${m[2] || '.0'}`
  if (m[3]) version += `${m[4].startsWith('-') ? '' : '-'}${m[4]}.${m[5]}`
  return version
}

/** One event of an OSV range: exactly one field is set. */
export interface OsvEvent {
  /** The version that introduced the vulnerability (`0`: the beginning). */
  introduced?: string
  /** The first version that is fixed. */
  fixed?: string
  /** The last affected version (inclusive). */
  last_affected?: string
  /** An upper limit (exclusive) of the range. */
  limit?: string
}

/** An OSV version range. */
export interface OsvRange {
  /** The kind of range; only `SEMVER` ranges are matched. */
  type: string
  /** The events that bound the range. */
  events: OsvEvent[]
}

/**
 * Whether `v` falls in the SEMVER range `range` (govulncheck's `ContainsSemver`, with OSV's
 * `last_affected` read as the spec says: affected up to and including it).
 */
export function containsSemver(range: OsvRange, v: string): boolean {
  if (range.type !== 'SEMVER') return false
  if (range.events.length === 0) return true
  const version = canonicalPrefix(v)
  const point = (e: OsvEvent) => e.fixed ?? e.last_affected ?? e.limit ?? e.introduced ?? ''
  // Events in version order; the beginning of time ("0") first.
  const events = [...range.events].sort((a, b) => {
    if (a.introduced === '0') return b.introduced === '0' ? 0 : -1
    if (b.introduced === '0') return 1
    return compareSemver(canonicalPrefix(point(a)), canonicalPrefix(point(b)))
  })
  let affected = false
  for (const e of events) {
    if (!affected && e.introduced !== undefined) {
      affected = e.introduced === '0' || !less(version, e.introduced)
    } else if (affected && e.fixed !== undefined) {
      affected = less(version, e.fixed)
    } else if (affected && e.last_affected !== undefined) {
      affected = !less(e.last_affected, version)
    }
  }
  return affected
}

/** govulncheck's `Affects`: no ranges, or no SEMVER range among them, means every version. */
export function affects(ranges: readonly OsvRange[] | undefined, v: string): boolean {
  if (!ranges || ranges.length === 0) return true
  let semver = false
  for (const r of ranges) {
    if (r.type !== 'SEMVER') continue
    semver = true
    if (containsSemver(r, v)) return true
  }
  return !semver
}

/**
 * The earliest fix above `v` that is not itself affected (govulncheck's `FixedVersion`), with a
 * `v` prefix; empty when there is none.
 */
export function earliestFix(rangesOfModule: readonly OsvRange[], v: string): string {
  const fixes = rangesOfModule
    .filter((r) => r.type === 'SEMVER')
    .flatMap((r) => r.events.map((e) => e.fixed).filter((f): f is string => !!f && less(v, f)))
    .sort((a, b) => compareSemver(canonicalPrefix(a), canonicalPrefix(b)))
  const fix = fixes.find((f) => !rangesOfModule.some((r) => containsSemver(r, f)))
  if (!fix) return ''
  return fix.startsWith('v') ? fix : `v${fix}`
}

/** A version to show for the standard library: Go's spelling (`go1.21.1`) of a semver fix. */
export function semverToGoTag(v: string): string {
  if (v === 'v1.0.0') return 'go1'
  const p = parse(canonicalPrefix(v))
  if (!p) return v
  let tag = `go${p.major}.${p.minor}`
  const newStyle = compareSemver(`v${p.major}.${p.minor}.${p.patch}`, 'v1.21.0') >= 0
  if (p.patch !== '0' || (newStyle && !p.prerelease)) tag += `.${p.patch}`
  if (p.prerelease) tag += p.prerelease.slice(1).replace(/\.(\d+)$/, '$1')
  return tag
}
