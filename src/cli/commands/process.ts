// gops's process view: `process <pid> [period]` (also a bare PID). Only options are registered
// here; the work (actions/process.ts) is loaded when the command runs.
import type { Command } from 'commander'
import { DURATION_HELP } from '../duration'

// A lazy `require`, not `import()`, which would start Node's ESM loader (see processes.ts).
const processView = () => require('../actions/process.js') as typeof import('../actions/process.js')

export function registerProcess(program: Command): void {
  program
    .command('process')
    .aliases(['pid', 'proc'])
    .argument('<pid>', 'process ID')
    .argument('[period]', `also sample CPU use over this long, ${DURATION_HELP}`)
    .description('Show a process: parent, threads, memory, CPU, user, command line, age, sockets')
    .option('--json', 'print JSON')
    .action((pid: string, period: string | undefined, options: { json?: boolean }) =>
      processView().processView(pid, period, options),
    )
}
