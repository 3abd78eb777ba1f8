/**
 * Seeded random numbers. Domain code never calls Math.random: every stochastic piece receives an Rng,
 * seeded from (run seed, symbol, date, strategy, parameter hash) so that a replay is byte-identical.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), 32-bit state words, seeded through splitmix32.
 */

/** 32-bit FNV-1a hash of a string: stable across platforms and Node versions. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Combine any number of seed parts (numbers or strings) into one 32-bit seed. */
export function seedFrom(...parts: ReadonlyArray<string | number | bigint>): number {
  return hash32(parts.map((p) => String(p)).join("\u001f"));
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = Number.NaN;

  constructor(seed: number) {
    const st = { s: seed | 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** Next raw 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits of resolution. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box-Muller, polar form not needed: the pair is cached). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const s = this.spareNormal;
      this.spareNormal = Number.NaN;
      return s;
    }
    let u = this.uniform();
    while (u <= 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean (> 0). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** Poisson with mean `lambda` (Knuth for small means, normal approximation above 60). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 60) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }

  /** Geometric number of trials >= 1 with success probability p. */
  geometric(p: number): number {
    if (p >= 1) return 1;
    return 1 + Math.floor(Math.log(1 - this.uniform()) / Math.log(1 - p));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
