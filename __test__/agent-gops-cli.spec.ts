// The real gops CLI (v0.3.28, from the Go module proxy) against Node processes running the agent.
import test from 'ava'
import { gopsCli } from '../support/go'
import { type AgentTarget, runGops, startTarget } from '../support/node-agent'

let gops: string
test.before(() => {
  gops = gopsCli()
})

/** A target whose main thread is stuck in spinForever(). */
const spinning = (t: Parameters<typeof startTarget>[0]): Promise<AgentTarget> => startTarget(t, { behaviour: 'spin' })
const idle = (t: Parameters<typeof startTarget>[0]): Promise<AgentTarget> => startTarget(t, { behaviour: 'idle' })

test('version names the Node release and its engine', async (t) => {
  const target = await spinning(t)
  const { code, stdout } = await runGops(gops, ['version', String(target.pid)], target)
  t.is(code, 0)
  t.is(stdout.split('\n')[0], `node ${process.version}`)
  t.regex(stdout, new RegExp(`^v8: ${process.versions.v8.replace(/\./g, '\\.')}$`, 'm'))
})

test('stack shows the blocked main thread inside its function', async (t) => {
  const target = await spinning(t)
  const { code, stdout } = await runGops(gops, ['stack', String(target.pid)], target)
  t.is(code, 0)
  t.regex(stdout, /^thread main \[running\]:\n/)
  t.regex(stdout, /^spinForever\(\)\n\t.*agent-target\.ts:\d+:\d+$/m)
})

test('stack reaches a main thread stuck in a native wait (Atomics.wait)', async (t) => {
  const target = await startTarget(t, { behaviour: 'wait' })
  const { code, stdout } = await runGops(gops, ['stack', String(target.pid)], target)
  t.is(code, 0)
  t.regex(stdout, /^thread main \[running\]:\nwaitForever\(\)\n/)
})

test('a main thread inside a synchronous native call is reported as blocked', async (t) => {
  const target = await startTarget(t, { behaviour: 'read' })
  const { code, stdout } = await runGops(gops, ['stack', String(target.pid)], target)
  t.is(code, 0)
  t.regex(stdout, /^thread main \[blocked\]:\nnot running JavaScript and not answering the agent: /)
  const memstats = await runGops(gops, ['memstats', String(target.pid)], target)
  t.regex(memstats.stdout, /^main-thread: blocked .*\nrss: [\d.]+MB \(\d+ bytes\)\n$/)
})

test('stats and memstats answer while main is blocked, and say so', async (t) => {
  const target = await spinning(t)
  const stats = await runGops(gops, ['stats', String(target.pid)], target)
  t.is(stats.code, 0)
  t.regex(stats.stdout, /^num CPU: \d+$/m)
  t.regex(stats.stdout, /^event-loop: blocked /m)
  const memstats = await runGops(gops, ['memstats', String(target.pid)], target)
  t.is(memstats.code, 0)
  t.regex(memstats.stdout, /^main-thread: blocked /m)
  t.regex(memstats.stdout, /^heap-used: [\d.]+MB \(\d+ bytes\)$/m)
})

test('pprof-heap: gops fetches the profile and the binary, and go tool pprof names the allocating function', async (t) => {
  const target = await spinning(t)
  const { code, stdout, stderr } = await runGops(gops, ['pprof-heap', String(target.pid)], target, 'top\n')
  t.is(code, 0, stderr)
  t.regex(stdout, /^Profile dump saved to: /m)
  t.regex(stdout, /^Binary file saved to: /m)
  t.regex(stderr, /^Type: inuse_space$/m) // pprof's header goes to stderr, its answers to stdout
  t.regex(stdout, /\bretainAllocations$/m)
})

test('gc collects on an idle main thread, memstats counts it, and stack reports the idle loop', async (t) => {
  const target = await idle(t)
  const gc = await runGops(gops, ['gc', String(target.pid)], target)
  t.is(gc.code, 0, gc.stderr)
  const memstats = await runGops(gops, ['memstats', String(target.pid)], target)
  t.regex(memstats.stdout, /^num-major-gc: [1-9]\d*$/m)
  t.regex(memstats.stdout, /^heap-limit: [\d.]+[MG]B \(\d+ bytes\)$/m)
  t.regex(memstats.stdout, /^last-gc: \d{4}-\d\d-\d\dT/m)
  const stack = await runGops(gops, ['stack', String(target.pid)], target)
  t.regex(stack.stdout, /^thread main \[idle\]:\nevent loop idle, waiting on \d+ active resources: .*Timeout x1/)
  const stats = await runGops(gops, ['stats', String(target.pid)], target)
  t.regex(stats.stdout, /^event-loop: responsive$/m)
  t.regex(stats.stdout, /^active-resources: \d+ \(.*Timeout x1.*\)$/m)
})

test('setgc is answered with "not supported"', async (t) => {
  const target = await idle(t)
  const { code, stdout } = await runGops(gops, ['setgc', String(target.pid), '50'], target)
  t.is(code, 0)
  t.regex(stdout, /^not supported: Node has no setgc: .*asked for 50/)
})
