// What `gops-native <agent command>` does, printing what gops prints (for Go agents byte for
// byte; a Node agent's text replies are printed as sent too). Profiles and traces are saved to
// a file whose path is printed; gops would then open `go tool pprof`/`trace`.
import { randomInt } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binaryDump, cpuProfile, gc, heapProfile, memStats, request, setGC, stats, trace, versionInfo, type ClientOptions, type Target } from '../../client/commands'
import { formatSetGC } from '../../client/replies'
import { GopsError, isGopsError } from '../../errors'
import type { GopsCommand } from '../../protocol/commands'
import { Command, CPU_PROFILE_SECONDS, TRACE_SECONDS } from '../../protocol/constants'
import { formatGoDuration } from '../../client/go-values'
import { parseCliDuration, type CliDuration } from '../duration'
import { printJson } from '../output'

/** The commands the CLI sends (the binary dump goes with pprof-* --binary). */
export type AgentCommandName = Exclude<GopsCommand, 'binary-dump'>

export interface AgentCliOptions {
  json?: boolean
  output?: string
  binary?: string
  timeout?: string
  connectTimeout?: string
}

export async function runAgentCommand(
  name: AgentCommandName,
  target: string,
  percentText: string | undefined,
  options: AgentCliOptions,
): Promise<void> {
  const timeout = options.timeout === undefined ? undefined : parseCliDuration(options.timeout, '--timeout', true)
  const connectTimeout = options.connectTimeout === undefined ? undefined : parseCliDuration(options.connectTimeout, '--connect-timeout', true)
  const client: ClientOptions = { timeoutMs: timeout && Math.ceil(timeout.ms), connectTimeoutMs: connectTimeout && Math.ceil(connectTimeout.ms) }
  try {
    await run(name, target, percentText, options, client)
  } catch (error) {
    throw isGopsError(error) && error.code === 'TIMEOUT' ? inTypedUnits(error, [timeout, connectTimeout]) : error
  }
}

/**
 * The client words its deadlines in ms, the unit its options take; a CLI user reads them as typed
 * (`--timeout 2s` fails "within 2s"), and the defaults as Go durations.
 */
function inTypedUnits(error: GopsError, typed: (CliDuration | undefined)[]): GopsError {
  const message = error.message.replace(/\b(\d+) ms\b/g, (_, ms: string) => {
    const given = typed.find((d) => d !== undefined && Math.ceil(d.ms) === Number(ms))
    return given ? given.text : formatGoDuration(Number(ms))
  })
  return new GopsError('TIMEOUT', message, { cause: error })
}

async function run(name: AgentCommandName, target: string, percentText: string | undefined, options: AgentCliOptions, client: ClientOptions): Promise<void> {
  switch (name) {
    case 'stack':
      return print(await request(target, Command.StackTrace, client))
    case 'gc':
      await gc(target, client)
      // gops prints nothing once the GC is done.
      if (options.json) printJson({ ok: true })
      return
    case 'setgc': {
      // A Node agent's "not supported" becomes a NOT_SUPPORTED error here.
      const result = await setGC(target, parsePercent(percentText ?? ''), client)
      return options.json ? printJson(result) : void process.stdout.write(formatSetGC(result))
    }
    case 'memstats':
      return options.json ? printJson(withoutRaw(await memStats(target, client))) : print(await request(target, Command.MemStats, client))
    case 'stats':
      return options.json ? printJson(withoutRaw(await stats(target, client))) : print(await request(target, Command.Stats, client))
    case 'version': {
      if (!options.json) return print(await request(target, Command.Version, client))
      const { runtime, version, components } = await versionInfo(target, client)
      // Go agents print as they always did; a Node agent adds what it runs on.
      return printJson(runtime === 'node' ? { runtime, version, components } : { version })
    }
    case 'trace':
      console.log(await waitNotice(target, client, 'Tracing now', 'traceSeconds', TRACE_SECONDS))
      console.log(`Trace dump saved to: ${await save(await trace(target, client), options.output, 'trace')}`)
      return
    case 'pprof-heap':
    case 'pprof-cpu': {
      if (name === 'pprof-cpu') console.log(await waitNotice(target, client, 'Profiling CPU now', 'cpuProfileSeconds', CPU_PROFILE_SECONDS))
      const profile = await (name === 'pprof-cpu' ? cpuProfile : heapProfile)(target, client)
      const prefix = name === 'pprof-cpu' ? 'cpu_profile' : 'heap_profile'
      console.log(`Profile dump saved to: ${await save(profile, options.output, prefix)}`)
      if (options.binary !== undefined) {
        console.log(`Binary file saved to: ${await save(await binaryDump(target, client), options.binary, 'binary')}`)
      }
      return
    }
  }
}

function print(reply: Buffer): void {
  process.stdout.write(reply)
}

/** JSON carries the parsed values only. */
function withoutRaw(result: object): object {
  const { raw: _raw, ...parsed } = result as { raw?: string }
  return parsed
}

const NOTICE_PROBE_MS = 2000

/**
 * gops's line before a profile or trace. A Go agent always takes `goSeconds`; a Node agent takes
 * what its `option` says, which only it knows: its version reply tells which agent this is.
 */
async function waitNotice(target: Target, client: ClientOptions, doing: string, option: string, goSeconds: number): Promise<string> {
  // Briefly: a Go agent busy with another client's 30 s profile answers nothing meanwhile.
  const probe = { ...client, timeoutMs: Math.min(client.timeoutMs ?? NOTICE_PROBE_MS, NOTICE_PROBE_MS) }
  const runtime = await versionInfo(target, probe).then(({ runtime }) => runtime, () => null)
  return runtime === 'node' ? `${doing}, for the Node agent's ${option}...` : `${doing}, will take ${goSeconds} secs...`
}

/** gops accepts `off` in any case, or an integer. */
function parsePercent(text: string): number | 'off' {
  if (text.toLowerCase() === 'off') return 'off'
  if (!/^[-+]?\d+$/.test(text)) throw new GopsError('INVALID_ARGUMENT', `the GC percent must be an integer or "off", not "${text}"`)
  return Number(text)
}

/** Writes to `path`, or to a new file in the temp dir named like gops's (`heap_profile123456`). */
async function save(data: Buffer, path: string | undefined, prefix: string): Promise<string> {
  try {
    if (path !== undefined) {
      await writeFile(path, data)
      return path
    }
    for (;;) {
      const candidate = join(tmpdir(), `${prefix}${randomInt(1e9)}`)
      try {
        await writeFile(candidate, data, { flag: 'wx', mode: 0o600 })
        return candidate
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
    }
  } catch (error) {
    throw new GopsError('WRITE_FAILED', `cannot save the ${prefix.replace('_', ' ')}: ${(error as Error).message}`, { cause: error })
  }
}
