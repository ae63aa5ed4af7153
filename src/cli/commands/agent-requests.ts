// gops's agent commands, requests sent to a running gops agent: `gops-native <command>
// <pid|host:port>`. Only registration lives here; the work (actions/agent-requests.ts) is loaded
// when a command runs.
import type { Command } from 'commander'
import type { AgentCommandName } from '../actions/agent-requests'
import { commandOfName } from '../../protocol/commands'
import { DURATION_HELP } from '../duration'

// A lazy `require`, not `import()`, which would start Node's ESM loader (see processes.ts).
const agentRequests = () => require('../actions/agent-requests.js') as typeof import('../actions/agent-requests.js')

/** What the CLI adds to a command of the protocol's table (src/protocol/commands.ts). */
interface CliExtras {
  /** The reply has structure worth printing as JSON. */
  json?: boolean
  /** The reply is binary and goes to a file. */
  file?: boolean
}

// Every command people type, in gops's order; the binary dump has none of its own (pprof-*
// --binary fetches it).
const CLI_EXTRAS: Record<AgentCommandName, CliExtras> = {
  stack: {},
  gc: { json: true },
  setgc: { json: true },
  memstats: { json: true },
  stats: { json: true },
  version: { json: true },
  trace: { file: true },
  'pprof-heap': { file: true },
  'pprof-cpu': { file: true },
}

const AGENT_COMMANDS = (Object.keys(CLI_EXTRAS) as AgentCommandName[]).map((name) => ({ ...commandOfName(name), ...CLI_EXTRAS[name], name }))

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
