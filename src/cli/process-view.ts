// gops's process view (`gops <pid> [period]`), byte for byte, plus --json.
import { GopsError } from '../errors'
import { processInfo } from '../process-info'
import { formatGoDuration } from '../client/go-values'
import { parseCliDuration } from './duration'
import { printJson } from './output'

export async function processView(pidText: string, period: string | undefined, options: { json?: boolean }): Promise<void> {
  if (!/^\d+$/.test(pidText)) throw new GopsError('INVALID_TARGET', `not a process ID: ${pidText}`)
  const periodMs = period === undefined ? undefined : parsePeriod(period)
  const info = await processInfo(Number(pidText), { periodMs })
  if (options.json) return printJson(info)
  const lines: string[] = []
  if (info.ppid !== null) lines.push(`parent PID:\t${info.ppid}`)
  lines.push(`threads:\t${info.threads}`)
  lines.push(`memory usage:\t${info.memoryPercent.toFixed(3)}%`)
  lines.push(`cpu usage:\t${info.cpuPercent.toFixed(3)}%`)
  if (periodMs !== undefined && info.cpuPercentOverPeriod !== undefined) {
    lines.push(`cpu usage (${formatGoDuration(periodMs)}):\t${info.cpuPercentOverPeriod.toFixed(3)}%`)
  }
  if (info.username !== null) lines.push(`username:\t${info.username}`)
  lines.push(`cmd+args:\t${info.args.join(' ')}`)
  lines.push(`elapsed time:\t${formatElapsed(Date.now() - Math.floor(info.startedAt.getTime() / 1000) * 1000)}`)
  for (const c of info.connections) {
    lines.push(`local/remote:\t${c.local.address}:${c.local.port} <-> ${c.remote.address}:${c.remote.port} (${c.state})`)
  }
  process.stdout.write(lines.join('\n') + '\n')
}

function parsePeriod(text: string): number {
  const ms = parseCliDuration(text)
  if (ms === null) throw new GopsError('INVALID_ARGUMENT', `not a duration: ${text} (use e.g. 5s, 500ms or 5)`)
  return ms
}

/** ps's etime format, as gops prints it: [[DD-]hh:]mm:ss. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, ms) / 1000
  const days = Math.floor(total / 86400)
  const hours = Math.floor((total % 86400) / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = Math.round(total % 60)
  const two = (n: number) => String(n).padStart(2, '0')
  let text = ''
  if (days > 0) text += `${two(days)}-`
  if (days > 0 || hours > 0) text += `${two(hours)}:`
  return `${text}${two(minutes)}:${two(seconds)}`
}
