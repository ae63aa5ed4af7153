// npm run pack:local: writes into pack/ the tarballs npm would publish: one per platform package
// (each needs its addon, from npm run build:platforms) and the main package, whose package.json
// gains the platform packages as optional dependencies at the exact version, as published.
// The published package.json keeps only what users' installs read (PUBLISHED_FIELDS): no
// scripts (a `prepare` there makes npm 11 warn about install scripts on every install), no
// devDependencies, no ava or napi build config. A clone still builds with `npm install`.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../src/package-root'
import { addonFile, platforms } from './targets'

export const packDir = join(packageRoot, 'pack')

interface Manifest {
  name: string
  version: string
  files: string[]
  optionalDependencies?: Record<string, string>
  [field: string]: unknown
}

/** The fields of package.json that the published main package carries, in this order. */
export const PUBLISHED_FIELDS = [
  'name',
  'version',
  'description',
  'license',
  'repository',
  'type',
  'main',
  'types',
  'exports',
  'bin',
  'files',
  'engines',
  'dependencies',
  'optionalDependencies',
] as const

/** The repository's manifest as published: users' fields only, the platform packages added. */
export function publishedManifest(manifest: Manifest, optionalDependencies: Record<string, string>): Manifest {
  const published: Manifest = { ...manifest, optionalDependencies }
  return Object.fromEntries(PUBLISHED_FIELDS.filter((field) => published[field] !== undefined).map((field) => [field, published[field]])) as Manifest
}
interface Packed {
  filename: string
  size: number
  unpackedSize: number
  entryCount: number
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest

function npmPack(dir: string): Packed {
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: dir, encoding: 'utf8' })
  return (JSON.parse(out) as Packed[])[0]
}

/** The main package as it is published: its own files, plus the optional dependencies. */
function stageMain(): string {
  const manifest = readManifest(packageRoot)
  const stage = join(packDir, 'stage')
  rmSync(stage, { recursive: true, force: true })
  mkdirSync(stage, { recursive: true })
  for (const entry of [...manifest.files, 'README.md']) {
    if (!existsSync(join(packageRoot, entry))) throw new Error(`${entry} is missing: run npm install first (it builds dist/ and the loader)`)
    cpSync(join(packageRoot, entry), join(stage, entry), { recursive: true })
  }
  const optional = Object.fromEntries(platforms.map((p) => [readManifest(join(packageRoot, 'npm', p.dir)).name, manifest.version]))
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(publishedManifest(manifest, optional), null, 2)}\n`)
  return stage
}

function main(): void {
  const missing = platforms.filter((p) => !existsSync(join(packageRoot, addonFile(p))))
  if (missing.length > 0) {
    console.error(`no addon for ${missing.map((p) => p.dir).join(', ')}: run npm run build:platforms first`)
    process.exit(1)
  }
  rmSync(packDir, { recursive: true, force: true })
  mkdirSync(packDir)
  const packed = platforms.map((p) => npmPack(join(packageRoot, 'npm', p.dir)))
  const stage = stageMain()
  packed.push(npmPack(stage))
  rmSync(stage, { recursive: true, force: true })
  for (const { filename, size, unpackedSize, entryCount } of packed) {
    const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`
    console.log(`pack/${filename}: ${kib(size)} packed, ${kib(unpackedSize)} unpacked, ${entryCount} files`)
  }
}

if (require.main === module) main()
