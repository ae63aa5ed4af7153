// The gops commands, one row each: the byte on the wire, the name people use (gops's CLI word,
// which is also what the agent's `disable` option takes and what messages say), and what the
// command does (the CLI's help). The client, the CLI and the agent all derive from this table.
/** The gops commands, one row per command, in byte order: Go constant name, wire byte, CLI name and help text. */
export const COMMANDS = [
  { key: 'StackTrace', byte: 0x01, name: 'stack', description: 'Prints the stack trace.' },
  { key: 'GC', byte: 0x02, name: 'gc', description: 'Runs the garbage collector and blocks until successful.' },
  { key: 'MemStats', byte: 0x03, name: 'memstats', description: 'Prints the allocation and garbage collection stats.' },
  { key: 'Version', byte: 0x04, name: 'version', description: 'Prints the Go version used to build the program.' },
  { key: 'HeapProfile', byte: 0x05, name: 'pprof-heap', description: 'Reads the heap profile and saves it to a file.' },
  { key: 'CPUProfile', byte: 0x06, name: 'pprof-cpu', description: 'Reads the CPU profile (30 secs) and saves it to a file.' },
  { key: 'Stats', byte: 0x07, name: 'stats', description: 'Prints runtime stats.' },
  { key: 'Trace', byte: 0x08, name: 'trace', description: 'Runs the runtime tracer for 5 secs and saves the trace to a file.' },
  // No command of its own in gops's CLI: `pprof-heap`/`pprof-cpu` fetch it (our --binary).
  { key: 'BinaryDump', byte: 0x09, name: 'binary-dump', description: "Sends the agent's executable, for pprof to symbolise." },
  {
    key: 'SetGCPercent',
    byte: 0x10,
    name: 'setgc',
    description: "Sets the garbage collection target percentage. To completely stop GC, set to 'off'",
  },
] as const

type Row = (typeof COMMANDS)[number]

/** A command by the name people use: `'stack'`, `'pprof-cpu'`, `'setgc'`... */
export type GopsCommand = Row['name']

/** The protocol's bytes by gops's Go constant names (`Command.StackTrace` is 0x01). */
export const Command = Object.freeze(Object.fromEntries(COMMANDS.map((c) => [c.key, c.byte]))) as {
  /** The protocol byte of the command of this Go constant name. */
  readonly [R in Row as R['key']]: R['byte']
}

/** gops's Go constant names (`'StackTrace'`): the keys of `Command`. */
export type CommandName = Row['key']
/** A protocol byte that is a command (0x01 to 0x10): the values of `Command`. */
export type CommandByte = Row['byte']

/** The names people use, in byte order. */
export const COMMAND_NAMES: readonly GopsCommand[] = COMMANDS.map((c) => c.name)

const byByte = new Map<number, Row>(COMMANDS.map((c) => [c.byte, c]))
const byKey = new Map<string, Row>(COMMANDS.map((c) => [c.key, c]))

/** The row of a protocol byte; undefined for a byte that is no command. */
export function commandOfByte(byte: number): Row | undefined {
  return byByte.get(byte)
}

/** The row of a Go constant name (`'StackTrace'`). */
export function commandOfKey(key: string): Row | undefined {
  return byKey.get(key)
}

/** The row of a name people use (`'stack'`). */
export function commandOfName(name: GopsCommand): Row {
  return COMMANDS.find((c) => c.name === name)!
}
