/**
 * Why `vrfPath` does not read the path from the election's VRF output (docs/policies.md
 * section 1), as a seeded simulation in TypeScript only. Each trial draws N = 256 operators with
 * uniform 256-bit election outputs and keeps the 32 lowest as the committee, as the election
 * does; each member is then mapped to a leaf of a 16-leaf tree two ways:
 *
 * - naive: the leading 4 bits of its election output. The committee's outputs are the lowest
 *   eighth, so nearly every member lands in leaf 0 or 1: a chi-square test rejects uniformity.
 * - the policy's rule: `pathLeaf(blockSeed, address, 16)` with a fresh block seed per trial. The
 *   election never looked at this word, so a chi-square test at the 0.1% level does not reject
 *   uniformity, every leaf's share is close to 1/16 and each leaf is reached in about
 *   `1 - (15/16)^32` (87%) of the blocks.
 */
import { expect } from "chai";
import { getAddress, hexlify } from "ethers";

import { pathLeaf, pathLeafFromBits } from "../src/protocol/policies/vrfPath.js";
import { Prng } from "./helpers/prng.js";

const TRIALS = 400;
const OPERATORS = 256;
const COMMITTEE = 32;
const LEAVES = 16;
/** The chi-square critical value with 15 degrees of freedom at the 0.1% level. */
const CHI2_15_CRITICAL_0_001 = 37.697;

/** Pearson's chi-square statistic of `counts` against the uniform distribution. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
}

function random256(prng: Prng): bigint {
  let x = 0n;
  for (let i = 0; i < 8; i++) x = (x << 32n) | BigInt(prng.int(2 ** 32));
  return x;
}

function randomHex(prng: Prng, bytes: number): string {
  return hexlify(Uint8Array.from({ length: bytes }, () => prng.int(256)));
}

interface Tally {
  /** Members per leaf over every trial. */
  counts: number[];
  /** Trials in which the leaf had at least one member. */
  covered: number[];
}

function simulate(seed: number): { naive: Tally; path: Tally } {
  const prng = new Prng(seed);
  const naive: Tally = { counts: new Array(LEAVES).fill(0), covered: new Array(LEAVES).fill(0) };
  const path: Tally = { counts: new Array(LEAVES).fill(0), covered: new Array(LEAVES).fill(0) };
  for (let t = 0; t < TRIALS; t++) {
    const outputs = Array.from({ length: OPERATORS }, () => random256(prng));
    // The election keeps the lowest outputs. Addresses are independent of the outputs, so only
    // the kept members need one.
    outputs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const committee = outputs.slice(0, COMMITTEE).map((output) => ({
      output,
      address: getAddress(randomHex(prng, 20)),
    }));
    const blockSeed = randomHex(prng, 32);
    const tally = (into: Tally, leaves: number[]) => {
      for (const leaf of leaves) into.counts[leaf]++;
      for (const leaf of new Set(leaves)) into.covered[leaf]++;
    };
    tally(
      naive,
      committee.map((x) => pathLeafFromBits(x.output, LEAVES)),
    );
    tally(
      path,
      committee.map((x) => pathLeaf(blockSeed, x.address, LEAVES)),
    );
  }
  return { naive, path };
}

function report(label: string, tally: Tally): void {
  const total = tally.counts.reduce((a, b) => a + b, 0);
  const shares = tally.counts.map((c) => ((100 * c) / total).toFixed(1)).join(" ");
  const coverage = tally.covered.map((c) => ((100 * c) / TRIALS).toFixed(0)).join(" ");
  console.log(`      ${label}: chi2 = ${chiSquare(tally.counts).toFixed(2)}`);
  console.log(`        share per leaf (%):    ${shares}`);
  console.log(`        coverage per leaf (%): ${coverage}`);
}

describe("vrfPath statistics: the path word versus the election's output", function () {
  let naive: Tally;
  let path: Tally;

  before(function () {
    ({ naive, path } = simulate(0x57a7001));
  });

  it("chi-square of a known sample (sanity)", function () {
    expect(chiSquare([10, 10, 10, 10])).to.equal(0);
    // (20-10)^2/10 + (0-10)^2/10 = 20.
    expect(chiSquare([20, 0, 10, 10])).to.equal(20);
  });

  it(`naive (leading bits of the election output): uniformity rejected over ${TRIALS} committees`, function () {
    report("naive", naive);
    expect(naive.counts.reduce((a, b) => a + b, 0)).to.equal(TRIALS * COMMITTEE);
    expect(chiSquare(naive.counts)).to.be.greaterThan(CHI2_15_CRITICAL_0_001);
    // The committee is the lowest eighth of the outputs: over 90% lands in leaves 0 and 1,
    // everything in the left quarter of the tree, and 12 of the 16 leaves are never reached.
    expect((naive.counts[0] + naive.counts[1]) / (TRIALS * COMMITTEE)).to.be.greaterThan(0.9);
    expect(naive.counts.slice(0, 4).reduce((x, y) => x + y, 0)).to.equal(TRIALS * COMMITTEE);
    expect(naive.covered.slice(4).every((c) => c === 0)).to.equal(true);
  });

  it("pathLeaf(blockSeed, address, 16): uniformity not rejected at the 0.1% level, every leaf near 1/16", function () {
    report("path word", path);
    const total = path.counts.reduce((a, b) => a + b, 0);
    expect(total).to.equal(TRIALS * COMMITTEE);
    expect(chiSquare(path.counts)).to.be.lessThan(CHI2_15_CRITICAL_0_001);
    for (let leaf = 0; leaf < LEAVES; leaf++) {
      // Expected share 1/16 = 6.25% (sd 0.21 points over 12800 draws): within 15% of it.
      const share = path.counts[leaf] / total;
      expect(share, `leaf ${leaf} share`).to.be.within(0.85 / LEAVES, 1.15 / LEAVES);
      // Reached in 1 - (15/16)^32 = 87.3% of the blocks (sd 1.7 points over 400 blocks).
      const coverage = path.covered[leaf] / TRIALS;
      expect(coverage, `leaf ${leaf} coverage`).to.be.within(0.8, 0.94);
    }
  });
});
