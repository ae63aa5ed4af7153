// What every command module provides, and what the agent hands it.
import type { Readable } from 'node:stream'
import type { GopsCommand } from '../../protocol/commands'
import { Refusal, refusalReply } from '../../protocol/refusals'
import type { InspectorClient } from '../inspector-client'
import { runtime } from '../runtime'
import type { AskMain } from '../main-probe'
import type { ResolvedOptions } from '../options'

export interface CommandContext {
  options: ResolvedOptions
  /** A session reaching the main thread's inspector; null when this Node cannot provide one. */
  inspector: InspectorClient | null
  /** Why `inspector` is null (an error code such as ERR_ACCESS_DENIED). */
  inspectorUnavailable: string
  /** True in the same-thread fallback: the agent only runs when main's event loop is free. */
  onMainThread: boolean
  askMain: AskMain
  /** Aborted when the agent closes, so long waits (profiles, traces) stop early and clean up. */
  closing: AbortSignal
}

/** A text reply, bytes, or a stream (the executable). */
export type Reply = string | Uint8Array | Readable

export interface CommandSpec {
  name: GopsCommand
  /** setgc: a zigzag varint follows the command byte. */
  takesVarint?: boolean
  /** Profiles and traces: one at a time, a second gets a busy reply. */
  exclusive?: boolean
  /** Runs once when the agent starts, for commands that must watch from the beginning. */
  start?(ctx: CommandContext): Promise<void>
  /** Undoes `start` when the agent closes. */
  stop?(ctx: CommandContext): Promise<void>
  run(ctx: CommandContext, argument: number | null): Promise<Reply>
}

/** The inspector, or the text reply explaining why `what` cannot run without it. */
export function requireInspector(ctx: CommandContext, what: string): InspectorClient | string {
  if (ctx.inspector) return ctx.inspector
  const who = runtime.kind === 'node' ? 'this Node process does not allow' : `${runtime.label} does not provide to its agent`
  return refusalReply(Refusal.NotSupported, `${what} needs the inspector, which ${who} (${ctx.inspectorUnavailable}).`)
}
