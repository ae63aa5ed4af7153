// How the client fails, over real sockets and real processes: every failure is a GopsError with
// a stable code and a message naming the port file, PID or address; nothing hangs.
import test from 'ava'
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { connect, createServer, type Socket } from 'node:net'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { setTimeout as delay } from 'node:timers/promises'
import { join } from 'node:path'
import { client, GopsError, gopsConfigDir, type ClientOptions, type GopsErrorCode } from '../index'
import { cliArgs, runCli } from './helpers/cli'
import { peer as startPeer, tricklingPeer, type Peer } from '../support/bad-peers'
import { buildGo } from '../support/go'
import { testUnless, unlessNobodyCanRead, unlessRoot } from './helpers/skip'

let configDir: string
let live: ChildProcess
let deadPid: number
const peers: Peer[] = []

test.before(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'gops-native-errors-'))
  const hello = buildGo({ program: 'hello', name: 'hello' })
  live = spawn(hello, ['120'], { stdio: 'ignore' })
  const dead = spawn(hello, [], { stdio: 'ignore' })
  await new Promise((resolve) => dead.once('exit', resolve))
  deadPid = dead.pid!
})
test.after.always(() => {
  live?.kill('SIGKILL')
  for (const child of unresponsive) child.kill('SIGKILL')
  for (const socket of fillers) socket.destroy()
  for (const started of peers) started.close()
  if (configDir) rmSync(configDir, { recursive: true, force: true })
})

/** A real TCP peer on loopback that does `behave` with each connection, closed after the tests. */
async function peer(behave: (socket: Socket) => void): Promise<Peer> {
  const started = await startPeer(behave)
  peers.push(started)
  return started
}

const unresponsive: ChildProcess[] = []
const fillers: Socket[] = []

// A listener with a one-connection backlog in a process whose event loop is blocked, so it never accepts.
const NEVER_ACCEPTS = `
const server = require('node:net').createServer()
server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () =>
  process.stdout.write(server.address().port + '\\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)))
`

/**
 * An address whose connects never complete: Linux drops SYNs once a listener's accept queue is
 * full, so fill the queue of a listener that never accepts until a connect stalls.
 */
async function stalledAddress(): Promise<string> {
  const child = spawn(process.execPath, ['-e', NEVER_ACCEPTS], { stdio: ['ignore', 'pipe', 'inherit'] })
  unresponsive.push(child)
  const [line] = (await once(child.stdout!, 'data')) as [Buffer]
  const port = Number(line.toString().trim())
  for (let attempt = 0; attempt < 16; attempt++) {
    const socket = connect(port, '127.0.0.1')
    fillers.push(socket)
    socket.on('error', () => {})
    const connected = await Promise.race([once(socket, 'connect').then(() => true), delay(500).then(() => false)])
    if (!connected) return `127.0.0.1:${port}`
  }
  throw new Error(`connects to port ${port} kept completing: this kernel does not drop SYNs on a full accept queue`)
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function rejects(t: import('ava').ExecutionContext, promise: Promise<unknown>, code: GopsErrorCode, message?: RegExp) {
  const error = await t.throwsAsync(promise, { instanceOf: GopsError })
  t.is((error as GopsError).code, code, error?.message)
  if (message) t.regex(error!.message, message)
}

/** Tests run concurrently: each gets its own port-file directory. */
const ownConfigDir = (): ClientOptions => ({ configDir: mkdtempSync(join(configDir, 'case-')) })
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

test('a live process without a port file: NO_AGENT naming the port file looked for', async (t) => {
  const options = ownConfigDir()
  const portFile = join(options.configDir!, String(process.pid))
  await rejects(t, client.stack(process.pid, options), 'NO_AGENT', new RegExp(`process ${process.pid} runs no gops agent: no port file at ${escape(portFile)}`))
  const cli = await runCli(['stack', String(process.pid)], { GOPS_CONFIG_DIR: options.configDir! })
  t.is(cli.code, 1)
  t.regex(cli.stderr, new RegExp(`^gops-native: process ${process.pid} runs no gops agent: no port file at ${escape(portFile)}.*\n$`))
})

// Another user's process: its /proc/<pid>/root, where its own port file would be, is closed to us
// (and so is its environment, so we look there under our own config dir).
testUnless(unlessRoot('a process of another user') ?? unlessNobodyCanRead('the CLI'))('a process whose port file this user may not read: NO_AGENT naming both paths, not a permission error', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'gops-native-nobody-'))
  t.teardown(() => rmSync(home, { recursive: true, force: true }))
  chmodSync(home, 0o777)
  const nobody = { uid: 65534, gid: 65534 }
  const cli = await runCli(['stack', String(live.pid)], { HOME: home, GOPS_CONFIG_DIR: '', XDG_CONFIG_HOME: '' }, nobody)
  const ours = join(home, '.config', 'gops', String(live.pid))
  t.is(cli.code, 1, cli.stderr)
  t.is(
    cli.stderr,
    `gops-native: no gops agent found for process ${live.pid}: no port file at ${ours}, and the one it would write itself ` +
      `(${ours} inside its root /proc/${live.pid}/root) is closed to this process: looking inside another process needs ` +
      `ptrace access to it: run as the process's user or root; or give the agent's address as host:port\n`,
  )
})

// Root is refused another process's root too when it lacks CAP_SYS_PTRACE (and the target holds
// capabilities it lacks): the message says so instead of "run as root".
const setpriv = spawnSync('setpriv', ['--version']).status === 0
testUnless(unlessRoot('root without CAP_SYS_PTRACE') ?? (setpriv ? null : 'needs setpriv (util-linux)'))(
  'root without CAP_SYS_PTRACE: NO_AGENT saying that is why, not "run as root"',
  async (t) => {
    const configDir = mkdtempSync(join(tmpdir(), 'gops-native-noptrace-'))
    t.teardown(() => rmSync(configDir, { recursive: true, force: true }))
    const result = spawnSync('setpriv', ['--bounding-set', '-sys_ptrace', process.execPath, ...cliArgs('stack', String(live.pid))], {
      env: { ...process.env, GOPS_CONFIG_DIR: configDir },
      encoding: 'utf8',
    })
    const ours = join(configDir, String(live.pid))
    // Where the process itself would write, by its own environment (ours when it was started).
    const its = join(gopsConfigDir(process.env), String(live.pid))
    t.is(result.status, 1, result.stderr)
    t.is(
      result.stderr,
      `gops-native: no gops agent found for process ${live.pid}: no port file at ${ours}, and the one it would write itself ` +
        `(${its} inside its root /proc/${live.pid}/root) is closed to this process: looking inside another process needs ` +
        `ptrace access to it, and this process runs as root without CAP_SYS_PTRACE; or give the agent's address as host:port\n`,
    )
  },
)

test('a PID that does not exist and has no port file: PROCESS_NOT_FOUND', async (t) => {
  await rejects(t, client.version(deadPid, ownConfigDir()), 'PROCESS_NOT_FOUND', new RegExp(`no process with PID ${deadPid}`))
})

test('a port file left by a process that is gone: AGENT_GONE', async (t) => {
  const options = ownConfigDir()
  const portFile = join(options.configDir!, String(deadPid))
  writeFileSync(portFile, String(await closedPort()))
  await rejects(t, client.version(deadPid, options), 'AGENT_GONE', new RegExp(`process ${deadPid} is not running \\(stale port file ${escape(portFile)}\\)`))
})

test('a port file of a live process naming a closed port: AGENT_GONE', async (t) => {
  const port = await closedPort()
  const options = ownConfigDir()
  const portFile = join(options.configDir!, String(live.pid))
  writeFileSync(portFile, `${port}\n`)
  await rejects(t, client.memStats(live.pid!, options), 'AGENT_GONE', new RegExp(`nothing listens on port ${port} named by ${escape(portFile)}`))
})

test('a port file older than its process is stale: AGENT_GONE without dialling its port', async (t) => {
  const listener = await peer((socket) => socket.end('go1.0\n'))
  const options = ownConfigDir()
  const file = join(options.configDir!, String(live.pid))
  writeFileSync(file, listener.address.split(':')[1])
  const anHourAgo = Date.now() / 1000 - 3600
  utimesSync(file, anHourAgo, anHourAgo)
  await rejects(t, client.version(live.pid!, options), 'AGENT_GONE', new RegExp(`port file ${escape(file)} predates process ${live.pid}`))
  t.is(listener.connections(), 0)
})

test('host:port with nothing listening: CONNECTION_REFUSED', async (t) => {
  const port = await closedPort()
  await rejects(t, client.version(`127.0.0.1:${port}`), 'CONNECTION_REFUSED', new RegExp(`connection refused by 127\\.0\\.0\\.1:${port}`))
})

test('a listener that closes without replying: EMPTY_REPLY (the command is not supported)', async (t) => {
  const listener = await peer((socket) => socket.once('data', () => socket.end()))
  await rejects(t, client.trace(listener.address), 'EMPTY_REPLY', new RegExp(`${escape(listener.address)} closed the connection without replying to trace`))
})

test('a listener that never replies: TIMEOUT after the deadline, in the API and the CLI', async (t) => {
  const listener = await peer(() => {})
  await rejects(t, client.stack(listener.address, { timeoutMs: 300 }), 'TIMEOUT', new RegExp(`${escape(listener.address)} did not answer stack within 300 ms`))
  const cli = await runCli(['memstats', listener.address, '--timeout', '300ms'])
  t.is(cli.code, 1)
  t.regex(cli.stderr, /^gops-native: the agent at 127\.0\.0\.1:\d+ did not answer memstats within 300ms \([^\n]*\n$/)
})

test('a listener that trickles a reply a byte at a time: TIMEOUT at the deadline, which the bytes do not extend', async (t) => {
  const listener = await tricklingPeer(20)
  peers.push(listener)
  // Bytes keep coming for ever: a deadline each byte restarted would never pass.
  const answer = client.memStats(listener.address, { timeoutMs: 400 })
  const hung = new Error('still waiting 5 s later')
  await rejects(t, Promise.race([answer, delay(5000).then(() => Promise.reject(hung))]), 'TIMEOUT', new RegExp(`${escape(listener.address)} did not answer memstats within 400 ms`))
})

test('a connect that never completes: TIMEOUT naming the address, in the API and the CLI', async (t) => {
  const address = await stalledAddress()
  await rejects(t, client.version(address, { connectTimeoutMs: 300 }), 'TIMEOUT', new RegExp(`^timed out after 300 ms connecting to the agent at ${escape(address)}$`))
  const cli = await runCli(['version', address, '--connect-timeout', '300ms'])
  t.is(cli.code, 1)
  t.is(cli.stderr, `gops-native: timed out after 300ms connecting to the agent at ${address}\n`)
})

test('an exchange can be abandoned through an AbortSignal: ABORTED', async (t) => {
  const listener = await peer(() => {})
  const controller = new AbortController()
  const profile = client.cpuProfile(listener.address, { signal: controller.signal })
  setTimeout(() => controller.abort(), 100)
  await rejects(t, profile, 'ABORTED', /pprof-cpu from the agent at 127\.0\.0\.1:\d+ was aborted/)
})

test('junk bytes instead of a reply: BAD_REPLY for every structured command', async (t) => {
  const junk = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x0a, 0x3a, 0x20, 0xff])
  const listener = await peer((socket) => socket.once('data', () => socket.end(junk)))
  await rejects(t, client.memStats(listener.address), 'BAD_REPLY', /memstats reply from 127\.0\.0\.1:\d+ is not in gops's format/)
  await rejects(t, client.stats(listener.address), 'BAD_REPLY', /stats reply/)
  await rejects(t, client.gc(listener.address), 'BAD_REPLY', /expected "ok"/)
  await rejects(t, client.setGC(listener.address, 10), 'BAD_REPLY', /setgc reply/)
})

test('a reply larger than allowed is cut off: REPLY_TOO_LARGE', async (t) => {
  const listener = await peer((socket) => socket.once('data', () => socket.end(Buffer.alloc(1 << 20, 0x61))))
  await rejects(t, client.stack(listener.address, { maxReplyBytes: 4096 }), 'REPLY_TOO_LARGE', /more than 4096 bytes for stack/)
})

test('setgc sends the command byte and the zigzag varint as one 11-byte request', async (t) => {
  const received: Buffer[] = []
  const listener = await peer((socket) =>
    socket.on('data', (chunk) => {
      received.push(chunk)
      socket.end('New GC percent set to -1. Previous value was 100.\n')
    }),
  )
  t.deepEqual(await client.setGC(listener.address, 'off'), { percent: -1, previous: 100 })
  t.deepEqual([...Buffer.concat(received)], [0x10, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0])
  await rejects(t, client.setGC(listener.address, 1.5), 'INVALID_ARGUMENT')
})

test('targets that are neither a PID nor host:port: INVALID_TARGET', async (t) => {
  for (const target of ['abc', '127.0.0.1:0', 'localhost:70000', '0', '[::1]']) {
    await rejects(t, client.version(target), 'INVALID_TARGET', /PID|port/)
  }
  await rejects(t, client.version('99999999999999999999'), 'INVALID_TARGET', /^"99999999999999999999" is not a valid PID$/)
})

test('a port file that holds no port, or is a FIFO, is rejected without hanging: BAD_PORT_FILE', async (t) => {
  const junk = ownConfigDir()
  writeFileSync(join(junk.configDir!, String(live.pid)), 'not a port')
  await rejects(t, client.version(live.pid!, junk), 'BAD_PORT_FILE', new RegExp(`${escape(join(junk.configDir!, String(live.pid)))} does not hold a TCP port`))
  const fifo = ownConfigDir()
  execFileSync('mkfifo', [join(fifo.configDir!, String(live.pid))])
  await rejects(t, client.version(live.pid!, fifo), 'BAD_PORT_FILE', /is not a regular file/)
})
