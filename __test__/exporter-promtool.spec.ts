// Prometheus's own linter on the exporter's page: `promtool check metrics` (the real promtool,
// from PATH or built by helpers/prometheus.ts) reads the whole page, in the text format, with no
// complaint: the gops_* families and the exporter's own process_*/nodejs_* figures.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { SELF_METRICS } from '../src/exporter/self-metrics'
import { startExporter, get } from './helpers/exporter'
import { promtoolPath } from './helpers/prometheus'

test('promtool check metrics finds nothing to say about the page', async (t) => {
  const promtool = promtoolPath()
  const exporter = await startExporter(t)
  const page = await get(`${exporter.base}/metrics`)
  t.is(page.type, 'text/plain; version=0.0.4; charset=utf-8')
  t.regex(page.body, /^# TYPE gops_process_info gauge$/m)
  for (const name of SELF_METRICS) t.regex(page.body, new RegExp(`^# TYPE ${name} `, 'm'))
  const checked = spawnSync(promtool, ['check', 'metrics'], { input: page.body, encoding: 'utf8' })
  t.is(checked.status, 0, `${checked.stdout}${checked.stderr}`)
  t.is(`${checked.stdout}${checked.stderr}`.trim(), '')
  // The same linter does complain where there is something to say: the check can fail.
  const bad = spawnSync(promtool, ['check', 'metrics'], { input: '# HELP bad_total A gauge.\n# TYPE bad_total gauge\nbad_total 1\n', encoding: 'utf8' })
  t.not(bad.status, 0)
  t.regex(`${bad.stdout}${bad.stderr}`, /non-counter metrics should not have "_total" suffix/)
})
