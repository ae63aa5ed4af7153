// Every command the agent answers, by protocol byte.
import { commandOfName, type GopsCommand } from '../../protocol/commands'
import { binaryDump } from './binary-dump'
import type { CommandSpec } from './command'
import { cpuProfile } from './cpu-profile'
import { gc } from './gc'
import { heapProfile } from './heap-profile'
import { memstats } from './memstats'
import { setgc } from './setgc'
import { stack } from './stack'
import { stats } from './stats'
import { trace } from './trace'
import { version } from './version'

const all: CommandSpec[] = [stack, gc, memstats, version, heapProfile, cpuProfile, stats, trace, binaryDump, setgc]

/** The enabled commands keyed by their byte; a disabled one is as unknown as any other byte. */
export function commandTable(disabled: readonly GopsCommand[]): Map<number, CommandSpec> {
  return new Map(all.filter((spec) => !disabled.includes(spec.name)).map((spec) => [commandOfName(spec.name).byte, spec]))
}
