// Version order and OSV ranges. The order is checked pair by pair against golang.org/x/mod/semver
// itself (the package govulncheck compares with), built here; Go's tags and the ranges against
// facts of the Go vulnerability database and the OSV spec.
import test from 'ava'
import { execFileSync } from 'node:child_process'
import { affects, compareSemver, containsSemver, earliestFix, goTagToSemver, semverToGoTag } from '../src/inventory/osv-version'
import { buildGo, withCacheLock } from '../support/go'

const versions = [
  'v0.0.0',
  'v0.3.7',
  'v0.3.8',
  'v0.3.10',
  'v1.0.0-rc.1',
  'v1.0.0-rc.2',
  'v1.0.0-rc.10',
  'v1.0.0-alpha',
  'v1.0.0-alpha.1',
  'v1.0.0-0',
  'v1.0.0',
  'v1.0.0+meta',
  'v2.0.0+incompatible',
  'v2.1.0+incompatible',
  // Pseudo-versions: before any tag, after a tag, after a pre-release.
  'v0.0.0-20170915032832-14c0d48ead0c',
  'v0.0.0-20210226172049-e18ecbb05110',
  'v1.2.4-0.20191109021931-daa7c04131f5',
  'v1.2.4-pre.0.20191109021931-daa7c04131f5',
  'v1.2.3',
  'v1.2.4',
  'v1.21.0-0',
  'v1.21.0-rc.1',
  'v1.21.0',
  'v1',
  'v1.2',
  'v1.02.0',
  'v1.0.0-01',
  'vx',
  '1.0.0',
  'v1.0.0-',
]

test('the order of versions is golang.org/x/mod/semver\'s, pair by pair', (t) => {
  const bin = withCacheLock(() => buildGo({ program: 'semvercmp', name: 'semvercmp' }))
  const out = execFileSync(bin, versions, { encoding: 'utf8' })
  let compared = 0
  for (const line of out.trim().split('\n')) {
    const [kind, a, b, c] = line.split(' ')
    if (kind !== 'cmp') continue
    t.is(Math.sign(compareSemver(a, b)), Number(c), `${a} vs ${b}`)
    compared++
  }
  t.is(compared, versions.length ** 2)
})

test('Go release tags as the database spells the standard library', (t) => {
  t.is(goTagToSemver('go1.21.0'), 'v1.21.0')
  t.is(goTagToSemver('go1.20'), 'v1.20.0')
  t.is(goTagToSemver('go1.22rc1'), 'v1.22.0-rc.1')
  t.is(goTagToSemver('go1.18beta2'), 'v1.18.0-beta.2')
  t.is(goTagToSemver('go1.20.1 X:boringcrypto'), 'v1.20.1')
  t.is(goTagToSemver('go1'), 'v1.0.0')
  t.is(goTagToSemver('devel go1.23-abcdef Tue Dec 21 2023'), '')
  t.is(goTagToSemver(''), '')
  t.is(semverToGoTag('v1.21.1'), 'go1.21.1')
  t.is(semverToGoTag('v1.21.0'), 'go1.21.0')
  t.is(semverToGoTag('v1.20.0'), 'go1.20')
  t.is(semverToGoTag('1.22.0-rc.1'), 'go1.22rc1')
})

const range = (...events: Record<string, string>[]) => ({ type: 'SEMVER', events })

test('ranges: introduced/fixed pairs, pre-release boundaries, last_affected, unsorted events', (t) => {
  // GO-2023-2041: [0, 1.20.8) and [1.21.0-0, 1.21.1).
  const r = range({ introduced: '0' }, { fixed: '1.20.8' }, { introduced: '1.21.0-0' }, { fixed: '1.21.1' })
  t.true(containsSemver(r, 'v1.20.7'))
  t.false(containsSemver(r, 'v1.20.8'))
  t.true(containsSemver(r, 'v1.21.0-rc.1'))
  t.true(containsSemver(r, 'go1.21.0'))
  t.false(containsSemver(r, 'v1.21.1'))
  t.false(containsSemver(r, 'v1.22.0'))
  // The same events in another order.
  t.true(containsSemver(range({ fixed: '1.21.1' }, { introduced: '1.21.0-0' }, { fixed: '1.20.8' }, { introduced: '0' }), 'v1.21.0'))
  // OSV's last_affected is inclusive.
  const last = range({ introduced: '1.0.0' }, { last_affected: '1.2.3' })
  t.true(containsSemver(last, 'v1.2.3'))
  t.false(containsSemver(last, 'v1.2.4'))
  t.false(containsSemver(last, 'v0.9.0'))
  // Pseudo-versions sort before their base release.
  const text = range({ introduced: '0' }, { fixed: '0.3.8' })
  t.true(containsSemver(text, 'v0.0.0-20170915032832-14c0d48ead0c'))
  t.true(containsSemver(text, 'v0.3.8-0.20220101000000-abcdefabcdef'))
  t.false(containsSemver(text, 'v0.3.8'))
  // +incompatible is build metadata.
  t.true(containsSemver(range({ introduced: '2.0.0' }, { fixed: '2.5.0' }), 'v2.1.0+incompatible'))
  // No ranges, or none of type SEMVER: every version.
  t.true(affects([], 'v1.0.0'))
  t.true(affects([{ type: 'GIT', events: [{ introduced: 'abc' }] }], 'v1.0.0'))
  t.false(affects([text], 'v0.3.8'))
})

test('the fix reported is the earliest one above the version that is not itself affected', (t) => {
  const r = range({ introduced: '0' }, { fixed: '1.20.8' }, { introduced: '1.21.0-0' }, { fixed: '1.21.1' })
  t.is(earliestFix([r], 'v1.21.0'), 'v1.21.1')
  t.is(earliestFix([r], 'v1.20.1'), 'v1.20.8')
  // Re-introduced after the fix (GO-2023-2185's two blocks): the later fix.
  const a = range({ introduced: '0' }, { fixed: '1.21.4' })
  const b = range({ introduced: '1.21.4' }, { fixed: '1.21.5' })
  t.is(earliestFix([a, b], 'v1.21.0'), 'v1.21.5')
  t.is(earliestFix([range({ introduced: '0' })], 'v1.0.0'), '')
})
