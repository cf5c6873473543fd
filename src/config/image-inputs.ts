// Deploy by image: an AMI id or a name pattern, and whose images a pattern searches.
import { isAmiId } from '../domain/image.js'
import { InputError } from '../errors.js'
import { Inputs } from './inputs.js'
import { type InputReader, readList } from './reader.js'
import type { ImageConfig } from './types.js'

/** AMI names: 3–128 letters, digits, ( ) [ ] space . / - ' @ _ (EC2 RegisterImage, Name); patterns add * and ?. */
const IMAGE_PATTERN = /^[A-Za-z0-9()[\] ./\-'@_*?]{1,128}$/
/** Whose images a name pattern searches when image-owners is not given. */
export const DEFAULT_OWNER = 'self'
/** DescribeImages Owners: an account id, self, or an owner alias. */
const IMAGE_OWNER = /^(\d{12}|self|amazon|aws-marketplace|aws-backup-vault)$/

/** The image to deploy, or undefined when none is given (a deploy by version). */
export function readImage(inputs: InputReader, mode: string): ImageConfig | undefined {
  const spec = inputs.getInput(Inputs.image)
  const ownersText = inputs.getInput(Inputs.imageOwners)
  if (spec === '') {
    // 'self' is action.yml's default, which a runner passes to every step.
    if (ownersText !== '' && ownersText !== DEFAULT_OWNER) throw new InputError(Inputs.imageOwners, ownersText, 'It only applies together with image.')
    return undefined
  }
  if (mode === 'canary') throw new InputError(Inputs.image, spec, 'A canary launches next to the live group from the same launch template; deploy by image with mode: deploy.')
  if (/^ami-/i.test(spec)) {
    if (!isAmiId(spec)) throw new InputError(Inputs.image, spec, 'An AMI id is "ami-" and 8 or 17 lowercase hexadecimal digits, e.g. ami-0abcdef1234567890.')
  } else if (!IMAGE_PATTERN.test(spec) || spec.replace(/[*?]/g, '').length === 0) {
    throw new InputError(Inputs.image, spec, 'Give an AMI id (ami-…) or an AMI name pattern: letters, digits, ( ) [ ] space . / - \' @ _ and the wildcards * and ?, e.g. "web-*".')
  }
  const owners = ownersText === '' ? [DEFAULT_OWNER] : readList(inputs, Inputs.imageOwners)
  const bad = owners.find((o) => !IMAGE_OWNER.test(o))
  if (bad !== undefined) throw new InputError(Inputs.imageOwners, bad, 'An owner is an account id (12 digits), self, amazon, aws-marketplace or aws-backup-vault.')
  return { spec, owners }
}
