// 0x01: the main thread's JavaScript stack, even while it is stuck in a loop: the worker's
// inspector session pauses main for a moment, reads the frames and resumes it.
import { setTimeout as delay } from 'node:timers/promises'
import { countByName } from '../format'
import { type InspectorClient, isNotSupported, QUICK_CALL_TIMEOUT_MS } from '../inspector-client'
import type { CommandContext, CommandSpec } from './command'

interface PausedFrame {
  functionName: string
  url: string
  location: { scriptId: string; lineNumber: number; columnNumber: number }
}

// Debugger.enable/disable must not interleave between two concurrent requests.
let queue: Promise<unknown> = Promise.resolve()

export const stack: CommandSpec = {
  name: 'stack',
  run(ctx) {
    const result = queue.then(() => stackText(ctx))
    queue = result.catch(() => undefined)
    return result
  },
}

async function stackText(ctx: CommandContext): Promise<string> {
  let cannotPause: string | null = null
  if (ctx.inspector && !ctx.onMainThread) {
    // A main thread that cannot even take the pause request is inside a native call: say so below.
    const frames = await pauseMain(ctx.inspector, ctx.options.mainThreadTimeoutMs).catch((error: unknown) => {
      if (isNotSupported(error)) cannotPause = error.message // Bun: its inspector has no Debugger domain for the agent
      return null
    })
    if (frames) return `thread main [running]:\n${frames.join('')}\n`
  }
  const answer = await ctx.askMain()
  if (!answer && cannotPause) {
    return `thread main [blocked]:\nnot answering the agent (busy in JavaScript or in a native call), and its stack cannot be read: ${cannotPause}\n\n`
  }
  if (!answer) {
    return (
      'thread main [blocked]:\n' +
      'not running JavaScript and not answering the agent: it is inside a synchronous native call ' +
      '(synchronous I/O or child process, a native addon)\n\n'
    )
  }
  const resources = answer.snapshot.activeResources
  const mode = ctx.onMainThread ? ' (the agent shares the main thread, so it only runs when the loop is idle)' : ''
  return `thread main [idle]:\nevent loop idle${mode}, waiting on ${resources.length} active resources: ${countByName(resources) || 'none'}\n\n`
}

/** Pauses main and returns its frames as gops-style lines, or null when main ran no JavaScript in time. */
async function pauseMain(inspector: InspectorClient, timeoutMs: number): Promise<string[] | null> {
  const urls = new Map<string, string>()
  const stopScripts = inspector.on<{ scriptId: string; url: string }>('Debugger.scriptParsed', ({ scriptId, url }) => urls.set(scriptId, url))
  let stopPaused = (): void => {}
  const paused = new Promise<PausedFrame[]>((resolve) => {
    stopPaused = inspector.on<{ callFrames: PausedFrame[] }>('Debugger.paused', ({ callFrames }) => resolve(callFrames))
  })
  try {
    await inspector.post('Debugger.enable', undefined, QUICK_CALL_TIMEOUT_MS)
    await inspector.post('Debugger.pause', undefined, QUICK_CALL_TIMEOUT_MS)
    const frames = await Promise.race([paused, delay(timeoutMs, null)])
    if (!frames) return null
    await inspector.post('Debugger.resume', undefined, QUICK_CALL_TIMEOUT_MS)
    return frames.map(({ functionName, url, location }) => {
      const file = url || urls.get(location.scriptId) || '<unknown>'
      return `${functionName || '(anonymous)'}()\n\t${file}:${location.lineNumber + 1}:${location.columnNumber + 1}\n`
    })
  } finally {
    stopScripts()
    stopPaused()
    // Disabling also drops a pause that main has not reached yet, so an idle main never stops
    // later; a main blocked in native code takes it, in order, once it is back.
    await inspector.post('Debugger.disable', undefined, QUICK_CALL_TIMEOUT_MS).catch(() => undefined)
  }
}
