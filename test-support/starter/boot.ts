// Runs the starter kit's instance boot script (examples/user-data/boot.sh) as user data would, with bash,
// against: a fake IMDSv2 endpoint on loopback, the simulated AWS on a loopback server (reached by the real
// AWS CLI through the script's test-only endpoint variable), and a stub `docker` on PATH that records its
// arguments and can be told to fail. Nothing leaves the machine.
import { execFile, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const BOOT_SCRIPT = path.resolve('examples/user-data/boot.sh')

/** The `aws` CLI on PATH (v1 or v2; both accept --endpoint-url), or undefined when none is installed. */
export function findAwsCli(): { path: string; version: string } | undefined {
  try {
    const where = execFileSync('bash', ['-c', 'command -v aws'], { encoding: 'utf8' }).trim()
    if (!where) return undefined
    const version = execFileSync(where, ['--version'], { encoding: 'utf8', env: { ...process.env, AWS_PAGER: '' } }).trim()
    return { path: where, version }
  } catch {
    return undefined
  }
}

export interface ImdsRequest {
  method: string
  path: string
  ttl: string | undefined
  token: string | undefined
  status: number
}

export interface FakeImds {
  url: string
  requests: ImdsRequest[]
  close(): Promise<void>
}

/**
 * IMDSv2 as EC2 serves it: `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds` (1–21600)
 * returns a token; `GET /latest/meta-data/...` needs `X-aws-ec2-metadata-token` with that token, else 401
 * (EC2 user guide, "Use the Instance Metadata Service to access instance metadata": IMDSv2 only).
 */
export async function startFakeImds(meta: { instanceId: string; region: string }): Promise<FakeImds> {
  const requests: ImdsRequest[] = []
  const tokens = new Set<string>()
  const values: Record<string, string> = {
    '/latest/meta-data/instance-id': meta.instanceId,
    '/latest/meta-data/placement/region': meta.region,
    '/latest/meta-data/placement/availability-zone': `${meta.region}a`
  }
  const server = http.createServer((req, res) => {
    const header = (name: string): string | undefined => {
      const v = req.headers[name]
      return Array.isArray(v) ? v[0] : v
    }
    const ttl = header('x-aws-ec2-metadata-token-ttl-seconds')
    const token = header('x-aws-ec2-metadata-token')
    const answer = (status: number, body: string): void => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', ttl, token, status })
      res.writeHead(status, { 'content-type': 'text/plain' })
      res.end(body)
    }
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      const seconds = Number(ttl)
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > 21600) return answer(400, 'Bad Request')
      const t = `token-${tokens.size + 1}-${Math.random().toString(36).slice(2)}`
      tokens.add(t)
      return answer(200, t)
    }
    if (req.method === 'GET') {
      if (!token || !tokens.has(token)) return answer(401, 'Unauthorized')
      const v = values[req.url ?? '']
      return v === undefined ? answer(404, 'Not Found') : answer(200, v)
    }
    answer(405, 'Method Not Allowed')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** A loopback URL nothing listens on (a port that was just free). */
export async function unreachableUrl(): Promise<string> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

export interface EcrRequest {
  /** The X-Amz-Target operation, e.g. AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken. */
  target: string
  /** The region of the SigV4 credential scope the CLI signed with. */
  region: string | undefined
}

export interface FakeEcr {
  url: string
  requests: EcrRequest[]
  /** The password the login token carries (what `aws ecr get-login-password` prints). */
  password: string
  close(): Promise<void>
}

/**
 * Amazon ECR's GetAuthorizationToken (JSON 1.1 protocol: POST / with X-Amz-Target) on loopback, which is
 * what `aws ecr get-login-password` calls: the token is base64 of "AWS:<password>" (ECR API reference,
 * GetAuthorizationToken, AuthorizationData). `refuse` answers AccessDeniedException instead.
 */
export async function startFakeEcr(o: { accountId: string; region: string; refuse?: boolean }): Promise<FakeEcr> {
  const requests: EcrRequest[] = []
  const password = `ecr-password-${Math.random().toString(36).slice(2)}`
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '')
      const region = String(req.headers.authorization ?? '').match(/Credential=[^/]+\/\d{8}\/([^/]+)\/ecr\//)?.[1]
      requests.push({ target, region })
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
        res.end(JSON.stringify(body))
      }
      if (target !== 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken') return send(400, { __type: 'UnknownOperationException', message: target })
      if (o.refuse) {
        return send(400, {
          __type: 'AccessDeniedException',
          message: 'User is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action'
        })
      }
      send(200, {
        authorizationData: [
          {
            authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
            expiresAt: Math.floor(Date.now() / 1000) + 12 * 3600,
            proxyEndpoint: `https://${o.accountId}.dkr.ecr.${o.region}.amazonaws.com`
          }
        ]
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    password,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

const DOCKER_STUB = `#!/bin/bash
# Stub container runtime: records each call (arguments separated by US, one call per line) and fails the
# sub-command named in DOCKER_STUB_FAIL the way the Docker CLI does (a message on stderr, exit 1). A login
# with --password-stdin records what it read on stdin, as one more argument "<stdin>...".
STDIN=()
if [ "$1" = login ] && [[ " $* " == *" --password-stdin "* ]]; then STDIN=("<stdin>$(cat)"); fi
{ printf '%s\\x1f' "$@" \${STDIN[@]+"\${STDIN[@]}"}; printf '\\n'; } >> "$DOCKER_STUB_LOG"
if [ -n "\${DOCKER_STUB_FAIL:-}" ] && [ "$1" = "$DOCKER_STUB_FAIL" ]; then
  echo "Error response from daemon: manifest for $2 not found: manifest unknown: manifest unknown" >&2
  exit 1
fi
if [ "$1" = run ]; then echo 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef; fi
exit 0
`

export interface BootRun {
  code: number
  stdout: string
  stderr: string
  /** Every docker invocation, as its argument list. */
  docker: string[][]
}

export interface BootOptions {
  /** The fake IMDS endpoint (unset: the script's default, which a test never reaches). */
  imds?: string
  awsEndpoint: string
  /** Command-line arguments for the script. */
  args?: string[]
  /** More environment (e.g. AWS_REGION for a script run from a laptop). */
  env?: Record<string, string>
  /** The docker sub-command to fail (e.g. 'pull'). */
  dockerFails?: string
  /** Another script to run instead of examples/user-data/boot.sh (e.g. a copy with edited settings). */
  script?: string
  /** A fake ECR endpoint for the script's `ecr` function (BOOT_TEST_ECR_ENDPOINT_URL). */
  ecrEndpoint?: string
}

/** Runs the boot script (or `script`) with bash, the stub docker first on PATH; resolves when it exits. */
export async function runBootScript(o: BootOptions): Promise<BootRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-boot-'))
  const bin = path.join(dir, 'bin')
  fs.mkdirSync(bin)
  fs.writeFileSync(path.join(bin, 'docker'), DOCKER_STUB, { mode: 0o755 })
  const log = path.join(dir, 'docker.log')
  fs.writeFileSync(log, '')
  const env: Record<string, string> = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: dir,
    LANG: 'C.UTF-8',
    ...(o.imds ? { BOOT_TEST_IMDS_ENDPOINT: o.imds } : {}),
    BOOT_TEST_AWS_ENDPOINT_URL: o.awsEndpoint,
    ...(o.ecrEndpoint ? { BOOT_TEST_ECR_ENDPOINT_URL: o.ecrEndpoint } : {}),
    BOOT_TEST_LOOKUP_PAUSE_SECONDS: '0',
    DOCKER_STUB_LOG: log,
    DOCKER_STUB_FAIL: o.dockerFails ?? '',
    // Credentials as an instance profile would give them; the CLI must not look for IMDS or files itself.
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'simulated-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
    AWS_PAGER: '',
    ...o.env
  }
  if (process.env.PYENV_ROOT) env.PYENV_ROOT = process.env.PYENV_ROOT
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('bash', [o.script ?? BOOT_SCRIPT, ...(o.args ?? [])], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      const c = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0
      resolve({ code: c, stdout, stderr })
    })
  })
  const docker = fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\x1f').slice(0, -1))
  fs.rmSync(dir, { recursive: true, force: true })
  return { code, stdout, stderr, docker }
}

/** Writes a stack's user data (the text its launch template gives the instance) to a file runBootScript can run. */
export function userDataFile(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bg-user-data-')), 'user-data.sh')
  fs.writeFileSync(file, text, { mode: 0o755 })
  return file
}
