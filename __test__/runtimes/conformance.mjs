// The conformance suite of gops-native's public API, run as is by every runtime of the matrix
// (Node, Bun, Deno) from a project that installed the packed package: `gops-native` resolves
// as it does for that runtime's users. Plain ESM and node: modules only, so no test runner or
// loader of one runtime is needed in another. Each check prints one `CONFORMANCE {json}` line;
// runtimes.spec.ts runs this file and judges the lines. The Go peers (a program, a Go agent,
// the gops CLI) come from the spec in GOPS_CONFORMANCE.
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { gunzipSync } from 'node:zlib'
import * as gops from 'gops-native'

const config = JSON.parse(process.env.GOPS_CONFORMANCE ?? '{}')
const { hello, goAgent, gopsCli } = config
const versions = process.versions
const kind = versions.bun ? 'bun' : versions.deno ? 'deno' : 'node'
const label = { node: `Node ${process.version}`, bun: `Bun ${versions.bun}`, deno: `Deno ${versions.deno}` }[kind]

/** Per runtime, what the agent does for the commands that need more than Node's basics (docs/runtimes.md). */
const AGENT_SUPPORT = {
  node: { mode: 'worker', stack: 'running', gcFrees: true, heapProfile: true, cpuProfile: true, trace: true },
  bun: { mode: 'worker', stack: 'blocked', gcFrees: false, heapProfile: false, cpuProfile: false, trace: false },
  deno: { mode: 'same-thread', stack: 'idle', gcFrees: true, heapProfile: true, cpuProfile: true, trace: false },
}[kind]

const CHECK_TIMEOUT_MS = 60_000

function report(name, ok, detail) {
  process.stdout.write(`CONFORMANCE ${JSON.stringify({ name, ok, detail })}\n`)
}

function assert(condition, message) {
  if (!condition) throw new Error(message)
}

/** Runs one check under a deadline, so a hang is a failure with a name, not a stuck suite. */
async function check(name, body) {
  let timer
  try {
    const detail = await Promise.race([
      body(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no result within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)
      }),
    ])
    report(name, true, detail ?? '')
  } catch (error) {
    report(name, false, `${error?.code ? `${error.code}: ` : ''}${error?.message ?? error}`)
  } finally {
    clearTimeout(timer)
  }
}

function run(file, args, env = {}) {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env }, timeout: 30_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    )
  })
}

/** A Go program that sleeps, as a live process for discovery; killed by the caller. */
function startHello(seconds = 60) {
  return spawn(hello, [String(seconds)], { stdio: 'ignore' })
}

async function until(what, probe, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`)
    await delay(100)
  }
}

await check('esm entry', async () => {
  for (const name of ['inspect', 'inspectMany', 'discover', 'Scanner', 'watch', 'processDetails', 'client', 'agent', 'ScannerCollector', 'GopsError']) {
    assert(gops[name] !== undefined, `the ESM entry has no ${name}`)
  }
  return Object.keys(gops).sort().join(',')
})

await check('commonjs entry (require)', async () => {
  const required = createRequire(import.meta.url)('gops-native')
  assert(required.inspect === gops.inspect, 'require and import give different modules')
  return Object.keys(required).length
})

await check('inspect', async () => {
  const info = await gops.inspect(hello)
  assert(info.isGo && /^go1\./.test(info.goVersion), `not read as Go: ${JSON.stringify(info).slice(0, 200)}`)
  assert(info.buildInfo?.path, 'no build info')
  const sync = gops.inspectSync(hello)
  assert(sync.goVersion === info.goVersion, 'inspectSync disagrees')
  return info.goVersion
})

await check('inspectMany: per-item failures in the results', async () => {
  const missing = join(tmpdir(), 'gops-native-no-such-file')
  const results = await gops.inspectMany([hello, missing])
  assert(results.length === 2 && results[0].ok && results[0].result.isGo, `first: ${JSON.stringify(results[0]).slice(0, 200)}`)
  assert(!results[1].ok && results[1].error.code === 'NOT_FOUND', `second: ${JSON.stringify(results[1])}`)
  return results[1].error.code
})

await check('inspect rejects a bad argument with a GopsError', async () => {
  const error = await gops.inspect(42).then(
    () => null,
    (e) => e,
  )
  assert(gops.isGopsError(error), `not a GopsError: ${error}`)
  return error.code
})

await check('discover finds the Go agent', async () => {
  const found = (await gops.discover()).find((p) => p.pid === goAgent.pid)
  assert(found && found.runtime === 'go' && /^go1\./.test(found.goVersion), `not found: ${JSON.stringify(found)}`)
  return `${found.name} ${found.goVersion}`
})

await check('Scanner (polling) stays warm: an unchanged process is the same object', async () => {
  const scanner = new gops.Scanner({ mode: 'polling' })
  const first = (await scanner.scan()).processes.find((p) => p.pid === goAgent.pid)
  const second = (await scanner.scan()).processes.find((p) => p.pid === goAgent.pid)
  assert(first && first === second, 'the second scan handed out a new object')
  assert(scanner.mode === 'polling', `mode ${scanner.mode}`)
  const sync = scanner.scanSync().processes.find((p) => p.pid === goAgent.pid)
  assert(sync === first, 'scanSync handed out a new object')
  return 'same object'
})

await check('Scanner (events) sees a start and an exit', async () => {
  let scanner
  try {
    scanner = new gops.Scanner({ mode: 'events' })
  } catch (error) {
    // Events need Linux and root (or CAP_NET_ADMIN): elsewhere the refusal must be this code.
    if (error.code === 'EVENTS_UNAVAILABLE' && (process.platform !== 'linux' || process.getuid?.() !== 0)) return `unavailable here: ${error.message}`
    throw error
  }
  await scanner.scan()
  const child = startHello()
  try {
    await until('the started process was not reported', async () => (await scanner.scan()).processes.some((p) => p.pid === child.pid))
  } finally {
    child.kill('SIGKILL')
  }
  await until('the killed process was still reported', async () => !(await scanner.scan()).processes.some((p) => p.pid === child.pid))
  assert(scanner.mode === 'events', `mode ${scanner.mode} (${scanner.fallbackReason})`)
  return scanner.mode
})

await check('watch() reports a start and ends on its AbortSignal', async () => {
  const controller = new AbortController()
  const watching = gops.watch({ mode: 'polling', intervalMs: 100, signal: controller.signal })
  const child = startHello()
  let sawStart = false
  try {
    for await (const event of watching) {
      if (event.type === 'start' && event.process.pid === child.pid) {
        sawStart = true
        controller.abort()
      }
    }
  } finally {
    child.kill('SIGKILL')
  }
  assert(sawStart, 'no start event for the child')
  return 'ended after abort'
})

await check('processDetails of the Go agent', async () => {
  const details = await gops.processDetails(goAgent.pid)
  assert(details.pid === goAgent.pid, `pid ${details.pid}`)
  const listening = details.connections.some((c) => c.local.port === goAgent.port)
  assert(listening, `no socket on the agent's port ${goAgent.port}: ${JSON.stringify(details.connections).slice(0, 300)}`)
  return `${details.threads ?? '?'} threads`
})

await check('client against the real Go agent', async () => {
  const options = { configDir: goAgent.configDir }
  const version = await gops.client.version(goAgent.pid, options)
  assert(/^go1\./.test(version), `version ${version}`)
  const stats = await gops.client.stats(goAgent.pid, options)
  assert(stats.goroutines > 0, `stats ${JSON.stringify(stats)}`)
  const stack = await gops.client.stack(goAgent.pid, options)
  assert(/goroutine \d+/.test(stack), 'no goroutine in the stack')
  const profile = await gops.client.heapProfile(goAgent.pid, options)
  assert(profile[0] === 0x1f && profile[1] === 0x8b, 'the heap profile is not gzipped')
  return version
})

await check('exporter collector with prom-client', async () => {
  const { Registry } = createRequire(import.meta.url)('prom-client')
  const registry = new Registry()
  const collector = new gops.ScannerCollector({ configDir: goAgent.configDir, agentStats: { timeoutMs: 2000 } })
  const unregister = collector.register(registry)
  try {
    const text = await registry.metrics()
    assert(new RegExp(`^gops_process_info\\{[^}]*pid="${goAgent.pid}"`, 'm').test(text), 'no gops_process_info for the Go agent')
    assert(new RegExp(`^gops_agent_goroutines\\{[^}]*pid="${goAgent.pid}"[^}]*\\} [1-9]`, 'm').test(text), 'no goroutines from the Go agent')
    assert(collector.status().lastError === null, `lastError ${collector.status().lastError}`)
    return `${text.split('\n').length} lines`
  } finally {
    unregister()
    collector.close()
  }
})

// The Node agent in this runtime, answered by the real gops CLI and by gops-native's client.
const configDir = mkdtempSync(join(tmpdir(), 'gops-native-conformance-'))
const gopsEnv = { GOPS_CONFIG_DIR: configDir }
let handle = null
await check('agent.listen()', async () => {
  // A generous deadline for main's answers: the suite runs on loaded CI machines.
  handle = await gops.agent.listen({ configDir, cpuProfileSeconds: 1, traceSeconds: 1, mainThreadTimeoutMs: 2000 })
  assert(handle.mode === AGENT_SUPPORT.mode, `mode ${handle.mode}, expected ${AGENT_SUPPORT.mode}`)
  return `${handle.mode} on ${handle.address}:${handle.port}`
})

const pid = String(process.pid)
const agentCheck = (name, body) => check(`agent: ${name}`, () => (handle ? body() : Promise.reject(new Error('the agent did not start'))))

await agentCheck('gops version', async () => {
  const { code, stdout, stderr } = await run(gopsCli, ['version', pid], gopsEnv)
  assert(code === 0 && stdout.startsWith(`node ${process.version}\n`), `${code} ${stdout}${stderr}`)
  if (kind !== 'node') assert(stdout.includes(`\n${kind}: ${versions[kind]}\n`), `the version reply does not name ${label}: ${stdout}`)
  return stdout.split('\n').slice(0, 2).join(' / ')
})
await agentCheck('gops stats', async () => {
  const { code, stdout, stderr } = await run(gopsCli, ['stats', pid], gopsEnv)
  assert(code === 0 && /^num CPU: \d+$/m.test(stdout) && /^event-loop: responsive$/m.test(stdout), `${code} ${stdout}${stderr}`)
  return 'responsive'
})
await agentCheck('gops memstats', async () => {
  const { code, stdout, stderr } = await run(gopsCli, ['memstats', pid], gopsEnv)
  assert(code === 0 && /^heap-used: [\d.]+[KMG]?B \(\d+ bytes\)$/m.test(stdout) && /^rss: /m.test(stdout), `${code} ${stdout}${stderr}`)
  return stdout.split('\n')[0]
})
/** main's used heap in bytes, as the gops CLI prints it. */
async function heapUsed() {
  const { stdout } = await run(gopsCli, ['memstats', pid], gopsEnv)
  const bytes = Number(/^heap-used: .*\((\d+) bytes\)$/m.exec(stdout)?.[1])
  assert(bytes > 0, `no heap-used in ${stdout}`)
  return bytes
}

await agentCheck('gops gc collects main\'s heap', async () => {
  // About 40 MB of small objects, kept while memstats is read (so they outlive the young
  // generation's collections), then dropped: only a full collection frees them.
  let garbage = Array.from({ length: 400_000 }, (_, i) => ({ i, text: `garbage ${i}`, more: [i, i + 1] }))
  await delay(200)
  const before = await heapUsed()
  assert(garbage.length === 400_000, 'the garbage went early')
  garbage = null
  const { code, stdout, stderr } = await run(gopsCli, ['gc', pid], gopsEnv)
  assert(code === 0 && stdout === '' && stderr === '', `${code} ${stdout}${stderr}`)
  const after = await heapUsed()
  // Bun collects with Bun.gc(true) on main, but its heap statistics lag (heap-used read lower
  // while the garbage was live than after the collection), so there only the reply is checked.
  if (AGENT_SUPPORT.gcFrees) assert(after < before - 10_000_000, `heap-used ${before} -> ${after}`)
  return `heap-used ${(before / 1e6).toFixed(1)} MB -> ${(after / 1e6).toFixed(1)} MB`
})

/** Keeps main busy in JavaScript, as a stuck request handler does. */
function spinForStack(ms) {
  const end = Date.now() + ms
  let spins = 0
  while (Date.now() < end) spins++
  return spins
}

await agentCheck(`gops stack while main spins: [${AGENT_SUPPORT.stack}]`, async () => {
  // The CLI starts half a second late, so that its question finds main spinning and not still
  // inside spawn() (under load the CLI could connect before spawn() had returned).
  const asked = run('/bin/sh', ['-c', 'sleep 0.5; exec "$0" "$@"', gopsCli, 'stack', String(pid)], gopsEnv)
  spinForStack(3000)
  const { code, stdout, stderr } = await asked
  assert(code === 0 && stdout.startsWith(`thread main [${AGENT_SUPPORT.stack}]:\n`), `${code} ${stdout}${stderr}`)
  if (AGENT_SUPPORT.stack === 'running') assert(/^spinForStack\(\)\n\t.*conformance\.mjs:\d+:\d+$/m.test(stdout), stdout)
  // Where the stack cannot be read while main is busy, the reply says why, naming the runtime.
  if (AGENT_SUPPORT.stack === 'blocked') assert(stdout.includes(label), `the reply does not name ${label}: ${stdout}`)
  return stdout.split('\n').slice(0, 2).join(' / ')
})
await agentCheck('gops setgc is refused as not supported', async () => {
  const { stdout } = await run(gopsCli, ['setgc', pid, '50'], gopsEnv)
  assert(/^not supported: /.test(stdout), stdout)
  return stdout.trim()
})

/** A command the agent runs here, or one it refuses as NOT_SUPPORTED naming this runtime. */
async function supportedOrRefused(supported, request, validate) {
  const outcome = await request().then(
    (reply) => ({ reply }),
    (error) => ({ error }),
  )
  if (supported) {
    if (outcome.error) throw outcome.error
    validate(outcome.reply)
    return `works (${outcome.reply.length} bytes)`
  }
  assert(outcome.error?.code === 'NOT_SUPPORTED', `expected NOT_SUPPORTED, got ${outcome.error?.code ?? 'a reply'}: ${outcome.error?.message}`)
  assert(outcome.error.message.includes(label), `the refusal does not name ${label}: ${outcome.error.message}`)
  return `NOT_SUPPORTED: ${outcome.error.message}`
}
/** A gzipped pprof profile with samples, read with pprof-format (gops-native's own dependency, so installed here). */
function withSamples(reply) {
  const { Profile } = createRequire(createRequire(import.meta.url).resolve('gops-native'))('pprof-format')
  const profile = Profile.decode(gunzipSync(reply))
  assert(profile.sample.length > 0, 'the profile has no samples')
}
await agentCheck('heap profile of live objects', async () => {
  // A heap profile shows what is live: keep some 10 MB alive while it is taken (the gc check
  // above freed the rest), so the sampler has something to report whatever it sampled earlier.
  const live = Array.from({ length: 100_000 }, (_, i) => ({ i, text: `live ${i}`.repeat(4) }))
  try {
    return await supportedOrRefused(AGENT_SUPPORT.heapProfile, () => gops.client.heapProfile(process.pid, { configDir }), withSamples)
  } finally {
    assert(live.length === 100_000, 'the live objects went early')
  }
})
await agentCheck('CPU profile of a busy main', () =>
  supportedOrRefused(
    AGENT_SUPPORT.cpuProfile,
    async () => {
      // Main burns CPU in short slices, leaving the loop free between them (the same-thread agent needs it).
      const asked = gops.client.cpuProfile(process.pid, { configDir })
      const timer = setInterval(() => spinForStack(20), 25)
      try {
        return await asked
      } finally {
        clearInterval(timer)
      }
    },
    withSamples,
  ),
)
await agentCheck('trace', () =>
  supportedOrRefused(AGENT_SUPPORT.trace, () => gops.client.trace(process.pid, { configDir }), (reply) => assert(Array.isArray(JSON.parse(reply).traceEvents), 'no traceEvents')),
)

await check('agent.close() removes the port file and frees the port', async () => {
  if (!handle) throw new Error('the agent did not start')
  await handle.close()
  const error = await gops.client.version(process.pid, { configDir }).then(
    () => null,
    (e) => e,
  )
  assert(error && gops.isGopsError(error), 'the agent still answers after close()')
  return error.code
})
rmSync(configDir, { recursive: true, force: true })
process.stdout.write('CONFORMANCE-END\n')
