// inspect(): is a file a Go executable, built by which Go, with which modules. The work is
// done by the Rust core (positioned reads of headers and a few sections), off the JS thread.
import { abortable, taskError, type AbortOptions } from './abort'
import * as check from './arguments'
import { GopsError, INSPECT_ERROR_CODES, isCodeOf, isGopsError, type InspectErrorCode } from './errors'
import type * as binding from './native-types'
import type { Reshaped, WithNulls } from './native-shape'
import { native } from './native'

// The shapes below are the addon's (crates/gops-napi/src/inspect.rs, with its doc comments),
// derived from the generated src/native-types.ts: see src/native-shape.ts.

/** The module that replaces another (`=>` in `go version -m`). */
export interface GoModuleReplacement extends WithNulls<binding.GoModuleReplacement> {}

/** A module line of the build info, as `go version -m` prints it. */
export interface GoModule extends Reshaped<binding.GoModule, 'replace'> {
  /** The module that replaces this one (`=>` line); null when none does. */
  replace: GoModuleReplacement | null
}

/** The module information embedded by the Go toolchain. */
export interface BuildInfo extends Reshaped<binding.BuildInfo, 'main' | 'deps' | 'settings'> {
  /** The main module; null when the build info names none. */
  main: GoModule | null
  /** The dependency modules the build info lists (empty when none). */
  deps: GoModule[]
  /** Build settings (`-ldflags`, `CGO_ENABLED`, `GOARCH`, `vcs.revision`, ...) in the binary's order. */
  settings: Record<string, string>
}

/** What kind of file this is, by its leading bytes. */
export type BinaryFormat = `${binding.BinaryFormat}`

/** The strongest evidence that decided a file is Go. */
export type Evidence = `${binding.Evidence}`

/** Why an answer is incomplete (each code is described on `ReasonCode` in crates/gops-napi/src/inspect.rs). */
export type InspectReasonCode = `${binding.ReasonCode}`

/** Why an answer is incomplete. */
export interface InspectReason extends Reshaped<binding.Reason, 'code'> {
  /** Why: a machine-readable code. */
  code: InspectReasonCode
}

/** One architecture slice of a fat (universal) Mach-O file. */
export interface SliceInfo extends Reshaped<binding.SliceInfo, 'source' | 'buildInfo' | 'reason'> {
  /** Where the Go evidence was found; null when none was. */
  source: Evidence | null
  /** The embedded build info; null when absent or unreadable. */
  buildInfo: BuildInfo | null
  /** Why the information is missing or partial; null when nothing is. */
  reason: InspectReason | null
}

/** What `inspect` tells about a file. Absent values are null. */
export interface GoBinaryInfo extends Reshaped<binding.GoBinaryInfo, 'format' | 'source' | 'buildInfo' | 'reason' | 'slices'> {
  /** The executable format of the file. */
  format: BinaryFormat
  /** Where the Go evidence was found; null when none was. */
  source: Evidence | null
  /** The embedded build info; null when absent or unreadable. */
  buildInfo: BuildInfo | null
  /** Why the information is missing or partial; null when nothing is. */
  reason: InspectReason | null
  /** Every slice of a fat Mach-O file; null for other formats. */
  slices: SliceInfo[] | null
}

/** One file of `inspectMany`: what `inspect` resolves (`ok: true`), or why the file could not be read (`ok: false`). */
export type InspectResult =
  | {
      /** The inspection succeeded. */
      ok: true
      /** The path inspected, as given. */
      path: string
      /** What the inspection found. */
      result: GoBinaryInfo
    }
  | {
      /** The inspection failed. */
      ok: false
      /** The path inspected, as given. */
      path: string
      /** Why it failed. */
      error: {
        /** The GopsError code. */
        code: InspectErrorCode
        /** The error message. */
        message: string
      }
    }

export interface InspectOptions extends AbortOptions {}
const INSPECT_OPTIONS = check.optionKeys<InspectOptions>({ signal: true })

export interface InspectManyOptions extends AbortOptions {
  /** Files inspected at once (1-64), on threads of the addon's own (default: the core count, at most 8). */
  concurrency?: number
  /** Stops waiting for the answers: the call rejects with ABORTED. */
  signal?: AbortSignal
}
const INSPECT_MANY_OPTIONS = check.optionKeys<InspectManyOptions>({ concurrency: true, signal: true })

function toModule(m: binding.GoModule): GoModule {
  return { path: m.path, version: m.version, sum: m.sum, replace: m.replace ? { path: m.replace.path, version: m.replace.version, sum: m.replace.sum } : null }
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
    slices: null,
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
  if (isGopsError(error)) throw error
  if (isCodeOf(INSPECT_ERROR_CODES, code)) {
    throw new GopsError(code, String(message), { cause: error })
  }
  throw taskError(error)
}

/**
 * Inspects one file off the JS thread; rejects with a `GopsError` when the file cannot be read,
 * or with ABORTED when `options.signal` aborts it.
 */
export async function inspect(path: string, options?: InspectOptions): Promise<GoBinaryInfo> {
  check.path(check.required(path, 'path'), 'path')
  const signal = check.abortSignal(check.options(options, INSPECT_OPTIONS).signal, 'signal')
  try {
    return toInfo(await abortable(signal, `inspection of ${path}`, (own) => native().inspect(path, own)))
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

/**
 * Inspects many files with bounded parallelism; results keep the input order and never reject
 * per file. `options.signal` rejects the whole call with ABORTED (and stops the work).
 */
export async function inspectMany(paths: readonly string[], options?: InspectManyOptions): Promise<InspectResult[]> {
  check.list(check.required(paths, 'paths'), 'paths', check.path)
  const given = check.options(options, INSPECT_MANY_OPTIONS)
  const concurrency = check.concurrency(given.concurrency)
  const signal = check.abortSignal(given.signal, 'signal')
  const outcomes = await abortable(signal, `inspection of ${paths.length} files`, (own) => native().inspectMany([...paths], concurrency, own)).catch(
    (error: unknown) => {
      throw taskError(error)
    },
  )
  // The addon sets exactly one of `info` and `error` on each outcome.
  return outcomes.map(({ path, info, error }): InspectResult => {
    if (!error) return { ok: true, path, result: toInfo(info!) }
    if (!isCodeOf(INSPECT_ERROR_CODES, error.code)) throw new Error(`the addon returned an unknown error code ${error.code} for ${path}`)
    return { ok: false, path, error: { code: error.code, message: error.message } }
  })
}
