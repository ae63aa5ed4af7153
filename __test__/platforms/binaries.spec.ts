// Every addon npm run build:platforms made: the right format and architecture (our inspect), the
// N-API entry point exported (llvm-nm; objdump's export table for PE), glibc builds asking for no
// glibc newer than the floor, the Windows build importing nothing from libnode.dll, and the musl
// builds linked to musl alone and loaded by the musl dynamic loader (no musl Node exists on npm
// to run them in: the loader resolving every symbol but Node's own napi_* is the check).
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../src/package-root'
import { addonFacts, addonProblems } from '../../scripts/platforms/addon-facts'
import { platforms } from '../../scripts/platforms/targets'
import { addonPath, requireAddon, requireCommands, requireFiles } from './helpers'

test('napi.targets lists exactly the platforms built here, each with its npm package', (t) => {
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'))
  t.deepEqual([...manifest.napi.targets].sort(), platforms.map((p) => p.triple).sort())
  for (const p of platforms) {
    const platformManifest = JSON.parse(readFileSync(join(packageRoot, 'npm', p.dir, 'package.json'), 'utf8'))
    t.like(platformManifest, { name: `gops-native-${p.dir}`, version: manifest.version, main: `gops-native.${p.dir}.node` })
  }
})

for (const platform of platforms) {
  test(`${platform.dir}: ${platform.format} for ${platform.arch}, exports napi_register_module_v1`, (t) => {
    if (!requireAddon(t, platform) || !requireCommands(t, ['llvm-nm', 'readelf', 'objdump'])) return
    const facts = addonFacts(addonPath(platform))
    t.deepEqual(addonProblems(platform, facts), [])
    t.like(facts, { format: platform.format, arch: platform.arch, exportsRegister: true })
    if (platform.libc === 'glibc') t.truthy(facts.newestGlibc, 'glibc symbol versions were read')
    if (platform.format === 'pe') t.true(facts.needed.includes('kernel32.dll'), 'the import table was read')
  })
}

const muslLoaders: Record<string, string[]> = {
  amd64: ['/lib/ld-musl-x86_64.so.1'],
  arm64: ['qemu-aarch64-static', '/lib/ld-musl-aarch64.so.1'],
}

for (const platform of platforms.filter((p) => p.libc === 'musl')) {
  test(`${platform.dir}: the musl loader resolves every symbol but Node's napi_*`, (t) => {
    const [loader, ...rest] = [...muslLoaders[platform.arch], '--list', addonPath(platform)]
    const musl = muslLoaders[platform.arch].at(-1)!
    if (!requireAddon(t, platform) || !requireFiles(t, { 'the musl loader': musl }, 'npm run setup:platforms')) return
    const { stdout, stderr } = spawnSync(loader, rest, { encoding: 'utf8' })
    t.regex(stdout, new RegExp(`libc\\.so => ${musl.replaceAll('.', '\\.')}`), 'libc.so is musl')
    const unresolved = [...stderr.matchAll(/Error relocating [^:]+: (\S+): symbol not found/g)].map((m) => m[1])
    t.true(unresolved.length > 0, 'napi_* symbols come from Node, so the loader alone reports them')
    t.deepEqual(unresolved.filter((name) => !name.startsWith('napi_')), [], 'everything else comes from musl')
    t.deepEqual(stderr.split('\n').filter((line) => line && !/^Error relocating .*: napi_\w+: symbol not found$/.test(line)), [])
  })
}
