// `gops-native vulns [FILE|PID ...] --db DB`: known vulnerabilities of Go executables and running
// Go processes, offline. Only registration lives here; the work is loaded when the command runs.
import type { Command } from 'commander'

// A lazy `require`, not `import()`, which would start Node's ESM loader.
const vulnsAction = () => require('../actions/vulns.js') as typeof import('../actions/vulns.js')

export function registerVulnsCommand(program: Command): void {
  program
    .command('vulns')
    .description(
      'Check Go executables (FILE) and running Go processes (PID; none: every Go process on the host) against a Go ' +
        'vulnerability database, offline: modules and the standard library by version, and whether a vulnerable ' +
        'function is in the binary (stripped binaries included). Exit status: 0 nothing found, 3 vulnerabilities ' +
        'found (0 with --json), 1 a target or the database could not be read.',
    )
    .argument('[target...]', 'executables and PIDs')
    .option('--db <db>', 'the database: a directory or http(s):// URL in the Go vulnerability database layout (govulncheck -db), a directory of OSV JSON files, or osv.dev\'s Go all.zip (default: $GOVULNDB)')
    .option('--json', 'print a JSON array, one object per target, in order')
    .action(async (targets: string[], options: { db?: string; json?: boolean }) => {
      process.exitCode = await vulnsAction().runVulns(targets, options)
    })
}
