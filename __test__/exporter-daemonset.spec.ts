// The exporter run the way the DaemonSet in docs/exporter.md runs it: its own mount namespace
// with the root file system read-only, the host's PID (and network) namespace, root with only
// SYS_PTRACE and DAC_READ_SEARCH (every other capability dropped from the bounding set) and
// no_new_privs. It must still list host Go processes, and one in another mount and PID
// namespace, with Go versions and agents (and the agent's figures). The manifest grants no
// NET_ADMIN: whether it follows process events is the kernel's call, and the page says which.
import test from 'ava'
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { packageRoot } from '../src/package-root'
import { get } from './helpers/exporter'
import { buildGo, goVersion } from '../support/go'
import { freePort } from './helpers/prometheus'
import { startProcess } from './helpers/processes'
import { testUnless } from './helpers/skip'
import { startGoAgent } from '../support/go-agent'

const tools = ['unshare', 'setpriv', 'mount', 'nsenter'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0)
const possible = process.platform === 'linux' && process.getuid?.() === 0 && tools
const asDaemonSet = testUnless(possible ? null : 'it needs Linux, root, unshare, setpriv and mount (util-linux)')

/** The manifest's securityContext, as a command prefix. */
const SANDBOX = (command: string[]) => [
  'unshare', '--mount', '--propagation', 'private', '--',
  'sh', '-c', 'mount -o remount,bind,ro / && exec "$@"', 'sandbox',
  'setpriv', '--bounding-set', '-all,+sys_ptrace,+dac_read_search', '--inh-caps', '-all', '--no-new-privs', '--',
  ...command,
]
/** CAP_DAC_READ_SEARCH (2) and CAP_SYS_PTRACE (19). */
const GRANTED = (1n << 2n) | (1n << 19n)

function status(pid: number): Record<string, string> {
  return Object.fromEntries(readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').map((line) => line.split(/:\s*/, 2)))
}

function value(page: string, series: string): string | undefined {
  return page.split('\n').find((line) => line.startsWith(`${series} `))?.slice(series.length + 1)
}

asDaemonSet('in the DaemonSet\'s sandbox it lists host Go processes and one in another mount namespace, with versions and agents', async (t) => {
  const host = await startProcess(t, buildGo({ program: 'hello', name: 'hello' }), ['600'])
  // A "container": its own PID and mount namespaces, a gops agent writing its port file there.
  const contained = await startGoAgent(['unshare', '--pid', '--fork', '--mount', '--mount-proc', '--kill-child'], (child) =>
    Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0]),
  )
  t.teardown(() => contained.stop())

  const port = await freePort()
  // From dist, as the image runs it (npm run build made it): nothing is written at run time.
  const cli = join(packageRoot, 'bin', 'gops-native.js')
  const [command, ...args] = SANDBOX([process.execPath, cli, 'exporter', '--listen', `127.0.0.1:${port}`, '--agent-stats', '--agent-timeout', '3s'])
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  t.teardown(() => void child.kill('SIGKILL'))
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const deadline = Date.now() + 20_000
  while (!/serving http/.test(stderr) && child.exitCode === null && Date.now() < deadline) await sleep(100)
  t.regex(stderr, /serving http/, stderr)

  // The sandbox is what the manifest says: only the two capabilities, no_new_privs, root read-only.
  const exporterPid = child.pid! // unshare, sh and setpriv each exec the next
  const exporter = status(exporterPid)
  t.is(exporter.Uid.split('\t')[1], '0')
  t.is(BigInt(`0x${exporter.CapEff}`), GRANTED)
  t.is(BigInt(`0x${exporter.CapBnd}`), GRANTED)
  t.is(exporter.NoNewPrivs, '1')
  t.regex(readFileSync(`/proc/${exporterPid}/mountinfo`, 'utf8'), /^\S+ \S+ \S+ \/ \/ ro[,\s]/m, 'root mounted read-only')
  t.not(readlinkSync(`/proc/${exporterPid}/ns/mnt`), readlinkSync('/proc/self/ns/mnt'))
  t.is(readlinkSync(`/proc/${exporterPid}/ns/pid`), readlinkSync('/proc/self/ns/pid'), "the host's PID namespace")

  const page = (await get(`http://127.0.0.1:${port}/metrics`)).body
  t.regex(page, new RegExp(`^gops_process_info\\{pid="${host.pid}",.*go_version="${goVersion()}".*agent="false"\\} 1$`, 'm'))
  t.regex(page, new RegExp(`^gops_process_info\\{pid="${contained.pid}",.*name="withagent".*go_version="${goVersion()}".*agent="true"\\} 1$`, 'm'))
  t.is(value(page, `gops_agent_up{pid="${contained.pid}"}`), '1', 'the contained agent, dialled at the port its file names')
  t.true(Number(value(page, `gops_agent_goroutines{pid="${contained.pid}"}`)) >= 1)
  t.is(value(page, 'gops_scan_unreadable_processes'), '0')

  // No NET_ADMIN: the exporter follows events exactly when the kernel lets such a process
  // listen to them (Linux 6.18 here does), else it polls; a Scanner in the same sandbox agrees.
  const script = `process.stdout.write(new (require(${JSON.stringify(join(packageRoot, 'dist', 'index.js'))}).Scanner)({ mode: 'auto' }).mode)`
  const [probeCommand, ...probeArgs] = SANDBOX([process.execPath, '-e', script])
  const probe = spawnSync(probeCommand, probeArgs, { encoding: 'utf8' })
  t.is(probe.status, 0, probe.stderr)
  t.is(value(page, 'gops_scan_following_events'), probe.stdout === 'events' ? '1' : '0')
  t.log(`in the sandbox on Linux ${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()}: ${probe.stdout}`)
})
