// The same-thread fallback: under Node's permission model neither workers nor the inspector are
// allowed, so the agent listens on the main thread and answers what it can without them.
import test from 'ava'
import { Command } from '../src/protocol/constants'
import { gopsCli } from '../support/go'
import { request, runGops, startTarget, transpileFixture } from '../support/node-agent'

const permissionModel = ['--experimental-permission', '--allow-fs-read=*', '--allow-fs-write=*']
test.before(transpileFixture)

test('under the permission model the agent falls back to the main thread and gops still reads it', async (t) => {
  const gops = gopsCli()
  const target = await startTarget(t, { behaviour: 'idle', nodeArgs: permissionModel })
  t.is(target.mode, 'same-thread')
  const version = await runGops(gops, ['version', String(target.pid)], target)
  t.is(version.stdout.split('\n')[0], `node ${process.version}`)
  const memstats = await runGops(gops, ['memstats', String(target.pid)], target)
  t.regex(memstats.stdout, /^heap-used: [\d.]+MB \(\d+ bytes\)$/m)
  t.regex(memstats.stdout, /^num-gc: \d+$/m)
  const stack = await runGops(gops, ['stack', String(target.pid)], target)
  t.regex(stack.stdout, /^thread main \[idle\]:\nevent loop idle \(the agent shares the main thread/)
  const stats = await runGops(gops, ['stats', String(target.pid)], target)
  t.regex(stats.stdout, /^event-loop: responsive$/m)
})

test('commands that need the inspector say so instead of failing silently', async (t) => {
  const target = await startTarget(t, { behaviour: 'idle', nodeArgs: permissionModel })
  for (const byte of [Command.GC, Command.HeapProfile, Command.CPUProfile, Command.Trace]) {
    t.regex((await request(target.port, [byte])).toString(), /^not supported: .* needs the inspector, which this Node process does not allow \(ERR_ACCESS_DENIED\)/)
  }
})

test('the main-thread agent does not keep the process alive either', async (t) => {
  const target = await startTarget(t, { behaviour: 'exit', nodeArgs: permissionModel })
  t.deepEqual(await target.exited, { code: 0, signal: null })
})
