// The gops wire protocol, shared by the client and the agent: one byte per command (the table
// is commands.ts), then the agent writes its reply and closes the connection.
export { Command, type CommandName, type CommandByte } from './commands'

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
