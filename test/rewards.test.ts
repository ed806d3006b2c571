/**
 * Rewards (issue 5): the split of a finalized block's reward and fees, per-chunk shares across
 * every root proof in the window (hand-computed), unproven trees, pruned and timed-out blocks,
 * FEE_SPLIT and FEE_BURN, records settlement rejects, claims, and settlement's errors. Token
 * conservation is checked after every action.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { readEpochSettlement } from "../src/client/settlement.js";
import { participationRecord } from "../src/protocol/lifecycle.js";
import { BURN_ADDRESS, settleEpochModel, type RootEntry } from "../src/protocol/rewards.js";
import {
  firstOpenSlot,
  leaderOf,
  mineTo,
  proposeBlock,
  timeoutOpensAt,
  timeoutVotes,
} from "./helpers/lifecycle.js";
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

function countsOf(...records: Uint8Array[]): Map<number, bigint> {
  const counts = new Map<number, bigint>();
  for (const r of records) for (const m of r) counts.set(m, (counts.get(m) ?? 0n) + 1n);
  return counts;
}

describe("ProverRewards: split, shares and settlement", function () {
  let fx: RewardsFixture;

  async function fixture() {
    return deploySettledRewards(ethers, mine);
  }

  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(fixture);
  });

  it("pays a block with two proven trees per chunk: hand-computed, cross-tree outputs counted per root", async function () {
    const slot = await firstOpenSlot(fx, ethers);
    const shape = await provableBlock(fx, ethers, slot);
    expect(shape).to.include({ m: 4, c: 2, leafCount: 4 });
    // Tree 0 uses tree 1's outputs at the odd nodes below the root (seed 000's cross-tree
    // reuse); tree 1 is its own. An output used by both roots is paid in both.
    const r0 = participationRecord(shape, 0, (node) => node % 2);
    const r1 = participationRecord(shape, 1);
    await submitRecord(fx, slot, 0, r0, fx.members[1].signer);
    await submitRecord(fx, slot, 1, r1, fx.members[2].signer);
    await expectRewardsConserved(fx, rewardAccounts(fx));
    await expect(settle(fx, ethers)).to.emit(fx.rewards, "EpochSettled");

    // 1000 tokens: 10% to the submitter of the finalizing proof (member 1), 20% to the
    // proposer, 700 to the committee: 350 per tree, 50 per node (7 nodes, no dust).
    const counts = countsOf(r0, r1);
    for (const [i, member] of fx.members.entries()) {
      const c = await fx.rewards.claimable(member.address);
      expect(c.proving, `member ${i}`).to.equal((counts.get(i) ?? 0n) * 50n * UNIT);
      expect(c.submitting).to.equal(i === 1 ? 100n * UNIT : 0n);
      expect(c.sequencing).to.equal(0n);
    }
    expect((await fx.rewards.claimable(fx.sequencers[0].address)).sequencing).to.equal(200n * UNIT);
    const total = [...counts.values()].reduce((a, b) => a + b, 0n);
    expect(total).to.equal(14n);
    expect(await fx.rewards.pool()).to.equal(99_000n * UNIT);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("rounding dust, an unproven tree's share and a rejected record go back to the pool", async function () {
    const slot = await firstOpenSlot(fx, ethers);
    const shape = await provableBlock(fx, ethers, slot);
    await fx.rewards.connect(fx.admin).depositFees(slot, 1n); // 1001 tokens + 1 wei
    // Tree 1's record credits a leaf to a member assigned there in no tree: the lifecycle
    // accepts it (it checks the root only), settlement rejects it.
    const r1 = participationRecord(shape, 1);
    const leaf = shape.leafCount;
    const allowed = new Set([0, 1].map((t) => participationRecord(shape, t)[leaf - 1]));
    const outsider = [0, 1, 2, 3].find((i) => !allowed.has(i))!;
    r1[leaf - 1] = outsider;
    const r0 = participationRecord(shape, 0);
    await submitRecord(fx, slot, 0, r0);
    await submitRecord(fx, slot, 1, r1);
    await expect(settle(fx, ethers))
      .to.emit(fx.rewards, "RootRecordRejected")
      .withArgs(slot, 1n, BigInt(leaf), BigInt(outsider));
    // total = 1000e18 + 1: submitter 100e18 (floor), provers 700e18 (floor), sequencer gets the
    // remainder 200e18 + 1. treeShare 350e18, nodeShare floor(350e18 / 7) = 50e18.
    const counts = countsOf(r0);
    for (const [i, member] of fx.members.entries()) {
      const c = await fx.rewards.claimable(member.address);
      expect(c.proving).to.equal((counts.get(i) ?? 0n) * 50n * UNIT);
    }
    expect((await fx.rewards.claimable(fx.sequencers[0].address)).sequencing).to.equal(
      200n * UNIT + 1n,
    );
    // The rejected tree's 350 return to the pool.
    expect(await fx.rewards.pool()).to.equal(99_000n * UNIT + 350n * UNIT);
    expect(await fx.rewards.pendingFees()).to.equal(0n);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("pruned and timed-out blocks pay nothing; their fees go to the pool", async function () {
    const timedOut = await firstOpenSlot(fx, ethers);
    await proposeBlock(fx, ethers, timedOut, fx.sequencers[0]);
    await fx.rewards.connect(fx.admin).depositFees(timedOut, 5n * UNIT);
    await mineTo(fx, ethers, await timeoutOpensAt(fx, timedOut));
    const leader = await leaderOf(fx, timedOut, 0);
    const { bitmap, signatures } = await timeoutVotes(fx, timedOut, 0, [0, 1]);
    await fx.lifecycle
      .connect(leader.signer)
      .postTimeoutCertificate(timedOut, 0, fx.committee, bitmap, signatures);
    const pruned = await firstOpenSlot(fx, ethers);
    await proposeBlock(fx, ethers, pruned, fx.sequencers[1]);
    await fx.rewards.connect(fx.admin).depositFees(pruned, 7n * UNIT);
    const [, closesAt] = await fx.lifecycle.proofWindow(pruned);
    await mineTo(fx, ethers, closesAt + 1n);
    await fx.lifecycle.prune(pruned);
    await expectRewardsConserved(fx, rewardAccounts(fx));
    await expect(settle(fx, ethers))
      .to.emit(fx.rewards, "EpochSettled")
      .withArgs(fx.epoch, 0n, 0n, 12n * UNIT, 0n);
    expect(await fx.rewards.pool()).to.equal(100_012n * UNIT);
    for (const a of rewardAccounts(fx)) {
      const c = await fx.rewards.claimable(a);
      expect(c.proving + c.sequencing + c.submitting).to.equal(0n);
    }
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("claims pay the withdrawer or a recipient it names, once; a second claim is NothingToClaim", async function () {
    const slot = await firstOpenSlot(fx, ethers);
    const shape = await provableBlock(fx, ethers, slot);
    await submitRecord(fx, slot, 0, participationRecord(shape, 0));
    await settle(fx, ethers);
    const member = fx.members[0];
    const before = await fx.rewards.claimable(member.address);
    const owed = before.proving + before.submitting;
    expect(owed).to.be.greaterThan(0n);
    // Only the withdrawer may name a recipient.
    const outsider = fx.sequencers[1];
    await expect(fx.rewards.connect(outsider.signer).claimTo(member.address, outsider.address))
      .to.be.revertedWithCustomError(fx.rewards, "NotWithdrawer")
      .withArgs(outsider.address, member.address);
    const recipient = ethers.Wallet.createRandom().address;
    await expect(fx.rewards.connect(member.signer).claimTo(member.address, recipient))
      .to.emit(fx.rewards, "Claimed")
      .withArgs(member.address, recipient, before.proving, 0n, before.submitting);
    expect(await fx.token.balanceOf(recipient)).to.equal(owed);
    await expect(fx.rewards.claim(member.address))
      .to.be.revertedWithCustomError(fx.rewards, "NothingToClaim")
      .withArgs(member.address);
    // Anyone may trigger a claim that pays the withdrawer (here the operator itself).
    const sequencer = fx.sequencers[0];
    const seqOwed = (await fx.rewards.claimable(sequencer.address)).sequencing;
    const balance = await fx.token.balanceOf(sequencer.address);
    await fx.rewards.connect(outsider.signer).claim(sequencer.address);
    expect(await fx.token.balanceOf(sequencer.address)).to.equal(balance + seqOwed);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("the TS settlement model predicts every balance, the pool and the burn", async function () {
    const slot = await firstOpenSlot(fx, ethers);
    const shape = await provableBlock(fx, ethers, slot);
    await fx.rewards.connect(fx.admin).depositFees(slot, 123_456_789n);
    await submitRecord(
      fx,
      slot,
      1,
      participationRecord(shape, 1, (n) => (n * 7) % 2),
      fx.members[3].signer,
    );
    await submitRecord(fx, slot, 0, participationRecord(shape, 0));
    const call = await readEpochSettlement(fx.lifecycle, fx.election, fx.epoch);
    const ctx = await fx.lifecycle.epochContext(fx.epoch);
    const model = settleEpochModel({
      params: fx.rewardParams,
      epochSeed: ctx.seed,
      committee: call.committee,
      treeCount: Number(ctx.treeCount),
      firstSlot: fx.epoch * (await fx.rewards.SLOTS_PER_EPOCH()),
      slotsPerEpoch: await fx.rewards.SLOTS_PER_EPOCH(),
      roots: call.roots as RootEntry[],
      pool: await fx.rewards.pool(),
      fees: new Map([[slot, 123_456_789n]]),
      inactivity: new Map(),
    });
    await settle(fx, ethers);
    for (const [account, credits] of model.credits) {
      const c = await fx.rewards.claimable(account);
      expect([c.proving, c.sequencing, c.submitting]).to.deep.equal([
        credits.proving,
        credits.sequencing,
        credits.submitting,
      ]);
    }
    expect(await fx.rewards.pool()).to.equal(model.poolAfter);
    expect(await fx.token.balanceOf(BURN_ADDRESS)).to.equal(model.burned);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });
});
