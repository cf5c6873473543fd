// A loopback fake of the few GitHub REST endpoints the action calls, recording every request.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeGitHub {
  url: string
  requests: { method: string; path: string; body: unknown }[]
  deployments: { id: number; ref: string; environment: string; description: string; payload: unknown; statuses: { state: string; description: string; log_url: string }[] }[]
  /** `${base}...${head}` → status; anything else is 'ahead'. */
  compare: Map<string, string>
  /** run id → status; anything else is 'in_progress'. */
  runs: Map<string, string>
  /** Answer everything with this HTTP status (e.g. 503) while set. */
  down: number | undefined
  close(): Promise<void>
}

export async function startFakeGitHub(repository = 'octo-org/web'): Promise<FakeGitHub> {
  const fake: Omit<FakeGitHub, 'url' | 'close'> = { requests: [], deployments: [], compare: new Map(), runs: new Map(), down: undefined }
  const send = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const body: unknown = text ? JSON.parse(text) : undefined
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const path = url.pathname
      fake.requests.push({ method: req.method ?? 'GET', path: `${path}${url.search}`, body })
      if (fake.down) return send(res, fake.down, { message: 'Service Unavailable' })
      const repo = `/repos/${repository}`
      let m: RegExpExecArray | null
      if ((m = new RegExp(`^${repo}/compare/(.+)$`).exec(path))) {
        return send(res, 200, { status: fake.compare.get(decodeURIComponent(m[1] as string)) ?? 'ahead' })
      }
      if ((m = new RegExp(`^${repo}/actions/runs/(\\d+)$`).exec(path))) {
        return send(res, 200, { id: Number(m[1]), status: fake.runs.get(m[1] as string) ?? 'in_progress' })
      }
      if (path === `${repo}/deployments` && req.method === 'POST') {
        const b = body as { ref: string; environment: string; description: string; payload: unknown }
        const d = { id: fake.deployments.length + 1, ref: b.ref, environment: b.environment, description: b.description, payload: b.payload, statuses: [] }
        fake.deployments.push(d)
        return send(res, 201, { id: d.id, ref: d.ref, environment: d.environment })
      }
      if (path === `${repo}/deployments` && req.method === 'GET') {
        const env = url.searchParams.get('environment')
        const list = fake.deployments.filter((d) => d.environment === env).reverse()
        return send(res, 200, list.map((d) => ({ id: d.id, ref: d.ref, environment: d.environment })))
      }
      if ((m = new RegExp(`^${repo}/deployments/(\\d+)/statuses$`).exec(path)) && req.method === 'POST') {
        const d = fake.deployments.find((x) => x.id === Number(m?.[1]))
        if (!d) return send(res, 404, { message: 'Not Found' })
        const b = body as { state: string; description: string; log_url: string }
        d.statuses.push({ state: b.state, description: b.description, log_url: b.log_url })
        return send(res, 201, { id: d.statuses.length, state: b.state })
      }
      return send(res, 404, { message: `Not Found: ${req.method} ${path}` })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return Object.assign(fake, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  })
}
