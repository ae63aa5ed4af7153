// The public types are derived from the addon's declarations (src/native-types.ts, written by
// `napi build` from the binding's #[napi] items and committed), never copied: a field renamed,
// added or removed in Rust changes the public type, and the conversions that build it then fail
// `tsc` until they follow. These two mappings are the only reshaping the API does by type.
//
// They stay internal: each public shape is a named interface that extends them
// (`export interface InspectReason extends Reshaped<binding.Reason, 'code'> { code: ... }`), so
// an editor shows `InspectReason`, never `WithNulls<Reason>`, and every field is typed with
// public names. One convention for absent values: null, on every field of every object the API
// returns (never an optional field); __test__/public-types.spec.ts holds both.

/** A string enum of the addon as the strings it stands for (`'elf' | 'macho' | ...`). */
type Plain<V> = V extends string ? `${V}` : V

/**
 * A native object as the API hands it out: every field present, one the addon leaves out
 * (Rust's `None`) as null, string enums as their strings. Doc comments carry over.
 */
export type WithNulls<T> = {
  [K in keyof T]-?: undefined extends T[K] ? Plain<Exclude<T[K], undefined>> | null : Plain<T[K]>
}

/** `WithNulls<T>` without the fields `K` (which must be fields of T) that the API reshapes further. */
export type Reshaped<T, K extends keyof T> = Omit<WithNulls<T>, K>
