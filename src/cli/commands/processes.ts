// gops's process views: `list` (also the bare command), `tree` and `process <pid> [period]`.
// Only options are registered here; the work is loaded when a command runs.
import type { Command } from 'commander'

// Lazy `require`s, not `import()`: a dynamic import starts Node's ESM loader, which measured
// 20-30 ms of extra start-up here, more than a whole scan.
const listViews = () => require('../list-views.js') as typeof import('../list-views.js')
const processView = () => require('../process-view.js') as typeof import('../process-view.js')

export function registerProcesses(program: Command): void {
  program
    .command('list')
    .description('List the Go processes on this host (and Node processes running a gops-native agent); * marks an agent')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => listViews().list(options))

  program
    .command('tree')
    .description('Show the Go processes grouped under their parents')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => listViews().tree(options))

  program
    .command('process')
    .aliases(['pid', 'proc'])
    .argument('<pid>', 'process ID')
    .argument('[period]', 'also sample CPU use over this long: a Go duration (5s, 500ms) or seconds')
    .description('Show a process: parent, threads, memory, CPU, user, command line, age, sockets')
    .option('--json', 'print JSON')
    .action((pid: string, period: string | undefined, options: { json?: boolean }) =>
      processView().processView(pid, period, options),
    )
}
