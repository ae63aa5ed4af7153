// The gops commands, one row each: the byte on the wire, the name people use (gops's CLI word,
// which is also what the agent's `disable` option takes and what messages say), and what the
// command does (the CLI's help). The client, the CLI and the agent all derive from this table.
/** The gops commands, one row per command, in byte order: Go constant name, wire byte, CLI name and help text. */
export const COMMANDS = [
  {
    /** gops's Go constant name. */
    key: 'StackTrace',
    /** The command's byte on the wire. */
    byte: 0x01,
    /** The name people use: gops's CLI word (also what the agent's `disable` option takes). */
    name: 'stack',
    /** What the command does (the CLI's help). */
    description: 'Prints the stack trace.',
  },
  {
    /** gops's Go constant name. */
    key: 'GC',
    /** The command's byte on the wire. */
    byte: 0x02,
    /** The name people use: gops's CLI word (also what the agent's `disable` option takes). */
    name: 'gc',
    /** What the command does (the CLI's help). */
    description: 'Runs the garbage collector and blocks until successful.',
  },
  {
    /** gops's Go constant name. */
    key: 'MemStats',
    /** The command's byte on the wire. */
    byte: 0x03,
    /** The name people use: gops's CLI word (also what the agent's `disable` option takes). */
    name: 'memstats',
    /** What the command does (the CLI's help). */
    description: 'Prints the allocation and garbage collection stats.',
  },
  {
    /** gops's Go constant name. */
    key: 'Version',
    /** The command's byte on the wire. */
    byte: 0x04,
    /** The name people use: gops's CLI word (also what the agent's `disable` option takes). */
    name: 'version',
    /** What the command does (the CLI's help). */
    description: 'Prints the Go version used to build the program.',
  },
  {
    /** gops's Go constant name. */
    key: 'HeapProfile',
    /** The command's byte on the wire. */
    byte: 0x05,
    /** The name people use: gops's CLI word (also what the agent's `disable` option takes). */
    name: 'pprof-heap',
    /** What the command does (the CLI's help). */
    description: 'Reads the heap profile and saves it to a file.',
  },
  {
    /** gops's Go constant name. */
    key: 'CPUProfile',
    /** The command's byte on the wire. */
    byte: 0x06,
    /** The name people use: gops's CLI word (also what the agent's `disable` option takes). */
    name: 'pprof-cpu',
    /** What the command does (the CLI's help). */
    description: 'Reads the CPU profile (30 secs) and saves it to a file.',
  },
  {
    /** gops's Go constant name. */
    key: 'Stats',
    /** The command's byte on the wire. */
    byte: 0x07,
    /** The name people use: gops's CLI word (also what the agent's `disable` option takes). */
    name: 'stats',
    /** What the command does (the CLI's help). */
    description: 'Prints runtime stats.',
  },
  {
    /** gops's Go constant name. */
    key: 'Trace',
    /** The command's byte on the wire. */
    byte: 0x08,
    /** The name people use: gops's CLI word (also what the agent's `disable` option takes). */
    name: 'trace',
    /** What the command does (the CLI's help). */
    description: 'Runs the runtime tracer for 5 secs and saves the trace to a file.',
  },
  // No command of its own in gops's CLI: `pprof-heap`/`pprof-cpu` fetch it (our --binary).
  {
    /** gops's Go constant name. */
    key: 'BinaryDump',
    /** The command's byte on the wire. */
    byte: 0x09,
    /** The name people use: gops's CLI word (also what the agent's `disable` option takes). */
    name: 'binary-dump',
    /** What the command does (the CLI's help). */
    description: "Sends the agent's executable, for pprof to symbolise.",
  },
  {
    /** gops's Go constant name. */
    key: 'SetGCPercent',
    /** The command's byte on the wire. */
    byte: 0x10,
    /** The name people use: gops's CLI word (also what the agent's `disable` option takes). */
    name: 'setgc',
    /** What the command does (the CLI's help). */
    description: "Sets the garbage collection target percentage. To completely stop GC, set to 'off'",
  },
] as const

type Row = (typeof COMMANDS)[number]

/** A command by the name people use: `'stack'`, `'pprof-cpu'`, `'setgc'`... */
export type GopsCommand = Row['name']

/** The protocol's bytes by gops's Go constant names (`Command.StackTrace` is 0x01). */
export const Command = Object.freeze(Object.fromEntries(COMMANDS.map((c) => [c.key, c.byte]))) as CommandBytes

/** The protocol byte of each command, by its Go constant name (the type of `Command`). */
type CommandBytes = { readonly [R in Row as R['key']]: R['byte'] }

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
