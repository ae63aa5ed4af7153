// watch() benchmark: how long after a Go process's exec, and after its exit, each mode tells
// it (the kernel's process events against polling every second), and what 30 s of watching
// costs in CPU. Run: npm run build, then `node --import tsx bench/watch.ts` (or `npm run
// bench:perf`, which runs bench/discover.ts first, in the same run).
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { watch, type WatchEvent } from '../index'
import { buildGo } from '../support/go'
import { machine } from './machine'
import { median } from './median'

const TRIALS = Number(process.env.BENCH_ROUNDS) || 15
const CPU_SECONDS = 30
const POLL_MS = 1000
const runNode = promisify(execFile)

type Mode = 'events' | 'polling'

/** When each watcher told each PID's start and exit (performance.now()). */
const told: Record<Mode, Map<string, number>> = { events: new Map(), polling: new Map() }

async function follow(mode: Mode, signal: AbortSignal): Promise<void> {
  for await (const event of watch({ mode, intervalMs: POLL_MS, signal }) as AsyncIterable<WatchEvent>) {
    told[mode].set(`${event.type}:${event.process.pid}`, performance.now())
  }
}

async function toldBoth(key: string): Promise<void> {
  for (let i = 0; i < 500 && !(told.events.has(key) && told.polling.has(key)); i++) await sleep(10)
}

/**
 * A child Node (the built package, no TS loader) that watches for CPU_SECONDS from 1 s in
 * and reports the CPU it used meanwhile; `idle` only waits, for Node's own baseline.
 */
async function cpuOfWatching(mode: Mode | 'idle'): Promise<{ cpuMs: number; events: number }> {
  const script = `const { watch } = require('./dist/index.js')
    ;(async () => {
      const c = new AbortController(); let began, events = 0
      if ('${mode}' === 'idle') {
        await new Promise((r) => setTimeout(r, 1000)); began = process.cpuUsage()
        await new Promise((r) => setTimeout(r, ${CPU_SECONDS * 1000}))
      } else {
        // Measured from 1 s in (the first batch is told by then), whether or not anything happens.
        const w = watch({ mode: '${mode}', intervalMs: ${POLL_MS}, signal: c.signal })
        setTimeout(() => { began = process.cpuUsage(); events = 0; setTimeout(() => c.abort(), ${CPU_SECONDS * 1000}) }, 1000)
        for await (const e of w) events++
      }
      const used = process.cpuUsage(began)
      process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, events }))
    })()`
  const { stdout } = await runNode(process.execPath, ['-e', script], { cwd: join(__dirname, '..') })
  return JSON.parse(stdout)
}

export async function benchWatch(): Promise<void> {
  const binary = buildGo({ program: 'hello', name: 'hello' })
  const loadAtStart = loadavg()
  const controller = new AbortController()
  const following = [follow('events', controller.signal), follow('polling', controller.signal)]
  await sleep(2000) // both first batches told
  const latency: Record<string, number[]> = { 'events:start': [], 'events:exit': [], 'polling:start': [], 'polling:exit': [] }
  for (let trial = 0; trial < TRIALS; trial++) {
    await sleep(Math.random() * POLL_MS) // not in step with the polling
    const started = performance.now()
    const child = spawn(binary, ['600'], { stdio: 'ignore' }) // returns once the child has exec'd
    await once(child, 'spawn')
    await toldBoth(`start:${child.pid}`)
    await sleep(Math.random() * POLL_MS)
    const killed = performance.now()
    child.kill('SIGKILL')
    await toldBoth(`exit:${child.pid}`)
    for (const mode of ['events', 'polling'] as const) {
      latency[`${mode}:start`].push(told[mode].get(`start:${child.pid}`)! - started)
      latency[`${mode}:exit`].push(told[mode].get(`exit:${child.pid}`)! - killed)
    }
  }
  controller.abort()
  await Promise.allSettled(following)
  const [eventsCpu, pollingCpu, idleCpu] = await Promise.all([cpuOfWatching('events'), cpuOfWatching('polling'), cpuOfWatching('idle')])
  const ms = (key: string) => `${median(latency[key]).toFixed(1)} ms (${Math.min(...latency[key]).toFixed(1)}-${Math.max(...latency[key]).toFixed(1)})`
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ')
  console.log(`\n## watch(): ${TRIALS} Go processes started and killed; load average at the start ${load(loadAtStart)}, at the end ${load(loadavg())}`)
  console.log(`| figure | events | polling every ${POLL_MS} ms |`)
  console.log('|---|---|---|')
  console.log(`| start told, after the spawn began: median (min-max) | ${ms('events:start')} | ${ms('polling:start')} |`)
  console.log(`| exit told, after SIGKILL: median (min-max) | ${ms('events:exit')} | ${ms('polling:exit')} |`)
  console.log(
    `| CPU used by ${CPU_SECONDS} s of watching (events told meanwhile) | ${eventsCpu.cpuMs.toFixed(0)} ms (${eventsCpu.events}) | ${pollingCpu.cpuMs.toFixed(0)} ms (${pollingCpu.events}) |`,
  )
  console.log(`| the same Node process idle for ${CPU_SECONDS} s, no watch (baseline) | ${idleCpu.cpuMs.toFixed(0)} ms | |`)
}

if (require.main === module) {
  console.log(machine())
  benchWatch().catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}
