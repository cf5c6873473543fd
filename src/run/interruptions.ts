// Before the health wait or the bake blames the release for an instance, ask EC2 whether AWS took it away
// (a Spot interruption, a scheduled retirement, a host failure: domain/interruption.ts).
import type { Fleet } from '../aws/port.js'
import { type Interruption, takenByAws } from '../domain/interruption.js'

/** Of these suspects, the ones EC2 says it took away itself, with why. */
export async function takenAwayByAws(fleet: Fleet, suspects: string[]): Promise<Interruption[]> {
  if (suspects.length === 0) return []
  const fates = await fleet.instanceFates(suspects)
  return suspects.flatMap((id) => {
    const why = takenByAws(fates[id])
    return why ? [{ instanceId: id, why }] : []
  })
}
