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

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version
}
