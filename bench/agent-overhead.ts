// What the gops-native agent costs a Node process while nobody talks to it: each workload runs
// in a fresh process, alternately with the agent listening (idle) and without it, and the
// medians are compared. Run: node --require tsx/cjs bench/agent-overhead.ts [runs]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { agent } from '../index'
import { median } from './median'

const workloads: Record<string, () => Promise<number>> = {
  /** CPU-bound JavaScript: recursive calls, no allocation to speak of. Wall ms. */
  async cpu() {
    const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2))
    const start = performance.now()
    for (let i = 0; i < 10; i++) fib(32)
    return performance.now() - start
  },
  /** Event-loop heavy: 300k loop turns, each allocating (so the GC, and the agent's GC observer, run). Wall ms. */
  async loop() {
    const start = performance.now()
    let kept: object[] = []
    for (let i = 0; i < 300_000; i++) {
      await new Promise((resolve) => setImmediate(resolve))
      kept.push({ i, text: `turn ${i}` })
      if (kept.length > 1000) kept = []
    }
    return performance.now() - start
  },
  /** An idle process for 2 s: the CPU time it burns meanwhile (user + system ms). */
  async idle() {
    const before = process.cpuUsage()
    await delay(2000)
    const used = process.cpuUsage(before)
    return (used.user + used.system) / 1000
  },
}

async function child(workload: string, withAgent: boolean): Promise<void> {
  if (withAgent) {
    const configDir = mkdtempSync(join(tmpdir(), 'gops-bench-'))
    const handle = await agent.listen({ configDir })
    process.on('exit', () => rmSync(configDir, { recursive: true, force: true }))
    await delay(200) // let the worker settle, so start-up is not measured
    const ms = await workloads[workload]()
    const rss = process.memoryUsage.rss()
    await handle.close()
    process.stdout.write(JSON.stringify({ ms, rss }))
  } else {
    await delay(200)
    const ms = await workloads[workload]()
    process.stdout.write(JSON.stringify({ ms, rss: process.memoryUsage.rss() }))
  }
}

function parent(runs: number): void {
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; ${runs} runs each, medians\n`)
  console.log('| workload | without agent | with agent (idle) | difference | RSS without | RSS with |')
  console.log('|---|---|---|---|---|---|')
  for (const workload of Object.keys(workloads)) {
    const results: Record<'with' | 'without', Array<{ ms: number; rss: number }>> = { with: [], without: [] }
    for (let run = 0; run < runs; run++) {
      for (const variant of run % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
        const out = spawnSync(process.execPath, ['--require', 'tsx/cjs', __filename, '--child', workload, variant], { encoding: 'utf8' })
        if (out.status !== 0) throw new Error(`${workload}/${variant} failed: ${out.stderr}`)
        results[variant].push(JSON.parse(out.stdout))
      }
    }
    const without = median(results.without.map((r) => r.ms))
    const withAgent = median(results.with.map((r) => r.ms))
    const unit = workload === 'idle' ? 'ms CPU' : 'ms'
    const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`
    console.log(
      `| ${workload} | ${without.toFixed(1)} ${unit} | ${withAgent.toFixed(1)} ${unit} | ${(((withAgent - without) / without) * 100).toFixed(1)}% | ` +
        `${mb(median(results.without.map((r) => r.rss)))} | ${mb(median(results.with.map((r) => r.rss)))} |`,
    )
  }
}

const [flag, workload, variant] = process.argv.slice(2)
if (flag === '--child') void child(workload, variant === 'with')
else parent(Number(flag ?? 9))
