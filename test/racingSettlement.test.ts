/**
 * Conservation under racing submitters (issue 18), under every assignment policy: fast-check
 * draws, per block, who files each tree's root first (the sequencer, a committee member, or an
 * outsider) and what its record says (the honest record, a selfish one that credits the filer at
 * the root and nobody else, one that drops a member's credit, or noise of the right length).
 * Whenever the first record of a tree is not the honest one, the member the honest record
 * credits at the root files it with `submitAdditionalRoot` (what the prover client does).
 *
 * After each run, against the chain:
 * - tokens are conserved (the rewards contract holds pool + pending fees + every claimable);
 * - with k = 1, the harshest inactivity rule, no member owes a slash and every streak is zero:
 *   the racer cannot make an honest prover look inactive;
 * - every member is paid, and every streak and the pool end, exactly as the TypeScript model
 *   (`settleEpochModel`, through the policy's rules on a policy deployment) says for the
 *   accepted records;
 * - every member the honest control pays is paid something: a racer cannot take a member's
 *   whole credit away.
 *
 * Failures print fast-check's seed and the shrunk plan.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { hexlify } from "ethers";
import fc from "fast-check";
import { network } from "hardhat";

import { readEpochSettlement } from "../src/client/settlement.js";
import { policyRules } from "../src/protocol/policies/index.js";
import {
  NONE,
  PolicyError,
  type AssignmentPolicyRules,
  type PolicyBlock,
  type PolicyName,
} from "../src/protocol/policies/types.js";
import { settleEpochModel } from "../src/protocol/rewards.js";
import { firstOpenSlot, rootProof } from "./helpers/lifecycle.js";
import {
  deploySettledRewards,
  expectRewardsConserved,
  provableBlock,
  rewardAccounts,
  settle,
  submitRecord,
  type RewardsFixture,
} from "./helpers/rewards.js";
import { UNIT } from "./helpers/stakeTable.js";

const { ethers, networkHelpers } = await network.create();
const mine = (n: number) => networkHelpers.mine(n);

const BLOCKS = 3;
const PROOFS_PER_NODE = 2;
const MAX_ROOTS = 2;
const ROUND_HEIGHT = 1;

const RULES: Record<PolicyName, AssignmentPolicyRules> = {
  striped: policyRules("striped"),
  vrfPath: policyRules("vrfPath"),
  sortedRounds: policyRules("sortedRounds", {
    roundHeight: ROUND_HEIGHT,
    proofsPerNode: 1,
    maxRoots: 1,
    feeBurnBps: 0n,
    uncleReward: 0n,
  }),
  rankedProofs: policyRules("rankedProofs", {
    roundHeight: 1,
    proofsPerNode: PROOFS_PER_NODE,
    maxRoots: MAX_ROOTS,
    feeBurnBps: 0n,
    uncleReward: 0n,
  }),
  siblingCover: policyRules("siblingCover"),
};

async function deployPolicyContract(name: PolicyName): Promise<string | undefined> {
  switch (name) {
    case "striped":
      return undefined;
    case "vrfPath":
      return (await ethers.deployContract("VrfPathPolicy")).getAddress();
    case "sortedRounds":
      return (await ethers.deployContract("SortedRoundsPolicy", [ROUND_HEIGHT])).getAddress();
    case "rankedProofs":
      return (
        await ethers.deployContract("RankedProofsPolicy", [PROOFS_PER_NODE, MAX_ROOTS, 0n])
      ).getAddress();
    case "siblingCover":
      return (await ethers.deployContract("SiblingCoverPolicy", [10n * UNIT])).getAddress();
  }
}

type Variant = "honest" | "selfish" | "dropOne" | "noise";

/** Who files one tree's root first, and with what. */
interface FirstFiling {
  /** 0: the sequencer; 1 … m: that committee member (index − 1); m + 1: an outsider. */
  actor: number;
  variant: Variant;
  /** Picks the dropped node or seeds the noise. */
  pick: number;
}

type Plan = FirstFiling[][]; // per block, per tree (in a drawn order)

const filingArb = fc.record({
  actor: fc.nat({ max: 64 }),
  variant: fc.constantFrom<Variant>("honest", "selfish", "dropOne", "noise"),
  pick: fc.nat({ max: 1 << 16 }),
});

const planArb: fc.Arbitrary<Plan> = fc.array(fc.array(filingArb, { minLength: 4, maxLength: 4 }), {
  minLength: BLOCKS,
  maxLength: BLOCKS,
});

/** The record of an honest network: every node credits its first holder(s). */
function honestRecord(rules: AssignmentPolicyRules, block: PolicyBlock, tree: number) {
  const proofs = rules.proofsPerNode;
  const credits = new Map<number, number[]>();
  for (let node = 1; node < 2 * block.leafCount; node++) {
    const holders = rules.holders(block, tree, node).slice(0, proofs);
    if (holders.length > 0)
      credits.set(
        node,
        holders.map((h) => h.credit),
      );
  }
  return rules.encodeRecord(block, tree, credits);
}

/** The racer's record for `variant`, or undefined if the lifecycle would refuse it. */
function racingRecord(
  rules: AssignmentPolicyRules,
  block: PolicyBlock,
  tree: number,
  honest: Uint8Array,
  filing: FirstFiling,
  actorIndex: number | undefined,
): Uint8Array {
  let record = honest;
  if (filing.variant === "selfish") {
    record = new Uint8Array(honest.length).fill(NONE);
    record[0] = actorIndex ?? honest[0];
  } else if (filing.variant === "dropOne" && honest.length > 1) {
    record = Uint8Array.from(honest);
    record[1 + (filing.pick % (honest.length - 1))] = NONE;
  } else if (filing.variant === "noise") {
    record = Uint8Array.from(honest, (_, i) => (filing.pick * 31 + i * 17) & 0xff);
    record[0] = honest[0];
  }
  try {
    rules.checkRoot(block, tree, record);
    return record;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return honest; // the lifecycle would refuse it: the racer files the honest record instead
  }
}

interface Outcome {
  /** First roots whose record was not the honest one. */
  raced: number;
  /** Additional roots the root provers filed. */
  additional: number;
  proving: bigint[];
  streaks: bigint[];
  pending: bigint[];
}

/** Runs `plan` (or, if `control`, honest root provers filing first) and settles the epoch. */
async function run(
  fx: RewardsFixture,
  rules: AssignmentPolicyRules,
  plan: Plan,
  control: boolean,
): Promise<Outcome> {
  const m = fx.committee.length;
  const outsider = fx.sequencers[fx.sequencers.length - 1].signer;
  const blocks: PolicyBlock[] = [];
  let raced = 0;
  let additional = 0;
  for (const filings of plan) {
    const slot = await firstOpenSlot(fx, ethers);
    const shape = await provableBlock(fx, ethers, slot);
    const block: PolicyBlock = {
      slot,
      seed: shape.seed,
      committee: [...fx.committee],
      treeCount: rules.treeCount(shape.c, shape.m),
      leafCount: shape.leafCount,
      proposer: fx.sequencers[0].address,
    };
    blocks.push(block);
    const trees = Math.min(block.treeCount, filings.length);
    const filed = new Set<number>(); // members that filed an additional root in this block
    for (let t = 0; t < trees; t++) {
      const honest = honestRecord(rules, block, t);
      const owner = honest[0] < m ? honest[0] : undefined;
      const filing = filings[t];
      const actor = filing.actor % (m + 2);
      let signer: HardhatEthersSigner;
      let actorIndex: number | undefined;
      if (control)
        signer = owner === undefined ? fx.sequencers[0].signer : fx.members[owner].signer;
      else if (actor === 0) signer = fx.sequencers[0].signer;
      else if (actor <= m) {
        actorIndex = actor - 1;
        signer = fx.members[actorIndex].signer;
      } else signer = outsider;
      const first = control ? honest : racingRecord(rules, block, t, honest, filing, actorIndex);
      await (await submitRecord(fx, slot, t, first, signer)).wait();
      if (hexlify(first) !== hexlify(honest)) raced++;
      const ownFiled = owner !== undefined && fx.members[owner].address === signer.address;
      if (hexlify(first) === hexlify(honest) && (ownFiled || control)) continue;
      if (owner === undefined || filed.has(owner)) continue;
      // The root prover files its own record (rankedProofs has no additional roots: its
      // competing roots are its own mechanism).
      if (rules.competingRoots) continue;
      filed.add(owner);
      additional++;
      const ownerSigner = fx.members[owner].signer;
      const { proof } = await rootProof(fx, slot, t, ownerSigner.address, honest);
      await (
        await fx.lifecycle
          .connect(ownerSigner)
          .submitAdditionalRoot(slot, t, honest, proof, [...fx.committee])
      ).wait();
    }
  }
  const call = await readEpochSettlement(fx.lifecycle, fx.election, fx.epoch);
  const pool = await fx.rewards.pool();
  await (await settle(fx, ethers)).wait();
  await expectModelPaid(fx, rules, blocks, call.roots, pool);
  const proving: bigint[] = [];
  const streaks: bigint[] = [];
  const pending: bigint[] = [];
  for (const member of fx.members) {
    proving.push((await fx.rewards.claimable(member.address)).proving);
    const [streak, owed] = await fx.rewards.inactivityOf(member.address);
    streaks.push(streak);
    pending.push(owed);
  }
  return { raced, additional, proving, streaks, pending };
}

/**
 * Every member's proving balance and inactivity equal the TypeScript model's
 * (`settleEpochModel`, with the policy's rules for a policy deployment) for the accepted
 * records.
 */
async function expectModelPaid(
  fx: RewardsFixture,
  rules: AssignmentPolicyRules,
  blocks: readonly PolicyBlock[],
  roots: Awaited<ReturnType<typeof readEpochSettlement>>["roots"],
  pool: bigint,
) {
  const ctx = await fx.lifecycle.epochContext(fx.epoch);
  const slotsPerEpoch = (await fx.lifecycle.EPOCH_LENGTH()) / (await fx.lifecycle.SLOT_LENGTH());
  const activity = new Map<bigint, bigint>();
  for (const b of blocks) activity.set(b.slot, await fx.rewards.policyActivity(b.slot));
  const model = settleEpochModel({
    params: fx.rewardParams,
    epochSeed: ctx.seed,
    committee: [...fx.committee],
    treeCount: Number(ctx.treeCount),
    firstSlot: fx.epoch * slotsPerEpoch,
    slotsPerEpoch,
    roots,
    pool,
    fees: new Map(),
    inactivity: new Map(),
    ...(rules.name === "striped"
      ? {}
      : {
          policy: {
            rules,
            leafCount: (slot: bigint) => blocks.find((b) => b.slot === slot)!.leafCount,
            activity,
          },
        }),
  });
  for (const member of fx.members) {
    const got = (await fx.rewards.claimable(member.address)).proving;
    expect(got, `member ${member.address}`).to.equal(
      model.credits.get(member.address)?.proving ?? 0n,
    );
    const [streak, owed] = await fx.rewards.inactivityOf(member.address);
    const expected = model.inactivity.get(member.address)!;
    expect([streak, owed], `inactivity of ${member.address}`).to.deep.equal([
      expected.missStreak,
      expected.pendingSlashes,
    ]);
  }
  expect(await fx.rewards.pool()).to.equal(model.poolAfter);
}

describe("Racing submitters: conservation, no inactivity slash and model pay under every policy", function () {
  for (const name of Object.keys(RULES) as PolicyName[]) {
    it(`${name}: a random actor files each tree's first root with a random record`, async function () {
      const rules = RULES[name];
      const fixture = async () =>
        deploySettledRewards(ethers, mine, {
          ...(name === "striped" ? {} : { policy: await deployPolicyContract(name) }),
          config: { inactivityThreshold: 1n, inactivitySlash: 10n * UNIT },
        });
      // One fixture function per policy: loadFixture snapshots its first deployment.
      const honestPlan: Plan = Array.from({ length: BLOCKS }, () =>
        Array.from({ length: 4 }, (): FirstFiling => ({ actor: 0, variant: "honest", pick: 0 })),
      );
      const control = await run(await networkHelpers.loadFixture(fixture), rules, honestPlan, true);
      let raced = 0;
      let additional = 0;
      await fc.assert(
        fc.asyncProperty(planArb, async (plan) => {
          const fx = await networkHelpers.loadFixture(fixture);
          const outcome = await run(fx, rules, plan, false);
          raced += outcome.raced;
          additional += outcome.additional;
          await expectRewardsConserved(fx, rewardAccounts(fx));
          for (let i = 0; i < fx.members.length; i++) {
            expect(outcome.pending[i], `member ${i} owes a slash`).to.equal(0n);
            expect(outcome.streaks[i], `member ${i} streak`).to.equal(0n);
            if (control.proving[i] > 0n) {
              expect(outcome.proving[i], `member ${i} paid`).to.be.greaterThan(0n);
            }
          }
        }),
        { seed: 18, numRuns: 10 },
      );
      // The runs raced: records other than the honest one landed first, and (but under
      // rankedProofs, whose competing roots are its own mechanism) root provers filed theirs.
      expect(raced, "raced first roots").to.be.greaterThan(0);
      if (name !== "rankedProofs") expect(additional, "additional roots").to.be.greaterThan(0);
      console.log(`      ${name}: ${raced} raced first roots, ${additional} additional roots`);
    });
  }
});
