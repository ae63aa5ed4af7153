// The exporter against its real peer: the real Prometheus (helpers/prometheus.ts) scrapes it
// every second, and what lands in Prometheus is read back through the query API. Nothing here is
// checked against our own parser of the page.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTarget } from '../support/node-agent'
import { startExporter, get, type RunningExporter } from './helpers/exporter'
import { buildGo, goVersion } from '../support/go'
import { Prometheus, prometheusPath, promtoolPath } from './helpers/prometheus'
import { startProcess, stopProcess } from './helpers/processes'
import { startGoAgent, type GoAgent } from '../support/go-agent'

const check = test.serial

let exporter: RunningExporter
let prometheus: Prometheus
let capture: Server
let capturePort: number
/** The Accept header of Prometheus's scrapes, seen by a second target. */
let scraperAccept: string | undefined
const agents: GoAgent[] = []

test.before(async () => {
  // Built on first use when not on PATH (minutes, once): before the exporter starts, so nothing waits on it.
  const binary = prometheusPath()
  exporter = await startExporter(null, ['--agent-stats', '--interval', '500ms', '--agent-timeout', '400ms'])
  capture = createServer((request, response) => {
    scraperAccept = request.headers.accept
    // Prometheus 3 fails a scrape whose Content-Type is missing (2.x assumed the text format).
    response.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8')
    response.end('capture_up 1\n')
  })
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve))
  capturePort = (capture.address() as { port: number }).port
  prometheus = await Prometheus.start(binary, [`127.0.0.1:${exporter.port}`, `127.0.0.1:${capturePort}`])
})

test.after.always(async () => {
  for (const agent of agents) agent.stop()
  exporter?.child.kill('SIGKILL')
  capture?.close()
  await prometheus?.stop()
})

const hello = () => buildGo({ program: 'hello', name: 'hello' })
const instance = () => `127.0.0.1:${exporter.port}`

check('Prometheus negotiates OpenMetrics and scrapes the page without error', async (t) => {
  await prometheus.waitFor(`up{instance="${instance()}"}`, (s) => s.length === 1 && s[0].value === 1)
  await prometheus.waitFor(`up{instance="127.0.0.1:${capturePort}"}`, (s) => s.length === 1 && s[0].value === 1)
  const { activeTargets } = (await prometheus.api('targets')) as { activeTargets: Array<{ scrapeUrl: string; health: string; lastError: string }> }
  const target = activeTargets.find((a) => a.scrapeUrl.includes(`:${exporter.port}/`))
  t.like(target, { health: 'up', lastError: '' })
  // What Prometheus asks for gets OpenMetrics; a plain client gets the classic text format.
  t.truthy(scraperAccept, 'the capture target saw no scrape')
  t.regex(scraperAccept!, /application\/openmetrics-text/)
  const asScraped = await get(`${exporter.base}/metrics`, { accept: scraperAccept! })
  t.is(asScraped.type, 'application/openmetrics-text; version=1.0.0; charset=utf-8')
  t.true(asScraped.body.endsWith('# EOF\n'))
  t.is((await get(`${exporter.base}/metrics`)).type, 'text/plain; version=0.0.4; charset=utf-8')
  // OpenMetrics names a counter's family without _total; Prometheus's metadata shows which it parsed.
  const metadata = (await prometheus.api('metadata')) as Record<string, Array<{ type: string }>>
  t.is(metadata.gops_scan_failures?.[0]?.type, 'counter')
  t.is(metadata.gops_process_info?.[0]?.type, 'gauge')
  t.is(metadata.gops_scan_duration_seconds?.[0]?.type, 'histogram')
  // The counter series themselves keep the _total Prometheus users query.
  await prometheus.waitFor(`gops_scan_cache_hits_total{instance="${instance()}"}`, (s) => s.length === 1 && s[0].value > 0)
})

check('a Go process started by the test appears with its Go version', async (t) => {
  const child = await startProcess(t, hello(), ['600'])
  const [sample] = await prometheus.waitFor(`gops_process_info{pid="${child.pid}"}`, (s) => s.length === 1)
  t.like(sample.metric, {
    job: 'gops',
    pid: String(child.pid),
    ppid: String(process.pid),
    name: 'hello',
    path: hello(),
    go_version: goVersion(),
    main_path: 'example.com/gopsnative/hello',
    runtime: 'go',
    agent: 'false',
  })
  t.is(sample.value, 1)
  const [started] = await prometheus.waitFor(`gops_process_start_time_seconds{pid="${child.pid}"}`, (s) => s.length === 1)
  t.true(Math.abs(started.value - Date.now() / 1000) < 120, `start time ${started.value}`)
  // The PromQL docs/exporter.md gives for the fleet's Go versions.
  const versions = await prometheus.query('count by (go_version) (gops_process_info{runtime="go"})')
  t.true(versions.some((v) => v.metric.go_version === goVersion() && v.value >= 1))
})

check('label values with quotes, backslashes, spaces and non-ASCII reach Prometheus unchanged', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'gops-prom-')), 'a "quoted" back\\slash dïr')
  t.teardown(() => rmSync(join(dir, '..'), { recursive: true, force: true }))
  mkdirSync(dir)
  const path = join(dir, 'odd"na\\me')
  copyFileSync(hello(), path)
  chmodSync(path, 0o755)
  const child = await startProcess(t, path, ['600'])
  const [sample] = await prometheus.waitFor(`gops_process_info{pid="${child.pid}"}`, (s) => s.length === 1)
  t.is(sample.metric.path, path)
  t.is(sample.metric.name, 'odd"na\\me')
})

check("a Go agent's goroutine count and memory figures appear", async (t) => {
  const agent = await startGoAgent()
  agents.push(agent)
  const pid = `pid="${agent.pid}"`
  const [goroutines] = await prometheus.waitFor(`gops_agent_goroutines{${pid}}`, (s) => s.length === 1)
  t.true(Number.isInteger(goroutines.value) && goroutines.value >= 1, `goroutines ${goroutines.value}`)
  for (const name of ['gops_agent_os_threads', 'gops_agent_heap_alloc_bytes', 'gops_agent_heap_sys_bytes']) {
    const [sample] = await prometheus.waitFor(`${name}{${pid}}`, (s) => s.length === 1)
    t.true(sample.value > 0, `${name} ${sample.value}`)
  }
  await prometheus.waitFor(`gops_agent_gc_cycles{${pid}}`, (s) => s.length === 1 && s[0].value >= 0)
  await prometheus.waitFor(`gops_agent_up{${pid}}`, (s) => s.length === 1 && s[0].value === 1)
  await prometheus.waitFor(`gops_process_info{${pid}}`, (s) => s.length === 1 && s[0].metric.agent === 'true')
})

check("a Node agent's process has no go_version label in Prometheus, and its figures but no goroutines", async (t) => {
  const target = await startTarget(t, { behaviour: 'idle' })
  const pid = `pid="${target.pid}"`
  const [info] = await prometheus.waitFor(`gops_process_info{${pid}}`, (s) => s.length === 1)
  t.like(info.metric, { runtime: 'node', agent: 'true', main_path: undefined })
  t.false('go_version' in info.metric, 'an empty label value is no label to Prometheus')
  await prometheus.waitFor(`gops_agent_os_threads{${pid}}`, (s) => s.length === 1 && s[0].value >= 1)
  await prometheus.waitFor(`gops_agent_heap_alloc_bytes{${pid}}`, (s) => s.length === 1 && s[0].value > 0)
  t.deepEqual(await prometheus.query(`gops_agent_goroutines{${pid}}`), [])
})

check('a stuck agent is counted as a failed read and never fails or stalls the scrape', async (t) => {
  const agent = await startGoAgent()
  agents.push(agent)
  const pid = `pid="${agent.pid}"`
  await prometheus.waitFor(`gops_agent_up{${pid}}`, (s) => s.length === 1 && s[0].value === 1)
  const before = await prometheus.query(`sum(gops_agent_read_failures_total{instance="${instance()}",code="TIMEOUT"})`)
  // Stopped, its socket still accepts connections (the kernel's backlog) but nothing answers.
  process.kill(agent.pid, 'SIGSTOP')
  t.teardown(() => {
    try {
      process.kill(agent.pid, 'SIGCONT')
    } catch {}
  })
  await prometheus.waitFor(`gops_agent_up{${pid}}`, (s) => s.length === 1 && s[0].value === 0)
  await prometheus.waitFor(`gops_agent_goroutines{${pid}}`, (s) => s.length === 0)
  await prometheus.waitFor(
    `sum(gops_agent_read_failures_total{instance="${instance()}",code="TIMEOUT"})`,
    (s) => s.length === 1 && s[0].value > (before[0]?.value ?? 0),
  )
  const [up] = await prometheus.query(`up{instance="${instance()}"}`)
  t.is(up.value, 1)
  // Scrapes go on within the 1 s scrape timeout: the 400 ms agent deadline bounds the wait.
  const [slowest] = await prometheus.query(`max_over_time(scrape_duration_seconds{instance="${instance()}"}[5s])`)
  t.true(slowest.value < 0.9, `slowest scrape took ${slowest.value} s`)
  const [failedScrapes] = await prometheus.query(`count_over_time(up{instance="${instance()}"}[10s]) - sum_over_time(up{instance="${instance()}"}[10s])`)
  t.is(failedScrapes.value, 0)
})

// promtool lints the Prometheus text format (it has no OpenMetrics parser), with its default
// flags: the page with Go processes, a Go agent's figures and a failed agent read on it.
check('promtool check metrics finds nothing to say about the page', async (t) => {
  const agent = await startGoAgent()
  agents.push(agent)
  await prometheus.waitFor(`gops_agent_up{pid="${agent.pid}"}`, (s) => s.length === 1)
  const page = await get(`${exporter.base}/metrics`)
  t.regex(page.type, /^text\/plain; version=0\.0\.4/)
  t.regex(page.body, /^gops_agent_goroutines\{/m)
  t.regex(page.body, /^process_cpu_seconds_total /m)
  t.regex(page.body, /^nodejs_heap_size_used_bytes /m)
  const lint = spawnSync(promtoolPath(), ['check', 'metrics'], { input: page.body, encoding: 'utf8' })
  t.is(lint.stdout + lint.stderr, '')
  t.is(lint.status, 0)
})

check('a killed process disappears', async (t) => {
  const child = await startProcess(t, hello(), ['600'])
  await prometheus.waitFor(`gops_process_info{pid="${child.pid}"}`, (s) => s.length === 1)
  await stopProcess(child)
  await prometheus.waitFor(`gops_process_info{pid="${child.pid}"}`, (s) => s.length === 0)
  await prometheus.waitFor(`gops_process_start_time_seconds{pid="${child.pid}"}`, (s) => s.length === 0)
  t.pass()
})
