// The addon's declarations, src/native-types.ts, are written by `napi build` (run by
// `npm install` and `npm run build`) from the binding's #[napi] items, and committed: the
// public types are derived from them (src/native-shape.ts). These tests fail when a build of
// the Rust wrote declarations other than the committed ones, and when the TypeScript no longer
// type-checks against them (a field renamed in Rust and not followed by the conversions).
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { testUnless } from './helpers/skip'

const root = join(__dirname, '..')
const declarations = 'src/native-types.ts'

function git(...args: string[]) {
  return spawnSync('git', args, { cwd: root, encoding: 'utf8' })
}

const inGit = git('rev-parse', '--is-inside-work-tree').stdout?.trim() === 'true'
const inGitTest = testUnless(inGit ? null : 'not a git checkout')

inGitTest('the declarations the last build wrote are the committed ones', (t) => {
  const tracked = git('ls-files', '--error-unmatch', declarations)
  t.is(tracked.status, 0, `${declarations} is not committed: \`git add ${declarations}\``)
  // Against the index, so that `git add` after a rebuild is enough before committing.
  const diff = git('diff', '--no-ext-diff', '--', declarations)
  t.is(diff.status, 0, String(diff.stderr))
  t.is(
    diff.stdout,
    '',
    `the build changed ${declarations}: a #[napi] type in crates/gops-napi changed; check the ` +
      `public types derived from it and commit the file\n${diff.stdout}`,
  )
})

test('the TypeScript type-checks against the generated declarations', (t) => {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], {
    cwd: root,
    encoding: 'utf8',
  })
  t.is(tsc.status, 0, `${tsc.stdout}${tsc.stderr}`)
})
