// ScannerCollector as a library: plugged into a registry a tool already has, with real
// processes (a Go program, a Node process running our agent) behind it.
import test from 'ava'
import { once } from 'node:events'
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Counter, Registry } from 'prom-client'
import { GopsError, Scanner, ScannerCollector } from '../index'
import { startGoAgent } from '../support/go-agent'
import { startTarget } from '../support/node-agent'
import { buildGo, goVersion } from '../support/go'
import { startProcess } from './helpers/processes'

/** The samples of `name` on a text page, as label text -> value. */
function samples(page: string, name: string): Map<string, number> {
  const found = new Map<string, number>()
  for (const line of page.split('\n')) {
    const match = line.match(/^([a-z_]+)(\{.*\})? (\S+)$/)
    if (match && match[1] === name) found.set(match[2] ?? '', Number(match[3]))
  }
  return found
}

test("plugs into a tool's registry next to its own metrics, and comes out again", async (t) => {
  const registry = new Registry()
  const own = new Counter({ name: 'tool_requests_total', help: 'The tool’s own counter.', registers: [registry] })
  own.inc(3)
  const child = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['600'])
  const collector = new ScannerCollector({ scanner: new Scanner(), intervalMs: 0 })
  const unregister = collector.register(registry)

  const page = await registry.metrics()
  t.is(samples(page, 'tool_requests_total').get(''), 3)
  const info = [...samples(page, 'gops_process_info').keys()].find((labels) => labels.includes(`pid="${child.pid}"`))
  t.truthy(info, `pid ${child.pid} missing`)
  t.true(info!.includes(`go_version="${goVersion()}"`) && info!.includes('runtime="go"') && info!.includes('agent="false"'), info)
  t.deepEqual(collector.status().lastError, null)
  t.true(collector.status().scannedAt instanceof Date)
  t.false(page.includes('gops_agent_'), 'agent metrics without agentStats')

  unregister()
  const after = await registry.metrics()
  t.false(after.includes('gops_'))
  t.is(samples(after, 'tool_requests_total').get(''), 3)
})

test('polling, it rescans at most once per interval however often the registry is read', async (t) => {
  const registry = new Registry()
  new ScannerCollector({ intervalMs: 60_000, mode: 'polling' }).register(registry)
  const first = await registry.metrics()
  const child = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['600'])
  const pages = await Promise.all([registry.metrics(), registry.metrics(), registry.metrics()])
  for (const page of [first, ...pages]) {
    t.is(samples(page, 'gops_scan_duration_seconds_count').get(''), 1)
    t.false(page.includes(`pid="${child.pid}"`))
  }
  // With no interval, each read scans.
  const eager = new Registry()
  new ScannerCollector({ intervalMs: 0, mode: 'polling' }).register(eager)
  await eager.metrics()
  const page = await eager.metrics()
  t.is(samples(page, 'gops_scan_duration_seconds_count').get(''), 2)
  t.true(page.includes(`pid="${child.pid}"`))
})

test("agentStats reads a Node agent's figures (no goroutines: Node has none)", async (t) => {
  const target = await startTarget(t, { behaviour: 'idle' })
  const registry = new Registry()
  const collector = new ScannerCollector({ intervalMs: 0, agentStats: { timeoutMs: 5000, concurrency: 4 } })
  collector.register(registry)
  t.teardown(() => collector.close())
  const page = await registry.metrics()
  const pid = `{pid="${target.pid}"}`
  t.is(samples(page, 'gops_agent_up').get(pid), 1)
  t.true(samples(page, 'gops_agent_os_threads').get(pid)! >= 1)
  t.true(samples(page, 'gops_agent_heap_alloc_bytes').get(pid)! > 0)
  t.true(samples(page, 'gops_agent_heap_sys_bytes').get(pid)! >= samples(page, 'gops_agent_heap_alloc_bytes').get(pid)!)
  t.true(samples(page, 'gops_agent_gc_cycles').get(pid)! >= 0)
  t.true(samples(page, 'gops_agent_gc_pause_seconds').get(pid)! >= 0)
  t.false(samples(page, 'gops_agent_goroutines').has(pid))
  const info = [...samples(page, 'gops_process_info').keys()].find((labels) => labels.includes(`pid="${target.pid}"`))
  t.true(info?.includes('runtime="node"') && info.includes('agent="true"') && info.includes('go_version=""'), info)
})

test('bad options are INVALID_ARGUMENT errors', (t) => {
  for (const options of [{ intervalMs: -1 }, { intervalMs: NaN }, { agentStats: { timeoutMs: 0 } }, { agentStats: { concurrency: 0 } }, { agentStats: { concurrency: 1.5 } }, { maxProcesses: 0 }, { maxProcesses: 2.5 }]) {
    const error = t.throws(() => new ScannerCollector(options), { instanceOf: GopsError }, JSON.stringify(options))
    t.is(error?.code, 'INVALID_ARGUMENT')
  }
})

test("a caller's Scanner is the one that counts: its configDir finds the agent the collector then dials", async (t) => {
  // The agent publishes its port in a directory that neither its environment nor ours names:
  // only the Scanner's configDir leads there.
  const hidden = join(mkdtempSync(join(tmpdir(), 'gops-collector-')), 'ports')
  t.teardown(() => rmSync(dirname(hidden), { recursive: true, force: true }))
  const target = await startTarget(t, { behaviour: 'idle', options: { configDir: hidden } })
  t.is(target.portFile, join(hidden, String(target.pid)))
  const scanner = new Scanner({ configDir: hidden })
  const registry = new Registry()
  const collector = new ScannerCollector({ scanner, intervalMs: 0, agentStats: { timeoutMs: 5000, concurrency: 4 } })
  collector.register(registry)
  const page = await registry.metrics()
  t.is(samples(page, 'gops_agent_up').get(`{pid="${target.pid}"}`), 1)
  t.true(samples(page, 'gops_agent_heap_alloc_bytes').get(`{pid="${target.pid}"}`)! > 0)
  // Closing the collector leaves the caller's scanner open.
  collector.close()
  t.true((await scanner.scan()).processes.some((p) => p.pid === target.pid && p.agentPort === target.port))
  scanner.close()
  await t.throwsAsync(scanner.scan(), { instanceOf: GopsError, message: /closed/ })
})

test('maxProcesses bounds the page: the lowest PIDs are served, the rest counted as omitted', async (t) => {
  const hello = buildGo({ program: 'hello', name: 'hello' })
  for (let i = 0; i < 3; i++) await startProcess(t, hello, ['600'])
  const before = (await new Scanner().scan()).processes.map((p) => p.pid)
  const registry = new Registry()
  const collector = new ScannerCollector({ intervalMs: 0, maxProcesses: 2, mode: 'polling' })
  t.teardown(() => collector.close())
  collector.register(registry)
  const page = await registry.metrics()
  const after = new Set((await new Scanner().scan()).processes.map((p) => p.pid))
  const served = [...samples(page, 'gops_process_start_time_seconds').keys()].map((labels) => Number(/pid="(\d+)"/.exec(labels)![1]))
  t.is(served.length, 2)
  // Other test files start and stop Go processes meanwhile: every process alive before and after
  // the collector's scan was alive during it, so none of those it left out may have a lower PID.
  const highestServed = Math.max(...served)
  for (const pid of before.filter((pid) => after.has(pid) && !served.includes(pid))) t.true(pid > highestServed, `PID ${pid} left out, ${served.join(' and ')} served`)
  const omitted = samples(page, 'gops_scan_omitted_processes').get('')!
  t.true(omitted >= 1, page)
  t.is(omitted + 2, samples(page, 'gops_scan_go_processes').get('')! + samples(page, 'gops_scan_node_processes').get('')!)
})

test("the exporter's page(): one snapshot per call, per-process families kept until a scan changes them", async (t) => {
  const registry = new Registry()
  const collector = new ScannerCollector({ intervalMs: 0, mode: 'polling' })
  t.teardown(() => collector.close())
  const page = collector.page(registry)
  const write = async () => Buffer.concat(await page()).toString('utf8')
  const child = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['600'])
  const pages = await Promise.all([write(), write(), write()])
  for (const page of pages) {
    t.true(page.includes(`pid="${child.pid}"`))
    t.is(page.match(/^# HELP gops_process_info /gm)?.length, 1)
    // Each page's count of Go processes is the number of its own info lines.
    const info = samples(page, 'gops_process_info').size
    t.is(info, samples(page, 'gops_scan_go_processes').get('')! + samples(page, 'gops_scan_node_processes').get('')!)
  }
  child.kill('SIGKILL')
  await once(child, 'exit')
  t.false((await write()).includes(`pid="${child.pid}"`))
})

test("the exporter's page writes the per-process families exactly as prom-client does, odd names included", async (t) => {
  // A Go process at a path with a quote, a backslash and a newline, one with a Go agent, a Node agent.
  const dir = mkdtempSync(join(tmpdir(), 'gops-families-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const odd = join(dir, 'a "quoted"\\ new\nline')
  copyFileSync(buildGo({ program: 'hello', name: 'hello' }), odd)
  chmodSync(odd, 0o755)
  const child = await startProcess(t, odd, ['600'])
  const agent = await startGoAgent()
  t.teardown(() => agent.stop())
  const target = await startTarget(t, { behaviour: 'idle' })
  // One collector, one snapshot: polling, scanned once, agents read once.
  const collector = new ScannerCollector({ intervalMs: 60_000, mode: 'polling', agentStats: { timeoutMs: 5000, concurrency: 4 } })
  t.teardown(() => collector.close())
  const ours = Buffer.concat(await collector.page(new Registry())()).toString('utf8')
  const theirs = new Registry()
  collector.register(theirs)
  const reference = await theirs.metrics()
  const names = ['gops_process_info', 'gops_process_start_time_seconds', 'gops_agent_up', 'gops_agent_goroutines', 'gops_agent_os_threads', 'gops_agent_heap_alloc_bytes', 'gops_agent_heap_sys_bytes', 'gops_agent_gc_cycles', 'gops_agent_gc_pause_seconds']
  for (const name of names) t.is(family(ours, name), family(reference, name), name)
  t.true(family(ours, 'gops_process_info').includes(`path="${odd.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`))
  t.true(family(ours, 'gops_agent_goroutines').includes(`{pid="${agent.pid}"}`))
  t.true(family(ours, 'gops_agent_up').includes(`{pid="${target.pid}"} 1`))
  t.true(family(ours, 'gops_process_start_time_seconds').includes(`{pid="${child.pid}"}`))
})

/** A family's HELP, TYPE and sample lines on a text page. */
function family(page: string, name: string): string {
  return page
    .split('\n')
    .filter((line) => line === `# HELP ${name}` || line.startsWith(`# HELP ${name} `) || line.startsWith(`# TYPE ${name} `) || /^(\S+?)[{ ]/.exec(line)?.[1] === name)
    .join('\n')
}
