// The checks every public function applies to its arguments and options, so that a wrong one is
// always a GopsError INVALID_ARGUMENT naming it, never a raw napi or TypeError, never coerced.
// Each check passes `undefined` through (options are optional); `required` refuses it.
import { GopsError } from './errors'

/** The error for `name` holding `value` where `wanted` was expected. */
export function wrong(name: string, wanted: string, value: unknown): GopsError {
  return new GopsError('INVALID_ARGUMENT', `${name} must be ${wanted}, got ${describe(value)}`)
}

function fail(name: string, wanted: string, value: unknown): never {
  throw wrong(name, wanted, value)
}

/** How a wrong value is shown in a message: short, and never throwing itself. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'undefined':
      return String(value)
    case 'function':
      return 'a function'
    case 'symbol':
      return 'a symbol'
    default:
      return 'an object'
  }
}

export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) fail(name, 'given', value)
  return value
}

/** A plain object of any keys (an environment): undefined stands for `{}`. */
export function object<T extends object>(value: T | undefined, name: string): Partial<T> {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(name, 'an object', value)
  return value
}

/** An export's option keys, written once where the export is: tsc fails when one of T's keys is missing or extra. */
export type OptionKeys<T> = readonly string[] & { readonly __options?: T }

export function optionKeys<T extends object>(keys: { [K in keyof Required<T>]: true }): OptionKeys<T> {
  return Object.freeze(Object.keys(keys))
}

/**
 * An options object (undefined stands for `{}`) holding only `allowed` keys: an unknown one is
 * refused, naming it, rather than ignored (`{ timeout: 100 }` for `timeoutMs` would otherwise run
 * under the 30 s default).
 */
export function options<T extends object>(value: T | undefined, allowed: OptionKeys<T>, name = 'options'): Partial<T> {
  const given = object(value, name)
  for (const key of Object.keys(given)) {
    if (allowed.includes(key)) continue
    const label = name === 'options' ? key : `${name}.${key}`
    const guess = closest(key, allowed)
    throw new GopsError(
      'INVALID_ARGUMENT',
      `unknown option ${JSON.stringify(label)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}: ` +
        (allowed.length > 0 ? `the options are ${allowed.join(', ')}` : 'this call takes no options'),
    )
  }
  return given
}

/** The allowed key a misspelt one most likely meant: one it starts, or one a couple of edits away. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase()
  const prefixed = allowed.find((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()))
  if (prefixed) return prefixed
  let best: [string, number] | undefined
  for (const k of allowed) {
    const d = editDistance(lower, k.toLowerCase())
    if (d <= 2 && (!best || d < best[1])) best = [k, d]
  }
  return best?.[0]
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[b.length]
}

export function nonEmptyString(value: string | undefined, name: string): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value === '')) fail(name, 'a non-empty string', value)
  return value
}

/** A file path: a non-empty string without NUL bytes (the kernel would cut it there). */
export function path(value: string | undefined, name: string): string | undefined {
  if (nonEmptyString(value, name)?.includes('\0')) fail(name, 'a path without NUL bytes', value)
  return value
}

/** An array (a string is not a list of its characters) whose items pass `item`. */
export function list<T>(value: readonly T[] | undefined, name: string, item: (v: T, name: string) => unknown): readonly T[] | undefined {
  if (value === undefined) return value
  if (!Array.isArray(value)) fail(name, 'an array', value)
  value.forEach((v, i) => item(v, `${name}[${i}]`))
  return value
}

export function integer(value: number | undefined, name: string, min: number, max: number): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
    fail(name, `an integer from ${min} to ${max}`, value)
  }
  return value
}

/** The most threads `inspectMany` and `Scanner` start (the addon's pool takes no more either). */
export const MAX_CONCURRENCY = 64

/** A thread count for the addon's pool: an integer from 1 to MAX_CONCURRENCY. */
export function concurrency(value: number | undefined, name = 'concurrency'): number | undefined {
  return integer(value, name, 1, MAX_CONCURRENCY)
}

/** A finite number above 0 (`positive`) or at least 0 (`nonNegative`). */
export function positive(value: number | undefined, name: string): number | undefined {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) fail(name, 'a positive number', value)
  return value
}

export function nonNegative(value: number | undefined, name: string): number | undefined {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) fail(name, 'a non-negative number', value)
  return value
}

export function boolean(value: boolean | undefined, name: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') fail(name, 'true or false', value)
  return value
}

export function oneOf<T extends string>(value: T | undefined, name: string, choices: readonly T[]): T | undefined {
  if (value !== undefined && !choices.includes(value)) fail(name, `one of ${choices.join(', ')}`, value)
  return value
}

export function abortSignal(value: AbortSignal | undefined, name = 'signal'): AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal)) fail(name, 'an AbortSignal', value)
  return value
}
