// The typed client: one function per gops command, for Go's agent and gops-native's Node agent.
// Text replies come back parsed where they have structure (Go's typed fields, or the Node
// agent's `key: value` lines, told apart by `runtime`); profiles, traces and the binary come
// back as the agent's raw bytes.
import * as check from '../arguments'
import { commandOfByte } from '../protocol/commands'
import { Command, CPU_PROFILE_SECONDS, encodeVarint, TRACE_SECONDS } from '../protocol/constants'
import { DEFAULT_MAX_REPLY_BYTES, DEFAULT_TIMEOUT_MS, exchange, type ExchangeOptions } from './connection'
import { parseMemStats, type MemStats } from './memstats'
import { nodeRefusal, nodeReply, type NodeReply } from './node-agent'
import { checkGCReply, parseSetGC, parseStats, parseVersion, type RuntimeStats, type SetGCResult, type VersionInfo } from './replies'
import { describeAddress, resolveTarget, type ResolveOptions, type Target } from './target'

export type { MemStats } from './memstats'
export type { NodeReply } from './node-agent'
export type { RuntimeStats, SetGCResult, VersionInfo } from './replies'
export type { AgentAddress, Target } from './target'

/** Where to find the agent and how long to wait for it. Unset deadlines default per command. */
export interface ClientOptions extends ResolveOptions, ExchangeOptions {}

const CLIENT_OPTIONS = check.optionKeys<ClientOptions>({ configDir: true, connectTimeoutMs: true, timeoutMs: true, maxReplyBytes: true, signal: true })

/** The Go agent profiles and traces for a fixed time before replying: deadlines start after it. */
function defaultTimeoutMs(command: number): number {
  if (command === Command.CPUProfile) return CPU_PROFILE_SECONDS * 1000 + DEFAULT_TIMEOUT_MS
  if (command === Command.Trace) return TRACE_SECONDS * 1000 + DEFAULT_TIMEOUT_MS
  return DEFAULT_TIMEOUT_MS
}

/** An executable can outgrow the usual reply limit. */
const BINARY_DUMP_MAX_BYTES = 1024 * 1024 * 1024

async function ask(target: Target, command: number, options: ClientOptions | undefined, params?: Buffer) {
  check.integer(command, 'command', 0, 0xff)
  if (params !== undefined && !Buffer.isBuffer(params)) throw check.wrong('params', 'a Buffer', params)
  const given = check.options(options, CLIENT_OPTIONS)
  check.positive(given.connectTimeoutMs, 'connectTimeoutMs')
  check.positive(given.timeoutMs, 'timeoutMs')
  check.integer(given.maxReplyBytes, 'maxReplyBytes', 1, Number.MAX_SAFE_INTEGER)
  check.abortSignal(given.signal, 'signal')
  const address = await resolveTarget(target, { configDir: given.configDir })
  const where = describeAddress(address)
  const name = commandOfByte(command)?.name ?? `command 0x${command.toString(16).padStart(2, '0')}`
  const reply = await exchange(address, params ? Buffer.concat([Buffer.of(command), params]) : Buffer.of(command), name, {
    connectTimeoutMs: given.connectTimeoutMs,
    signal: given.signal,
    timeoutMs: given.timeoutMs ?? defaultTimeoutMs(command),
    maxReplyBytes:
      given.maxReplyBytes ?? (command === Command.BinaryDump ? BINARY_DUMP_MAX_BYTES : DEFAULT_MAX_REPLY_BYTES),
  })
  const refusal = nodeRefusal(reply, name, where)
  if (refusal) throw refusal
  return { reply, source: `the ${name} reply from ${where}` }
}

/**
 * Sends one command byte (plus `params`) and resolves the reply as sent: what the gops CLI prints.
 * A Node agent declining the command (busy, not supported) rejects with AGENT_BUSY or NOT_SUPPORTED.
 */
export async function request(target: Target, command: number, options: ClientOptions = {}, params?: Buffer): Promise<Buffer> {
  return (await ask(target, command, options, params)).reply
}

/** Every goroutine's stack, as Go prints them on a panic; from a Node agent, the main thread's. */
export async function stack(target: Target, options: ClientOptions = {}): Promise<string> {
  return (await request(target, Command.StackTrace, options)).toString('utf8')
}

/** Runs a garbage collection in the target and resolves once it finished. */
export async function gc(target: Target, options: ClientOptions = {}): Promise<void> {
  const { reply, source } = await ask(target, Command.GC, options)
  checkGCReply(reply.toString('utf8'), source)
}

/** Sets GOGC in the target (`'off'` stops collection; it is sent as -1). A Node agent: NOT_SUPPORTED. */
export async function setGC(target: Target, percent: number | 'off', options: ClientOptions = {}): Promise<SetGCResult> {
  const { reply, source } = await ask(target, Command.SetGCPercent, options, gcPercentParam(percent))
  return parseSetGC(reply.toString('utf8'), source)
}

/** SetGCPercent's parameter: the percent as a padded zigzag varint. */
export function gcPercentParam(percent: number | 'off'): Buffer {
  const value = percent === 'off' ? -1 : percent
  if (!Number.isSafeInteger(value)) throw check.wrong('percent', 'an integer or "off"', percent)
  return encodeVarint(value)
}

/** Go's runtime.MemStats (`runtime: 'go'`), or the Node agent's memory figures (`runtime: 'node'`). */
export async function memStats(target: Target, options: ClientOptions = {}): Promise<MemStats | NodeReply> {
  const { reply, source } = await ask(target, Command.MemStats, options)
  const text = reply.toString('utf8')
  return nodeReply(text, 'memstats') ?? parseMemStats(text, source)
}

/** The runtime version of the target: `go1.26.0`, or `node v20.20.2` from a Node agent. */
export async function version(target: Target, options: ClientOptions = {}): Promise<string> {
  return (await versionInfo(target, options)).version
}

/** The version reply, with the runtime it names and (Node) its engine and library versions. */
export async function versionInfo(target: Target, options: ClientOptions = {}): Promise<VersionInfo> {
  return parseVersion((await request(target, Command.Version, options)).toString('utf8'))
}

/** Go's goroutine and thread counts (`runtime: 'go'`), or the Node agent's event-loop figures (`runtime: 'node'`). */
export async function stats(target: Target, options: ClientOptions = {}): Promise<RuntimeStats | NodeReply> {
  const { reply, source } = await ask(target, Command.Stats, options)
  const text = reply.toString('utf8')
  return nodeReply(text, 'stats') ?? parseStats(text, source)
}

/** A gzipped pprof heap profile. */
export function heapProfile(target: Target, options: ClientOptions = {}): Promise<Buffer> {
  return request(target, Command.HeapProfile, options)
}

/**
 * A gzipped pprof CPU profile; a Go agent profiles for 30 s before replying, a Node agent for its
 * `cpuProfileSeconds`. Aborting (`signal`, `timeoutMs`) frees the caller, not the agent: a Go
 * agent keeps profiling for the 30 s and, serving one connection at a time, makes every other
 * client wait meanwhile; a Node agent finishes too, refusing other profiles with AGENT_BUSY.
 */
export function cpuProfile(target: Target, options: ClientOptions = {}): Promise<Buffer> {
  return request(target, Command.CPUProfile, options)
}

/**
 * A Go runtime/trace recording (5 s), or a Node agent's Chrome trace JSON (its `traceSeconds`).
 * As with `cpuProfile`, an abort frees the caller while the agent records to the end.
 */
export function trace(target: Target, options: ClientOptions = {}): Promise<Buffer> {
  return request(target, Command.Trace, options)
}

/** The target's own executable, for symbolising its profiles. */
export function binaryDump(target: Target, options: ClientOptions = {}): Promise<Buffer> {
  return request(target, Command.BinaryDump, options)
}
