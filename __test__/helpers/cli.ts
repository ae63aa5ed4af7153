// Runs `gops-native` from source in a child process, the way users run it.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { packageRoot } from '../../src/package-root'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Node's arguments that run `gops-native ...args` from source. */
export function cliArgs(...args: string[]): string[] {
  return ['--import', 'tsx', join(packageRoot, '__test__', 'helpers', 'cli-entry.ts'), ...args]
}

/** `user` runs it as another user (the tests must run as root for that). */
export function runCli(args: string[], env: Record<string, string> = {}, user?: { uid: number; gid: number }): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      cliArgs(...args),
      { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...user },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}
