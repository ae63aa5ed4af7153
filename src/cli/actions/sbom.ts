// What `gops-native sbom` does: build the document, print it (or save it whole), name every
// target that yielded nothing on stderr, and pick the exit code (1 when any did).
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { GopsError } from '../../errors'
import { type SbomFormat, sbom } from '../../inventory/sbom'
import { writeStdout } from '../output'

export interface SbomCliOptions {
  format: SbomFormat
  output?: string
  concurrency?: number
}

export async function runSbom(targets: string[], options: SbomCliOptions): Promise<number> {
  const result = await sbom(targets, { format: options.format, concurrency: options.concurrency })
  for (const failure of result.failures) process.stderr.write(`gops-native: ${failure.message}\n`)
  if (options.output) save(options.output, result.json)
  else writeStdout(result.json)
  return result.failures.length > 0 ? 1 : 0
}

/** Written beside the target and renamed over it, so a failed write never leaves half a document. */
function save(file: string, text: string): void {
  const partial = `${file}.${process.pid}.partial`
  try {
    writeFileSync(partial, text)
    renameSync(partial, file)
  } catch (error) {
    rmSync(partial, { force: true })
    throw new GopsError('WRITE_FAILED', `cannot write ${file}: ${(error as Error).message}`, { cause: error })
  }
}
