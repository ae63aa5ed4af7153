// `agent.listen()` / `agent.close()`: a gops agent inside a Node process, answering the real gops
// CLI (and gops-native) with stacks, memory figures and profiles, even while main is stuck.
import { GopsError } from '../errors'
import { removeWhenProcessEnds } from './exit-cleanup'
import { startMainProbe } from './main-probe'
import { type AgentOptions, isLoopback, resolveOptions } from './options'
import { removePortFile, writePortFile } from './portfile-writer'
import { startSameThreadAgent } from './same-thread'
import { runtime } from './runtime'
import { warn } from './warn'
import { type RunningAgent, startWorkerAgent, workerFailureCode } from './worker-host'

export type { AgentOptions } from './options'

/** The running agent, as {@link agent.listen} resolves it. */
export interface AgentHandle {
  /** The TCP port the agent listens on. */
  port: number
  /** The address it listens on (`127.0.0.1` unless `host` said otherwise). */
  address: string
  /** The published port file, or null when it was not wanted or could not be written. */
  portFile: string | null
  /** `worker`: answers even while main is blocked. `same-thread`: the fallback without inspector or workers. */
  mode: 'worker' | 'same-thread'
  /** Stops the agent and removes its port file (as {@link agent.close} does). */
  close(): Promise<void>
}

/** Node's error codes meaning "no worker can reach main through the inspector here". */
const FALLBACK_CODES = new Set(['ERR_ACCESS_DENIED', 'ERR_INSPECTOR_NOT_AVAILABLE'])

/**
 * In Node only those fall back (any other failure is a bug to report). Bun and Deno implement
 * workers and node:inspector partly (Deno 2 has no Session.connectToMainThread), so there any
 * failure to start the worker falls back, with why in the refusals of what then cannot run.
 */
function fallsBack(error: unknown): string | null {
  const code = workerFailureCode(error)
  if (!code) return null
  if (runtime.kind === 'node') return FALLBACK_CODES.has(code) ? code : null
  return `${code}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`
}

let current: Promise<AgentHandle> | null = null

async function start(options: AgentOptions | undefined): Promise<AgentHandle> {
  const resolved = resolveOptions(options)
  if (!isLoopback(resolved.host)) warn(`listening on ${resolved.host}: anyone who can reach it can read this process's stacks and profiles`)
  const probe = startMainProbe()
  let running: RunningAgent
  let mode: AgentHandle['mode'] = 'worker'
  try {
    running = await startWorkerAgent(resolved, probe).catch((error: unknown) => {
      const why = fallsBack(error)
      if (!why) throw error
      mode = 'same-thread'
      return startSameThreadAgent(resolved, probe, why)
    })
  } catch (error) {
    probe.stop()
    throw error
  }

  let portFile: string | null = null
  if (resolved.writePortFile) {
    try {
      portFile = writePortFile(resolved.configDir, process.pid, running.port)
    } catch (error) {
      warn(`${(error as Error).message}; serving on ${running.address}:${running.port} without it`)
    }
  }
  const disarm = portFile ? removeWhenProcessEnds(portFile) : () => {}

  let closing: Promise<void> | null = null
  return {
    port: running.port,
    address: running.address,
    portFile,
    mode,
    close() {
      closing ??= (async () => {
        disarm()
        if (portFile) removePortFile(portFile)
        await running.close()
        probe.stop()
        current = null
      })()
      return closing
    },
  }
}

/**
 * The gops agent for this Node process: makes it answer the real `gops` CLI, gops-native's CLI
 * and {@link client} by PID. It listens on loopback in a worker thread, so it answers even
 * while the main thread is stuck, and never keeps the process alive.
 *
 * @example
 * ```ts
 * import { agent } from 'gops-native'
 *
 * const handle = await agent.listen() // then: gops stack <pid>, gops memstats <pid>, ...
 * console.log(handle.port, handle.portFile, handle.mode)
 * await agent.close()
 * ```
 */
export const agent = {
  /** Starts the agent (once per process); resolves when it listens. */
  listen(options?: AgentOptions): Promise<AgentHandle> {
    if (current) return Promise.reject(new GopsError('AGENT_ALREADY_LISTENING', `gops agent: already listening in process ${process.pid}`))
    const starting = start(options)
    current = starting
    starting.catch(() => {
      if (current === starting) current = null
    })
    return starting
  },

  /** Stops the agent and removes its port file; does nothing when it is not listening. */
  async close(): Promise<void> {
    const handle = await current?.catch(() => null)
    await handle?.close()
  },
}
