// The agent over raw sockets: the commands the gops CLI cannot drive with our options (short
// profiles and traces), and how it treats junk, slow clients and disabled commands.
import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { promisify } from 'node:util'
import { gunzipSync } from 'node:zlib'
import test from 'ava'
import { Profile } from 'pprof-format'
import { MAX_IN_PROGRESS, MAX_WAITING } from '../src/agent/admission'
import { client } from '../index'
import { Command, encodeVarint } from '../src/protocol/constants'
import { request, startTarget, tempDir, transpileFixture } from '../support/node-agent'
import { openSilent } from '../support/flood'
import { testUnless, unlessLinux, unlessRoot } from './helpers/skip'

const execFileAsync = promisify(execFile)

test('a short CPU profile is gzipped pprof that go tool pprof reads; a concurrent trace is told it is busy', async (t) => {
  const target = await startTarget(t, { behaviour: 'spin', options: { cpuProfileSeconds: 1 } })
  const profiling = request(target.port, [Command.CPUProfile])
  // The trace is sent once the profile has surely begun; either way only one of them may run.
  const busy = await new Promise<Buffer>((resolve) => setTimeout(() => resolve(request(target.port, [Command.Trace])), 300))
  const gzipped = await profiling
  t.regex(busy.toString(), /^busy: /)
  t.deepEqual([...gzipped.subarray(0, 3)], [0x1f, 0x8b, 0x08])
  const profile = Profile.decode(gunzipSync(gzipped))
  const strings = profile.stringTable.strings
  t.deepEqual(profile.sampleType.map((v) => [strings[Number(v.type)], strings[Number(v.unit)]]), [['samples', 'count'], ['cpu', 'nanoseconds']])
  const cpuNanos = profile.sample.reduce((sum, s) => sum + Number(s.value[1]), 0)
  t.true(cpuNanos > 0)
  const file = join(tempDir(t), 'cpu.pb.gz')
  writeFileSync(file, gzipped)
  const { stdout, stderr } = await execFileAsync('go', ['tool', 'pprof', '-top', file])
  t.regex(stderr + stdout, /^Type: cpu$/m)
})

test('a short trace is Chrome/Perfetto JSON holding the process events', async (t) => {
  const target = await startTarget(t, { behaviour: 'tick', options: { traceSeconds: 0.5 } })
  const reply = await request(target.port, [Command.Trace])
  const { traceEvents } = JSON.parse(reply.toString()) as { traceEvents: Array<{ ph: string; name: string; pid: number }> }
  t.true(traceEvents.length > 0)
  t.true(traceEvents.every((e) => typeof e.ph === 'string' && typeof e.name === 'string'))
  t.true(traceEvents.some((e) => e.pid === target.pid))
})

test('unknown bytes, an HTTP request, silence and a truncated setgc all get the connection closed with nothing', async (t) => {
  const target = await startTarget(t, { behaviour: 'idle', options: { readTimeoutMs: 300 } })
  for (const junk of [[0x00], [0x11], [0xff], [...Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')], [], [Command.SetGCPercent, 0x80]]) {
    t.is((await request(target.port, junk)).length, 0, `reply to ${JSON.stringify(junk)}`)
  }
  // still serving afterwards
  t.regex((await request(target.port, [Command.Version])).toString(), /^node v/)
})

test('a request trickled byte by byte is cut off at the read deadline, which each byte does not extend', async (t) => {
  const target = await startTarget(t, { behaviour: 'idle', options: { readTimeoutMs: 400 } })
  // Answering first means the agent is up and accepting, so the bytes below arrive one at a time.
  t.regex((await request(target.port, [Command.Version])).toString(), /^node v/)
  // A whole setgc request, one byte every 250 ms: 2.75 s if each byte restarted the deadline.
  const bytes = [Command.SetGCPercent, ...encodeVarint(100)]
  const socket = connect(target.port, '127.0.0.1')
  const chunks: Buffer[] = []
  socket.on('data', (chunk) => chunks.push(chunk)).on('error', () => {})
  let closed = false
  const ended = once(socket, 'close').then(() => (closed = true))
  await once(socket, 'connect')
  let sent = 0
  while (!closed && sent < bytes.length) {
    socket.write(Buffer.of(bytes[sent++]))
    await delay(250)
  }
  await ended
  t.true(sent < bytes.length, `the agent waited for all ${sent} bytes`)
  t.is(Buffer.concat(chunks).length, 0)
})

test(`when ${MAX_WAITING} connections wait for a request, a new client is answered and the longest-waiting one gives way`, async (t) => {
  const target = await startTarget(t, { behaviour: 'idle', options: { readTimeoutMs: 60_000 } })
  // One at a time, so the agent accepts them in this order.
  const waiting: Socket[] = []
  for (let i = 0; i < MAX_WAITING; i++) waiting.push(...(await openSilent(target.port, 1)))
  t.teardown(() => waiting.forEach((socket) => socket.destroy()))
  const closed = waiting.map((socket) => new Promise<boolean>((resolve) => socket.once('close', () => resolve(true))))
  t.regex((await request(target.port, [Command.Version])).toString(), /^node v/)
  t.true(await closed[0], 'the longest-waiting connection was kept')
  // The rest still wait: the deadline is a minute away.
  const stillOpen = await Promise.all(closed.slice(1).map((done) => Promise.race([done, delay(200).then(() => false)])))
  t.deepEqual(stillOpen.filter(Boolean).length, 0)
})

// Same-thread mode, where nothing else bounds close() (the worker host terminates its worker 2 s in).
test('close() drops connections still waiting for a request instead of waiting out their deadline', async (t) => {
  transpileFixture()
  const permissionModel = ['--experimental-permission', '--allow-fs-read=*', '--allow-fs-write=*']
  const target = await startTarget(t, { behaviour: 'control', nodeArgs: permissionModel, options: { readTimeoutMs: 60_000 } })
  t.is(target.mode, 'same-thread')
  const waiting = await openSilent(target.port, 10)
  t.teardown(() => waiting.forEach((socket) => socket.destroy()))
  const closed = new Promise<void>((resolve) => target.child.stdout!.on('data', (d: Buffer) => d.toString().includes('closed') && resolve()))
  const started = performance.now()
  target.child.stdin!.write('close\n')
  await closed
  const elapsed = performance.now() - started
  t.true(elapsed < 10_000, `close() took ${elapsed.toFixed(0)} ms`)
  target.child.stdin!.end()
})

test(`beyond ${MAX_IN_PROGRESS} requests being answered another is told busy, and answered once they end`, async (t) => {
  const target = await startTarget(t, { behaviour: 'idle', options: { readTimeoutMs: 5000 } })
  // Binary dumps to clients that never read: each stays in progress until its write stalls for the deadline.
  for (let i = 0; i < MAX_IN_PROGRESS; i++) {
    const [socket] = await openSilent(target.port, 1)
    socket.pause()
    socket.write(Buffer.of(Command.BinaryDump))
    t.teardown(() => socket.destroy())
  }
  // Asked until every dump has begun (a loaded host may take a while), well within their deadline.
  const busy = new RegExp(`^busy: ${MAX_IN_PROGRESS} requests are being answered`)
  let reply = ''
  for (const asking = Date.now() + 4000; !busy.test(reply) && Date.now() < asking; await delay(100)) {
    reply = (await request(target.port, [Command.Version])).toString()
  }
  t.regex(reply, busy)
  // The stalled dumps are dropped 5 s after their writes stall; then the agent answers again.
  const deadline = Date.now() + 30_000
  while (!reply.startsWith('node v') && Date.now() < deadline) {
    await delay(500)
    reply = (await request(target.port, [Command.Version])).toString()
  }
  t.regex(reply, /^node v/)
})

test('setgc reads its varint and replies with text', async (t) => {
  const target = await startTarget(t, { behaviour: 'idle' })
  const reply = await request(target.port, [Command.SetGCPercent, ...encodeVarint(-1)])
  t.regex(reply.toString(), /^not supported: Node has no setgc: .*asked for -1/)
})

test('the binary dump is the running node executable', async (t) => {
  const target = await startTarget(t, { behaviour: 'idle' })
  const reply = await request(target.port, [Command.BinaryDump])
  const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')
  t.is(sha(reply), sha(readFileSync(process.execPath)))
})

test('disabled commands get a "disabled:" line (setgc after its varint), the client COMMAND_DISABLED; the rest still answer', async (t) => {
  const target = await startTarget(t, { behaviour: 'idle', options: { disable: ['stack', 'binary-dump', 'setgc'] } })
  t.is((await request(target.port, [Command.StackTrace])).toString(), 'disabled: stack is switched off in this agent (its disable option)\n')
  t.regex((await request(target.port, [Command.BinaryDump])).toString(), /^disabled: binary-dump /)
  t.regex((await request(target.port, [Command.SetGCPercent, ...encodeVarint(50)])).toString(), /^disabled: setgc /)
  t.regex((await request(target.port, [Command.Version])).toString(), /^node v/)
  await t.throwsAsync(client.stack({ host: '127.0.0.1', port: target.port }), {
    code: 'COMMAND_DISABLED',
    message: `the Node agent at 127.0.0.1:${target.port} has stack switched off: stack is switched off in this agent (its disable option)`,
  } as never)
  t.notRegex(target.stderr(), /DeprecationWarning/)
})

test("disable still reads gops's Go constant names ('StackTrace'), with one deprecation warning", async (t) => {
  const target = await startTarget(t, { behaviour: 'idle', options: { disable: ['StackTrace', 'CPUProfile', 'gc'] } })
  t.is((await request(target.port, [Command.StackTrace])).toString(), 'disabled: stack is switched off in this agent (its disable option)\n')
  t.regex((await request(target.port, [Command.CPUProfile])).toString(), /^disabled: pprof-cpu /)
  t.regex((await request(target.port, [Command.GC])).toString(), /^disabled: gc /)
  t.regex((await request(target.port, [Command.Version])).toString(), /^node v/)
  const warnings = target.stderr().match(/\[GOPS_NATIVE_DISABLE_NAMES\] DeprecationWarning/g) ?? []
  t.is(warnings.length, 1, target.stderr())
  t.regex(target.stderr(), /the disable option takes the commands' gops CLI names now \(stack, gc, [^)]*\); "StackTrace" is read as "stack"/)
})

test('no reply carries environment variables', async (t) => {
  const secret = 'gops-agent-secret-4b1d'
  const target = await startTarget(t, { behaviour: 'idle', options: { traceSeconds: 0.2 }, env: { GOPS_AGENT_TEST_SECRET: secret } })
  for (const byte of [Command.StackTrace, Command.MemStats, Command.Version, Command.Stats, Command.Trace]) {
    const reply = (await request(target.port, [byte])).toString()
    t.true(reply.length > 0)
    t.false(reply.includes(secret), `command 0x0${byte} leaks the environment`)
  }
})

test('only loopback unless allowRemote; an exposed agent warns on stderr', async (t) => {
  await t.throwsAsync(startTarget(t, { behaviour: 'idle', options: { host: '0.0.0.0' } }), { message: /REMOTE_NOT_ALLOWED/ })
  const exposed = await startTarget(t, { behaviour: 'idle', options: { host: '0.0.0.0', allowRemote: true } })
  t.regex(exposed.stderr(), /gops-native agent: listening on 0\.0\.0\.0: anyone who can reach it/)
  t.regex((await request(exposed.port, [Command.Version])).toString(), /^node v/)
})

testUnless(unlessLinux('sameUserOnly') ?? unlessRoot('a client of another user'))('sameUserOnly refuses a client of another user (Linux, run as root)', async (t) => {
  const target = await startTarget(t, { behaviour: 'idle', options: { sameUserOnly: true } })
  t.regex((await request(target.port, [Command.Version])).toString(), /^node v/)
  const script = `const s=require('net').connect(${target.port},'127.0.0.1',()=>s.write(Buffer.from([4])));let n=0;s.on('data',d=>n+=d.length);s.on('close',()=>process.stdout.write(String(n)))`
  const asNobody = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { uid: 65534, gid: 65534 })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d))
    child.on('error', reject)
    child.on('close', () => resolve(out))
  })
  t.is(asNobody, '0')
})
