// `world.requestHandler`: an in-process HTTP handler for AWS SDK v3 clients (`requestHandler` option).
// The response body is a Uint8Array, which the SDK's body collector accepts as is.

import { HttpResponse } from '@smithy/core/protocols'
import type { HttpRequest } from '@smithy/core/protocols'
import { abortError } from '../core/clock.js'
import { dispatch, identify } from './dispatch.js'
import { requestDelayMs } from './transport.js'
import type { World } from '../world/world.js'

export interface SimHandlerOptions {
  /** Hold every write of this handler's clients for this long (virtual ms, ±30 % seeded) before applying it. */
  writeDelayMs?: number
}

async function bodyText(body: unknown): Promise<string> {
  if (body === undefined || body === null) return ''
  if (typeof body === 'string') return body
  if (body instanceof Uint8Array) return new TextDecoder().decode(body)
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = []
    for await (const c of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c))
    return Buffer.concat(chunks).toString('utf8')
  }
  return String(body)
}

export class SimHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' }

  constructor(
    private readonly world: World,
    private readonly options: SimHandlerOptions = {}
  ) {}

  async handle(request: HttpRequest, options?: { abortSignal?: AbortSignal | { aborted: boolean } }): Promise<{ response: HttpResponse }> {
    const signal = options?.abortSignal
    if (signal?.aborted) throw abortError(signal as AbortSignal)
    const clock = this.world.clock
    clock.enter()
    try {
      const body = await bodyText(request.body)
      const query = request.query
        ? Object.entries(request.query)
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(Array.isArray(v) ? (v[0] ?? '') : (v ?? ''))}`)
            .join('&')
        : ''
      const wire = { method: request.method, path: query ? `${request.path}?${query}` : request.path, headers: request.headers, body }
      const known = identify(wire)
      const delay = requestDelayMs(this.world, known, this.options.writeDelayMs)
      if (delay > 0) {
        // In flight on the network: virtual time may move (other requests, sleepers) meanwhile.
        clock.leave()
        try {
          await clock.sleep(delay, signal as AbortSignal | undefined)
        } finally {
          clock.enter()
        }
      }
      const res = dispatch(this.world, wire, known)
      return { response: new HttpResponse({ statusCode: res.status, headers: res.headers, body: new Uint8Array(Buffer.from(res.body, 'utf8')) }) }
    } finally {
      clock.leave()
    }
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {}
  }

  destroy(): void {}
}
