// gops's process views: `list` (also the bare command), `tree` and `process <pid> [period]`.
// Only options are registered here; the work is loaded when a command runs.
import type { Command } from 'commander'

export function registerProcesses(program: Command): void {
  program
    .command('list')
    .description('List the Go processes on this host (and Node processes running a gops-native agent); * marks an agent')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => (await import('../process-views.js')).list(options))

  program
    .command('tree')
    .description('Show the Go processes grouped under their parents')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => (await import('../process-views.js')).tree(options))

  program
    .command('process')
    .aliases(['pid', 'proc'])
    .argument('<pid>', 'process ID')
    .argument('[period]', 'also sample CPU use over this long: a Go duration (5s, 500ms) or seconds')
    .description('Show a process: parent, threads, memory, CPU, user, command line, age, sockets')
    .option('--json', 'print JSON')
    .action(async (pid: string, period: string | undefined, options: { json?: boolean }) =>
      (await import('../process-views.js')).processView(pid, period, options),
    )
}
