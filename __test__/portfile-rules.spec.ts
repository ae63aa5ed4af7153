// The port file's location, end to end: where the Node agent writes it under each of gops's
// rules ($GOPS_CONFIG_DIR, $XDG_CONFIG_HOME/gops, $HOME/.config/gops) is where discovery (the
// Rust scanner) and the client look, both when they share the agent's environment and when they
// do not (then they read the directory from the agent's own environment, as gops cannot).
// And when a port file counts as the process's own: one rule (written no more than
// PORT_FILE_SLACK_MS before the process started), kept by the Rust scanner and the TS client,
// both run here on the same files.
import test from 'ava'
import { utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { client, discover, isGopsError, processDetailsSync, resolveTarget, type GoProcess } from '../index'
import { startTimeMs } from '../src/client/procfs'
import { PORT_FILE_SLACK_MS, parsePort } from '../src/protocol/portfile'
import { startTarget, tempDir } from '../support/node-agent'
import { runCli } from './helpers/cli'
import { buildGo } from '../support/go'
import { startProcess } from './helpers/processes'
import { testUnless, unlessLinux } from './helpers/skip'

const rules = [
  { rule: '$GOPS_CONFIG_DIR', env: (dir: string) => ({ GOPS_CONFIG_DIR: join(dir, 'custom'), HOME: dir }), file: (dir: string) => join(dir, 'custom') },
  // Empty values count as unset, for the agent, the client and the Rust scanner alike.
  { rule: '$XDG_CONFIG_HOME/gops', env: (dir: string) => ({ GOPS_CONFIG_DIR: '', XDG_CONFIG_HOME: join(dir, 'xdg'), HOME: dir }), file: (dir: string) => join(dir, 'xdg', 'gops') },
  { rule: '$HOME/.config/gops', env: (dir: string) => ({ GOPS_CONFIG_DIR: '', XDG_CONFIG_HOME: '', HOME: dir }), file: (dir: string) => join(dir, '.config', 'gops') },
]

for (const { rule, env, file } of rules) {
  test(`${rule}: the agent's port file is found by discovery and the client`, async (t) => {
    const dir = tempDir(t)
    const target = await startTarget(t, { behaviour: 'idle', configDir: null, env: env(dir) })
    t.is(target.portFile, join(file(dir), String(target.pid)), 'where the agent wrote it')

    // The CLI with the agent's environment: gops's rules give the same directory.
    const sameEnv = target.env as Record<string, string>
    const listed = JSON.parse((await runCli(['list', '--json'], sameEnv)).stdout) as GoProcess[]
    t.like(listed.find((p) => p.pid === target.pid), { runtime: 'node', agent: true })
    t.is((await runCli(['version', String(target.pid)], sameEnv)).stdout.split('\n')[0], `node ${process.version}`)

    // From elsewhere: found through the agent's own environment.
    const elsewhere = { configDir: join(dir, 'not-here') }
    t.like((await discover(elsewhere)).find((p) => p.pid === target.pid), { runtime: 'node', agent: true })
    t.is(await client.version(target.pid, elsewhere), `node ${process.version}`)
  })
}

// The client reads process start times from /proc: elsewhere it only checks that the process runs.
testUnless(unlessLinux('process start times from /proc'))('a port file is fresh to discovery exactly when it is to the client: written since the start, give or take the slack', async (t) => {
  const configDir = tempDir(t)
  const child = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['600'], { env: { ...process.env, GOPS_CONFIG_DIR: configDir } })
  const started = processDetailsSync(child.pid).startedMs
  t.is(await startTimeMs(child.pid), started, 'the client and the Rust reader see the same start time')
  const portFile = join(configDir, String(child.pid))
  writeFileSync(portFile, '40123')
  const cases = [
    { written: 'two seconds before the process started', offsetMs: -2000, fresh: false },
    { written: 'just outside the slack', offsetMs: -PORT_FILE_SLACK_MS - 20, fresh: false },
    { written: 'just inside the slack', offsetMs: -PORT_FILE_SLACK_MS + 20, fresh: true },
    { written: 'just after the process started', offsetMs: 20, fresh: true },
  ]
  for (const { written, offsetMs, fresh } of cases) {
    const mtime = (started + offsetMs) / 1000
    utimesSync(portFile, mtime, mtime)
    const found = (await discover({ configDir })).find((p) => p.pid === child.pid)
    t.is(found?.agent, fresh, `discover(), file written ${written}`)
    const resolved = await resolveTarget(child.pid, { configDir }).then(
      (address) => address.port === 40123,
      (error: unknown) => (isGopsError(error) && error.code === 'AGENT_GONE' ? false : Promise.reject(error)),
    )
    t.is(resolved, fresh, `the client, file written ${written}`)
  }
})

// What a port file holds, read by both sides: the scan's agentPort and the client's parsePort
// agree on every content (digits trimmed of whitespace, 1-65535; anything else holds no port).
test('the scan reads the same port from a port file as the client does', async (t) => {
  const dir = tempDir(t)
  const child = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['600'])
  const path = join(dir, String(child.pid))
  for (const content of ['40123', ' 40123\n', '\t8080 ', '1', '65535', '0', '65536', '123456', '00080', '+80', '4e3', 'abc', '', '80 81', '\u0663']) {
    writeFileSync(path, content)
    const found = (await discover({ configDir: dir })).find((p) => p.pid === child.pid)
    t.is(found?.agent, true, JSON.stringify(content))
    t.is(found?.agentPort, parsePort(content), JSON.stringify(content))
    t.is(found?.portFile, path)
  }
})
