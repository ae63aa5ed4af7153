// Discovery against real processes: Go binaries of several shapes, the real gops agent,
// non-Go processes, Node processes running our agent, port files fresh and stale, and the real
// gops CLI as the reference.
import test from 'ava'
import { execFile, execFileSync } from 'node:child_process'
import { copyFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { Scanner, client, discover, discoverSync, watch, type GoProcess } from '../index'
import { startTarget } from '../support/node-agent'
import { buildGo, goVersion, gopsCli } from '../support/go'
import { scanUnderChurn } from '../support/churn'
import { startProcess, stopProcess } from './helpers/processes'
import { testUnless, unlessNobodyCanRead, unlessRoot } from './helpers/skip'

const execFileAsync = promisify(execFile)
const configDir = mkdtempSync(join(tmpdir(), 'gops-discover-'))
test.after.always(() => rmSync(configDir, { recursive: true, force: true }))

const hello = () => buildGo({ program: 'hello', name: 'hello' })

function find(processes: GoProcess[], pid: number): GoProcess | undefined {
  return processes.find((p) => p.pid === pid)
}

/** A copy of `binary` in a fresh temp dir (removed after the test). */
function copyOf(t: { teardown(fn: () => void): void }, binary: string, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gops-discover-bin-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const copy = join(dir, name)
  copyFileSync(binary, copy)
  chmodSync(copy, 0o755)
  return copy
}

const shapes = [
  { title: 'plain', build: () => hello() },
  { title: 'stripped (-s -w)', build: () => buildGo({ program: 'hello', name: 'hello-stripped', flags: ['-ldflags=-s -w'] }) },
  { title: 'PIE', build: () => buildGo({ program: 'hello', name: 'hello-pie', flags: ['-buildmode=pie'] }) },
  { title: 'cgo', build: () => buildGo({ program: 'hello', name: 'hello-cgo', env: { CGO_ENABLED: '1' } }) },
]

for (const shape of shapes) {
  test(`finds a ${shape.title} Go process with its version and build info`, async (t) => {
    const binary = shape.build()
    const child = await startProcess(t, binary, ['600'])
    const found = find(await discover({ configDir }), child.pid)
    t.truthy(found, `pid ${child.pid} not found`)
    t.like(found, {
      pid: child.pid,
      ppid: process.pid,
      name: binary.split('/').pop()!.slice(0, 15),
      path: binary,
      deleted: false,
      runtime: 'go',
      goVersion: goVersion(),
      agent: false,
      buildInfo: { path: 'example.com/gopsnative/hello', main: { path: 'example.com/gopsnative/hello', version: '(devel)' } },
    })
    t.true(Math.abs(found!.startedMs - Date.now()) < 60_000)
  })
}

test('finds a process whose binary was deleted after it started', async (t) => {
  const binary = copyOf(t, hello(), 'doomed')
  const child = await startProcess(t, binary, ['600'])
  unlinkSync(binary)
  const found = find((await new Scanner({ configDir }).scan()).processes, child.pid)
  t.like(found, { runtime: 'go', deleted: true, path: binary, goVersion: goVersion() })
})

test('finds a Go process whose build-info magic was wiped, from the evidence left', async (t) => {
  const binary = copyOf(t, hello(), 'wiped')
  const bytes = readFileSync(binary)
  const at = bytes.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'))
  t.true(at > 0)
  bytes.fill(0, at, at + 14)
  writeFileSync(binary, bytes)
  const child = await startProcess(t, binary, ['600'])
  t.like(find(await discover({ configDir }), child.pid), { runtime: 'go', goVersion: goVersion() })
})

test('leaves out processes that are not Go', async (t) => {
  const sleeper = await startProcess(t, 'sleep', ['600'])
  const node = await startProcess(t, process.execPath, ['-e', 'setTimeout(() => {}, 600000)'])
  const processes = discoverSync({ configDir })
  t.is(find(processes, sleeper.pid), undefined)
  t.is(find(processes, node.pid), undefined, 'a Node process without an agent is not listed')
  t.false(processes.some((p) => p.pid === process.pid))
})

test('marks the real gops agent, found through its port file', async (t) => {
  const binary = buildGo({ program: 'withagent', name: 'withagent' })
  const child = await startProcess(t, binary, [], { env: { ...process.env, GOPS_CONFIG_DIR: configDir }, ready: 'ready' })
  const found = find(await discover({ configDir }), child.pid)
  const portFile = join(configDir, String(child.pid))
  const port = Number(readFileSync(portFile, 'utf8'))
  t.like(found, { runtime: 'go', agent: true, name: 'withagent', agentPort: port, portFile })
  // Scanning with another directory, the file is found where the process's own environment says.
  t.like(find(await discover({ configDir: join(configDir, 'elsewhere') }), child.pid), { agent: true, agentPort: port, portFile })
  // The port is the agent's: dialled as the scan says, it answers.
  t.is(await client.version({ host: '127.0.0.1', port }), goVersion())
})

// Needs root (as the tests run here) to make namespaces; elsewhere it is skipped, saying why.
testUnless(unlessRoot('creating namespaces'))('a process in its own PID and mount namespaces: in-namespace PID, port file under its root', async (t) => {
  const binary = buildGo({ program: 'withagent', name: 'withagent' })
  const env = { ...process.env, GOPS_CONFIG_DIR: configDir }
  const unshare = await startProcess(t, 'unshare', ['--pid', '--fork', '--mount', '--mount-proc', '--kill-child', binary], { env, ready: 'ready' })
  t.teardown(() => rmSync(join(configDir, '1'), { force: true }))
  const found = (await discover({ configDir })).find((p) => p.ppid === unshare.pid)
  t.like(found, { name: 'withagent', runtime: 'go', nsPid: 1, agent: true, goVersion: goVersion() })
  t.is(typeof found?.container?.cgroup, 'string')
  // Written inside its namespace as "1", read through its root.
  t.is(found?.portFile, join(`/proc/${found?.pid}/root`, configDir, '1'))
  t.is(found?.agentPort, Number(readFileSync(found!.portFile!, 'utf8')))
})

testUnless(unlessRoot('switching users') ?? unlessNobodyCanRead('the scan'))('as an unprivileged user: other users\' processes are counted as denied, its own are found', async (t) => {
  const nobody = { uid: 65534, gid: 65534 }
  const own = await startProcess(t, hello(), ['600'], { ...nobody })
  const script = `const r = new (require('./index.ts').Scanner)({ configDir: '/nonexistent' }).scanSync();
    process.stdout.write(JSON.stringify({ stats: r.stats, pids: r.processes.map((p) => p.pid) }))`
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '-e', script], {
    ...nobody,
    cwd: join(__dirname, '..'),
    env: { ...process.env, HOME: tmpdir() },
  })
  const { stats, pids } = JSON.parse(stdout)
  t.true(stats.denied > 0, JSON.stringify(stats))
  t.is(stats.unreadable, 0, 'a refusal is counted as denied, not as a failure of ours')
  t.true(pids.includes(own.pid), 'a process of the same user is found')
})

test('a port file older than the process is stale, a newer one marks an agent', async (t) => {
  const child = await startProcess(t, hello(), ['600'])
  const portFile = join(configDir, String(child.pid))
  t.teardown(() => rmSync(portFile, { force: true }))
  writeFileSync(portFile, '40000')
  const hourAgo = new Date(Date.now() - 3_600_000)
  utimesSync(portFile, hourAgo, hourAgo) // left behind by a dead process that had this PID
  const scanner = new Scanner({ configDir })
  const stale = find((await scanner.scan()).processes, child.pid)!
  t.like(stale, { agent: false, agentPort: null, portFile: null })
  const now = new Date()
  utimesSync(portFile, now, now)
  const fresh = find((await scanner.scan()).processes, child.pid)!
  t.true(fresh.agent, 'the same scanner sees the agent appear')
  t.like(fresh, { ...stale, agent: true, agentPort: 40000, portFile, startedMs: stale.startedMs })
  // A new port in the same file is a change; junk is an agent with no port to dial.
  writeFileSync(portFile, ' 40001\n')
  t.like(find((await scanner.scan()).processes, child.pid), { agent: true, agentPort: 40001, portFile })
  writeFileSync(portFile, 'not a port')
  t.like(find((await scanner.scan()).processes, child.pid), { agent: true, agentPort: null, portFile })
})

test('lists a Node process running the real agent as runtime node; after close() or SIGTERM it is gone', async (t) => {
  const [closing, killed] = await Promise.all([
    startTarget(t, { behaviour: 'control', configDir }),
    startTarget(t, { behaviour: 'idle', configDir }),
  ])
  const scanner = new Scanner({ configDir })
  const { processes, stats } = await scanner.scan()
  for (const target of [closing, killed]) {
    t.like(find(processes, target.pid), {
      ppid: process.pid,
      name: 'node',
      path: realpathSync(process.execPath),
      runtime: 'node',
      agent: true,
      goVersion: null,
      buildInfo: null,
    })
  }
  t.true(stats.node >= 2)
  t.is(find(await discover({ configDir, includeNode: false }), closing.pid), undefined)

  // close() removes the port file; the process lives on, and a node process without one is not listed.
  const closed = new Promise((resolve) => closing.child.stdout!.on('data', (chunk: Buffer) => chunk.includes('closed') && resolve(null)))
  closing.child.stdin!.write('close\n')
  await closed
  t.false(existsSync(closing.portFile!))
  killed.child.kill('SIGTERM')
  await killed.exited
  t.true(await portFileGone(killed.portFile!))
  const after = (await scanner.scan()).processes
  t.is(closing.child.exitCode, null, 'still running')
  t.is(find(after, closing.pid), undefined)
  t.is(find(after, killed.pid), undefined)
})

/** The agent's watcher removes the file a moment after its process died. */
async function portFileGone(path: string): Promise<boolean> {
  for (let i = 0; i < 100 && existsSync(path); i++) await sleep(50)
  return !existsSync(path)
}

test('a warm rescan opens no executable and reuses every identity', async (t) => {
  const children = await Promise.all([1, 2, 3].map(() => startProcess(t, hello(), ['600'])))
  const scanner = new Scanner({ configDir, concurrency: 2 })
  const cold = await scanner.scan()
  const warm = scanner.scanSync()
  for (const child of children) {
    t.truthy(find(warm.processes, child.pid))
    t.is(find(warm.processes, child.pid), find(cold.processes, child.pid), 'an unchanged process is the same object')
    t.true(Object.isFrozen(find(warm.processes, child.pid)))
  }
  // Other processes on the machine may start new binaries between the scans: the exact proof
  // (an unchanged binary is never reopened) is the scanner's cargo test.
  t.true(warm.stats.inspected < cold.stats.inspected, JSON.stringify({ cold: cold.stats, warm: warm.stats }))
  t.true(warm.stats.cacheHits >= warm.stats.go, JSON.stringify(warm.stats))
  t.true(warm.stats.go >= 3)
})

test('a process that exited is gone from the next scan', async (t) => {
  const child = await startProcess(t, hello(), ['600'])
  const scanner = new Scanner({ configDir })
  t.truthy(find((await scanner.scan()).processes, child.pid))
  await stopProcess(child)
  t.is(find((await scanner.scan()).processes, child.pid), undefined)
})

test('scans under process churn: every scan answers and lists the process running throughout', async (t) => {
  const steady = await startProcess(t, hello(), ['600'])
  const run = await scanUnderChurn(90, hello(), steady.pid, configDir)
  t.deepEqual(run.errors, [])
  t.is(run.scans, 90)
  t.true(run.started > 20, `only ${run.started} processes churned`)
})

for (const mode of ['auto', 'polling'] as const) {
  test(`watch (${mode}) reports starts and exits, and stops on abort`, async (t) => {
    const controller = new AbortController()
    const events = watch({ configDir, intervalMs: 50, signal: controller.signal, mode })
    let child: Awaited<ReturnType<typeof startProcess>> | undefined
    const seen: string[] = []
    let started: GoProcess | undefined
    for await (const event of events) {
      if (!child) child = await startProcess(t, hello(), ['600']) // after the first scan's events
      if (event.process.pid !== child.pid) continue
      seen.push(event.type)
      if (event.type === 'start') {
        started = event.process
        t.like(event.process, { runtime: 'go', ppid: process.pid, goVersion: goVersion() })
        await stopProcess(child)
      } else {
        t.is<GoProcess | undefined, GoProcess | undefined>(event.process, started, 'an exit carries the object its start did')
        controller.abort()
      }
    }
    t.deepEqual(seen, ['start', 'exit'])
    t.is(events.mode, mode === 'polling' ? 'polling' : 'events', String(events.fallbackReason))
  })
}

// Root here: the kernel's process events are available, so an hour between scans does not delay anything.
test('watch in events mode tells a start and an exit long before a poll would', async (t) => {
  const controller = new AbortController()
  const events = watch({ configDir, intervalMs: 3_600_000, signal: controller.signal, mode: 'events' })
  t.is(events.mode, 'events')
  t.is(events.fallbackReason, null)
  const timer = setTimeout(() => controller.abort(), 30_000)
  let child: Awaited<ReturnType<typeof startProcess>> | undefined
  const seen: string[] = []
  for await (const event of events) {
    if (!child) child = await startProcess(t, hello(), ['600'])
    if (event.process.pid !== child.pid) continue
    seen.push(event.type)
    if (event.type === 'start') await stopProcess(child)
    else controller.abort()
  }
  clearTimeout(timer)
  t.deepEqual(seen, ['start', 'exit'])
  t.is(events.resyncs, 0)
})

test('watch in events mode tells a Node process whose agent starts after its exec, and its exit', async (t) => {
  const controller = new AbortController()
  const events = watch({ configDir, intervalMs: 100, signal: controller.signal, mode: 'events' })
  const timer = setTimeout(() => controller.abort(), 60_000)
  let target: Awaited<ReturnType<typeof startTarget>> | undefined
  const seen: string[] = []
  const starting = startTarget(t, { behaviour: 'idle', configDir }).then((started) => (target = started))
  for await (const event of events) {
    await starting
    if (event.process.pid !== target!.pid) continue
    seen.push(`${event.type} ${event.process.runtime}`)
    if (event.type === 'start') target!.child.kill('SIGKILL')
    else controller.abort()
  }
  clearTimeout(timer)
  t.deepEqual(seen, ['start node', 'exit node'])
})

/** Runs a script from the package root in a child Node, optionally through a wrapper command (unshare, setpriv). */
async function runScript(body: string, wrapper: string[] = [], options: { uid?: number; gid?: number } = {}) {
  const script = `const { watch, discover, Scanner } = require('./index.ts'); (async () => { ${body} })().catch((e) => { process.stdout.write(JSON.stringify({ code: e.code, message: e.message })) })`
  const [file, ...args] = [...wrapper, process.execPath, '--import', 'tsx', '-e', script]
  return execFileAsync(file, args, { cwd: join(__dirname, '..'), timeout: 60_000, env: { ...process.env, HOME: tmpdir() }, ...options })
}

testUnless(unlessRoot('creating namespaces'))('watch and a following Scanner fall back to polling where events are unavailable, and say why; mode events refuses', async (t) => {
  const cases = [
    // The connector lives in the host's network namespace only: a fresh one has none.
    { wrapper: ['unshare', '--net', '--kill-child'], reason: /process events: this kernel or network namespace has no process-events connector/ },
    // The kernel ignores a listener in another PID namespace (its events carry the host's PIDs).
    { wrapper: ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'], reason: /process events: it needs root or CAP_NET_ADMIN, in the host's PID namespace/ },
  ]
  for (const { wrapper, reason } of cases) {
    // The mode is known once watch() returns (a fresh PID namespace has no process to tell).
    const auto = await runScript(
      `const w = watch({ intervalMs: 50 }); const s = new Scanner({ mode: 'auto' }); await s.scan(); await s.scan()
       process.stdout.write(JSON.stringify({ mode: w.mode, reason: w.fallbackReason, scanner: s.mode, scannerReason: s.fallbackReason })); await w.return()`,
      wrapper,
    )
    const result = JSON.parse(auto.stdout)
    t.like(result, { mode: 'polling', scanner: 'polling' }, wrapper.join(' '))
    t.regex(result.reason, reason)
    t.is(result.scannerReason, result.reason)
    const strict = await runScript(
      `const codes = []; try { new Scanner({ mode: 'events' }) } catch (e) { codes.push(e.code) }
       try { watch({ mode: 'events' }) } catch (e) { codes.push(e.code) }; process.stdout.write(JSON.stringify(codes))`,
      wrapper,
    )
    t.deepEqual(JSON.parse(strict.stdout), ['EVENTS_UNAVAILABLE', 'EVENTS_UNAVAILABLE'], wrapper.join(' '))
  }
})

testUnless(unlessRoot('switching users') ?? unlessNobodyCanRead('the watch'))('watch as an unprivileged user sees its own process start and exit, and says which mode it may use', async (t) => {
  const nobody = { uid: 65534, gid: 65534 }
  const binary = hello()
  const { stdout } = await runScript(
    `const { spawn } = require('node:child_process'); const w = watch({ configDir: '/nonexistent', intervalMs: 100 });
     // Nobody runs no Go process yet: the first batch may be empty, so the child starts now.
     const child = spawn(${JSON.stringify(binary)}, ['600'], { stdio: 'ignore' }); const seen = []
     for await (const e of w) {
       if (e.process.pid !== child.pid) continue
       seen.push(e.type)
       if (e.type === 'start') child.kill('SIGKILL'); else break
     }
     process.stdout.write(JSON.stringify({ seen, mode: w.mode, reason: w.fallbackReason }))`,
    [],
    nobody,
  )
  const result = JSON.parse(stdout)
  t.deepEqual(result.seen, ['start', 'exit'], stdout)
  // Kernels from 6.6 accept an unprivileged listener; older ones want CAP_NET_ADMIN.
  if (result.mode === 'polling') t.regex(result.reason, /process events: it needs root or CAP_NET_ADMIN/)
  else t.is(result.reason, null)
  t.log(`unprivileged watch: ${result.mode}${result.reason ? ` (${result.reason})` : ''}`)
})

test('watch refuses a bad mode or interval', (t) => {
  t.throws(() => watch({ mode: 'sometimes' as never }), { code: 'INVALID_ARGUMENT' } as never)
  t.throws(() => watch({ intervalMs: -1 }), { code: 'INVALID_ARGUMENT' } as never)
})

test('watch leaves nothing behind after break or abort: the process exits', async (t) => {
  await startProcess(t, hello(), ['600']) // so the first scan has an event to break on
  const script = (body: string) =>
    `const { watch } = require('./index.ts'); (async () => { ${body}; process.stdout.write('done') })()`
  const run = (body: string) =>
    execFileAsync(process.execPath, ['--import', 'tsx', '-e', script(body)], { cwd: join(__dirname, '..'), timeout: 60_000 })
  for (const mode of ['auto', 'polling']) {
    // An hour between scans: a leftover timer or wait would hold the process until the timeout kills it.
    const broke = await run(`for await (const event of watch({ intervalMs: 3_600_000, mode: '${mode}' })) break`)
    t.is(broke.stdout, 'done', mode)
    const aborted = await run(
      `const c = new AbortController(); setTimeout(() => c.abort(), 300); for await (const event of watch({ intervalMs: 3_600_000, signal: c.signal, mode: '${mode}' }));`,
    )
    t.is(aborted.stdout, 'done', mode)
    // Without ref, a watch waiting for changes does not keep Node alive.
    const unref = await run(`const w = watch({ intervalMs: 3_600_000, mode: '${mode}', ref: false }); void (async () => { for await (const e of w); })()`)
    t.is(unref.stdout, 'done', mode)
  }
})

test('a Scanner runs its scans one at a time and refuses scanSync meanwhile', async (t) => {
  const scanner = new Scanner({ configDir })
  const pending = [scanner.scan(), scanner.scan()]
  t.throws(() => scanner.scanSync(), { code: 'SCAN_IN_PROGRESS' } as never)
  const [a, b] = await Promise.all(pending)
  t.true(a.stats.scanned > 0 && b.stats.scanned > 0)
  t.notThrows(() => scanner.scanSync())
})

test('rejects a bad concurrency or mode', (t) => {
  t.throws(() => new Scanner({ concurrency: 0 }), { code: 'INVALID_ARGUMENT' } as never)
  t.throws(() => new Scanner({ mode: 'sometimes' as never }), { code: 'INVALID_ARGUMENT' } as never)
})

// Root here: the kernel's process events are available (elsewhere the fallback test below covers it).
testUnless(unlessRoot('the kernel\'s process events'))('a Scanner following events finds a start and an exit, keeping every other process as it was', async (t) => {
  const scanner = new Scanner({ configDir, mode: 'events' })
  t.is(scanner.mode, 'events')
  t.is(scanner.fallbackReason, null)
  const staying = await startProcess(t, hello(), ['600'])
  const first = await scanner.scan()
  const kept = find(first.processes, staying.pid)
  t.truthy(kept, 'the first scan lists /proc')
  const child = await startProcess(t, hello(), ['600'])
  const second = scanner.scanSync()
  t.like(find(second.processes, child.pid), { runtime: 'go', ppid: process.pid, goVersion: goVersion() })
  t.is(find(second.processes, staying.pid), kept, 'a process no event named is the same object')
  await stopProcess(child)
  const third = await scanner.scan()
  t.is(find(third.processes, child.pid), undefined, 'its exit was missed')
  t.is(find(third.processes, staying.pid), kept)
  t.is(scanner.mode, 'events')
  t.is(scanner.resyncs, 0)
})

test('every process the real gops lists, we list with the same version', async (t) => {
  const gops = gopsCli()
  const binary = buildGo({ program: 'withagent', name: 'withagent' })
  const env = { ...process.env, GOPS_CONFIG_DIR: configDir }
  const agent = await startProcess(t, binary, [], { env, ready: 'ready' })
  const plain = await startProcess(t, hello(), ['600'])
  const rows = execFileSync(gops, [], { env, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      // NAME is padded to the widest name, then `*` or a space: the star may touch the name.
      const tokens = line.split(/\s+/)
      const separateStar = tokens[3] === '*'
      const agent = separateStar || tokens[2].endsWith('*')
      const name = tokens[2].replace(/\*$/, '')
      return { pid: Number(tokens[0]), name, version: tokens[separateStar ? 4 : 3], agent }
    })
  const ours = await discover({ configDir })
  for (const pid of [agent.pid, plain.pid]) t.truthy(rows.find((r) => r.pid === pid), `gops did not list ${pid}`)
  for (const row of rows) {
    const mine = find(ours, row.pid)
    if (!mine && !isAlive(row.pid)) continue // exited between the two scans
    t.truthy(mine, `we missed ${JSON.stringify(row)}`)
    t.is(mine?.goVersion, row.version, `version of ${row.pid}`)
    t.is(mine?.name, row.name)
  }
  t.true(rows.find((r) => r.pid === agent.pid)!.agent)
  t.true(find(ours, agent.pid)!.agent)
  t.false(find(ours, plain.pid)!.agent)
})

/** Running, and not a zombie: a killed process not yet reaped has no executable to list. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}
