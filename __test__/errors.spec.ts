// One vocabulary of error codes: the TypeScript list (src/errors.ts) holds every code the Rust
// core can set, every code in it is raised somewhere, and the README's table explains each.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import test from 'ava'
import { ERROR_CODES, NATIVE_ERROR_CODES } from '../src/errors'
import { packageRoot } from '../src/package-root'

const read = (path: string) => readFileSync(join(packageRoot, path), 'utf8')

function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(join(packageRoot, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(packageRoot, path)).isDirectory()) return filesUnder(path, extension)
    return name.endsWith(extension) ? [path] : []
  })
}

test('the codes the addon sets on a failed file are exactly NATIVE_ERROR_CODES (read from the Rust source)', (t) => {
  const core = read('crates/gops-core/src/inspect/mod.rs')
  const impl = core.slice(core.indexOf('impl ErrorCode'))
  const fromCore = [...impl.slice(0, impl.indexOf('\n}')).matchAll(/ErrorCode::\w+ => "([A-Z_]+)"/g)].map((m) => m[1])
  t.true(fromCore.length >= 4, `codes read from ErrorCode::as_str: ${fromCore.join(', ')}`)
  const fromBinding = filesUnder('crates/gops-napi/src', '.rs').flatMap((file) => [...read(file).matchAll(/code: "([A-Z_]+)"/g)].map((m) => m[1]))
  t.deepEqual(fromBinding, ['INTERNAL_ERROR'])
  t.deepEqual([...new Set([...fromCore, ...fromBinding])].sort(), [...NATIVE_ERROR_CODES].sort())
})

test('every code of the list is raised somewhere in src/ (no dead names), and none twice in the list', (t) => {
  t.is(new Set(ERROR_CODES).size, ERROR_CODES.length)
  const source = filesUnder('src', '.ts')
    .filter((file) => !file.endsWith('errors.ts'))
    .map(read)
    .join('\n')
  const native = new Set<string>(NATIVE_ERROR_CODES)
  for (const code of ERROR_CODES.filter((c) => !native.has(c))) t.true(source.includes(`'${code}'`), `${code} is not raised in src/`)
})

test("the README's error-code table lists exactly the codes of the list", (t) => {
  const readme = read('README.md')
  const section = readme.slice(readme.indexOf('## Error codes'))
  const table = section.slice(0, section.indexOf('\n## ', 1))
  const rows = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1])
  t.deepEqual([...rows].sort(), [...ERROR_CODES].sort())
})
