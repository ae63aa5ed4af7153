// 0x02: a full collection of main's heap; replies `ok` exactly, as Go's agent does. V8 runs an
// inspector-requested collection as a task on main's event loop, so a blocked main cannot
// collect: that case gets a plain answer instead of a hang (and no collection queued for later).
import { Refusal, refusalReply } from '../../protocol/refusals'
import { type CommandSpec, requireInspector } from './command'

export const gc: CommandSpec = {
  name: 'gc',
  async run(ctx) {
    const inspector = requireInspector(ctx, 'gc')
    if (typeof inspector === 'string') return inspector
    if (!(await ctx.askMain())) return refusalReply(Refusal.Busy, `the main thread is blocked (no answer within ${ctx.options.mainThreadTimeoutMs}ms), so V8 cannot collect now`)
    await inspector.post('HeapProfiler.collectGarbage')
    return 'ok'
  },
}
