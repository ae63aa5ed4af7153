// 0x09: the running executable, which gops fetches next to a profile for pprof.
import { createReadStream } from 'node:fs'
import type { CommandSpec } from './command'

export const binaryDump: CommandSpec = {
  name: 'binary-dump',
  async run() {
    return createReadStream(process.execPath)
  },
}
