/** Every error this package raises on purpose carries a stable `code`; the message names the file, pid or address. */
export class GopsError extends Error {
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'GopsError'
    this.code = code
  }
}

export function isGopsError(error: unknown): error is GopsError {
  return error instanceof GopsError
}
