// Promise-shaped access to an inspector session: the worker's session reaches the main thread,
// so every domain used here (Debugger, Profiler, HeapProfiler, NodeTracing) acts on main.
import type { Session } from 'node:inspector'
import { GopsError, isGopsError } from '../errors'
import { runtime } from './runtime'

/**
 * Main answers inspector calls between JavaScript instructions; inside a synchronous native call
 * (sync I/O, a native addon) it answers nothing until the call returns. So every call has a
 * deadline: QUICK for calls main answers at once whenever it runs JavaScript at all (generous,
 * as Debugger.enable reports every script of a big app), DEFAULT for the heavier ones.
 */
export const QUICK_CALL_TIMEOUT_MS = 1000
const DEFAULT_CALL_TIMEOUT_MS = 10_000

export class InspectorClient {
  constructor(private readonly session: Session) {}

  post<T = unknown>(method: string, params?: object, timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new GopsError('AGENT_MAIN_BLOCKED', `the main thread did not answer ${method} within ${timeoutMs}ms`)),
        timeoutMs,
      ).unref()
      this.session.post(method, params, (error, result) => {
        clearTimeout(timer)
        if (error) reject(lacking(error) ? new GopsError('NOT_SUPPORTED', `${runtime.label}'s inspector has no ${method}`, { cause: error }) : error)
        else resolve(result as T)
      })
    })
  }

  /** Subscribes to an inspector event; returns the unsubscribe function. */
  on<T = unknown>(event: string, listener: (params: T) => void): () => void {
    const handler = (message: { params: T }): void => listener(message.params)
    this.session.on(event, handler)
    return () => this.session.removeListener(event, handler)
  }

  disconnect(): void {
    this.session.disconnect()
  }
}

/**
 * The inspector's "method not found" (JSON-RPC -32601, as Bun's answers for the V8 domains it
 * lacks), Bun's "requires an active inspector" and its refusal of tracing from a worker's
 * session: the runtime cannot do this at all, which the agent answers as `not supported` rather
 * than as a failure.
 */
function lacking(error: Error): boolean {
  return /-32601|wasn't found|requires an active inspector|can only be changed through main thread sessions/.test(error.message)
}

/** True for the error `post` rejects with when the runtime's inspector lacks the method. */
export const isNotSupported = (error: unknown): error is GopsError => isGopsError(error) && error.code === 'NOT_SUPPORTED'

/** The main thread's V8 call frame, as Debugger.paused and the profilers describe it. */
export interface CallFrame {
  functionName: string
  scriptId: string
  url: string
  lineNumber: number
  columnNumber: number
}
