/**
 * Random draws inside a fast-check property (`fc.gen()`), with the methods the seeded tests used
 * to call on their PRNG: a test that draws a random action sequence step by step keeps its shape,
 * and fast-check replays it from the seed it prints, shrinking a failing sequence's draws towards
 * zero (the first action, the first candidate, the smallest amount).
 */
import fc from "fast-check";

import type { Prng } from "./prng.js";

/** What the randomized tests draw from: the seeded PRNG's methods, which {@link Draws} has too. */
export type RandomSource = Pick<Prng, "int" | "next" | "chance" | "bigint" | "pick">;

export class Draws implements RandomSource {
  constructor(private readonly g: fc.GeneratorValue) {}

  /** An integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1)) throw new RangeError(`Draws.int needs n >= 1, got ${n}`);
    return this.g(fc.integer, { min: 0, max: n - 1 });
  }

  /** A number in [0, 1), in steps of 2^-32. */
  next(): number {
    return this.g(fc.integer, { min: 0, max: 2 ** 32 - 1 }) / 2 ** 32;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A bigint in [lo, hi]. */
  bigint(lo: bigint, hi: bigint): bigint {
    return this.g(fc.bigInt, { min: lo, max: hi });
  }

  /** One of `items` (not empty). */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/**
 * The arbitrary of a property that draws step by step: {@link Draws} over `fc.gen()`, with at
 * most `maxShrinks` shrink candidates (each candidate of a chain test replays a whole sequence
 * on a fresh deployment, so a failure reports after a bounded number of replays).
 */
export function draws(maxShrinks = 20): fc.Arbitrary<Draws> {
  return fc.limitShrink(fc.gen(), maxShrinks).map((g) => new Draws(g));
}
