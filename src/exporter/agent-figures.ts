// The runtime figures the exporter reports for each process running a gops agent, read through
// the client: Go's stats and memstats replies, or the Node agent's `key: value` equivalents. The
// agent is dialled at the port the scan read from its port file: nothing is resolved again.
import { memStats, stats, type ClientOptions, type MemStats, type RuntimeStats } from '../client/commands'
import { parseGoBytes, parseGoDuration } from '../client/go-values'
import type { NodeReply } from '../client/node-agent'
import type { GoProcess } from '../discover'
import { GopsError, isGopsError } from '../errors'

/** What one agent told; a figure its runtime does not have (a Node process's goroutines) is absent. */
export interface AgentFigures {
  goroutines?: number
  osThreads?: number
  heapAllocBytes?: number
  heapSysBytes?: number
  gcCycles?: number
  gcPauseSeconds?: number
}

export interface AgentReadOptions {
  /** Every read must end by this time (ms since the epoch); reads not started by then are not started. */
  deadline: number
  /** How many agents are asked at once. */
  concurrency: number
  /** Abandons every read (the exporter is stopping). */
  signal?: AbortSignal
}

export interface AgentReadResults {
  figures: Map<number, AgentFigures>
  /** Failed reads by error code (TIMEOUT, AGENT_GONE, CONNECTION_REFUSED, ...). */
  failures: Map<string, number>
}

/** Asks each process's agent, at most `concurrency` at a time, all within one deadline. */
export async function readAgents(processes: GoProcess[], options: AgentReadOptions): Promise<AgentReadResults> {
  const results: AgentReadResults = { figures: new Map(), failures: new Map() }
  const queue = [...processes]
  const worker = async (): Promise<void> => {
    for (let process = queue.shift(); process !== undefined; process = queue.shift()) {
      try {
        results.figures.set(process.pid, await readAgent(process, options))
      } catch (error) {
        const code = isGopsError(error) ? error.code : 'INTERNAL_ERROR'
        results.failures.set(code, (results.failures.get(code) ?? 0) + 1)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency, processes.length) }, worker))
  return results
}

/** A Go agent serves one connection at a time, so its two replies are asked for one after the other. */
async function readAgent({ pid, agentPort, portFile }: GoProcess, options: AgentReadOptions): Promise<AgentFigures> {
  const client = (): ClientOptions => {
    const left = Math.floor(options.deadline - Date.now())
    if (left <= 0) throw new GopsError('TIMEOUT', `no time left before the deadline to ask the agent of process ${pid}`)
    return { signal: options.signal, timeoutMs: left, connectTimeoutMs: left }
  }
  if (agentPort === null) throw new GopsError('BAD_PORT_FILE', `port file ${portFile ?? '?'} of process ${pid} does not hold a TCP port`)
  // gops agents listen on loopback; a port file names no host.
  const target = { host: '127.0.0.1', port: agentPort }
  const runtime = await stats(target, client())
  const memory = await memStats(target, client())
  return { ...runtimeFigures(runtime), ...memoryFigures(memory) }
}

function runtimeFigures(reply: RuntimeStats | NodeReply): AgentFigures {
  if (reply.runtime === 'go') return { goroutines: reply.goroutines, osThreads: reply.osThreads }
  return definedOnly({ osThreads: count(reply.fields['OS threads']) })
}

/** From a Node agent, V8's used and total heap, its GC count and total pause. */
function memoryFigures(reply: MemStats | NodeReply): AgentFigures {
  if (reply.runtime === 'go') {
    return {
      heapAllocBytes: reply.heapAlloc,
      heapSysBytes: reply.heapSys,
      gcCycles: reply.numGC,
      gcPauseSeconds: reply.gcPauseTotalNs / 1e9,
    }
  }
  const { fields } = reply
  const pauseNs = fields['gc-pause-total'] === undefined ? null : parseGoDuration(fields['gc-pause-total'])
  return definedOnly({
    heapAllocBytes: bytes(fields['heap-used']),
    heapSysBytes: bytes(fields['heap-total']),
    gcCycles: count(fields['num-gc']),
    gcPauseSeconds: pauseNs === null ? undefined : pauseNs / 1e9,
  })
}

/** The Node agent leaves out what it could not read (main blocked): so do its figures. */
function definedOnly(figures: { [K in keyof AgentFigures]: number | undefined }): AgentFigures {
  return Object.fromEntries(Object.entries(figures).filter(([, value]) => typeof value === 'number' && Number.isFinite(value)))
}

function count(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined
}

function bytes(text: string | undefined): number | undefined {
  return (text === undefined ? null : parseGoBytes(text)) ?? undefined
}
