// Loads the N-API addon through the loader that `napi build` generates at the package root.
import { join } from 'node:path'
import { GopsError } from './errors'
import { packageManifest, packageRoot, packageVersion } from './package-root'

/** The loader's exports, as `napi build` declares them (src/native-types.ts). */
type Binding = typeof import('./native-types')

/** Every failure the loader met, outermost first (it chains them through `cause`). */
function loadErrors(error: unknown): string[] {
  const messages: string[] = []
  for (let e = error; e instanceof Error && messages.length < 32; e = e.cause) messages.push(e.message)
  return messages
}

/**
 * Says which package to add: the one of our platform packages the loader tried (`Cannot find
 * module 'gops-native-linux-x64-gnu'`), so the rule for naming platforms stays in the loader.
 */
function missingBindingError(cause: unknown): GopsError {
  const here = `${process.platform}-${process.arch}`
  const errors = loadErrors(cause)
  const shipped = Object.keys(packageManifest().optionalDependencies ?? {})
  const tried = errors.map((m) => /Cannot find module '(gops-native-[a-z0-9-]+)'/.exec(m)?.[1])
  const wanted = tried.find((name) => name !== undefined && shipped.includes(name))
  const fromSource = 'or build it from a clone of gops-native with `npm install` (needs Rust)'
  const message = wanted
    ? `the native addon for ${here}, package ${wanted}, is not installed: add it with ` +
      `\`npm install ${wanted}@${packageVersion()}\` (an install with --omit=optional or ` +
      `--no-optional leaves it out), ${fromSource}`
    : `the native addon for ${here} could not be loaded (${errors.slice(1).join('; ') || errors[0]}): ` +
      `prebuilt addons exist for the platforms the README lists; elsewhere, ${fromSource}`
  return new GopsError('NATIVE_BINDING_MISSING', message, { cause })
}

function load(): Binding {
  try {
    return require(join(packageRoot, 'binding.cjs')) as Binding
  } catch (cause) {
    throw missingBindingError(cause)
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
