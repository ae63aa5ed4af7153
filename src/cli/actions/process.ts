// `gops-native process <pid> [period]` (also a bare PID): gops's process view, byte for byte, plus --json.
import { setTimeout as sleep } from 'node:timers/promises'
import { GopsError } from '../../errors'
import { processDetails, type ProcessDetails } from '../../process-details'
import { formatGoDuration } from '../../client/go-values'
import { parseCliDuration } from '../duration'
import { printJson } from '../output'

export async function processView(pidText: string, period: string | undefined, options: { json?: boolean }): Promise<void> {
  if (!/^\d+$/.test(pidText)) throw new GopsError('INVALID_TARGET', `not a process ID: ${pidText}`)
  const periodMs = period === undefined ? undefined : parseCliDuration(period, 'period').ms
  const pid = Number(pidText)
  const info = await processDetails(pid)
  const cpuPercentOverPeriod = periodMs === undefined || periodMs <= 0 ? undefined : await sampleCpu(info, periodMs)
  if (options.json) return printJson(cpuPercentOverPeriod === undefined ? info : { ...info, cpuPercentOverPeriod })
  const lines: string[] = []
  const percent = (value: number) => `${value.toFixed(3)}%`
  if (info.ppid !== null) lines.push(`parent PID:\t${info.ppid}`)
  if (info.threads !== null) lines.push(`threads:\t${info.threads}`)
  if (info.memoryPercent !== null) lines.push(`memory usage:\t${percent(info.memoryPercent)}`)
  if (info.cpuPercent !== null) lines.push(`cpu usage:\t${percent(info.cpuPercent)}`)
  if (periodMs !== undefined && cpuPercentOverPeriod !== undefined) {
    lines.push(`cpu usage (${formatGoDuration(periodMs)}):\t${percent(cpuPercentOverPeriod)}`)
  }
  if (info.username !== null) lines.push(`username:\t${info.username}`)
  if (info.args !== null) lines.push(`cmd+args:\t${info.args.join(' ')}`)
  lines.push(`elapsed time:\t${formatElapsed(Date.now() - Math.floor(info.startedMs / 1000) * 1000)}`)
  for (const c of info.connections ?? []) {
    lines.push(`local/remote:\t${c.local.address}:${c.local.port} <-> ${c.remote.address}:${c.remote.port} (${c.state})`)
  }
  process.stdout.write(lines.join('\n') + '\n')
}

/** CPU use over `periodMs` from now: the CPU time read again once the period has passed. */
async function sampleCpu(first: ProcessDetails, periodMs: number): Promise<number | undefined> {
  await sleep(periodMs)
  const second = await processDetails(first.pid).catch((error: GopsError) => {
    if (error.code !== 'PROCESS_NOT_FOUND') throw error
    throw new GopsError('PROCESS_NOT_FOUND', `process ${first.pid} exited while its CPU use was being sampled`, { cause: error })
  })
  if (first.cpuSeconds === null || second.cpuSeconds === null) return undefined
  return (100 * (second.cpuSeconds - first.cpuSeconds)) / (periodMs / 1000)
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
