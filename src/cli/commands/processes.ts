// gops's process listings: `list` (also the bare command) and `tree`. Only options are
// registered here; the work (actions/processes.ts) is loaded when a command runs.
import type { Command } from 'commander'

// A lazy `require`, not `import()`: a dynamic import starts Node's ESM loader, which measured
// 20-30 ms of extra start-up here, more than a whole scan.
const processes = () => require('../actions/processes.js') as typeof import('../actions/processes.js')

export function registerProcesses(program: Command): void {
  program
    .command('list')
    .description('List the Go processes on this host (and Node processes running a gops-native agent); * marks an agent')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => processes().list(options))

  program
    .command('tree')
    .description('Show the Go processes grouped under their parents')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => processes().tree(options))
}
