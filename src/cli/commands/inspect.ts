// `gops-native inspect FILE...`: what `go version -m` says about executables, and more where
// Go's reader gives up. Only registration lives here; the work is loaded when the command runs.
// entry.ts runs a plain `inspect` through `plainInspect` below without loading commander at all:
// commander was a third of the command's start-up.
import type { Command } from 'commander'
import { parseArgs } from 'node:util'

// A lazy `require`, not `import()`, which would start Node's ESM loader.
const inspectAction = () => require('../actions/inspect.js') as typeof import('../actions/inspect.js')

export interface InspectCliOptions {
  json?: boolean
  concurrency?: number
}

function isPositiveInteger(value: string): boolean {
  return /^\d+$/.test(value) && Number(value) >= 1
}

function positiveInteger(value: string): number {
  if (!isPositiveInteger(value)) {
    const { InvalidArgumentError } = require('commander') as typeof import('commander')
    throw new InvalidArgumentError('expected a positive integer')
  }
  return Number(value)
}

/**
 * `inspect [--json] [--concurrency N] FILE...` read by Node's own parser, for entry.ts. Null for
 * anything else (--help, a mistake): commander, registered below, answers those.
 */
export function plainInspect(args: string[]): { files: string[]; options: InspectCliOptions } | null {
  if (args[0] !== 'inspect') return null
  let parsed
  try {
    parsed = parseArgs({ args: args.slice(1), options: { json: { type: 'boolean' }, concurrency: { type: 'string' } }, allowPositionals: true, strict: true })
  } catch {
    return null
  }
  const { json, concurrency } = parsed.values
  if (parsed.positionals.length === 0 || (concurrency !== undefined && !isPositiveInteger(concurrency))) return null
  return { files: parsed.positionals, options: { json, concurrency: concurrency === undefined ? undefined : Number(concurrency) } }
}

/** Runs the command: exit code 0 when every file could be read, 1 otherwise. */
export async function runInspect(files: string[], options: InspectCliOptions): Promise<void> {
  process.exitCode = await inspectAction().runInspect(files, options)
}

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description(
      'Tell for each file whether it is a Go executable, with its Go version, format, architecture and build info. ' +
        'Prints like `go version -m`; a `source` line follows the version when it was recovered without the build-info blob.',
    )
    .argument('<file...>', 'executables (or any files) to inspect')
    .option('--json', 'print a JSON array, one object per file, in input order')
    .option('--concurrency <n>', 'inspect this many files at once on threads (default: up to 64 files one by one, more on as many threads as CPUs, at most 8)', positiveInteger)
    .action((files: string[], options: InspectCliOptions) => runInspect(files, options))
}
