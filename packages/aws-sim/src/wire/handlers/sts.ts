// STS (AWS Query, version 2011-06-15): AssumeRoleWithWebIdentity.

import { num, str } from '../form.js'
import { optional, read, type Service } from './service.js'

export const sts: Service = {
  name: 'sts',
  protocol: 'query',
  xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
  ops: {
    // Not a write to the account, so it does not count in world.writes().
    AssumeRoleWithWebIdentity: read((w, p) => {
      const c = w.sts.assumeRoleWithWebIdentity({
        ...optional('RoleArn', str(p, 'RoleArn')),
        ...optional('RoleSessionName', str(p, 'RoleSessionName')),
        ...optional('WebIdentityToken', str(p, 'WebIdentityToken')),
        ...optional('DurationSeconds', num(p, 'DurationSeconds'))
      })
      return {
        Credentials: { AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: new Date(c.Expiration) },
        SubjectFromWebIdentityToken: c.SubjectFromWebIdentityToken,
        AssumedRoleUser: { AssumedRoleId: c.AssumedRoleId, Arn: c.Arn },
        Provider: c.Provider,
        Audience: c.Audience
      }
    })
  }
}
