// A usage mistake is one plain line on stderr saying what is wrong and where to look, exit 1;
// --help and --version print to stdout and exit 0. Through the real CLI.
import test from 'ava'
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
