// Go's time.Duration text, which gops reads and prints for periods ("5s", "1m30s", "500ms").

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Go's time.ParseDuration, in milliseconds; null when the text is not a duration. */
export function parseGoDuration(text: string): number | null {
  if (text === '0') return 0
  const parts = /^[+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(text) ? text.match(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g) : null
  if (!parts) return null
  return parts.reduce((sum, part) => {
    const [, value, unit] = part.match(/^([\d.]+)(.+)$/)!
    return sum + Number(value) * UNIT_MS[unit]
  }, 0)
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
