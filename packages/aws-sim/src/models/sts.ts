// STS AssumeRoleWithWebIdentity: decodes the JWT claims (no signature check), asks the `trust` hook,
// and hands out deterministic temporary credentials that expire in virtual time.

import { SimError, validation } from '../core/errors.js'
import type { Account } from './account.js'

export interface StsCall {
  time: number
  RoleArn: string
  RoleSessionName: string
  DurationSeconds: number
  claims: Record<string, unknown> | undefined
  granted: boolean
}

export interface AssumedCredentials {
  AccessKeyId: string
  SecretAccessKey: string
  SessionToken: string
  Expiration: number
  AssumedRoleId: string
  Arn: string
  SubjectFromWebIdentityToken: string | undefined
  Provider: string | undefined
  Audience: string | undefined
}

export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1]
  if (part === undefined) return undefined
  try {
    const json = Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')
    const claims = JSON.parse(json) as unknown
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

export class StsSim {
  /** Decide whether the role trusts these claims (default: everything is trusted). */
  trust: (claims: Record<string, unknown>, roleArn: string) => boolean = () => true
  readonly calls: StsCall[] = []

  constructor(private readonly world: Account) {}

  assumeRoleWithWebIdentity(p: { RoleArn?: string; RoleSessionName?: string; WebIdentityToken?: string; DurationSeconds?: number }): AssumedCredentials {
    const roleArn = p.RoleArn ?? ''
    const session = p.RoleSessionName ?? ''
    const duration = p.DurationSeconds ?? 3600
    if (roleArn.length < 20) throw validation(`1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`)
    if (session.length < 2 || session.length > 64 || !/^[\w+=,.@-]*$/.test(session)) {
      throw validation(`1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`)
    }
    if (duration < 900 || duration > 43200) {
      throw validation(`1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`)
    }
    const claims = decodeJwtClaims(p.WebIdentityToken ?? '')
    const record: StsCall = { time: this.world.now(), RoleArn: roleArn, RoleSessionName: session, DurationSeconds: duration, claims, granted: false }
    this.calls.push(record)
    if (!claims) throw new SimError('InvalidIdentityToken', "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")
    const exp = typeof claims['exp'] === 'number' ? claims['exp'] * 1000 : undefined
    if (exp !== undefined && exp < this.world.now()) throw new SimError('ExpiredTokenException', 'Token expired: current date/time is after the token expiry', 400)
    if (!this.trust(claims, roleArn)) throw new SimError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403)
    record.granted = true
    const ids = this.world.ids
    const roleName = roleArn.split('/').pop() ?? 'role'
    const roleId = `AROA${ids.upper(17)}`
    const iss = typeof claims['iss'] === 'string' ? claims['iss'].replace(/^https:\/\//, '') : undefined
    const aud = Array.isArray(claims['aud']) ? String(claims['aud'][0]) : typeof claims['aud'] === 'string' ? claims['aud'] : undefined
    return {
      AccessKeyId: `ASIA${ids.upper(16)}`,
      SecretAccessKey: ids.hex(40),
      SessionToken: `IQoJb3JpZ2luX2VjE${ids.hex(64)}`,
      Expiration: this.world.now() + duration * 1000,
      AssumedRoleId: `${roleId}:${session}`,
      Arn: `arn:aws:sts::${this.world.accountId}:assumed-role/${roleName}/${session}`,
      SubjectFromWebIdentityToken: typeof claims['sub'] === 'string' ? claims['sub'] : undefined,
      Provider: iss,
      Audience: aud
    }
  }
}
