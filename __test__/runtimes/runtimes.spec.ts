// npm run test:runtimes: one conformance suite of the public API (conformance.mjs) in every
// runtime of the matrix (helpers/runtimes.ts), from a project that installed the packed
// package; the CommonJS entry from a .cjs file; and the CLI as each runtime's users start it.
import test, { type ExecutionContext } from 'ava'
import { spawn } from 'node:child_process'
import { delimiter, dirname, join } from 'node:path'
import { buildGo, gopsCli } from '../../support/go'
import { runtimes, type Runtime } from '../helpers/runtimes'
import { startGoAgent, type GoAgent } from '../../support/go-agent'
import { consumerProject } from './consumer'

let consumer: string
let hello: string
let goAgent: GoAgent
let gops: string

test.before(async () => {
  consumer = consumerProject()
  hello = buildGo({ program: 'hello', name: 'hello' })
  gops = gopsCli()
  goAgent = await startGoAgent()
})

test.after.always(() => goAgent?.stop())

interface Outcome {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a command in the consumer project; resolves (never rejects) with what it printed. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 180_000): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: consumer, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** How each runtime runs a script file (Deno: with the permissions a gops tool needs, all of them). */
function scriptCommand(runtime: Runtime, script: string): [string, string[]] {
  const executable = runtime.executable()
  return runtime.kind === 'deno' ? [executable, ['run', '--allow-all', script]] : [executable, [script]]
}

/**
 * The CLI as users of each runtime start it: `npx gops-native` with that Node first on PATH (the
 * bin's `#!/usr/bin/env node` picks it), `bunx --bun gops-native` (without --bun, bunx honours
 * the shebang and runs Node), `deno run -A npm:gops-native`.
 */
function cliCommand(runtime: Runtime, args: string[]): [string, string[], NodeJS.ProcessEnv] {
  const executable = runtime.executable()
  const pathFirst = { PATH: `${dirname(executable)}${delimiter}${process.env.PATH}` }
  if (runtime.kind === 'bun') return [executable, ['x', '--bun', 'gops-native', ...args], pathFirst]
  if (runtime.kind === 'deno') return [executable, ['run', '--allow-all', 'npm:gops-native', ...args], {}]
  return ['npx', ['--no-install', 'gops-native', ...args], pathFirst]
}

function judge(t: ExecutionContext, outcome: Outcome): void {
  const lines = outcome.stdout.split('\n')
  const results = lines.filter((line) => line.startsWith('CONFORMANCE ')).map((line) => JSON.parse(line.slice(12)) as { name: string; ok: boolean; detail: string })
  for (const { name, ok, detail } of results) t.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`)
  const failed = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`)
  t.deepEqual(failed, [], `checks failed (stderr: ${outcome.stderr.slice(-2000)})`)
  t.true(results.length >= 20, `only ${results.length} checks ran (stderr: ${outcome.stderr.slice(-2000)})`)
  t.true(lines.includes('CONFORMANCE-END'), `the suite did not finish (exit ${outcome.code}; stderr: ${outcome.stderr.slice(-2000)})`)
  t.is(outcome.code, 0, `exit code (stderr: ${outcome.stderr.slice(-2000)})`)
}

for (const runtime of runtimes) {
  test.serial(`${runtime.name} (${runtime.version}): the public API's conformance suite`, async (t) => {
    const [command, args] = scriptCommand(runtime, 'conformance.mjs')
    const config = { hello, gopsCli: gops, goAgent: { pid: goAgent.pid, port: goAgent.port, configDir: goAgent.configDir } }
    judge(t, await run(command, args, { GOPS_CONFORMANCE: JSON.stringify(config) }))
  })

  test.serial(`${runtime.name}: the CommonJS entry from a .cjs file`, async (t) => {
    const [command, args] = scriptCommand(runtime, 'entry.cjs')
    const outcome = await run(command, [...args, hello])
    t.is(outcome.code, 0, outcome.stderr)
    const { exports, goVersion } = JSON.parse(outcome.stdout) as { exports: string[]; goVersion: string }
    t.true(exports.includes('agent') && exports.includes('Scanner') && exports.includes('inspect'), exports.join(','))
    t.regex(goVersion, /^go1\./)
  })

  test.serial(`${runtime.name}: the CLI as its users run it`, async (t) => {
    const [command, args, env] = cliCommand(runtime, ['inspect', '--json', hello])
    const inspected = await run(command, args, env)
    t.is(inspected.code, 0, inspected.stderr)
    t.regex((JSON.parse(inspected.stdout) as Array<{ result: { goVersion: string } }>)[0].result.goVersion, /^go1\./)
    // A failure is one plain line on stderr and exit code 1, in every runtime.
    const [c2, a2, e2] = cliCommand(runtime, ['stats', '999999999'])
    const failed = await run(c2, a2, e2)
    t.is(failed.code, 1, failed.stderr)
    t.regex(failed.stderr, /^gops-native: .*999999999.*\n$/)
    // Listing finds the Go agent started for this suite, through the addon, in this runtime.
    const [c3, a3, e3] = cliCommand(runtime, ['list', '--json'])
    const listed = await run(c3, a3, { ...e3, GOPS_CONFIG_DIR: goAgent.configDir })
    t.is(listed.code, 0, listed.stderr)
    t.true((JSON.parse(listed.stdout) as Array<{ pid: number }>).some((p) => p.pid === goAgent.pid), listed.stdout.slice(0, 500))
  })
}
