// 0x05: V8's sampling heap profiler runs from the agent's start (as Go always samples
// allocations), so a request returns what is live now, as gzipped pprof.
import { heapProfileToPprof, type SamplingHeapProfile } from '../pprof'
import { type CommandSpec, requireInspector } from './command'

export const heapProfile: CommandSpec = {
  name: 'pprof-heap',
  exclusive: true,
  async start(ctx) {
    await ctx.inspector?.post('HeapProfiler.startSampling', { samplingInterval: ctx.options.heapSamplingIntervalBytes })
  },
  async stop(ctx) {
    await ctx.inspector?.post('HeapProfiler.stopSampling')
  },
  async run(ctx) {
    const inspector = requireInspector(ctx, 'the heap profile')
    if (typeof inspector === 'string') return inspector
    const { profile } = await inspector.post<{ profile: SamplingHeapProfile }>('HeapProfiler.getSamplingProfile')
    return heapProfileToPprof(profile, ctx.options.heapSamplingIntervalBytes)
  },
}
