// 0x02: a full collection of main's heap; replies `ok` exactly, as Go's agent does. V8 runs an
// inspector-requested collection as a task on main's event loop, so a blocked main cannot
// collect: that case gets a plain answer instead of a hang (and no collection queued for later).
import { Refusal, refusalReply } from '../../protocol/refusals'
import { isNotSupported } from '../inspector-client'
import { mainCollector } from '../main-probe'
import { type CommandSpec, requireInspector } from './command'

export const gc: CommandSpec = {
  name: 'gc',
  async run(ctx) {
    const blocked = refusalReply(Refusal.Busy, `the main thread is blocked (no answer within ${ctx.options.mainThreadTimeoutMs}ms), so it cannot collect now`)
    if (!(await ctx.askMain())) return blocked
    if (ctx.inspector) {
      try {
        await ctx.inspector.post('HeapProfiler.collectGarbage')
        return 'ok'
      } catch (error) {
        if (!isNotSupported(error) || !mainCollector) throw error
      }
    }
    // No inspector able to collect (Bun): main collects itself when it next runs.
    if (mainCollector) return (await ctx.askMain(true)) ? 'ok' : blocked
    return requireInspector(ctx, 'gc') as string // ctx.inspector is null here: the refusal
  },
}
