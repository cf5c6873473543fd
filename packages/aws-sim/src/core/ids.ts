// Deterministic identifiers: every id comes from a seeded counter, so two runs of a test see the same ids.

export class IdFactory {
  private counter = 0

  constructor(private readonly seed = 0x5eed) {}

  private next(): number {
    this.counter++
    // xorshift-ish mix of seed and counter: stable, spread out, no Math.random.
    let x = (this.seed ^ (this.counter * 0x9e3779b1)) >>> 0
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    return x >>> 0
  }

  hex(length: number): string {
    let out = ''
    while (out.length < length) out += this.next().toString(16).padStart(8, '0')
    return out.slice(0, length)
  }

  instanceId(): string {
    return `i-${this.hex(17)}`
  }

  uuid(): string {
    const h = this.hex(32)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
  }

  requestId(): string {
    return this.uuid()
  }

  upper(length: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
    let out = ''
    while (out.length < length) out += alphabet[this.next() % alphabet.length]
    return out
  }
}
