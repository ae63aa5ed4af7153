// 0x06: profiles main's CPU for cpuProfileSeconds and replies with gzipped pprof.
import { setTimeout as delay } from 'node:timers/promises'
import { type CpuProfile, cpuProfileToPprof } from '../pprof'
import { type CommandSpec, requireInspector } from './command'

export const cpuProfile: CommandSpec = {
  name: 'pprof-cpu',
  exclusive: true,
  async run(ctx) {
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
