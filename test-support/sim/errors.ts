// An AWS error as the simulator answers it: wire code, HTTP status, message, Sender/Receiver.

export class SimError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender'
  ) {
    super(message)
    this.name = 'SimError'
  }
}

export const validation = (message: string): SimError => new SimError('ValidationError', message)
