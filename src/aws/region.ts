// Region names and their partitions, for reading the inputs: no client module is loaded for them.
import { partition } from '@aws-sdk/core/client'

/**
 * Region names as every partition spells them: us-east-1, cn-north-1, us-gov-west-1, us-iso-east-1,
 * us-isob-east-1, eu-isoe-west-1, eusc-de-east-1. (Pseudo-regions such as aws-global are not regions.)
 */
const REGION_NAME = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/

export function isRegionName(region: string): boolean {
  return REGION_NAME.test(region)
}

/**
 * The partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-eusc, ...) of a region, from the same
 * partition data the SDK clients resolve their endpoints with (`@aws-sdk/core`): the region list first,
 * then each partition's region pattern, so regions newer than this code are placed right too.
 */
export function partitionOf(region: string): string {
  return partition(region).name
}
