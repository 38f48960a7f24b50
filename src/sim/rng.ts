// Seeded random streams (sfc32): every subsystem forks its own named stream from the one seed.

/** FNV-1a over a string, folded with a seed (and its high word, when there is one): the seed of a named child stream. */
function hashName(seed: number, name: string, hi = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  // Seeds below 2^32 skip this, so their streams are what they always were.
  for (let i = 0; hi !== 0 && i < 4; i++) {
    h ^= (hi >>> (8 * i)) & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The seed this stream was made from (for forks). */
  readonly seed: number;

  /** The seed's bits above the low 32 (0 for seeds in 0..2^32−1); forks fold them into their seeds. */
  private readonly hi: number;

  /**
   * A stream for any safe-integer seed: the low 32 bits seed the generator and the high bits are
   * folded into every fork, so −1 and 4294967295 (equal modulo 2^32) are different runs.
   */
  static fromSeed(seed: number): Rng {
    const lo = ((seed % 4294967296) + 4294967296) % 4294967296;
    return new Rng(lo, Math.floor(seed / 4294967296));
  }

  constructor(seed: number, hi = 0) {
    this.hi = hi | 0;
    this.seed = seed >>> 0;
    // splitmix32 expands the seed into sfc32's four words.
    let s = this.seed;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** An independent stream: draws here never shift the numbers of the parent or of other forks. */
  fork(name: string): Rng {
    return new Rng(hashName(this.seed, name, this.hi));
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform real in [min, max]. */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor((max - min + 1) * this.next());
  }

  /** True with probability p; draws nothing when p is 0 or 1. */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}
