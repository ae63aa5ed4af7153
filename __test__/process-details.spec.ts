// processDetails / processDetailsSync: one process's details from the Rust reader, checked
// against what /proc says about real processes, a real Go agent's listening socket, and the
// errors for a vanished, a forbidden and a malformed PID. Also pins the client's own small
// /proc reader (it works without the addon) and the agent's /proc/net/tcp reader to the Rust ones.
import test from 'ava'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createServer, connect, type AddressInfo, type Socket } from 'node:net'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { isGopsError, processDetails, processDetailsSync, type ProcessDetails } from '../index'
import { peerUid } from '../src/agent/peer-uid'
import { startTimeMs, USER_HZ } from '../src/client/procfs'
import { native } from '../src/native'
import { buildGo } from '../support/go'
import { startProcess } from './helpers/processes'
import { startGoAgent } from '../support/go-agent'
import { testUnless, unlessLinux, unlessNobodyCanRead } from './helpers/skip'

const onLinux = testUnless(unlessLinux('reading /proc'))
if (process.platform !== 'linux') console.warn('process-details: skipping the /proc comparisons: they need Linux')
const canHideProc = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0

/** Field `n` (numbered as in proc(5)) of /proc/<pid>/stat. */
function statField(pid: number, n: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[n - 3])
}

function statusKb(pid: number, key: string): number {
  return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${key}:\\s*(\\d+)`, 'm'))![1])
}

onLinux('a child\'s details match what /proc says about it, async and sync alike', async (t) => {
  const binary = buildGo({ program: 'hello', name: 'hello' })
  const child = await startProcess(t, binary, ['600'])
  let details: ProcessDetails
  // Spawn resolves before exec has finished: wait until the child shows its own command line.
  for (let tries = 0; ; tries++) {
    details = await processDetails(child.pid)
    if (details.args?.length === 2 || tries > 200) break
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  t.like(details, { pid: child.pid, ppid: process.pid, name: 'hello', uid: process.getuid!(), username: userInfo().username })
  t.deepEqual(details.args, [binary, '600'])
  t.true(Object.isFrozen(details))
  const ticks = native().clockTicksPerSecond()!
  const bootMs = Number(readFileSync('/proc/stat', 'utf8').match(/^btime (\d+)$/m)![1]) * 1000
  t.is(details.startedMs, bootMs + (statField(child.pid, 22) * 1000) / ticks)
  const rssBefore = statusKb(child.pid, 'VmRSS') * 1024
  const sync = processDetailsSync(child.pid)
  const rssAfter = statusKb(child.pid, 'VmRSS') * 1024
  t.true(sync.rssBytes! >= Math.min(rssBefore, rssAfter) && sync.rssBytes! <= Math.max(rssBefore, rssAfter), `${sync.rssBytes}`)
  const totalBytes = Number(readFileSync('/proc/meminfo', 'utf8').match(/^MemTotal:\s*(\d+)/m)![1]) * 1024
  t.true(Math.abs(sync.memoryPercent! - (100 * sync.rssBytes!) / totalBytes) < 1e-3)
  t.is(sync.threads, statField(child.pid, 20), 'an idle Go program keeps its threads')
  const cpuTicks = statField(child.pid, 14) + statField(child.pid, 15) + statField(child.pid, 42)
  t.true(Math.abs(sync.cpuSeconds! - cpuTicks / ticks) <= 2 / ticks, `${sync.cpuSeconds} vs ${cpuTicks} ticks`)
  t.true(sync.cpuPercent! >= 0 && sync.cpuPercent! < 100)
  t.deepEqual({ ...sync, rssBytes: 0, memoryPercent: 0, cpuSeconds: 0, cpuPercent: 0 }, { ...details, rssBytes: 0, memoryPercent: 0, cpuSeconds: 0, cpuPercent: 0 })
  // Its only sockets are the stdio pipes Node made for it.
  t.true(sync.connections!.every((c) => c.protocol === 'unix'), JSON.stringify(sync.connections))
})

onLinux('a Go process running the gops agent shows its listening socket', async (t) => {
  const agent = await startGoAgent()
  t.teardown(agent.stop)
  const details = await processDetails(agent.pid)
  const listening = details.connections!.filter((c) => c.state === 'LISTEN')
  t.deepEqual(listening, [{ protocol: 'tcp', local: { address: '127.0.0.1', port: agent.port }, remote: { address: '0.0.0.0', port: 0 }, state: 'LISTEN' }])
})

test('a vanished process is PROCESS_NOT_FOUND, its message naming the PID', async (t) => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
  await once(child, 'spawn')
  const pid = child.pid!
  child.kill('SIGKILL')
  await once(child, 'exit')
  const expected = { code: 'PROCESS_NOT_FOUND', message: `no process with PID ${pid}` }
  t.like(await t.throwsAsync(processDetails(pid)), expected)
  t.like(t.throws(() => processDetailsSync(pid)), expected)
  t.true(isGopsError(t.throws(() => processDetailsSync(pid))))
})

test('a malformed PID is INVALID_ARGUMENT, never coerced', async (t) => {
  for (const pid of [0, -1, 1.5, Number.NaN, 2 ** 32, '12', null, undefined]) {
    t.like(t.throws(() => processDetailsSync(pid as number)), { code: 'INVALID_ARGUMENT' }, String(pid))
    t.like(await t.throwsAsync(processDetails(pid as number)), { code: 'INVALID_ARGUMENT' }, String(pid))
  }
  t.like(t.throws(() => processDetailsSync(-1)), { message: 'pid must be an integer from 1 to 4294967295, got -1' })
})

testUnless(canHideProc ? unlessNobodyCanRead('process details') : 'it needs root and unshare -m')('a process closed to us is PERMISSION_DENIED; another user\'s sockets are unknown, not an error', async (t) => {
  const root = join(__dirname, '..')
  const script = `const { processDetails, processDetailsSync } = require('./index.ts')
    const outcome = (f) => { try { const d = f(); return { connections: d.connections } } catch (e) { return { code: e.code, message: e.message } } }
    processDetails(${process.pid}).then((d) => d, (e) => ({ code: e.code, message: e.message })).then((async) =>
      console.log(JSON.stringify({ sync: outcome(() => processDetailsSync(${process.pid})), async: async.pid ? { connections: async.connections } : async })))`
  const run = (mountOptions: string) => {
    const asNobody = `mount -t proc -o ${mountOptions} proc /proc && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$0" --import tsx -e "$1"`
    const result = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', asNobody, process.execPath, script], { cwd: root, encoding: 'utf8' })
    t.is(result.status, 0, result.stderr)
    return JSON.parse(result.stdout) as Record<string, unknown>
  }
  // hidepid=1: other users' /proc/<pid> directories exist but may not be read.
  const denied = { code: 'PERMISSION_DENIED', message: `not permitted to read process ${process.pid}: run as its user or root` }
  t.deepEqual(run('hidepid=1'), { sync: denied, async: denied })
  // A plain /proc: everything but the open files (and so the sockets) of root's process.
  t.deepEqual(run('hidepid=0'), { sync: { connections: null }, async: { connections: null } })
})

onLinux('the client\'s own /proc reader agrees with the Rust one on the same processes', async (t) => {
  t.is<number | null, number | null>(USER_HZ, native().clockTicksPerSecond(), 'the client assumes what sysconf(_SC_CLK_TCK) says')
  const child = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['600'])
  for (const pid of [process.pid, child.pid, 1]) {
    t.is(await startTimeMs(pid), processDetailsSync(pid).startedMs, `start of ${pid}`)
  }
})

onLinux('the agent\'s /proc/net/tcp reader and the Rust one see the same loopback connections', async (t) => {
  for (const host of ['127.0.0.1', '::1']) {
    const listener = createServer().listen(0, host)
    await once(listener, 'listening')
    const accepted = once(listener, 'connection')
    const client = connect((listener.address() as AddressInfo).port, host)
    const [server] = (await accepted) as [Socket]
    t.teardown(() => (client.destroy(), server.destroy(), listener.close()))
    t.is(await peerUid({ address: server.remoteAddress!, port: server.remotePort! }, { address: server.localAddress!, port: server.localPort! }), process.getuid!())
    const address = host === '::1' ? '::1' : '127.0.0.1'
    const mine = processDetailsSync(process.pid).connections!
    t.true(
      mine.some((c) => c.state === 'ESTABLISHED' && c.local.address === address && c.local.port === server.localPort && c.remote.port === server.remotePort),
      `${host}: ${JSON.stringify(mine.filter((c) => c.protocol !== 'unix'))}`,
    )
  }
})
