// sbom(): a software bill of materials of Go executables, the files named or the ones running,
// as CycloneDX 1.6 (cyclonedx.ts) or SPDX 2.3 (spdx.ts); executables.ts finds the entries.
import * as check from '../arguments'
import { collectExecutables, type SbomExecutable } from './executables'
import type { Target, TargetFailure } from './targets'

export type { SbomExecutable, SbomProcess } from './executables'
export type { Target, TargetFailure } from './targets'

/** The SBOM format: CycloneDX 1.6 JSON or SPDX 2.3 JSON. */
export type SbomFormat = 'cyclonedx' | 'spdx'

/** Options of `sbom()`. */
export interface SbomOptions {
  /** `'cyclonedx'` (CycloneDX 1.6 JSON, the default) or `'spdx'` (SPDX 2.3 JSON). */
  format?: SbomFormat
  /** Stops waiting: `sbom()` rejects with ABORTED. */
  signal?: AbortSignal
  /** Files inspected at once (1-64). */
  concurrency?: number
  /** Where gops agents write port files (for the process scan). */
  configDir?: string
}

/** An SBOM document and what it was made from. */
export interface SbomResult {
  /** The format of the document. */
  format: SbomFormat
  /** The document as JSON text (what `gops-native sbom` prints). */
  json: string
  /** The same document, parsed. */
  document: Record<string, unknown>
  /** The media type to serve it as. */
  mediaType: string
  /** The Go executables the document lists. */
  executables: SbomExecutable[]
  /** Targets that yielded nothing (not found, unreadable, not Go, ...). */
  failures: TargetFailure[]
}

const SBOM_OPTIONS = check.optionKeys<SbomOptions>({ format: true, signal: true, concurrency: true, configDir: true })

const FORMATS = ['cyclonedx', 'spdx'] as const satisfies readonly SbomFormat[]

/**
 * Builds the SBOM of `targets` (files and PIDs; none: every Go process on this host). Per-target
 * failures are in `failures`; it rejects only on bad arguments (INVALID_ARGUMENT), a failed
 * process scan (SCAN_FAILED) or `signal` (ABORTED).
 */
export async function sbom(targets: readonly Target[] = [], options?: SbomOptions): Promise<SbomResult> {
  const format = check.oneOf(check.options(options, SBOM_OPTIONS).format, 'format', FORMATS) ?? 'cyclonedx'
  const { format: _format, ...collect } = options ?? {}
  const { executables, failures } = await collectExecutables(targets, collect)
  if (format === 'spdx') {
    const { spdxDocument } = require('./spdx') as typeof import('./spdx')
    const document = spdxDocument(executables)
    return { format, json: JSON.stringify(document, null, 2) + '\n', document, mediaType: 'application/spdx+json', executables, failures }
  }
  const { cyclonedxJson } = require('./cyclonedx') as typeof import('./cyclonedx')
  const json = cyclonedxJson(executables)
  return { format, json, document: JSON.parse(json), mediaType: 'application/vnd.cyclonedx+json; version=1.6', executables, failures }
}
