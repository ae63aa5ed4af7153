// Every duration the CLI takes is a Go duration with a unit: a bare number is refused with both
// readings, never guessed (`--timeout 2000` was 2,000 seconds), and a deadline that passes is
// reported in the unit the user typed. All through the real CLI, against a real silent listener.
import test from 'ava'
import { runCli } from './helpers/cli'
import { silentPeer, type Peer } from '../support/bad-peers'

const peers: Peer[] = []
test.after.always(() => peers.forEach((p) => p.close()))

function oneLine(t: import('ava').ExecutionContext, result: { code: number; stderr: string; stdout: string }, line: string | RegExp): void {
  t.is(result.code, 1, result.stderr)
  t.is(result.stdout, '')
  if (typeof line === 'string') t.is(result.stderr, `gops-native: ${line}\n`)
  else t.regex(result.stderr, line)
}

test('a bare number is refused with both readings, before anything is sent', async (t) => {
  const listener = await silentPeer()
  peers.push(listener)
  oneLine(t, await runCli(['stack', listener.address, '--timeout', '2000']), '--timeout 2000: add a unit: 2000ms or 2000s')
  oneLine(t, await runCli(['version', listener.address, '--connect-timeout', '1.5']), '--connect-timeout 1.5: add a unit: 1.5ms or 1.5s')
  oneLine(t, await runCli(['process', String(process.pid), '5']), 'period 5: add a unit: 5ms or 5s')
  oneLine(t, await runCli(['exporter', '--interval', '15']), '--interval 15: add a unit: 15ms or 15s')
  // Refused before connecting: nothing reached the listener.
  t.is(listener.connections(), 0)
})

test('wrong durations name the option and show the form', async (t) => {
  oneLine(t, await runCli(['stack', '127.0.0.1:1', '--timeout', 'soon']), '--timeout wants a positive duration with a unit, such as 45s, 500ms or 1m30s, not "soon"')
  oneLine(t, await runCli(['stack', '127.0.0.1:1', '--timeout', '0s']), /^gops-native: --timeout wants a positive duration/)
  oneLine(t, await runCli(['process', String(process.pid), '--', '-1s']), /^gops-native: period wants a duration with a unit/)
})

test('a deadline that passes is reported as typed: 1s, 1500ms, or the default as a Go duration', async (t) => {
  const listener = await silentPeer()
  peers.push(listener)
  const seconds = await runCli(['stack', listener.address, '--timeout', '1s'])
  oneLine(t, seconds, /^gops-native: the agent at 127\.0\.0\.1:\d+ did not answer stack within 1s \(a Go agent serves one client at a time[^\n]*\)\n$/)
  const ms = await runCli(['memstats', listener.address, '--timeout', '1500ms'])
  oneLine(t, ms, /did not answer memstats within 1500ms \(/)
  t.notRegex(seconds.stderr + ms.stderr, /\d ms\b/)
})

test('--help says durations take a unit', async (t) => {
  for (const command of ['stack', 'exporter', 'process']) {
    const help = await runCli([command, '--help'])
    t.is(help.code, 0)
    t.regex(help.stdout, /a Go duration\s+with a\s+unit:\s+500ms,\s+45s,\s+1m30s/, command)
  }
})
