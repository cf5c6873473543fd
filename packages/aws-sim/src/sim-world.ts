// SimWorld: a World (world/world.ts) with its wire: the in-process request handler SDK clients send to
// (`requestHandler`, or `handler(...)` for a second set of clients) and the Describe views that lag behind
// writes. The composition root of the layers (core ← models ← world ← wire): the one class that sees them all.

import { LAG_SOURCES } from './wire/handlers/views.js'
import { SimHandler, type SimHandlerOptions } from './wire/handler.js'
import { World, type SimWorldOptions, type WorldPlugins } from './world/world.js'

export class SimWorld extends World {
  readonly requestHandler: SimHandler

  constructor(options: SimWorldOptions = {}, plugins: WorldPlugins = {}) {
    super(options, plugins)
    for (const source of LAG_SOURCES) this.readLag.addSource(source)
    this.requestHandler = new SimHandler(this)
  }

  /**
   * An extra request handler bound to this world (for a second set of clients), e.g. one whose writes are
   * held `writeDelayMs` of virtual time (±30 %, seeded) before being applied and answered; reads are not delayed.
   */
  handler(options: SimHandlerOptions = {}): SimHandler {
    return new SimHandler(this, options)
  }
}

/** A new simulated account with these options; `plugins` are the client's hooks and checks (WorldPlugins). */
export function createWorld(options: SimWorldOptions = {}, plugins: WorldPlugins = {}): SimWorld {
  return new SimWorld(options, plugins)
}
