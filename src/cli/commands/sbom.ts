// `gops-native sbom [FILE|PID...]`: a CycloneDX or SPDX document of Go executables. Only
// registration lives here; the work (and the CycloneDX library) loads when the command runs.
import { type Command, InvalidArgumentError, Option } from 'commander'

// A lazy `require`, not `import()`, which would start Node's ESM loader (see processes.ts).
const sbomRun = () => require('../actions/sbom.js') as typeof import('../actions/sbom.js')

function positiveInteger(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer')
  return n
}

export function registerSbom(program: Command): void {
  program
    .command('sbom')
    .description(
      'Print a software bill of materials of Go executables: the files and PIDs named, or every Go process on this host. ' +
        'One component per distinct executable with its main module, every dependency (after replace), the Go standard library, ' +
        'its build settings and the processes running it.',
    )
    .argument('[target...]', 'executables and PIDs (a file named like a number: ./123); none: every Go process on this host')
    .addOption(new Option('--format <format>', 'cyclonedx (CycloneDX 1.6 JSON) or spdx (SPDX 2.3 JSON)').choices(['cyclonedx', 'spdx']).default('cyclonedx'))
    .option('-o, --output <file>', 'write the document to this file (replaced whole, never half-written) instead of standard output')
    .option('--concurrency <n>', 'how many files to inspect at once (default: the number of CPUs, at most 8)', positiveInteger)
    .addHelpText(
      'after',
      '\nA target that yields nothing (missing, unreadable, not Go) is named on stderr and makes the exit code 1; the document lists the rest.\n' +
        'Feed it to a scanner, e.g.: gops-native sbom -o host.cdx.json && osv-scanner scan source -L host.cdx.json',
    )
    .action(async (targets: string[], options: import('../actions/sbom.js').SbomCliOptions) => {
      process.exitCode = await sbomRun().runSbom(targets, options)
    })
}
