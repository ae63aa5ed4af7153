// Prometheus's own linter on the exporter's page: `promtool check metrics` (the real promtool,
// from PATH or built by helpers/prometheus.ts) reads the gops_* families, in the text format, with
// no complaint. prom-client's default process_*/nodejs_* families are prom-client's naming, not
// checked here.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { startExporter, get } from './helpers/exporter'
import { promtoolPath } from './helpers/prometheus'

/** The families whose names start with `prefix`: their # HELP / # TYPE lines and samples. */
function families(page: string, prefix: string): string {
  return page
    .split('\n')
    .filter((line) => line.startsWith(prefix) || line.startsWith(`# HELP ${prefix}`) || line.startsWith(`# TYPE ${prefix}`))
    .join('\n')
}

test('promtool check metrics finds nothing to say about the gops_* families', async (t) => {
  const promtool = promtoolPath()
  const exporter = await startExporter(t)
  const page = await get(`${exporter.base}/metrics`)
  t.is(page.type, 'text/plain; version=0.0.4; charset=utf-8')
  const gops = families(page.body, 'gops_')
  t.regex(gops, /^# TYPE gops_process_info gauge$/m)
  const checked = spawnSync(promtool, ['check', 'metrics'], { input: `${gops}\n`, encoding: 'utf8' })
  t.is(checked.status, 0, `${checked.stdout}${checked.stderr}`)
  t.is(`${checked.stdout}${checked.stderr}`.trim(), '')
  // The same linter does complain where there is something to say: the check can fail.
  const bad = spawnSync(promtool, ['check', 'metrics'], { input: '# HELP bad_total A gauge.\n# TYPE bad_total gauge\nbad_total 1\n', encoding: 'utf8' })
  t.not(bad.status, 0)
  t.regex(`${bad.stdout}${bad.stderr}`, /non-counter metrics should not have "_total" suffix/)
})
