// The command as installed: bin/gops-native.js runs dist/src/cli/entry.bundle.js (the entry and
// its two commander-free paths bundled into one file by scripts/bundle-cli.ts, for start-up time)
// and loads the rest of the CLI from dist. The other CLI tests run it from source; these check
// the installed shape answers the same. They read the build `npm install` made (`npm run build`
// after a change).
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../src/package-root'
import { runCli } from './helpers/cli'
import { cBinary, goFixtures } from '../support/go-binaries'

const bin = join(packageRoot, 'bin', 'gops-native.js')

function installed(args: string[]): { code: number; stdout: string; stderr: string } {
  if (!existsSync(join(packageRoot, 'dist', 'src', 'cli', 'entry.bundle.js'))) throw new Error('no build: run `npm run build`')
  const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' })
  return { code: run.status ?? 1, stdout: run.stdout, stderr: run.stderr }
}

test('inspect (text and --json), with a file that is not Go and one that is missing, answers as from source', async (t) => {
  const files = [...goFixtures.slice(0, 3).map((f) => f.file()), cBinary(), join(packageRoot, 'no-such-file')]
  for (const args of [['inspect', ...files], ['inspect', '--json', ...files]]) {
    const ours = installed(args)
    t.deepEqual(ours, await runCli(args), args.join(' '))
    t.is(ours.code, 1)
  }
})

test('the plain list, and commands that go through commander (help, mistakes), answer as from source', async (t) => {
  const list = installed(['list', '--json'])
  t.is(list.code, 0, list.stderr)
  t.true(Array.isArray(JSON.parse(list.stdout)))
  for (const args of [['--help'], ['inspect', '--help'], ['no-such-command'], ['inspect', '--concurrency', 'x', 'file']]) {
    t.deepEqual(installed(args), await runCli(args), args.join(' '))
  }
})
