// The typed client and the CLI's text commands against the real Go gops agent, compared with
// the real gops CLI talking to the same process.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { client, isGopsError } from '../index'
import { parseMemStats } from '../src/client/memstats'
import { runCli } from './helpers/cli'
import { goVersion } from '../support/go'
import { runGops, startGoAgent, type GoAgent } from '../support/go-agent'
import { testUnless } from './helpers/skip'

let agent: GoAgent
test.before(async () => {
  agent = await startGoAgent()
})
test.after.always(() => agent?.stop())

const options = () => ({ configDir: agent.configDir })
const address = () => `127.0.0.1:${agent.port}`
const cli = (...args: string[]) => runCli(args, { GOPS_CONFIG_DIR: agent.configDir })
/** The Go agent's reply (every test here talks to Go's agent): fails on the Node agent's. */
function goReply<Reply extends { runtime: 'go' | 'node' }>(reply: Reply): Extract<Reply, { runtime: 'go' }> {
  if (reply.runtime !== 'go') throw new Error(`expected the Go agent's reply, got the ${reply.runtime} agent's`)
  return reply as Extract<Reply, { runtime: 'go' }>
}
const keysOf = (text: string) => text.trim().split('\n').map((line) => line.slice(0, line.indexOf(':')))

test('version, by pid and by host:port, is what gops prints', async (t) => {
  const [byPid, byAddress, ours, gops] = await Promise.all([
    client.version(agent.pid, options()),
    client.version(address()),
    cli('version', String(agent.pid)),
    runGops(agent, ['version', String(agent.pid)]),
  ])
  t.is(byPid, goVersion())
  t.is(byAddress, goVersion())
  t.is(ours.stdout, gops)
  t.deepEqual(JSON.parse((await cli('version', '--json', address())).stdout), { version: goVersion() })
})

test('stats are parsed, and the CLI prints the same lines as gops', async (t) => {
  const [byPid, byAddress, ours, gops] = await Promise.all([
    client.stats(agent.pid, options()).then(goReply),
    client.stats(address()).then(goReply),
    cli('stats', address()),
    runGops(agent, ['stats', String(agent.pid)]),
  ])
  t.true(byPid.goroutines >= 1 && byPid.osThreads >= 1)
  t.is(byAddress.numCPU, byPid.numCPU)
  t.deepEqual(keysOf(ours.stdout), keysOf(gops))
  t.deepEqual(keysOf(gops), ['goroutines', 'OS threads', 'GOMAXPROCS', 'num CPU'])
  // GOMAXPROCS and num CPU do not change while the process runs.
  t.deepEqual(ours.stdout.split('\n').slice(2), gops.split('\n').slice(2))
  t.deepEqual(JSON.parse((await cli('stats', '--json', String(agent.pid))).stdout).numCPU, byPid.numCPU)
})

test('memstats are parsed from the v0.3.28 agent, and the CLI prints gops keys in gops order', async (t) => {
  const [stats, ours, gops] = await Promise.all([
    client.memStats(agent.pid, options()).then(goReply),
    cli('memstats', String(agent.pid)),
    runGops(agent, ['memstats', String(agent.pid)]),
  ])
  t.deepEqual(keysOf(ours.stdout), keysOf(gops))
  t.deepEqual(keysOf(stats.raw), keysOf(gops))
  t.true(stats.heapAlloc > 0 && stats.sys >= stats.heapSys)
  t.true(stats.mspanInUse > 0 && stats.mcacheSys > 0)
  t.is(stats.buckHashSys, undefined)
  t.true(stats.enableGC)
  // The raw byte counts survive parsing exactly.
  t.is(`${stats.alloc}`, stats.raw.match(/^alloc: .*?(\d+) bytes\)?$/m)![1])

  const json = JSON.parse((await cli('memstats', '--json', address())).stdout)
  t.is(json.raw, undefined)
  t.is(typeof json.heapObjects, 'number')
})

test("memstats in gops master's spelling parse to the same values", async (t) => {
  await client.gc(agent.pid, options()) // so last-gc and gc-pause-end hold times
  const legacy = goReply(await client.memStats(agent.pid, options()))
  t.true(legacy.lastGC instanceof Date && legacy.gcPauseEnd instanceof Date)
  const master = legacy.raw
    .replace('stack-mspan-inuse:', 'mspan-in-use:')
    .replace('stack-mspan-sys:', 'mspan-sys:')
    .replace('stack-mcache-inuse:', 'mcache-in-use:')
    .replace('stack-mcache-sys:', 'mcache-sys:')
    .replace('other-sys:', 'buck-hash-sys: 1.50KB (1536 bytes)\nother-sys:')
  const parsed = parseMemStats(master)
  t.deepEqual({ ...parsed, raw: legacy.raw, buckHashSys: undefined }, { ...legacy, buckHashSys: undefined })
  t.is(parsed.buckHashSys, 1536)
})

test('gc runs a collection; like gops, the CLI prints nothing', async (t) => {
  const before = goReply(await client.memStats(address()))
  await client.gc(agent.pid, options())
  const after = goReply(await client.memStats(address()))
  t.true(after.numForcedGC > before.numForcedGC)
  const [ours, gops] = await Promise.all([cli('gc', String(agent.pid)), runGops(agent, ['gc', String(agent.pid)])])
  t.is(ours.code, 0)
  t.is(ours.stdout, gops)
  t.deepEqual(JSON.parse((await cli('gc', '--json', address())).stdout), { ok: true })
})

test('setgc round-trips through both clients, off included', async (t) => {
  t.deepEqual(await client.setGC(agent.pid, 50, options()), { percent: 50, previous: 100 })
  t.is(await runGops(agent, ['setgc', String(agent.pid), '80']), 'New GC percent set to 80. Previous value was 50.\n')
  t.is((await cli('setgc', address(), 'off')).stdout, 'New GC percent set to -1. Previous value was 80.\n')
  t.is(await runGops(agent, ['setgc', String(agent.pid), '120']), 'New GC percent set to 120. Previous value was -1.\n')
  t.deepEqual(JSON.parse((await cli('setgc', '--json', String(agent.pid), '100')).stdout), { percent: 100, previous: 120 })
  const bad = await cli('setgc', String(agent.pid), 'lots')
  t.is(bad.code, 1)
  t.regex(bad.stderr, /^gops-native: the GC percent must be an integer or "off", not "lots"\n$/)
})

test('stack lists goroutines like gops does', async (t) => {
  const [byPid, ours, gops] = await Promise.all([
    client.stack(agent.pid, options()),
    cli('stack', address()),
    runGops(agent, ['stack', String(agent.pid)]),
  ])
  for (const text of [byPid, ours.stdout, gops]) {
    t.regex(text, /^goroutine \d+ \[running\]:$/m)
    t.regex(text, /^main\.main\(\)$/m)
  }
})

test('an agent answers a command byte it does not know with nothing: EMPTY_REPLY', async (t) => {
  const error = await t.throwsAsync(client.request(agent.pid, 0x7f, options()))
  t.true(isGopsError(error))
  t.is((error as { code?: string }).code, 'EMPTY_REPLY')
  t.regex(error!.message, new RegExp(`pid ${agent.pid} \\(127\\.0\\.0\\.1:${agent.port}\\).*command 0x7f`))
})

const pidNamespaces = spawnSync('unshare', ['-pf', '--mount-proc', 'true']).status === 0
testUnless(pidNamespaces ? null : 'unshare -p is not permitted here: cannot start a process in its own PID namespace')('an agent in its own PID namespace is found through /proc/<pid>/root and its NSpid', async (t) => {
  const contained = await startGoAgent(['unshare', '-pf', '--mount-proc'], (wrapper) =>
    Number(readFileSync(`/proc/${wrapper.pid}/task/${wrapper.pid}/children`, 'utf8').trim()),
  )
  t.teardown(() => contained.stop())
  // Its port file is named 1 (its PID inside), and found without configDir: through its environment.
  t.regex(readFileSync(`/proc/${contained.pid}/status`, 'utf8'), /^NSpid:\s+\d+\s+1$/m)
  t.is(await client.version(contained.pid), goVersion())
})
