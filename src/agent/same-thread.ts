// The fallback when no worker can reach main through the inspector (Node's permission model
// denies both, and some builds have no inspector): the listener runs on the main thread, so it
// only answers when the event loop is free, and commands needing the inspector say they cannot run.
import { probeInProcess, type MainProbe } from './main-probe'
import type { ResolvedOptions } from './options'
import { startServer } from './server'
import type { RunningAgent } from './worker-host'

export async function startSameThreadAgent(options: ResolvedOptions, probe: MainProbe, inspectorUnavailable: string): Promise<RunningAgent> {
  const ctx = { options, inspector: null, inspectorUnavailable, onMainThread: true, askMain: probeInProcess(probe) }
  const server = await startServer(ctx, false)
  return { address: server.address.address, port: server.address.port, close: () => server.close() }
}
