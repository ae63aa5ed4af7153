// 0x07: runtime figures in the shape of Go's stats reply (`OS threads`, `num CPU`), plus what
// matters for Node: whether the event loop answers, how busy it is, and what keeps it alive.
import { readdir } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { formatGoDuration } from '../../client/go-values'
import { countByName, keyValueLines } from '../format'
import type { CommandSpec } from './command'

export const stats: CommandSpec = {
  name: 'stats',
  async run(ctx) {
    const lines: Array<[string, string | number]> = []
    const threads = await osThreadCount()
    if (threads !== null) lines.push(['OS threads', threads])
    lines.push(['num CPU', availableParallelism()])
    const answer = await ctx.askMain()
    if (!answer) {
      lines.push(['event-loop', `blocked (no answer within ${ctx.options.mainThreadTimeoutMs}ms)`])
      return keyValueLines(lines)
    }
    const { loop, activeResources, uptimeSeconds } = answer.snapshot
    lines.push(
      ['event-loop', 'responsive'],
      ['event-loop-lag', formatGoDuration(answer.lagMs)],
      ['event-loop-utilization', `${(loop.utilization * 100).toFixed(2)}% since start`],
      ['active-resources', `${activeResources.length}${activeResources.length ? ` (${countByName(activeResources)})` : ''}`],
      ['uptime', formatGoDuration(uptimeSeconds * 1000)],
    )
    return keyValueLines(lines)
  },
}

/** Linux lists one entry per thread under /proc/self/task; elsewhere the count is not known. */
async function osThreadCount(): Promise<number | null> {
  if (process.platform !== 'linux') return null
  return readdir('/proc/self/task').then((tasks) => tasks.length, () => null)
}
