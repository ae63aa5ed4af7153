// Profiles, traces and the binary dump from the real Go agent: valid pprof that `go tool pprof`
// reads, Go trace data, the agent's own executable; and the CLI's files and messages beside gops's.
import test from 'ava'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gunzipSync } from 'node:zlib'
import { Profile } from 'pprof-format'
import { client } from '../index'
import { runCli } from './helpers/cli'
import { runGops, startGoAgent, withAgentBinary, type GoAgent } from '../support/go-agent'

let agent: GoAgent
let scratch: string
test.before(async () => {
  agent = await startGoAgent()
  scratch = mkdtempSync(join(tmpdir(), 'gops-native-profiles-'))
})
test.after.always(() => {
  agent?.stop()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

const cli = (...args: string[]) => runCli(args, { GOPS_CONFIG_DIR: agent.configDir })

/** Checks gzip + pprof framing and returns the sample types, then has `go tool pprof -top` read the file. */
async function readPprof(file: string, binary?: string): Promise<string[]> {
  const data = readFileSync(file)
  const profile = Profile.decode(gunzipSync(data))
  await promisify(execFile)('go', ['tool', 'pprof', '-top', ...(binary ? [binary] : []), file])
  return profile.sampleType.map((type) => String(profile.stringTable.strings[Number(type.type)]))
}

const isGoTrace = (data: Buffer) => /^go 1\.\d+ trace\0/.test(data.subarray(0, 16).toString('latin1'))

test('heap profile by pid is gzipped pprof that go tool pprof reads', async (t) => {
  const profile = await client.heapProfile(agent.pid, { configDir: agent.configDir })
  t.deepEqual([...profile.subarray(0, 3)], [0x1f, 0x8b, 0x08])
  const file = join(scratch, 'heap.pb.gz')
  writeFileSync(file, profile)
  t.true((await readPprof(file)).includes('inuse_space'))
})

test('pprof-heap by host:port saves the profile and the binary where asked, printing their paths as gops does', async (t) => {
  const output = join(scratch, 'cli-heap.pb.gz')
  const binary = join(scratch, 'cli-binary')
  const result = await cli('pprof-heap', `127.0.0.1:${agent.port}`, '--output', output, '--binary', binary)
  t.is(result.stdout, `Profile dump saved to: ${output}\nBinary file saved to: ${binary}\n`)
  t.true(readFileSync(binary).equals(readFileSync(withAgentBinary())))
  t.true((await readPprof(output, binary)).includes('alloc_space'))
})

test('pprof-heap without --output names a temp file the way gops does', async (t) => {
  const [ours, gops] = await Promise.all([cli('pprof-heap', String(agent.pid)), runGops(agent, ['pprof-heap', String(agent.pid)])])
  const shape = /^Profile dump saved to: (.*heap_profile\d+)$/m
  t.regex(gops, shape)
  const saved = ours.stdout.match(shape)
  t.truthy(saved, ours.stdout)
  t.teardown(() => rmSync(saved![1], { force: true }))
  t.is(ours.stdout, `${saved![0]}\n`)
  t.true((await readPprof(saved![1])).includes('inuse_space'))
})

// A CPU profile holds a Go agent for 30 s: the API (by host:port) and the CLI (by pid) each get
// an agent of their own and run at the same time, once.
test('CPU profiles (30 s), by host:port and through the CLI by pid, are pprof that go tool pprof reads', async (t) => {
  const [byAddress, byPid] = await Promise.all([startGoAgent(), startGoAgent()])
  t.teardown(() => {
    byAddress.stop()
    byPid.stop()
  })
  const output = join(scratch, 'cli-cpu.pb.gz')
  const [profile, cli] = await Promise.all([
    client.cpuProfile(`127.0.0.1:${byAddress.port}`),
    runCli(['pprof-cpu', String(byPid.pid), '--output', output], { GOPS_CONFIG_DIR: byPid.configDir }),
  ])
  const file = join(scratch, 'cpu.pb.gz')
  writeFileSync(file, profile)
  t.deepEqual(await readPprof(file), ['samples', 'cpu'])
  t.is(cli.stdout, `Profiling CPU now, will take 30 secs...\nProfile dump saved to: ${output}\n`)
  t.deepEqual(await readPprof(output), ['samples', 'cpu'])
})

test('trace by pid is Go runtime/trace data', async (t) => {
  t.true(isGoTrace(await client.trace(agent.pid, { configDir: agent.configDir })))
})

test('the trace command saves the trace and prints what gops prints', async (t) => {
  const output = join(scratch, 'cli.trace')
  const result = await cli('trace', `127.0.0.1:${agent.port}`, '-o', output)
  t.is(result.stdout, `Tracing now, will take 5 secs...\nTrace dump saved to: ${output}\n`)
  t.true(isGoTrace(readFileSync(output)))
})

test('the binary dump by pid is the agent executable, byte for byte', async (t) => {
  const dump = await client.binaryDump(agent.pid, { configDir: agent.configDir })
  t.true(dump.equals(readFileSync(withAgentBinary())))
})
