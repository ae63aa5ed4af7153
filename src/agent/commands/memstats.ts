// 0x03: main's memory and GC figures as `key: value` lines. When main is blocked it cannot read
// its own V8 statistics, so the reply falls back to what the inspector and the process can tell.
import { formatGoDuration } from '../../client/go-values'
import { formatBytes, keyValueLines } from '../format'
import { QUICK_CALL_TIMEOUT_MS } from '../inspector-client'
import type { MainSnapshot } from '../main-probe'
import type { CommandSpec } from './command'

export const memstats: CommandSpec = {
  name: 'memstats',
  async run(ctx) {
    const answer = await ctx.askMain()
    if (answer) return keyValueLines(snapshotLines(answer.snapshot))
    const lines: Array<[string, string]> = [['main-thread', `blocked (no answer within ${ctx.options.mainThreadTimeoutMs}ms)`]]
    // Answered between JavaScript instructions; inside a native call main gives no heap figures at all.
    const usage = await ctx.inspector?.post<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage', undefined, QUICK_CALL_TIMEOUT_MS).catch(() => null)
    if (usage) lines.push(['heap-used', formatBytes(usage.usedSize)], ['heap-total', formatBytes(usage.totalSize)])
    lines.push(['rss', formatBytes(process.memoryUsage.rss())])
    return keyValueLines(lines)
  },
}

function snapshotLines({ memory, heap, spaces, code, gc }: MainSnapshot): Array<[string, string | number]> {
  return [
    ['heap-used', formatBytes(heap.used_heap_size)],
    ['heap-total', formatBytes(heap.total_heap_size)],
    ['heap-physical', formatBytes(heap.total_physical_size)],
    ['heap-available', formatBytes(heap.total_available_size)],
    ['heap-limit', formatBytes(heap.heap_size_limit)],
    ['malloced-memory', formatBytes(heap.malloced_memory)],
    ['peak-malloced-memory', formatBytes(heap.peak_malloced_memory)],
    ['external', formatBytes(memory.external)],
    ['array-buffers', formatBytes(memory.arrayBuffers)],
    ['rss', formatBytes(memory.rss)],
    ['code-and-metadata', formatBytes(code.code_and_metadata_size)],
    ['bytecode-and-metadata', formatBytes(code.bytecode_and_metadata_size)],
    ['external-script-source', formatBytes(code.external_script_source_size)],
    ['native-contexts', heap.number_of_native_contexts],
    ['detached-contexts', heap.number_of_detached_contexts],
    ...spaces.map((s): [string, string] => [
      `space-${s.space_name.replace(/_space$/, '').replace(/_/g, '-')}`,
      `${formatBytes(s.space_used_size)} in use of ${formatBytes(s.space_size)}`,
    ]),
    ['num-gc', gc.count],
    ['num-major-gc', gc.major],
    ['num-minor-gc', gc.minor],
    ['num-forced-gc', gc.forced],
    ['gc-pause-total', formatGoDuration(gc.pauseTotalMs)],
    ['gc-pause', formatGoDuration(gc.lastPauseMs)],
    ['last-gc', gc.lastEndMs ? new Date(gc.lastEndMs).toISOString() : 'never'],
  ]
}
