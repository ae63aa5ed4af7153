// Go's time.Duration text, which gops reads and prints for periods ("5s", "1m30s", "500ms").
import { parseGoDuration } from '../client/go-values'

/** How CLI options and arguments take a duration: Go's form, or plain seconds ("5", "0.5"). In ms; null when neither or negative. */
export function parseCliDuration(text: string): number | null {
  const ns = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1e9 : parseGoDuration(text)
  return ns === null || ns < 0 ? null : ns / 1e6
}

/** Go's Duration.String() for a duration in milliseconds. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s'
  if (ms < 1) return `${trim(ms * 1000)}µs`
  if (ms < 1000) return `${trim(ms)}ms`
  const hours = Math.floor(ms / 3_600_000)
  const minutes = Math.floor((ms % 3_600_000) / 60_000)
  const seconds = `${trim((ms % 60_000) / 1000)}s`
  if (hours > 0) return `${hours}h${minutes}m${seconds}`
  if (minutes > 0) return `${minutes}m${seconds}`
  return seconds
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)))
}
