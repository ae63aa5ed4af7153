// The agent's option checks and its same-user test, in-process (no agent needed for these).
import { once } from 'node:events'
import { type AddressInfo, connect, createServer, type Socket } from 'node:net'
import test from 'ava'
import { isLoopback, resolveOptions } from '../src/agent/options'
import { peerUid } from '../src/agent/peer-uid'
import { testUnless, unlessLinux } from './helpers/skip'

test('loopback addresses are recognised; others need allowRemote', (t) => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '::ffff:127.0.0.1']) t.true(isLoopback(host), host)
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com']) t.false(isLoopback(host), host)
  t.throws(() => resolveOptions({ host: '0.0.0.0' }), { code: 'REMOTE_NOT_ALLOWED' })
  t.is(resolveOptions({ host: '0.0.0.0', allowRemote: true }).host, '0.0.0.0')
})

test('bad options are refused with INVALID_ARGUMENT naming the option', (t) => {
  t.throws(() => resolveOptions({ cpuProfileSeconds: 0 }), { code: 'INVALID_ARGUMENT', message: /cpuProfileSeconds/ })
  t.throws(() => resolveOptions({ readTimeoutMs: Number.NaN }), { code: 'INVALID_ARGUMENT', message: /readTimeoutMs/ })
  t.throws(() => resolveOptions({ port: 70000 }), { code: 'INVALID_ARGUMENT', message: /port/ })
  t.throws(() => resolveOptions({ disable: ['toString' as never] }), { code: 'INVALID_ARGUMENT', message: /toString/ })
  t.deepEqual(resolveOptions({ disable: ['trace', 'pprof-cpu'] }).disable, ['trace', 'pprof-cpu'])
})

async function connectedPair(host: string): Promise<{ server: Socket; client: Socket; close: () => void }> {
  const listener = createServer().listen(0, host)
  await once(listener, 'listening')
  const accepted = once(listener, 'connection')
  const client = connect((listener.address() as AddressInfo).port, host)
  const [server] = (await accepted) as [Socket]
  return { server, client, close: () => (client.destroy(), server.destroy(), listener.close()) }
}

testUnless(unlessLinux('peerUid (/proc/net/tcp)'))('peerUid finds the user behind a loopback connection, IPv4 and IPv6', async (t) => {
  for (const host of ['127.0.0.1', '::1']) {
    const { server, close } = await connectedPair(host)
    t.teardown(close)
    const uid = await peerUid(
      { address: server.remoteAddress!, port: server.remotePort! },
      { address: server.localAddress!, port: server.localPort! },
    )
    t.is(uid, process.getuid!(), host)
    t.is(await peerUid({ address: server.remoteAddress!, port: 1 }, { address: server.localAddress!, port: server.localPort! }), null)
  }
})
