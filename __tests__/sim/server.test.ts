// The loopback server: same protocols over real HTTP (endpoint URL), virtual time following real time × speed.
import { afterEach, describe, expect, it } from '@jest/globals'
import { DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling'
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2'
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { type SimClients, type SimServer, simClients, startSimServer } from '../../packages/aws-sim/src/index.js'
import { pairWorld } from './fixture.js'

let server: SimServer | undefined
let clients: SimClients | undefined
afterEach(async () => {
  clients?.destroy()
  await server?.close()
})

describe('loopback server', () => {
  it('serves every protocol on 127.0.0.1 and lets instances become healthy in real time × speed', async () => {
    const world = pairWorld()
    world.addAlarm({ AlarmName: 'cpu' })
    server = await startSimServer(world, { speed: 600 })
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    clients = simClients({ url: server.url })
    const c = clients
    const groups = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({}))
    expect(groups.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['prod-web-blue', 'prod-web-green'])
    expect((await c.cloudWatch.send(new DescribeAlarmsCommand({}))).MetricAlarms?.map((a) => a.AlarmName)).toEqual(['cpu'])
    await expect(c.ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-00000000000000000'] }))).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' })
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 1 }))
    const id = world.group('prod-web-green').instances[0]?.id ?? ''
    const tgArn = world.targetGroupByName('prod-web').arn
    // 80 virtual seconds at speed 600 ≈ 133 ms real
    let state: string | undefined
    for (let n = 0; n < 100 && state !== 'healthy'; n++) {
      await new Promise((r) => setTimeout(r, 20))
      const th = await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets: [{ Id: id }] }))
      state = th.TargetHealthDescriptions?.[0]?.TargetHealth?.State
    }
    expect(state).toBe('healthy')
    expect(world.writes().map((w) => w.operation)).toEqual(['TerminateInstances', 'SetDesiredCapacity'])
  })
})
