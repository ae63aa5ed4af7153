// Whatever holds an OS resource has close(): a Scanner or a watch that follows the kernel's
// process events holds a netlink socket (and a watch a wake descriptor) until closed, not until
// garbage collection; a closed Scanner refuses to scan with code CLOSED.
import test from 'ava'
import { readdirSync, readlinkSync } from 'node:fs'
import { GopsError, Scanner, watch } from '../index'
import { testUnless, unlessLinux } from './helpers/skip'

const linuxTest = testUnless(unlessLinux('/proc/self/fd'))

/** Our open descriptors and what each is (`socket:[…]`, `anon_inode:[eventfd]`, a path). */
function descriptors(): Map<string, string> {
  const open = new Map<string, string>()
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      open.set(fd, readlinkSync(`/proc/self/fd/${fd}`))
    } catch {
      // the directory's own descriptor, closed by now
    }
  }
  return open
}

/** Descriptors of `after` that `before` did not have. */
const added = (before: Map<string, string>, after: Map<string, string>) => [...after].filter(([fd, what]) => before.get(fd) !== what).map(([fd, what]) => `${fd} ${what}`)

linuxTest('a Scanner following events holds its socket until close(), and none after', async (t) => {
  const before = descriptors()
  const scanner = new Scanner({ mode: 'auto' })
  const opened = added(before, descriptors())
  if (scanner.mode === 'events') t.true(opened.some((d) => d.includes('socket:')), `opened: ${opened.join(', ')}`)
  else t.log(`events unavailable here (${scanner.fallbackReason}): the scanner polls and holds no socket`)
  await scanner.scan()
  scanner.close()
  const left = added(before, descriptors())
  t.deepEqual(
    left.filter((d) => opened.includes(d)),
    [],
  )
  scanner.close() // idempotent
})

test('a closed Scanner refuses to scan with code CLOSED, sync and async', async (t) => {
  const scanner = new Scanner()
  scanner.close()
  const error = await t.throwsAsync(scanner.scan())
  t.true(error instanceof GopsError)
  t.is((error as GopsError).code, 'CLOSED')
  t.is(t.throws<GopsError>(() => scanner.scanSync())?.code, 'CLOSED')
})

test('a scan under way when the Scanner is closed rejects with CLOSED or resolves, and the next one is CLOSED', async (t) => {
  const scanner = new Scanner()
  const pending = scanner.scan().then(
    () => 'resolved',
    (error: GopsError) => error.code,
  )
  scanner.close()
  t.true(['resolved', 'CLOSED'].includes(await pending))
  t.is((await t.throwsAsync<GopsError>(scanner.scan()))?.code, 'CLOSED')
})

linuxTest('Symbol.dispose and Symbol.asyncDispose close a Scanner (what `using` calls)', async (t) => {
  t.is(typeof Symbol.dispose, 'symbol', 'this Node defines Symbol.dispose')
  const scanner = new Scanner({ mode: 'auto' })
  scanner[Symbol.dispose]()
  t.is((await t.throwsAsync<GopsError>(scanner.scan()))?.code, 'CLOSED')
  const other = new Scanner()
  await other[Symbol.asyncDispose]()
  t.is(t.throws<GopsError>(() => other.scanSync())?.code, 'CLOSED')
})

linuxTest('a watch holds its descriptors until close(), even when never iterated, and ends at once after', async (t) => {
  const before = descriptors()
  const changes = watch({ mode: 'auto' })
  const opened = added(before, descriptors())
  t.true(opened.some((d) => d.includes('eventfd')), `opened: ${opened.join(', ')}`)
  if (changes.mode === 'events') t.true(opened.some((d) => d.includes('socket:')), `opened: ${opened.join(', ')}`)
  changes.close()
  t.deepEqual(
    added(before, descriptors()).filter((d) => opened.includes(d)),
    [],
  )
  const events = []
  for await (const event of changes) events.push(event)
  t.deepEqual(events, [])
})

linuxTest('a watch closed while it waits for a batch releases its descriptors once the wait ends', async (t) => {
  const before = descriptors()
  const changes = watch({ mode: 'auto', intervalMs: 50 })
  const opened = added(before, descriptors())
  let seen = 0
  const iterated = (async () => {
    for await (const _ of changes) seen++
  })()
  // Every process already running comes in the first batch; then the watch waits.
  await new Promise((resolve) => setTimeout(resolve, 300))
  changes[Symbol.dispose]()
  await iterated
  t.log(`${seen} events before the close`)
  t.deepEqual(
    added(before, descriptors()).filter((d) => opened.includes(d)),
    [],
  )
})
