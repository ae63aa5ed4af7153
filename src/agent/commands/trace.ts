// 0x08: records Node's trace events for traceSeconds and replies with them in the Chrome /
// Perfetto JSON format ({"traceEvents":[...]}), which ui.perfetto.dev and chrome://tracing open.
import { setTimeout as delay } from 'node:timers/promises'
import { type CommandSpec, requireInspector } from './command'

// Trace data reaches a worker's session through the main thread and often arrives after
// tracingComplete, so the reply waits until the data stops coming; a blocked main may send
// neither, so every wait is bounded.
const QUIET_MS = 200
const MAX_SETTLE_MS = 2000

export const trace: CommandSpec = {
  name: 'trace',
  exclusive: true,
  async run(ctx) {
    const inspector = requireInspector(ctx, 'the trace')
    if (typeof inspector === 'string') return inspector
    const events: unknown[] = []
    const stopCollecting = inspector.on<{ value: unknown[] }>('NodeTracing.dataCollected', ({ value }) => events.push(...value))
    let stopWaiting = (): void => {}
    const complete = new Promise<void>((resolve) => {
      stopWaiting = inspector.on('NodeTracing.tracingComplete', () => resolve())
    })
    try {
      await inspector.post('NodeTracing.start', { traceConfig: { includedCategories: ctx.options.traceCategories } })
      try {
        await delay(ctx.options.traceSeconds * 1000, undefined, { signal: ctx.closing })
      } finally {
        // Always stop, even when closing: a tracing session left running outlives its reader.
        await inspector.post('NodeTracing.stop')
        await Promise.race([complete, delay(MAX_SETTLE_MS)])
        await quiet(() => events.length)
      }
      return JSON.stringify({ traceEvents: events })
    } finally {
      stopCollecting()
      stopWaiting()
    }
  },
}

/** Waits until `count()` holds still for QUIET_MS, or MAX_SETTLE_MS in all. */
async function quiet(count: () => number): Promise<void> {
  const deadline = Date.now() + MAX_SETTLE_MS
  let seen = -1
  while (count() !== seen && Date.now() < deadline) {
    seen = count()
    await delay(QUIET_MS)
  }
}
