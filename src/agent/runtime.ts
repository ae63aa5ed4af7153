// Which JavaScript runtime the agent runs in. Bun and Deno implement Node's APIs (and report a
// Node `process.version`), but not all of node:inspector: the agent names the runtime in its
// refusals and in its version reply, so a user reads "Bun 1.4.5 has no ..." rather than a
// failure that seems to be Node's.

export type RuntimeKind = 'node' | 'bun' | 'deno'

export interface RuntimeInfo {
  kind: RuntimeKind
  /** The runtime's own version (Bun's and Deno's, not the Node version they emulate). */
  version: string
  /** For sentences: `Node v20.20.2`, `Bun 1.4.5`, `Deno 2.9.6`. */
  label: string
}

function detect(): RuntimeInfo {
  const { bun, deno } = process.versions as NodeJS.ProcessVersions & { bun?: string; deno?: string }
  if (bun) return { kind: 'bun', version: bun, label: `Bun ${bun}` }
  if (deno) return { kind: 'deno', version: deno, label: `Deno ${deno}` }
  return { kind: 'node', version: process.version, label: `Node ${process.version}` }
}

export const runtime: RuntimeInfo = detect()
