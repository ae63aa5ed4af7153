// The platform triples are written once, in package.json's napi.targets: scripts/platforms
// derives its list from them and refuses build facts that do not cover exactly those triples.
import test from 'ava'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkBuildFacts, napiTargets, platforms } from '../scripts/platforms/targets'

const root = join(__dirname, '..')

test('the platforms are napi.targets, in its order, each with its npm package', (t) => {
  const targets = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { napi: { targets: string[] } }).napi.targets
  t.deepEqual(napiTargets(), targets)
  t.deepEqual(platforms.map((p) => p.triple), targets)
  for (const p of platforms) {
    const manifest = JSON.parse(readFileSync(join(root, 'npm', p.dir, 'package.json'), 'utf8')) as { os: string[]; cpu: string[]; libc?: string[]; main: string }
    t.is(manifest.main, `gops-native.${p.dir}.node`, p.triple)
    t.deepEqual(manifest.os, [{ elf: 'linux', macho: 'darwin', pe: 'win32' }[p.format]], p.triple)
    t.deepEqual(manifest.cpu, [p.arch === 'amd64' ? 'x64' : 'arm64'], p.triple)
    t.deepEqual(manifest.libc, p.libc ? [p.libc] : undefined, p.triple)
  }
})

test('build facts must cover exactly napi.targets', (t) => {
  const targets = ['x86_64-unknown-linux-gnu', 'aarch64-apple-darwin']
  t.notThrows(() => checkBuildFacts(targets, { 'x86_64-unknown-linux-gnu': {}, 'aarch64-apple-darwin': {} }))
  t.throws(() => checkBuildFacts(targets, { 'x86_64-unknown-linux-gnu': {} }), { message: /missing aarch64-apple-darwin$/ })
  t.throws(() => checkBuildFacts(targets, { 'x86_64-unknown-linux-gnu': {}, 'aarch64-apple-darwin': {}, 'riscv64gc-unknown-linux-gnu': {} }), {
    message: /not in napi\.targets: riscv64gc-unknown-linux-gnu$/,
  })
})
