/**
 * Pure statistics over the simulation report's figures (wei amounts as bigints): the Gini
 * coefficient and the Lorenz curve of a distribution. Sums are exact on bigints; only the final
 * ratios are rounded to a `number` (about 53 bits of precision).
 */

/** A point of a Lorenz curve: the poorest `population` fraction holds `share` of the total. */
export interface LorenzPoint {
  population: number;
  share: number;
}

function checkNonNegative(values: readonly bigint[]): void {
  for (const value of values) {
    if (value < 0n) throw new RangeError(`values must be non-negative, got ${value}`);
  }
}

function sortedAscending(values: readonly bigint[]): bigint[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const FRACTION_BITS = 53n;

/**
 * `num / den` as a number, for `den > 0`: the integer part exactly (as far as a double holds it),
 * the fractional part to 53 bits.
 */
function ratio(num: bigint, den: bigint): number {
  if (den <= 0n) throw new RangeError(`denominator must be positive, got ${den}`);
  const negative = num < 0n;
  const magnitude = negative ? -num : num;
  const whole = magnitude / den;
  const rest = magnitude % den;
  const fraction = Number((rest << FRACTION_BITS) / den) / 2 ** Number(FRACTION_BITS);
  const value = Number(whole) + fraction;
  return negative ? -value : value;
}

/**
 * The Gini coefficient of `values` (0 = all equal, towards 1 = all held by one): with the values
 * sorted ascending and 1-based ranks `i`, `G = 2·Σ i·x_i / (n·Σ x) − (n + 1) / n`, computed as
 * the single exact fraction `(2·Σ i·x_i − (n + 1)·Σ x) / (n·Σ x)`. 0 for no values or all zeros.
 * Throws a `RangeError` on a negative value.
 */
export function gini(values: readonly bigint[]): number {
  checkNonNegative(values);
  const n = values.length;
  if (n === 0) return 0;
  let total = 0n;
  let weighted = 0n;
  sortedAscending(values).forEach((value, index) => {
    total += value;
    weighted += BigInt(index + 1) * value;
  });
  if (total === 0n) return 0;
  const numerator = 2n * weighted - BigInt(n + 1) * total;
  return ratio(numerator, BigInt(n) * total);
}

/**
 * The Lorenz curve of `values`: `n + 1` points from `(0, 0)` to `(1, 1)`, the `k`-th being the
 * fraction `k / n` of the population (sorted ascending) and the share of the total it holds. No
 * values or all zeros give the equality line (`[(0,0), (1,1)]` for no values). Throws a
 * `RangeError` on a negative value.
 */
export function lorenzCurve(values: readonly bigint[]): LorenzPoint[] {
  checkNonNegative(values);
  const n = values.length;
  if (n === 0) {
    return [
      { population: 0, share: 0 },
      { population: 1, share: 1 },
    ];
  }
  const sorted = sortedAscending(values);
  const total = sorted.reduce((sum, value) => sum + value, 0n);
  const points: LorenzPoint[] = [{ population: 0, share: 0 }];
  let cumulative = 0n;
  sorted.forEach((value, index) => {
    cumulative += value;
    const k = index + 1;
    const population = k === n ? 1 : k / n;
    const share = k === n ? 1 : total === 0n ? population : ratio(cumulative, total);
    points.push({ population, share });
  });
  return points;
}
