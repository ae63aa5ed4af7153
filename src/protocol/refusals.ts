// How gops-native's Node agent declines a command, shared by the agent (which writes the reply)
// and the client (which turns it into a GopsError). The wire form is one plain line,
// `<refusal>: <why>`, so that the real gops CLI, which prints any reply as is, shows a sentence.

/** Why the agent declines: another profile runs or main is blocked; Node cannot do it here; switched off by the `disable` option. */
export const Refusal = {
  Busy: 'busy',
  NotSupported: 'not supported',
  Disabled: 'disabled',
} as const

export type Refusal = (typeof Refusal)[keyof typeof Refusal]

const REFUSALS: readonly Refusal[] = Object.values(Refusal)

/** Refusals are one short line; a profile, trace or stack is never one of them. */
export const MAX_REFUSAL_BYTES = 512

/** The reply declining a command: `why` is a sentence for whoever reads it. */
export function refusalReply(refusal: Refusal, why: string): string {
  return `${refusal}: ${why}\n`
}

/** The refusal a reply carries, or null for any other reply. */
export function parseRefusal(reply: Buffer): { refusal: Refusal; why: string } | null {
  if (reply.length > MAX_REFUSAL_BYTES) return null
  const text = reply.toString('utf8')
  const match = /^([a-z ]+): ([^\n]*)\n$/.exec(text)
  const refusal = REFUSALS.find((r) => r === match?.[1])
  return refusal && match ? { refusal, why: match[2] } : null
}
