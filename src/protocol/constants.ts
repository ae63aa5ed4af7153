// The gops wire protocol, shared by the client and the agent: one byte per command,
// then the agent writes its reply and closes the connection.
/**
 * The gops protocol's command bytes, by name: what the agent does for each first byte.
 * The client sends one; the Node agent's `disable` option takes the names.
 */
export const Command = {
  /** Every goroutine's stack (`gops stack`). */
  StackTrace: 0x01,
  /** Run a garbage collection (`gops gc`). */
  GC: 0x02,
  /** Memory statistics (`gops memstats`). */
  MemStats: 0x03,
  /** The runtime's version (`gops version`). */
  Version: 0x04,
  /** A pprof heap profile (`gops pprof-heap`). */
  HeapProfile: 0x05,
  /** A pprof CPU profile (`gops pprof-cpu`). */
  CPUProfile: 0x06,
  /** Runtime statistics (`gops stats`). */
  Stats: 0x07,
  /** An execution trace (`gops trace`). */
  Trace: 0x08,
  /** The process's executable (fetched by `gops pprof-*` to symbolise). */
  BinaryDump: 0x09,
  /** Set the GC percent; followed by a zigzag varint (`gops setgc`). */
  SetGCPercent: 0x10,
} as const

/** A command's name: a key of {@link Command}. */
export type CommandName = keyof typeof Command
/** A command's byte: a value of {@link Command}. */
export type CommandByte = (typeof Command)[CommandName]

/** SetGCPercent carries a zigzag varint (Go's binary.PutVarint) zero-padded to this many bytes. */
export const MAX_VARINT_LEN = 10

/** How long the Go agent profiles the CPU and traces before it replies. */
export const CPU_PROFILE_SECONDS = 30
export const TRACE_SECONDS = 5

/** Encodes `value` the way Go's binary.PutVarint does, padded to MAX_VARINT_LEN bytes. */
export function encodeVarint(value: number): Buffer {
  const out = Buffer.alloc(MAX_VARINT_LEN)
  let zigzag = BigInt.asUintN(64, (BigInt(value) << 1n) ^ (BigInt(value) >> 63n))
  let i = 0
  while (zigzag >= 0x80n) {
    out[i++] = Number(zigzag & 0x7fn) | 0x80
    zigzag >>= 7n
  }
  out[i] = Number(zigzag)
  return out
}

/** Decodes a Go binary.Varint; returns null when the bytes do not hold a complete one. */
export function decodeVarint(bytes: Uint8Array): number | null {
  let unsigned = 0n
  let shift = 0n
  for (let i = 0; i < Math.min(bytes.length, MAX_VARINT_LEN); i++) {
    const b = BigInt(bytes[i])
    unsigned |= (b & 0x7fn) << shift
    if (b < 0x80n) {
      const signed = unsigned & 1n ? ~(unsigned >> 1n) : unsigned >> 1n
      return Number(BigInt.asIntN(64, signed))
    }
    shift += 7n
  }
  return null
}
