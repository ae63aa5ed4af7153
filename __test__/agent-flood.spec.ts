// Issue 9: the agent keeps answering the real gops CLI however many silent or junk connections
// are open, in both its modes, with its port file in place and its memory bounded.
import { existsSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import test from 'ava'
import { gopsCli } from '../support/go'
import { runGops, startTarget, transpileFixture } from '../support/node-agent'
import { halfSentSetGC, openSilent, processMemory, renewingFlood, sendJunk } from '../support/flood'
import { testUnless, unlessLinux } from './helpers/skip'

const permissionModel = ['--experimental-permission', '--allow-fs-read=*', '--allow-fs-write=*']

/** How much the agent's process may grow under the flood: sockets and buffers, not a copy per connection. */
const MAX_GROWTH_BYTES = 48 * 1024 * 1024

test.before(transpileFixture)

// The memory is read from /proc.
const onLinux = testUnless(unlessLinux('reading the agent\'s memory from /proc'))

for (const mode of ['worker', 'same-thread'] as const) {
  onLinux(`${mode}: after 200 silent connections, 2,000 of junk and a half-sent setgc, gops version answers within a second`, async (t) => {
    const gops = gopsCli()
    const target = await startTarget(t, { behaviour: 'idle', nodeArgs: mode === 'same-thread' ? permissionModel : [] })
    t.is(target.mode, mode)
    const before = processMemory(target.pid)

    const silent = await openSilent(target.port, 200)
    await sendJunk(target.port, 2000)
    const halfSetGC = await halfSentSetGC(target.port)
    t.teardown(() => [...silent, halfSetGC].forEach((socket) => socket.destroy()))

    const started = performance.now()
    const version = await runGops(gops, ['version', String(target.pid)], target)
    const elapsed = performance.now() - started
    t.is(version.code, 0, version.stderr)
    t.is(version.stdout.split('\n')[0], `node ${process.version}`)
    t.true(elapsed < 1000, `gops version took ${elapsed.toFixed(0)} ms`)

    t.true(existsSync(target.portFile!), 'the port file is gone')
    const after = processMemory(target.pid)
    t.log(`RSS ${mb(before.rss)} before, ${mb(after.rss)} after, peak ${mb(after.peak)}; gops version in ${elapsed.toFixed(0)} ms`)
    t.true(after.peak - before.rss < MAX_GROWTH_BYTES, `the agent's process grew from ${mb(before.rss)} to a peak of ${mb(after.peak)}`)
  })

  // Serial: two flooders at once would mostly measure each other on a 2-core machine.
  test.serial(`${mode}: while 300 silent connections are reopened as fast as the agent drops them, gops version keeps answering`, async (t) => {
    const gops = gopsCli()
    const target = await startTarget(t, { behaviour: 'idle', nodeArgs: mode === 'same-thread' ? permissionModel : [] })
    const flood = renewingFlood(target.port, 300)
    t.teardown(() => flood.destroy())
    await delay(1000) // the flood is in full swing
    const times: number[] = []
    for (let i = 0; i < 3; i++) {
      const started = performance.now()
      const version = await runGops(gops, ['version', String(target.pid)], target)
      times.push(performance.now() - started)
      t.is(version.stdout.split('\n')[0], `node ${process.version}`, version.stderr)
    }
    t.log(`gops version in ${times.map((ms) => ms.toFixed(0)).join(', ')} ms`)
    // The bound, for the middle one: one slow answer on a loaded machine is not a failure.
    t.true([...times].sort((a, b) => a - b)[1] < 1000, `gops version took ${times.map((ms) => ms.toFixed(0)).join(', ')} ms`)
  })
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
