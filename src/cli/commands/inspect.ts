// `gops-native inspect FILE...`: what `go version -m` says about executables, and more where
// Go's reader gives up. Only registration lives here; the work is loaded when the command runs.
import { type Command, InvalidArgumentError } from 'commander'

// A lazy `require`, not `import()`, which would start Node's ESM loader.
const inspectAction = () => require('../actions/inspect.js') as typeof import('../actions/inspect.js')

function positiveInteger(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer')
  return n
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
    .option('--concurrency <n>', 'how many files to inspect at once (default: the number of CPUs, at most 8)', positiveInteger)
    .action(async (files: string[], options: { json?: boolean; concurrency?: number }) => {
      process.exitCode = await inspectAction().runInspect(files, options)
    })
}
