// Abuse, measured (issue 9). Floods against gops-native's Node agent (worker and same-thread
// modes) and Go's own agent (github.com/google/gops/agent), each followed by the real gops CLI's
// `gops version <pid>`; then what the rest of gops-native withstands: damaged executables, scans
// under process churn, the client against peers that never reply or trickle. Prints one table.
// Run: npm run bench:abuse [-- runs]   (after npm run build; Linux: memory is read from /proc)
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { client, GopsError } from '../index'
import { startTarget, transpileFixture, type Teardown } from '../support/node-agent'
import { silentPeer, tricklingPeer } from '../support/bad-peers'
import { scanUnderChurn } from '../support/churn'
import { halfSentSetGC, openSilent, processMemory, renewingFlood, sendJunk } from '../support/flood'
import { buildGo, gopsCli } from '../support/go'
import { hostileSources, inspectDamaged } from '../support/hostile-files'
import { startGoAgent } from '../support/go-agent'
import { median } from './median'

/** How long `gops version` may take before it counts as no answer. */
const ANSWER_LIMIT_MS = 5000
const MB = 1024 * 1024

interface Row {
  abuse: string
  who: string
  tried: string
  failures: string
  time: string
  memory: string
}

interface Agent {
  pid: number
  port: number
  env: NodeJS.ProcessEnv
}

const agents: Record<string, (t: Teardown) => Promise<Agent>> = {
  'Go agent (gops v0.3.28)': async (t) => {
    const agent = await startGoAgent()
    t.teardown(() => agent.stop())
    return { pid: agent.pid, port: agent.port, env: { ...process.env, GOPS_CONFIG_DIR: agent.configDir } }
  },
  'our agent, worker': (t) => startTarget(t, { behaviour: 'idle' }),
  'our agent, same-thread': (t) => startTarget(t, { behaviour: 'idle', nodeArgs: ['--experimental-permission', '--allow-fs-read=*', '--allow-fs-write=*'] }),
}

/** Each abuse leaves its connections open (returned) while gops asks for the version. */
const floods: Record<string, (port: number) => Promise<Array<{ destroy(): void }>>> = {
  'none (baseline)': async () => [],
  '200 silent connections': (port) => openSilent(port, 200),
  '2,000 connections of junk bytes': async (port) => (await sendJunk(port, 2000), []),
  'one half-sent setgc varint': async (port) => [await halfSentSetGC(port)],
  'all three, in that order (issue 9)': async (port) => {
    const silent = await openSilent(port, 200)
    await sendJunk(port, 2000)
    return [...silent, await halfSentSetGC(port)]
  },
  '1,000 silent connections, each reopened as soon as it is dropped': async (port) => {
    const flood = renewingFlood(port, 1000)
    await delay(1000)
    return [flood]
  },
}

/** Runs `gops version <pid>`; the time until it printed the version, or null without an answer in time. */
function timedVersion(agent: Agent): Promise<number | null> {
  return new Promise((resolve) => {
    const started = performance.now()
    const gops = spawn(gopsCli(), ['version', String(agent.pid)], { env: agent.env, stdio: ['ignore', 'pipe', 'ignore'] })
    let stdout = ''
    gops.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    const limit = setTimeout(() => gops.kill('SIGKILL'), ANSWER_LIMIT_MS)
    gops.once('close', (code) => {
      clearTimeout(limit)
      resolve(code === 0 && /^(go|node v)\d/.test(stdout) ? performance.now() - started : null)
    })
  })
}

async function floodRow(abuse: string, who: string, runs: number): Promise<Row> {
  const times: number[] = []
  const before: number[] = []
  const peaks: number[] = []
  for (let run = 0; run < runs; run++) {
    const cleanups: Array<() => unknown> = []
    try {
      const agent = await agents[who]({ teardown: (fn) => void cleanups.push(fn) })
      before.push(processMemory(agent.pid).rss)
      const open = await floods[abuse](agent.port)
      cleanups.push(() => open.forEach((socket) => socket.destroy()))
      const time = await timedVersion(agent)
      if (time !== null) times.push(time)
      peaks.push(processMemory(agent.pid).peak)
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup()
    }
  }
  return {
    abuse,
    who,
    tried: `${runs} runs`,
    failures: times.length === runs ? '0' : `${runs - times.length} without an answer in ${ANSWER_LIMIT_MS / 1000} s`,
    time: times.length ? `${median(times).toFixed(0)} ms to answer` : '-',
    memory: `${mb(median(before))} before, peak ${mb(median(peaks))}`,
  }
}

/** The parts below run in a child each (`--part name`), so each peak RSS is that part's own. */
const parts: Record<string, () => Promise<Row>> = {
  async files() {
    const scratchDir = mkdtempSync(join(tmpdir(), 'gops-abuse-'))
    const sources = hostileSources()
    const started = performance.now()
    try {
      const run = await inspectDamaged(2000, join(scratchDir, 'damaged'), sources)
      const ms = performance.now() - started
      return {
        abuse: 'damaged executables: ELF, Mach-O, PE, XCOFF Go binaries cut short and overwritten',
        who: '`inspect()`',
        tried: `${run.inputs} inputs (${run.goAnswers} still Go)`,
        failures: String(run.errors.length),
        time: `${(ms / run.inputs).toFixed(2)} ms per input (write + inspect), ${(ms / 1000).toFixed(1)} s in all`,
        memory: `peak ${mb(processMemory(process.pid).peak)} (bench process)`,
      }
    } finally {
      rmSync(scratchDir, { recursive: true, force: true })
    }
  },
  async churn() {
    const hello = buildGo({ program: 'hello', name: 'hello' })
    const steady = spawn(hello, ['600'], { stdio: 'ignore' })
    try {
      const started = performance.now()
      const run = await scanUnderChurn(600, hello, steady.pid!)
      const ms = performance.now() - started
      return {
        abuse: `process churn: 4 at a time started and reaped by another process (${run.started} in ${(ms / 1000).toFixed(1)} s)`,
        who: '`Scanner.scan()`, `scanSync()`, `discover()` in turn',
        tried: `${run.scans} scans`,
        failures: String(run.errors.length),
        time: `${median(run.durationsMs).toFixed(1)} ms per scan (median)`,
        memory: `peak ${mb(processMemory(process.pid).peak)} (bench process)`,
      }
    } finally {
      steady.kill('SIGKILL')
    }
  },
  async client() {
    const peers = [await silentPeer(), await tricklingPeer(20)]
    const timeoutMs = 500
    const times: number[] = []
    let failures = 0
    const started = performance.now()
    try {
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const begun = performance.now()
          const outcome = await client.memStats(peers[i % 2].address, { timeoutMs }).then(
            () => null,
            (error: unknown) => error,
          )
          const ms = performance.now() - begun
          // Right: TIMEOUT at the deadline (late by at most a second on a loaded machine).
          if (outcome instanceof GopsError && outcome.code === 'TIMEOUT' && ms < timeoutMs + 1000) times.push(ms)
          else failures++
        }),
      )
    } finally {
      peers.forEach((peer) => peer.close())
    }
    return {
      abuse: 'peers that never reply, or trickle a byte every 20 ms for ever (100 requests each, all at once)',
      who: '`client.memStats()`, timeout 500 ms',
      tried: '200 requests',
      failures: String(failures),
      time: `TIMEOUT after ${median(times).toFixed(0)} ms (median), ${(performance.now() - started).toFixed(0)} ms for all`,
      memory: `peak ${mb(processMemory(process.pid).peak)} (bench process, peers included)`,
    }
  },
}

function runPart(name: string): Row {
  const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', __filename, '--part', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  if (child.status !== 0) throw new Error(`part ${name} failed (${child.status ?? child.signal})`)
  return JSON.parse(child.stdout) as Row
}

function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`
}

async function main(): Promise<void> {
  const [flag, part] = process.argv.slice(2)
  if (flag === '--part') return void process.stdout.write(JSON.stringify(await parts[part]()))
  const runs = Number(flag ?? 5)
  transpileFixture()
  console.error(`${cpus().length} x ${cpus()[0].model}, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${runs} runs per flood`)
  const rows: Row[] = []
  for (const abuse of Object.keys(floods)) {
    for (const who of Object.keys(agents)) {
      rows.push(await floodRow(abuse, who, runs))
      console.error(`done: ${abuse}, ${who}`)
    }
  }
  for (const name of Object.keys(parts)) rows.push(runPart(name))
  console.error(`load after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  console.log('| abuse | who | tried | failures | time | memory (RSS) |\n|---|---|---|---|---|---|')
  for (const row of rows) console.log(`| ${row.abuse} | ${row.who} | ${row.tried} | ${row.failures} | ${row.time} | ${row.memory} |`)
}

void main()
