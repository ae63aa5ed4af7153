// The TCP side of the agent, byte-compatible with Go's: read one command byte (setgc: plus a
// varint), reply, close. Unlike Go's it serves clients concurrently, puts a deadline on reads,
// keeps answering real clients under floods of silent or junk connections (admission.ts), and
// runs one profile or trace at a time.
import { once } from 'node:events'
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { commandOfName } from '../protocol/commands'
import { decodeVarint, MAX_VARINT_LEN } from '../protocol/constants'
import { Refusal, refusalReply } from '../protocol/refusals'
import { Admission, MAX_IN_PROGRESS } from './admission'
import type { CommandContext, CommandSpec, Reply } from './commands/command'
import { commandTable } from './commands/index'
import { isNotSupported } from './inspector-client'
import { peerUid } from './peer-uid'
import { warn } from './warn'

export interface RunningServer {
  address: AddressInfo
  close(): Promise<void>
}

/**
 * Connections the kernel may queue before the agent accepts them (capped by somaxconn, 4096 by
 * default on Linux, as Go's listeners ask for): under a flood a real client then waits its turn in
 * the queue, which the agent drains fast, instead of having its SYN dropped and retried a second
 * or more later. Node's default is 511.
 */
const LISTEN_BACKLOG = 4096

interface Request {
  spec: CommandSpec
  argument: number | null
}

/** Starts listening with `base` (the context minus its closing signal, which the server owns). */
export async function startServer(base: Omit<CommandContext, 'closing'>, keepsProcessAlive: boolean): Promise<RunningServer> {
  const closeController = new AbortController()
  const ctx: CommandContext = { ...base, closing: closeController.signal }
  const commands = commandTable(ctx.options.disable)
  // Disabled commands are still read in full (setgc's varint too) so that their refusal is not lost to a reset.
  const known = commandTable([])
  const started: CommandSpec[] = []
  /** Commands whose start found the runtime lacking (Bun's inspector has no sampling heap profiler): refused when asked. */
  const unsupported = new Map<CommandSpec, string>()
  for (const spec of commands.values()) {
    if (!spec.start) continue
    // e.g. another inspector client already runs the sampling heap profiler: the agent still
    // serves, and the command reports the failure when asked.
    try {
      await spec.start(ctx)
      started.push(spec)
    } catch (error) {
      if (isNotSupported(error)) unsupported.set(spec, error.message)
      else warn(`${spec.name} will not work: ${(error as Error).message}`)
    }
  }
  const inFlight = new Set<Promise<void>>()
  const admission = new Admission()
  let exclusiveBusy = false

  const serve = async (socket: Socket): Promise<void> => {
    socket.on('error', () => {}) // a client vanishing mid-reply is its own business
    admission.admit(socket)
    const request = await readAllowedRequest(socket, known, ctx)
    if (!request) {
      admission.rejected(socket)
      return void socket.destroy()
    }
    if (!commands.has(commandOfName(request.spec.name).byte)) {
      admission.rejected(socket)
      return refuse(socket, refusalReply(Refusal.Disabled, `${request.spec.name} is switched off in this agent (its disable option)`))
    }
    if (!admission.requestComplete(socket)) {
      return refuse(socket, refusalReply(Refusal.Busy, `${MAX_IN_PROGRESS} requests are being answered; try again shortly`))
    }
    try {
      await answer(socket, request)
    } finally {
      admission.finished()
    }
  }

  const answer = async (socket: Socket, { spec, argument }: Request): Promise<void> => {
    const lacking = unsupported.get(spec)
    if (lacking) return reply(socket, refusalReply(Refusal.NotSupported, `${spec.name}: ${lacking}.`), ctx)
    if (spec.exclusive && exclusiveBusy) return reply(socket, refusalReply(Refusal.Busy, 'another profile or trace is running; try again when it ends'), ctx)
    if (spec.exclusive) exclusiveBusy = true
    try {
      await reply(socket, await spec.run(ctx, argument), ctx)
    } catch (error) {
      if (isNotSupported(error)) return await reply(socket, refusalReply(Refusal.NotSupported, `${spec.name}: ${error.message}.`), ctx)
      if (!ctx.closing.aborted) await reply(socket, `gops agent: ${spec.name} failed: ${(error as Error).message}\n`, ctx)
      socket.destroy()
    } finally {
      if (spec.exclusive) exclusiveBusy = false
    }
  }

  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    const done = serve(socket).finally(() => inFlight.delete(done))
    inFlight.add(done)
  })
  server.listen({ port: ctx.options.port, host: ctx.options.host, backlog: LISTEN_BACKLOG })
  await once(server, 'listening')
  if (!keepsProcessAlive) server.unref()

  return {
    address: server.address() as AddressInfo,
    async close() {
      closeController.abort()
      const closed = once(server, 'close')
      server.close()
      admission.dropWaiting()
      await Promise.allSettled(inFlight)
      await closed
      for (const spec of started) await spec.stop!(ctx).catch(() => undefined)
    },
  }
}

/** The request, or null when the peer is of another user (with sameUserOnly) or sent none. */
async function readAllowedRequest(socket: Socket, commands: Map<number, CommandSpec>, ctx: CommandContext): Promise<Request | null> {
  if (ctx.options.sameUserOnly && !(await fromSameUser(socket))) return null
  return readRequest(socket, commands, ctx.options.readTimeoutMs)
}

/**
 * The command byte, and setgc's varint, under one deadline for the whole request (not per byte,
 * so trickling bytes cannot hold a connection longer); null for anything else. At most the
 * request's 11 bytes are kept, whatever the client sends.
 */
function readRequest(socket: Socket, commands: Map<number, CommandSpec>, timeoutMs: number): Promise<Request | null> {
  return new Promise((resolve) => {
    const received = Buffer.alloc(1 + MAX_VARINT_LEN)
    let length = 0
    const finish = (request: Request | null): void => {
      clearTimeout(deadline)
      socket.off('data', onData).off('end', onEnd).off('close', onEnd)
      socket.pause() // whatever else the client sends is ignored, as Go's agent does
      resolve(request)
    }
    const onEnd = (): void => finish(null)
    const onData = (chunk: Buffer): void => {
      length += chunk.copy(received, length)
      const spec = commands.get(received[0])
      if (!spec) return finish(null)
      if (!spec.takesVarint) return finish({ spec, argument: null })
      const argument = decodeVarint(received.subarray(1, length))
      if (argument !== null) finish({ spec, argument })
      else if (length === received.length) finish(null)
    }
    socket.on('data', onData).once('end', onEnd).once('close', onEnd)
    const deadline = setTimeout(onEnd, timeoutMs)
  })
}

/** Writes the reply and closes; a client that stops reading is dropped after the read deadline. */
async function reply(socket: Socket, body: Reply, ctx: CommandContext): Promise<void> {
  socket.setTimeout(ctx.options.readTimeoutMs, () => socket.destroy())
  if (body instanceof Readable) {
    await pipeline(body, socket).catch(() => socket.destroy())
    return
  }
  socket.end(body)
  await once(socket, 'close').catch(() => undefined)
}

/** A one-line refusal outside the cap on requests: written, then the connection is closed at once. */
function refuse(socket: Socket, text: string): void {
  socket.end(text, () => socket.destroy())
}

async function fromSameUser(socket: Socket): Promise<boolean> {
  const uid = await peerUid(
    { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
    { address: socket.localAddress ?? '', port: socket.localPort ?? 0 },
  ).catch((error: Error) => {
    warn(`cannot tell which user connected (${error.message}); refusing the connection`)
    return null
  })
  return uid !== null && (uid === 0 || uid === process.getuid?.())
}
