// Route one HTTP request to a simulated service: identify service and operation (Action/Version for the
// Query protocols, X-Amz-Target for CloudWatch JSON), record the call, apply faults and the write hook,
// run the operation, and render the result or the error in that service's wire format.

import { SimError } from '../core/errors.js'
import { parseForm } from './form.js'
import { autoScaling } from './handlers/autoscaling.js'
import { cloudWatch } from './handlers/cloudwatch.js'
import { ec2 } from './handlers/ec2.js'
import { elb } from './handlers/elb.js'
import { elbv2 } from './handlers/elbv2.js'
import type { Bag, Service, XmlResult } from './handlers/service.js'
import { sts } from './handlers/sts.js'
import type { CallRecord } from '../core/types.js'
import type { World } from '../world/world.js'
import { ec2Error, ec2Response, queryError, queryResponse } from './xml.js'

export interface WireRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: string
}

export interface WireResponse {
  status: number
  headers: Record<string, string>
  body: string
}

const BY_VERSION: Record<string, Service> = {
  '2011-01-01': autoScaling,
  '2015-12-01': elbv2,
  '2012-06-01': elb,
  '2016-11-15': ec2,
  '2011-06-15': sts
}
const JSON_TARGETS: Record<string, Service> = { GraniteServiceVersion20100801: cloudWatch }

export interface Identified {
  service: Service | undefined
  operation: string
  params: Bag
  /** Lower-cased header names. */
  headers: Record<string, string>
  write: boolean
}

/** Which service and operation a request is for (no side effects). */
export function identify(req: WireRequest): Identified {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v
  let service: Service | undefined
  let operation = ''
  let params: Bag
  const target = headers['x-amz-target']
  if (target !== undefined) {
    const [prefix = '', op = ''] = target.split('.')
    service = JSON_TARGETS[prefix]
    operation = op
    try {
      params = (req.body ? JSON.parse(req.body) : {}) as Bag
    } catch {
      params = {}
    }
  } else {
    const form = parseForm(req.body || (req.path.split('?')[1] ?? ''))
    const { Action, Version, ...rest } = form
    operation = typeof Action === 'string' ? Action : ''
    service = typeof Version === 'string' ? BY_VERSION[Version] : undefined
    params = rest
  }
  return { service, operation, params, headers, write: service?.ops[operation]?.write ?? false }
}

/** The access key id named in a SigV4 `Authorization` header (`Credential=AKID/date/region/service/aws4_request`). */
export function accessKeyIdOf(headers: Record<string, string>): string | undefined {
  const auth = headers['authorization']
  return auth === undefined ? undefined : /Credential=([^/,\s]+)\//.exec(auth)?.[1]
}

export function dispatch(world: World, req: WireRequest, known?: Identified): WireResponse {
  const { service, operation, params } = known ?? identify(req)
  const requestId = world.ids.requestId()
  world.noteRequest()
  const op = service?.ops[operation]
  const record: CallRecord = {
    seq: world.calls.length + 1,
    time: world.now(),
    service: service?.name ?? 'unknown',
    operation,
    params,
    write: op?.write ?? false,
    ok: true
  }
  world.calls.push(record)
  if (!service || !op) {
    record.ok = false
    record.error = 'InvalidAction'
    const err = new SimError('InvalidAction', `The simulator does not implement ${operation || '(no action)'} of ${service?.name ?? 'this service'}`)
    return renderError(service ?? autoScaling, err, requestId)
  }
  try {
    const fault = world.faults.take(service.name, operation, requestId) ?? world.rateLimits?.take(service.name, operation, requestId)
    if (fault) throw fault
    if (op.write) {
      world.faults.writeCount++
      world.faults.beforeWrite?.(operation, params, world.faults.writeCount)
    }
    const before = op.write ? world.readLag.capture() : undefined
    const result = op.run(world, params)
    if (op.write) {
      world.settle()
      world.readLag.noteWrite(before)
    }
    return renderResult(service, operation, result, requestId)
  } catch (e) {
    record.ok = false
    if (e instanceof SimError) {
      record.error = e.code
      return renderError(service, e, requestId)
    }
    record.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
    throw e
  }
}

function renderResult(service: Service, operation: string, result: XmlResult | undefined, requestId: string): WireResponse {
  const headers = { 'x-amzn-requestid': requestId, 'content-type': 'text/xml' }
  switch (service.protocol) {
    case 'json':
      return { status: 200, headers: { ...headers, 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(result ?? {}) }
    case 'ec2':
      return { status: 200, headers, body: ec2Response(operation, service.xmlns, result ?? {}, requestId) }
    case 'query':
      return { status: 200, headers, body: queryResponse(operation, service.xmlns, result, requestId) }
  }
}

function renderError(service: Service, e: SimError, requestId: string): WireResponse {
  const headers = { 'x-amzn-requestid': requestId, 'content-type': 'text/xml' }
  switch (service.protocol) {
    case 'json':
      return {
        status: e.status,
        headers: { ...headers, 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${e.code};${e.type}` },
        body: JSON.stringify({ __type: `com.amazonaws.cloudwatch#${e.code}`, message: e.message })
      }
    case 'ec2':
      return { status: e.status, headers, body: ec2Error(e.code, e.message, requestId) }
    case 'query':
      return { status: e.status, headers, body: queryError(service.xmlns, e.type, e.code, e.message, requestId) }
  }
}
