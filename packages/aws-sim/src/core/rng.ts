// Seeded pseudo-random numbers for everything AWS leaves unpredictable (timing, lag, jitter): one stream per
// world, so a run is reproducible per seed. Separate from the id factory, so drawing a number never shifts ids.

export class SeededRandom {
  private state: number

  constructor(seed = 0x5eed) {
    this.state = (seed ^ 0x2545f491) >>> 0
  }

  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Uniform in [min, max]. */
  between(min: number, max: number): number {
    return min + (max - min) * this.next()
  }

  /** Integer uniform in [min, max]. */
  int(min: number, max: number): number {
    return Math.min(max, min + Math.floor((max - min + 1) * this.next()))
  }

  /** `value` varied by up to ±fraction (e.g. 0.2 = ±20 %). */
  vary(value: number, fraction: number): number {
    return value * (1 + fraction * (2 * this.next() - 1))
  }
}
