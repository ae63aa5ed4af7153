// The port file: where and how it is written, and that it goes away with the agent however the
// process ends, without changing how it ends.
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import test from 'ava'
import { writePortFile } from '../src/agent/portfile-writer'
import { Command } from '../src/protocol/constants'
import { request, startTarget, tempDir } from '../support/node-agent'

/** The watcher removes the file a moment after the process died: wait for it, within reason. */
async function gone(path: string): Promise<boolean> {
  for (let i = 0; i < 100 && existsSync(path); i++) await delay(50)
  return !existsSync(path)
}

test('the port file holds the port, mode 0600, in a directory the agent creates 0700', async (t) => {
  const target = await startTarget(t, { behaviour: 'idle' })
  t.is(target.portFile, join(target.configDir, String(target.pid)))
  t.is(readFileSync(target.portFile!, 'utf8'), String(target.port))
  if (process.platform !== 'win32') {
    t.is(statSync(target.portFile!).mode & 0o777, 0o600)
    t.is(statSync(target.configDir).mode & 0o777, 0o700)
  }
})

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} to a blocked process still kills it by ${signal}, and the port file goes`, async (t) => {
    const target = await startTarget(t, { behaviour: 'spin' })
    target.child.kill(signal)
    t.deepEqual(await target.exited, { code: null, signal })
    t.true(await gone(target.portFile!))
  })
}

test('a program with its own SIGTERM handler keeps its exit code, and the port file goes', async (t) => {
  const target = await startTarget(t, { behaviour: 'handled' })
  target.child.kill('SIGTERM')
  t.deepEqual(await target.exited, { code: 7, signal: null })
  t.false(existsSync(target.portFile!))
})

test('the agent does not keep the process alive; the file is gone when it exits', async (t) => {
  const target = await startTarget(t, { behaviour: 'exit' })
  t.deepEqual(await target.exited, { code: 0, signal: null })
  t.false(existsSync(target.portFile!))
})

test('close() removes the file and stops listening', async (t) => {
  const target = await startTarget(t, { behaviour: 'control' })
  const closed = new Promise<void>((resolve) => target.child.stdout!.on('data', (d: Buffer) => d.toString().includes('closed') && resolve()))
  target.child.stdin!.write('close\n')
  await closed
  t.false(existsSync(target.portFile!))
  await t.throwsAsync(request(target.port, [Command.Version]), { code: 'ECONNREFUSED' })
  target.child.stdin!.end()
  t.deepEqual(await target.exited, { code: 0, signal: null })
})

test('a symlinked config directory is refused, and the agent serves without a port file', async (t) => {
  const dir = tempDir(t)
  mkdirSync(join(dir, 'elsewhere'), { mode: 0o700 })
  symlinkSync(join(dir, 'elsewhere'), join(dir, 'gops'))
  const target = await startTarget(t, { behaviour: 'idle', configDir: join(dir, 'gops') })
  t.is(target.portFile, null)
  t.regex(target.stderr(), /refusing to write the port file in .*: it is a symbolic link/)
  t.regex((await request(target.port, [Command.Version])).toString(), /^node v/)
})

test('an unwritable config location is not fatal', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'file'), '')
  const target = await startTarget(t, { behaviour: 'idle', configDir: join(dir, 'file', 'gops') })
  t.is(target.portFile, null)
  t.regex(target.stderr(), /cannot write the port file .*ENOTDIR/)
  t.regex((await request(target.port, [Command.Version])).toString(), /^node v/)
})

test('a directory other users may write to is refused', async (t) => {
  const dir = join(tempDir(t), 'shared')
  mkdirSync(dir, { mode: 0o777 })
  chmodSync(dir, 0o777)
  const target = await startTarget(t, { behaviour: 'idle', configDir: dir })
  t.is(target.portFile, null)
  t.regex(target.stderr(), /it is writable by other users/)
})

test('a symlink planted at the port file path is replaced, never written through', (t) => {
  const dir = tempDir(t)
  const configDir = join(dir, 'gops')
  mkdirSync(configDir, { mode: 0o700 })
  const victim = join(dir, 'victim')
  writeFileSync(victim, 'precious')
  symlinkSync(victim, join(configDir, '4242'))
  t.is(writePortFile(configDir, 4242, 5678), join(configDir, '4242'))
  t.is(readFileSync(victim, 'utf8'), 'precious')
  t.true(lstatSync(join(configDir, '4242')).isFile())
  t.is(readFileSync(join(configDir, '4242'), 'utf8'), '5678')
  t.deepEqual(readdirSync(configDir), ['4242'], 'no temporary file left behind')
})
