// The line every benchmark run starts with: which machine, Node, commit (and whether the tree had
// uncommitted changes), when, and how loaded the machine was at the start.
import { execFileSync } from 'node:child_process'
import { cpus, loadavg } from 'node:os'

export function machine(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', cwd: __dirname }).trim()
  const commit = git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? ' (with uncommitted changes)' : '')
  const load = loadavg().map((l) => l.toFixed(2)).join(' ')
  return `machine: ${cpus().length} x ${cpus()[0]?.model}, Node ${process.version}, ${process.platform}-${process.arch}; commit ${commit}; ${new Date().toISOString()}; load average ${load}`
}
