/**
 * Seed 002's `rankedProofs` policy: `contracts/policies/RankedProofs.sol` (+ `RankedProofsPolicy`)
 * and its TypeScript mirror `src/protocol/policies/rankedProofs.ts` agree on shared vectors and on
 * seeded random blocks, and both reproduce the seed's numbers (8.6 and 5.16 per proof, the
 * two-tree example won by 10).
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import fc from "fast-check";
import { AbiCoder, getAddress, getBytes, hexlify, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import {
  nodeScore,
  perProofShare,
  RANK_DOMAIN,
  rankedProofsRules,
  rankedWinner,
  recordScore,
  scoreSum,
} from "../src/protocol/policies/rankedProofs.js";
import {
  type BlockCredit,
  NONE,
  type PolicyBlock,
  PolicyError,
  PolicyId,
  PROPOSER,
} from "../src/protocol/policies/types.js";
import type { RankedProofsPolicy } from "../typechain-types/index.js";
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
  nodeScores: {
    seed: string;
    member: string;
    node: number;
    feeBurnBps: string;
    vrf: string;
    effective: string;
  }[];
  settlements: {
    proofsPerNode: number;
    maxRoots: number;
    feeBurnBps: string;
    seed: string;
    committee: string[];
    leafCount: number;
    provers: string;
    records: string[];
    credit: CreditJson;
  }[];
}

const VECTORS = JSON.parse(
  readFileSync(new URL("./vectors/policyRankedProofs.json", import.meta.url), "utf8"),
) as Vectors;

const E18 = 10n ** 18n;
const abi = AbiCoder.defaultAbiCoder();

async function deploy(P: number, maxRoots: number, fee: bigint): Promise<RankedProofsPolicy> {
  return (await ethers.deployContract("RankedProofsPolicy", [
    P,
    maxRoots,
    fee,
  ])) as unknown as RankedProofsPolicy;
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
}

/** The custom error name a call reverts with, or "ok". */
async function chainOutcome(policy: RankedProofsPolicy, call: Promise<unknown>): Promise<string> {
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

function randomBlock(
  prng: RandomSource,
  m: number,
  leafCount: number,
  treeCount: number,
): PolicyBlock {
  return {
    slot: BigInt(prng.int(1000)),
    seed: randomBytes(prng, 32),
    committee: Array.from({ length: m }, () => getAddress(randomBytes(prng, 20))),
    treeCount,
    leafCount,
    proposer: getAddress(randomBytes(prng, 20)),
  };
}

describe("RankedProofs policy (seed 002)", function () {
  describe("seed vectors", function () {
    it("1000 tokens, 31 nodes, FEE_SPLIT 80%, P = 3: 800e18 / 93 per proof (8.60..8.61)", async function () {
      const provers = (1000n * E18 * 8000n) / 10_000n;
      const ts = perProofShare(provers, 16, 3);
      expect(ts).to.equal((800n * E18) / 93n);
      expect(ts >= 8_600_000_000_000_000_000n && ts < 8_610_000_000_000_000_000n).to.equal(true);
      const policy = await deploy(3, 3, 0n);
      expect(await policy.perProofShare(provers, 16)).to.equal(ts);
    });

    it("with FEE_BURN 40% the provers' share is 480 tokens and a proof earns 5.16..5.17", async function () {
      const total = 1000n * E18;
      const provers = (((total * 8000n) / 10_000n) * (10_000n - 4000n)) / 10_000n;
      expect(provers).to.equal(480n * E18);
      const ts = perProofShare(provers, 16, 3);
      expect(ts >= 5_160_000_000_000_000_000n && ts < 5_170_000_000_000_000_000n).to.equal(true);
      const policy = await deploy(3, 3, 4000n);
      expect(await policy.perProofShare(provers, 16)).to.equal(ts);
    });

    it("two-tree example: R2 with G1..G3 and B3 beats R1 with G1..G3, B1, B2 by exactly 10", async function () {
      const policy = await deploy(3, 3, 0n);
      const [g1, g2, g3] = [17n, 23n, 5n];
      const left = [60n, g1, g2, g3, 10n, 20n];
      const right = [40n, g1, g2, g3, 60n];
      const totals = [scoreSum(left), scoreSum(right)];
      expect(totals[1] - totals[0]).to.equal(10n);
      expect([await policy.scoreSum(left), await policy.scoreSum(right)]).to.deep.equal(totals);
      expect(rankedWinner(totals, [true, true])).to.equal(1);
      expect(await policy.rankedWinner(totals, [true, true])).to.equal(1n);
      // The winner must be valid; ties go to the earlier root; none valid -> length.
      expect(rankedWinner(totals, [true, false])).to.equal(0);
      expect(await policy.rankedWinner(totals, [true, false])).to.equal(0n);
      expect(rankedWinner([5n, 5n], [true, true])).to.equal(0);
      expect(await policy.rankedWinner([5n, 5n], [true, true])).to.equal(0n);
      expect(rankedWinner([5n, 5n], [false, false])).to.equal(2);
      expect(await policy.rankedWinner([5n, 5n], [false, false])).to.equal(2n);
      expect(tsOutcome(() => rankedWinner([1n], []))).to.equal("ScoreLengthMismatch");
      await expect(policy.rankedWinner([1n], []))
        .to.be.revertedWithCustomError(policy, "ScoreLengthMismatch")
        .withArgs(1, 0);
    });
  });

  describe("shared vectors", function () {
    it("node scores: literal abi.encode, TypeScript and the contract view agree", async function () {
      expect(RANK_DOMAIN).to.equal(keccak256(toUtf8Bytes("PROVERNET_V1_RANKED_PROOF")));
      for (const v of VECTORS.nodeScores) {
        const fee = BigInt(v.feeBurnBps);
        const word = keccak256(
          abi.encode(
            ["bytes32", "bytes32", "address", "uint256"],
            [RANK_DOMAIN, v.seed, v.member, v.node],
          ),
        );
        const vrf = BigInt(word) >> 192n;
        expect(vrf.toString()).to.equal(v.vrf);
        expect(((vrf * (10_000n + fee)) / 10_000n).toString()).to.equal(v.effective);
        expect(nodeScore(v.seed, v.member, v.node, fee)).to.deep.equal({
          vrf,
          effective: BigInt(v.effective),
        });
        const policy = await deploy(1, 1, fee);
        const [cv, ce] = await policy.nodeScore(v.seed, v.member, v.node);
        expect([cv, ce]).to.deep.equal([vrf, BigInt(v.effective)]);
      }
    });

    it("settlements: TypeScript and the contract reproduce the vector field by field", async function () {
      for (const v of VECTORS.settlements) {
        const rules = rankedProofsRules(v.proofsPerNode, v.maxRoots, BigInt(v.feeBurnBps));
        const block: PolicyBlock = {
          slot: 7n,
          seed: v.seed,
          committee: v.committee.map((a) => getAddress(a)),
          treeCount: v.maxRoots,
          leafCount: v.leafCount,
          proposer: getAddress("0x" + "11".repeat(20)),
        };
        const records = v.records.map((r) => getBytes(r));
        const expected = fromJson(v.credit);
        const ts = rules.settleBlock(block, records, BigInt(v.provers));
        expect(ts).to.deep.equal(expected);
        conserved(ts, BigInt(v.provers));
        const policy = await deploy(v.proofsPerNode, v.maxRoots, BigInt(v.feeBurnBps));
        const chain = await policy.settleBlock(
          context(block),
          [...block.committee],
          v.records,
          v.provers,
        );
        expect(fromChain(chain)).to.deep.equal(expected);
      }
    });
  });

  describe("rules", function () {
    it("holders are the P best effective scores, best first; encodeRecord dedups, caps and sorts", function () {
      const prng = new Prng(2);
      const block = randomBlock(prng, 10, 4, 3);
      const rules = rankedProofsRules(3, 3, 4000n);
      for (let node = 1; node < 8; node++) {
        const scores = block.committee.map((a) => nodeScore(block.seed, a, node, 4000n).effective);
        const best = scores
          .map((s, i) => ({ s, i }))
          .sort((a, b) => (a.s === b.s ? a.i - b.i : a.s > b.s ? -1 : 1))
          .slice(0, 3)
          .map((e) => e.i);
        const holders = rules.holders(block, 0, node);
        expect(holders.map((h) => h.member)).to.deep.equal(best);
        expect(holders.map((h) => h.credit)).to.deep.equal(best);
      }
      // Node 1: all ten credited twice -> the three best, ascending. Node 2: [4, 4, NONE] -> [4].
      const credits = new Map<number, number[]>([
        [1, [...block.committee.keys(), ...block.committee.keys()]],
        [2, [4, 4, NONE]],
      ]);
      const record = rules.encodeRecord(block, 0, credits);
      const top = rules
        .holders(block, 0, 1)
        .map((h) => h.member)
        .sort((a, b) => a - b);
      expect([...record.slice(0, 3)]).to.deep.equal(top);
      expect([...record.slice(3, 6)]).to.deep.equal([4, NONE, NONE]);
      expect([...record.slice(6)].every((b) => b === NONE)).to.equal(true);
    });

    it("a node is rejected for an out-of-range member, a repeat, a decrease or a member after NONE", async function () {
      const prng = new Prng(3);
      const block = randomBlock(prng, 5, 2, 1);
      const policy = await deploy(3, 1, 0n);
      const cases: [number[], number, number][] = [
        [[0, 1, 2, 3, NONE, NONE, 4, NONE, NONE], 0, 0],
        [[0, 1, 2, 3, 3, NONE, 4, NONE, NONE], 2, 3],
        [[0, 1, 2, 3, 2, NONE, 4, NONE, NONE], 2, 2],
        [[0, 1, 2, NONE, 3, NONE, 4, NONE, NONE], 2, 3],
        [[0, 1, 2, 3, NONE, NONE, 5, NONE, NONE], 3, 5],
        [[PROPOSER, NONE, NONE, 3, NONE, NONE, 4, NONE, NONE], 1, PROPOSER],
        [[NONE, NONE, NONE, 3, NONE, NONE, 4, NONE, NONE], 1, NONE],
        [[NONE, 0, NONE, 3, NONE, NONE, 4, NONE, NONE], 1, 0],
        [[0, NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE], 0, 0],
      ];
      for (const [bytes, node, member] of cases) {
        const record = Uint8Array.from(bytes);
        const ts = recordScore(block.seed, block.committee, 2, record, 3, 0n);
        expect([ts.rejectedNode, ts.rejectedMember]).to.deep.equal([node, member]);
        const [total, cn, cm] = await policy.recordScore(
          block.seed,
          [...block.committee],
          2,
          record,
        );
        expect([total, cn, cm]).to.deep.equal([ts.total, BigInt(node), BigInt(member)]);
        if (node === 0) expect(total > 0n).to.equal(true);
      }
    });

    it("settlement: winner paid per proof, missing proofs burned, dust to the pool, losers nothing", async function () {
      const prng = new Prng(4);
      const block = randomBlock(prng, 4, 2, 2);
      const rules = rankedProofsRules(2, 2, 0n);
      const policy = await deploy(2, 2, 0n);
      // Tree 0: 3 proofs; tree 1: 4 proofs (a superset), so tree 1 has the higher score.
      const r0 = Uint8Array.from([0, NONE, 1, NONE, 2, NONE]);
      const r1 = Uint8Array.from([0, 3, 1, NONE, 2, NONE]);
      const provers = 6n * 1000n + 5n; // perProof 1000, dust 5
      const ts = rules.settleBlock(block, [r0, r1], provers);
      expect(ts.amounts).to.deep.equal([1000n, 1000n, 1000n, 1000n]);
      expect(ts.burned).to.equal(2000n);
      expect(ts.toPool).to.equal(5n);
      expect(ts.credited).to.equal(0b1111n);
      expect(ts.validRoots).to.equal(2);
      conserved(ts, provers);
      const chain = await policy.settleBlock(
        context(block),
        [...block.committee],
        [r0, r1],
        provers,
      );
      expect(fromChain(chain)).to.deep.equal(ts);
      // No valid record: everything to the pool. provers = 0: nothing anywhere.
      const bad = Uint8Array.from([0, 0, 1, NONE, 2, NONE]);
      const none = rules.settleBlock(block, [bad], provers);
      expect(none.toPool).to.equal(provers);
      expect(none.rejectedNode).to.deep.equal([1]);
      expect(
        fromChain(await policy.settleBlock(context(block), [...block.committee], [bad], provers)),
      ).to.deep.equal(none);
      const zero = rules.settleBlock(block, [r0, r1], 0n);
      expect([...zero.amounts, zero.toPool, zero.burned]).to.deep.equal([0n, 0n, 0n, 0n, 0n, 0n]);
      expect(
        fromChain(await policy.settleBlock(context(block), [...block.committee], [r0, r1], 0n)),
      ).to.deep.equal(zero);
    });
  });

  describe("boundaries", function () {
    it("constructor: P in [1, 8], maxRoots in [1, 16], feeBurnBps <= 10000", async function () {
      const good = await deploy(8, 16, 10_000n);
      expect(await good.POLICY_ID()).to.equal(BigInt(PolicyId.rankedProofs));
      expect([
        await good.PROOFS_PER_NODE(),
        await good.MAX_ROOTS(),
        await good.FEE_BURN_BPS(),
      ]).to.deep.equal([8n, 16n, 10_000n]);
      await deploy(1, 1, 0n);
      const factory = await ethers.getContractFactory("RankedProofsPolicy");
      const bad: [number, number, bigint, string, bigint][] = [
        [0, 1, 0n, "proofsPerNode", 0n],
        [9, 1, 0n, "proofsPerNode", 9n],
        [1, 0, 0n, "maxRoots", 0n],
        [1, 17, 0n, "maxRoots", 17n],
        [1, 1, 10_001n, "feeBurnBps", 10_001n],
      ];
      for (const [p, r, f, name, value] of bad) {
        await expect(factory.deploy(p, r, f))
          .to.be.revertedWithCustomError(factory, "InvalidPolicyParameter")
          .withArgs(name, value);
        expect(() => rankedProofsRules(p, r, f)).to.throw(PolicyError, name);
      }
    });

    it("treeCount is maxRoots up to m = 254; acceptRoot checks length and a non-empty root", async function () {
      const policy = await deploy(3, 5, 0n);
      const rules = rankedProofsRules(3, 5, 0n);
      expect(await policy.treeCount(1, 254)).to.equal(5n);
      expect(rules.treeCount(1, 254)).to.equal(5);
      await expect(policy.treeCount(1, 255))
        .to.be.revertedWithCustomError(policy, "PolicyCommitteeTooLarge")
        .withArgs(255, 254);
      expect(tsOutcome(() => rules.treeCount(1, 255))).to.equal("PolicyCommitteeTooLarge");
      const prng = new Prng(5);
      const block = randomBlock(prng, 254, 4, 5);
      const ok = new Uint8Array(21).fill(NONE);
      ok[0] = 253;
      await policy.acceptRoot(context(block), 0, true, ok);
      expect(tsOutcome(() => rules.checkRoot(block, 0, ok))).to.equal("ok");
      for (const len of [20, 22, 0]) {
        const r = new Uint8Array(len).fill(0);
        await expect(policy.acceptRoot(context(block), 0, true, r))
          .to.be.revertedWithCustomError(policy, "InvalidRecordLength")
          .withArgs(len, 21);
        expect(tsOutcome(() => rules.checkRoot(block, 0, r))).to.equal("InvalidRecordLength");
      }
      const empty = new Uint8Array(21).fill(NONE);
      await expect(policy.acceptRoot(context(block), 0, true, empty))
        .to.be.revertedWithCustomError(policy, "UnassignedParticipant")
        .withArgs(1, NONE);
      expect(tsOutcome(() => rules.checkRoot(block, 0, empty))).to.equal("UnassignedParticipant");
      // m = 254: index 253 is a member, 254 (PROPOSER) is not.
      const high = new Uint8Array(21).fill(NONE);
      high[0] = 253;
      high[3] = PROPOSER;
      const credit = rules.settleBlock(block, [ok, high], 93n);
      expect(credit.rejectedNode).to.deep.equal([0, 2]);
      expect(credit.rejectedMember).to.deep.equal([0, PROPOSER]);
      expect(credit.amounts[253]).to.equal(4n);
      expect(
        fromChain(await policy.settleBlock(context(block), [...block.committee], [ok, high], 93n)),
      ).to.deep.equal(credit);
      const big = { ...block, committee: [...block.committee, block.proposer] };
      expect(tsOutcome(() => rules.settleBlock(big, [ok], 1n))).to.equal("PolicyCommitteeTooLarge");
      expect(
        await chainOutcome(policy, policy.settleBlock(context(big), [...big.committee], [ok], 1n)),
      ).to.equal("PolicyCommitteeTooLarge");
    });
  });

  it("random blocks (fast-check): contract and TypeScript agree on acceptRoot and settleBlock", async function () {
    const LEAVES = [1, 2, 4, 8, 16, 32];
    let valid = 0;
    let rejected = 0;
    let i = 0;
    // fast-check, seeded: a failing case shrinks its draws and prints its seed.
    await fc.assert(
      fc.asyncProperty(draws(), async (prng) => {
        const iNow = i++;
        const P = 1 + prng.int(8);
        const maxRoots = 1 + prng.int(16);
        const fee = BigInt(prng.int(10_001));
        const m = prng.chance(0.1) ? 254 : 1 + prng.int(40);
        const L = prng.pick(LEAVES);
        const block = randomBlock(prng, m, L, maxRoots);
        const rules = rankedProofsRules(P, maxRoots, fee);
        const policy = await deploy(P, maxRoots, fee);
        const nodes = 2 * L - 1;
        const records: Uint8Array[] = [];
        const count = Math.min(maxRoots, prng.int(4));
        for (let t = 0; t < count; t++) {
          const credits = new Map<number, number[]>();
          for (let n = 1; n <= nodes; n++) {
            const k = n === 1 ? 1 + prng.int(P) : prng.int(P + 2);
            credits.set(
              n,
              Array.from({ length: k }, () => prng.int(m)),
            );
          }
          let record = rules.encodeRecord(block, t, credits);
          const roll = prng.next();
          if (roll < 0.2) record[prng.int(record.length)] = prng.int(256);
          else if (roll < 0.25) record = record.slice(0, record.length - 1);
          else if (roll < 0.3) record = Uint8Array.from([...record, 0]);
          records.push(record);
        }
        for (const [t, record] of records.entries()) {
          const ts = tsOutcome(() => rules.checkRoot(block, t, record));
          const chain = await chainOutcome(
            policy,
            policy.acceptRoot(context(block), t, t === 0, record),
          );
          expect(chain).to.equal(ts, `case ${iNow} tree ${t}`);
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
          return;
        }
        expect(fromChain(await call)).to.deep.equal(tsCredit, `case ${iNow}`);
        conserved(tsCredit, provers);
        valid += tsCredit.validRoots;
        rejected += tsCredit.rejectedNode.filter((n) => n !== 0).length;
      }),
      { seed: 0x5eed002, numRuns: 30 },
    );
    // The generator exercises both outcomes.
    expect(valid).to.be.greaterThan(5);
    expect(rejected).to.be.greaterThan(2);
  });
});
