/**
 * Deterministic generation for the fuzzer: every case is generated from (campaign seed, case index)
 * alone, so a case can be regenerated without replaying the cases before it and batches can be of
 * any size. Values are produced with fast-check's own `Arbitrary.generate`, so they keep the
 * context fast-check needs to shrink them (`Arbitrary.shrink`), which ts-fuzz/shrink.ts drives
 * itself (in batches) instead of going through fc.assert.
 */
import fc from 'fast-check';

/** A pure-rand (v8 shape) generator: xoshiro128**, seeded through splitmix32. */
class Xoshiro128 {
  constructor(private s0: number, private s1: number, private s2: number, private s3: number) {}

  static fromSeed(seed: number): Xoshiro128 {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    const g = new Xoshiro128(next(), next(), next(), next());
    if ((g.s0 | g.s1 | g.s2 | g.s3) === 0) g.s0 = 1;
    return g;
  }

  clone(): Xoshiro128 {
    return new Xoshiro128(this.s0, this.s1, this.s2, this.s3);
  }

  /** Uniform in [-2^31, 2^31 - 1], as pure-rand's RandomGenerator.next(). */
  next(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r | 0;
  }

  getState(): readonly number[] {
    return [this.s0, this.s1, this.s2, this.s3];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The seed of case `index` of a campaign with seed `seed`. */
export function caseSeed(seed: number, index: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(index + 1, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * fast-check's bias factor for run `index` (the same schedule as fc.assert: small values and
 * edge cases are favoured more in early runs), or no bias for one case in four.
 */
export function biasFor(index: number): number | undefined {
  if (index % 4 === 3) return undefined;
  return 2 + Math.floor(Math.log10(index + 1));
}

/** Generates case `index` of campaign `seed`, with its shrink context. */
export function generateValue<T>(arb: fc.Arbitrary<T>, seed: number, index: number): fc.Value<T> {
  const mrng = new fc.Random(Xoshiro128.fromSeed(caseSeed(seed, index)));
  return arb.generate(mrng, biasFor(index));
}
