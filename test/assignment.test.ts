import { readFileSync } from "node:fs";

import { expect } from "chai";
import { hexlify } from "ethers";
import fc from "fast-check";
import { network } from "hardhat";

import { measureAssignment } from "../scripts/gas/assignment.js";
import {
  assignment,
  BLOCK_SEED_DOMAIN,
  blockSeed,
  levelPermutation,
  MAX_COMMITTEE_SIZE,
  MAX_LEAF_COUNT,
  MAX_TREE_COUNT,
  proverOf,
  treeCountFor,
} from "../src/protocol/assignment.js";
import type { TreeAssignmentHarness } from "../typechain-types/index.js";

import { Prng } from "./helpers/prng.js";

const { ethers } = await network.create();

interface AssignmentVector {
  m: number;
  c: number;
  leafCount: number;
  blockNumber: number;
  blockSeed: string;
  memberIndex: number[];
}
interface BlockSeedVector {
  epochSeed: string;
  blockNumber: string;
  blockSeed: string;
}
interface TreeCountVector {
  f: string;
  n: string;
  leafCount: string;
  toleranceWad: string;
  c: number;
}
interface Vectors {
  epochSeed: string;
  assignments: AssignmentVector[];
  blockSeeds: BlockSeedVector[];
  treeCountFor: TreeCountVector[];
}

const VECTORS = JSON.parse(
  readFileSync(new URL("./vectors/assignment.json", import.meta.url), "utf8"),
) as Vectors;

const WAD = 10n ** 18n;
const CHUNK = 20;

/** Runs `fn` over `items` in chunks of CHUNK concurrent calls. */
async function inChunks<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    out.push(...(await Promise.all(items.slice(i, i + CHUNK).map(fn))));
  }
  return out;
}

function randomSeed(prng: Prng): string {
  return hexlify(Uint8Array.from({ length: 32 }, () => prng.int(256)));
}

interface Shape {
  m: number;
  seed: string;
  c: number;
  leafCount: number;
}

/** m in [1, maxM], c in [1, min(m, 16)], L in {1, 2, ..., 2^maxLog}. */
function randomShape(prng: Prng, maxM = 64, maxLog = 6): Shape {
  const m = 1 + prng.int(maxM);
  const c = 1 + prng.int(Math.min(m, MAX_TREE_COUNT));
  return { m, seed: randomSeed(prng), c, leafCount: 2 ** prng.int(maxLog + 1) };
}

/** fast-check's version of {@link randomShape}: shrinks towards m = 1, c = 1, L = 1. */
function shapeArbitrary(maxM: number, maxLog: number): fc.Arbitrary<Shape> {
  return fc
    .record({
      m: fc.integer({ min: 1, max: maxM }),
      cPick: fc.nat(),
      leafLog: fc.integer({ min: 0, max: maxLog }),
      seed: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    })
    .map(({ m, cPick, leafLog, seed }) => ({
      m,
      c: 1 + (cPick % Math.min(m, MAX_TREE_COUNT)),
      leafCount: 2 ** leafLog,
      seed: hexlify(seed),
    }));
}

function counts(m: number, members: readonly number[]): number[] {
  const out = new Array<number>(m).fill(0);
  for (const x of members) out[x]++;
  return out;
}

function spread(values: readonly number[]): number {
  return Math.max(...values) - Math.min(...values);
}

/** Fails with `message` unless `condition`; cheaper than one chai assertion per element. */
function check(condition: boolean, message: string): void {
  if (!condition) expect.fail(message);
}

/** Asserts two index arrays are equal, naming the first difference. */
function expectSameIndices(actual: readonly number[], expected: readonly number[], label: string) {
  check(
    actual.length === expected.length,
    `${label}: length ${actual.length} != ${expected.length}`,
  );
  const i = actual.findIndex((x, k) => x !== expected[k]);
  check(i < 0, `${label}: entry ${i} is ${actual[i]}, expected ${expected[i]}`);
}

/**
 * Checks the guaranteed properties on a whole-block assignment `a` of shape (m, c, L); `label`
 * names the input in failure messages.
 */
function checkProperties(label: string, m: number, c: number, leafCount: number, a: number[]) {
  const nodes = 2 * leafCount - 1;
  // Every node of every tree has exactly one prover, a committee member.
  check(a.length === c * nodes, `${label}: ${a.length} entries for ${c * nodes} nodes`);
  for (const x of a) check(Number.isInteger(x) && x >= 0 && x < m, `${label}: entry ${x}`);
  const entry = (t: number, node: number) => a[t * nodes + node - 1];
  for (let t = 0; t < c; t++) {
    // Leaves spread as evenly as the committee allows.
    const leaves = Array.from({ length: leafCount }, (_, j) => entry(t, leafCount + j));
    check(spread(counts(m, leaves)) <= 1, `${label}: leaves of tree ${t} unbalanced`);
    // Within a level: distinct provers if the level fits in the committee, else balanced.
    for (let width = 1; width <= leafCount; width *= 2) {
      const level = Array.from({ length: width }, (_, j) => entry(t, width + j));
      const what = `${label}: tree ${t}, level of width ${width}`;
      if (width <= m) check(new Set(level).size === width, `${what} repeats a prover`);
      else check(spread(counts(m, level)) <= 1, `${what} is unbalanced`);
    }
  }
  // At every node position the c trees have c distinct provers.
  for (let node = 1; node <= nodes; node++) {
    const provers = Array.from({ length: c }, (_, t) => entry(t, node));
    check(new Set(provers).size === c, `${label}: node ${node} has a prover in two trees`);
  }
}

/** The custom error name a Solidity call reverts with, or its result. */
async function chainOutcome<T>(harness: TreeAssignmentHarness, call: Promise<T>) {
  try {
    return await call;
  } catch (error) {
    const data = (error as { data?: string }).data;
    if (data === undefined) throw error;
    const parsed = harness.interface.parseError(data);
    if (parsed === null) throw error;
    return parsed.name;
  }
}

/** The error name the TypeScript mirror throws (the message's prefix), or its result. */
function tsOutcome<T>(fn: () => T): T | string {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return error.message.split(":")[0];
  }
}

describe("TreeAssignment (striped proof trees)", function () {
  let harness: TreeAssignmentHarness;

  before(async function () {
    harness = await ethers.deployContract("TreeAssignmentHarness");
  });

  describe("shared vectors (test/vectors/assignment.json)", function () {
    it("has a small set of vectors", function () {
      expect(VECTORS.assignments.length).to.be.within(8, 12);
      expect(VECTORS.blockSeeds.length).to.be.greaterThan(0);
      expect(VECTORS.treeCountFor.length).to.be.greaterThan(0);
    });

    it("TypeScript reproduces every vector", function () {
      for (const v of VECTORS.assignments) {
        expect(blockSeed(VECTORS.epochSeed, BigInt(v.blockNumber))).to.equal(v.blockSeed);
        expect(assignment(v.m, v.blockSeed, v.c, v.leafCount)).to.deep.equal(v.memberIndex);
      }
      for (const v of VECTORS.blockSeeds) {
        expect(blockSeed(v.epochSeed, BigInt(v.blockNumber))).to.equal(v.blockSeed);
      }
      for (const v of VECTORS.treeCountFor) {
        expect(
          treeCountFor(BigInt(v.f), BigInt(v.n), BigInt(v.leafCount), BigInt(v.toleranceWad)),
        ).to.equal(v.c);
      }
    });

    it("Solidity reproduces every vector", async function () {
      await Promise.all(
        VECTORS.assignments.map(async (v) => {
          expect(await harness.blockSeed(VECTORS.epochSeed, v.blockNumber)).to.equal(v.blockSeed);
          const got = await harness.assignment(v.m, v.blockSeed, v.c, v.leafCount);
          expect(got.map(Number), `m=${v.m} c=${v.c} L=${v.leafCount}`).to.deep.equal(
            v.memberIndex,
          );
        }),
      );
      await Promise.all(
        VECTORS.blockSeeds.map(async (v) => {
          expect(await harness.blockSeed(v.epochSeed, v.blockNumber)).to.equal(v.blockSeed);
        }),
      );
      await Promise.all(
        VECTORS.treeCountFor.map(async (v) => {
          expect(await harness.treeCountFor(v.f, v.n, v.leafCount, v.toleranceWad)).to.equal(
            BigInt(v.c),
          );
        }),
      );
    });

    it("blockAssignment maps the vector's indices to the committee's addresses", async function () {
      const v = VECTORS.assignments.find((x) => x.m === 32 && x.c === 3 && x.leafCount === 16);
      if (v === undefined) throw new Error("the vectors lack the m=32 c=3 L=16 block");
      const committee = Array.from({ length: v.m }, () => ethers.Wallet.createRandom().address);
      const provers = await harness.blockAssignment(committee, v.blockSeed, v.c, v.leafCount);
      expect(provers).to.deep.equal(v.memberIndex.map((i) => committee[i]));
    });

    it("follows the rule as written: perm_d by Fisher–Yates, prover perm_d[(j + t*s) % m]", function () {
      // An independent transcription of the rule for one vector, hashing with ethers' AbiCoder.
      const v = VECTORS.assignments.find((x) => x.m === 7 && x.c === 2);
      if (v === undefined) throw new Error("the vectors lack the m=7 c=2 block");
      const coder = ethers.AbiCoder.defaultAbiCoder();
      const nodes = 2 * v.leafCount - 1;
      const s = Math.floor(v.m / v.c);
      for (let d = 0; 2 ** d <= v.leafCount; d++) {
        const perm = Array.from({ length: v.m }, (_, i) => i);
        for (let i = v.m - 1; i >= 1; i--) {
          const h = ethers.keccak256(
            coder.encode(["bytes32", "uint256", "uint256"], [v.blockSeed, d, i]),
          );
          const k = Number(BigInt(h) % BigInt(i + 1));
          [perm[i], perm[k]] = [perm[k], perm[i]];
        }
        expect(levelPermutation(v.m, v.blockSeed, d)).to.deep.equal(perm);
        for (let t = 0; t < v.c; t++) {
          for (let j = 0; j < 2 ** d; j++) {
            expect(v.memberIndex[t * nodes + 2 ** d + j - 1]).to.equal(perm[(j + t * s) % v.m]);
          }
        }
      }
      expect(BLOCK_SEED_DOMAIN).to.equal(ethers.id("PROVERNET_V1_BLOCK_SEED"));
    });
  });

  describe("randomized differential test (Solidity against TypeScript)", function () {
    // fast-check, seeded: a failing case shrinks (towards m = 1, c = 1, L = 1, node 1) and
    // prints its seed.
    it("assignment agrees on 200 random blocks", async function () {
      // 10 runs of 20 blocks, each run's calls sent together (as inChunks does); a failing run
      // shrinks every block of it towards the smallest shape.
      await fc.assert(
        fc.asyncProperty(
          fc.array(shapeArbitrary(64, 6), { minLength: CHUNK, maxLength: CHUNK }),
          async (shapes) => {
            await inChunks(shapes, async ({ m, seed, c, leafCount }) => {
              const got = await harness.assignment(m, seed, c, leafCount);
              expectSameIndices(
                got.map(Number),
                assignment(m, seed, c, leafCount),
                `m=${m} c=${c} L=${leafCount} seed=${seed}`,
              );
            });
          },
        ),
        { seed: 0xa551, numRuns: 200 / CHUNK },
      );
    });

    it("proverOf agrees with both assignments on random nodes", async function () {
      const cases = fc
        .record({ shape: shapeArbitrary(MAX_COMMITTEE_SIZE, 8), tree: fc.nat(), node: fc.nat() })
        .map(({ shape, tree, node }) => ({
          ...shape,
          tree: tree % shape.c,
          node: 1 + (node % (2 * shape.leafCount - 1)),
        }));
      await fc.assert(
        fc.asyncProperty(cases, async ({ m, seed, c, leafCount, tree, node }) => {
          const label = `m=${m} c=${c} L=${leafCount} tree=${tree} node=${node}`;
          const whole = assignment(m, seed, c, leafCount);
          const expected = whole[tree * (2 * leafCount - 1) + node - 1];
          expect(proverOf(m, seed, c, leafCount, tree, node), label).to.equal(expected);
          expect(await harness.proverOf(m, seed, c, leafCount, tree, node), label).to.equal(
            BigInt(expected),
          );
        }),
        { seed: 0xb0b, numRuns: 120 },
      );
    });

    it("blockSeed agrees on random epoch seeds and block numbers", async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => hexlify(b)),
          fc.bigInt({ min: 0n, max: 2n ** 64n }),
          async (epochSeed, blockNumber) => {
            expect(await harness.blockSeed(epochSeed, blockNumber)).to.equal(
              blockSeed(epochSeed, blockNumber),
            );
          },
        ),
        { seed: 0x5eed, numRuns: 40 },
      );
    });

    it("treeCountFor agrees on random inputs, boundaries and unreachable tolerances", async function () {
      const prng = new Prng(0x7c);
      const cases: { f: bigint; n: bigint; L: bigint; tol: bigint }[] = [
        // L = 1: C(1,1)/C(10,1) = 0.1 is NOT below 0.1; c = 2 > f needs no tolerance at all.
        { f: 1n, n: 10n, L: 1n, tol: 10n ** 17n },
        { f: 1n, n: 10n, L: 1n, tol: 10n ** 17n + 1n },
        // 7 positions: 7 · C(4,2)/C(16,2) = 0.35, 7 · C(4,3)/C(16,3) = 0.05.
        { f: 4n, n: 16n, L: 4n, tol: 10n ** 17n },
        { f: 4n, n: 16n, L: 4n, tol: (35n * WAD) / 100n + 1n },
        { f: 0n, n: 1n, L: 1n, tol: 1n },
        { f: 0n, n: 256n, L: 65_536n, tol: 1n },
        { f: 255n, n: 256n, L: 1n, tol: WAD },
        { f: 255n, n: 256n, L: 1n, tol: WAD - 1n },
        { f: 2n, n: 3n, L: 1n, tol: 10n ** 17n }, // c = 3 > f: reachable with every member a prover
        { f: 200n, n: 256n, L: 16n, tol: 10n ** 17n }, // needs more than 16 trees: unreachable
        { f: 1n, n: 256n, L: 65_536n, tol: 1n }, // c = 2 > f
      ];
      for (let i = 0; i < 160; i++) {
        const n = BigInt(1 + prng.int(MAX_COMMITTEE_SIZE));
        const f = prng.bigint(0n, n - 1n);
        const L = 1n << BigInt(prng.int(17));
        const tol = prng.int(2) === 0 ? 10n ** BigInt(prng.int(19)) : prng.bigint(1n, WAD);
        cases.push({ f, n, L, tol });
      }
      const results = await inChunks(cases, async ({ f, n, L, tol }) => {
        const ts = tsOutcome(() => treeCountFor(f, n, L, tol));
        const sol = await chainOutcome(harness, harness.treeCountFor(f, n, L, tol));
        expect(
          typeof sol === "bigint" ? Number(sol) : sol,
          `f=${f} n=${n} L=${L} tol=${tol}`,
        ).to.equal(ts);
        return ts;
      });
      // 255/256 < 1 - 1e-18, so c = 1 for tol = 1e18 - 1 as well.
      expect(results.slice(0, 11)).to.deep.equal([
        2,
        1,
        3,
        2,
        1,
        1,
        1,
        1,
        3,
        "ToleranceUnreachable",
        2,
      ]);
      // The answer is the smallest c with (2L − 1) · C(f,c) · 1e18 < tol · C(n,c), computed here
      // from factorial-free binomials independently of the implementation.
      const choose = (x: bigint, k: bigint): bigint => {
        if (k > x) return 0n;
        let r = 1n;
        for (let i = 0n; i < k; i++) r = (r * (x - i)) / (i + 1n);
        return r;
      };
      const holds = (f: bigint, n: bigint, L: bigint, tol: bigint, c: bigint) =>
        (2n * L - 1n) * choose(f, c) * WAD < tol * choose(n, c);
      let unreachable = 0;
      cases.forEach(({ f, n, L, tol }, i) => {
        const c = results[i];
        const maxC = n < 16n ? n : 16n;
        if (typeof c === "string") {
          unreachable++;
          for (let k = 1n; k <= maxC; k++) {
            expect(holds(f, n, L, tol, k), `f=${f} n=${n} L=${L} c=${k}`).to.equal(false);
          }
          return;
        }
        const big = BigInt(c);
        expect(holds(f, n, L, tol, big)).to.equal(true);
        if (c > 1) expect(holds(f, n, L, tol, big - 1n)).to.equal(false);
        // Never more trees than one above the faulty count: f < c makes every position safe.
        expect(big <= f + 1n).to.equal(true);
      });
      expect(unreachable).to.be.greaterThan(2);
    });
  });

  describe("properties", function () {
    it("hold on the TypeScript implementation over 400 random blocks (fast-check)", function () {
      // A quarter with large committees (m up to 256), the rest m <= 64 with wide levels. A
      // failure prints its seed and shrinks to a smallest shape.
      fc.assert(
        fc.property(
          fc.oneof(
            { arbitrary: shapeArbitrary(MAX_COMMITTEE_SIZE, 8), weight: 1 },
            { arbitrary: shapeArbitrary(64, 7), weight: 3 },
          ),
          ({ m, seed, c, leafCount }) => {
            checkProperties(
              `m=${m} c=${c} L=${leafCount}`,
              m,
              c,
              leafCount,
              assignment(m, seed, c, leafCount),
            );
          },
        ),
        { numRuns: 400, seed: 0x9091 },
      );
    });

    it("hold on edge shapes (c = m, c = 16, m = 1, L = 1, L > m)", function () {
      const seed = blockSeed(VECTORS.epochSeed, 7n);
      const shapes: [number, number, number][] = [
        [1, 1, 1],
        [1, 1, 64],
        [2, 2, 1],
        [5, 5, 32],
        [16, 16, 8],
        [17, 16, 16],
        [31, 16, 4],
        [256, 16, 16],
        [256, 1, 512],
        [3, 2, 256],
      ];
      for (const [m, c, leafCount] of shapes) {
        checkProperties(
          `m=${m} c=${c} L=${leafCount}`,
          m,
          c,
          leafCount,
          assignment(m, seed, c, leafCount),
        );
      }
    });

    it("hold on-chain for a few blocks", async function () {
      const prng = new Prng(0xc4a1);
      const shapes = [
        { m: 32, seed: randomSeed(prng), c: 3, leafCount: 16 },
        { m: 5, seed: randomSeed(prng), c: 5, leafCount: 64 },
        { m: 256, seed: randomSeed(prng), c: 16, leafCount: 8 },
        ...Array.from({ length: 5 }, () => randomShape(prng)),
      ];
      await inChunks(shapes, async ({ m, seed, c, leafCount }) => {
        const got = (await harness.assignment(m, seed, c, leafCount)).map(Number);
        checkProperties(`chain m=${m} c=${c} L=${leafCount}`, m, c, leafCount, got);
      });
    });

    it("rotates: over 400 block seeds each member holds each tree root about equally often", function () {
      const m = 8;
      const c = 3;
      const leafCount = 16;
      const blocks = 400;
      const roots = Array.from({ length: m }, () => new Array<number>(c).fill(0));
      const distinct = new Set<string>();
      for (let b = 0; b < blocks; b++) {
        const a = assignment(m, blockSeed(VECTORS.epochSeed, BigInt(b)), c, leafCount);
        distinct.add(a.join(","));
        for (let t = 0; t < c; t++) roots[a[t * (2 * leafCount - 1)]][t]++;
      }
      // Different block seeds give different assignments.
      expect(distinct.size).to.equal(blocks);
      // Each seed gives the c roots to a uniform random c-subset (in order) of the members, so a
      // member's root count is Binomial(400, 3/8): mean 150, sd ~9.7; tolerance +-40 (~4.1 sd).
      // Per tree, Binomial(400, 1/8): mean 50, sd ~6.6; tolerance +-28 (~4.2 sd).
      for (let member = 0; member < m; member++) {
        const total = roots[member].reduce((x, y) => x + y, 0);
        expect(Math.abs(total - (blocks * c) / m), `member ${member}: ${total}`).to.be.at.most(40);
        for (let t = 0; t < c; t++) {
          const held = roots[member][t];
          expect(Math.abs(held - blocks / m), `member ${member} tree ${t}: ${held}`).to.be.at.most(
            28,
          );
        }
      }
    });

    it("proverOf gives each node exactly the prover the whole-block assignment gives (fast-check)", function () {
      fc.assert(
        fc.property(shapeArbitrary(40, 4), ({ m, seed, c, leafCount }) => {
          const a = assignment(m, seed, c, leafCount);
          for (let t = 0; t < c; t++) {
            for (let node = 1; node < 2 * leafCount; node++) {
              check(
                proverOf(m, seed, c, leafCount, t, node) === a[t * (2 * leafCount - 1) + node - 1],
                `m=${m} c=${c} L=${leafCount}: tree ${t} node ${node}`,
              );
            }
          }
        }),
        { numRuns: 20, seed: 0x1d },
      );
    });
  });

  describe("custom errors", function () {
    const seed = "0x" + "ab".repeat(32);
    const cases: { name: string; args: bigint[]; m: number; c: number; leafCount: number }[] = [
      { name: "EmptyCommittee", args: [], m: 0, c: 1, leafCount: 1 },
      { name: "CommitteeTooLarge", args: [257n, 256n], m: 257, c: 1, leafCount: 1 },
      { name: "InvalidTreeCount", args: [0n, 4n], m: 4, c: 0, leafCount: 1 },
      { name: "InvalidTreeCount", args: [5n, 4n], m: 4, c: 5, leafCount: 1 },
      { name: "InvalidTreeCount", args: [17n, 20n], m: 20, c: 17, leafCount: 1 },
      { name: "InvalidLeafCount", args: [0n], m: 4, c: 2, leafCount: 0 },
      { name: "InvalidLeafCount", args: [3n], m: 4, c: 2, leafCount: 3 },
      {
        name: "InvalidLeafCount",
        args: [BigInt(MAX_LEAF_COUNT * 2)],
        m: 4,
        c: 2,
        leafCount: MAX_LEAF_COUNT * 2,
      },
    ];

    for (const { name, args, m, c, leafCount } of cases) {
      it(`${name} for m=${m} c=${c} L=${leafCount}`, async function () {
        await expect(harness.assignment(m, seed, c, leafCount))
          .to.be.revertedWithCustomError(harness, name)
          .withArgs(...args);
        await expect(harness.proverOf(m, seed, c, leafCount, 0, 1))
          .to.be.revertedWithCustomError(harness, name)
          .withArgs(...args);
        const committee = Array.from(
          { length: m },
          (_, i) => "0x" + (i + 1).toString(16).padStart(40, "0"),
        );
        await expect(harness.blockAssignment(committee, seed, c, leafCount))
          .to.be.revertedWithCustomError(harness, name)
          .withArgs(...args);
        const pattern = new RegExp(`^${name}:`);
        expect(() => assignment(m, seed, c, leafCount)).to.throw(RangeError, pattern);
        expect(() => proverOf(m, seed, c, leafCount, 0, 1)).to.throw(RangeError, pattern);
      });
    }

    it("InvalidTree for tree = c", async function () {
      await expect(harness.proverOf(8, seed, 3, 4, 3, 1))
        .to.be.revertedWithCustomError(harness, "InvalidTree")
        .withArgs(3n, 3n);
      expect(await harness.proverOf(8, seed, 3, 4, 2, 1)).to.equal(
        BigInt(proverOf(8, seed, 3, 4, 2, 1)),
      );
      expect(() => proverOf(8, seed, 3, 4, 3, 1)).to.throw(RangeError, /^InvalidTree:/);
    });

    it("InvalidNode for node = 0 and node = 2L", async function () {
      for (const node of [0, 8]) {
        await expect(harness.proverOf(8, seed, 3, 4, 0, node))
          .to.be.revertedWithCustomError(harness, "InvalidNode")
          .withArgs(BigInt(node), 4n);
        expect(() => proverOf(8, seed, 3, 4, 0, node)).to.throw(RangeError, /^InvalidNode:/);
      }
      // node = 2L - 1 (the last leaf) is valid.
      expect(await harness.proverOf(8, seed, 3, 4, 0, 7)).to.equal(
        BigInt(proverOf(8, seed, 3, 4, 0, 7)),
      );
    });

    it("accepts the upper bounds m = 256, c = 16 and L = 65536 (proverOf)", async function () {
      const node = 2 * MAX_LEAF_COUNT - 1;
      expect(await harness.proverOf(256, seed, 16, MAX_LEAF_COUNT, 15, node)).to.equal(
        BigInt(proverOf(256, seed, 16, MAX_LEAF_COUNT, 15, node)),
      );
    });

    it("treeCountFor: EmptyCommittee, CommitteeTooLarge, TooManyFaulty, InvalidLeafCount, InvalidTolerance, ToleranceUnreachable", async function () {
      const errorCases: {
        name: string;
        f: bigint;
        n: bigint;
        L: bigint;
        tol: bigint;
        args: bigint[];
      }[] = [
        { name: "EmptyCommittee", f: 0n, n: 0n, L: 1n, tol: WAD, args: [] },
        { name: "CommitteeTooLarge", f: 0n, n: 257n, L: 1n, tol: WAD, args: [257n, 256n] },
        { name: "TooManyFaulty", f: 5n, n: 5n, L: 1n, tol: WAD, args: [5n, 5n] },
        { name: "InvalidLeafCount", f: 1n, n: 5n, L: 0n, tol: WAD, args: [0n] },
        { name: "InvalidLeafCount", f: 1n, n: 5n, L: 3n, tol: WAD, args: [3n] },
        { name: "InvalidLeafCount", f: 1n, n: 5n, L: 131_072n, tol: WAD, args: [131_072n] },
        { name: "InvalidTolerance", f: 1n, n: 5n, L: 1n, tol: 0n, args: [0n] },
        { name: "InvalidTolerance", f: 1n, n: 5n, L: 1n, tol: WAD + 1n, args: [WAD + 1n] },
        {
          name: "ToleranceUnreachable",
          f: 255n,
          n: 256n,
          L: 16n,
          tol: 10n ** 15n,
          args: [255n, 256n, 10n ** 15n],
        },
      ];
      for (const { name, f, n, L, tol, args } of errorCases) {
        await expect(harness.treeCountFor(f, n, L, tol))
          .to.be.revertedWithCustomError(harness, name)
          .withArgs(...args);
        expect(() => treeCountFor(f, n, L, tol)).to.throw(RangeError, new RegExp(`^${name}:`));
      }
      // The accepted extremes.
      expect(await harness.treeCountFor(0n, 256n, 65_536n, 1n)).to.equal(1n);
      expect(await harness.treeCountFor(1n, 5n, 1n, WAD)).to.equal(1n);
    });
  });

  describe("gas", function () {
    it("election.assignmentView.n32c3L16 stays well under its 150000 ceiling", async function () {
      const gas = await measureAssignment(ethers);
      expect(Object.keys(gas)).to.deep.equal(["election.assignmentView.n32c3L16"]);
      expect(gas["election.assignmentView.n32c3L16"]).to.be.within(21_000, 150_000);
      console.log(
        `      election.assignmentView.n32c3L16 = ${gas["election.assignmentView.n32c3L16"]}`,
      );
    });
  });
});
