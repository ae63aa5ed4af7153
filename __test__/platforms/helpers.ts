// What the platform tests need, checked up front: a missing piece fails the test with what to
// run, never a silent skip (CI installs everything through npm run setup:platforms).
import type { ExecutionContext } from 'ava'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, existsSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../src/package-root'
import { addonFile, type Platform } from '../../scripts/platforms/targets'

export function requireFiles(t: ExecutionContext, files: Record<string, string>, fix: string): boolean {
  const missing = Object.entries(files).filter(([, path]) => !existsSync(path))
  if (missing.length > 0) t.fail(`missing ${missing.map(([what, path]) => `${what} (${path})`).join(', ')}: run ${fix}`)
  return missing.length === 0
}

export function requireCommands(t: ExecutionContext, commands: string[]): boolean {
  const missing = commands.filter((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0)
  if (missing.length > 0) t.fail(`${missing.join(', ')} not on PATH: run npm run setup:platforms`)
  return missing.length === 0
}

export const addonPath = (platform: Platform): string => join(packageRoot, addonFile(platform))

export function requireAddon(t: ExecutionContext, platform: Platform): boolean {
  return requireFiles(t, { [`the ${platform.dir} addon`]: addonPath(platform) }, 'npm run build:platforms')
}

/**
 * Runs a command with its output in `logFile` (Wine's Node cannot write to a pipe) and returns
 * its exit code; killed after `timeoutMs`.
 */
export async function runLogged(file: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, timeoutMs: number): Promise<number | null> {
  const log = openSync(logFile, 'w')
  try {
    const child = spawn(file, args, { env, stdio: ['ignore', log, log], timeout: timeoutMs, killSignal: 'SIGKILL' })
    const [code] = (await once(child, 'exit')) as [number | null]
    return code
  } finally {
    closeSync(log)
  }
}
