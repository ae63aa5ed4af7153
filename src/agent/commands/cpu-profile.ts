// 0x06: profiles main's CPU for cpuProfileSeconds and replies with gzipped pprof.
import { setTimeout as delay } from 'node:timers/promises'
import { type CpuProfile, cpuProfileToPprof } from '../pprof'
import { Refusal, refusalReply } from '../../protocol/refusals'
import { runtime } from '../runtime'
import { type CommandSpec, requireInspector } from './command'

export const cpuProfile: CommandSpec = {
  name: 'pprof-cpu',
  exclusive: true,
  async run(ctx) {
    // Bun's inspector accepts the Profiler calls from the agent's worker but records no sample of
    // main: an empty profile would read as "main did nothing", so it is refused instead.
    if (runtime.kind === 'bun') return refusalReply(Refusal.NotSupported, `the CPU profile: ${runtime.label}'s profiler records no samples of main from the agent's thread.`)
    const inspector = requireInspector(ctx, 'the CPU profile')
    if (typeof inspector === 'string') return inspector
    const interval = ctx.options.cpuSamplingIntervalMicros
    await inspector.post('Profiler.enable')
    try {
      await inspector.post('Profiler.setSamplingInterval', { interval })
      // The profile's own timestamps are monotonic; pprof wants the wall-clock start.
      const wallStart = Date.now()
      await inspector.post('Profiler.start')
      let profile: CpuProfile
      try {
        await delay(ctx.options.cpuProfileSeconds * 1000, undefined, { signal: ctx.closing })
      } finally {
        ;({ profile } = await inspector.post<{ profile: CpuProfile }>('Profiler.stop'))
      }
      return await cpuProfileToPprof(profile, wallStart, interval)
    } finally {
      await inspector.post('Profiler.disable')
    }
  },
}
