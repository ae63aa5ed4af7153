// The CLI's process views: gops's list, tree and process output, checked against formats
// worked out from gops's code and against the real gops CLI on real processes.
import test from 'ava'
import { execFile, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import type { GoProcess } from '../index'
import { formatGoDuration } from '../src/client/go-values'
import { parseCliDuration } from '../src/cli/duration'
import { formatList, formatTree } from '../src/cli/actions/processes'
import { formatElapsed } from '../src/cli/actions/process'
import { startTarget } from '../support/node-agent'
import { cliArgs, runCli } from './helpers/cli'
import { buildGo, goVersion, gopsCli } from '../support/go'
import { startProcess } from './helpers/processes'

const configDir = mkdtempSync(join(tmpdir(), 'gops-cli-'))
test.after.always(() => rmSync(configDir, { recursive: true, force: true }))
const env = { ...process.env, GOPS_CONFIG_DIR: configDir }

const cli = (...args: string[]) => runCli(args, { GOPS_CONFIG_DIR: configDir })

function goProcess(pid: number, ppid: number, name: string, goVersion: string | null, agent = false): GoProcess {
  return { pid, ppid, name, path: `/bin/${name}`, deleted: false, runtime: 'go', goVersion, buildInfo: null, agent, agentPort: agent ? 40123 : null, portFile: agent ? `/tmp/${pid}` : null, startedMs: 0, nsPid: null, container: null }
}

test('list pads every column to its widest value and stars agents, as gops does', (t) => {
  const text = formatList([
    goProcess(7, 1, 'a', 'go1.26.8', true),
    goProcess(12345, 700, 'longer-name', 'devel +b1d4f2e Tue Jan 2 15:04:05 2024 +0000'),
    goProcess(99, 7, 'mid', null),
  ])
  t.is(
    text,
    '7     1   a          * go1.26.8       /bin/a\n' +
      '12345 700 longer-name  devel +b1d4f2e /bin/longer-name\n' +
      '99    7   mid          unknown        /bin/mid\n',
  )
})

test('tree follows gops: parents in PPID order, [*] for agents, versions in braces', (t) => {
  const text = formatTree([
    goProcess(20, 10, 'child', 'go1.26.8', true),
    goProcess(10, 1, 'parent', 'go1.26.8'),
    goProcess(30, 1, 'sibling', 'go1.25.0'),
    goProcess(40, 5, 'other', 'go1.26.8'),
  ])
  t.is(
    text,
    '...\n' +
      '├── 1\n' +
      '│   ├── 10 (parent) {go1.26.8}\n' +
      '│   │   └── [*]  20 (child) {go1.26.8}\n' +
      '│   └── 30 (sibling) {go1.25.0}\n' +
      '└── 5\n' +
      '    └── 40 (other) {go1.26.8}\n',
  )
})

test('a reader that stops early (| head) ends the CLI quietly: no EPIPE stack, exit code 0', async (t) => {
  const child = spawn(process.execPath, cliArgs('list', '--json'), { env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.destroy()
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const [code] = (await once(child, 'close')) as [number | null]
  t.is(stderr, '')
  t.is(code, 0)
})

test('process <pid> <period> on a process that exits meanwhile says so, exit code 1', async (t) => {
  // Lives long enough for the CLI to start on a heavily loaded machine (5 s was not: the CLI took
  // longer at load average 20+), and ends well within the period.
  const child = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['15'])
  const result = await cli('process', String(child.pid), '60s')
  t.is(result.code, 1)
  t.is(result.stderr, `gops-native: process ${child.pid} exited while its CPU use was being sampled\n`)
})

test('elapsed time and periods use ps and Go formats', (t) => {
  t.is(formatElapsed(5_000), '00:05')
  t.is(formatElapsed(3_725_000), '01:02:05')
  t.is(formatElapsed(2 * 86_400_000 + 3_600_000), '02-01:00:00')
  t.is(parseCliDuration('1m30s', 'period').ms, 90_000)
  t.is(parseCliDuration('250ms', 'period').ms, 250)
  t.is(parseCliDuration('1.5h', 'period').ms, 5_400_000)
  t.is(parseCliDuration('0', 'period').ms, 0)
  t.throws(() => parseCliDuration('5', 'period'), { message: 'period 5: add a unit: 5ms or 5s' })
  t.throws(() => parseCliDuration('0.5', 'period'), { message: 'period 0.5: add a unit: 0.5ms or 0.5s' })
  t.throws(() => parseCliDuration('s', 'period'), { message: /^period wants a duration with a unit/ })
  t.throws(() => parseCliDuration('-5s', 'period'), { message: /^period wants a duration/ })
  t.throws(() => parseCliDuration('0s', '--timeout', true), { message: /^--timeout wants a positive duration/ })
  t.is(formatGoDuration(2_000), '2s')
  t.is(formatGoDuration(90_000), '1m30s')
  t.is(formatGoDuration(1_500), '1.5s')
  t.is(formatGoDuration(250), '250ms')
  t.is(formatGoDuration(3_600_000), '1h0m0s')
})

test('process <pid> prints what gops prints for the same process', async (t) => {
  const child = await startProcess(t, buildGo({ program: 'withagent', name: 'withagent' }), [], { env, ready: 'ready' })
  const gops = execFileSync(gopsCli(), [String(child.pid)], { env, encoding: 'utf8' })
  const ours = await cli(String(child.pid))
  t.is(ours.code, 0, ours.stderr)
  const fields = (text: string) => text.trim().split('\n').map((line) => line.split('\t'))
  const theirs = fields(gops)
  const mine = fields(ours.stdout)
  t.deepEqual(mine.map(([key]) => key), theirs.map(([key]) => key))
  for (const [i, [key, value]] of mine.entries()) {
    // Usage, age and the runtime's thread count move between the two runs.
    if (/^(threads|memory usage|cpu usage|elapsed time):$/.test(key)) t.regex(value, /^(\d+|\d+\.\d{3}%|\d{2}:\d{2})$/)
    else t.is(value, theirs[i][1], key)
  }
  t.true(mine.some(([key, value]) => key === 'local/remote:' && / \(LISTEN\)$/.test(value)), 'the agent listens')
})

test('process with a period samples CPU use, and --json carries the same facts', async (t) => {
  const child = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['600'])
  const sampled = await cli('process', String(child.pid), '200ms')
  t.regex(sampled.stdout, /^cpu usage \(200ms\):\t\d+\.\d{3}%$/m)
  const json = JSON.parse((await cli('process', String(child.pid), '--json')).stdout)
  t.like(json, { pid: child.pid, ppid: process.pid, args: [json.args[0], '600'] })
  // Its only sockets are the stdio pipes Node made for it.
  t.true(json.connections.every((c: { protocol: string }) => c.protocol === 'unix'))
})

test('list and tree show our processes in gops\'s format', async (t) => {
  const binary = buildGo({ program: 'hello', name: 'hello' })
  const child = await startProcess(t, binary, ['600'])
  const list = await cli()
  t.is(list.code, 0)
  const row = list.stdout.split('\n').find((line) => line.startsWith(`${child.pid} `))
  t.deepEqual(row?.split(/\s+/), [String(child.pid), String(process.pid), 'hello', goVersion(), binary])
  const tree = await cli('tree')
  const lines = tree.stdout.split('\n')
  const parent = lines.findIndex((line) => line.endsWith(`── ${process.pid}`))
  const own = lines.findIndex((line) => line.endsWith(`── ${child.pid} (hello) {${goVersion()}}`))
  t.true(parent > 0 && own > parent, tree.stdout)
  t.is(lines[own].indexOf('──'), lines[parent].indexOf('──') + 4, 'one level under its parent')
  const json = JSON.parse((await cli('list', '--json')).stdout) as GoProcess[]
  t.like(json.find((p) => p.pid === child.pid), { name: 'hello', runtime: 'go', agent: false })
})

test('list and tree star a Node process running our agent, with node as its version', async (t) => {
  const target = await startTarget(t, { behaviour: 'idle', configDir })
  const node = realpathSync(process.execPath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const list = await cli('list')
  t.regex(list.stdout, new RegExp(`^${target.pid} +${process.pid} +node *\\* node +${node}$`, 'm'))
  const tree = await cli('tree')
  t.regex(tree.stdout, new RegExp(`── \\[\\*\\]  ${target.pid} \\(node\\) \\{node\\}$`, 'm'))
  const json = JSON.parse((await cli('list', '--json')).stdout) as GoProcess[]
  t.like(json.find((p) => p.pid === target.pid), { name: 'node', runtime: 'node', agent: true, goVersion: null })
})

test('a PID with no process is a plain error with exit code 1', async (t) => {
  const result = await cli('process', '2147483646')
  t.is(result.code, 1)
  t.is(result.stderr, 'gops-native: no process with PID 2147483646\n')
  t.is((await cli('12x')).code, 1)
})

test('the plain list loads only what it needs: not commander, the client, the agent, the inspect module or its report', async (t) => {
  const root = join(__dirname, '..')
  const script = `const { run } = require('./src/cli/entry.ts');
    run(process.argv.slice(1)).then(() => process.stderr.write(JSON.stringify(Object.keys(require.cache))))`
  for (const args of [[], ['list'], ['--json'], ['list', '--json']]) {
    const { stderr } = await new Promise<{ stderr: string }>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', '-e', script, '--', ...args], { cwd: root, env, maxBuffer: 1 << 24 }, (error, _stdout, stderr) =>
        error ? reject(error) : resolve({ stderr }),
      ),
    )
    const loaded = (JSON.parse(stderr) as string[]).map((file) => relative(root, file))
    t.true(loaded.includes(join('src', 'cli', 'actions', 'processes.ts')), `${args.join(' ')}: ${loaded.join(', ')}`)
    const unwanted = loaded.filter((file) => /node_modules[\\/]commander|src[\\/](client|agent)[\\/]|src[\\/]inspect\.ts$|actions[\\/]inspect|src[\\/]cli[\\/]main/.test(file))
    t.deepEqual(unwanted, [], args.join(' '))
  }
})
