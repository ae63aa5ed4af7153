// The linux-arm64-gnu addon in the official arm64 Node under qemu-user, with Debian's arm64
// libraries: the project's own inspect and discovery test files, run by ava inside that Node.
import test from 'ava'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { packageRoot } from '../../src/package-root'
import { arm64Node } from '../../scripts/platforms/runners'
import { platforms } from '../../scripts/platforms/targets'
import { addonPath, requireAddon, requireCommands, requireFiles, runLogged } from './helpers'

const arm64 = platforms.find((p) => p.dir === 'linux-arm64-gnu')!

/**
 * Tests that start another Node (process.execPath): under qemu-user without binfmt_misc, the
 * kernel cannot exec an arm64 file, so they cannot run here. Named exactly: a renamed test
 * then runs and fails, instead of being left out unnoticed.
 */
const startsAnotherNode = [
  'leaves out processes that are not Go',
  "as an unprivileged user: other users' processes are counted as denied, its own are found",
  'watch leaves nothing behind after break or abort: the process exits',
]

test('under qemu, arm64 Node with the linux-arm64-gnu addon passes the inspect and discovery tests', async (t) => {
  const esbuild = join(packageRoot, 'node_modules', '@esbuild', 'linux-x64', 'bin', 'esbuild')
  if (!requireAddon(t, arm64) || !requireCommands(t, ['qemu-aarch64-static'])) return
  if (!requireFiles(t, { 'arm64 Node': arm64Node, 'arm64 glibc': '/lib/ld-linux-aarch64.so.1', esbuild }, 'npm run setup:platforms')) return
  t.log(`left out, as they start another arm64 Node: ${startsAnotherNode.join('; ')}`)
  const scratch = mkdtempSync(join(tmpdir(), 'gops-native-qemu-'))
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
  const log = join(scratch, 'ava.log')
  const ava = join(packageRoot, 'node_modules', 'ava', 'entrypoints', 'cli.mjs')
  const args = [arm64Node, ava, '--config', join(__dirname, 'ava.qemu.config.mjs'), '--tap']
  args.push(...startsAnotherNode.map((title) => `--match=!${title}`), '__test__/inspect.spec.ts', '__test__/discover.spec.ts')
  const env = {
    ...process.env,
    NAPI_RS_NATIVE_LIBRARY_PATH: addonPath(arm64),
    // tsx's esbuild is an x64 program: qemu's Node execs it natively.
    ESBUILD_BINARY_PATH: esbuild,
  }
  const code = await runLogged('qemu-aarch64-static', args, env, log, 14 * 60_000)
  const tap = readFileSync(log, 'utf8')
  if (code !== 0) t.log(tap)
  t.is(code, 0, 'ava under qemu passed')
  const passed = Number(/^# pass (\d+)$/m.exec(tap)?.[1] ?? 0)
  t.true(passed >= 20, `${passed} tests passed under qemu`)
  t.notRegex(tap, /^not ok /m)
  t.regex(tap, /^ok \d+ - .*inspect/m)
  t.log(`${passed} tests passed inside arm64 Node`)
})
