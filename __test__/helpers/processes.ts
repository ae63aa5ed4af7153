// Starts real processes for discovery tests and makes sure they die with the test.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import type { ExecutionContext } from 'ava'

/** Spawns `file` and kills it when the test ends. With `ready`, waits for that line on stdout. */
export async function startProcess(
  t: ExecutionContext,
  file: string,
  args: string[] = [],
  options: { env?: NodeJS.ProcessEnv; ready?: string; uid?: number; gid?: number } = {},
): Promise<ChildProcess & { pid: number }> {
  const { env = process.env, uid, gid } = options
  const child = spawn(file, args, { env, uid, gid, stdio: ['ignore', 'pipe', 'ignore'] })
  t.teardown(() => stopProcess(child))
  await once(child, 'spawn')
  if (options.ready) {
    let output = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes(options.ready!)) resolve()
      })
      child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before printing ${options.ready}`)))
    })
  }
  child.stdout!.resume()
  return child as ChildProcess & { pid: number }
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGKILL')
  await exited
}
