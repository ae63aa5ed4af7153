// Our client and our CLI against Node processes running our agent: every command, by PID
// (port file in the target's own GOPS_CONFIG_DIR) and by host:port.
import test, { type ExecutionContext } from 'ava'
import { execFile } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { client, GopsError, type ClientOptions, type GopsErrorCode, type NodeReply } from '../index'
import { type AgentTarget, startTarget, tempDir } from '../support/node-agent'
import { runCli } from './helpers/cli'

const execFileAsync = promisify(execFile)

const byPid = (target: AgentTarget): [number, ClientOptions] => [target.pid, { configDir: target.configDir }]
const address = (target: AgentTarget) => `127.0.0.1:${target.port}`
const cli = (target: AgentTarget, ...args: string[]) => runCli(args, { GOPS_CONFIG_DIR: target.configDir })
const spinning = (t: ExecutionContext, options = {}) => startTarget(t, { behaviour: 'spin', options })

/** Narrows a memstats or stats result to the Node agent's, failing the test otherwise. */
function nodeReply(t: ExecutionContext, result: { runtime: string }): NodeReply {
  t.is(result.runtime, 'node')
  return result as NodeReply
}

async function rejects(t: ExecutionContext, promise: Promise<unknown>, code: GopsErrorCode, message: RegExp): Promise<void> {
  const error = await t.throwsAsync(promise, { instanceOf: GopsError })
  t.is((error as GopsError).code, code, error?.message)
  t.regex(error!.message, message)
}

/** `go tool pprof -top` output (its header goes to stderr). */
async function pprofTop(file: string): Promise<string> {
  const { stdout, stderr } = await execFileAsync('go', ['tool', 'pprof', '-top', file])
  return stderr + stdout
}

test('version: node and its engine, by pid and host:port, in the API and the CLI', async (t) => {
  const target = await spinning(t)
  const [pid, options] = byPid(target)
  t.is(await client.version(pid, options), `node ${process.version}`)
  // Without configDir the port file is found through the process's own GOPS_CONFIG_DIR.
  t.is(await client.version(pid), `node ${process.version}`)
  const info = await client.versionInfo(address(target))
  t.like(info, { runtime: 'node', version: `node ${process.version}`, components: { v8: process.versions.v8, uv: process.versions.uv } })
  const text = await cli(target, 'version', String(pid))
  t.is(text.stdout, info.raw)
  const json = await cli(target, 'version', '--json', address(target))
  t.deepEqual(JSON.parse(json.stdout), { runtime: 'node', version: info.version, components: info.components })
})

test('stats and memstats of a blocked main thread come back as the agent\'s fields', async (t) => {
  const target = await spinning(t)
  const stats = nodeReply(t, await client.stats(...byPid(target)))
  t.regex(stats.fields['event-loop'], /^blocked /)
  t.is(stats.fields['num CPU'], String(availableParallelism()))
  const memstats = nodeReply(t, await client.memStats(address(target)))
  t.regex(memstats.fields['main-thread'], /^blocked /)
  t.regex(memstats.fields.rss, /^[\d.]+MB \(\d+ bytes\)$/)
  const text = await cli(target, 'stats', String(target.pid))
  t.regex(text.stdout, /^OS threads: \d+\nnum CPU: \d+\nevent-loop: blocked /)
  const json = JSON.parse((await cli(target, 'memstats', '--json', address(target))).stdout)
  t.deepEqual(Object.keys(json), ['runtime', 'fields'])
  t.regex(json.fields['main-thread'], /^blocked /)
})

test('gc on an idle main thread collects; memstats counts it; the CLI prints nothing, or {ok} as JSON', async (t) => {
  const target = await startTarget(t, { behaviour: 'idle' })
  await client.gc(...byPid(target))
  const memstats = nodeReply(t, await client.memStats(...byPid(target)))
  t.true(Number(memstats.fields['num-major-gc']) >= 1, memstats.raw)
  t.regex(memstats.fields['heap-used'], /^[\d.]+MB \(\d+ bytes\)$/)
  t.like(nodeReply(t, await client.stats(address(target))).fields, { 'event-loop': 'responsive' })
  t.like(await cli(target, 'gc', String(target.pid)), { code: 0, stdout: '' })
  t.deepEqual(JSON.parse((await cli(target, 'gc', '--json', address(target))).stdout), { ok: true })
})

test('gc while main is blocked: AGENT_BUSY, naming the agent', async (t) => {
  const target = await spinning(t)
  await rejects(t, client.gc(address(target)), 'AGENT_BUSY', new RegExp(`Node agent at 127\\.0\\.0\\.1:${target.port} cannot run gc now: the main thread is blocked`))
})

test('setgc: NOT_SUPPORTED naming the address, in the API and the CLI (text and JSON)', async (t) => {
  const target = await startTarget(t, { behaviour: 'idle' })
  const where = `pid ${target.pid} \\(127\\.0\\.0\\.1:${target.port}\\)`
  await rejects(t, client.setGC(target.pid, 50, { configDir: target.configDir }), 'NOT_SUPPORTED', new RegExp(`Node agent at ${where} does not support setgc: Node has no setgc`))
  await rejects(t, client.setGC(address(target), 'off'), 'NOT_SUPPORTED', /asked for -1/)
  for (const args of [['setgc', String(target.pid), '50'], ['setgc', '--json', address(target), 'off']]) {
    const run = await cli(target, ...args)
    t.is(run.code, 1)
    t.is(run.stdout, '')
    t.regex(run.stderr, /^gops-native: the Node agent at .* does not support setgc: Node has no setgc: [^\n]*\n$/)
  }
})

test('stack shows the blocked main thread inside its function', async (t) => {
  const target = await spinning(t)
  const expected = /^thread main \[running\]:\n(.*\n)*spinForever\(\)\n\t.*agent-target\.ts:\d+:\d+$/m
  t.regex(await client.stack(...byPid(target)), expected)
  t.regex((await cli(target, 'stack', address(target))).stdout, expected)
})

test('pprof-heap: the API and the CLI fetch a profile that go tool pprof reads, and the node binary', async (t) => {
  const target = await spinning(t)
  const dir = tempDir(t)
  const viaApi = join(dir, 'api-heap.pb.gz')
  writeFileSync(viaApi, await client.heapProfile(...byPid(target)))
  t.regex(await pprofTop(viaApi), /^Type: inuse_space$(.*\n)*.*\bretainAllocations$/m)
  const [viaCli, binary] = [join(dir, 'cli-heap.pb.gz'), join(dir, 'node')]
  const run = await cli(target, 'pprof-heap', address(target), '-o', viaCli, '--binary', binary)
  t.is(run.stdout, `Profile dump saved to: ${viaCli}\nBinary file saved to: ${binary}\n`, run.stderr)
  t.regex(await pprofTop(viaCli), /\bretainAllocations$/m)
  // The binary dump is the node executable the target runs.
  t.is(statSync(binary).size, statSync(process.execPath).size)
})

test('pprof-cpu: a short profile through the API and the CLI; a trace meanwhile is AGENT_BUSY', async (t) => {
  const target = await spinning(t, { cpuProfileSeconds: 2, traceSeconds: 2 })
  const dir = tempDir(t)
  // Only one profile or trace runs at a time. The trace is sent 300 ms after the profile; on a
  // loaded host the profile may still not have begun, so whichever began first runs and the
  // other is refused as busy.
  const [profiled, traced] = await Promise.allSettled([
    client.cpuProfile(...byPid(target)),
    new Promise((resolve) => setTimeout(resolve, 300)).then(() => client.trace(address(target))),
  ])
  const refused = [profiled, traced].filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  t.is(refused.length, 1, 'exactly one of a concurrent profile and trace is refused')
  t.like(refused[0]?.reason, { code: 'AGENT_BUSY' })
  t.regex(String(refused[0]?.reason?.message), /cannot run (trace|pprof-cpu) now: another profile or trace is running/)
  t.log(profiled.status === 'fulfilled' ? 'the profile began first' : 'the trace began first (loaded host)')
  const viaApi = join(dir, 'api-cpu.pb.gz')
  writeFileSync(viaApi, profiled.status === 'fulfilled' ? profiled.value : await client.cpuProfile(...byPid(target)))
  t.regex(await pprofTop(viaApi), /^Type: cpu$/m)
  const viaCli = join(dir, 'cli-cpu.pb.gz')
  const run = await cli(target, 'pprof-cpu', String(target.pid), '--output', viaCli)
  t.is(run.stdout, `Profiling CPU now, for the Node agent's cpuProfileSeconds...\nProfile dump saved to: ${viaCli}\n`, run.stderr)
  t.regex(await pprofTop(viaCli), /^Type: cpu$/m)
})

test('trace: Chrome trace JSON through the API and the CLI', async (t) => {
  const target = await startTarget(t, { behaviour: 'tick', options: { traceSeconds: 0.5 } })
  const isTrace = (data: Buffer | string) => {
    const { traceEvents } = JSON.parse(String(data)) as { traceEvents: Array<{ pid: number }> }
    return traceEvents.length > 0 && traceEvents.some((e) => e.pid === target.pid)
  }
  t.true(isTrace(await client.trace(address(target))))
  const file = join(tempDir(t), 'trace.json')
  const run = await cli(target, 'trace', String(target.pid), '-o', file)
  t.is(run.stdout, `Tracing now, for the Node agent's traceSeconds...\nTrace dump saved to: ${file}\n`, run.stderr)
  t.true(isTrace(readFileSync(file)))
})
