// Idle processes for the benchmarks that need a busy process table: Go from 20 distinct
// binaries (round-robin) plus `sleep`, all killed at the end.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { buildGo } from '../support/go'

export class IdleProcesses {
  readonly #children: ChildProcess[] = []
  readonly #binaries = Array.from({ length: 20 }, (_, i) =>
    buildGo({ program: 'hello', name: `hello-bench-${i}`, flags: [`-ldflags=-X main.benchVariant=${i}`] }),
  )
  #go = 0
  #other = 0

  /** Brings the idle processes up to `go` Go processes and `other` sleeps. */
  async populate(go: number, other: number): Promise<void> {
    for (; this.#go < go; this.#go++) await this.start(this.#binaries[this.#go % this.#binaries.length], ['3600'])
    for (; this.#other < other; this.#other++) await this.start('sleep', ['3600'])
  }

  async start(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<ChildProcess> {
    const child = spawn(file, args, { stdio: 'ignore', env })
    this.#children.push(child)
    await once(child, 'spawn')
    return child
  }

  stopAll(): void {
    for (const child of this.#children) child.kill('SIGKILL')
  }
}
