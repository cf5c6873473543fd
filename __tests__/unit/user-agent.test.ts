// Every AWS call names the action and its version in its user agent. The version is package.json's, which
// the bundler inlines at build time, so a release bump changes it in one place.
import { describe, expect, it } from '@jest/globals'
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { USER_AGENT, createClients } from '../../src/aws/clients.js'
import { systemClock } from '../../src/clock.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string }

describe('the user agent', () => {
  it("is package.json's name and version", () => {
    expect(USER_AGENT).toEqual([pkg.name, pkg.version])
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('goes with every AWS call', async () => {
    const agents: string[] = []
    const requestHandler = {
      handle: async (request: { headers: Record<string, string> }) => {
        agents.push(request.headers['x-amz-user-agent'] ?? request.headers['user-agent'] ?? '')
        const body = '<DescribeAutoScalingGroupsResponse><DescribeAutoScalingGroupsResult><AutoScalingGroups/></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>'
        const { Readable } = await import('node:stream')
        return { response: { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(body)]) } }
      }
    }
    const clients = createClients('us-east-1', systemClock, { requestHandler, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } })
    try {
      await clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({}))
    } finally {
      clients.destroy()
    }
    expect(agents).toHaveLength(1)
    expect(agents[0]).toContain(`${pkg.name}/${pkg.version}`)
  })

  it('is inlined in the committed bundle at build time, not read from a file next to it', () => {
    // The clients (and the version they send) are in the run's chunk, loaded once the inputs are valid.
    const dist = path.join(root, 'dist')
    const bundle = fs.readdirSync(dist).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(dist, f), 'utf8')).join('\n')
    expect(bundle).not.toMatch(/readFileSync\([^)]*package\.json/)
    expect(bundle).toContain(`"${pkg.version}"`)
    expect(bundle).not.toContain("'asg-blue-green-action', '0.1.0'")
  })
})
