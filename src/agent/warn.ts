// The agent's warnings go straight to file descriptor 2: from the worker, console output would
// be relayed through the main thread, which may be the thing that is stuck.
import { writeSync } from 'node:fs'

export function warn(message: string): void {
  try {
    writeSync(2, `gops-native agent: ${message}\n`)
  } catch {
    // stderr closed: nothing left to tell
  }
}
