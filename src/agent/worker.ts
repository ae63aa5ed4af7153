// The agent's thread. It listens for gops clients and reaches the main thread through an
// inspector session, so it answers while main is stuck in a loop. Started by worker-host.ts.
import { Session } from 'node:inspector'
import { type MessagePort, parentPort, workerData } from 'node:worker_threads'
import { InspectorClient } from './inspector-client'
import { probeOverPort } from './main-probe'
import type { ResolvedOptions } from './options'
import { type RunningServer, startServer } from './server'

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
  const ctx = {
    options,
    inspector,
    inspectorUnavailable: '',
    onMainThread: false,
    askMain: probeOverPort(probePort, options.mainThreadTimeoutMs),
  }
  // Listening for the host's close message also keeps this thread alive while start-up awaits
  // the inspector, which holds no reference on the event loop.
  let server: RunningServer | undefined
  port.once('message', async () => {
    await server?.close()
    inspector.disconnect()
    probePort.close()
    port.close()
  })
  try {
    server = await startServer(ctx, true)
    port.postMessage({ type: 'listening', address: server.address.address, port: server.address.port } satisfies WorkerReport)
  } catch (error) {
    const { code = 'ERR_AGENT_LISTEN', message } = error as NodeJS.ErrnoException
    inspector.disconnect()
    port.postMessage({ type: 'failed', code, message } satisfies WorkerReport)
  }
}

void main()
