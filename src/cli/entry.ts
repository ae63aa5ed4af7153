// The `gops-native` entry point. The bare list, the command run most often (and at high
// frequency), and a plain `inspect FILE...` start without commander: loading it (and the
// child_process and stream modules it pulls in) cost more start-up than the whole scan.
// Everything else (and --help, and mistakes) goes through main.ts.
import { reportError } from './output'

/** `gops-native` or `gops-native list`, with or without `--json`: nothing for commander to parse. */
function plainList(args: string[]): { json: boolean } | null {
  const rest = args[0] === 'list' ? args.slice(1) : args
  if (rest.length === 0) return { json: false }
  if (rest.length === 1 && rest[0] === '--json') return { json: true }
  return null
}

export async function run(args: string[]): Promise<void> {
  const list = plainList(args)
  const inspect = list || args[0] !== 'inspect' ? null : (require('./commands/inspect.js') as typeof import('./commands/inspect.js'))
  const plainInspect = inspect?.plainInspect(args)
  if (!list && !plainInspect) return (require('./main.js') as typeof import('./main.js')).main(args)
  try {
    if (list) await (require('./actions/processes.js') as typeof import('./actions/processes.js')).list(list)
    else if (plainInspect) await inspect!.runInspect(plainInspect.files, plainInspect.options)
  } catch (error) {
    process.exitCode = reportError(error)
  }
}
