// Simulated AWS (Auto Scaling, ELBv2, EC2, CloudWatch, STS) for tests: see README.md beside this file.

export { SimWorld, iso } from './world.js'
export type { SimWorldOptions, TargetGroupOptions, GroupOptions, AlarmOptions, GroupSnapshot } from './world.js'
export { VirtualClock, type Clock } from './clock.js'
export { Faults, type FaultSpec, type FaultKind } from './faults.js'
export { SimError } from './errors.js'
export { SimHandler } from './handler.js'
export { startSimServer, type SimServer } from './server.js'
export { dispatch, type WireRequest, type WireResponse } from './dispatch.js'
export { decodeJwtClaims, type StsCall } from './sts.js'
export type * from './types.js'
export { simClients, type SimClients } from './clients.js'
