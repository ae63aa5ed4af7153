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

/** An options object: undefined stands for `{}`. */
export function options<T extends object>(value: T | undefined, name = 'options'): Partial<T> {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(name, 'an object', value)
  return value
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

export function abortSignal(value: AbortSignal | undefined, name: string): AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal)) fail(name, 'an AbortSignal', value)
  return value
}
