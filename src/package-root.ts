import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** The package's root folder: this file runs from `src/` (tests, through a TS loader) or `dist/src/` (built). */
export const packageRoot: string = (() => {
  let dir = __dirname
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) return __dirname
    dir = parent
  }
  return dir
})()

interface Manifest {
  version: string
  /** The platform packages, in the published package only (added by npm run pack:local). */
  optionalDependencies?: Record<string, string>
}

export function packageManifest(): Manifest {
  return JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as Manifest
}

export function packageVersion(): string {
  return packageManifest().version
}
