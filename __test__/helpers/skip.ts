// Tests whose prerequisite is a property of this machine (root, Linux, unshare): chosen at module
// load, so a test that cannot run here is reported as skipped with its reason, never passed.
import test, { type Implementation } from 'ava'

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
