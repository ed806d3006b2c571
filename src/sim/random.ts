/**
 * A small seeded PRNG (xorshift32) so that simulations and randomized tests replay exactly from
 * their seed. Not for anything secret.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 2 ** 32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform bigint in [lo, hi]. */
  bigint(lo: bigint, hi: bigint): bigint {
    const span = hi - lo + 1n;
    const r = (BigInt(this.int(2 ** 30)) << 30n) | BigInt(this.int(2 ** 30));
    return lo + (r % span);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Exponentially distributed with the given mean (0 if the mean is 0). */
  exponential(mean: number): number {
    return mean <= 0 ? 0 : -mean * Math.log(1 - this.next());
  }

  /** A new generator whose stream depends on this one's seed and `label` only. */
  fork(label: number): Prng {
    return new Prng((this.state ^ Math.imul(label + 1, 0x9e3779b1)) >>> 0);
  }

  /** A seeded Fisher–Yates shuffle of a copy of `items`. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const k = this.int(i + 1);
      [out[i], out[k]] = [out[k], out[i]];
    }
    return out;
  }
}
