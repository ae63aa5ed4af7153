// Promise-shaped access to an inspector session: the worker's session reaches the main thread,
// so every domain used here (Debugger, Profiler, HeapProfiler, NodeTracing) acts on main.
import type { Session } from 'node:inspector'

export class InspectorClient {
  constructor(private readonly session: Session) {}

  post<T = unknown>(method: string, params?: object): Promise<T> {
    return new Promise((resolve, reject) => {
      this.session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T)))
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

/** The main thread's V8 call frame, as Debugger.paused and the profilers describe it. */
export interface CallFrame {
  functionName: string
  scriptId: string
  url: string
  lineNumber: number
  columnNumber: number
}
