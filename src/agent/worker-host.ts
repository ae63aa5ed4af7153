// The main thread's side of the worker: starts it unref'd (it never keeps the process alive),
// gives it a private channel to main's probe, and stops it on close.
import { once } from 'node:events'
import { extname, join } from 'node:path'
import { MessageChannel, Worker } from 'node:worker_threads'
import { GopsError } from '../errors'
import type { MainProbe } from './main-probe'
import type { ResolvedOptions } from './options'
import type { WorkerData, WorkerReport } from './worker'

export interface RunningAgent {
  address: string
  port: number
  close(): Promise<void>
}

/** How long a closing worker may take to stop its profiles before it is terminated. */
const CLOSE_GRACE_MS = 2000

// The worker's entry sits next to this file: worker.js when built, worker.ts under a TS loader.
const workerEntry = join(__dirname, `worker${extname(__filename)}`)

/** Node's error code behind a failed worker start (e.g. ERR_ACCESS_DENIED), for choosing a fallback. */
export function workerFailureCode(error: unknown): string | undefined {
  return error instanceof GopsError && error.code === 'AGENT_WORKER_FAILED' ? (error.cause as NodeJS.ErrnoException).code : undefined
}

function workerFailed(code: string, message: string): GopsError {
  return new GopsError('AGENT_WORKER_FAILED', `gops agent could not start its worker (${code}): ${message}`, { cause: Object.assign(new Error(message), { code }) })
}

/** Starts the agent's worker; a failure is an AGENT_WORKER_FAILED GopsError (see workerFailureCode). */
export async function startWorkerAgent(options: ResolvedOptions, probe: MainProbe): Promise<RunningAgent> {
  const { port1, port2 } = new MessageChannel()
  probe.serve(port1)
  let worker: Worker
  try {
    worker = new Worker(workerEntry, { workerData: { options, probePort: port2 } satisfies WorkerData, transferList: [port2] })
  } catch (error) {
    const { code = 'ERR_AGENT_WORKER', message } = error as NodeJS.ErrnoException
    throw workerFailed(code, message)
  }
  worker.unref()
  const report = await new Promise<WorkerReport>((resolve) => {
    worker.once('message', resolve)
    worker.once('error', (error: NodeJS.ErrnoException) => resolve({ type: 'failed', code: error.code ?? 'ERR_AGENT_WORKER', message: error.message }))
    worker.once('exit', (code) => resolve({ type: 'failed', code: 'ERR_AGENT_WORKER', message: `the agent's worker exited with code ${code}` }))
  })
  if (report.type === 'failed') {
    await worker.terminate()
    throw workerFailed(report.code, report.message)
  }
  return {
    address: report.address,
    port: report.port,
    async close() {
      const exited = once(worker, 'exit')
      worker.postMessage('close')
      const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS)
      await exited
      clearTimeout(timer)
    },
  }
}
