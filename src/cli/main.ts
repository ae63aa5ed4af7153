// The `gops-native` command line. Each command module registers itself and loads its
// implementation lazily, so a command pays start-up only for what it uses (and entry.ts runs
// the plain list without loading this at all).
import { Command, CommanderError } from 'commander'
import { packageVersion } from '../package-root'
import { onStdoutError, reportError } from './output'
import { registerAgentCommands } from './commands/agent'
import { registerExporter } from './commands/exporter'
import { registerInspectCommand } from './commands/inspect'
import { registerProcesses } from './commands/processes'
import { registerSbom } from './commands/sbom'

type Register = (program: Command) => void

const registrations: Register[] = [registerProcesses, registerAgentCommands, registerInspectCommand, registerSbom, registerExporter]

/** gops's shorthands: no command lists processes; a bare PID shows that process. */
function expandShorthand(args: string[]): string[] {
  const first = args[0]
  if (first === undefined || (first.startsWith('-') && first !== '-h' && first !== '--help' && first !== '-V' && first !== '--version')) {
    return ['list', ...args]
  }
  if (/^\d+$/.test(first)) return ['process', ...args]
  return args
}

export function buildProgram(): Command {
  const program = new Command('gops-native')
    .description('Find Go (and gops-native Node) processes, inspect Go executables, and talk to gops agents.')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
  for (const register of registrations) register(program)
  return program
}

export async function main(args: string[]): Promise<void> {
  process.stdout.on('error', onStdoutError)
  const program = buildProgram()
  try {
    await program.parseAsync(expandShorthand(args), { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode
      return
    }
    process.exitCode = reportError(error)
  }
}
