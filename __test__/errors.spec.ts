// One vocabulary of error codes: the TypeScript list (src/errors.ts) holds every code the addon
// sets (its string enums), every code in it is raised somewhere, and docs/errors.md's table explains each.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import test from 'ava'
import { ERROR_CODES, INSPECT_ERROR_CODES, NATIVE_ERROR_CODES, PROCESS_ERROR_CODES, TASK_ERROR_CODES } from '../src/errors'
import { native } from '../src/native'
import { packageRoot } from '../src/package-root'

const read = (path: string) => readFileSync(join(packageRoot, path), 'utf8')

function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(join(packageRoot, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(packageRoot, path)).isDirectory()) return filesUnder(path, extension)
    return name.endsWith(extension) ? [path] : []
  })
}

test("the lists of the addon's codes are exactly the values of the string enums the addon exports", (t) => {
  // tsc already holds each list to its generated enum type (src/errors.ts): this checks the
  // addon that is loaded, built from the Rust, against the committed declarations.
  // The declarations say `const enum` (tsc inlines their members), but the addon exports each
  // as an object of its values.
  const binding = native() as unknown as Record<'InspectErrorCode' | 'ProcessErrorCode' | 'TaskErrorCode', Record<string, string>>
  t.deepEqual([...INSPECT_ERROR_CODES].sort(), Object.values(binding.InspectErrorCode).sort())
  t.deepEqual([...PROCESS_ERROR_CODES].sort(), Object.values(binding.ProcessErrorCode).sort())
  t.deepEqual([...TASK_ERROR_CODES].sort(), Object.values(binding.TaskErrorCode).sort())
  for (const code of NATIVE_ERROR_CODES) t.true(ERROR_CODES.includes(code), code)
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
