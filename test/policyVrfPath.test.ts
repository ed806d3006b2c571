/**
 * The `vrfPath` policy (seed 001, option 1): `contracts/policies/VrfPathPolicy.sol` and its
 * TypeScript mirror `src/protocol/policies/vrfPath.ts` proven equal: the seed's own path example
 * in both languages, shared vectors (test/vectors/policyVrfPath.json, regenerated from the
 * TypeScript rules), seeded randomized differential tests of `acceptRoot` and `settleBlock`, and
 * the boundaries (record length, committee size, leaf count, L = 1, conservation with dust).
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
  type BlockCredit,
  type PolicyBlock,
} from "../src/protocol/policies/types.js";
import {
  PATH_DOMAIN,
  passes,
  pathLeaf,
  pathLeafFromBits,
  pathWord,
  vrfPathRules,
} from "../src/protocol/policies/vrfPath.js";
import type { VrfPathPolicy } from "../typechain-types/index.js";
import { Prng } from "./helpers/prng.js";
import { draws, type RandomSource } from "./helpers/draws.js";

const { ethers } = await network.create();

const VECTOR_FILE = new URL("./vectors/policyVrfPath.json", import.meta.url);
const rules = vrfPathRules;

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
  seed: string;
  leafCount: number;
  proposer: string;
  committee: string[];
  leaves: number[];
  records: string[];
  /** Per record: "ok" or the acceptRoot error as `Name(args)`. */
  acceptRoot: string[];
  provers: string;
  credit: CreditJson;
}
interface Vectors {
  pathDomain: string;
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

/** The honest record: every node credited to its first holder (NONE where no path passes). */
function honestRecord(block: PolicyBlock): Uint8Array {
  const credits = new Map<number, number[]>();
  for (let node = 1; node < 2 * block.leafCount; node++) {
    const h = rules.holders(block, 0, node);
    if (h.length > 0) credits.set(node, [h[0].credit]);
  }
  return rules.encodeRecord(block, 0, credits);
}

/** A copy of `record` with byte `value` at heap node `node`. */
function withByte(record: Uint8Array, node: number, value: number): Uint8Array {
  const out = Uint8Array.from(record);
  out[node - 1] = value;
  return out;
}

/** A member whose path does not pass through `node` (or NONE if every path does). */
function offPathMember(block: PolicyBlock, node: number): number {
  const depthL = Math.log2(block.leafCount);
  const i = block.committee.findIndex(
    (a) => !passes(pathLeaf(block.seed, a, block.leafCount), depthL, node),
  );
  return i < 0 ? NONE : i;
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
function tsRoot(block: PolicyBlock, record: Uint8Array): string {
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

/** The shared vectors, generated from the TypeScript rules (deterministic). */
function generateVectors(): Vectors {
  const prng = new Prng(0x5eed001);
  const shapes: [string, number, number][] = [
    ["single node", 1, 1],
    ["two leaves", 3, 2],
    ["16 leaves, 8 members (NONE gaps)", 8, 16],
    ["16 leaves, 32 members", 32, 16],
    ["64 leaves, 5 members (deep gaps)", 5, 64],
  ];
  const cases = shapes.map(([name, m, leafCount]): VectorCase => {
    const block = randomBlock(prng, m, leafCount);
    const honest = honestRecord(block);
    const records = [honest];
    if (leafCount > 1) {
      // A member off its path at a leaf, then NONE at the root; then the honest record again.
      const leafNode = leafCount + prng.int(leafCount);
      records.unshift(withByte(honest, leafNode, offPathMember(block, leafNode)));
      records.push(withByte(honest, 1, NONE));
    }
    records.push(withByte(honest, 1, PROPOSER));
    const provers = BigInt(1000 + prng.int(1_000_000));
    return {
      name,
      seed: block.seed,
      leafCount,
      proposer: block.proposer,
      committee: [...block.committee],
      leaves: block.committee.map((a) => pathLeaf(block.seed, a, leafCount)),
      records: records.map((r) => hexlify(r)),
      acceptRoot: records.map((r) => tsRoot(block, r)),
      provers: String(provers),
      credit: creditJson(rules.settleBlock(block, records, provers)),
    };
  });
  return { pathDomain: PATH_DOMAIN, cases };
}

function vectorBlock(v: VectorCase): PolicyBlock {
  return {
    slot: 7n,
    seed: v.seed,
    committee: v.committee,
    treeCount: 1,
    leafCount: v.leafCount,
    proposer: v.proposer,
  };
}

describe("VrfPathPolicy (seed 001, option 1)", function () {
  let policy: VrfPathPolicy;

  before(async function () {
    policy = await ethers.deployContract("VrfPathPolicy");
  });

  async function chainSettle(block: PolicyBlock, records: readonly Uint8Array[], provers: bigint) {
    const c = await policy.settleBlock(context(block), [...block.committee], [...records], provers);
    const credit: BlockCredit = {
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
    return credit;
  }

  /** acceptRoot on chain: "ok" or `Name(args)`. */
  async function chainRoot(block: PolicyBlock, record: Uint8Array): Promise<string> {
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

  describe("the seed's path example", function () {
    const word = 0b1000n << 252n;

    it("bits 1000 in a 16-leaf tree: right, left, left, left to leaf 8, heap node 24 (TS)", function () {
      expect(pathLeafFromBits(word, 16)).to.equal(8);
      const nodes = [1];
      for (let d = 1; d <= 4; d++)
        nodes.push(2 * nodes[d - 1] + Number((word >> BigInt(256 - d)) & 1n));
      expect(nodes).to.deep.equal([1, 3, 6, 12, 24]);
      for (let node = 1; node < 32; node++) {
        expect(passes(8, 4, node), `node ${node}`).to.equal(nodes.includes(node));
      }
    });

    it("the same in Solidity", async function () {
      expect(await policy.pathLeafFromBits(word, 16)).to.equal(8n);
      // A member whose path word starts with 1000: isOnPath holds exactly on 1, 3, 6, 12, 24.
      const prng = new Prng(24);
      const seed = randomBytes(prng, 32);
      let member = randomAddress(prng);
      while (pathLeaf(seed, member, 16) !== 8) member = randomAddress(prng);
      expect(await policy.pathLeafOf(seed, member, 16)).to.equal(8n);
      expect(await policy.pathWordOf(seed, member)).to.equal(pathWord(seed, member));
      const onPath = await Promise.all(
        Array.from({ length: 31 }, (_, i) => policy.isOnPath(seed, member, 16, i + 1)),
      );
      expect(onPath.flatMap((on, i) => (on ? [i + 1] : []))).to.deep.equal([1, 3, 6, 12, 24]);
      expect(await policy.PATH_DOMAIN()).to.equal(PATH_DOMAIN);
      expect(await policy.POLICY_ID()).to.equal(1n);
    });
  });

  describe("shared vectors (test/vectors/policyVrfPath.json)", function () {
    const generated = generateVectors();
    if (process.env.UPDATE_VECTORS === "1") {
      writeFileSync(VECTOR_FILE, JSON.stringify(generated, null, 2) + "\n");
    }
    const vectors = JSON.parse(readFileSync(VECTOR_FILE, "utf8")) as Vectors;

    it("regenerating from the TypeScript rules gives the committed file", function () {
      expect(generated).to.deep.equal(vectors);
      expect(vectors.cases.some((v) => v.records.some((r) => getBytes(r).includes(NONE)))).to.equal(
        true,
      );
    });

    it("Solidity reproduces every leaf, acceptRoot outcome and settlement", async function () {
      for (const v of vectors.cases) {
        const block = vectorBlock(v);
        const leaves = await Promise.all(
          v.committee.map((a) => policy.pathLeafOf(v.seed, a, v.leafCount)),
        );
        expect(leaves.map(Number), v.name).to.deep.equal(v.leaves);
        const records = v.records.map((r) => getBytes(r));
        const roots = await Promise.all(records.map((r) => chainRoot(block, r)));
        expect(roots, v.name).to.deep.equal(v.acceptRoot);
        const credit = await chainSettle(block, records, BigInt(v.provers));
        expect(creditJson(credit), v.name).to.deep.equal(v.credit);
        expect(conserved(credit, BigInt(v.provers)), v.name).to.equal(true);
      }
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
          const m = 1 + prng.int(40);
          const block = randomBlock(prng, m, 2 ** prng.int(6));
          const honest = honestRecord(block);
          const nodes = 2 * block.leafCount - 1;
          const records = Array.from({ length: 1 + prng.int(3) }, () => {
            const kind = prng.int(4);
            if (kind === 0) return honest;
            const node = 1 + prng.int(nodes);
            if (kind === 1) return withByte(honest, node, node === 1 ? prng.int(m) : NONE);
            if (kind === 2) return withByte(honest, node, prng.int(256));
            return withByte(honest, node, offPathMember(block, node));
          });
          const provers = prng.chance(0.1) ? 0n : prng.bigint(0n, 10n ** 24n);
          const label = `case ${tNow}: m=${m} L=${block.leafCount}`;
          for (const r of records) {
            const ts = tsRoot(block, r);
            expect(await chainRoot(block, r), label).to.equal(ts);
            if (ts !== "ok") {
              await expect(policy.acceptRoot(context(block), 0, true, r), label)
                .to.be.revertedWithCustomError(policy, "UnassignedParticipant")
                .withArgs(1, r[0]);
            }
          }
          const expected = rules.settleBlock(block, records, provers);
          expect(await chainSettle(block, records, provers), label).to.deep.equal(expected);
          expect(conserved(expected, provers), label).to.equal(true);
          rejected += expected.rejectedNode.filter((n) => n !== 0).length;
          valid += expected.validRoots;
        }),
        { seed: 0xd1ff001, numRuns: 30 },
      );
      // Both outcomes were exercised.
      expect(rejected).to.be.greaterThan(5);
      expect(valid).to.be.greaterThan(5);
    });
  });

  describe("boundaries", function () {
    const prng = new Prng(0xb0de001);

    it("record length 2L - 2 and 2L revert InvalidRecordLength; 2L - 1 is accepted", async function () {
      const block = randomBlock(prng, 6, 8);
      const honest = honestRecord(block);
      for (const len of [14, 16]) {
        const r = new Uint8Array(len).fill(0);
        expect(() => rules.checkRoot(block, 0, r)).to.throw(PolicyError, "InvalidRecordLength");
        expect(() => rules.settleBlock(block, [r], 100n)).to.throw(
          PolicyError,
          "InvalidRecordLength",
        );
        await expect(policy.acceptRoot(context(block), 0, true, r))
          .to.be.revertedWithCustomError(policy, "InvalidRecordLength")
          .withArgs(len, 15);
        await expect(policy.settleBlock(context(block), [...block.committee], [honest, r], 100n))
          .to.be.revertedWithCustomError(policy, "InvalidRecordLength")
          .withArgs(len, 15);
      }
      expect(honest.length).to.equal(15);
      expect(await chainRoot(block, honest)).to.equal("ok");
      expect(rules.recordLength(8)).to.equal(15);
    });

    it("m = 254 works; m = 255 reverts PolicyCommitteeTooLarge everywhere", async function () {
      const big = randomBlock(prng, 254, 4);
      const honest = honestRecord(big);
      expect(rules.treeCount(3, 254)).to.equal(1);
      expect(await policy.treeCount(3, 254)).to.equal(1n);
      expect(await chainSettle(big, [honest], 7777n)).to.deep.equal(
        rules.settleBlock(big, [honest], 7777n),
      );
      expect(rules.settleBlock(big, [honest], 7777n).validRoots).to.equal(1);
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

    it("a leaf count that is not a power of two in [1, 65536] reverts InvalidPolicyParameter", async function () {
      for (const bad of [0, 3, 12, 131072]) {
        expect(() => pathLeafFromBits(0n, bad)).to.throw(PolicyError, "InvalidPolicyParameter");
        await expect(policy.pathLeafFromBits(0n, bad))
          .to.be.revertedWithCustomError(policy, "InvalidPolicyParameter")
          .withArgs("leafCount", bad);
      }
      await expect(policy.isOnPath(PATH_DOMAIN, getAddress("0x" + "11".repeat(20)), 4, 8))
        .to.be.revertedWithCustomError(policy, "InvalidPolicyParameter")
        .withArgs("node", 8);
    });

    it("L = 1: the single node is the root; any member may hold it, NONE and PROPOSER may not", async function () {
      const block = randomBlock(prng, 3, 1);
      expect(pathLeaf(block.seed, block.committee[0], 1)).to.equal(0);
      expect(rules.holders(block, 0, 1).map((h) => h.member)).to.deep.equal([0, 1, 2]);
      for (const b of [0, 2, 3, NONE, PROPOSER]) {
        const r = Uint8Array.of(b);
        const expected = rules.settleBlock(block, [r], 1001n);
        expect(await chainRoot(block, r)).to.equal(tsRoot(block, r));
        expect(await chainSettle(block, [r], 1001n)).to.deep.equal(expected);
        expect(expected.validRoots).to.equal(b < 3 ? 1 : 0);
        if (b < 3) expect(expected.amounts[b]).to.equal(1001n);
        else expect(expected.toPool).to.equal(1001n);
      }
    });

    it("conservation: provers = 0, odd amounts with dust, NONE shares, no valid record, no record", async function () {
      const block = randomBlock(prng, 8, 16);
      const honest = honestRecord(block);
      const gappy = withByte(honest, 20, NONE);
      const bad = withByte(honest, 1, NONE);
      for (const [records, provers] of [
        [[honest], 0n],
        [[honest], 31n * 1000n + 30n],
        [[gappy], 12345n],
        [[bad, gappy, honest], 999_999n],
        [[bad], 77n],
        [[], 55n],
      ] as [Uint8Array[], bigint][]) {
        const c = rules.settleBlock(block, records, provers);
        expect(await chainSettle(block, records, provers)).to.deep.equal(c);
        expect(conserved(c, provers)).to.equal(true);
        if (c.validRoots === 0) expect(c.toPool).to.equal(provers);
      }
      // Dust and NONE shares: 12345 / 31 = 398 per node; the gappy record's NONE nodes are unpaid.
      const c = rules.settleBlock(block, [gappy], 12345n);
      const noneNodes = BigInt([...gappy].filter((b) => b === NONE).length);
      expect(c.toPool).to.equal(12345n - 398n * (31n - noneNodes));
      expect(c.amounts.reduce((a, b) => a + b, 0n)).to.equal(398n * (31n - noneNodes));
      // Only the first valid record is paid; the rejected one in front earns nothing.
      const three = rules.settleBlock(block, [bad, gappy, honest], 999_999n);
      expect(three.validRoots).to.equal(2);
      expect(three.rejectedNode).to.deep.equal([1, 0, 0]);
      expect(three.rejectedMember).to.deep.equal([NONE, 0, 0]);
      expect(three.amounts).to.deep.equal(rules.settleBlock(block, [gappy], 999_999n).amounts);
    });

    it("gas: settleBlock with one honest record (m hashes, O(1) per node)", async function () {
      for (const [m, leafCount] of [
        [32, 16],
        [32, 1024],
        [254, 1024],
      ]) {
        const block = randomBlock(prng, m, leafCount);
        const honest = honestRecord(block);
        const gas = await policy.settleBlock.estimateGas(
          context(block),
          [...block.committee],
          [honest],
          10n ** 18n,
        );
        console.log(
          `      vrfPath settleBlock m=${m} L=${leafCount}: ${gas} gas (estimate, incl. calldata)`,
        );
        expect(gas).to.be.lessThan(5_000_000n);
      }
    });
  });
});
