// Values as Go's fmt prints them in agent replies (and as users type them): parsed, and for
// durations also written, the agent and the CLI printing them as Go does.
const DURATION_UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5, what Go prints
  'μs': 1e3, // U+03BC, what people type
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
}

/** Parses a Go time.Duration string ("1.5ms", "2m3s", "0s") into nanoseconds; null if it is not one. */
export function parseGoDuration(text: string): number | null {
  const trimmed = text.trim()
  if (trimmed === '0') return 0
  const sign = trimmed.startsWith('-') ? -1 : 1
  const body = trimmed.replace(/^[-+]/, '')
  const parts = [...body.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy)]
  if (parts.length === 0 || parts.reduce((n, part) => n + part[0].length, 0) !== body.length) return null
  return sign * Math.round(parts.reduce((ns, [, amount, unit]) => ns + Number(amount) * DURATION_UNIT_NS[unit], 0))
}

/** Go's time.Duration.String() for a duration in milliseconds (rounded to whole nanoseconds, as a Duration holds). */
export function formatGoDuration(ms: number): string {
  const ns = Math.round(Math.abs(ms) * 1e6)
  const sign = ms < 0 && ns > 0 ? '-' : ''
  if (ns === 0) return '0s'
  if (ns < 1e3) return `${sign}${ns}ns`
  if (ns < 1e6) return `${sign}${decimal(ns, 3)}µs`
  if (ns < 1e9) return `${sign}${decimal(ns, 6)}ms`
  const seconds = `${decimal(ns % 60e9, 9)}s`
  const minutes = Math.floor(ns / 60e9)
  if (minutes === 0) return `${sign}${seconds}`
  const hours = Math.floor(minutes / 60)
  return hours === 0 ? `${sign}${minutes}m${seconds}` : `${sign}${hours}h${minutes % 60}m${seconds}`
}

/** `value / 10^digits` with the fraction's trailing zeros (and a bare point) dropped, as Go's fmtFrac. */
function decimal(value: number, digits: number): string {
  const unit = 10 ** digits
  const fraction = String(value % unit).padStart(digits, '0').replace(/0+$/, '')
  return fraction ? `${Math.floor(value / unit)}.${fraction}` : String(Math.floor(value / unit))
}

/** Parses Go's time.Time String form ("2006-01-02 15:04:05.999999999 -0700 MST") to a Date; null if it is not one. */
export function parseGoTime(text: string): Date | null {
  const match = text.trim().match(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))? ([+-]\d{2})(\d{2})\b/)
  if (!match) return null
  const [, date, time, fraction = '', offsetHours, offsetMinutes] = match
  const millis = fraction.padEnd(3, '0').slice(0, 3)
  const parsed = new Date(`${date}T${time}.${millis}${offsetHours}:${offsetMinutes}`)
  return Number.isNaN(parsed.getTime()) ? null : parsed
}

/** Parses the agent's formatBytes output: "512 bytes" or "1.50KB (1536 bytes)". */
export function parseGoBytes(text: string): number | null {
  const match = text.trim().match(/^(\d+) bytes$|^[\d.]+[KMGTP]B \((\d+) bytes\)$/)
  return match ? Number(match[1] ?? match[2]) : null
}
