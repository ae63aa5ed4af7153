// Real TCP peers on loopback that stand in for agents, misbehaving as a test needs: one never
// replies, one trickles its reply a byte at a time and never finishes. For the client tests and
// bench/abuse.ts.
import { createServer, type Socket } from 'node:net'

export interface Peer {
  address: string
  /** How many connections it accepted so far. */
  connections(): number
  close(): void
}

/** A listener on 127.0.0.1 that does `behave` with each connection. */
export async function peer(behave: (socket: Socket) => void): Promise<Peer> {
  const sockets = new Set<Socket>()
  let accepted = 0
  const server = createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('error', () => {}).once('close', () => sockets.delete(socket))
    behave(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    address: `127.0.0.1:${port}`,
    connections: () => accepted,
    close() {
      server.close()
      for (const socket of sockets) socket.destroy()
    },
  }
}

/** Accepts, reads the request, and never replies. */
export const silentPeer = (): Promise<Peer> => peer(() => {})

/** Replies one byte every `intervalMs` (a valid-looking memstats line, over and over), never closing. */
export const tricklingPeer = (intervalMs: number): Promise<Peer> =>
  peer((socket) => {
    const text = Buffer.from('alloc: 1 bytes\n')
    let sent = 0
    const timer = setInterval(() => socket.write(text.subarray(sent % text.length, (sent++ % text.length) + 1)), intervalMs)
    socket.once('close', () => clearInterval(timer))
  })
