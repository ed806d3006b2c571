/**
 * The `sortedRounds` policy (seed 001, option 2): `contracts/policies/SortedRoundsPolicy.sol` and
 * its TypeScript mirror `src/protocol/policies/sortedRounds.ts` proven equal: the round structure
 * of the spec's examples (16 leaves and seed 001's 2^10 leaves with h = 2), shared vectors
 * (test/vectors/policySortedRounds.json, regenerated from the TypeScript rules), seeded randomized
 * differential tests of `acceptRoot` and `settleBlock`, and the boundaries (round height,
 * record length, committee size, L = 1, no rounds at all, conservation with dust).
 */
import { readFileSync, writeFileSync } from "node:fs";

import { expect } from "chai";
import fc from "fast-check";
import { getAddress, getBytes, hexlify } from "ethers";
import { network } from "hardhat";

import {
  NONE,
  PROPOSER,
  PolicyError,
  type AssignmentPolicyRules,
  type BlockCredit,
  type PolicyBlock,
} from "../src/protocol/policies/types.js";
import {
  roundCount,
  roundOfLevel,
  roundProvers,
  roundSize,
  sortedRoundsRules,
} from "../src/protocol/policies/sortedRounds.js";
import type { SortedRoundsPolicy } from "../typechain-types/index.js";
import { Prng } from "./helpers/prng.js";
import { draws, type RandomSource } from "./helpers/draws.js";

const { ethers } = await network.create();

const VECTOR_FILE = new URL("./vectors/policySortedRounds.json", import.meta.url);
const HEIGHTS = [1, 2, 3, 4];

interface CreditJson {
  amounts: string[];
  proposer: string;
  toPool: string;
  burned: string;
  credited: string;
  assigned: string;
  validRoots: number;
  rejectedNode: number[];
  rejectedMember: number[];
}
interface VectorCase {
  name: string;
  roundHeight: number;
  seed: string;
  leafCount: number;
  proposer: string;
  committee: string[];
  /** Per heap node 1 .. 2L-1: [first, second, sequencerLevel ? 1 : 0]. */
  roundProvers: [number, number, number][];
  records: string[];
  acceptRoot: string[];
  provers: string;
  credit: CreditJson;
}
interface Vectors {
  cases: VectorCase[];
}

function randomBytes(prng: RandomSource, n: number): string {
  return hexlify(Uint8Array.from({ length: n }, () => prng.int(256)));
}
function randomAddress(prng: RandomSource): string {
  return getAddress(randomBytes(prng, 20));
}
function randomBlock(prng: RandomSource, m: number, leafCount: number): PolicyBlock {
  return {
    slot: BigInt(prng.int(1000)),
    seed: randomBytes(prng, 32),
    committee: Array.from({ length: m }, () => randomAddress(prng)),
    treeCount: 1,
    leafCount,
    proposer: randomAddress(prng),
  };
}
function context(block: PolicyBlock) {
  return {
    slot: block.slot,
    seed: block.seed,
    committeeSize: block.committee.length,
    treeCount: block.treeCount,
    leafCount: block.leafCount,
    proposer: block.proposer,
  };
}

/**
 * The honest record: every node credited to its first holder; with `sequencer`, the sequencer
 * levels credited to PROPOSER instead.
 */
function honestRecord(rules: AssignmentPolicyRules, block: PolicyBlock, sequencer = false) {
  const h = rulesHeight.get(rules) ?? 2;
  const depth = Math.log2(block.leafCount);
  const credits = new Map<number, number[]>();
  for (let node = 1; node < 2 * block.leafCount; node++) {
    const d = Math.floor(Math.log2(node));
    if (sequencer && roundOfLevel(depth, h, d).sequencerLevel) {
      credits.set(node, [PROPOSER]);
      continue;
    }
    const holders = rules.holders(block, 0, node);
    if (holders.length > 0) credits.set(node, [holders[0].credit]);
  }
  return rules.encodeRecord(block, 0, credits);
}
const rulesHeight = new Map<AssignmentPolicyRules, number>();
function rulesFor(h: number): AssignmentPolicyRules {
  const r = sortedRoundsRules(h);
  rulesHeight.set(r, h);
  return r;
}

function withByte(record: Uint8Array, node: number, value: number): Uint8Array {
  const out = Uint8Array.from(record);
  out[node - 1] = value;
  return out;
}
function creditJson(c: BlockCredit): CreditJson {
  return {
    amounts: c.amounts.map(String),
    proposer: String(c.proposer),
    toPool: String(c.toPool),
    burned: String(c.burned),
    credited: String(c.credited),
    assigned: String(c.assigned),
    validRoots: c.validRoots,
    rejectedNode: c.rejectedNode,
    rejectedMember: c.rejectedMember,
  };
}
function tsRoot(rules: AssignmentPolicyRules, block: PolicyBlock, record: Uint8Array): string {
  try {
    rules.checkRoot(block, 0, record);
    return "ok";
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return `${error.errorName}(${error.args.join(",")})`;
  }
}
function conserved(c: BlockCredit, provers: bigint): boolean {
  return c.amounts.reduce((a, b) => a + b, 0n) + c.proposer + c.toPool + c.burned === provers;
}
function proverTable(m: number, leafCount: number, h: number): [number, number, number][] {
  return Array.from({ length: 2 * leafCount - 1 }, (_, i) => {
    const p = roundProvers(m, leafCount, i + 1, h);
    return [p.first, p.second, p.sequencerLevel ? 1 : 0];
  });
}

/** The shared vectors, generated from the TypeScript rules (deterministic). */
function generateVectors(): Vectors {
  const prng = new Prng(0x5eed002);
  const shapes: [string, number, number, number][] = [
    ["single node, h = 1 (the root is round 0)", 1, 3, 1],
    ["16 leaves, h = 2, 32 members (the spec's example)", 2, 32, 16],
    ["16 leaves, h = 2, 5 members (ranks wrap)", 2, 5, 16],
    ["16 leaves, h = 3, 12 members (two sequencer levels)", 3, 12, 16],
    ["8 leaves, h = 2, 1 member", 2, 1, 8],
    ["4 leaves, h = 4 (no rounds: only PROPOSER)", 4, 6, 4],
  ];
  const cases = shapes.map(([name, h, m, leafCount]): VectorCase => {
    const rules = rulesFor(h);
    const block = randomBlock(prng, m, leafCount);
    const honest = honestRecord(rules, block);
    const records = [
      withByte(honest, 2 * leafCount - 1, NONE),
      honestRecord(rules, block, true),
      honest,
      withByte(honest, 1, PROPOSER),
      withByte(honest, leafCount, m),
    ];
    const provers = BigInt(1000 + prng.int(1_000_000));
    return {
      name,
      roundHeight: h,
      seed: block.seed,
      leafCount,
      proposer: block.proposer,
      committee: [...block.committee],
      roundProvers: proverTable(m, leafCount, h),
      records: records.map((r) => hexlify(r)),
      acceptRoot: records.map((r) => tsRoot(rules, block, r)),
      provers: String(provers),
      credit: creditJson(rules.settleBlock(block, records, provers)),
    };
  });
  return { cases };
}

describe("SortedRoundsPolicy (seed 001, option 2)", function () {
  const policies = new Map<number, SortedRoundsPolicy>();

  before(async function () {
    for (const h of HEIGHTS)
      policies.set(h, await ethers.deployContract("SortedRoundsPolicy", [h]));
  });

  function policyOf(h: number): SortedRoundsPolicy {
    const p = policies.get(h);
    if (p === undefined) throw new Error(`no policy for h = ${h}`);
    return p;
  }

  async function chainSettle(
    h: number,
    block: PolicyBlock,
    records: readonly Uint8Array[],
    provers: bigint,
  ): Promise<BlockCredit> {
    const c = await policyOf(h).settleBlock(
      context(block),
      [...block.committee],
      [...records],
      provers,
    );
    return {
      amounts: c.amounts.map((x) => x),
      proposer: c.proposer,
      toPool: c.toPool,
      burned: c.burned,
      credited: c.credited,
      assigned: c.assigned,
      validRoots: Number(c.validRoots),
      rejectedNode: c.rejectedNode.map(Number),
      rejectedMember: c.rejectedMember.map(Number),
    };
  }

  async function chainRoot(h: number, block: PolicyBlock, record: Uint8Array): Promise<string> {
    const policy = policyOf(h);
    try {
      await policy.acceptRoot(context(block), 0, true, record);
      return "ok";
    } catch (error) {
      const data = (error as { data?: string }).data;
      if (data === undefined) throw error;
      const parsed = policy.interface.parseError(data);
      if (parsed === null) throw error;
      return `${parsed.name}(${parsed.args.map(String).join(",")})`;
    }
  }

  async function chainProverTable(h: number, m: number, leafCount: number) {
    const rows = await Promise.all(
      Array.from({ length: 2 * leafCount - 1 }, (_, i) =>
        policyOf(h).roundProvers(m, leafCount, i + 1),
      ),
    );
    return rows.map(([a, b, s]): [number, number, number] => [Number(a), Number(b), s ? 1 : 0]);
  }

  describe("round structure", function () {
    it("L = 16, h = 2, m = 32: round 0 has 8 subtrees and ranks 0..15, round 1 2 subtrees and ranks 0..3, the root is the sequencer's", async function () {
      const policy = policyOf(2);
      expect(await policy.POLICY_ID()).to.equal(2n);
      expect(await policy.roundHeight()).to.equal(2n);
      expect(await policy.roundCount(16)).to.equal(2n);
      expect(roundCount(4, 2)).to.equal(2);
      const table = proverTable(32, 16, 2);
      expect(await chainProverTable(2, 32, 16)).to.deep.equal(table);
      const ranksOf = (lo: number, hi: number) =>
        new Set(table.slice(lo - 1, hi).flatMap(([a, b, s]) => (s ? [] : [a, b])));
      // Round 0: levels 4 and 3 (nodes 8 .. 31).
      const r0 = ranksOf(8, 31);
      expect([...r0].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 16 }, (_, i) => i));
      const [n0, s0] = await policy.roundShape(32, 16, 0);
      expect([n0, s0]).to.deep.equal([8n, 16n]);
      // Round 1: levels 2 and 1 (nodes 2 .. 7).
      const r1 = ranksOf(2, 7);
      expect([...r1].sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3]);
      const [n1, s1] = await policy.roundShape(32, 16, 1);
      expect([n1, s1]).to.deep.equal([2n, 4n]);
      expect(r1.size).to.be.lessThan(r0.size);
      // The root: the sequencer's level.
      expect(table[0][2]).to.equal(1);
      expect(await policy.roundOf(16, 1)).to.deep.equal([2n, true]);
      expect(await policy.roundOf(16, 4)).to.deep.equal([1n, false]);
      expect(await policy.roundOf(16, 8)).to.deep.equal([0n, false]);
      expect(await policy.roundOf(16, 31)).to.deep.equal([0n, false]);
      // Subtree k of round 0 is proven by ranks 2k and 2k + 1 at both its levels.
      for (let k = 0; k < 8; k++) {
        expect(table[8 + k - 1]).to.deep.equal([2 * k, 2 * k + 1, 0]);
        expect(table[16 + 2 * k - 1]).to.deep.equal([2 * k, 2 * k + 1, 0]);
        expect(table[16 + 2 * k + 1 - 1]).to.deep.equal([2 * k, 2 * k + 1, 0]);
      }
      await expect(policy.roundShape(32, 16, 2))
        .to.be.revertedWithCustomError(policy, "InvalidPolicyParameter")
        .withArgs("round", 2);
    });

    it("seed 001's example: 2^10 leaves, h = 2: five rounds, each a quarter of the last, the sequencer completes the root", async function () {
      const policy = policyOf(2);
      expect(await policy.roundCount(1024)).to.equal(5n);
      expect(roundCount(10, 2)).to.equal(5);
      const shapes = await Promise.all([0, 1, 2, 3, 4].map((r) => policy.roundShape(254, 1024, r)));
      expect(shapes.map(([n]) => Number(n))).to.deep.equal([512, 128, 32, 8, 2]);
      expect(shapes.map(([, s]) => Number(s))).to.deep.equal([254, 254, 64, 16, 4]);
      for (let r = 0; r < 5; r++) expect(roundSize(10, 2, 254, r)).to.equal(Number(shapes[r][1]));
      expect(await policy.roundOf(1024, 1)).to.deep.equal([5n, true]);
      expect(await policy.roundOf(1024, 2)).to.deep.equal([4n, false]);
      expect((await policy.roundProvers(254, 1024, 1))[2]).to.equal(true);
      expect(roundProvers(254, 1024, 1, 2).sequencerLevel).to.equal(true);
      // The last round (levels 2 and 1) is two provers of one subtree; they may finish the root.
      expect(await policy.roundProvers(254, 1024, 2)).to.deep.equal([0n, 1n, false]);
      expect(await policy.roundProvers(254, 1024, 3)).to.deep.equal([2n, 3n, false]);
      expect(await policy.isAllowed(254, 1024, 1, 3)).to.equal(true);
      expect(await policy.isAllowed(254, 1024, 1, 4)).to.equal(false);
      expect(await policy.isAllowed(254, 1024, 1, PROPOSER)).to.equal(true);
    });
  });

  describe("shared vectors (test/vectors/policySortedRounds.json)", function () {
    const generated = generateVectors();
    if (process.env.UPDATE_VECTORS === "1") {
      writeFileSync(VECTOR_FILE, JSON.stringify(generated, null, 2) + "\n");
    }
    const vectors = JSON.parse(readFileSync(VECTOR_FILE, "utf8")) as Vectors;

    it("regenerating from the TypeScript rules gives the committed file", function () {
      expect(generated).to.deep.equal(vectors);
    });

    it("Solidity reproduces every round prover, acceptRoot outcome and settlement", async function () {
      for (const v of vectors.cases) {
        const m = v.committee.length;
        expect(await chainProverTable(v.roundHeight, m, v.leafCount), v.name).to.deep.equal(
          v.roundProvers,
        );
        const block: PolicyBlock = {
          slot: 7n,
          seed: v.seed,
          committee: v.committee,
          treeCount: 1,
          leafCount: v.leafCount,
          proposer: v.proposer,
        };
        const records = v.records.map((r) => getBytes(r));
        const roots = await Promise.all(records.map((r) => chainRoot(v.roundHeight, block, r)));
        expect(roots, v.name).to.deep.equal(v.acceptRoot);
        const credit = await chainSettle(v.roundHeight, block, records, BigInt(v.provers));
        expect(creditJson(credit), v.name).to.deep.equal(v.credit);
        expect(conserved(credit, BigInt(v.provers)), v.name).to.equal(true);
      }
      // The vectors cover PROPOSER credits and a case with no valid record.
      expect(vectors.cases.some((v) => v.credit.proposer !== "0")).to.equal(true);
      expect(vectors.cases.some((v) => v.credit.rejectedNode.some((n) => n !== 0))).to.equal(true);
    });
  });

  describe("randomized differential (30 cases, fast-check)", function () {
    it("acceptRoot and settleBlock agree field by field", async function () {
      let rejected = 0;
      let valid = 0;
      let t = 0;
      // fast-check, seeded: a failing case shrinks its draws and prints its seed.
      await fc.assert(
        fc.asyncProperty(draws(), async (prng) => {
          const tNow = t++;
          const h = prng.pick(HEIGHTS);
          const rules = rulesFor(h);
          const m = 1 + prng.int(40);
          const block = randomBlock(prng, m, 2 ** prng.int(7));
          const nodes = 2 * block.leafCount - 1;
          const records = Array.from({ length: 1 + prng.int(3) }, () => {
            const kind = prng.int(5);
            if (kind === 0) return honestRecord(rules, block);
            if (kind === 1) return honestRecord(rules, block, true);
            const honest = honestRecord(rules, block, prng.chance(0.5));
            const node = 1 + prng.int(nodes);
            if (kind === 2) return withByte(honest, node, NONE);
            if (kind === 3) return withByte(honest, node, prng.int(256));
            return withByte(honest, node, prng.pick([PROPOSER, prng.int(m)]));
          });
          const provers = prng.chance(0.1) ? 0n : prng.bigint(0n, 10n ** 24n);
          const label = `case ${tNow}: h=${h} m=${m} L=${block.leafCount}`;
          for (const r of records) {
            const ts = tsRoot(rules, block, r);
            expect(await chainRoot(h, block, r), label).to.equal(ts);
            if (ts !== "ok") {
              await expect(policyOf(h).acceptRoot(context(block), 0, true, r), label)
                .to.be.revertedWithCustomError(policyOf(h), "UnassignedParticipant")
                .withArgs(1, r[0]);
            }
          }
          const expected = rules.settleBlock(block, records, provers);
          expect(await chainSettle(h, block, records, provers), label).to.deep.equal(expected);
          expect(conserved(expected, provers), label).to.equal(true);
          rejected += expected.rejectedNode.filter((n) => n !== 0).length;
          valid += expected.validRoots;
        }),
        { seed: 0xd1ff002, numRuns: 30 },
      );
      expect(rejected).to.be.greaterThan(5);
      expect(valid).to.be.greaterThan(5);
    });
  });

  describe("boundaries", function () {
    const prng = new Prng(0xb0de002);

    it("roundHeight 0 and 17 revert InvalidPolicyParameter; 1 and 16 deploy", async function () {
      const factory = await ethers.getContractFactory("SortedRoundsPolicy");
      for (const h of [0, 17]) {
        await expect(factory.deploy(h))
          .to.be.revertedWithCustomError(factory, "InvalidPolicyParameter")
          .withArgs("roundHeight", h);
        expect(() => sortedRoundsRules(h)).to.throw(PolicyError, "InvalidPolicyParameter");
      }
      const p16 = await factory.deploy(16);
      expect(await p16.roundHeight()).to.equal(16n);
      // h = 16 with 2^15 leaves: one round covering every level (the root is in round 0).
      expect(await p16.roundCount(32768)).to.equal(1n);
      expect(await p16.roundOf(32768, 1)).to.deep.equal([0n, false]);
      expect(sortedRoundsRules(1).name).to.equal("sortedRounds");
    });

    it("record length 2L - 2 and 2L revert InvalidRecordLength; 2L - 1 is accepted", async function () {
      const rules = rulesFor(2);
      const block = randomBlock(prng, 9, 8);
      const honest = honestRecord(rules, block);
      for (const len of [14, 16]) {
        const r = new Uint8Array(len);
        expect(() => rules.checkRoot(block, 0, r)).to.throw(PolicyError, "InvalidRecordLength");
        expect(() => rules.settleBlock(block, [r], 1n)).to.throw(
          PolicyError,
          "InvalidRecordLength",
        );
        await expect(policyOf(2).acceptRoot(context(block), 0, true, r))
          .to.be.revertedWithCustomError(policyOf(2), "InvalidRecordLength")
          .withArgs(len, 15);
        await expect(policyOf(2).settleBlock(context(block), [...block.committee], [honest, r], 1n))
          .to.be.revertedWithCustomError(policyOf(2), "InvalidRecordLength")
          .withArgs(len, 15);
      }
      expect(await chainRoot(2, block, honest)).to.equal("ok");
      expect(rules.recordLength(8)).to.equal(15);
    });

    it("m = 254 works; m = 255 reverts PolicyCommitteeTooLarge everywhere", async function () {
      const rules = rulesFor(2);
      const big = randomBlock(prng, 254, 64);
      const honest = honestRecord(rules, big);
      expect(await policyOf(2).treeCount(5, 254)).to.equal(1n);
      expect(rules.treeCount(5, 254)).to.equal(1);
      const c = rules.settleBlock(big, [honest], 10n ** 18n + 1n);
      expect(c.validRoots).to.equal(1);
      expect(await chainSettle(2, big, [honest], 10n ** 18n + 1n)).to.deep.equal(c);
      const huge = { ...big, committee: [...big.committee, randomAddress(prng)] };
      expect(() => rules.treeCount(1, 255)).to.throw(PolicyError, "PolicyCommitteeTooLarge");
      expect(() => rules.checkRoot(huge, 0, honest)).to.throw(
        PolicyError,
        "PolicyCommitteeTooLarge",
      );
      expect(() => rules.settleBlock(huge, [honest], 1n)).to.throw(
        PolicyError,
        "PolicyCommitteeTooLarge",
      );
      const policy = policyOf(2);
      await expect(policy.treeCount(1, 255))
        .to.be.revertedWithCustomError(policy, "PolicyCommitteeTooLarge")
        .withArgs(255, 254);
      await expect(policy.acceptRoot(context(huge), 0, true, honest))
        .to.be.revertedWithCustomError(policy, "PolicyCommitteeTooLarge")
        .withArgs(255, 254);
      await expect(policy.settleBlock(context(huge), [...huge.committee], [honest], 1n))
        .to.be.revertedWithCustomError(policy, "PolicyCommitteeTooLarge")
        .withArgs(255, 254);
    });

    it("L = 1: with h = 1 the root is round 0 (ranks 0, 1); with h = 2 it is the sequencer's (PROPOSER only)", async function () {
      const block = randomBlock(prng, 3, 1);
      for (const [h, okBytes] of [
        [1, [0, 1]],
        [2, [PROPOSER]],
      ] as [number, number[]][]) {
        const rules = rulesFor(h);
        for (const b of [0, 1, 2, NONE, PROPOSER]) {
          const r = Uint8Array.of(b);
          const ts = tsRoot(rules, block, r);
          expect(ts, `h=${h} b=${b}`).to.equal(
            okBytes.includes(b) ? "ok" : `UnassignedParticipant(1,${b})`,
          );
          expect(await chainRoot(h, block, r)).to.equal(ts);
          const c = rules.settleBlock(block, [r], 1001n);
          expect(await chainSettle(h, block, [r], 1001n)).to.deep.equal(c);
          if (b === PROPOSER && okBytes.includes(b)) expect(c.proposer).to.equal(1001n);
        }
      }
    });

    it("conservation: provers = 0, odd amounts with dust, PROPOSER shares, no valid record, no record", async function () {
      const rules = rulesFor(3);
      const block = randomBlock(prng, 10, 16);
      const honest = honestRecord(rules, block);
      const sequenced = honestRecord(rules, block, true);
      const bad = withByte(honest, 20, NONE);
      for (const [records, provers] of [
        [[honest], 0n],
        [[honest], 31n * 1000n + 30n],
        [[sequenced], 12345n],
        [[bad, sequenced, honest], 999_999n],
        [[bad], 77n],
        [[], 55n],
      ] as [Uint8Array[], bigint][]) {
        const c = rules.settleBlock(block, records, provers);
        expect(await chainSettle(3, block, records, provers)).to.deep.equal(c);
        expect(conserved(c, provers)).to.equal(true);
        if (c.validRoots === 0) expect(c.toPool).to.equal(provers);
      }
      // D = 4, h = 3: one round (levels 4..2), levels 0 and 1 (3 nodes) are the sequencer's.
      const c = rules.settleBlock(block, [sequenced], 12345n);
      expect(c.proposer).to.equal(3n * (12345n / 31n));
      expect(c.toPool).to.equal(12345n % 31n);
      const three = rules.settleBlock(block, [bad, sequenced, honest], 999_999n);
      expect(three.rejectedNode).to.deep.equal([20, 0, 0]);
      expect(three.rejectedMember).to.deep.equal([NONE, 0, 0]);
      expect(three.validRoots).to.equal(2);
      expect(three.proposer).to.equal(3n * (999_999n / 31n));
    });

    it("no rounds (h > D + 1): only PROPOSER anywhere; holders answer member 0 credited NONE", async function () {
      const rules = rulesFor(4);
      const block = randomBlock(prng, 6, 4);
      expect(rules.holders(block, 0, 5)).to.deep.equal([{ member: 0, credit: NONE }]);
      const all = new Uint8Array(7).fill(PROPOSER);
      const c = rules.settleBlock(block, [all], 700n);
      expect(c.proposer).to.equal(700n);
      expect(await chainSettle(4, block, [all], 700n)).to.deep.equal(c);
      const oneMember = withByte(all, 3, 0);
      expect(rules.settleBlock(block, [oneMember], 700n).rejectedNode).to.deep.equal([3]);
      expect(await chainSettle(4, block, [oneMember], 700n)).to.deep.equal(
        rules.settleBlock(block, [oneMember], 700n),
      );
    });

    it("gas: settleBlock with one honest record (arithmetic only)", async function () {
      const rules = rulesFor(2);
      for (const [m, leafCount] of [
        [32, 16],
        [32, 1024],
        [254, 1024],
      ]) {
        const block = randomBlock(prng, m, leafCount);
        const honest = honestRecord(rules, block);
        const gas = await policyOf(2).settleBlock.estimateGas(
          context(block),
          [...block.committee],
          [honest],
          10n ** 18n,
        );
        console.log(
          `      sortedRounds settleBlock h=2 m=${m} L=${leafCount}: ${gas} gas (estimate, incl. calldata)`,
        );
        expect(gas).to.be.lessThan(5_000_000n);
      }
    });
  });
});
