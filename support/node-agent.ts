// Starts Node processes running the gops-native agent (the program __test__/node/agent-target.ts) and
// talks to them over raw sockets, for the agent tests.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import type { ExecutionContext } from 'ava'

/** What these helpers need of a test: somewhere to register clean-up (bench/abuse.ts passes its own). */
export type Teardown = Pick<ExecutionContext, 'teardown'>
import type { AgentOptions } from '../index'
import { packageRoot } from '../src/package-root'

const fixture = join(packageRoot, '__test__', 'node', 'agent-target.ts')

// Teardowns do not run when a test process dies of an uncaught error; its 'exit' event does.
const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export interface AgentTarget {
  child: ChildProcess
  pid: number
  port: number
  portFile: string | null
  mode: string
  /** The directory the agent writes its port file in (its GOPS_CONFIG_DIR, unless left to the default rules). */
  configDir: string
  env: NodeJS.ProcessEnv
  /** Everything the child wrote to stderr so far. */
  stderr(): string
  /** Resolves with how the child ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export interface TargetOptions {
  behaviour: 'spin' | 'wait' | 'read' | 'idle' | 'tick' | 'exit' | 'handled' | 'control'
  options?: AgentOptions
  nodeArgs?: string[]
  /**
   * GOPS_CONFIG_DIR for the agent; defaults to a fresh temporary directory, removed after the
   * test. null leaves it unset, so the agent follows gops's default rules for its environment.
   */
  configDir?: string | null
  /** Extra environment variables for the child. */
  env?: Record<string, string>
}

/** A temporary directory removed when the test ends. */
export function tempDir(t: Teardown): string {
  const dir = mkdtempSync(join(tmpdir(), 'gops-agent-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * Runs the fixture once as usual, so tsx's cache holds every file transpiled: under Node's
 * permission model tsx cannot start the worker thread its transpiler (esbuild) needs.
 */
export function transpileFixture(): void {
  const configDir = mkdtempSync(join(tmpdir(), 'gops-agent-'))
  try {
    execFileSync(process.execPath, ['--require', 'tsx/cjs', fixture, 'exit'], {
      cwd: packageRoot,
      env: { ...process.env, GOPS_CONFIG_DIR: configDir },
      stdio: 'ignore',
    })
  } finally {
    rmSync(configDir, { recursive: true, force: true })
  }
}

/** Starts the fixture and waits for its agent to listen; the child is killed when the test ends. */
export async function startTarget(t: Teardown, { behaviour, options = {}, nodeArgs = [], configDir, env: extraEnv = {} }: TargetOptions): Promise<AgentTarget> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  if (configDir === null) delete env.GOPS_CONFIG_DIR
  Object.assign(env, extraEnv)
  if (configDir !== null) env.GOPS_CONFIG_DIR = configDir ??= join(tempDir(t), 'gops')
  // A loaded test machine can keep an idle main thread from answering within the default 150 ms:
  // give it a second, so "idle" and "blocked" are told apart by what main does, not by load.
  const agentOptions = { mainThreadTimeoutMs: 1000, ...options }
  const child = spawn(process.execPath, [...nodeArgs, '--require', 'tsx/cjs', fixture, behaviour, JSON.stringify(agentOptions)], {
    cwd: packageRoot,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  t.teardown(() => {
    child.kill('SIGKILL')
  })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve)
    exited.then(({ code, signal }) => reject(new Error(`fixture ended (${code ?? signal}) before listening: ${stderr}`)))
  })
  const ready = JSON.parse(firstLine) as { pid: number; port: number; portFile: string | null; mode: string; error?: string }
  if (ready.error) throw new Error(`agent.listen failed: ${ready.error}`)
  return { child, ...ready, configDir: configDir ?? dirname(ready.portFile ?? ''), env, stderr: () => stderr, exited }
}

/** Sends `bytes` to the agent and returns everything it replies until it closes the connection. */
export function request(port: number, bytes: number[] | Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.from(bytes)))
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks)))
  })
}

export interface GopsRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the real gops CLI with the agent's GOPS_CONFIG_DIR, feeding `input` on stdin. */
export function runGops(gops: string, args: string[], target: AgentTarget, input = ''): Promise<GopsRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(gops, args, { env: target.env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.on('error', () => {}) // gops need not read its stdin before it exits
    child.stdin.end(input)
  })
}
