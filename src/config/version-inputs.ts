// The version to deploy: an Auto Scaling tag value, and, unless the step says otherwise (version-format),
// something the starter kit's boot script can pull: a Docker tag or an image digest.
import { InputError } from '../errors.js'
import { Inputs } from './inputs.js'
import type { InputReader } from './reader.js'

// AWS tag values: letters, digits and spaces in any language, and _ . : / = + - @ (max 256).
export const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u
/** A Docker image tag (Docker's reference grammar) and an image digest: what examples/user-data/boot.sh accepts. */
export const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
export const DOCKER_DIGEST = /^sha256:[0-9a-f]{64}$/

export const VERSION_FORMATS = ['docker', 'any'] as const

/**
 * The version input, checked before any AWS call. A deploy or canary without `image` writes it to the
 * version tag that every new instance reads at boot: a value the boot script refuses would fail every
 * instance, and the deploy only after the boot allowance, so with version-format docker it is refused here.
 */
export function readVersion(inputs: InputReader, mode: string, withImage: boolean): string {
  const version = inputs.getInput(Inputs.version)
  const formatText = inputs.getInput(Inputs.versionFormat).toLowerCase() || 'docker'
  if (!(VERSION_FORMATS as readonly string[]).includes(formatText)) {
    throw new InputError(Inputs.versionFormat, formatText, `Use one of: ${VERSION_FORMATS.join(', ')}.`)
  }
  if (mode === 'canary' && version === '') throw new InputError(Inputs.version, version, `${mode} needs the version to deploy.`)
  if (mode === 'deploy' && version === '' && !withImage) {
    throw new InputError(Inputs.version, version, `${mode} needs the version to deploy (or an image: the version is then the AMI id).`)
  }
  if (version.length > 256) {
    throw new InputError(Inputs.version, `${version.slice(0, 40)}…`, `It has ${version.length} characters; an Auto Scaling tag value holds at most 256.`)
  }
  if (!TAG_VALUE.test(version)) {
    throw new InputError(Inputs.version, version, 'An Auto Scaling tag value may hold only letters, digits, spaces and _ . : / = + - @.')
  }
  const writesVersionForBoot = (mode === 'deploy' || mode === 'canary') && !withImage && version !== ''
  if (writesVersionForBoot && formatText === 'docker' && !DOCKER_TAG.test(version) && !DOCKER_DIGEST.test(version)) {
    throw new InputError(
      Inputs.version,
      version,
      'With version-format: docker (the default), the version must be what the starter kit\'s boot script (examples/user-data/boot.sh) can pull: ' +
        'a Docker tag (^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$: letters, digits, _ . -, at most 128, not starting with . or -) ' +
        'or an image digest (^sha256:[0-9a-f]{64}$). Every instance would otherwise fail at boot. ' +
        'If your own boot script accepts other tag values, set version-format: any.'
    )
  }
  return version
}
