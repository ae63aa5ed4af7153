// Runs __test__/go/withagent (the real Go gops agent) as a live process with its own
// GOPS_CONFIG_DIR, and makes sure it dies with the test worker whatever happens.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildGo, gopsCli } from './go'

export interface GoAgent {
  /** The agent's PID as seen from here. */
  pid: number
  port: number
  /** Its GOPS_CONFIG_DIR; pass it to the client (configDir) and to the gops CLI (env). */
  configDir: string
  stop(): void
}

/** Every started agent's stop(), run on worker exit too, so no agent outlives its test file. */
const running = new Set<() => void>()
process.on('exit', () => {
  for (const stop of running) stop()
})

export function withAgentBinary(): string {
  return buildGo({ program: 'withagent', name: 'withagent' })
}

/**
 * Starts the agent; `wrapper` runs it under another command (e.g. `unshare`), in which case
 * `agentPid` finds the agent's own PID from the wrapper's.
 */
export async function startGoAgent(
  wrapper: string[] = [],
  agentPid: (child: ChildProcess) => number = (child) => child.pid!,
): Promise<GoAgent> {
  const configDir = mkdtempSync(join(tmpdir(), 'gops-native-agent-'))
  const [command, ...args] = [...wrapper, withAgentBinary()]
  const child = spawn(command, args, { env: { ...process.env, GOPS_CONFIG_DIR: configDir }, stdio: ['ignore', 'pipe', 'inherit'] })
  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(agentPid(child), 'SIGKILL')
      } catch {
        // already gone
      }
      child.kill('SIGKILL')
    }
    running.delete(stop)
    rmSync(configDir, { recursive: true, force: true })
  }
  running.add(stop)
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the Go agent did not print "ready" within 20 s')), 20_000)
      let output = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('ready')) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`the Go agent exited early (code ${code})`))
      })
    })
    const pid = agentPid(child)
    // The only file there is the agent's port file (named by its in-namespace PID).
    const port = Number(readFileSync(join(configDir, readdirSync(configDir)[0]), 'utf8'))
    return { pid, port, configDir, stop }
  } catch (error) {
    stop()
    throw error
  }
}

/** Runs the real gops CLI against the same agent (stdin empty, so a `go tool pprof` it opens quits) and resolves its stdout. */
export function runGops(agent: GoAgent, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(gopsCli(), args, {
      env: { ...process.env, GOPS_CONFIG_DIR: agent.configDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`gops ${args.join(' ')} failed: ${stderr}`))))
  })
}
