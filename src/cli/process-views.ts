// The output of gops's list, tree and process commands, byte for byte where gops has them.
import { discover, type GoProcess } from '../discover'
import { GopsError } from '../errors'
import { processInfo } from '../process-info'
import { formatGoDuration, parseGoDuration } from './duration'
import { printJson } from './output'

export async function list(options: { json?: boolean }): Promise<void> {
  const processes = await discover()
  if (options.json) return printJson(processes)
  process.stdout.write(formatList(processes))
}

export async function tree(options: { json?: boolean }): Promise<void> {
  const processes = await discover()
  if (options.json) return printJson(nest(processes))
  // gops prints the tree with Println, after its own trailing newline.
  process.stdout.write(formatTree(processes) + '\n')
}

export async function processView(pidText: string, period: string | undefined, options: { json?: boolean }): Promise<void> {
  if (!/^\d+$/.test(pidText)) throw new GopsError('INVALID_PID', `not a process ID: ${pidText}`)
  const periodMs = period === undefined ? undefined : parsePeriod(period)
  const info = await processInfo(Number(pidText), { periodMs })
  if (options.json) return printJson(info)
  const lines: string[] = []
  if (info.ppid !== null) lines.push(`parent PID:\t${info.ppid}`)
  lines.push(`threads:\t${info.threads}`)
  lines.push(`memory usage:\t${info.memoryPercent.toFixed(3)}%`)
  lines.push(`cpu usage:\t${info.cpuPercent.toFixed(3)}%`)
  if (periodMs !== undefined && info.cpuPercentOverPeriod !== undefined) {
    lines.push(`cpu usage (${formatGoDuration(periodMs)}):\t${info.cpuPercentOverPeriod.toFixed(3)}%`)
  }
  if (info.username !== null) lines.push(`username:\t${info.username}`)
  lines.push(`cmd+args:\t${info.args.join(' ')}`)
  lines.push(`elapsed time:\t${formatElapsed(Date.now() - Math.floor(info.startedAt.getTime() / 1000) * 1000)}`)
  for (const c of info.connections) {
    lines.push(`local/remote:\t${c.local.address}:${c.local.port} <-> ${c.remote.address}:${c.remote.port} (${c.state})`)
  }
  process.stdout.write(lines.join('\n') + '\n')
}

/** gops accepts a Go duration, or a bare number of seconds. */
function parsePeriod(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : parseGoDuration(text)
  if (ms === null) throw new GopsError('INVALID_PERIOD', `not a duration: ${text} (use e.g. 5s, 500ms or 5)`)
  return ms
}

/** The VERSION column: Go's version (devel versions shortened as gops does), else the runtime. */
function versionLabel(p: GoProcess): string {
  if (p.runtime === 'node') return 'node'
  if (p.goVersion === null) return 'unknown'
  if (!p.goVersion.startsWith('devel')) return p.goVersion
  return p.goVersion.match(/devel\s+\+\w+/)?.[0] ?? p.goVersion
}

/** gops's list: no header, `PID PPID NAME[*] VERSION PATH`, each column padded to its widest value. */
export function formatList(processes: GoProcess[]): string {
  const rows = processes.map((p) => ({ pid: String(p.pid), ppid: String(p.ppid), name: p.name, version: versionLabel(p), p }))
  const width = (key: 'pid' | 'ppid' | 'name' | 'version') => Math.max(0, ...rows.map((r) => r[key].length))
  const [pid, ppid, name, version] = [width('pid'), width('ppid'), width('name'), width('version')]
  return rows
    .map(
      (r) =>
        `${r.pid.padEnd(pid)} ${r.ppid.padEnd(ppid)} ${r.name.padEnd(name)}${r.p.agent ? '*' : ' '} ${r.version.padEnd(version)} ${r.p.path}\n`,
    )
    .join('')
}

interface TreeNode {
  label: string
  agent: boolean
  children: TreeNode[]
}

/**
 * gops's tree, built by its own walk: parents in PPID order, each a branch holding its Go
 * children and, under them, their descendants. Each process is `PID (NAME) {VERSION}`.
 */
export function formatTree(processes: GoProcess[]): string {
  const sorted = [...processes].sort((a, b) => a.ppid - b.ppid || a.pid - b.pid)
  const children = new Map<number, GoProcess[]>()
  for (const p of sorted) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p])
  const seen = new Set<number>()
  const roots: TreeNode[] = []
  const walk = (pid: number, p: GoProcess, into: TreeNode[]): void => {
    if (seen.has(pid)) return
    seen.add(pid)
    const node: TreeNode =
      pid === p.ppid
        ? { label: String(pid), agent: false, children: [] }
        : { label: `${pid} (${p.name}) {${p.runtime === 'node' ? 'node' : (p.goVersion ?? 'unknown')}}`, agent: p.agent, children: [] }
    into.push(node)
    for (const child of children.get(pid) ?? []) walk(child.pid, child, node.children)
  }
  for (const p of sorted) walk(p.ppid, p, roots)
  return '...\n' + renderBranches(roots, 0, new Set())
}

function renderBranches(nodes: TreeNode[], level: number, ended: Set<number>): string {
  return nodes
    .map((node, i) => {
      const last = i === nodes.length - 1
      const endedHere = last ? new Set([...ended, level]) : ended
      let line = ''
      for (let l = 0; l < level; l++) line += endedHere.has(l) ? '    ' : '│   '
      line += `${last ? '└──' : '├──'}${node.agent ? ' [*]  ' : ' '}${node.label}\n`
      return line + renderBranches(node.children, level + 1, endedHere)
    })
    .join('')
}

type NestedProcess = GoProcess & { children: NestedProcess[] }

/** For --json: each process under its nearest listed ancestor's parent entry. */
function nest(processes: GoProcess[]): NestedProcess[] {
  const byPid = new Map<number, NestedProcess>(processes.map((p) => [p.pid, { ...p, children: [] }]))
  const roots: NestedProcess[] = []
  for (const p of byPid.values()) (byPid.get(p.ppid)?.children ?? roots).push(p)
  return roots
}

/** ps's etime format, as gops prints it: [[DD-]hh:]mm:ss. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, ms) / 1000
  const days = Math.floor(total / 86400)
  const hours = Math.floor((total % 86400) / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = Math.round(total % 60)
  const two = (n: number) => String(n).padStart(2, '0')
  let text = ''
  if (days > 0) text += `${two(days)}-`
  if (days > 0 || hours > 0) text += `${two(hours)}:`
  return `${text}${two(minutes)}:${two(seconds)}`
}
