// The package as users get it: the tarballs of npm run pack:local, checked for what they hold,
// then installed into empty folders with no Rust toolchain on PATH and used through require,
// import, the TypeScript types and npx. Here rather than in npm test: it needs every platform's
// build, npm pack and an npm install (registry or cache), which npm test must not depend on.
import test, { type ExecutionContext } from 'ava'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { packageRoot, packageVersion } from '../../src/package-root'
import { buildGo, goVersion } from '../../support/go'
import { PUBLISHED_FIELDS, packDir } from '../../scripts/platforms/pack'
import { hostPlatform, platforms } from '../../scripts/platforms/targets'
import { requireFiles } from './helpers'

const version = packageVersion()
const mainTarball = join(packDir, `gops-native-${version}.tgz`)
const tarballOf = (dir: string) => join(packDir, `gops-native-${dir}-${version}.tgz`)
const host = hostPlatform()!

const tarList = (tarball: string): string[] => execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()
const tarManifest = (tarball: string) => JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }))

function requireTarballs(t: ExecutionContext): boolean {
  const files = Object.fromEntries([['the main tarball', mainTarball], ...platforms.map((p) => [`the ${p.dir} tarball`, tarballOf(p.dir)])])
  return requireFiles(t, files, 'npm run build:platforms && npm run pack:local')
}

/** PATH without any folder that holds cargo, rustc or rustup: a user's machine without Rust. */
function pathWithoutRust(): string {
  const rust = ['cargo', 'rustc', 'rustup']
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !rust.some((tool) => existsSync(join(dir, tool))))
    .join(delimiter)
}

const userEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: pathWithoutRust(), NODE_OPTIONS: '' }
  for (const name of ['CARGO_HOME', 'RUSTUP_HOME', 'RUSTUP_TOOLCHAIN', 'NAPI_RS_NATIVE_LIBRARY_PATH', 'TSX_TSCONFIG_PATH']) delete env[name]
  return env
}

/** Runs a command in a user's folder, with the user's environment. */
function inFolder(cwd: string, file: string, args: string[]): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(file, args, { cwd, env: userEnv(), encoding: 'utf8', timeout: 300_000 })
  return { stdout: result.stdout, stderr: result.stderr, status: result.status }
}

/** An empty project folder with `packages` installed by npm (dependencies from the registry or its cache). */
function project(t: ExecutionContext, packages: string[], npmFlags: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'gops-native-user-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }))
  const installed = inFolder(dir, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...npmFlags, ...packages])
  if (installed.status !== 0) throw new Error(`npm install failed: ${installed.stderr}`)
  return dir
}

const devVersion = (name: string): string => JSON.parse(readFileSync(join(packageRoot, 'node_modules', name, 'package.json'), 'utf8')).version

test('each tarball holds only what users need', (t) => {
  if (!requireTarballs(t)) return
  const main = tarList(mainTarball)
  const userFile = /^package\/(package\.json|README\.md|binding\.cjs|bin\/gops-native\.js|dist\/.+\.(js|d\.ts))$/
  t.deepEqual(main.filter((f) => !userFile.test(f)), [], 'no tests, fixtures, sources, maps or build folders')
  for (const needed of ['package/dist/index.js', 'package/dist/index.d.ts', 'package/binding.cjs', 'package/bin/gops-native.js'])
    t.true(main.includes(needed), needed)
  t.false(main.some((f) => f.endsWith('.node')), 'the main package carries no addon')
  const sizes = [`gops-native: ${statSync(mainTarball).size} bytes, ${main.length} files`]
  for (const p of platforms) {
    t.deepEqual(tarList(tarballOf(p.dir)), ['package/README.md', `package/gops-native.${p.dir}.node`, 'package/package.json'])
    sizes.push(`gops-native-${p.dir}: ${statSync(tarballOf(p.dir)).size} bytes`)
  }
  t.log(sizes.join('\n'))
})

test('the main package names every platform package as an optional dependency, exact version', (t) => {
  if (!requireTarballs(t)) return
  const expected = Object.fromEntries(platforms.map((p) => [`gops-native-${p.dir}`, version]))
  t.deepEqual(tarManifest(mainTarball).optionalDependencies, expected)
  for (const p of platforms) t.like(tarManifest(tarballOf(p.dir)), { name: `gops-native-${p.dir}`, version })
})

/** Fields of package.json for the developers only: left out of the published manifest. */
const DEVELOPERS_FIELDS = ['scripts', 'devDependencies', 'ava', 'napi']

test('every field of package.json is either published or known to be the developers\' own', (t) => {
  const fields = Object.keys(JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')))
  const published: readonly string[] = PUBLISHED_FIELDS
  t.deepEqual(
    fields.filter((f) => !published.includes(f) && !DEVELOPERS_FIELDS.includes(f)),
    [],
    'a new field: add it to PUBLISHED_FIELDS in scripts/platforms/pack.ts, or to DEVELOPERS_FIELDS here',
  )
})

test('the published package.json carries no scripts, devDependencies or test and build config', (t) => {
  if (!requireTarballs(t)) return
  const root = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'))
  const published = tarManifest(mainTarball)
  for (const field of DEVELOPERS_FIELDS) t.false(field in published, `${field} is published`)
  for (const field of PUBLISHED_FIELDS.filter((f) => f !== 'optionalDependencies')) t.deepEqual(published[field], root[field], field)
  for (const p of platforms) {
    const manifest = tarManifest(tarballOf(p.dir))
    for (const field of DEVELOPERS_FIELDS) t.false(field in manifest, `${p.dir}: ${field} is published`)
  }
})

test('installing the tarballs runs no install script and npm warns of none', (t) => {
  if (!requireTarballs(t)) return
  const dir = mkdtempSync(join(tmpdir(), 'gops-native-user-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }))
  const installed = inFolder(dir, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', mainTarball, tarballOf(host.dir)])
  t.is(installed.status, 0, installed.stderr)
  // npm 11 lists every package with lifecycle scripts (preinstall, install, postinstall, prepare).
  t.notRegex(`${installed.stdout}${installed.stderr}`, /install.scripts/i)
  const lock = JSON.parse(readFileSync(join(dir, 'node_modules', '.package-lock.json'), 'utf8'))
  for (const name of ['gops-native', `gops-native-${host.dir}`]) t.falsy(lock.packages[`node_modules/${name}`]?.hasInstallScript, name)
})

test('installed from the tarballs without Rust: require, import, types (every shipped .d.ts), the exports map and npx all work', async (t) => {
  if (!requireTarballs(t)) return
  t.is(spawnSync('sh', ['-c', 'command -v cargo; command -v rustc'], { env: userEnv(), encoding: 'utf8' }).stdout, '', 'no Rust toolchain on PATH')
  const fixture = buildGo({ program: 'hello', name: 'hello' })
  const dir = project(t, [mainTarball, tarballOf(host.dir), `typescript@${devVersion('typescript')}`, `@types/node@${devVersion('@types/node')}`])
  const run = (file: string, args: string[]) => {
    const result = inFolder(dir, file, args)
    t.is(result.status, 0, `${file} ${args.join(' ')}: ${result.stderr}`)
    return result.stdout
  }

  writeFileSync(
    join(dir, 'use.cjs'),
    `const gops = require('gops-native')
const info = gops.inspectSync(process.argv[2])
const addon = Object.keys(require.cache).find((f) => f.endsWith('.node'))
console.log(JSON.stringify({ isGo: info.isGo, goVersion: info.goVersion, listed: Array.isArray(gops.discoverSync()), addon }))`,
  )
  const required = JSON.parse(run('node', ['use.cjs', fixture]))
  t.like(required, { isGo: true, goVersion: goVersion(), listed: true })
  t.is(required.addon, join(dir, 'node_modules', `gops-native-${host.dir}`, `gops-native.${host.dir}.node`), 'the addon came from the platform package')

  writeFileSync(
    join(dir, 'use.mjs'),
    `import { inspect, discover, Scanner, client, agent, GopsError, isGopsError } from 'gops-native'
const info = await inspect(process.argv[2])
console.log(JSON.stringify({ isGo: info.isGo, kinds: [typeof discover, typeof Scanner, typeof client.stack, typeof agent, typeof GopsError, typeof isGopsError], found: (await discover()).length >= 0 }))`,
  )
  t.like(JSON.parse(run('node', ['use.mjs', fixture])), { isGo: true, kinds: ['function', 'function', 'function', 'object', 'function', 'function'], found: true })

  writeFileSync(
    join(dir, 'use.ts'),
    `import { inspectSync, discover, GopsError, type GoBinaryInfo, type GoProcess } from 'gops-native'
const info: GoBinaryInfo = inspectSync('/bin/sh')
const version: string | null = info.goVersion
const pids = async (): Promise<number[]> => (await discover()).map((p: GoProcess) => p.pid)
// @ts-expect-error: the types are real, not any: a number is no path
inspectSync(42)
export { version, pids, GopsError }
`,
  )
  writeFileSync(
    join(dir, 'use.mts'),
    `import { inspectMany, ERROR_CODES, type GopsErrorCode, type InspectResult } from 'gops-native'
const items: InspectResult[] = await inspectMany(['/bin/sh'])
const codes: readonly GopsErrorCode[] = ERROR_CODES
// @ts-expect-error: an item is a result or an error, never both unchecked
const unchecked: boolean = items[0].result.isGo
// @ts-expect-error: codes are a union, not any string
const code: GopsErrorCode = 'NO_SUCH_CODE'
export { codes, unchecked, code }
`,
  )
  // Every shipped declaration file is checked (no skipLibCheck): each import in them resolves.
  const declarations = tarList(mainTarball).filter((f) => /\.d\.c?ts$/.test(f)).map((f) => join('node_modules', 'gops-native', f.slice('package/'.length)))
  t.true(declarations.length > 10)
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', noEmit: true, skipLibCheck: false, types: ['node'] },
      files: ['use.ts', 'use.mts', ...declarations],
    }),
  )
  run('node', [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'])

  // The exports map: the API and package.json, nothing by internal path, from require or import.
  const internal = 'gops-native/dist/src/errors.js'
  const blocked = `const results = []
try { require(${JSON.stringify(internal)}); results.push('required') } catch (e) { results.push(e.code) }
import(${JSON.stringify(internal)}).then(() => 'imported', (e) => e.code).then((r) => console.log(JSON.stringify([...results, r, require('gops-native/package.json').version])))`
  t.deepEqual(JSON.parse(run('node', ['-e', blocked])), ['ERR_PACKAGE_PATH_NOT_EXPORTED', 'ERR_PACKAGE_PATH_NOT_EXPORTED', version])

  // The CLI is referenced by the bin entry (a file of the package, not an export) and runs through npx.
  t.deepEqual(tarManifest(mainTarball).bin, { 'gops-native': 'bin/gops-native.js' })
  t.is(run('npx', ['--no-install', 'gops-native', '--version']).trim(), version)
  const [inspected] = JSON.parse(run('npx', ['--no-install', 'gops-native', 'inspect', '--json', fixture]))
  t.like(inspected, { ok: true, path: fixture, result: { path: fixture, isGo: true, goVersion: goVersion() } })
})

test('installed without its platform package: the error names the package to add', async (t) => {
  if (!requireTarballs(t)) return
  const dir = project(t, [mainTarball], ['--omit=optional'])
  t.false(existsSync(join(dir, 'node_modules', `gops-native-${host.dir}`)))
  const script = `try { require('gops-native').inspectSync(process.execPath) } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }`
  const { stdout } = inFolder(dir, 'node', ['-e', script])
  const error = JSON.parse(stdout)
  t.is(error.code, 'NATIVE_BINDING_MISSING')
  t.true(error.message.includes(`npm install gops-native-${host.dir}@${version}`), error.message)
  const cli = inFolder(dir, 'npx', ['--no-install', 'gops-native', 'inspect', process.execPath])
  t.not(cli.status, 0)
  t.true(cli.stderr.includes(`gops-native-${host.dir}@${version}`), cli.stderr)
  t.notRegex(cli.stderr, /^\s+at /m, 'one plain message, no stack trace')
})
