// Values as Go's fmt prints them in agent replies; the strings are what Go 1.26 prints for them.
import { execFileSync } from 'node:child_process'
import test from 'ava'
import { formatGoDuration, parseGoBytes, parseGoDuration, parseGoTime } from '../src/client/go-values'
import { buildGo } from '../support/go'

test('time.Duration strings become nanoseconds', (t) => {
  const cases: [string, number][] = [
    ['0s', 0],
    ['123ns', 123],
    ['56.755µs', 56_755],
    ['1.5ms', 1_500_000],
    ['1h2m3.5s', 3_723_500_000_000],
    ['-2s', -2_000_000_000],
  ]
  for (const [text, ns] of cases) t.is(parseGoDuration(text), ns, text)
  for (const text of ['', '2', '1s2', 'abc', 's']) t.is(parseGoDuration(text), null, text)
})

test('time.Time strings keep their offset', (t) => {
  t.is(parseGoTime('2026-11-26 07:49:57.03720138 +0100 CET')?.toISOString(), '2026-11-26T06:49:57.037Z')
  t.is(parseGoTime('2026-11-26 06:49:57 +0000 UTC')?.toISOString(), '2026-11-26T06:49:57.000Z')
  t.is(parseGoTime('yesterday'), null)
})

test("the agent's byte sizes read back as exact byte counts", (t) => {
  t.is(parseGoBytes('512 bytes'), 512)
  t.is(parseGoBytes('7946.24PB (8946670875744490238 bytes)'), 8946670875744490238)
  t.is(parseGoBytes('1.50KB'), null)
})

test('durations are written as Go writes them: every case checked against time.Duration.String() run here', (t) => {
  const known: [ms: number, text: string][] = [
    [0, '0s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [1_500, '1.5s'],
    [500, '500ms'],
  ]
  for (const [ms, text] of known) t.is(formatGoDuration(ms), text, `${ms} ms`)
  const nanoseconds = [
    0, 1, 999, 1_000, 1_001, 1_500, 56_755, 999_999, 1_000_000, 1_234_567, 500_000_000, 999_999_999, 1e9, 1_500_000_000,
    59_999_999_999, 60e9, 90e9, 3_599_999_999_999, 3_600e9, 3_723_500_000_000, 100 * 3_600e9 + 1, -1, -1_500_000_000, -90e9,
  ]
  const go = buildGo({ program: 'durations', name: 'durations' })
  const truth = execFileSync(go, nanoseconds.map(String), { encoding: 'utf8' }).trimEnd().split('\n')
  t.deepEqual(
    nanoseconds.map((ns) => formatGoDuration(ns / 1e6)),
    truth,
  )
  for (const [i, ns] of nanoseconds.entries()) t.is(parseGoDuration(truth[i]), ns, truth[i])
})
