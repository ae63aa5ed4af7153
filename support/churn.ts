// Process churn for the scans-under-churn test and bench/abuse.ts: a separate Node process starts
// short-lived Go programs and reaps them continuously, so scans meet processes appearing and
// vanishing mid-read (as on a busy host) without the scanning process spending its own time on it.
import { spawn } from 'node:child_process'
import { setTimeout as delay } from 'node:timers/promises'
import { discover, Scanner } from '../index'

const CHURNER = `
const { spawn } = require('node:child_process')
const [binary, concurrent] = process.argv.slice(1)
let running = true
let started = 0
process.stdin.on('end', () => (running = false)).resume()
const slot = async () => {
  while (running) {
    const child = spawn(binary, [], { stdio: 'ignore' })
    started++
    await new Promise((resolve) => child.once('exit', resolve).once('error', resolve))
  }
}
Promise.all(Array.from({ length: Number(concurrent) }, slot)).then(() => process.stdout.write(String(started)))
`

export interface Churn {
  /** Stops starting processes, waits for the last ones, and returns how many were started. */
  stop(): Promise<number>
}

/** Keeps `concurrent` copies of `binary` (a program that exits at once) starting and exiting. */
export function startChurn(binary: string, concurrent = 4): Churn {
  const churner = spawn(process.execPath, ['-e', CHURNER, binary, String(concurrent)], { stdio: ['pipe', 'pipe', 'inherit'] })
  let output = ''
  churner.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const exited = new Promise<void>((resolve) => churner.once('close', () => resolve()))
  return {
    async stop() {
      churner.stdin!.end()
      await exited
      return Number(output)
    },
  }
}

export interface ChurnRun {
  scans: number
  /** One line per scan that threw or lost the steady process. */
  errors: string[]
  durationsMs: number[]
  /** Processes the churn started meanwhile. */
  started: number
}

/**
 * `scans` scans (a warm Scanner's scan and scanSync, and cold discover() in turn) while `binary`
 * churns; each must list `steadyPid`, a Go process running throughout.
 */
export async function scanUnderChurn(scans: number, binary: string, steadyPid: number, configDir?: string): Promise<ChurnRun> {
  const churn = startChurn(binary)
  const scanner = new Scanner({ configDir })
  const kinds = [() => scanner.scan().then((r) => r.processes), async () => scanner.scanSync().processes, () => discover({ configDir })]
  const run: ChurnRun = { scans: 0, errors: [], durationsMs: [], started: 0 }
  try {
    await delay(100) // the churn is under way
    for (let i = 0; i < scans; i++) {
      const started = performance.now()
      try {
        const processes = await kinds[i % kinds.length]()
        run.durationsMs.push(performance.now() - started)
        if (!processes.some((p) => p.pid === steadyPid)) run.errors.push(`scan ${i}: process ${steadyPid} missing`)
      } catch (error) {
        run.errors.push(`scan ${i}: ${(error as NodeJS.ErrnoException).code}: ${(error as Error).message}`)
      }
      run.scans++
      await delay(5)
    }
  } finally {
    run.started = await churn.stop()
  }
  return run
}
