// 0x04: Go's agent answers `go1.x.y`; this one `node vX.Y.Z`, then the engine and library versions.
import { keyValueLines } from '../format'
import type { CommandSpec } from './command'

export const version: CommandSpec = {
  name: 'version',
  async run() {
    const { v8, uv, openssl } = process.versions
    return `node ${process.version}\n${keyValueLines([['v8', v8], ['uv', uv], ['openssl', openssl]])}`
  },
}
