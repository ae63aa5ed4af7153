// What the exporter benchmarks share: a metrics server run as a child process (ours or a peer),
// its CPU time and RSS from /proc, and a scrape as Prometheus makes it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/** What Prometheus 2.x sends. */
export const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))

/** user + system CPU seconds of a process so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)
  return Number(line?.[1]) / 1024
}

/** Processes on this host now. */
export function processCount(): number {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length
}

export interface Server {
  pid: number
  url: string
  stop(): void
}

/**
 * Starts a server and waits until it answers at its URL: given by `announce` (a pattern on
 * stderr whose first group is the URL) or fixed (`url`, polled).
 */
export async function startServer(file: string, args: string[], announce: RegExp | { url: string }, env?: NodeJS.ProcessEnv): Promise<Server> {
  const child: ChildProcess = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], env })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-10_000)))
  const ended = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${file} ended (${code}): ${stderr}`))))
  const url = await Promise.race([
    ended,
    (async () => {
      for (let i = 0; i < 300; i++) {
        if (announce instanceof RegExp) {
          const match = stderr.match(announce)
          if (match) return match[1]
        } else if (await fetch(announce.url).then((r) => r.ok, () => false)) return announce.url
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      throw new Error(`${file} did not serve within 30 s: ${stderr}`)
    })(),
  ])
  ended.catch(() => undefined)
  return { pid: child.pid!, url, stop: () => child.kill('SIGKILL') }
}

export async function scrape(url: string, accept = 'text/plain;version=0.0.4'): Promise<{ ms: number; bytes: number; page: string }> {
  const start = performance.now()
  const page = await (await fetch(url, { headers: { accept } })).text()
  return { ms: performance.now() - start, bytes: Buffer.byteLength(page), page }
}
