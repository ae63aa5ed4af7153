// The abuse of issue 9, over real sockets, for the flood tests and bench/abuse.ts: connections
// that stay silent, connections that send junk, a setgc whose varint never ends; and the memory
// of the process under attack, read from /proc.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import { Command } from '../src/protocol/constants'

const commandBytes = new Set<number>(Object.values(Command))

/** Resolves at the first of `events` (an agent may reset a connection: errors are expected here). */
function first(socket: Socket, events: string[]): Promise<void> {
  return new Promise((resolve) => events.forEach((event) => socket.once(event, () => resolve())))
}

/** Opens `count` connections that never send anything; resolves once each has connected (or was closed). */
export async function openSilent(port: number, count: number): Promise<Socket[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const socket = connect(port, '127.0.0.1').on('error', () => {})
      await first(socket, ['connect', 'close'])
      return socket
    }),
  )
}

/** Deterministic junk: 1-64 bytes whose first byte is no command (so no request is made). */
export function junkBytes(index: number): Buffer {
  let state = (index + 1) * 2654435761
  const next = (): number => (state = (Math.imul(state ^ (state >>> 15), 2246822519) + 0x9e3779b9) >>> 0) & 0xff
  const bytes = Buffer.alloc(1 + (next() % 64))
  for (let i = 0; i < bytes.length; i++) bytes[i] = next()
  while (commandBytes.has(bytes[0])) bytes[0] = next()
  return bytes
}

/**
 * `count` connections, `concurrency` at a time, each sending junkBytes and closing its side. Each
 * is let go once the peer closes it, or after `patienceMs` (an agent that does not read them).
 */
export async function sendJunk(port: number, count: number, { concurrency = 50, patienceMs = 250 } = {}): Promise<void> {
  let next = 0
  const one = async (index: number): Promise<void> => {
    const socket = connect(port, '127.0.0.1').on('error', () => {})
    socket.on('data', () => {})
    socket.once('connect', () => socket.end(junkBytes(index)))
    await Promise.race([first(socket, ['close']), delay(patienceMs)])
    socket.destroy()
  }
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await one(next++)
    }),
  )
}

/** A setgc request whose varint stops after a byte that promises more; the connection stays open. */
export async function halfSentSetGC(port: number): Promise<Socket> {
  const [socket] = await openSilent(port, 1)
  socket.write(Buffer.of(Command.SetGCPercent, 0x80))
  return socket
}

// Runs in a process of its own, so the flood does not wait on the test's event loop.
const RENEWING_FLOOD = `
const net = require('node:net')
const [port, width] = process.argv.slice(1).map(Number)
const open = () => net.connect(port, '127.0.0.1').on('error', () => {}).once('close', () => setImmediate(open))
for (let i = 0; i < width; i++) open()
`

/**
 * Keeps `width` silent connections open from another process, each reopened as soon as the agent
 * drops it: a flood that never lets up. destroy() ends it.
 */
export function renewingFlood(port: number, width: number): { destroy(): void } {
  const flooder = spawn(process.execPath, ['-e', RENEWING_FLOOD, String(port), String(width)], { stdio: 'ignore' })
  return { destroy: () => flooder.kill('SIGKILL') }
}

export interface Memory {
  /** Resident set size now, in bytes. */
  rss: number
  /** The highest resident set size the process has had (VmHWM), in bytes. */
  peak: number
}

/** The memory of process `pid` from /proc/<pid>/status (Linux). */
export function processMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)![1]) * 1024
  return { rss: kib('VmRSS'), peak: kib('VmHWM') }
}
