// The port file's location, end to end: where the Node agent writes it under each of gops's
// rules ($GOPS_CONFIG_DIR, $XDG_CONFIG_HOME/gops, $HOME/.config/gops) is where discovery (the
// Rust scanner) and the client look, both when they share the agent's environment and when they
// do not (then they read the directory from the agent's own environment, as gops cannot).
import test from 'ava'
import { join } from 'node:path'
import { client, discover, type GoProcess } from '../index'
import { startTarget, tempDir } from './helpers/agent'
import { runCli } from './helpers/cli'

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
