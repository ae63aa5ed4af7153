// A usage mistake is one plain line on stderr saying what is wrong and where to look, exit 1;
// --help and --version print to stdout and exit 0. Through the real CLI.
import test from 'ava'
import { join } from 'node:path'
import { runCli } from './helpers/cli'

const mistakes: Array<[string[], string]> = [
  [['nosuch'], "unknown command 'nosuch': see gops-native --help"],
  [['stak', '1'], "unknown command 'stak' (did you mean stack?): see gops-native --help"],
  [['stack'], "missing required argument 'pid|host:port': see gops-native stack --help"],
  [['memstats', '1', '--bogus'], "unknown option '--bogus': see gops-native memstats --help"],
  [['inspect'], "missing required argument 'file': see gops-native inspect --help"],
  [['--bogus'], "unknown option '--bogus': see gops-native list --help"],
  [['inspect', '--concurrency', '0', '/bin/true'], "option '--concurrency <n>' argument '0' is invalid. expected a positive integer: see gops-native inspect --help"],
]
for (const [args, line] of mistakes) {
  test(`gops-native ${args.join(' ')}: one line, exit 1`, async (t) => {
    const result = await runCli(args)
    t.is(result.code, 1)
    t.is(result.stdout, '')
    t.is(result.stderr, `gops-native: ${line}\n`)
  })
}

test('--help and --version: stdout, exit 0', async (t) => {
  const help = await runCli(['--help'])
  t.is(help.code, 0)
  t.regex(help.stdout, /^Usage: gops-native /)
  t.is(help.stderr, '')
  const version = await runCli(['--version'])
  t.is(version.code, 0)
  t.regex(version.stdout, /^\d+\.\d+\.\d+\n$/)
})

// A plain `inspect FILE...` is read without commander (start-up); it must answer exactly as the
// commander path does, and --help or a mistake still goes to commander.
test('a plain inspect loads no commander and prints what the commander path prints', async (t) => {
  const { execFile } = await import('node:child_process')
  const root = join(__dirname, '..')
  const files = [process.execPath, __filename, join(root, 'no-such-file')]
  const script = (entry: string) => `const m = require(${JSON.stringify(entry)});
    Promise.resolve(m.${entry.endsWith('entry.ts') ? 'run' : 'main'}(JSON.parse(process.env.CLI_ARGS))).then(() => {
      process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('node_modules/commander'))) + ' ' + process.exitCode + '\\n')
    })`
  const run = (entry: string, args: string[]) =>
    new Promise<{ stdout: string; stderr: string }>((resolve) =>
      // The arguments travel in the environment: after `node -e ... --`, `inspect` would start Node's debugger.
      execFile(process.execPath, ['--import', 'tsx', '-e', script(entry)], { cwd: root, env: { ...process.env, CLI_ARGS: JSON.stringify(args) }, maxBuffer: 1 << 24 }, (_e, stdout, stderr) =>
        resolve({ stdout, stderr }),
      ),
    )
  for (const args of [['inspect', ...files], ['inspect', '--json', ...files], ['inspect', '--concurrency', '2', ...files]]) {
    const fast = await run('./src/cli/entry.ts', args)
    const full = await run('./src/cli/main.ts', args)
    t.regex(fast.stderr, /\nLOADED \[\] 1\n$/, args.join(' '))
    t.regex(full.stderr, /\nLOADED \[".*commander.*\] 1\n$/, args.join(' '))
    t.is(fast.stdout, full.stdout, args.join(' '))
    t.is(fast.stderr.replace(/\nLOADED .*\n$/, ''), full.stderr.replace(/\nLOADED .*\n$/, ''), args.join(' '))
  }
})
