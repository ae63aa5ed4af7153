// The agent's options, their defaults, and the checks that keep the defaults safe.
import { isIPv4 } from 'node:net'
import * as check from '../arguments'
import { GopsError } from '../errors'
import { COMMAND_NAMES, commandOfKey, type CommandName, type GopsCommand } from '../protocol/commands'
import { gopsConfigDir } from '../protocol/portfile'

/** Options of {@link agent.listen}. Every one is optional; a wrong one is INVALID_ARGUMENT, naming it. */
export interface AgentOptions {
  /** Address to listen on. Default `127.0.0.1`; anything but loopback also needs `allowRemote`. */
  host?: string
  /** TCP port; default 0 (any free port, published in the port file). */
  port?: number
  /** Permits a non-loopback `host`. The protocol has no authentication: anyone who can connect can read stacks and profiles. */
  allowRemote?: boolean
  /** Where the port file goes; default gops's rules ($GOPS_CONFIG_DIR, else the user config dir + /gops). */
  configDir?: string
  /** Publish the port in `<configDir>/<pid>` so gops tools find the process by PID. Default true. */
  writePortFile?: boolean
  /**
   * Commands to switch off, by the names the gops CLI uses (`'stack'`, `'pprof-cpu'`, `'binary-dump'`):
   * each is answered with one `disabled:` line. gops's Go constant names (`'StackTrace'`) are
   * deprecated: still read, with one warning.
   */
  disable?: Array<GopsCommand | CommandName>
  /** Length of a CPU profile (0x06). Default 10 s (Go's agent: 30 s). */
  cpuProfileSeconds?: number
  /** CPU sampling interval. Default 1000 µs. */
  cpuSamplingIntervalMicros?: number
  /** Length of a trace (0x08). Default 2 s (Go's agent: 5 s); Node traces are large. */
  traceSeconds?: number
  /** Trace event categories. Default Node's own default: v8, node, node.async_hooks. */
  traceCategories?: string[]
  /** Average bytes between heap samples for the heap profile (0x05). Default 512 KiB, Go's MemProfileRate. */
  heapSamplingIntervalBytes?: number
  /** Deadline for a client to send its command byte (and setgc's varint). Default 5000 ms. */
  readTimeoutMs?: number
  /** How long to wait for the main thread to pause or answer before calling it idle or blocked. Default 150 ms. */
  mainThreadTimeoutMs?: number
  /** Linux: accept connections only from processes of this process's user (or root). Default false. */
  sameUserOnly?: boolean
}

export type ResolvedOptions = Required<Omit<AgentOptions, 'disable'>> & { disable: GopsCommand[] }

const loopbackNames = new Set(['localhost', '::1', '0:0:0:0:0:0:0:1'])

export function isLoopback(host: string): boolean {
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host
  return loopbackNames.has(host.toLowerCase()) || (isIPv4(v4) && v4.startsWith('127.'))
}

const AGENT_OPTIONS = check.optionKeys<AgentOptions>({
  host: true,
  port: true,
  allowRemote: true,
  configDir: true,
  writePortFile: true,
  disable: true,
  cpuProfileSeconds: true,
  cpuSamplingIntervalMicros: true,
  traceSeconds: true,
  traceCategories: true,
  heapSamplingIntervalBytes: true,
  readTimeoutMs: true,
  mainThreadTimeoutMs: true,
  sameUserOnly: true,
})

export function resolveOptions(options?: AgentOptions): ResolvedOptions {
  const given = check.options(options, AGENT_OPTIONS)
  const resolved: ResolvedOptions = {
    host: check.nonEmptyString(given.host, 'host') ?? '127.0.0.1',
    port: check.integer(given.port, 'port', 0, 65535) ?? 0,
    allowRemote: check.boolean(given.allowRemote, 'allowRemote') ?? false,
    configDir: check.path(given.configDir, 'configDir') ?? gopsConfigDir(),
    writePortFile: check.boolean(given.writePortFile, 'writePortFile') ?? true,
    disable: disabledCommands(given.disable),
    cpuProfileSeconds: check.positive(given.cpuProfileSeconds, 'cpuProfileSeconds') ?? 10,
    cpuSamplingIntervalMicros: check.positive(given.cpuSamplingIntervalMicros, 'cpuSamplingIntervalMicros') ?? 1000,
    traceSeconds: check.positive(given.traceSeconds, 'traceSeconds') ?? 2,
    traceCategories: [...(check.list(given.traceCategories, 'traceCategories', check.nonEmptyString) ?? ['v8', 'node', 'node.async_hooks'])],
    heapSamplingIntervalBytes: check.positive(given.heapSamplingIntervalBytes, 'heapSamplingIntervalBytes') ?? 512 * 1024,
    readTimeoutMs: check.positive(given.readTimeoutMs, 'readTimeoutMs') ?? 5000,
    mainThreadTimeoutMs: check.positive(given.mainThreadTimeoutMs, 'mainThreadTimeoutMs') ?? 150,
    sameUserOnly: check.boolean(given.sameUserOnly, 'sameUserOnly') ?? false,
  }
  if (!isLoopback(resolved.host) && !resolved.allowRemote) {
    throw new GopsError(
      'REMOTE_NOT_ALLOWED',
      `gops agent: refusing to listen on ${resolved.host}: the protocol has no authentication; pass allowRemote: true to expose it`,
    )
  }
  if (resolved.sameUserOnly && process.platform !== 'linux') {
    throw new GopsError('UNSUPPORTED_PLATFORM', `gops agent: sameUserOnly needs Linux's /proc/net/tcp, not available on ${process.platform}`)
  }
  return resolved
}

/** The commands' names; a deprecated Go constant name (`'StackTrace'`) is read as its name, with one warning. */
function disabledCommands(given: readonly string[] | undefined): GopsCommand[] {
  const names: GopsCommand[] = []
  check.list(given, 'disable', (name: string, label) => {
    const old = typeof name === 'string' ? commandOfKey(name) : undefined
    if (old) {
      warnOldName(name, old.name)
      names.push(old.name)
    } else {
      names.push(check.oneOf(name as GopsCommand, label, COMMAND_NAMES)!)
    }
  })
  return names
}

let warnedOldName = false

function warnOldName(old: string, name: GopsCommand): void {
  if (warnedOldName) return
  warnedOldName = true
  process.emitWarning(
    `gops agent: the disable option takes the commands' gops CLI names now (${COMMAND_NAMES.join(', ')}); ` +
      `"${old}" is read as "${name}", and the old names will stop working in a later version`,
    { type: 'DeprecationWarning', code: 'GOPS_NATIVE_DISABLE_NAMES' },
  )
}
