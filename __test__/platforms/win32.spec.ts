// The Windows addon (a windows-gnu build published as win32-x64-msvc) in the official Windows
// node.exe under Wine: it inspects Go PE, ELF and Mach-O files and finds a Go child process
// (a Windows build of the hello fixture) in a scan, sync and async.
import test from 'ava'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildGo, goVersion } from '../../support/go'
import { platforms } from '../../scripts/platforms/targets'
import { wineEnv, winePath, wineReady, windowsNode } from '../../scripts/platforms/runners'
import { addonPath, requireAddon, requireCommands, requireFiles, runLogged } from './helpers'
const windows = platforms.find((p) => p.format === 'pe')!

const hello = (goos: string, goarch: string, name: string) => buildGo({ program: 'hello', name, env: { GOOS: goos, GOARCH: goarch } })

test('under Wine, Windows Node with the win32-x64 addon inspects PE, ELF and Mach-O and finds a Go child', async (t) => {
  if (!requireAddon(t, windows) || !requireCommands(t, ['wine'])) return
  if (!requireFiles(t, { 'node.exe': windowsNode, 'the Wine prefix': wineReady }, 'npm run setup:platforms')) return
  const files = [
    { path: hello('windows', 'amd64', 'hello.exe'), format: 'pe', arch: 'amd64' },
    { path: hello('linux', 'amd64', 'hello'), format: 'elf', arch: 'amd64' },
    { path: hello('darwin', 'arm64', 'hello'), format: 'macho', arch: 'arm64' },
  ]
  const scratch = mkdtempSync(join(tmpdir(), 'gops-native-wine-'))
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
  const out = join(scratch, 'probe.json')
  const log = join(scratch, 'wine.log')
  const args = [windowsNode, join(__dirname, 'windows-probe.cjs'), winePath(out), winePath(files[0].path), ...files.map((f) => winePath(f.path))]
  const env = { ...wineEnv(), NAPI_RS_NATIVE_LIBRARY_PATH: winePath(addonPath(windows)) }
  const code = await runLogged('wine', args, env, log, 180_000)
  if (code !== 0) t.log(readFileSync(log, 'utf8'))
  t.is(code, 0, 'Windows Node exited cleanly')
  const probe = JSON.parse(readFileSync(out, 'utf8'))
  t.is(probe.error, undefined)
  t.like(probe, { platform: 'win32', arch: 'x64' })
  for (const [i, file] of files.entries()) {
    t.like(probe.inspected[i], { isGo: true, goVersion: goVersion(), format: file.format, arch: file.arch }, file.path)
    t.is(probe.inspected[i].buildInfo.path, 'example.com/gopsnative/hello')
  }
  t.true(probe.found.scanned > 1, 'the scan listed the processes Wine runs')
  t.log(`the scan under Wine listed ${probe.found.scanned} processes; found ${probe.found.sync.path}`)
  for (const how of ['sync', 'async']) {
    t.like(probe.found[how], { pid: probe.childPid, runtime: 'go', goVersion: goVersion() }, `${how} scan`)
    t.regex(probe.found[how].path, /hello\.exe$/i)
  }
})
