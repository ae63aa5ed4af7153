// An AbortSignal reaches the addon's work and stops it: the call rejects with ABORTED at once,
// the native threads start no further item, and Node can exit. Already aborted, nothing starts.
import test, { type ExecutionContext } from 'ava'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { GopsError, Scanner, discover, inspect, inspectMany, processDetails } from '../index'
import { buildGo } from '../support/go'
import { startProcess } from './helpers/processes'

const aborted = (t: ExecutionContext, error: unknown) => {
  t.is((error as GopsError).code, 'ABORTED')
  t.is(error instanceof GopsError, true)
}

test('an already-aborted signal rejects every abortable call with ABORTED, without starting it', async (t) => {
  const signal = AbortSignal.abort()
  // A path that does not exist: started, inspect would reject with NOT_FOUND.
  aborted(t, await t.throwsAsync(inspect('/nonexistent/gops-native-abort', { signal })))
  aborted(t, await t.throwsAsync(inspectMany(['/nonexistent/gops-native-abort'], { signal })))
  // PID 0 names no process: started, processDetails would reject with PROCESS_NOT_FOUND.
  aborted(t, await t.throwsAsync(processDetails(0xffff_fffe, { signal })))
  const scanner = new Scanner()
  aborted(t, await t.throwsAsync(scanner.scan({ signal })))
  t.is(scanner.resyncs, 0)
  scanner.close()
})

test('a scan aborted right after the call rejects with ABORTED and the scanner scans on, reporting what a fresh one does (a cancel in the middle of a scan: the core test scanner::tests::a_cancelled_scan_fails_as_cancelled_and_the_scanner_scans_on)', async (t) => {
  const go = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['600'])
  const scanner = new Scanner()
  const controller = new AbortController()
  const scan = scanner.scan({ signal: controller.signal })
  controller.abort()
  aborted(t, await t.throwsAsync(scan))
  const after = (await scanner.scan()).processes.find((p) => p.pid === go.pid)
  const fresh = (await discover()).find((p) => p.pid === go.pid)
  t.truthy(after, 'our Go process, reported after the aborted scan')
  t.deepEqual(after, fresh)
  scanner.close()
})

test("a scan waiting for its turn behind another is aborted at once, and the one under way still resolves", async (t) => {
  const scanner = new Scanner()
  const first = scanner.scan()
  const controller = new AbortController()
  const second = scanner.scan({ signal: controller.signal })
  controller.abort()
  aborted(t, await t.throwsAsync(second))
  t.true(Array.isArray((await first).processes))
  scanner.close()
})

test("the caller's signal keeps its own onabort handler (the addon is given a signal of its own)", async (t) => {
  const controller = new AbortController()
  let called = 0
  controller.signal.onabort = () => called++
  const pending = inspectMany([process.execPath, process.execPath], { signal: controller.signal })
  controller.abort()
  aborted(t, await t.throwsAsync(pending))
  t.is(called, 1)
})

test('an aborted inspectMany of 100,000 files stops its native work: the child Node exits promptly', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'node', 'abort-inspect-many.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  let reportedAt = 0
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk
    if (output.includes('\n') && !reportedAt) reportedAt = performance.now()
  })
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const exitAfterMs = performance.now() - reportedAt
  t.is(exitCode, 0)
  const report = JSON.parse(output) as { code: unknown; perFileMs: number; rejectedAfterMs: number }
  t.is(report.code, 'ABORTED')
  const wholeMs = report.perFileMs * 100_000
  t.log(`1 file: ${report.perFileMs.toFixed(3)} ms (100,000: ~${Math.round(wholeMs)} ms); rejected ${Math.round(report.rejectedAfterMs)} ms after the call (abort at 100 ms); exited ${Math.round(exitAfterMs)} ms after`)
  // The call rejects at the abort, not when the batch would have ended.
  t.true(report.rejectedAfterMs < 1000, `rejected ${report.rejectedAfterMs} ms after the call`)
  // Node exits once the addon's threads stop: within a bound, and far sooner than the rest of
  // the batch would take (how long that is depends on the machine: measured, not assumed).
  const leftMs = wholeMs - report.rejectedAfterMs
  t.true(exitAfterMs < 2000, `exited ${exitAfterMs} ms after the rejection`)
  t.true(exitAfterMs * 5 < leftMs, `exited ${exitAfterMs} ms after the rejection, with ~${leftMs} ms of work left`)
})
