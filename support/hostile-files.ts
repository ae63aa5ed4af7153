// Damaged copies of real Go binaries (ELF, Mach-O, PE, XCOFF), made and inspected one at a time
// through one scratch file, as the fuzz target does, for the hostile-file test and bench/abuse.ts.
// Every one must get an answer: no throw, no hang, and isGo exactly when some evidence decided it.
import { readFileSync, writeFileSync } from 'node:fs'
import { inspect } from '../index'
import { goFixtures } from './go-binaries'

const sourceTitles = ['linux/amd64', 'darwin/arm64', 'windows/amd64', 'aix/ppc64']

/** The undamaged binaries the inputs are made from (built once, cached). */
export function hostileSources(): Buffer[] {
  return sourceTitles.map((title) => readFileSync(goFixtures.find((fixture) => fixture.title === title)!.file()))
}

/** A small deterministic generator (xorshift32), so a failing input can be made again from its index. */
function generator(seed: number): (below: number) => number {
  let state = (seed * 2654435761 + 1) >>> 0 || 1
  return (below) => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state % below
  }
}

/** Where inputs are cut: inside the first 4 KiB (headers), the first 64 KiB, or anywhere. */
const cutWithin = [4096, 64 * 1024, Infinity]

/**
 * Input number `index`: a prefix of the source with 1-32 bytes overwritten, by random values or
 * by 0xff runs that make counts and offsets huge.
 */
export function damagedInput(source: Buffer, index: number): Buffer {
  const random = generator(index)
  const length = random(Math.min(source.length, cutWithin[random(cutWithin.length)]) + 1)
  const bytes = Buffer.from(source.subarray(0, length))
  for (let edits = 1 + random(32); edits > 0 && length > 0; edits--) {
    const at = random(2) ? random(Math.min(length, 4096)) : random(length)
    if (random(2)) bytes[at] = random(256)
    else bytes.fill(0xff, at, Math.min(length, at + 4 + 4 * random(2)))
  }
  return bytes
}

export interface HostileRun {
  inputs: number
  /** One line per input that threw or broke the isGo/evidence rule. */
  errors: string[]
  /** How many inputs were still found to be Go. */
  goAnswers: number
  /** The most any one answer read from its file. */
  maxBytesRead: number
}

/** Inspects `count` damaged inputs through `scratch` (a file path that is overwritten each time). */
export async function inspectDamaged(count: number, scratch: string, sources = hostileSources()): Promise<HostileRun> {
  const run: HostileRun = { inputs: 0, errors: [], goAnswers: 0, maxBytesRead: 0 }
  for (let index = 0; index < count; index++) {
    writeFileSync(scratch, damagedInput(sources[index % sources.length], index))
    run.inputs++
    try {
      const info = await inspect(scratch)
      if (info.isGo !== (info.source !== null)) run.errors.push(`input ${index}: isGo ${info.isGo} with evidence ${info.source}`)
      if (info.isGo) run.goAnswers++
      run.maxBytesRead = Math.max(run.maxBytesRead, info.bytesRead)
    } catch (error) {
      run.errors.push(`input ${index}: ${(error as NodeJS.ErrnoException).code}: ${(error as Error).message}`)
    }
  }
  return run
}
