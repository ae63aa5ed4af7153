// Loads the N-API addon through the loader that `napi build` generates at the package root.
import { join } from 'node:path'
import { GopsError } from './errors'
import { packageRoot } from './package-root'

type Binding = typeof import('../binding.cjs')

function load(): Binding {
  try {
    return require(join(packageRoot, 'binding.cjs')) as Binding
  } catch (cause) {
    throw new GopsError(
      'NATIVE_BINDING_MISSING',
      `gops-native could not load its native addon for ${process.platform}-${process.arch}. ` +
        'Reinstall without --no-optional / --omit=optional so npm fetches the prebuilt binary ' +
        '(package gops-native-<platform>), or build it from a clone with `npm install` (needs Rust).',
      { cause },
    )
  }
}

let loaded: Binding | undefined

/**
 * The addon, loaded on first use: importing the package for the agent or the client alone needs
 * no addon (Node's permission model refuses addons without --allow-addons).
 */
export function native(): Binding {
  return (loaded ??= load())
}
