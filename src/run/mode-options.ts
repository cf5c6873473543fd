// The narrow options the per-mode rules (domain/modes.ts) read, taken from the run's Config.
import type { Config } from '../config/types.js'
import type { ModeOptions } from '../domain/modes.js'

export function modeOptionsOf(config: Config): ModeOptions {
  return {
    version: config.version,
    versionTagKey: config.versionTagKey,
    run: config.runUrl,
    releaseTag: config.releaseTag,
    canaryCount: config.canaryCount ?? 1,
    // Deploy by image: known once the image is resolved (before pre-flight).
    ...(config.image?.id ? { image: { id: config.image.id, ready: config.image.ready ?? [] } } : {})
  }
}
