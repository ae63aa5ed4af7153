// What the client needs to know about a local process before trusting its port file.
// Linux answers through /proc; elsewhere only "is it running" is known. The client works
// without the addon, so it keeps this small reader of its own (state and start time from
// /proc/<pid>/stat, btime, NSpid, environ); everything else about a process is read by the
// Rust core (processDetails), and __test__/process-details.spec.ts pins the two together.
import { readFile } from 'node:fs/promises'

/**
 * The kernel reports process start times in USER_HZ ticks: 100 on every Linux architecture Node
 * runs on. The addon reads it with sysconf(_SC_CLK_TCK); without the addon there is no sysconf,
 * so this stays a constant, pinned to the addon's value by __test__/process-details.spec.ts.
 */
export const USER_HZ = 100

export async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0)
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const stat = await readStat(pid)
  return stat === null || stat.state !== 'Z'
}

/** Wall-clock start of the process in ms since the epoch, or null where /proc cannot tell. */
export async function startTimeMs(pid: number): Promise<number | null> {
  const [stat, bootMs] = await Promise.all([readStat(pid), bootTimeMs()])
  return stat === null || bootMs === null ? null : bootMs + (stat.startTicks * 1000) / USER_HZ
}

/** The PID a process has inside its own PID namespace (the last NSpid entry): a containerised agent names its port file with it. */
export async function namespacePid(pid: number): Promise<number | null> {
  const status = await readProcText(pid, 'status')
  const line = status?.match(/^NSpid:\s*([\d\s]+)$/m)
  if (!line) return null
  const pids = line[1].trim().split(/\s+/)
  return Number(pids[pids.length - 1])
}

/** The process's environment (it decides where its agent wrote the port file), or null when unreadable. */
export async function environment(pid: number): Promise<NodeJS.ProcessEnv | null> {
  const text = await readProcText(pid, 'environ')
  if (text === null) return null
  const env: NodeJS.ProcessEnv = {}
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=')
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return env
}

/** The process's root directory as seen from here: a container's file system for a containerised process. */
export function rootDir(pid: number): string {
  return `/proc/${pid}/root`
}

/** The capability (linux/capability.h) that permits looking inside any process. */
export const CAP_SYS_PTRACE = 19

/** Whether this process holds capability `bit` (its effective set); null where /proc cannot tell. */
export async function hasCapability(bit: number): Promise<boolean | null> {
  const status = await readProcText('self', 'status')
  const hex = status?.match(/^CapEff:\s*([0-9a-f]+)$/m)?.[1]
  return hex === undefined ? null : ((BigInt(`0x${hex}`) >> BigInt(bit)) & 1n) === 1n
}

interface Stat {
  state: string
  startTicks: number
}

async function readStat(pid: number): Promise<Stat | null> {
  const text = await readProcText(pid, 'stat')
  if (text === null) return null
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const startTicks = Number(fields[19])
  return Number.isFinite(startTicks) ? { state: fields[0], startTicks } : null
}

let bootTimeMemo: Promise<number | null> | undefined
function bootTimeMs(): Promise<number | null> {
  bootTimeMemo ??= readFile('/proc/stat', 'utf8').then(
    (text) => {
      const btime = text.match(/^btime (\d+)$/m)
      return btime ? Number(btime[1]) * 1000 : null
    },
    () => null,
  )
  return bootTimeMemo
}

async function readProcText(pid: number | 'self', file: string): Promise<string | null> {
  if (process.platform !== 'linux') return null
  try {
    return await readFile(`/proc/${pid}/${file}`, 'utf8')
  } catch {
    return null
  }
}
