// gops's list and tree output, byte for byte, plus --json.
import { Scanner, type GoProcess } from '../../discover'
import { printJson, writeStdout } from '../output'

/** Scans once; processes we failed to read (not denied, not gone) make the exit code 1. */
async function scanProcesses(): Promise<GoProcess[]> {
  // On the JS thread: the CLI has nothing else to do, and libuv's thread pool would cost its start-up.
  const { processes, stats } = new Scanner().scanSync()
  if (stats.unreadable > 0) {
    process.stderr.write(
      `gops-native: ${stats.unreadable} process(es) could not be read (out of file descriptors or memory?), ` +
        'so this list may be incomplete: raise the open-file limit (ulimit -n) and run it again\n',
    )
    process.exitCode = 1
  }
  return processes
}

export async function list(options: { json?: boolean }): Promise<void> {
  const processes = await scanProcesses()
  if (options.json) return printJson(processes)
  writeStdout(formatList(processes))
}

export async function tree(options: { json?: boolean }): Promise<void> {
  const processes = await scanProcesses()
  if (options.json) return printJson(nest(processes))
  // gops prints the tree with Println, after its own trailing newline.
  writeStdout(formatTree(processes) + '\n')
}

/** Go's version; `node` for Node processes, `unknown` for Go binaries that kept no trace of it. */
function versionOf(p: GoProcess): string {
  return p.runtime === 'node' ? 'node' : (p.goVersion ?? 'unknown')
}

/** The list's VERSION column: devel versions are shortened, as gops does (its tree does not). */
function shortVersionOf(p: GoProcess): string {
  const version = versionOf(p)
  return version.startsWith('devel') ? (version.match(/devel\s+\+\w+/)?.[0] ?? version) : version
}

/** gops's list: no header, `PID PPID NAME[*] VERSION PATH`, each column padded to its widest value. */
export function formatList(processes: GoProcess[]): string {
  const rows = processes.map((p) => ({ pid: String(p.pid), ppid: String(p.ppid), name: p.name, version: shortVersionOf(p), p }))
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
        : { label: `${pid} (${p.name}) {${versionOf(p)}}`, agent: p.agent, children: [] }
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
