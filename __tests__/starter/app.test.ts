// The starter kit's sample app (examples/app/): its server run with node on loopback as the container
// would run it (the boot script passes APP_VERSION and PORT), asked over HTTP what the load balancer asks
// (GET /health) and what a user sees (GET /); and its Dockerfile checked against the boot script's contract
// (the container port 8080). No image is built here (no Docker engine).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import { afterEach, describe, expect, it } from '@jest/globals'
import { BOOT_SCRIPT } from '../../test-support/starter/boot.js'

const SERVER = 'examples/app/server.mjs'
const running: ChildProcessWithoutNullStreams[] = []
afterEach(() => {
  for (const p of running.splice(0)) if (p.exitCode === null) p.kill('SIGKILL')
})

/** Starts the server on a free loopback port; resolves with its base URL once it says it listens. */
async function start(env: Record<string, string>): Promise<{ url: string; proc: ChildProcessWithoutNullStreams }> {
  const proc = spawn(process.execPath, [SERVER], { env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env } })
  running.push(proc)
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = out.match(/listening on 127\.0\.0\.1:(\d+)/)
      if (m) resolve(Number(m[1]))
    })
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)))
  })
  return { url: `http://127.0.0.1:${port}`, proc }
}

function request(url: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the sample app (examples/app)', () => {
  it('answers the health check with 200 and every other page with the version the boot script passed', async () => {
    const { url } = await start({ APP_VERSION: 'v7' })
    expect(await request(`${url}/health`)).toEqual({ status: 200, body: 'ok\n' })
    expect(await request(`${url}/health?from=elb`)).toEqual({ status: 200, body: 'ok\n' })
    expect(await request(`${url}/`)).toEqual({ status: 200, body: 'web v7\n' })
    expect(await request(`${url}/anything`)).toEqual({ status: 200, body: 'web v7\n' })
    expect((await request(`${url}/health`, 'POST')).status).toBe(405)
  })

  it('stops on SIGTERM (docker stop) with exit code 0', async () => {
    const { url, proc } = await start({ APP_VERSION: 'v1' })
    expect((await request(`${url}/health`)).status).toBe(200)
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
    proc.kill('SIGTERM')
    expect(await exited).toBe(0)
  })

  it('listens, in its image, on the container port the boot script publishes, and takes the health check path the stacks check', () => {
    const dockerfile = fs.readFileSync('examples/app/Dockerfile', 'utf8')
    const containerPort = fs.readFileSync(BOOT_SCRIPT, 'utf8').match(/^CONTAINER_PORT='(\d+)'$/m)?.[1]
    expect(containerPort).toBe('8080')
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${containerPort}$`, 'm'))
    expect(dockerfile).toMatch(new RegExp(`^ENV PORT=${containerPort}$`, 'm'))
    expect(dockerfile).toMatch(/^COPY server\.mjs \.$/m)
    expect(dockerfile).toMatch(/^CMD \["node", "server\.mjs"\]$/m)
    expect(dockerfile).toMatch(/^USER node$/m)
    expect(fs.readFileSync('examples/cloudformation/blue-green.yaml', 'utf8')).toMatch(/HealthCheckPath:\n\s+Type: String\n\s+Default: \/health\n/)
  })
})
