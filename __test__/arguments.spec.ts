// Every public export refuses a wrong argument or option with a GopsError naming it
// (INVALID_ARGUMENT; a wrong target: INVALID_TARGET), before doing any work: never a raw napi
// or TypeError, never a silent coercion (a string taken as a list of its characters).
import test, { type ExecutionContext } from 'ava'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { MAX_CONCURRENCY } from '../src/arguments'
import { agent, client, discover, discoverSync, GopsError, gopsConfigDir, processDetails, processDetailsSync, inspect, inspectMany, inspectSync, portFilePath, readPortFile, resolveTarget, Scanner, ScannerCollector, watch } from '../index'

type Code = 'INVALID_ARGUMENT' | 'INVALID_TARGET'

function refuses(t: ExecutionContext, call: () => unknown, code: Code, name: RegExp): void {
  const error = t.throws(call, { instanceOf: GopsError }, call.toString())
  t.is(error?.code, code, call.toString())
  t.regex(error?.message ?? '', name, call.toString())
}

async function rejects(t: ExecutionContext, call: () => Promise<unknown>, code: Code, name: RegExp): Promise<void> {
  const error = await t.throwsAsync(call, { instanceOf: GopsError }, call.toString())
  t.is(error?.code, code, call.toString())
  t.regex(error?.message ?? '', name, call.toString())
}

const wrong = <T>(value: unknown) => value as T

test('inspect and inspectSync: the path is a non-empty string', async (t) => {
  for (const path of [42, null, undefined, '', {}, ['a'], 'a\0b']) {
    refuses(t, () => inspectSync(wrong(path)), 'INVALID_ARGUMENT', /^path must be/)
    await rejects(t, () => inspect(wrong(path)), 'INVALID_ARGUMENT', /^path must be/)
  }
})

test('the concurrency bound is the most threads the addon pool starts (MAX_THREADS in pool.rs)', (t) => {
  const pool = readFileSync(join(__dirname, '..', 'crates', 'gops-core', 'src', 'pool.rs'), 'utf8')
  const rust = /pub const MAX_THREADS: usize = (\d+);/.exec(pool)
  t.truthy(rust, 'MAX_THREADS not found in pool.rs')
  t.is(MAX_CONCURRENCY, Number(rust?.[1]))
})

test('inspectMany: an array of paths (not a string), concurrency an integer from 1 to 64', async (t) => {
  await rejects(t, () => inspectMany(wrong('abc')), 'INVALID_ARGUMENT', /^paths must be an array, got "abc"/)
  await rejects(t, () => inspectMany(wrong(undefined)), 'INVALID_ARGUMENT', /^paths must be given/)
  await rejects(t, () => inspectMany(wrong(['/bin/true', 7])), 'INVALID_ARGUMENT', /^paths\[1\] must be a non-empty string, got 7/)
  for (const concurrency of [0, 2.5, -1, 65, Number.NaN, '4']) {
    await rejects(t, () => inspectMany(['/bin/true'], { concurrency: wrong(concurrency) }), 'INVALID_ARGUMENT', /^concurrency must be an integer from 1 to 64/)
  }
  await rejects(t, () => inspectMany(['/bin/true'], wrong(4)), 'INVALID_ARGUMENT', /^options must be an object, got 4/)
})

test('Scanner, discover, discoverSync and watch: the same option checks', async (t) => {
  for (const concurrency of [0, 2.5, 65, '4']) {
    refuses(t, () => new Scanner({ concurrency: wrong(concurrency) }), 'INVALID_ARGUMENT', /^concurrency must be an integer from 1 to 64/)
    refuses(t, () => discoverSync({ concurrency: wrong(concurrency) }), 'INVALID_ARGUMENT', /^concurrency/)
    await rejects(t, async () => discover({ concurrency: wrong(concurrency) }), 'INVALID_ARGUMENT', /^concurrency/)
    refuses(t, () => watch({ concurrency: wrong(concurrency) }), 'INVALID_ARGUMENT', /^concurrency/)
  }
  refuses(t, () => new Scanner(wrong('fast')), 'INVALID_ARGUMENT', /^options must be an object/)
  refuses(t, () => new Scanner({ configDir: wrong(3) }), 'INVALID_ARGUMENT', /^configDir must be a non-empty string, got 3/)
  refuses(t, () => new Scanner({ mode: wrong('sometimes') }), 'INVALID_ARGUMENT', /^mode must be one of auto, events, polling, got "sometimes"/)
  refuses(t, () => new Scanner({ includeNode: wrong('yes') }), 'INVALID_ARGUMENT', /^includeNode must be true or false/)
  refuses(t, () => watch({ intervalMs: -1 }), 'INVALID_ARGUMENT', /^intervalMs must be a non-negative number, got -1/)
  refuses(t, () => watch({ intervalMs: wrong('1s') }), 'INVALID_ARGUMENT', /^intervalMs/)
  refuses(t, () => watch({ mode: wrong('sometimes') }), 'INVALID_ARGUMENT', /^mode must be one of auto, events, polling, got "sometimes"/)
  refuses(t, () => watch({ signal: wrong({ aborted: false }) }), 'INVALID_ARGUMENT', /^signal must be an AbortSignal/)
  refuses(t, () => watch({ ref: wrong(1) }), 'INVALID_ARGUMENT', /^ref must be true or false/)
})

test('the client: targets, options and parameters', async (t) => {
  for (const target of [null, undefined, true, {}, { host: 'localhost' }, [1234]]) {
    await rejects(t, () => client.version(wrong(target)), 'INVALID_TARGET', /^a target is a PID, "host:port" or \{ host, port \}, not /)
    await rejects(t, () => resolveTarget(wrong(target)), 'INVALID_TARGET', /^a target is/)
  }
  await rejects(t, () => client.stack('127.0.0.1:1', wrong(5)), 'INVALID_ARGUMENT', /^options must be an object/)
  await rejects(t, () => client.stack('127.0.0.1:1', { timeoutMs: 0 }), 'INVALID_ARGUMENT', /^timeoutMs must be a positive number/)
  await rejects(t, () => client.stack('127.0.0.1:1', { connectTimeoutMs: wrong('5s') }), 'INVALID_ARGUMENT', /^connectTimeoutMs/)
  await rejects(t, () => client.stack('127.0.0.1:1', { maxReplyBytes: 1.5 }), 'INVALID_ARGUMENT', /^maxReplyBytes must be an integer/)
  await rejects(t, () => client.stack('127.0.0.1:1', { signal: wrong('stop') }), 'INVALID_ARGUMENT', /^signal must be an AbortSignal/)
  await rejects(t, () => client.stack(1234, { configDir: wrong(7) }), 'INVALID_ARGUMENT', /^configDir must be/)
  await rejects(t, () => client.request('127.0.0.1:1', 256), 'INVALID_ARGUMENT', /^command must be an integer from 0 to 255, got 256/)
  await rejects(t, () => client.request('127.0.0.1:1', 1, {}, wrong('x')), 'INVALID_ARGUMENT', /^params must be a Buffer/)
  for (const percent of [1.5, '50', null]) {
    await rejects(t, () => client.setGC('127.0.0.1:1', wrong(percent)), 'INVALID_ARGUMENT', /^percent must be an integer or "off"/)
  }
})

test('processDetails and processDetailsSync: the PID is an integer from 1 to 2^32 - 1', async (t) => {
  for (const pid of ['12', null, 1.5, 0]) {
    refuses(t, () => processDetailsSync(wrong(pid)), 'INVALID_ARGUMENT', /^pid must be/)
    await rejects(t, () => processDetails(wrong(pid)), 'INVALID_ARGUMENT', /^pid must be/)
  }
})

test('port files: the environment, the PID and paths', async (t) => {
  refuses(t, () => gopsConfigDir(wrong('/tmp')), 'INVALID_ARGUMENT', /^env must be an object/)
  refuses(t, () => portFilePath(wrong('12')), 'INVALID_ARGUMENT', /^pid must be an integer/)
  refuses(t, () => portFilePath(0), 'INVALID_ARGUMENT', /^pid/)
  refuses(t, () => portFilePath(12, wrong(3)), 'INVALID_ARGUMENT', /^configDir/)
  await rejects(t, () => readPortFile(wrong(null)), 'INVALID_ARGUMENT', /^path must be/)
})

test('agent.listen: every option checked, and a refused start leaves no agent behind', async (t) => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ port: 70000 }, /^port must be an integer from 0 to 65535/],
    [{ port: '80' }, /^port/],
    [{ host: 5 }, /^host must be a non-empty string/],
    [{ cpuProfileSeconds: 0 }, /^cpuProfileSeconds must be a positive number/],
    [{ readTimeoutMs: Number.NaN }, /^readTimeoutMs/],
    [{ disable: 'Trace' }, /^disable must be an array/],
    [{ disable: ['toString'] }, /^disable\[0\] must be one of stack, gc, memstats, version, pprof-heap, pprof-cpu, stats, trace, binary-dump, setgc, got "toString"/],
    [{ disable: ['stack', 7] }, /^disable\[1\] must be one of stack, /],
    [{ traceCategories: [''] }, /^traceCategories\[0\]/],
    [{ sameUserOnly: 'yes' }, /^sameUserOnly must be true or false/],
    [{ writePortFile: 0 }, /^writePortFile/],
  ]
  for (const [options, name] of cases) await rejects(t, () => agent.listen(wrong(options)), 'INVALID_ARGUMENT', name)
  await rejects(t, () => agent.listen(wrong('loud')), 'INVALID_ARGUMENT', /^options must be an object/)
  await agent.close() // nothing to close: the refused starts left nothing listening
})

test('ScannerCollector: its own options and the Scanner ones', (t) => {
  refuses(t, () => new ScannerCollector({ intervalMs: -5 }), 'INVALID_ARGUMENT', /^intervalMs/)
  refuses(t, () => new ScannerCollector({ concurrency: 0 }), 'INVALID_ARGUMENT', /^concurrency/)
  refuses(t, () => new ScannerCollector({ agentStats: { timeoutMs: 0 } }), 'INVALID_ARGUMENT', /^agentStats\.timeoutMs must be a positive number/)
  refuses(t, () => new ScannerCollector({ agentStats: { concurrency: 2.5 } }), 'INVALID_ARGUMENT', /^agentStats\.concurrency must be an integer from 1 to 256/)
  refuses(t, () => new ScannerCollector({ agentStats: wrong('on') }), 'INVALID_ARGUMENT', /^agentStats must be an object/)
  refuses(t, () => new ScannerCollector({ scanner: wrong({ scan() {} }) }), 'INVALID_ARGUMENT', /^scanner must be a Scanner/)
})

// Every export that takes options refuses a key it does not know, naming it, instead of running
// as if it were not there (`timeout` for `timeoutMs` ran under the 30 s default).
test('every export: an unknown option key is INVALID_ARGUMENT naming it and the keys it takes', async (t) => {
  const clientKeys = /: the options are configDir, connectTimeoutMs, timeoutMs, maxReplyBytes, signal$/
  const clientCalls: Array<[string, (options: never) => Promise<unknown>]> = [
    ['stack', (o) => client.stack('127.0.0.1:1', o)],
    ['gc', (o) => client.gc('127.0.0.1:1', o)],
    ['setGC', (o) => client.setGC('127.0.0.1:1', 50, o)],
    ['memStats', (o) => client.memStats('127.0.0.1:1', o)],
    ['stats', (o) => client.stats('127.0.0.1:1', o)],
    ['version', (o) => client.version('127.0.0.1:1', o)],
    ['versionInfo', (o) => client.versionInfo('127.0.0.1:1', o)],
    ['heapProfile', (o) => client.heapProfile('127.0.0.1:1', o)],
    ['cpuProfile', (o) => client.cpuProfile('127.0.0.1:1', o)],
    ['trace', (o) => client.trace('127.0.0.1:1', o)],
    ['binaryDump', (o) => client.binaryDump('127.0.0.1:1', o)],
    ['request', (o) => client.request('127.0.0.1:1', 1, o)],
  ]
  for (const [name, call] of clientCalls) {
    await rejects(t, () => call(wrong({ timeout: 100 })), 'INVALID_ARGUMENT', /^unknown option "timeout" \(did you mean "timeoutMs"\?\)/)
    await rejects(t, () => call(wrong({ timeoutMs: 100, retries: 3 })), 'INVALID_ARGUMENT', clientKeys)
    t.pass(name)
  }
  await rejects(t, () => resolveTarget(1234, wrong({ configDir: '/tmp', timeoutMs: 5 })), 'INVALID_ARGUMENT', /^unknown option "timeoutMs": the options are configDir$/)

  const scannerKeys = 'configDir, concurrency, includeNode, mode'
  refuses(t, () => new Scanner(wrong({ mdoe: 'events' })), 'INVALID_ARGUMENT', new RegExp(`^unknown option "mdoe" \\(did you mean "mode"\\?\\): the options are ${scannerKeys}$`))
  refuses(t, () => discoverSync(wrong({ signal: new AbortController().signal })), 'INVALID_ARGUMENT', /^unknown option "signal": the options are configDir, concurrency, includeNode, mode$/)
  await rejects(t, async () => discover(wrong({ interval: 5 })), 'INVALID_ARGUMENT', new RegExp(`^unknown option "interval": the options are ${scannerKeys}, signal$`))
  await rejects(t, () => new Scanner().scan(wrong({ mode: 'events' })), 'INVALID_ARGUMENT', /^unknown option "mode": the options are signal$/)
  refuses(t, () => watch(wrong({ interval: 100 })), 'INVALID_ARGUMENT', new RegExp(`^unknown option "interval" \\(did you mean "intervalMs"\\?\\): the options are ${scannerKeys}, intervalMs, signal, ref$`))

  await rejects(t, () => inspect('/bin/true', wrong({ concurrency: 2 })), 'INVALID_ARGUMENT', /^unknown option "concurrency": the options are signal$/)
  await rejects(t, () => inspectMany(['/bin/true'], wrong({ concurency: 2 })), 'INVALID_ARGUMENT', /^unknown option "concurency" \(did you mean "concurrency"\?\): the options are concurrency, signal$/)
  await rejects(t, () => processDetails(process.pid, wrong({ timeoutMs: 5 })), 'INVALID_ARGUMENT', /^unknown option "timeoutMs": the options are signal$/)

  await rejects(t, () => agent.listen(wrong({ prot: 0 })), 'INVALID_ARGUMENT', /^unknown option "prot" \(did you mean "port"\?\): the options are host, port, allowRemote, configDir, writePortFile, disable, /)
  await agent.close()
  refuses(t, () => new ScannerCollector(wrong({ interval: 5 })), 'INVALID_ARGUMENT', new RegExp(`^unknown option "interval" \\(did you mean "intervalMs"\\?\\): the options are ${scannerKeys}, scanner, intervalMs, agentStats, maxProcesses$`))
  refuses(t, () => new ScannerCollector({ agentStats: wrong({ timeout: 5 }) }), 'INVALID_ARGUMENT', /^unknown option "agentStats.timeout" \(did you mean "timeoutMs"\?\): the options are timeoutMs, concurrency$/)
  // An environment is not options: any variable goes.
  t.is(gopsConfigDir({ GOPS_CONFIG_DIR: '/x', ANYTHING: 'y' }), '/x')
})

test('signal is taken by inspect, inspectMany, discover, Scanner.scan and processDetails: checked, and an aborted one is ABORTED', async (t) => {
  const aborted = AbortSignal.abort()
  const live = new AbortController().signal
  await rejects(t, () => inspect('/bin/true', { signal: wrong('stop') }), 'INVALID_ARGUMENT', /^signal must be an AbortSignal/)
  await rejects(t, () => inspectMany(['/bin/true'], { signal: wrong({}) }), 'INVALID_ARGUMENT', /^signal must be an AbortSignal/)
  await rejects(t, () => discover({ signal: wrong(1) }), 'INVALID_ARGUMENT', /^signal must be an AbortSignal/)
  await rejects(t, () => new Scanner().scan({ signal: wrong(true) }), 'INVALID_ARGUMENT', /^signal must be an AbortSignal/)
  await rejects(t, () => processDetails(process.pid, { signal: wrong('x') }), 'INVALID_ARGUMENT', /^signal must be an AbortSignal/)
  const calls: Array<() => Promise<unknown>> = [
    () => inspect(process.execPath, { signal: aborted }),
    () => inspectMany([process.execPath], { signal: aborted }),
    () => discover({ signal: aborted }),
    () => new Scanner().scan({ signal: aborted }),
    () => processDetails(process.pid, { signal: aborted }),
  ]
  for (const call of calls) {
    const error = await t.throwsAsync(call, { instanceOf: GopsError })
    t.is(error?.code, 'ABORTED', call.toString())
  }
  // A signal that does not abort changes nothing.
  t.false((await inspect(process.execPath, { signal: live })).isGo)
  t.is((await processDetails(process.pid, { signal: live })).pid, process.pid)
  t.true(Array.isArray(await discover({ signal: live })))
})
