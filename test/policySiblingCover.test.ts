/**
 * Seeds 003/004's `siblingCover` policy: `contracts/policies/SiblingCover.sol`
 * (+ `SiblingCoverPolicy`) and its TypeScript mirror `src/protocol/policies/siblingCover.ts` agree
 * on shared vectors and on seeded random blocks: the assignment (leaf permutation, merge bits,
 * siblings), acceptRoot, settleBlock and checkUncle; the final record's hash is namespaced by the
 * caller and stored only for the finalizing root.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import fc from "fast-check";
import {
  AbiCoder,
  concat,
  getAddress,
  getBytes,
  hexlify,
  keccak256,
  toBeHex,
  toUtf8Bytes,
  zeroPadValue,
} from "ethers";
import { network } from "hardhat";

import { levelPermutation } from "../src/protocol/assignment.js";
import {
  assignedOf,
  checkUncle,
  mergeBit,
  proverTable,
  SIBLING_DOMAIN,
  siblingCoverRules,
  siblingOf,
  UNCLE_DOMAIN,
  unclePublicInputs,
} from "../src/protocol/policies/siblingCover.js";
import {
  type BlockCredit,
  depthOf,
  NONE,
  type PolicyBlock,
  PolicyError,
  PolicyId,
} from "../src/protocol/policies/types.js";
import type { SiblingCoverPolicy } from "../typechain-types/index.js";
import { Prng } from "./helpers/prng.js";
import { draws, type RandomSource } from "./helpers/draws.js";

const { ethers } = await network.create();

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
interface Vectors {
  trees: { m: number; seed: string; leafCount: number; assigned: number[]; sibling: number[] }[];
  settlements: {
    seed: string;
    committee: string[];
    leafCount: number;
    provers: string;
    records: string[];
    credit: CreditJson;
  }[];
  uncles: {
    seed: string;
    committee: string[];
    leafCount: number;
    finalRecord: string;
    node: number;
    member: number;
    error: string | null;
  }[];
  publicInputs: {
    chainId: string;
    lifecycle: string;
    blockCommitment: string;
    node: number;
    member: string;
    publicInputs: string;
  }[];
}

const VECTORS = JSON.parse(
  readFileSync(new URL("./vectors/policySiblingCover.json", import.meta.url), "utf8"),
) as Vectors;

const abi = AbiCoder.defaultAbiCoder();
const rules = siblingCoverRules;

async function deploy(uncleReward = 5n): Promise<SiblingCoverPolicy> {
  return (await ethers.deployContract("SiblingCoverPolicy", [
    uncleReward,
  ])) as unknown as SiblingCoverPolicy;
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

interface ChainCredit {
  amounts: bigint[];
  proposer: bigint;
  toPool: bigint;
  burned: bigint;
  credited: bigint;
  assigned: bigint;
  validRoots: bigint;
  rejectedNode: bigint[];
  rejectedMember: bigint[];
}

function fromChain(c: ChainCredit): BlockCredit {
  return {
    amounts: [...c.amounts],
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

function fromJson(c: CreditJson): BlockCredit {
  return {
    amounts: c.amounts.map(BigInt),
    proposer: BigInt(c.proposer),
    toPool: BigInt(c.toPool),
    burned: BigInt(c.burned),
    credited: BigInt(c.credited),
    assigned: BigInt(c.assigned),
    validRoots: c.validRoots,
    rejectedNode: c.rejectedNode,
    rejectedMember: c.rejectedMember,
  };
}

function conserved(c: BlockCredit, provers: bigint): void {
  const paid = c.amounts.reduce((a, b) => a + b, 0n);
  expect(paid + c.proposer + c.toPool + c.burned).to.equal(provers);
  expect(c.burned).to.equal(0n);
  expect(c.proposer).to.equal(0n);
}

/** The custom error name a call reverts with, or "ok". */
async function chainOutcome(policy: SiblingCoverPolicy, call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (error) {
    const data = (error as { data?: string }).data;
    if (data === undefined) throw error;
    const parsed = policy.interface.parseError(data);
    if (parsed === null) throw error;
    return parsed.name;
  }
}

function tsOutcome(fn: () => unknown): string {
  try {
    fn();
    return "ok";
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return error.errorName;
  }
}

function randomBytes(prng: RandomSource, n: number): string {
  return hexlify(Uint8Array.from({ length: n }, () => prng.int(256)));
}

function randomBlock(prng: RandomSource, m: number, leafCount: number): PolicyBlock {
  return {
    slot: BigInt(prng.int(1000)),
    seed: randomBytes(prng, 32),
    committee: Array.from({ length: m }, () => getAddress(randomBytes(prng, 20))),
    treeCount: 1,
    leafCount,
    proposer: getAddress(randomBytes(prng, 20)),
  };
}

/** A record crediting, per node, the assigned prover, its sibling or NONE at random. */
function randomRecord(prng: RandomSource, block: PolicyBlock): Uint8Array {
  const t = proverTable(block.committee.length, block.seed, block.leafCount);
  return Uint8Array.from({ length: 2 * block.leafCount - 1 }, (_, i) => {
    const r = prng.next();
    if (i === 0) return r < 0.7 ? t.assigned[1] : t.sibling[1];
    return r < 0.6 ? t.assigned[i + 1] : r < 0.85 ? t.sibling[i + 1] : NONE;
  });
}

describe("SiblingCover policy (seeds 003/004)", function () {
  let policy: SiblingCoverPolicy;
  before(async function () {
    policy = await deploy();
  });

  describe("shared vectors", function () {
    it("assignment: every node's prover and sibling, TypeScript and contract views", async function () {
      for (const v of VECTORS.trees) {
        const t = proverTable(v.m, v.seed, v.leafCount);
        expect(t.assigned.slice(1)).to.deep.equal(v.assigned);
        expect(t.sibling.slice(1)).to.deep.equal(v.sibling);
        const [ca, cs] = await policy.proverTable(v.m, v.seed, v.leafCount);
        expect(ca.slice(1).map(Number)).to.deep.equal(v.assigned);
        expect(cs.slice(1).map(Number)).to.deep.equal(v.sibling);
        for (let n = 1; n < 2 * v.leafCount; n++) {
          expect(assignedOf(v.m, v.seed, v.leafCount, n)).to.equal(v.assigned[n - 1]);
          expect(siblingOf(v.m, v.seed, v.leafCount, n)).to.equal(v.sibling[n - 1]);
        }
        // The single-node views, on a few nodes (every node of the small trees).
        const probe =
          v.leafCount <= 8 ? v.assigned.keys() : [0, 1, v.leafCount - 1, 2 * v.leafCount - 2];
        for (const i of probe) {
          expect(await policy.assignedOf(v.m, v.seed, v.leafCount, i + 1)).to.equal(
            BigInt(v.assigned[i]),
          );
          expect(await policy.siblingOf(v.m, v.seed, v.leafCount, i + 1)).to.equal(
            BigInt(v.sibling[i]),
          );
        }
      }
    });

    it("settlements: TypeScript and the contract reproduce the vector field by field", async function () {
      for (const v of VECTORS.settlements) {
        const block: PolicyBlock = {
          slot: 9n,
          seed: v.seed,
          committee: v.committee.map((a) => getAddress(a)),
          treeCount: 1,
          leafCount: v.leafCount,
          proposer: getAddress("0x" + "22".repeat(20)),
        };
        const expected = fromJson(v.credit);
        const ts = rules.settleBlock(
          block,
          v.records.map((r) => getBytes(r)),
          BigInt(v.provers),
        );
        expect(ts).to.deep.equal(expected);
        conserved(ts, BigInt(v.provers));
        const chain = await policy.settleBlock(
          context(block),
          [...block.committee],
          v.records,
          v.provers,
        );
        expect(fromChain(chain)).to.deep.equal(expected);
      }
    });

    it("uncle checks: TypeScript and the contract accept and reject the vectors alike", async function () {
      for (const v of VECTORS.uncles) {
        const block: PolicyBlock = {
          slot: 3n,
          seed: v.seed,
          committee: v.committee.map((a) => getAddress(a)),
          treeCount: 1,
          leafCount: v.leafCount,
          proposer: getAddress("0x" + "33".repeat(20)),
        };
        const want = v.error ?? "ok";
        const record = getBytes(v.finalRecord);
        expect(tsOutcome(() => checkUncle(block, record, v.node, v.member))).to.equal(want);
        expect(
          await chainOutcome(policy, policy.checkUncle(context(block), record, v.node, v.member)),
        ).to.equal(want);
      }
      // The vectors cover every outcome.
      const outcomes = new Set(VECTORS.uncles.map((v) => v.error));
      expect([...outcomes].sort()).to.deep.equal(
        [null, "InvalidUncleNode", "UncleIncluded", "UncleNotEligible"].sort(),
      );
    });

    it("unclePublicInputs: the vectors and a literal word-by-word abi.encode", function () {
      expect(UNCLE_DOMAIN).to.equal(keccak256(toUtf8Bytes("PROVERNET_V1_UNCLE_PROOF")));
      for (const v of VECTORS.publicInputs) {
        const domain = { chainId: BigInt(v.chainId), lifecycle: v.lifecycle };
        const got = unclePublicInputs(domain, v.blockCommitment, v.node, v.member);
        expect(got).to.equal(v.publicInputs);
        const literal = keccak256(
          concat([
            UNCLE_DOMAIN,
            toBeHex(BigInt(v.chainId), 32),
            zeroPadValue(v.lifecycle, 32),
            v.blockCommitment,
            toBeHex(v.node, 32),
            zeroPadValue(v.member, 32),
          ]),
        );
        expect(got).to.equal(literal);
      }
    });
  });

  describe("rules", function () {
    it("leaves follow the striped leaf permutation, merges the literal merge bit", function () {
      expect(SIBLING_DOMAIN).to.equal(keccak256(toUtf8Bytes("PROVERNET_V1_SIBLING_COVER")));
      const prng = new Prng(31);
      for (const [m, L] of [
        [3, 8],
        [20, 16],
        [5, 32],
      ]) {
        const seed = randomBytes(prng, 32);
        const perm = levelPermutation(m, seed, depthOf(L));
        const t = proverTable(m, seed, L);
        for (let j = 0; j < L; j++) {
          expect(t.assigned[L + j]).to.equal(perm[j % m]);
          expect(t.sibling[L + j]).to.equal(perm[(((L + j) ^ 1) - L) % m]);
        }
        for (let n = 1; n < L; n++) {
          const word = keccak256(
            abi.encode(["bytes32", "bytes32", "uint256"], [SIBLING_DOMAIN, seed, n]),
          );
          const b = Number(BigInt(word) & 1n);
          expect(mergeBit(seed, n)).to.equal(b);
          expect(t.assigned[n]).to.equal(t.assigned[2 * n + b]);
          expect(t.sibling[n]).to.equal(t.assigned[2 * n + 1 - b]);
        }
      }
    });

    it("L = 1: the single leaf is the root and its own sibling", async function () {
      const seed = hexlify(new Uint8Array(32).fill(7));
      const a = assignedOf(9, seed, 1, 1);
      expect(a).to.equal(levelPermutation(9, seed, 0)[0]);
      expect(siblingOf(9, seed, 1, 1)).to.equal(a);
      expect(await policy.siblingOf(9, seed, 1, 1)).to.equal(BigInt(a));
      const block: PolicyBlock = {
        slot: 1n,
        seed,
        committee: Array.from({ length: 9 }, (_, i) => getAddress(toBeHex(i + 1, 20))),
        treeCount: 1,
        leafCount: 1,
        proposer: getAddress(toBeHex(99, 20)),
      };
      expect(rules.holders(block, 0, 1)).to.deep.equal([{ member: a, credit: a }]);
    });

    it("pay: only assigned provers, sibling covers go to the pool but count as activity", async function () {
      const prng = new Prng(41);
      // Find a block of 8 leaves whose leaves have distinct provers and siblings.
      let block = randomBlock(prng, 16, 8);
      let t = proverTable(16, block.seed, 8);
      while (t.assigned.slice(1).some((a, i) => a === t.sibling[i + 1])) {
        block = randomBlock(prng, 16, 8);
        t = proverTable(16, block.seed, 8);
      }
      const record = Uint8Array.from(t.assigned.slice(1));
      record[7] = t.sibling[8]; // leaf 8 covered by its sibling
      record[14] = NONE; // leaf 15 unpaid
      const provers = 15n * 100n + 7n;
      const credit = rules.settleBlock(block, [record], provers);
      expect(credit.toPool).to.equal(200n + 7n);
      const expected = new Array<bigint>(16).fill(0n);
      for (let n = 1; n <= 15; n++) if (n !== 8 && n !== 15) expected[t.assigned[n]] += 100n;
      expect(credit.amounts).to.deep.equal(expected);
      let bits = 0n;
      for (const b of record) if (b !== NONE) bits |= 1n << BigInt(b);
      expect(credit.credited).to.equal(bits);
      expect((credit.credited >> BigInt(t.sibling[8])) & 1n).to.equal(1n);
      conserved(credit, provers);
      const chain = await policy.settleBlock(
        context(block),
        [...block.committee],
        [record],
        provers,
      );
      expect(fromChain(chain)).to.deep.equal(credit);
      // holders: [assigned, sibling].
      expect(rules.holders(block, 0, 8)).to.deep.equal([
        { member: t.assigned[8], credit: t.assigned[8] },
        { member: t.sibling[8], credit: t.sibling[8] },
      ]);
    });
  });

  describe("boundaries", function () {
    it("constructor: uncleReward above zero; POLICY_ID 4; treeCount 1 up to m = 254", async function () {
      const factory = await ethers.getContractFactory("SiblingCoverPolicy");
      await expect(factory.deploy(0))
        .to.be.revertedWithCustomError(factory, "InvalidPolicyParameter")
        .withArgs("uncleReward", 0);
      const one = await deploy(1n);
      expect(await one.UNCLE_REWARD()).to.equal(1n);
      expect(await one.POLICY_ID()).to.equal(BigInt(PolicyId.siblingCover));
      expect(await one.treeCount(16, 254)).to.equal(1n);
      expect(rules.treeCount(16, 254)).to.equal(1);
      await expect(one.treeCount(1, 255))
        .to.be.revertedWithCustomError(one, "PolicyCommitteeTooLarge")
        .withArgs(255, 254);
      expect(tsOutcome(() => rules.treeCount(1, 255))).to.equal("PolicyCommitteeTooLarge");
    });

    it("acceptRoot: length +-1, a root neither assigned nor sibling (NONE is a fallback root), m = 254 / 255", async function () {
      const prng = new Prng(51);
      const block = randomBlock(prng, 254, 4);
      const t = proverTable(254, block.seed, 4);
      const ok = new Uint8Array(7).fill(NONE);
      ok[0] = t.sibling[1];
      expect(tsOutcome(() => rules.checkRoot(block, 0, ok))).to.equal("ok");
      expect(
        await chainOutcome(policy, policy.acceptRoot.staticCall(context(block), 0, true, ok)),
      ).to.equal("ok");
      for (const len of [6, 8]) {
        const r = new Uint8Array(len).fill(t.assigned[1]);
        await expect(policy.acceptRoot(context(block), 0, true, r))
          .to.be.revertedWithCustomError(policy, "InvalidRecordLength")
          .withArgs(len, 7);
        expect(tsOutcome(() => rules.checkRoot(block, 0, r))).to.equal("InvalidRecordLength");
      }
      const other =
        [...Array(254).keys()].find((x) => x !== t.assigned[1] && x !== t.sibling[1]) ?? 0;
      for (const root of [other, NONE - 1]) {
        const r = Uint8Array.from(ok);
        r[0] = root;
        await expect(policy.acceptRoot(context(block), 0, true, r))
          .to.be.revertedWithCustomError(policy, "UnassignedParticipant")
          .withArgs(1, root);
        expect(tsOutcome(() => rules.checkRoot(block, 0, r))).to.equal("UnassignedParticipant");
      }
      // A fallback root (NONE) is accepted, in both languages.
      const fallback = Uint8Array.from(ok);
      fallback[0] = NONE;
      expect(tsOutcome(() => rules.checkRoot(block, 0, fallback))).to.equal("ok");
      expect(
        await chainOutcome(policy, policy.acceptRoot.staticCall(context(block), 0, true, fallback)),
      ).to.equal("ok");
      const big = { ...block, committee: [...block.committee, block.proposer] };
      await expect(policy.acceptRoot(context(big), 0, true, ok))
        .to.be.revertedWithCustomError(policy, "PolicyCommitteeTooLarge")
        .withArgs(255, 254);
      expect(tsOutcome(() => rules.checkRoot(big, 0, ok))).to.equal("PolicyCommitteeTooLarge");
      expect(tsOutcome(() => rules.settleBlock(big, [ok], 1n))).to.equal("PolicyCommitteeTooLarge");
      expect(
        await chainOutcome(policy, policy.settleBlock(context(big), [...big.committee], [ok], 1n)),
      ).to.equal("PolicyCommitteeTooLarge");
      // provers below 2L - 1: nodeShare 0, everything is dust for the pool.
      const dust = rules.settleBlock(block, [ok], 6n);
      expect(dust.toPool).to.equal(6n);
      expect(dust.amounts.every((a) => a === 0n)).to.equal(true);
      expect(
        fromChain(await policy.settleBlock(context(block), [...block.committee], [ok], 6n)),
      ).to.deep.equal(dust);
    });

    it("finalRecordHash: namespaced by caller and slot, stored only for the first root", async function () {
      const fresh = await deploy();
      const [a, b] = await ethers.getSigners();
      const prng = new Prng(61);
      const block = randomBlock(prng, 6, 4);
      const r1 = randomRecord(prng, block);
      let r2 = randomRecord(prng, block);
      while (hexlify(r2) === hexlify(r1)) r2 = randomRecord(prng, block);
      const ctx = context(block);
      expect(await fresh.finalRecordHash(a.address, block.slot)).to.equal(ethers.ZeroHash);
      await fresh.connect(a).acceptRoot(ctx, 0, false, r1);
      expect(await fresh.finalRecordHash(a.address, block.slot)).to.equal(ethers.ZeroHash);
      await fresh.connect(a).acceptRoot(ctx, 0, true, r1);
      await fresh.connect(b).acceptRoot(ctx, 0, true, r2);
      expect(await fresh.finalRecordHash(a.address, block.slot)).to.equal(keccak256(r1));
      expect(await fresh.finalRecordHash(b.address, block.slot)).to.equal(keccak256(r2));
      await fresh.connect(a).acceptRoot(ctx, 0, false, r2);
      expect(await fresh.finalRecordHash(a.address, block.slot)).to.equal(keccak256(r1));
      expect(await fresh.finalRecordHash(a.address, block.slot + 1n)).to.equal(ethers.ZeroHash);
      // A rejected root stores nothing.
      const bad = Uint8Array.from(r1);
      bad[0] = NONE - 1;
      await expect(
        fresh.connect(a).acceptRoot({ ...ctx, slot: block.slot + 2n }, 0, true, bad),
      ).to.be.revertedWithCustomError(fresh, "UnassignedParticipant");
      expect(await fresh.finalRecordHash(a.address, block.slot + 2n)).to.equal(ethers.ZeroHash);
    });
  });

  it("random blocks (fast-check): contract and TypeScript agree on acceptRoot, settleBlock and checkUncle", async function () {
    const LEAVES = [1, 2, 4, 8, 16, 32];
    const seen = new Set<string>();
    let i = 0;
    // fast-check, seeded: a failing case shrinks its draws and prints its seed.
    await fc.assert(
      fc.asyncProperty(draws(), async (prng) => {
        const iNow = i++;
        const m = prng.chance(0.1) ? 254 : 1 + prng.int(40);
        const L = prng.pick(LEAVES);
        const block = randomBlock(prng, m, L);
        const records: Uint8Array[] = [];
        const count = prng.int(4);
        for (let r = 0; r < count; r++) {
          let record = randomRecord(prng, block);
          const roll = prng.next();
          if (roll < 0.3) record[prng.int(record.length)] = prng.int(256);
          else if (roll < 0.35) record = record.slice(0, record.length - 1);
          records.push(record);
        }
        for (const [r, record] of records.entries()) {
          const ts = tsOutcome(() => rules.checkRoot(block, 0, record));
          const chain = await chainOutcome(
            policy,
            policy.acceptRoot.staticCall(context(block), 0, r === 0, record),
          );
          expect(chain).to.equal(ts, `case ${iNow} record ${r}`);
          seen.add(`root:${ts}`);
        }
        const provers = prng.chance(0.1) ? 0n : prng.bigint(0n, 10n ** 24n);
        let tsCredit: BlockCredit | string;
        try {
          tsCredit = rules.settleBlock(block, records, provers);
        } catch (error) {
          if (!(error instanceof PolicyError)) throw error;
          tsCredit = error.errorName;
        }
        const call = policy.settleBlock(context(block), [...block.committee], records, provers);
        if (typeof tsCredit === "string") {
          expect(await chainOutcome(policy, call)).to.equal(tsCredit, `case ${iNow}`);
        } else {
          expect(fromChain(await call)).to.deep.equal(tsCredit, `case ${iNow}`);
          conserved(tsCredit, provers);
        }
        const final = randomRecord(prng, block);
        for (let k = 0; k < 3; k++) {
          const node = prng.int(2 * L + 1); // includes 0 and 2L
          const member =
            prng.chance(0.5) && node >= 1 && node < 2 * L ? final[node - 1] : prng.int(m);
          const ts = tsOutcome(() => checkUncle(block, final, node, member));
          const chain = await chainOutcome(
            policy,
            policy.checkUncle(context(block), final, node, member),
          );
          expect(chain).to.equal(ts, `case ${iNow} uncle ${node}/${member}`);
          seen.add(`uncle:${ts}`);
        }
      }),
      { seed: 0x5eed003, numRuns: 60 },
    );
    for (const o of [
      "root:ok",
      "root:UnassignedParticipant",
      "uncle:ok",
      "uncle:UncleIncluded",
      "uncle:InvalidUncleNode",
    ]) {
      expect(seen.has(o), o).to.equal(true);
    }
  });
});
