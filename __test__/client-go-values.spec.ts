// Values as Go's fmt prints them in agent replies; the strings are what Go 1.26 prints for them.
import test from 'ava'
import { parseGoBytes, parseGoDuration, parseGoTime } from '../src/client/go-values'

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
