// 0x04: Go's agent answers `go1.x.y`; this one `node vX.Y.Z`, then the engine and library versions.
import { keyValueLines } from '../format'
import { runtime } from '../runtime'
import type { CommandSpec } from './command'

export const version: CommandSpec = {
  name: 'version',
  async run() {
    const { v8, uv, openssl } = process.versions
    // Bun and Deno report the Node version whose API they implement; their own follows.
    // Bun's engine is JavaScriptCore: its `v8` entry names no real V8, so it is left out.
    const own: Array<[string, string]> = runtime.kind === 'node' ? [] : [[runtime.kind, runtime.version]]
    const engine: Array<[string, string]> = runtime.kind === 'bun' ? [] : [['v8', v8]]
    return `node ${process.version}\n${keyValueLines([...own, ...engine, ['uv', uv], ['openssl', openssl]])}`
  },
}
