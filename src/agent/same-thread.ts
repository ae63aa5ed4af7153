// The fallback when no worker can reach main through the inspector (Node's permission model
// denies both, some builds have no inspector, Deno has no Session.connectToMainThread): the
// listener runs on the main thread, so it only answers when the event loop is free. Where the
// runtime lets main open an inspector session on itself (Deno), gc and the profiles use it;
// otherwise commands needing the inspector say they cannot run.
import { Session } from 'node:inspector'
import { InspectorClient } from './inspector-client'
import { probeInProcess, type MainProbe } from './main-probe'
import type { ResolvedOptions } from './options'
import { startServer } from './server'
import type { RunningAgent } from './worker-host'

export async function startSameThreadAgent(options: ResolvedOptions, probe: MainProbe, inspectorUnavailable: string): Promise<RunningAgent> {
  const inspector = sessionOnMain()
  const ctx = { options, inspector, inspectorUnavailable, onMainThread: true, askMain: probeInProcess(probe) }
  const server = await startServer(ctx, false)
  return {
    address: server.address.address,
    port: server.address.port,
    async close() {
      await server.close()
      inspector?.disconnect()
    },
  }
}

/** A session on main's own inspector, or null where that is denied too (Node's permission model, no inspector). */
function sessionOnMain(): InspectorClient | null {
  try {
    const session = new Session()
    session.connect()
    return new InspectorClient(session)
  } catch {
    return null
  }
}
