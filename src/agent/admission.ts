// Which connections the agent keeps when many are open at once. A real gops client sends its
// whole request as soon as it connects, so under a flood the connections still waiting for a
// request are the ones to give way: when too many wait, the one that has waited longest is
// dropped for the newcomer. The number of requests being answered is capped separately, so a
// flood of silent or slow connections can never shut a real client out, and neither kind can
// grow the agent's memory or file descriptors without bound.
import type { Socket } from 'node:net'

/** Connections accepted whose request is not complete yet (each holds at most 11 bytes). */
export const MAX_WAITING = 64

/** Requests being answered at once; more would only queue work on the main thread. */
export const MAX_IN_PROGRESS = 32

export class Admission {
  /** In accept order (a Set iterates in insertion order), so the first is the longest waiting. */
  private readonly waiting = new Set<Socket>()
  private inProgress = 0

  /** Takes a new connection; when too many wait, the longest-waiting one is dropped for it. */
  admit(socket: Socket): void {
    if (this.waiting.size >= MAX_WAITING) {
      const oldest = this.waiting.values().next().value as Socket
      this.waiting.delete(oldest)
      oldest.destroy()
    }
    this.waiting.add(socket)
    socket.once('close', () => this.waiting.delete(socket))
  }

  /** The connection sent a complete request: true if it may be answered now (call `finished` after). */
  requestComplete(socket: Socket): boolean {
    this.waiting.delete(socket)
    if (this.inProgress >= MAX_IN_PROGRESS) return false
    this.inProgress++
    return true
  }

  /** The connection sent no valid request in time (or junk): it no longer waits. */
  rejected(socket: Socket): void {
    this.waiting.delete(socket)
  }

  finished(): void {
    this.inProgress--
  }

  /** Closing: connections still waiting for their request are not worth waiting for. */
  dropWaiting(): void {
    for (const socket of this.waiting) socket.destroy()
    this.waiting.clear()
  }
}
