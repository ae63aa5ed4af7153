// gops's agent commands, requests sent to a running gops agent: `gops-native <command>
// <pid|host:port>`. Only registration lives here; the work (actions/agent-requests.ts) is loaded
// when a command runs.
import type { Command } from 'commander'
import type { AgentCommandName } from '../actions/agent-requests'
import { DURATION_HELP } from '../duration'

// A lazy `require`, not `import()`, which would start Node's ESM loader (see processes.ts).
const agentRequests = () => require('../actions/agent-requests.js') as typeof import('../actions/agent-requests.js')

interface AgentCommandSpec {
  name: AgentCommandName
  description: string
  /** The reply has structure worth printing as JSON. */
  json?: boolean
  /** The reply is binary and goes to a file. */
  file?: boolean
}

// Descriptions follow gops's, except where gops would launch `go tool pprof`/`trace` and we save a file.
const AGENT_COMMANDS: AgentCommandSpec[] = [
  { name: 'stack', description: 'Prints the stack trace.' },
  { name: 'gc', description: 'Runs the garbage collector and blocks until successful.', json: true },
  {
    name: 'setgc',
    description: "Sets the garbage collection target percentage. To completely stop GC, set to 'off'",
    json: true,
  },
  { name: 'memstats', description: 'Prints the allocation and garbage collection stats.', json: true },
  { name: 'stats', description: 'Prints runtime stats.', json: true },
  { name: 'version', description: 'Prints the Go version used to build the program.', json: true },
  { name: 'trace', description: 'Runs the runtime tracer for 5 secs and saves the trace to a file.', file: true },
  { name: 'pprof-heap', description: 'Reads the heap profile and saves it to a file.', file: true },
  { name: 'pprof-cpu', description: 'Reads the CPU profile (30 secs) and saves it to a file.', file: true },
]

export function registerAgentRequests(program: Command): void {
  for (const spec of AGENT_COMMANDS) {
    const command = program
      .command(spec.name)
      .description(spec.description)
      .argument('<pid|host:port>', 'a process running a gops agent, or the address the agent listens on')
    if (spec.name === 'setgc') command.argument('<percent|off>', 'the new GOGC value')
    if (spec.json) command.option('--json', 'print the reply as JSON')
    if (spec.file) command.option('-o, --output <file>', 'write the data here instead of a new temp file')
    if (spec.name.startsWith('pprof-')) command.option('--binary <file>', "also save the agent's executable here, for pprof to symbolise")
    command
      .option('--timeout <duration>', `deadline for the whole exchange, ${DURATION_HELP} (default: 30s plus any profiling time)`)
      .option('--connect-timeout <duration>', `deadline for connecting, ${DURATION_HELP}`, '5s')
      .action(async (...args: unknown[]) => {
        const self = args[args.length - 1] as Command
        const [target, percent] = self.args
        await agentRequests().runAgentCommand(spec.name, target, percent, self.opts())
      })
  }
}
