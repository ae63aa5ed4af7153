// 0x10: V8 has no GC percent to set; read the value (so the client sees a reply) and say so.
import { Refusal, refusalReply } from '../../protocol/refusals'
import { runtime } from '../runtime'
import type { CommandSpec } from './command'

export const setgc: CommandSpec = {
  name: 'setgc',
  takesVarint: true,
  async run(_ctx, percent) {
    if (runtime.kind === 'bun') return refusalReply(Refusal.NotSupported, `${runtime.label} has no setgc: JavaScriptCore has no GC percent (asked for ${percent}).`)
    return refusalReply(Refusal.NotSupported, `Node has no setgc: V8 has no GC percent (asked for ${percent}); size the heap at start-up with --max-old-space-size instead.`)
  },
}
