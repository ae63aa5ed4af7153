// The exporter scraped hard: 50 scrapers at once beside clients that ask and never read their
// reply. Every scraper gets one whole page that agrees with itself, within Prometheus's default
// scrape timeout (10 s); the stuck clients' connections are let go and the exporter's memory stays bounded.
import test from 'ava'
import { readdirSync, readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { startExporter } from './helpers/exporter'
import { buildGo } from '../support/go'
import { startProcess } from './helpers/processes'

/** Prometheus's default scrape_timeout. */
const SCRAPE_BUDGET_MS = 10_000

function rssBytes(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)![1]) * 1024
}

/** Opens a connection, asks for the page, and never reads: its reply backs up into the exporter. */
function stuckClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text\r\n\r\n')
      socket.pause()
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

/** The lines of one metric family's samples. */
function samples(page: string, name: string): string[] {
  return page.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
}

test('50 concurrent scrapers beside 100 clients that never read: whole, consistent pages in time, bounded memory', async (t) => {
  const hello = buildGo({ program: 'hello', name: 'hello' })
  for (let i = 0; i < 20; i++) await startProcess(t, hello, ['600'])
  const exporter = await startExporter(t, ['--interval', '0s'])
  const warm = await (await fetch(`${exporter.base}/metrics`)).text()
  await sleep(500)
  const before = rssBytes(exporter.child.pid!)

  const descriptors = () => readdirSync(`/proc/${exporter.child.pid}/fd`).length
  const idleDescriptors = descriptors()
  const stuck = await Promise.all(Array.from({ length: 100 }, () => stuckClient(exporter.port)))
  t.teardown(() => stuck.forEach((socket) => socket.destroy()))
  for (const socket of stuck) socket.on('error', () => undefined) // reset when the exporter cuts it off

  for (let round = 0; round < 3; round++) {
    const started = performance.now()
    const pages = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const accept = i % 2 ? 'application/openmetrics-text;version=1.0.0' : 'text/plain'
        const response = await fetch(`${exporter.base}/metrics`, { headers: { accept } })
        const body = await response.text()
        return { status: response.status, length: Number(response.headers.get('content-length')), body, openMetrics: i % 2 === 1, ms: performance.now() - started }
      }),
    )
    for (const page of pages) {
      t.is(page.status, 200)
      t.true(page.ms < SCRAPE_BUDGET_MS, `a scrape took ${page.ms.toFixed(0)} ms`)
      t.is(Buffer.byteLength(page.body), page.length, 'the whole page, as announced')
      t.is(page.body.endsWith('# EOF\n'), page.openMetrics)
      t.is(page.body.match(/# EOF/g)?.length ?? 0, page.openMetrics ? 1 : 0, 'one end of page')
      // One snapshot: the count of Go processes, the info series and the start times agree.
      const info = samples(page.body, 'gops_process_info')
      const go = info.filter((line) => line.includes('runtime="go"')).length
      t.is(go, Number(samples(page.body, 'gops_scan_go_processes')[0]?.split(' ')[1]))
      t.is(samples(page.body, 'gops_process_start_time_seconds').length, info.length)
      t.true(go >= 20)
    }
  }

  // Each stuck client holds at most one page: the growth stays far below 100 unbounded pages.
  const grown = rssBytes(exporter.child.pid!) - before
  t.log(`RSS ${(before / 2 ** 20).toFixed(0)} MB before the stuck clients, +${(grown / 2 ** 20).toFixed(1)} MB with them; page ${(warm.length / 1024).toFixed(0)} KiB`)
  t.true(grown < 64 * 2 ** 20, `RSS grew by ${(grown / 2 ** 20).toFixed(1)} MB`)
  // The exporter lets go of the stuck clients' connections (keep-alive and idle limits: 5 and
  // 10 s), and still serves.
  t.true(descriptors() >= idleDescriptors + 100)
  const deadline = Date.now() + 20_000
  while (descriptors() > idleDescriptors + 2 && Date.now() < deadline) await sleep(250)
  t.true(descriptors() <= idleDescriptors + 2, `${descriptors()} descriptors open, ${idleDescriptors} before the stuck clients`)
  t.is((await fetch(`${exporter.base}/healthz`)).status, 200)
})
