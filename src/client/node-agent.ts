// How the client tells gops-native's Node agent (src/agent) from Go's: its text replies have
// other keys, and where Go's agent would do the work it sometimes answers in words instead
// (busy, not supported). __test__/client-node-agent.spec.ts holds both sides together.
import { GopsError } from '../errors'
import { parseKeyValues } from './replies'

/** A text reply of the Node agent: its `key: value` lines in reply order, and the reply as sent. */
export interface NodeReply {
  runtime: 'node'
  fields: Record<string, string>
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

/** Refusals are one short line; a profile, trace or stack is never one of them. */
const MAX_REFUSAL_BYTES = 512

/**
 * The error for a reply in which the Node agent declines the command, or null for any other
 * reply. `command` and `where` (the agent's address) are for the message.
 */
export function nodeRefusal(reply: Buffer, command: string, where: string): GopsError | null {
  if (reply.length > MAX_REFUSAL_BYTES) return null
  const text = reply.toString('utf8').trim()
  // Another profile or trace is running; or main is blocked, so V8 cannot collect now.
  if (text.startsWith('busy: ') || text.startsWith('gc: the main thread is blocked')) {
    return new GopsError('AGENT_BUSY', `the Node agent at ${where} cannot run ${command} now: ${text}`)
  }
  // setgc (V8 has no GC percent); gc, profiles and trace without an inspector.
  if (text.startsWith('setgc is not supported by Node') || / needs the inspector, which this Node process does not allow /.test(text)) {
    return new GopsError('NOT_SUPPORTED', `the Node agent at ${where} does not support ${command}: ${text}`)
  }
  return null
}
