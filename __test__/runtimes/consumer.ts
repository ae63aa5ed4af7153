// A project that depends on gops-native as its users' projects do: the package is packed with
// `npm pack` from the built tree (dist/, bin/, the loader, and this host's addon placed where
// the loader looks first), and installed with `npm install` from that tarball. Every runtime of
// the matrix then imports, requires and runs `gops-native` from there: Node and Bun through
// node_modules, Deno through its npm support reading the same node_modules (package.json present).
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../src/package-root'
import { cacheDir } from '../../support/go'

const npm = (args: string[], cwd: string): string => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

/** Packs the built package with this host's addon inside; returns the tarball's path. */
export function packLocal(into: string): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { files: string[]; scripts?: unknown; devDependencies?: unknown }
  const addons = readdirSync(packageRoot).filter((name) => name.endsWith('.node'))
  if (!existsSync(join(packageRoot, 'dist', 'index.js')) || addons.length === 0) throw new Error('gops-native is not built: run npm install (or npm run build) first')
  const stage = join(into, 'stage')
  rmSync(stage, { recursive: true, force: true })
  mkdirSync(stage, { recursive: true })
  for (const entry of [...manifest.files, 'README.md', ...addons]) cpSync(join(packageRoot, entry), join(stage, entry), { recursive: true })
  // As published, minus the build scripts (a consumer must not build) and the per-platform
  // optional dependencies, which are not on the registry for this checkout's version.
  manifest.files = [...manifest.files, ...addons]
  delete manifest.scripts
  delete manifest.devDependencies
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  const [{ filename }] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', into], stage)) as Array<{ filename: string }>
  rmSync(stage, { recursive: true, force: true })
  return join(into, filename)
}

/**
 * A fresh consumer project under .cache/runtimes/consumer with the packed package installed
 * (its dependencies come from the npm registry, through npm's cache).
 */
export function consumerProject(): string {
  const dir = join(cacheDir, 'runtimes', 'consumer')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const tarball = packLocal(dir)
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'gops-native-consumer', private: true, type: 'module', dependencies: { 'gops-native': `file:${tarball}` } }, null, 2)}\n`,
  )
  npm(['install', '--no-audit', '--no-fund', '--no-package-lock'], dir)
  cpSync(join(packageRoot, '__test__', 'runtimes', 'conformance.mjs'), join(dir, 'conformance.mjs'))
  cpSync(join(packageRoot, '__test__', 'runtimes', 'entry.cjs'), join(dir, 'entry.cjs'))
  return dir
}
