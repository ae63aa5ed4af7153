// inspect(): is a file a Go executable, built by which Go, with which modules. The work is
// done by the Rust core (positioned reads of headers and a few sections), off the JS thread.
import type * as binding from '../binding.cjs'
import * as check from './arguments'
import { GopsError, isNativeErrorCode, type NativeErrorCode } from './errors'
import { native } from './native'

/** A module line of the build info, as `go version -m` prints it. */
export interface GoModule {
  path: string
  version: string
  sum: string
  /** The module that replaces this one (`=>` line). */
  replace?: GoModule
}

/** The module information embedded by the Go toolchain. */
export interface BuildInfo {
  /** The main package's import path. */
  path: string
  main: GoModule | null
  deps: GoModule[]
  /** Build settings (`-ldflags`, `CGO_ENABLED`, `GOARCH`, `vcs.revision`, ...) in the binary's order. */
  settings: Record<string, string>
}

export type BinaryFormat = 'elf' | 'macho' | 'macho-fat' | 'pe' | 'xcoff' | 'wasm' | 'script' | 'archive' | 'unknown'

/** The strongest evidence that decided a file is Go. */
export type Evidence = 'buildinfo' | 'buildid' | 'pclntab' | 'symbols' | 'strings'

/**
 * Why an answer is incomplete:
 * - `NO_GO_EVIDENCE`: an executable format (ELF, Mach-O, PE, XCOFF) with nothing in it that says Go;
 * - `HEADER_UNREADABLE`: the file starts like an executable but its headers cannot be read;
 * - `MODULE_INFO_MISSING`: Go, but no module information is left (or it was built without);
 * - `MODULE_INFO_INVALID`: Go, with module text Go's own parser would reject.
 */
export type InspectReasonCode = 'NO_GO_EVIDENCE' | 'HEADER_UNREADABLE' | 'MODULE_INFO_MISSING' | 'MODULE_INFO_INVALID'

export interface InspectReason {
  code: InspectReasonCode
  /** One plain sentence. */
  message: string
}

/** One architecture slice of a fat (universal) Mach-O file. */
export interface SliceInfo {
  arch: string | null
  isGo: boolean
  goVersion: string | null
  source: Evidence | null
  buildInfo: BuildInfo | null
  reason: InspectReason | null
}

export interface GoBinaryInfo {
  path: string
  isGo: boolean
  goVersion: string | null
  format: BinaryFormat
  /** GOARCH name of the target: amd64, arm64, s390x, ... */
  arch: string | null
  source: Evidence | null
  buildId: string | null
  buildInfo: BuildInfo | null
  /** Set when the file is not Go although its format is an executable one, or is Go without module info. */
  reason: InspectReason | null
  /** Every slice of a fat Mach-O file; absent for other formats. */
  slices?: SliceInfo[]
  /** Bytes read from the file to reach the answer. */
  bytesRead: number
}

/** One file of `inspectMany`: what `inspect` resolves (`ok: true`), or why the file could not be read (`ok: false`). */
export type InspectResult =
  | { ok: true; path: string; result: GoBinaryInfo }
  | { ok: false; path: string; error: { code: NativeErrorCode; message: string } }

export interface InspectManyOptions {
  /** Files inspected at once (1-64), on threads of the addon's own (default: the core count, at most 8). */
  concurrency?: number
}

/** The most threads `inspectMany` and `Scanner` start. */
export const MAX_CONCURRENCY = 64

function toModule(m: binding.GoModule | binding.GoModuleReplacement): GoModule {
  const module: GoModule = { path: m.path, version: m.version, sum: m.sum }
  if ('replace' in m && m.replace) module.replace = toModule(m.replace)
  return module
}

function toBuildInfo(b: binding.BuildInfo | undefined): BuildInfo | null {
  if (!b) return null
  return {
    path: b.path,
    main: b.main ? toModule(b.main) : null,
    deps: b.deps.map(toModule),
    settings: Object.fromEntries(b.settings.map((s) => [s.key, s.value])),
  }
}

function toReason(r: binding.Reason | undefined): InspectReason | null {
  return r ? { code: r.code, message: r.message } : null
}

function toInfo(info: binding.GoBinaryInfo): GoBinaryInfo {
  const result: GoBinaryInfo = {
    path: info.path,
    isGo: info.isGo,
    goVersion: info.goVersion ?? null,
    format: info.format,
    arch: info.arch ?? null,
    source: info.source ?? null,
    buildId: info.buildId ?? null,
    buildInfo: toBuildInfo(info.buildInfo),
    reason: toReason(info.reason),
    bytesRead: info.bytesRead,
  }
  if (info.format === 'macho-fat') {
    result.slices = info.slices.map((s) => ({
      arch: s.arch ?? null,
      isGo: s.isGo,
      goVersion: s.goVersion ?? null,
      source: s.source ?? null,
      buildInfo: toBuildInfo(s.buildInfo),
      reason: toReason(s.reason),
    }))
  }
  return result
}

/** Turns the addon's coded errors into `GopsError`s (INTERNAL_ERROR: the inspector failed on
 * this file, a bug to report, never a crash); anything else (a bug) is rethrown as is. */
function rethrow(error: unknown): never {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  if (isNativeErrorCode(code)) {
    throw new GopsError(code, String(message), { cause: error })
  }
  throw error
}

/** Inspects one file off the JS thread; rejects with a `GopsError` only when the file cannot be read. */
export async function inspect(path: string): Promise<GoBinaryInfo> {
  check.path(check.required(path, 'path'), 'path')
  try {
    return toInfo(await native().inspect(path))
  } catch (error) {
    rethrow(error)
  }
}

/** `inspect` on the calling thread. */
export function inspectSync(path: string): GoBinaryInfo {
  check.path(check.required(path, 'path'), 'path')
  try {
    return toInfo(native().inspectSync(path))
  } catch (error) {
    rethrow(error)
  }
}

/** Inspects many files with bounded parallelism; results keep the input order and never reject per file. */
export async function inspectMany(paths: readonly string[], options?: InspectManyOptions): Promise<InspectResult[]> {
  check.list(check.required(paths, 'paths'), 'paths', check.path)
  const concurrency = check.integer(check.options(options).concurrency, 'concurrency', 1, MAX_CONCURRENCY)
  const outcomes = await native().inspectMany([...paths], concurrency)
  // The addon sets exactly one of `info` and `error` on each outcome.
  return outcomes.map(({ path, info, error }): InspectResult => {
    if (!error) return { ok: true, path, result: toInfo(info!) }
    if (!isNativeErrorCode(error.code)) throw new Error(`the addon returned an unknown error code ${error.code} for ${path}`)
    return { ok: false, path, error: { code: error.code, message: error.message } }
  })
}
