// V8's CPU and sampling-heap profiles, converted to gzipped pprof protobufs that `go tool pprof`
// (and anything else reading pprof) understands. V8 already resolved every frame to a function,
// script and line, so the single mapping says so and pprof never tries to symbolise addresses.
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { type FunctionInput, type LocationInput, Profile, type SampleInput, StringTable } from 'pprof-format'
import type { CallFrame } from './inspector-client'

const gzipAsync = promisify(gzip)

/** Profiler.stop's result. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame; children?: number[] }>
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

/** HeapProfiler.getSamplingProfile's result. */
export interface SamplingHeapProfile {
  head: HeapNode
  samples: Array<{ size: number; nodeId: number }>
}

interface HeapNode {
  id: number
  callFrame: CallFrame
  children: HeapNode[]
}

type ValueTypes = Array<[type: string, unit: string]>

class PprofBuilder {
  private readonly strings = new StringTable()
  private readonly functions = new Map<string, FunctionInput>()
  private readonly locations = new Map<string, LocationInput & { id: number }>()
  private readonly samples = new Map<string, SampleInput & { value: number[] }>()

  /** A pprof location for the frame (deduplicated), returning its id. */
  location(frame: CallFrame): number {
    const name = frame.functionName || '(anonymous)'
    const functionKey = `${name}\0${frame.url}`
    let fn = this.functions.get(functionKey)
    if (!fn) {
      fn = { id: this.functions.size + 1, name: this.strings.dedup(name), systemName: this.strings.dedup(name), filename: this.strings.dedup(frame.url) }
      this.functions.set(functionKey, fn)
    }
    const line = frame.lineNumber + 1
    const locationKey = `${functionKey}\0${line}\0${frame.columnNumber}`
    let location = this.locations.get(locationKey)
    if (!location) {
      location = { id: this.locations.size + 1, mappingId: 1, line: [{ functionId: fn.id, line, column: frame.columnNumber + 1 }] }
      this.locations.set(locationKey, location)
    }
    return location.id
  }

  /** Adds `values` to the sample with this stack (leaf first). */
  add(stack: number[], values: number[]): void {
    const key = stack.join(',')
    const sample = this.samples.get(key)
    if (sample) values.forEach((v, i) => (sample.value[i] += v))
    else this.samples.set(key, { locationId: stack, value: [...values] })
  }

  encode(sampleTypes: ValueTypes, period: [type: string, unit: string, value: number], timeNanos: bigint, durationNanos: number): Promise<Buffer> {
    const valueType = ([type, unit]: [string, string]) => ({ type: this.strings.dedup(type), unit: this.strings.dedup(unit) })
    const profile = new Profile({
      sampleType: sampleTypes.map(valueType),
      sample: [...this.samples.values()].map((s) => ({ ...s, value: s.value.map(Math.round) })),
      mapping: [{ id: 1, filename: this.strings.dedup(process.execPath), hasFunctions: true, hasFilenames: true, hasLineNumbers: true }],
      location: [...this.locations.values()],
      function: [...this.functions.values()],
      stringTable: this.strings,
      timeNanos,
      durationNanos: Math.round(durationNanos),
      periodType: valueType([period[0], period[1]]),
      period: period[2],
    })
    return gzipAsync(profile.encode())
  }
}

/** Leaf-first location stacks for every node of a parent-linked tree, memoised. */
function stacksOf(builder: PprofBuilder, parentOf: Map<number, number>, frameOf: Map<number, CallFrame>, rootId: number) {
  const memo = new Map<number, number[]>()
  const stack = (id: number): number[] => {
    if (id === rootId) return []
    let result = memo.get(id)
    if (!result) {
      const parent = parentOf.get(id)
      result = [builder.location(frameOf.get(id)!), ...(parent === undefined ? [] : stack(parent))]
      memo.set(id, result)
    }
    return result
  }
  return stack
}

/** A CPU profile as pprof: `samples`/count and `cpu`/nanoseconds per stack, idle time left out. */
export function cpuProfileToPprof(profile: CpuProfile, wallStartMs: number, intervalMicros: number): Promise<Buffer> {
  const builder = new PprofBuilder()
  const parentOf = new Map<number, number>()
  const frameOf = new Map<number, CallFrame>()
  for (const node of profile.nodes) {
    frameOf.set(node.id, node.callFrame)
    for (const child of node.children ?? []) parentOf.set(child, node.id)
  }
  const root = profile.nodes.find((n) => !parentOf.has(n.id))
  const stack = stacksOf(builder, parentOf, frameOf, root?.id ?? -1)
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  samples.forEach((nodeId, i) => {
    if (frameOf.get(nodeId)?.functionName === '(idle)') return
    builder.add(stack(nodeId), [1, Math.max(0, deltas[i] ?? intervalMicros) * 1000])
  })
  return builder.encode(
    [['samples', 'count'], ['cpu', 'nanoseconds']],
    ['cpu', 'nanoseconds', intervalMicros * 1000],
    BigInt(Math.round(wallStartMs)) * 1_000_000n,
    (profile.endTime - profile.startTime) * 1000,
  )
}

/**
 * A sampling heap profile as pprof: `inuse_objects`/count and `inuse_space`/bytes. Each sample
 * stands for 1/(1-e^(-size/interval)) allocations of its size, V8's own unbiased scaling.
 */
export function heapProfileToPprof(profile: SamplingHeapProfile, intervalBytes: number): Promise<Buffer> {
  const builder = new PprofBuilder()
  const parentOf = new Map<number, number>()
  const frameOf = new Map<number, CallFrame>()
  const walk = [profile.head]
  while (walk.length > 0) {
    const node = walk.pop()!
    frameOf.set(node.id, node.callFrame)
    for (const child of node.children) {
      parentOf.set(child.id, node.id)
      walk.push(child)
    }
  }
  const stack = stacksOf(builder, parentOf, frameOf, profile.head.id)
  for (const { size, nodeId } of profile.samples) {
    const count = 1 / (1 - Math.exp(-size / intervalBytes))
    builder.add(stack(nodeId), [count, count * size])
  }
  return builder.encode([['inuse_objects', 'count'], ['inuse_space', 'bytes']], ['space', 'bytes', intervalBytes], BigInt(Date.now()) * 1_000_000n, 0)
}
