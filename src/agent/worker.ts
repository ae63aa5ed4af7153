// The agent's thread. It listens for gops clients and reaches the main thread through an
// inspector session, so it answers while main is stuck in a loop. Started by worker-host.ts.
import { Session } from 'node:inspector'
import { type MessagePort, parentPort, workerData } from 'node:worker_threads'
import { InspectorClient } from './inspector-client'
import { probeOverPort } from './main-probe'
import type { ResolvedOptions } from './options'
import { startServer } from './server'

export interface WorkerData {
  options: ResolvedOptions
  probePort: MessagePort
}

/** Messages from this thread to its host. */
export type WorkerReport = { type: 'listening'; address: string; port: number } | { type: 'failed'; code: string; message: string }

async function main(): Promise<void> {
  const { options, probePort } = workerData as WorkerData
  const port = parentPort!
  let inspector: InspectorClient
  try {
    const session = new Session()
    session.connectToMainThread()
    inspector = new InspectorClient(session)
  } catch (error) {
    const { code = 'ERR_INSPECTOR', message } = error as NodeJS.ErrnoException
    return port.postMessage({ type: 'failed', code, message } satisfies WorkerReport)
  }
  const closing = new AbortController()
  const ctx = {
    options,
    inspector,
    inspectorUnavailable: '',
    onMainThread: false,
    askMain: probeOverPort(probePort, options.mainThreadTimeoutMs),
    closing: closing.signal,
  }
  try {
    const server = await startServer(ctx, closing, true)
    port.once('message', async () => {
      await server.close()
      inspector.disconnect()
      probePort.close()
      port.close()
    })
    port.postMessage({ type: 'listening', address: server.address.address, port: server.address.port } satisfies WorkerReport)
  } catch (error) {
    const { code = 'ERR_AGENT_LISTEN', message } = error as NodeJS.ErrnoException
    inspector.disconnect()
    port.postMessage({ type: 'failed', code, message } satisfies WorkerReport)
  }
}

void main()
