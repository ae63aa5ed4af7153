// How the CLI reads durations: Go's time.Duration text ("5s", "1m30s", "500ms"), as gops does.
// A bare number is refused rather than given a unit: `--timeout 2000` read as seconds hung for
// half an hour on a stopped agent, and read as milliseconds `process <pid> 5` would sample for 5 ms.
import { parseGoDuration } from '../client/go-values'
import { GopsError } from '../errors'

/** A duration as the user typed it and in milliseconds. */
export interface CliDuration {
  text: string
  ms: number
}

/**
 * `text` given to `flag` (an option such as `--timeout`, or an argument's name) as a duration
 * (above 0 when `positive`): Go's form, with a unit ("0" alone needs none, as in Go). Otherwise an
 * INVALID_ARGUMENT error saying what to type.
 */
export function parseCliDuration(text: string, flag: string, positive = false): CliDuration {
  if (/^\d+(\.\d+)?$/.test(text) && Number(text) !== 0) {
    throw new GopsError('INVALID_ARGUMENT', `${flag} ${text}: add a unit: ${text}ms or ${text}s`)
  }
  const ns = parseGoDuration(text)
  const ms = ns === null ? null : ns / 1e6
  if (ms === null || ms < 0 || (positive && ms === 0)) {
    const kind = positive ? 'a positive duration' : 'a duration'
    throw new GopsError('INVALID_ARGUMENT', `${flag} wants ${kind} with a unit, such as 45s, 500ms or 1m30s, not "${text}"`)
  }
  return { text, ms }
}

/** What `--help` says of every duration option. */
export const DURATION_HELP = 'a Go duration with a unit: 500ms, 45s, 1m30s'
