// `gops-native exporter --vuln-db DB`: a series per (process, vulnerability) and per-host counts,
// scraped by the real Prometheus and read back with the PromQL query the docs give.
import test from 'ava'
import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { realAdvisories, writeV1Db } from './helpers/advisories'
import { get, startExporter } from './helpers/exporter'
import { buildGo, withCacheLock } from '../support/go'
import { Prometheus, prometheusPath } from './helpers/prometheus'
import { runCli } from './helpers/cli'

const scratch = mkdtempSync(join(tmpdir(), 'gops-native-exporter-vulns-'))
test.after.always(() => rmSync(scratch, { recursive: true, force: true }))
const db = writeV1Db(join(scratch, 'db'), realAdvisories)

function startVulnerable(t: import('ava').ExecutionContext) {
  const exe = join(scratch, `vulnlang-${Math.random().toString(36).slice(2)}`)
  copyFileSync(withCacheLock(() => buildGo({ program: 'vulnlang', name: 'vulnlang', env: { GOTOOLCHAIN: 'go1.21.0', GOFLAGS: '-mod=mod' } })), exe)
  const child = spawn(exe, ['wait'], { stdio: ['ignore', 'pipe', 'ignore'] })
  t.teardown(() => child.kill('SIGKILL'))
  return { child, exe, started: new Promise((resolve) => child.stdout.once('data', resolve)) }
}

test.serial('the metrics page has a series per (process, vulnerability) and the host counts', async (t) => {
  const { child, exe, started } = startVulnerable(t)
  await started
  const exporter = await startExporter(t, ['--vuln-db', db])
  const page = (await get(`${exporter.base}/metrics`)).body
  const line = page.split('\n').find((l) => l.startsWith('gops_process_vulnerability{') && l.includes(`pid="${child.pid}"`) && l.includes('id="GO-2022-1059"'))
  t.truthy(line, page.slice(0, 2000))
  t.is(
    line,
    `gops_process_vulnerability{pid="${child.pid}",path="${exe}",id="GO-2022-1059",module="golang.org/x/text",version="v0.3.7",fixed="v0.3.8",level="symbol",symbol="golang.org/x/text/language.ParseAcceptLanguage"} 1`,
  )
  t.regex(page, /^gops_host_vulnerable_processes [1-9]\d*$/m)
  t.regex(page, /^gops_host_vulnerabilities\{level="symbol"\} [1-9]\d*$/m)
  t.regex(page, /^gops_vuln_db_up 1$/m)
})

test.serial('an unreadable database stops the exporter at start with a plain error', async (t) => {
  const result = await runCli(['exporter', '--listen', '127.0.0.1:0', '--vuln-db', join(scratch, 'nowhere')])
  t.is(result.code, 1)
  t.regex(result.stderr, /cannot read the vulnerability database .*nowhere/)
})

test.serial('Prometheus: one query names every process exposed to an advisory', async (t) => {
  const binary = prometheusPath()
  const { child, started } = startVulnerable(t)
  await started
  const exporter = await startExporter(t, ['--vuln-db', db])
  const prometheus = await Prometheus.start(binary, [`127.0.0.1:${exporter.port}`])
  t.teardown(() => prometheus.stop())
  const samples = await prometheus.waitFor('gops_process_vulnerability{id="GO-2022-1059", level="symbol"}', (s) => s.some((x) => x.metric.pid === String(child.pid)))
  const mine = samples.find((s) => s.metric.pid === String(child.pid))!
  t.like(mine.metric, { module: 'golang.org/x/text', version: 'v0.3.7', fixed: 'v0.3.8', symbol: 'golang.org/x/text/language.ParseAcceptLanguage' })
  const counted = await prometheus.waitFor('count by (id) (gops_process_vulnerability{level="symbol"})', (s) => s.length > 0)
  t.true(counted.some((s) => s.metric.id === 'GO-2022-1059' && s.value >= 1))
})
