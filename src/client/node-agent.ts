// How the client tells gops-native's Node agent (src/agent) from Go's: its text replies have
// other keys, and where Go's agent would do the work it sometimes answers in words instead
// (src/protocol/refusals.ts). __test__/client-node-agent.spec.ts holds both sides together.
import { GopsError, type GopsErrorCode } from '../errors'
import { parseRefusal, Refusal } from '../protocol/refusals'
import { parseKeyValues } from './replies'

/** A text reply of the Node agent: its `key: value` lines in reply order, and the reply as sent. */
export interface NodeReply {
  /** Always `'node'`: the reply came from gops-native's Node agent. */
  runtime: 'node'
  /** The reply's `key: value` lines, keys as the agent sent them (e.g. `heap-used`, `event-loop-lag`). */
  fields: Record<string, string>
  /** The reply exactly as the agent sent it. */
  raw: string
}

/** Keys only the Node agent sends, per command: one of them marks its reply. */
const NODE_KEYS = {
  // `heap-used` is in every memstats reply but the one from a main thread inside a native call.
  memstats: ['heap-used', 'main-thread'],
  stats: ['event-loop'],
} as const

/** The reply as a NodeReply when it is the Node agent's answer to `command`, else null. */
export function nodeReply(text: string, command: keyof typeof NODE_KEYS): NodeReply | null {
  const fields = parseKeyValues(text)
  if (!NODE_KEYS[command].some((key) => fields.has(key))) return null
  return { runtime: 'node', fields: Object.fromEntries(fields), raw: text }
}

/** The GopsError for each refusal, and how its message reads. */
const REFUSAL_ERRORS: Record<Refusal, { code: GopsErrorCode; says: (command: string) => string }> = {
  [Refusal.Busy]: { code: 'AGENT_BUSY', says: (command) => `cannot run ${command} now` },
  [Refusal.NotSupported]: { code: 'NOT_SUPPORTED', says: (command) => `does not support ${command}` },
  [Refusal.Disabled]: { code: 'COMMAND_DISABLED', says: (command) => `has ${command} switched off` },
}

/**
 * The error for a reply in which the Node agent declines the command, or null for any other
 * reply. `command` and `where` (the agent's address) are for the message.
 */
export function nodeRefusal(reply: Buffer, command: string, where: string): GopsError | null {
  const refused = parseRefusal(reply)
  if (!refused) return null
  const { code, says } = REFUSAL_ERRORS[refused.refusal]
  return new GopsError(code, `the Node agent at ${where} ${says(command)}: ${refused.why}`)
}
