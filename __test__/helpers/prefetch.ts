// `npm test` starts this first: it builds, in a detached process at the lowest CPU priority, the
// test peers that take minutes on a fresh clone (Prometheus and promtool, when not on PATH), so
// the build overlaps the Rust tests and typecheck instead of holding up the exporter tests. The
// tests wait for it through the cache's lock (support/go.ts) and use what it left; if it failed,
// they build again and report the error. Its output goes to .cache/prefetch.log.
import { spawn } from 'node:child_process'
import { mkdirSync, openSync } from 'node:fs'
import { setPriority } from 'node:os'
import { join } from 'node:path'
import { cacheDir } from '../../support/go'
import { prometheusPath, promtoolPath } from './prometheus'

if (process.argv.includes('--now')) {
  // At the lowest priority (the Go builds it starts inherit it): on a 2-core machine a build at
  // full priority starved the timing-sensitive agent tests running beside it (a spinning main
  // thread reported as blocked). The tests that need what it builds wait for it anyway.
  setPriority(19)
  const started = Date.now()
  console.log(`prometheus: ${prometheusPath()}`)
  console.log(`promtool: ${promtoolPath()}`)
  console.log(`ready in ${((Date.now() - started) / 1000).toFixed(0)} s`)
} else {
  mkdirSync(cacheDir, { recursive: true })
  const log = openSync(join(cacheDir, 'prefetch.log'), 'w')
  const child = spawn(process.execPath, [...process.execArgv, __filename, '--now'], { detached: true, stdio: ['ignore', log, log] })
  child.unref()
  console.log(`building the test peers in the background (pid ${child.pid}, log .cache/prefetch.log)`)
}
