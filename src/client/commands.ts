// The typed client: one function per gops command. Text replies come back parsed where they
// have structure; profiles, traces and the binary come back as the agent's raw bytes.
import { GopsError } from '../errors'
import { Command, CPU_PROFILE_SECONDS, encodeVarint, TRACE_SECONDS } from '../protocol/constants'
import { DEFAULT_MAX_REPLY_BYTES, DEFAULT_TIMEOUT_MS, exchange, type ExchangeOptions } from './connection'
import { parseMemStats, type MemStats } from './memstats'
import { checkGCReply, parseSetGC, parseStats, type RuntimeStats, type SetGCResult } from './replies'
import { describeAddress, resolveTarget, type ResolveOptions, type Target } from './target'

export type { MemStats } from './memstats'
export type { RuntimeStats, SetGCResult } from './replies'
export type { AgentAddress, Target } from './target'

/** Where to find the agent and how long to wait for it. Unset deadlines default per command. */
export interface ClientOptions extends ResolveOptions, ExchangeOptions {}

/** Names as the gops CLI spells the commands, for messages. */
const COMMAND_NAMES: Record<number, string> = {
  [Command.StackTrace]: 'stack',
  [Command.GC]: 'gc',
  [Command.MemStats]: 'memstats',
  [Command.Version]: 'version',
  [Command.HeapProfile]: 'pprof-heap',
  [Command.CPUProfile]: 'pprof-cpu',
  [Command.Stats]: 'stats',
  [Command.Trace]: 'trace',
  [Command.BinaryDump]: 'binary dump',
  [Command.SetGCPercent]: 'setgc',
}

/** The Go agent profiles and traces for a fixed time before replying: deadlines start after it. */
function defaultTimeoutMs(command: number): number {
  if (command === Command.CPUProfile) return CPU_PROFILE_SECONDS * 1000 + DEFAULT_TIMEOUT_MS
  if (command === Command.Trace) return TRACE_SECONDS * 1000 + DEFAULT_TIMEOUT_MS
  return DEFAULT_TIMEOUT_MS
}

/** An executable can outgrow the usual reply limit. */
const BINARY_DUMP_MAX_BYTES = 1024 * 1024 * 1024

async function ask(target: Target, command: number, options: ClientOptions, params?: Buffer) {
  if (!Number.isInteger(command) || command < 0 || command > 0xff) {
    throw new GopsError('BAD_ARGUMENT', `a gops command is one byte, not ${command}`)
  }
  const address = await resolveTarget(target, options)
  const name = COMMAND_NAMES[command] ?? `command 0x${command.toString(16).padStart(2, '0')}`
  const reply = await exchange(address, params ? Buffer.concat([Buffer.of(command), params]) : Buffer.of(command), name, {
    connectTimeoutMs: options.connectTimeoutMs,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? defaultTimeoutMs(command),
    maxReplyBytes:
      options.maxReplyBytes ?? (command === Command.BinaryDump ? BINARY_DUMP_MAX_BYTES : DEFAULT_MAX_REPLY_BYTES),
  })
  return { reply, source: `the ${name} reply from ${describeAddress(address)}` }
}

/** Sends one command byte (plus `params`) and resolves the reply as sent: what the gops CLI prints. */
export async function request(target: Target, command: number, options: ClientOptions = {}, params?: Buffer): Promise<Buffer> {
  return (await ask(target, command, options, params)).reply
}

/** Every goroutine's stack, as Go prints them on a panic. */
export async function stack(target: Target, options: ClientOptions = {}): Promise<string> {
  return (await request(target, Command.StackTrace, options)).toString('utf8')
}

/** Runs a garbage collection in the target and resolves once it finished. */
export async function gc(target: Target, options: ClientOptions = {}): Promise<void> {
  const { reply, source } = await ask(target, Command.GC, options)
  checkGCReply(reply.toString('utf8'), source)
}

/** Sets GOGC in the target (`'off'` stops collection; it is sent as -1). */
export async function setGC(target: Target, percent: number | 'off', options: ClientOptions = {}): Promise<SetGCResult> {
  const { reply, source } = await ask(target, Command.SetGCPercent, options, gcPercentParam(percent))
  return parseSetGC(reply.toString('utf8'), source)
}

/** SetGCPercent's parameter: the percent as a padded zigzag varint. */
export function gcPercentParam(percent: number | 'off'): Buffer {
  const value = percent === 'off' ? -1 : percent
  if (!Number.isSafeInteger(value)) {
    throw new GopsError('BAD_ARGUMENT', `the GC percent must be an integer or "off", not ${JSON.stringify(percent)}`)
  }
  return encodeVarint(value)
}

export async function memStats(target: Target, options: ClientOptions = {}): Promise<MemStats> {
  const { reply, source } = await ask(target, Command.MemStats, options)
  return parseMemStats(reply.toString('utf8'), source)
}

/** The runtime version the target was built with, e.g. `go1.26.0`. */
export async function version(target: Target, options: ClientOptions = {}): Promise<string> {
  return (await request(target, Command.Version, options)).toString('utf8').trim()
}

export async function stats(target: Target, options: ClientOptions = {}): Promise<RuntimeStats> {
  const { reply, source } = await ask(target, Command.Stats, options)
  return parseStats(reply.toString('utf8'), source)
}

/** A gzipped pprof heap profile. */
export function heapProfile(target: Target, options: ClientOptions = {}): Promise<Buffer> {
  return request(target, Command.HeapProfile, options)
}

/** A gzipped pprof CPU profile; a Go agent profiles for 30 s before replying. */
export function cpuProfile(target: Target, options: ClientOptions = {}): Promise<Buffer> {
  return request(target, Command.CPUProfile, options)
}

/** A runtime/trace recording; a Go agent traces for 5 s before replying. */
export function trace(target: Target, options: ClientOptions = {}): Promise<Buffer> {
  return request(target, Command.Trace, options)
}

/** The target's own executable, for symbolising its profiles. */
export function binaryDump(target: Target, options: ClientOptions = {}): Promise<Buffer> {
  return request(target, Command.BinaryDump, options)
}
