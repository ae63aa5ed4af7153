// The `gops-native` command line. One rule names its files: `commands/<group>.ts` registers a
// group of commands (arguments, options, help) and `actions/<group>.ts`, loaded lazily when one
// of them runs, does the work; so a command pays start-up only for what it uses (and entry.ts
// runs the plain list without loading this at all). Shared plumbing sits beside them.
import { Command, CommanderError } from 'commander'
import { packageVersion } from '../package-root'
import { onStdoutError, reportError } from './output'
import { registerAgentRequests } from './commands/agent-requests'
import { registerExporter } from './commands/exporter'
import { registerInspectCommand } from './commands/inspect'
import { registerProcess } from './commands/process'
import { registerProcesses } from './commands/processes'
import { registerSbom } from './commands/sbom'
import { registerVulnsCommand } from './commands/vulns'

type Register = (program: Command) => void

const registrations: Register[] = [registerProcesses, registerProcess, registerAgentRequests, registerInspectCommand, registerSbom, registerVulnsCommand, registerExporter]

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
    // Commander's own lines (its message, a suggestion, a hint) become one line in main().
    .configureOutput({ outputError: () => {} })
    .exitOverride()
  for (const register of registrations) register(program)
  return program
}

/**
 * Commander's error as one plain line, with where to look: `error: unknown command 'stak'\n(Did
 * you mean stack?)` becomes `unknown command 'stak' (did you mean stack?): see gops-native --help`.
 */
function usageLine(error: CommanderError, program: Command, args: string[]): string {
  const text = error.message
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim().replace(/^\(Did you mean/, '(did you mean'))
    .filter((line) => line !== '')
    .join(' ')
  const command = program.commands.find((c) => c.name() === args[0] || c.aliases().includes(args[0]))
  return `${text}: see gops-native ${command ? `${command.name()} ` : ''}--help`
}

export async function main(args: string[]): Promise<void> {
  process.stdout.on('error', onStdoutError)
  const program = buildProgram()
  const expanded = expandShorthand(args)
  try {
    await program.parseAsync(expanded, { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version printed what was asked; anything else is a usage mistake.
      if (error.exitCode !== 0) process.stderr.write(`gops-native: ${usageLine(error, program, expanded)}\n`)
      process.exitCode = error.exitCode === 0 ? 0 : 1
      return
    }
    process.exitCode = reportError(error)
  }
}
