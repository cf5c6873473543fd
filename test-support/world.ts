// The simulated account as this project's tests build it: the simulator package's SimWorld with the test
// kit plugged in. Every world (and every fork) registers with stats.ts for the after-test checks, and this
// action's own invariants (invariants.ts) run after every tick, before the simulator's invariant 1; the
// instances' version is read from the action's default version tag.
// Tests write `new SimWorld(...)` and import it from here; everything else comes from the package's index.

import { SimWorld as PackageWorld, type SimWorldOptions, type WorldPlugins } from '../packages/aws-sim/src/index.js'
import { checkActionInvariants } from './invariants.js'
import { trackWorld } from './stats.js'

/** The action's default `version-tag` input (src/config/read.ts): the tag whose value is an instance's version. */
const VERSION_TAG_KEY = 'docker:image:version'

/** The hooks every world of the test kit gets (kept by its forks). */
const TEST_KIT_PLUGINS: WorldPlugins = { onCreated: trackWorld, tickChecks: [checkActionInvariants] }

export class SimWorld extends PackageWorld {
  constructor(options: SimWorldOptions = {}) {
    super({ ...options, versionTagKey: options.versionTagKey ?? VERSION_TAG_KEY }, TEST_KIT_PLUGINS)
  }
}
