// One vocabulary of error codes: the TypeScript list (src/errors.ts) holds every code the Rust
// core can set, every code in it is raised somewhere, and docs/errors.md's table explains each.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import test from 'ava'
import { ERROR_CODES, INSPECT_ERROR_CODES, NATIVE_ERROR_CODES, PROCESS_ERROR_CODES } from '../src/errors'
import { packageRoot } from '../src/package-root'

const read = (path: string) => readFileSync(join(packageRoot, path), 'utf8')

function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(join(packageRoot, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(packageRoot, path)).isDirectory()) return filesUnder(path, extension)
    return name.endsWith(extension) ? [path] : []
  })
}

/** The string literals of the match arms in the body of `header` (a Rust fn or impl) in `file`. */
function armCodes(file: string, header: string): string[] {
  const text = read(file)
  const at = text.indexOf(header)
  if (at < 0) throw new Error(`${header} not found in ${file}`)
  const body = text.slice(at, text.indexOf('\n    }\n', at))
  return [...body.matchAll(/=> "([A-Z_]+)"/g)].map((m) => m[1])
}

test('the codes the addon sets on a failed file or process are exactly those lists (read from the Rust source)', (t) => {
  const fromBinding = filesUnder('crates/gops-napi/src', '.rs').flatMap((file) => [...read(file).matchAll(/code: "([A-Z_]+)"/g)].map((m) => m[1]))
  t.deepEqual([...new Set(fromBinding)], ['INTERNAL_ERROR'], 'the binding adds only INTERNAL_ERROR (a caught panic)')
  const inspect = armCodes('crates/gops-core/src/inspect/mod.rs', 'impl ErrorCode {')
  t.deepEqual([...inspect, 'INTERNAL_ERROR'].sort(), [...INSPECT_ERROR_CODES].sort())
  const process = armCodes('crates/gops-core/src/process/info/mod.rs', 'pub fn code(&self)')
  t.deepEqual([...new Set([...process, 'INTERNAL_ERROR'])].sort(), [...PROCESS_ERROR_CODES].sort())
  for (const code of NATIVE_ERROR_CODES) t.true((ERROR_CODES as readonly string[]).includes(code), code)
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

test("docs/errors.md's error-code table lists exactly the codes of the list", (t) => {
  const rows = [...read('docs/errors.md').matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1])
  t.deepEqual([...rows].sort(), [...ERROR_CODES].sort())
})
