// Turns what a user names (a PID, or host:port) into the TCP address of a gops agent,
// refusing stale port files instead of dialling whatever port they name.
import { join } from 'node:path'
import * as check from '../arguments'
import { GopsError } from '../errors'
import { gopsConfigDir, isFreshPortFile, parsePort, portFilePath, readPortFile, type PortFile } from '../protocol/portfile'
import { CAP_SYS_PTRACE, environment, hasCapability, isRunning, namespacePid, rootDir, startTimeMs } from './procfs'

/** A PID (number or decimal string), `host:port` (`[v6]:port` too), or an address. */
export type Target =
  | number
  | string
  | {
      /** The agent's host name or IP address. */
      host: string
      /** The agent's TCP port. */
      port: number
    }

/** Where an agent listens, as {@link resolveTarget} found it. */
export interface AgentAddress {
  /** The host to connect to (`127.0.0.1` for an agent found by PID). */
  host: string
  /** The TCP port. */
  port: number
  /** Set when the address came from a PID's port file. */
  pid?: number
  /** The port file the address was read from, when it came from a PID. */
  portFile?: string
}

/** Options of {@link resolveTarget}, and part of every client call's {@link ClientOptions}. */
export interface ResolveOptions {
  /** Where to look for port files first; defaults to gops's rules ($GOPS_CONFIG_DIR, ...). */
  configDir?: string
}

const RESOLVE_OPTIONS = check.optionKeys<ResolveOptions>({ configDir: true })

/**
 * Where the agent of `target` listens: a PID is looked up through its port file (where gops
 * looks, then where the process itself wrote it); `host:port` and `{ host, port }` are checked
 * and returned. Rejects with INVALID_TARGET, NO_AGENT, AGENT_GONE, BAD_PORT_FILE or
 * PROCESS_NOT_FOUND, naming the PID or address.
 *
 * @example
 * ```ts
 * const { host, port, portFile } = await resolveTarget(4242)
 * ```
 */
export async function resolveTarget(target: Target, options?: ResolveOptions): Promise<AgentAddress> {
  const configDir = check.path(check.options(options, RESOLVE_OPTIONS).configDir, 'configDir')
  checkTarget(target)
  if (typeof target === 'object') return { host: target.host, port: checkedPort(target.port, `${target.host}:${target.port}`) }
  const text = String(target).trim()
  if (/^\d+$/.test(text)) return resolvePid(checkedPid(text), { configDir })
  const address = text.match(/^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/)
  if (!address) throw new GopsError('INVALID_TARGET', `"${text}" is neither a PID nor host:port`)
  const host = address[1] ?? address[2]
  return { host: host || '127.0.0.1', port: checkedPort(Number(address[3]), text) }
}

/** A target of the wrong type is named as such rather than printed as "[object Object]" or "null". */
function checkTarget(target: unknown): void {
  const isAddress = (t: object) => typeof (t as { host?: unknown }).host === 'string' && typeof (t as { port?: unknown }).port === 'number'
  const fits = typeof target === 'string' || typeof target === 'number' || (typeof target === 'object' && target !== null && isAddress(target))
  if (!fits) throw new GopsError('INVALID_TARGET', `a target is a PID, "host:port" or { host, port }, not ${check.describe(target)}`)
}

/** How errors and messages name an agent. */
export function describeAddress(address: AgentAddress): string {
  const hostPort = address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`
  return address.pid === undefined ? hostPort : `pid ${address.pid} (${hostPort})`
}

/** Named as typed: a PID too long for a number would otherwise be shown rounded. */
function checkedPid(text: string): number {
  const pid = Number(text)
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new GopsError('INVALID_TARGET', `"${text}" is not a valid PID`)
  return pid
}

function checkedPort(port: number, text: string): number {
  if (parsePort(String(port)) === null) throw new GopsError('INVALID_TARGET', `"${text}" does not name a TCP port (1-65535)`)
  return port
}

async function resolvePid(pid: number, options: ResolveOptions): Promise<AgentAddress> {
  const paths = [...new Set(await portFileCandidates(pid, options))]
  const denied: string[] = []
  for (const path of paths) {
    const file = await readPortFile(path).catch((error: GopsError) => {
      if (!isPermissionDenied(error.cause)) throw error
      denied.push(path)
      return null
    })
    if (file) {
      await rejectStale(pid, file)
      return { host: '127.0.0.1', port: file.port, pid, portFile: file.path }
    }
  }
  if (!(await isRunning(pid))) throw new GopsError('PROCESS_NOT_FOUND', `no process with PID ${pid}`)
  const missing = paths.filter((path) => !denied.includes(path)).map((path) => shown(pid, path))
  if (denied.length === 0) throw new GopsError('NO_AGENT', `process ${pid} runs no gops agent: no port file at ${missing.join(' or ')}`)
  const none = missing.length > 0 ? `no port file at ${missing.join(' or ')}, and ` : ''
  const inside = denied.filter((path) => path.startsWith(rootDir(pid) + '/'))
  const elsewhere = denied.filter((path) => !inside.includes(path)).map((path) => `no permission to read ${path}`)
  if (inside.length > 0) elsewhere.push(`the one it would write itself (${shown(pid, inside[0])}) is closed to this process: ${await whyNoPtrace()}`)
  throw new GopsError('NO_AGENT', `no gops agent found for process ${pid}: ${none}${elsewhere.join('; ')}; or give the agent's address as host:port`)
}

/** A path inside the process's root as the process sees it (`/root/.config/gops/1 inside its root /proc/1/root`), not run together. */
function shown(pid: number, path: string): string {
  const root = rootDir(pid)
  return path.startsWith(root + '/') ? `${path.slice(root.length)} inside its root ${root}` : path
}

/**
 * Why the kernel refused us the process's root. Looking inside another process's /proc/<pid>/root
 * needs ptrace access to it: the same user (and no capabilities we lack), or CAP_SYS_PTRACE.
 * Root is refused too where it runs without CAP_SYS_PTRACE or a sandbox or security module forbids it.
 */
async function whyNoPtrace(): Promise<string> {
  const needs = 'looking inside another process needs ptrace access to it'
  if (process.getuid?.() !== 0) return `${needs}: run as the process's user or root`
  return (await hasCapability(CAP_SYS_PTRACE)) === false
    ? `${needs}, and this process runs as root without CAP_SYS_PTRACE`
    : `${needs}, which a sandbox or security module refuses here even to root`
}

function isPermissionDenied(cause: unknown): boolean {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  return code === 'EACCES' || code === 'EPERM'
}

/**
 * gops's own rule first (our config dir, file named by the PID), then where the process itself
 * would have written it: its own config dir (ours when its environment is unreadable or names
 * none) under its root, named by its in-namespace PID. That second path finds agents in
 * containers and agents started with their own GOPS_CONFIG_DIR. Discovery looks in the same two
 * places (crates/gops-core/src/portfile.rs).
 */
async function portFileCandidates(pid: number, options: ResolveOptions): Promise<string[]> {
  const ourDir = options.configDir ?? gopsConfigDir()
  const [env, innerPid] = await Promise.all([environment(pid), namespacePid(pid)])
  const ownDir = env && (env.GOPS_CONFIG_DIR || env.XDG_CONFIG_HOME || env.HOME) ? gopsConfigDir(env) : ourDir
  return [portFilePath(pid, ourDir), join(rootDir(pid), portFilePath(innerPid ?? pid, ownDir))]
}

async function rejectStale(pid: number, file: PortFile): Promise<void> {
  if (!(await isRunning(pid))) {
    throw new GopsError('AGENT_GONE', `agent gone: process ${pid} is not running (stale port file ${file.path})`)
  }
  const started = await startTimeMs(pid)
  if (started !== null && !isFreshPortFile(file.mtimeMs, started)) {
    throw new GopsError(
      'AGENT_GONE',
      `agent gone: port file ${file.path} predates process ${pid}, so another process wrote it (stale port file)`,
    )
  }
}
