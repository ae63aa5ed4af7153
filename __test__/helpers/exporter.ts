// Runs `gops-native exporter` from source as a child process, the way users run it, and reads
// its pages over HTTP.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import type { ExecutionContext } from 'ava'
import { cliArgs } from './cli'

export interface RunningExporter {
  child: ChildProcess
  /** http://127.0.0.1:PORT */
  base: string
  port: number
  stderr(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** Starts the exporter on a free loopback port (plus `args`) and waits until it serves. */
export async function startExporter(t: ExecutionContext | null, args: string[] = [], spawnOptions: { env?: NodeJS.ProcessEnv; wrapper?: string[] } = {}): Promise<RunningExporter> {
  const [command, ...commandArgs] = [...(spawnOptions.wrapper ?? []), process.execPath, ...cliArgs('exporter', '--listen', '127.0.0.1:0', ...args)]
  const child = spawn(command, commandArgs, { env: spawnOptions.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] })
  running.add(child)
  child.once('exit', () => running.delete(child))
  t?.teardown(() => void child.kill('SIGKILL'))
  let stderr = ''
  const exited = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }))
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      const match = stderr.match(/serving http:\/\/\S+:(\d+)\/metrics/)
      if (match) resolve(Number(match[1]))
    })
    void exited.then(({ code, signal }) => reject(new Error(`the exporter ended (${code ?? signal}) before serving: ${stderr}`)))
  })
  return { child, base: `http://127.0.0.1:${port}`, port, stderr: () => stderr, exited }
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(url, { headers })
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() }
}
