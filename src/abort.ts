// Aborting the addon's work: an `AbortSignal` given to `inspect`, `inspectMany`, `processDetails`
// or `Scanner.scan` reaches the native task, which stops at its next check between items (a file,
// a process) and frees its threads, so an aborted batch does not keep Node alive.
import { GopsError, isCodeOf, TASK_ERROR_CODES } from './errors'

/** The options of a call that can be aborted. */
export interface AbortOptions {
  /**
   * Rejects the call with code ABORTED at once. Already aborted: nothing starts. Aborted during
   * the call: the addon starts no further item (file, process) and frees its threads; an item
   * under way finishes first (a few bounded reads).
   */
  signal?: AbortSignal
}

/**
 * Runs `work` with a signal of its own that follows the caller's `signal`: the addon installs
 * its handler on the signal it is given (as `onabort`), which must not be the caller's. An
 * already-aborted signal rejects at once, without starting the work; an abort before `work`
 * settles rejects at once with ABORTED (`what` names the work), and the work, told through its
 * own signal, stops at its next check; its outcome is then dropped.
 */
export async function abortable<T>(signal: AbortSignal | undefined, what: string, work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (!signal) return work(undefined)
  if (signal.aborted) throw aborted(signal, what)
  const own = new AbortController()
  return new Promise<T>((resolve, reject) => {
    const follow = () => {
      own.abort(signal.reason)
      reject(aborted(signal, what))
    }
    signal.addEventListener('abort', follow, { once: true })
    Promise.resolve()
      .then(() => work(own.signal))
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', follow))
  })
}

function aborted(signal: AbortSignal, what: string, error?: unknown): GopsError {
  return new GopsError('ABORTED', `${what} aborted`, { cause: error ?? signal.reason })
}

/** The addon's ABORTED and CLOSED rejections as GopsErrors; anything else unchanged. */
export function taskError(error: unknown): unknown {
  if (error instanceof GopsError) return error
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return isCodeOf(TASK_ERROR_CODES, code) ? new GopsError(code, String(message), { cause: error }) : error
}
