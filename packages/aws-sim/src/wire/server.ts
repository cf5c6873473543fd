// Loopback HTTP server speaking the same protocols as world.requestHandler, for child processes (the
// bundled action) that reach it through AWS_ENDPOINT_URL_<SERVICE>. In server mode virtual time follows
// real time × speed (speed 60: one real second is one virtual minute) and the world ticks as it goes.

import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { dispatch, identify } from './dispatch.js'
import { requestDelayMs } from './transport.js'
import type { World } from '../world/world.js'

export interface SimServer {
  url: string
  port: number
  close(): Promise<void>
}

export async function startSimServer(
  world: World,
  options: { speed?: number; tickMs?: number; host?: '127.0.0.1' | '::1'; port?: number } = {}
): Promise<SimServer> {
  const speed = options.speed ?? 60
  const host = options.host ?? '127.0.0.1'
  world.clock.followRealTime(speed)
  const ticker = setInterval(() => world.clock.sync(), options.tickMs ?? 50)
  ticker.unref()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => void answer())
    const answer = async (): Promise<void> => {
      try {
        world.clock.sync()
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v
        const wire = { method: req.method ?? 'POST', path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') }
        const known = identify(wire)
        const delay = requestDelayMs(world, known)
        if (delay > 0) {
          await world.clock.sleep(delay)
          world.clock.sync()
        }
        const out = dispatch(world, wire, known)
        res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(out.body) })
        res.end(out.body)
      } catch {
        // The write hook (or a simulator bug) threw: the client sees the connection drop.
        req.socket.destroy()
      }
    }
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, host, () => resolve())
    })
  } catch (err) {
    clearInterval(ticker)
    throw err
  }
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://${host === '::1' ? '[::1]' : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ticker)
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
