// `gops-native exporter` as users run it: its flags' errors, its HTTP routes, how often it
// scans, a scan that fails for real (an unlistable /proc), and a clean stop on SIGTERM/SIGINT.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer, connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { packageRoot } from '../src/package-root'
import { runCli } from './helpers/cli'
import { get, startExporter } from './helpers/exporter'
import { buildGo, goVersion } from '../support/go'
import { startProcess } from './helpers/processes'
import { testUnless, unlessNobodyCanRead } from './helpers/skip'

/** One plain line on stderr, exit 1: what every user mistake gets. */
function assertOneLine(t: import('ava').ExecutionContext, result: { code: number; stderr: string }, pattern: RegExp): void {
  t.is(result.code, 1, result.stderr)
  t.regex(result.stderr, /^gops-native: [^\n]+\n$/)
  t.regex(result.stderr, pattern)
}

const badFlags: Array<[string, string[], RegExp]> = [
  ['a --listen address without a port', ['--listen', 'localhost'], /--listen wants HOST:PORT.*"localhost"/],
  ['a --listen port above 65535', ['--listen', '127.0.0.1:70000'], /--listen wants HOST:PORT/],
  ['an unclosed IPv6 bracket', ['--listen', '[::1:9792'], /--listen wants HOST:PORT/],
  ['an interval that is not a duration', ['--interval', 'often'], /--interval wants a duration with a unit, such as 45s, 500ms or 1m30s, not "often"/],
  ['an interval without a unit', ['--interval', '2'], /^gops-native: --interval 2: add a unit: 2ms or 2s$/m],
  ['a negative interval', ['--interval', '-1s'], /--interval wants/],
  ['a zero agent timeout', ['--agent-timeout', '0s'], /--agent-timeout wants a positive duration/],
  ['an address no interface has', ['--listen', '192.0.2.1:9792', '--allow-remote'], /cannot listen on 192\.0\.2\.1:9792: no interface of this host has that address/],
  ['a host that does not resolve', ['--listen', 'no-such-host.invalid:9792', '--allow-remote'], /cannot listen on no-such-host\.invalid:9792: cannot resolve host/],
  ['a non-loopback address without --allow-remote', ['--listen', '0.0.0.0:9792'], /refusing to listen on 0\.0\.0\.0: .*pass --allow-remote/],
  ['every interface without --allow-remote', ['--listen', ':9792'], /refusing to listen on every interface/],
  ['an unknown --mode', ['--mode', 'sometimes'], /--mode wants auto, events or polling, not "sometimes"/],
  ['a zero --max-processes', ['--max-processes', '0'], /--max-processes wants a whole number of processes \(at least 1\), not "0"/],
  ['a fractional --max-processes', ['--max-processes', '1.5'], /--max-processes wants a whole number/],
]
for (const [title, args, pattern] of badFlags) {
  test(`${title} is one plain line and exit 1`, async (t) => {
    assertOneLine(t, await runCli(['exporter', ...args]), pattern)
  })
}

test('a port in use is one plain line and exit 1', async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => taken.close())
  const { port } = taken.address() as { port: number }
  assertOneLine(t, await runCli(['exporter', '--listen', `127.0.0.1:${port}`]), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`))
})

test('--allow-remote serves on every interface with a warning', async (t) => {
  const exporter = await startExporter(t, ['--listen', '0.0.0.0:0', '--allow-remote'])
  t.regex(exporter.stderr(), /listening on 0\.0\.0\.0: anyone who can reach http:\/\/0\.0\.0\.0:\d+\/metrics sees every process/)
  t.is((await get(`${exporter.base}/metrics`)).status, 200)
})

test('--listen takes [IPv6]:PORT and a bare PORT (loopback) without --allow-remote', async (t) => {
  const v6 = await startExporter(t, ['--listen', '[::1]:0'])
  t.regex(v6.stderr(), /^gops-native exporter: serving http:\/\/\[::1\]:\d+\/metrics \((following the kernel's process events|polling every 1s at most)\)\n$/)
  t.is((await get(`http://[::1]:${v6.port}/healthz`)).status, 200)
  const bare = await startExporter(t, ['--listen', '0'])
  t.regex(bare.stderr(), /^gops-native exporter: serving http:\/\/127\.0\.0\.1:\d+\/metrics \(/)
})

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} stops it cleanly: exit 0, port closed`, async (t) => {
    const exporter = await startExporter(t)
    t.is((await get(`${exporter.base}/metrics`)).status, 200)
    exporter.child.kill(signal)
    t.deepEqual(await exporter.exited, { code: 0, signal: null })
    t.regex(exporter.stderr(), new RegExp(`${signal}: stopping`))
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(exporter.port, '127.0.0.1')
      socket.once('connect', () => (socket.destroy(), resolve(false)))
      socket.once('error', () => resolve(true))
    })
    t.true(refused, 'the port still accepts connections')
  })
}

test('routes: /metrics (GET and HEAD), /healthz, /, 404 and 405', async (t) => {
  const { base } = await startExporter(t)
  const metrics = await get(`${base}/metrics`)
  t.is(metrics.status, 200)
  t.regex(metrics.body, /^# HELP gops_process_info /m)
  t.regex(metrics.body, /^process_cpu_seconds_total /m) // prom-client's default process metrics
  const head = await fetch(`${base}/metrics`, { method: 'HEAD' })
  t.is(head.status, 200)
  t.is(await head.text(), '')
  t.deepEqual(await get(`${base}/healthz`), { status: 200, type: 'text/plain; charset=utf-8', body: 'ok\n' })
  t.is((await get(`${base}/`)).status, 200)
  t.is((await get(`${base}/nope`)).status, 404)
  const post = await fetch(`${base}/metrics`, { method: 'POST' })
  t.is(post.status, 405)
  t.is(post.headers.get('allow'), 'GET, HEAD')
})

/** A sample's value from a text page; undefined when absent. */
function value(page: string, series: string): number | undefined {
  const line = page.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

test('polling, scrapes within the interval are served from one scan', async (t) => {
  const { base } = await startExporter(t, ['--interval', '1h', '--mode', 'polling'])
  const first = (await get(`${base}/metrics`)).body
  const child = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['600'])
  const pages = await Promise.all(Array.from({ length: 5 }, () => get(`${base}/metrics`)))
  for (const { body } of pages) {
    t.is(value(body, 'gops_scan_duration_seconds_count'), 1)
    t.false(body.includes(`pid="${child.pid}"`), 'a process started after the scan appeared before the interval passed')
  }
  t.is(value(first, 'gops_scan_duration_seconds_count'), 1)
})

const followsEvents = testUnless(process.platform === 'linux' && process.getuid?.() === 0 ? null : 'process events need Linux and root here')

followsEvents('following process events, every scrape sees what started and exited since the last, with no interval to wait for', async (t) => {
  const exporter = await startExporter(t, ['--interval', '1h', '--mode', 'events'])
  t.regex(exporter.stderr(), /following the kernel's process events/)
  const first = (await get(`${exporter.base}/metrics`)).body
  t.is(value(first, 'gops_scan_following_events'), 1)
  const child = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['600'])
  // The next scrape after its exec has it: no interval to wait for.
  const seen = (await get(`${exporter.base}/metrics`)).body
  t.regex(seen, new RegExp(`^gops_process_info\\{pid="${child.pid}",.*go_version="${goVersion()}"`, 'm'))
  t.is(value(seen, 'gops_scan_duration_seconds_count'), 2)
  child.kill('SIGKILL')
  await once(child, 'exit')
  const gone = (await get(`${exporter.base}/metrics`)).body
  t.false(gone.includes(`pid="${child.pid}"`))
  t.is(value(gone, 'gops_scan_duration_seconds_count'), 3)
})

// A scan fails for real when /proc cannot be listed: the exporter runs as nobody in its own
// mount namespace, and a mode-000 tmpfs is mounted over its /proc, then taken away again.
const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0
const asRoot = testUnless(canUnshare ? unlessNobodyCanRead('the exporter') : 'it needs root and unshare -m')

asRoot('a failed scan is counted, the last good data is served with its age, /healthz says so', async (t) => {
  const nobody = ['unshare', '-m', '--propagation', 'private', 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
  // Polling: a scan that follows events lists /proc only when events were lost.
  const exporter = await startExporter(t, ['--interval', '100ms', '--mode', 'polling'], { wrapper: nobody })
  // Root's processes are closed to nobody: give it a Go process of its own to report.
  const child = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['600'], { uid: 65534, gid: 65534 })
  const nsenter = (...args: string[]) => {
    const result = spawnSync('nsenter', ['-t', String(exporter.child.pid), '-m', ...args], { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`nsenter ${args.join(' ')}: ${result.stderr}`)
  }
  const good = (await get(`${exporter.base}/metrics`)).body
  const listed = value(good, 'gops_scan_processes')
  t.true(listed! > 0)
  t.is(value(good, 'gops_scan_failures_total'), 0)

  nsenter('mount', '-t', 'tmpfs', '-o', 'mode=000', 'tmpfs', '/proc')
  await sleep(300)
  const stale = await get(`${exporter.base}/metrics`, { accept: 'application/openmetrics-text' })
  t.is(stale.status, 200)
  t.true(stale.body.endsWith('# EOF\n'))
  t.true(value(stale.body, 'gops_scan_failures_total')! >= 1)
  t.is(value(stale.body, 'gops_scan_processes'), listed, 'the last good scan is still served')
  t.true(value(stale.body, 'gops_scan_age_seconds')! >= 0.25)
  t.regex(stale.body, new RegExp(`^gops_process_info\\{pid="${child.pid}"`, 'm'))
  const health = await get(`${exporter.base}/healthz`)
  t.is(health.status, 503)
  t.regex(health.body, /^the last scan failed \(cannot list \/proc: Permission denied.*\); the data served is [\d.]+ s old\n$/)

  nsenter('umount', '/proc')
  await sleep(300)
  const recovered = (await get(`${exporter.base}/metrics`)).body
  t.true(value(recovered, 'gops_scan_age_seconds')! < 0.25)
  t.is((await get(`${exporter.base}/healthz`)).status, 200)
})

test('the list view loads neither the exporter nor prom-client', async (t) => {
  const script = `
    const { main } = require('./src/cli/main')
    main(['list', '--json']).then(() => {
      const loaded = Object.keys(require.cache).filter((file) => /prom-client|negotiator|[\\\\/]src[\\\\/]exporter[\\\\/]|actions[\\\\/]exporter/.test(file))
      process.stderr.write(JSON.stringify(loaded))
    })`
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: packageRoot, encoding: 'utf8' })
  t.is(result.status, 0, result.stderr)
  t.deepEqual(JSON.parse(result.stderr), [])
})

test("the exporter loads only the prom-client parts it uses: no Pushgateway (TLS), cluster aggregator or OpenTelemetry", async (t) => {
  const script = `
    const { startExporter } = require('./src/exporter/server')
    startExporter({ host: '127.0.0.1', port: 0, intervalMs: 1000, agentStats: false, agentTimeoutMs: 1000 }).then((exporter) => {
      require('node:http').get(exporter.url, (response) => {
        response.resume().on('end', async () => {
          const loaded = Object.keys(require.cache).filter((file) => /opentelemetry|prom-client[\\\\/](index|lib[\\\\/](pushgateway|cluster|defaultMetrics))/.test(file))
          const builtins = process.moduleLoadList.filter((name) => /^NativeModule (https|tls)$/.test(name))
          process.stderr.write(JSON.stringify({ status: response.statusCode, loaded, builtins }))
          await exporter.close()
        })
      })
    })`
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: packageRoot, encoding: 'utf8' })
  t.is(result.status, 0, result.stderr)
  t.deepEqual(JSON.parse(result.stderr), { status: 200, loaded: [], builtins: [] })
})
