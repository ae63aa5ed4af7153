// One gops exchange over TCP: connect, write the request in one write, read until the agent
// closes. Unlike gops, every step has a deadline and the reply has a size limit.
import { connect } from 'node:net'
import { GopsError } from '../errors'
import { describeAddress, type AgentAddress } from './target'

export interface ExchangeOptions {
  /** Give up connecting after this many ms. */
  connectTimeoutMs?: number
  /** Give up on the whole exchange (connect, agent's work, reply) after this many ms. */
  timeoutMs?: number
  /** Refuse replies larger than this many bytes. */
  maxReplyBytes?: number
  /** Abandons the exchange (e.g. a CPU profile the user no longer wants). */
  signal?: AbortSignal
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000
export const DEFAULT_TIMEOUT_MS = 30_000
export const DEFAULT_MAX_REPLY_BYTES = 256 * 1024 * 1024

/** Sends `request` (its first byte names the command, `commandName` is for messages) and resolves the whole reply. */
export function exchange(
  address: AgentAddress,
  request: Buffer,
  commandName: string,
  options: ExchangeOptions = {},
): Promise<Buffer> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES
  const who = describeAddress(address)

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let received = 0
    let settled = false
    const socket = connect({ host: address.host, port: address.port })

    const finish = (error: GopsError | null): void => {
      if (settled) return
      settled = true
      clearTimeout(connectTimer)
      clearTimeout(exchangeTimer)
      options.signal?.removeEventListener('abort', abort)
      socket.destroy()
      if (error) reject(error)
      else resolve(Buffer.concat(chunks, received))
    }

    const connectTimer = setTimeout(
      () => finish(new GopsError('TIMEOUT', `timed out after ${connectTimeoutMs} ms connecting to the agent at ${who}`)),
      connectTimeoutMs,
    )
    const exchangeTimer = setTimeout(
      () =>
        finish(
          new GopsError(
            'TIMEOUT',
            `the agent at ${who} did not answer ${commandName} within ${timeoutMs} ms ` +
              '(a Go agent serves one client at a time, and a CPU profile holds it for 30 s)',
          ),
        ),
      timeoutMs,
    )

    const abort = (): void => finish(new GopsError('ABORTED', `${commandName} from the agent at ${who} was aborted`))
    if (options.signal?.aborted) abort()
    options.signal?.addEventListener('abort', abort, { once: true })

    socket.once('connect', () => {
      clearTimeout(connectTimer)
      socket.write(request)
    })
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length
      if (received > maxReplyBytes) {
        finish(new GopsError('REPLY_TOO_LARGE', `the agent at ${who} sent more than ${maxReplyBytes} bytes for ${commandName}`))
        return
      }
      chunks.push(chunk)
    })
    socket.once('end', () => {
      if (received > 0) finish(null)
      else
        finish(
          new GopsError(
            'EMPTY_REPLY',
            `the agent at ${who} closed the connection without replying to ${commandName} (that agent does not support it)`,
          ),
        )
    })
    socket.on('error', (error: NodeJS.ErrnoException) => finish(socketError(error, address, who)))
  })
}

function socketError(error: NodeJS.ErrnoException, address: AgentAddress, who: string): GopsError {
  const options = { cause: error }
  switch (error.code) {
    case 'ECONNREFUSED':
      return address.portFile
        ? new GopsError(
            'AGENT_GONE',
            `agent gone: nothing listens on port ${address.port} named by ${address.portFile} (stale port file)`,
            options,
          )
        : new GopsError('CONNECTION_REFUSED', `connection refused by ${who}: no agent listens there`, options)
    case 'ECONNRESET':
    case 'EPIPE':
      return new GopsError('CONNECTION_RESET', `the agent at ${who} reset the connection`, options)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new GopsError('INVALID_TARGET', `cannot resolve host "${address.host}"`, options)
    default:
      return new GopsError('CONNECTION_FAILED', `cannot talk to the agent at ${who}: ${error.message}`, options)
  }
}
