// How the CLI reads periods: Go's time.Duration text ("5s", "1m30s", "500ms"), as gops does, or plain seconds.
import { parseGoDuration } from '../client/go-values'

/** How CLI options and arguments take a duration: Go's form, or plain seconds ("5", "0.5"). In ms; null when neither or negative. */
export function parseCliDuration(text: string): number | null {
  const ns = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1e9 : parseGoDuration(text)
  return ns === null || ns < 0 ? null : ns / 1e6
}
