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

/** EC2's answer for ids it does not know (never existed, or forgotten after termination). */
export function notFound(ids: string[]): SimError {
  return new SimError('InvalidInstanceID.NotFound', `The instance ID${ids.length > 1 ? 's' : ''} '${ids.join(', ')}' do${ids.length > 1 ? '' : 'es'} not exist`)
}
