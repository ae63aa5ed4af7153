// Tests whose prerequisite is a property of this machine (root, Linux, unshare): chosen at module
// load, so a test that cannot run here is reported as skipped with its reason, never passed.
import test, { type Implementation } from 'ava'
import { statSync } from 'node:fs'
import { dirname } from 'node:path'
import { packageRoot } from '../../src/package-root'

/** `test` when `reason` is null; else `test.skip`, with the reason in the title and on stderr. */
export function testUnless(reason: string | null): (title: string, implementation: Implementation<[]>) => void {
  return (title, implementation) => {
    if (reason === null) return test(title, implementation)
    console.warn(`skipped: ${title}: ${reason}`)
    test.skip(`${title} (skipped: ${reason})`, implementation)
  }
}

/** Null when running as root, else why `what` cannot run. */
export const unlessRoot = (what: string): string | null => (process.getuid?.() === 0 ? null : `${what} needs root`)

export const unlessLinux = (what: string): string | null => (process.platform === 'linux' ? null : `${what} needs Linux`)

/**
 * Null when the user `nobody` can reach this checkout (the tests that switch users run our CLI,
 * scripts and Go builds from it as that user), else why `what` cannot run here: a clone under a
 * folder closed to other users (`mktemp -d` makes one, and `/root` is one) keeps them out.
 */
export function unlessNobodyCanRead(what: string): string | null {
  for (let dir = packageRoot; ; dir = dirname(dir)) {
    const mode = statSync(dir).mode
    if ((mode & 0o005) !== 0o005) {
      return `${what} runs as the user nobody, who may not enter ${dir} (mode ${(mode & 0o777).toString(8)}): clone the repository where other users can read it`
    }
    if (dirname(dir) === dir) return null
  }
}
