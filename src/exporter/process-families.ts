// The families with a series per process (gops_process_info, gops_process_start_time_seconds,
// and with agent figures gops_agent_*): defined once here, filled into prom-client gauges for a
// caller's registry (./collector), and written as text for the exporter's own page.
//
// Why the page's text is written here and not by prom-client: prom-client formats every series
// of a family at each read, and a gauge is refilled whole; at 10,000 processes (3,000 Go) one new
// process cost ~95 ms of rewriting before it reached /metrics. Here each process's lines are kept
// with the (frozen) GoProcess they were made from, so a change writes only the new processes'
// lines. The format is prom-client's for a gauge, byte for byte (a test compares both renderings
// of one snapshot), which is the same in Prometheus text and OpenMetrics.
import type { Gauge } from 'prom-client'
import type { GoProcess } from '../discover'
import type { AgentFigures } from './agent-figures'
import type { Snapshot } from './sampler'

type Labels = Record<string, string>

/** A family with a series per process. */
export interface ProcessFamily {
  name: string
  help: string
  labelNames: readonly string[]
  /** The part of the snapshot it is made from: while that is the same object, so is the family. */
  source(snapshot: Snapshot): unknown
  /** Its series, in order; a series made from a GoProcess names it in `of` (its line is then kept). */
  series(snapshot: Snapshot, add: (of: GoProcess | null, labels: () => Labels, value: number) => void): void
}

const INFO_LABELS = ['pid', 'ppid', 'name', 'path', 'go_version', 'main_path', 'runtime', 'agent'] as const

const AGENT_GAUGES: Array<[name: string, help: string, figure: keyof AgentFigures]> = [
  ['gops_agent_goroutines', 'Goroutines, from the gops agent (Go only).', 'goroutines'],
  ['gops_agent_os_threads', 'OS threads, from the gops agent.', 'osThreads'],
  ['gops_agent_heap_alloc_bytes', "Heap bytes allocated and in use (Go's HeapAlloc, V8's used heap).", 'heapAllocBytes'],
  ['gops_agent_heap_sys_bytes', "Heap bytes obtained from the OS (Go's HeapSys, V8's total heap).", 'heapSysBytes'],
  ['gops_agent_gc_cycles', 'Garbage collections since the process started.', 'gcCycles'],
  ['gops_agent_gc_pause_seconds', 'Total garbage-collection pause since the process started.', 'gcPauseSeconds'],
]

const processes = (s: Snapshot) => s.processes
const agents = (s: Snapshot) => s.agents
const byPid = (pid: number) => () => ({ pid: String(pid) })

/** The families of every page; the agent ones only when agents are read. */
export function processFamilies(withAgents: boolean): ProcessFamily[] {
  const families: ProcessFamily[] = [
    {
      name: 'gops_process_info',
      help: 'A Go process (or Node process running a gops-native agent) on this host; always 1.',
      labelNames: INFO_LABELS,
      source: processes,
      series: (s, add) => {
        for (const p of s.processes) add(p, () => infoLabels(p), 1)
      },
    },
    {
      name: 'gops_process_start_time_seconds',
      help: 'When the process started, in seconds since the Unix epoch.',
      labelNames: ['pid'],
      source: processes,
      series: (s, add) => {
        for (const p of s.processes) add(p, byPid(p.pid), p.startedMs / 1000)
      },
    },
  ]
  if (!withAgents) return families
  families.push({
    name: 'gops_agent_up',
    help: "1 when the process's gops agent answered in time at the last refresh, else 0.",
    labelNames: ['pid'],
    source: agents,
    series: (s, add) => {
      for (const pid of s.agentPids) add(null, byPid(pid), s.agents.has(pid) ? 1 : 0)
    },
  })
  for (const [name, help, figure] of AGENT_GAUGES) {
    families.push({
      name,
      help,
      labelNames: ['pid'],
      source: agents,
      series: (s, add) => {
        for (const [pid, figures] of s.agents) if (figures[figure] !== undefined) add(null, byPid(pid), figures[figure])
      },
    })
  }
  return families
}

/** Sets `gauge` to the family's series of `snapshot` (after clearing it). */
export function fillGauge(gauge: Gauge<string>, family: ProcessFamily, snapshot: Snapshot): void {
  gauge.reset()
  family.series(snapshot, (_, labels, value) => gauge.set(labels(), value))
}

/** Writes families as text, keeping each process's line until its GoProcess is replaced. */
export class FamilyWriter {
  readonly #family: ProcessFamily
  readonly #head: string
  readonly #lines = new WeakMap<GoProcess, string>()

  constructor(family: ProcessFamily) {
    this.#family = family
    this.#head = `# HELP ${family.name} ${escape(family.help)}\n# TYPE ${family.name} gauge\n`
  }

  /** Appends the family's text to `parts` (joined once by the caller: a string grown line by line is slow to encode). */
  write(snapshot: Snapshot, parts: string[]): void {
    const name = this.#family.name
    const lines = this.#lines
    parts.push(this.#head)
    this.#family.series(snapshot, (of, labels, value) => {
      let line = of ? lines.get(of) : undefined
      if (line === undefined) {
        line = `${name}{${formatLabels(labels())}} ${formatValue(value)}\n`
        if (of) lines.set(of, line)
      }
      parts.push(line)
    })
  }
}

function infoLabels(p: GoProcess): Record<(typeof INFO_LABELS)[number], string> {
  return {
    pid: String(p.pid),
    ppid: String(p.ppid),
    name: p.name,
    path: p.path,
    go_version: p.runtime === 'node' ? '' : (p.goVersion ?? 'unknown'),
    main_path: p.buildInfo?.main?.path ?? '',
    runtime: p.runtime,
    agent: String(p.agent),
  }
}

function formatLabels(labels: Labels): string {
  let text = ''
  for (const name in labels) text += `${text ? ',' : ''}${name}="${escape(labels[name]).replace(/"/g, '\\"')}"`
  return text
}

/** The escapes of the text formats' HELP lines and label values (a label value also escapes `"`). */
function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'Nan'
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf'
  return `${value}`
}
