// Runs the real Prometheus on loopback for the exporter tests: a free port, its own temporary
// storage, a 1 s scrape interval, killed when the tests end. Series are read back through its
// HTTP query API. The binaries come from PATH when there, else they are built from Prometheus's
// own module (see prometheusTools), so a fresh clone needs nothing installed by hand.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { goInstallAll } from '../../support/go'

/** Prometheus 3.16.0, as its Go module numbers it (v0.3<minor>.<patch> for 3.<minor>.<patch>). */
export const PROMETHEUS_MODULE_VERSION = 'v0.316.0'
const PROMETHEUS_VERSION = '3.16.0'

/**
 * `remove_all_sd` is Prometheus's own build tag (plugins/plugin_*.go) leaving out every service
 * discovery but the built-in static and file ones, which is all a test's static_configs needs:
 * a smaller build than the release's, of the same server, scrape loop, TSDB and query API.
 * Without debug information, as the release binaries are. (The release also embeds the web UI's
 * assets, tag builtinassets, built with npm: the tests use the HTTP API only.)
 */
const BUILD_TAGS = ['remove_all_sd']

function onPath(command: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' })
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null
}

let built: Record<string, string> | undefined

/**
 * `prometheus` and `promtool` built once from the Go module proxy into .cache/bin (one
 * `go install` for both, so their shared packages compile once: about 9 CPU-minutes, so some 5
 * minutes on two idle cores, and 25 measured on two cores shared at load 20-30). Every test
 * process waits for the one that builds; `npm test` starts it first (prefetch.ts).
 */
export function prometheusTools(): { prometheus: string; promtool: string } {
  built ??= goInstallAll(['github.com/prometheus/prometheus/cmd/prometheus', 'github.com/prometheus/prometheus/cmd/promtool'], PROMETHEUS_MODULE_VERSION, {
    dir: `prometheus@${PROMETHEUS_MODULE_VERSION}+${BUILD_TAGS.join('+')}`,
    tags: BUILD_TAGS,
    // Stamped as the release is (go install leaves the version empty), for its logs and build_info.
    ldflags: `-s -w -X github.com/prometheus/common/version.Version=${PROMETHEUS_VERSION}`,
  })
  return { prometheus: built.prometheus, promtool: built.promtool }
}

/** The real `prometheus`: the one on PATH, else the cached build. */
export function prometheusPath(): string {
  return onPath('prometheus') ?? prometheusTools().prometheus
}

/** The real `promtool` (e.g. `promtool check metrics`): the one on PATH, else the cached build. */
export function promtoolPath(): string {
  return onPath('promtool') ?? prometheusTools().promtool
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface Sample {
  metric: Record<string, string>
  value: number
}

export class Prometheus {
  readonly #child: ChildProcess
  readonly #dir: string
  readonly base: string
  #log = ''

  private constructor(child: ChildProcess, dir: string, base: string) {
    this.#child = child
    this.#dir = dir
    this.base = base
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.#log = (this.#log + chunk).slice(-20_000)))
  }

  /** Starts prometheus scraping each target (host:port) as job `gops` every second. */
  static async start(binary: string, targets: string[]): Promise<Prometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'gops-prometheus-'))
    const config = join(dir, 'prometheus.yml')
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: gops',
        '    static_configs:',
        `      - targets: [${targets.map((target) => `'${target}'`).join(', ')}]`,
        '',
      ].join('\n'),
    )
    const port = await freePort()
    const child = spawn(
      binary,
      [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    process.on('exit', () => child.kill('SIGKILL'))
    const prometheus = new Prometheus(child, dir, `http://127.0.0.1:${port}`)
    await prometheus.#waitReady()
    return prometheus
  }

  async #waitReady(): Promise<void> {
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      if (this.#child.exitCode !== null) throw new Error(`prometheus exited (${this.#child.exitCode}): ${this.#log}`)
      const ready = await fetch(`${this.base}/-/ready`).then((r) => r.ok, () => false)
      if (ready) return
      await sleep(200)
    }
    throw new Error(`prometheus was not ready within 30 s: ${this.#log}`)
  }

  /** An instant query through /api/v1/query. */
  async query(promql: string): Promise<Sample[]> {
    const { result } = (await this.api('query', { query: promql })) as { result: Array<{ metric: Record<string, string>; value: [number, string] }> }
    return result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }))
  }

  /** GET /api/v1/<path>; resolves `data`. */
  async api(path: string, params: Record<string, string> = {}): Promise<unknown> {
    const response = await fetch(`${this.base}/api/v1/${path}?${new URLSearchParams(params)}`)
    const body = (await response.json()) as { status: string; data: unknown; error?: string }
    if (body.status !== 'success') throw new Error(`prometheus ${path} failed: ${body.error}`)
    return body.data
  }

  /** Queries until `accept` holds for the result, for up to `timeoutMs`; resolves that result. */
  async waitFor(promql: string, accept: (samples: Sample[]) => boolean, timeoutMs = 30_000): Promise<Sample[]> {
    const deadline = Date.now() + timeoutMs
    let last: Sample[] = []
    while (Date.now() < deadline) {
      last = await this.query(promql)
      if (accept(last)) return last
      await sleep(250)
    }
    throw new Error(`${promql} did not reach the expected result within ${timeoutMs} ms; last: ${JSON.stringify(last)}`)
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = once(this.#child, 'exit')
      this.#child.kill('SIGKILL')
      await exited
    }
    rmSync(this.#dir, { recursive: true, force: true })
  }
}
