/**
 * Whole-network scenarios under every assignment policy (docs/policies.md): the TypeScript prover
 * clients and the sequencer run against the contracts deployed with that policy, with one offline
 * prover and one `wrongOutput` Byzantine prover among 8 (n = 8, c = 3, L = 4, W = 24, 4 blocks).
 * Everything asserted is read from chain state and events: blocks proven, the wrong-output signer
 * slashed and no honest prover slashed, every prover's claimed proving rewards equal to the
 * policy's `settleBlock` over the final records plus its uncle rewards, each policy's own credit
 * rule on the records, and token conservation after EVERY mined L1 block (the simulator's
 * `checkEveryBlock`, the report's conservation checks run after each block).
 */
import { expect } from "chai";
import { getBytes } from "ethers";
import { network } from "hardhat";

import { blockSeed } from "../src/protocol/assignment.js";
import { blockShares } from "../src/protocol/rewards.js";
import { NONE, PROPOSER, type PolicyBlock } from "../src/protocol/policies/types.js";
import { memberLeaves, passes } from "../src/protocol/policies/vrfPath.js";
import { policyRules } from "../src/protocol/policies/index.js";
import { epochOfSlot } from "../src/protocol/lifecycle.js";
import {
  DEFAULT_OPTIONS,
  POLICY_SETTINGS,
  policyParams,
  type Policy,
  type SimOptions,
} from "../src/sim/options.js";
import { runSimulation, type SimResult } from "../src/sim/simulator.js";
import { ISiblingCoverPolicy__factory } from "../typechain-types/index.js";
import { SMALL_NETWORK } from "./helpers/simulation.js";

const SMALL: SimOptions = {
  ...SMALL_NETWORK,
  blocks: 4,
  byzantine: 0.125,
  byzantineFault: "wrongOutput",
  offline: 0.125,
  k: 0,
  checkEveryBlock: true,
};

/** The run seed per policy: one whose draw puts the Byzantine prover where it signs outputs. */
const SCENARIOS: Array<{ policy: Policy; seed: number }> = [
  { policy: "seed000", seed: 1 },
  { policy: "vrfPath", seed: 1 },
  { policy: "sortedRounds", seed: 2 },
  { policy: "rankedProofs", seed: 1 },
  { policy: "siblingCover", seed: 1 },
];

const connections: Array<{ close(): Promise<void> }> = [];

/** The run's policy contract, as siblingCover's interface (its UncleRewarded events). */
async function policyOf(result: SimResult) {
  const { lifecycle } = result.contracts;
  return ISiblingCoverPolicy__factory.connect(await lifecycle.POLICY(), lifecycle.runner);
}

after(async function () {
  for (const connection of connections.splice(0)) await connection.close();
});

interface FinalBlock {
  block: PolicyBlock;
  /** Accepted records in L1 order, with their tree index. */
  records: Array<{ tree: number; record: Uint8Array }>;
  provers: bigint;
}

/** Every finalized block of the run, its policy context and its provers' share, from chain. */
async function finalBlocks(result: SimResult): Promise<FinalBlock[]> {
  const { lifecycle, table, rewards } = result.contracts;
  const committees = new Map<bigint, string[]>();
  const proposers = new Map<bigint, string>();
  const records = new Map<bigint, Array<{ tree: number; record: Uint8Array }>>();
  for (const e of result.events) {
    if (e.name === "CommitteeSealed") committees.set(e.epoch, e.members);
    else if (e.name === "BlockProposed") proposers.set(e.slot, e.proposer);
    else if (e.name === "RootProofAccepted") {
      const list = records.get(e.slot) ?? [];
      list.push({ tree: Number(e.tree), record: getBytes(e.record) });
      records.set(e.slot, list);
    }
  }
  const settled = await rewards.queryFilter(rewards.filters.BlockSettled());
  const out: FinalBlock[] = [];
  for (const e of settled) {
    const slot = e.args.slot;
    const epoch = epochOfSlot(result.params.slotClock, slot);
    const context = await lifecycle.epochContext(epoch);
    out.push({
      block: {
        slot,
        seed: blockSeed(await table.seedOf(epoch), slot),
        committee: committees.get(epoch)!,
        treeCount: Number(context.treeCount),
        leafCount: SMALL.leaves,
        proposer: proposers.get(slot)!,
      },
      records: records.get(slot) ?? [],
      provers: e.args.payout.provers,
    });
  }
  return out;
}

describe("Policy scenarios (whole network under every assignment policy)", function () {
  for (const { policy, seed } of SCENARIOS) {
    describe(`${policy}: one offline prover and one wrong-output signer among 8`, function () {
      let result: SimResult;
      let blocks: FinalBlock[];
      const options: SimOptions = { ...SMALL, policy, seed };
      const rules = policyRules(POLICY_SETTINGS[policy].assignment, policyParams(options));

      before(async function () {
        const connection = await network.create();
        connections.push(connection);
        result = await runSimulation(options, connection);
        blocks = await finalBlocks(result);
      });

      it("proves every block, conserves tokens after every L1 block, deploys the policy", async function () {
        expect(result.report.policy).to.equal(policy);
        for (const block of result.report.blocks) {
          expect(block.outcome, `block ${block.number}`).to.equal("proven");
          const stored = await result.contracts.lifecycle.getBlock(block.number);
          expect(Number(stored.status), `block ${block.number}`).to.equal(2);
        }
        expect(blocks).to.have.length(SMALL.blocks);
        const every = result.report.conservationEveryBlock!;
        expect(every.checks).to.be.greaterThan(50);
        expect(every.failures, JSON.stringify(every.failures)).to.deep.equal([]);
        expect(
          result.report.totals.conserved,
          JSON.stringify(result.report.totals.checks),
        ).to.equal(true);
        expect(await result.contracts.lifecycle.policyId()).to.equal(BigInt(rules.id));
        expect(result.events.some((e) => e.name === "RootRecordRejected")).to.equal(false);
      });

      it("slashes the wrong-output signer and no honest prover", function () {
        for (const p of result.report.provers) {
          if (p.behavior === "byzantine:wrongOutput") {
            expect(p.slashReasons, p.address).to.deep.equal(["wrongOutput"]);
          } else {
            expect(p.slashedAmount, `${p.address} (${p.behavior})`).to.equal("0");
          }
        }
      });

      it("pays exactly the policy's settlement of the final records plus uncle rewards", async function () {
        const { rewards } = result.contracts;
        const expected = new Map<string, bigint>();
        const add = (who: string, v: bigint) => expected.set(who, (expected.get(who) ?? 0n) + v);
        for (const { block, records, provers } of blocks) {
          let byTree: Uint8Array[];
          if (rules.name === "striped") {
            byTree = Array.from({ length: block.treeCount }, () => new Uint8Array());
            for (const r of records) byTree[r.tree] = r.record;
          } else byTree = records.map((r) => r.record);
          const credit = rules.settleBlock(block, byTree, provers);
          expect(
            credit.amounts.reduce((a, b) => a + b, 0n) +
              credit.proposer +
              credit.toPool +
              credit.burned,
          ).to.equal(provers);
          credit.amounts.forEach((amount, i) => add(block.committee[i], amount));
        }
        const policyContract = await policyOf(result);
        const uncle = await policyContract.queryFilter(policyContract.filters.UncleRewarded());
        const uncleReward = policyParams(options).uncleReward;
        const claimedUncles = new Set<string>();
        for (const e of uncle) {
          // UNCLE_REWARD, or less once the block's budget is spent.
          expect(e.args.amount).to.be.at.most(uncleReward);
          const key = `${e.args.slot}:${e.args.node}:${e.args.member}`;
          expect(claimedUncles.has(key), key).to.equal(false);
          claimedUncles.add(key);
          const block = blocks.find((b) => b.block.slot === e.args.slot)!.block;
          add(block.committee[Number(e.args.member)], e.args.amount);
        }
        if (rules.name !== "siblingCover") expect(uncle).to.have.length(0);
        const proving = new Map<string, bigint>();
        for (const e of result.events) {
          if (e.name === "Claimed")
            proving.set(e.account, (proving.get(e.account) ?? 0n) + e.proving);
        }
        for (const p of result.report.provers) {
          expect(proving.get(p.address) ?? 0n, `${p.address} (${p.behavior})`).to.equal(
            expected.get(p.address) ?? 0n,
          );
        }
        const offline = result.report.provers.find((p) => p.behavior === "offline")!;
        expect(offline.rewardsClaimed).to.equal("0");
        // The provers' share of each block is the split of the seed's economics.
        const split = blockShares(await rewards.BLOCK_REWARD(), 0n, {
          feeSplit: POLICY_SETTINGS[policy].feeSplitScoring,
          proverBps: await rewards.PROVER_BPS(),
          submitterBps: await rewards.SUBMITTER_BPS(),
          proverBurnBps: await rewards.PROVER_BURN_BPS(),
        });
        if (!POLICY_SETTINGS[policy].feeSplitScoring) {
          for (const b of blocks) expect(b.provers).to.equal(split.provers);
        }
      });

      it("credits only whom the policy's rule allows", function () {
        const nodes = 2 * SMALL.leaves - 1;
        for (const { block, records } of blocks) {
          const m = block.committee.length;
          for (const { tree, record } of records) {
            expect(() => rules.checkRoot(block, tree, record)).to.not.throw();
            if (rules.name === "vrfPath") {
              // Every credited member's leaf path passes through the node it is credited for.
              const leaves = memberLeaves(block);
              const depth = Math.log2(SMALL.leaves);
              record.forEach((byte, i) => {
                if (byte === NONE) return;
                expect(byte).to.be.below(m);
                expect(passes(leaves[byte], depth, i + 1), `node ${i + 1}`).to.equal(true);
              });
            } else if (rules.name === "rankedProofs") {
              const P = options.proofsPerNode;
              expect(record.length).to.equal(P * nodes);
              for (let n = 0; n < nodes; n++) {
                const bytes = [...record.slice(n * P, (n + 1) * P)].filter((b) => b !== NONE);
                for (let i = 1; i < bytes.length; i++) expect(bytes[i]).to.be.above(bytes[i - 1]);
                if (n === 0) expect(bytes.length).to.be.greaterThan(0);
              }
            } else {
              // Every byte is one of the node's holders' credits (PROPOSER only where allowed).
              record.forEach((byte, i) => {
                if (byte === NONE && rules.name === "siblingCover") return;
                const allowed = new Set<number>();
                for (let t = 0; t < block.treeCount; t++) {
                  for (const h of rules.holders(block, t, i + 1)) allowed.add(h.credit);
                }
                if (rules.name === "sortedRounds" && byte === PROPOSER) return;
                expect(allowed.has(byte), `node ${i + 1} byte ${byte}`).to.equal(true);
              });
            }
          }
        }
      });

      if (policy === "siblingCover") {
        it("pays a covering sibling nothing for the covered node; every uncle claim pays at most uncleReward, once", async function () {
          const { rewards } = result.contracts;
          let covered = 0;
          for (const { block, records, provers } of blocks) {
            const [{ record }] = records;
            const credit = rules.settleBlock(block, [record], provers);
            const nodeShare = provers / BigInt(2 * SMALL.leaves - 1);
            // Count, per member, the nodes it is credited for as the assigned prover.
            const assignedCount = new Array<bigint>(block.committee.length).fill(0n);
            record.forEach((byte, i) => {
              const [assigned] = rules.holders(block, 0, i + 1);
              if (byte === assigned.member) assignedCount[byte]++;
              else if (byte !== NONE) covered++;
            });
            credit.amounts.forEach((amount, i) =>
              expect(amount, `member ${i}`).to.equal(assignedCount[i] * nodeShare),
            );
          }
          expect(covered, "a sibling covered some node").to.be.greaterThan(0);
          const policy = await policyOf(result);
          const uncles = await policy.queryFilter(policy.filters.UncleRewarded());
          expect(uncles.length).to.be.greaterThan(0);
          for (const e of uncles) {
            expect(
              await policy.uncleClaimed(e.args.rewards, e.args.slot, e.args.node, e.args.member),
            ).to.equal(true);
          }
          // Each claim paid once (checked above); the clients sent none that reverted.
          const failed = Object.keys(result.report.stats.failedTransactions);
          expect(failed.filter((k) => k.startsWith("policy.claimUncle"))).to.deep.equal([]);
        });
      }
    });
  }
});

describe("Policy scenarios: inactivity with k = 1 counts only assigned work", function () {
  // k = 1 is the harshest threshold: a single counted miss owes a slash. Backups, ranks no round
  // elects and members whose leaf a lower index shares get no work of their own, so they must
  // never owe one; the offline prover still does wherever it was assigned.
  const offlineSlashed: string[] = [];
  // seed000 itself never slashes liveness (k = 0); seed001 runs the same striped trees with k.
  const runs = SCENARIOS.map((s) =>
    s.policy === "seed000" ? { ...s, policy: "seed001" as Policy } : s,
  );
  for (const { policy, seed } of runs) {
    it(`${policy}: no honest prover owes an inactivity slash`, async function () {
      const connection = await network.create();
      connections.push(connection);
      const result = await runSimulation({ ...SMALL, policy, seed, k: 1 }, connection);
      for (const p of result.report.provers) {
        if (p.behavior === "honest") {
          expect(p.slashReasons, `${policy} ${p.address}`).to.deep.equal([]);
        }
        if (p.behavior === "offline" && p.slashReasons.includes("inactivity")) {
          offlineSlashed.push(policy);
        }
      }
      expect(result.report.totals.honestSlashed).to.equal(0);
      expect(result.report.totals.conserved).to.equal(true);
    });
  }
  it("the rule still bites: the offline prover owes inactivity slashes under some policy", function () {
    expect(offlineSlashed.length).to.be.greaterThan(0);
  });
});

describe("Policy scenarios: a member racing to file every root first, k = 1", function () {
  // One prover files each published block's roots the moment it can (stand-in proofs cost no
  // work), with records that replace its victim by a cover wherever the policy allows. The root
  // provers file their own roots; an omitted member's verified uncle proof counts as its work.
  const runs: Array<{ policy: Policy; seed: number; leaves?: number }> = [
    ...SCENARIOS.map((s) => (s.policy === "seed000" ? { ...s, policy: "seed001" as Policy } : s)),
    // L = 16: before attestation the racer filed the root's holder in some block, so nobody
    // could file another root, and before uncle claims counted as work its victim owed a slash.
    { policy: "siblingCover", seed: 1, leaves: DEFAULT_OPTIONS.leaves },
  ];
  for (const { policy, seed, leaves } of runs) {
    it(`${policy}${leaves === undefined ? "" : ` (L = ${leaves})`}: every block proven, conserved after every L1 block, no honest prover slashed`, async function () {
      const connection = await network.create();
      connections.push(connection);
      const options: SimOptions = {
        ...SMALL,
        policy,
        seed,
        k: 1,
        offline: 0,
        byzantineFault: "raceRoots",
        blocks: 6,
        ...(leaves === undefined ? {} : { leaves }),
      };
      const result = await runSimulation(options, connection);
      for (const block of result.report.blocks) {
        expect(block.outcome, `block ${block.number}`).to.equal("proven");
      }
      // Records are attested, so the racer credits only whom it holds signatures of. Where the
      // policy's root check admits any member at the root it always races; under striped trees
      // and siblingCover only blocks whose root it holds, none in some of these seeds.
      const races = result.report.stats.transactions["proof.submitRoot.race"] ?? 0;
      if (["vrfPath", "sortedRounds", "rankedProofs"].includes(policy)) {
        expect(races).to.be.greaterThan(0);
      }
      for (const p of result.report.provers) {
        if (p.behavior === "honest") {
          expect(p.slashReasons, `${policy} ${p.address}`).to.deep.equal([]);
        }
      }
      expect(result.report.totals.honestSlashed).to.equal(0);
      const every = result.report.conservationEveryBlock!;
      expect(every.failures, JSON.stringify(every.failures)).to.deep.equal([]);
      expect(result.report.totals.conserved).to.equal(true);
    });
  }
});
