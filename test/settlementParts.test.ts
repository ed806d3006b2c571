/**
 * Resumable settlement (issue 18, "settlement always fits"): an epoch's root proofs are chained
 * per settlement segment of SEGMENT_SLOTS slots, and `settleEpochPart` settles an epoch one or
 * more whole segments per transaction, carrying its totals in storage. Settling in parts gives
 * exactly what one `settleEpoch` gives; bad parts are refused with a named error and change
 * nothing; fees cannot be deposited for a settled segment.
 *
 * The fixture's epochs have 10 slots of 4 L1 blocks: three segments (slots 0 … 3, 4 … 7, 8 … 9).
 * Block a is in an earlier segment than block b, which is in the last.
 */
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { network } from "hardhat";

import {
  readEpochSettlement,
  readNextSettlementPart,
  readSegmentLayout,
} from "../src/client/settlement.js";
import { participationRecord } from "../src/protocol/lifecycle.js";
import {
  chainRootDigest,
  segmentOfSlot,
  settlementParts,
  type RootEntry,
  type SegmentLayout,
} from "../src/protocol/rewards.js";
import { firstOpenSlot, mineTo } from "./helpers/lifecycle.js";
import {
  deploySettledRewards,
  expectRewardsConserved,
  provableBlock,
  rewardAccounts,
  submitRecord,
  type RewardsFixture,
} from "./helpers/rewards.js";
import { UNIT, nextBlockNumber } from "./helpers/stakeTable.js";

const { ethers, networkHelpers } = await network.create();
const mine = (n: number) => networkHelpers.mine(n);

const EPOCH_LENGTH = 40n; // 10 slots of 4 blocks

/** Everything settlement may change, for every account of the fixture. */
async function stateOf(fx: RewardsFixture) {
  const balances: bigint[] = [];
  const streaks: bigint[] = [];
  for (const a of rewardAccounts(fx)) {
    const c = await fx.rewards.claimable(a);
    balances.push(c.proving, c.sequencing, c.submitting);
    const i = await fx.rewards.inactivityOf(a);
    streaks.push(i.missStreak, i.pendingSlashes);
  }
  return {
    pool: await fx.rewards.pool(),
    pendingFees: await fx.rewards.pendingFees(),
    nextEpoch: await fx.rewards.nextEpoch(),
    progress: (await fx.rewards.settlementProgress()).map((v) => v),
    totalBurned: await fx.rewards.totalBurned(),
    held: await fx.token.balanceOf(await fx.rewards.getAddress()),
    balances,
    streaks,
  };
}

describe("ProverRewards: settlement in parts (segments of SEGMENT_SLOTS slots)", function () {
  let fx: RewardsFixture;
  let layout: SegmentLayout;
  /** A block in segment sa (two trees proven) and one in the last segment (one tree proven). */
  let a: bigint;
  let b: bigint;
  let sa: bigint;
  /** The roots of the segments up to sa's, and of the rest. */
  let early: RootEntry[];
  let late: RootEntry[];

  async function fixture() {
    const f = await deploySettledRewards(ethers, mine, {
      epochLength: EPOCH_LENGTH,
      config: { inactivityThreshold: 2n, inactivitySlash: 10n * UNIT },
    });
    const slotA = await firstOpenSlot(f, ethers);
    const shapeA = await provableBlock(f, ethers, slotA);
    await submitRecord(f, slotA, 0, participationRecord(shapeA, 0), f.members[0].signer);
    await submitRecord(f, slotA, 1, participationRecord(shapeA, 1), f.members[1].signer);
    const perEpoch = await f.rewards.SLOTS_PER_EPOCH();
    const slotB = f.epoch * perEpoch + 9n;
    const shapeB = await provableBlock(f, ethers, slotB);
    await submitRecord(f, slotB, 0, participationRecord(shapeB, 0), f.members[2].signer);
    await f.rewards.connect(f.admin).depositFees(slotA, 3n * UNIT);
    await f.rewards.connect(f.admin).depositFees(slotB, 5n * UNIT);
    // A fee for a slot nobody proposed in, in a's segment and in b's: both go to the pool.
    await f.rewards.connect(f.admin).depositFees(slotA + 1n, 1n * UNIT);
    await f.rewards.connect(f.admin).depositFees(slotB - 1n, 2n * UNIT);
    const at = await f.rewards.settleableAt(f.epoch);
    if ((await nextBlockNumber(ethers)) < at) await mineTo(f, ethers, at);
    return { f, slotA, slotB };
  }

  beforeEach(async function () {
    const loaded = await networkHelpers.loadFixture(fixture);
    fx = loaded.f;
    a = loaded.slotA;
    b = loaded.slotB;
    layout = await readSegmentLayout(fx.lifecycle);
    sa = segmentOfSlot(a, layout);
    const call = await readEpochSettlement(fx.lifecycle, fx.election, fx.epoch);
    early = call.roots.filter((r) => segmentOfSlot(r.slot, layout) <= sa);
    late = call.roots.filter((r) => segmentOfSlot(r.slot, layout) > sa);
  });

  it("the epoch has three segments, each block's roots chained in its own segment", async function () {
    expect(await fx.rewards.SEGMENTS_PER_EPOCH()).to.equal(3n);
    expect(sa < 2n).to.equal(true);
    expect(segmentOfSlot(b, layout)).to.equal(2n);
    expect(await fx.lifecycle.rootSegments(fx.epoch)).to.equal((1n << sa) | 4n);
    const call = await readEpochSettlement(fx.lifecycle, fx.election, fx.epoch);
    expect(call.roots.map((r) => [r.slot, r.sequence])).to.deep.equal([
      [a, 0n],
      [a, 1n],
      [b, 0n],
    ]);
    for (const segment of [0n, 1n, 2n, 3n]) {
      const roots = call.roots.filter((r) => segmentOfSlot(r.slot, layout) === segment);
      expect(await fx.lifecycle.rootDigest(fx.epoch, segment)).to.equal(chainRootDigest(roots));
    }
  });

  it("settling segment by segment ends exactly where one settleEpoch ends", async function () {
    const snapshot = await networkHelpers.takeSnapshot();
    const call = await readEpochSettlement(fx.lifecycle, fx.election, fx.epoch);
    await fx.rewards.settleEpoch(call.epoch, call.committee, call.roots);
    const whole = await stateOf(fx);
    await snapshot.restore();

    const parts = settlementParts(call.roots, layout, 1n);
    expect(parts.map((p) => p.roots.length)).to.deep.equal(
      [0n, 1n, 2n].map((s) => (s === sa ? 2 : s === 2n ? 1 : 0)),
    );
    // One segment per call: every call but the last leaves the epoch open.
    for (const [i, part] of parts.entries()) {
      const tx = fx.rewards.settleEpochPart(fx.epoch, call.committee, part.roots, part.segments);
      const paid = BigInt(part.roots.length === 0 ? 0 : 1);
      await expect(tx)
        .to.emit(fx.rewards, "EpochPartSettled")
        .withArgs(fx.epoch, BigInt(i), BigInt(i + 1), paid);
      if (i < parts.length - 1) {
        expect(await fx.rewards.nextEpoch()).to.equal(fx.epoch);
        const [next, total, returning] = await fx.rewards.settlementProgress();
        expect([next, total]).to.deep.equal([BigInt(i + 1), 3n]);
        // a's segment returns the fee of its empty slot a + 1 (1 token) when the epoch closes.
        if (BigInt(i) >= sa) expect(returning >= 1n * UNIT).to.equal(true);
        await expectRewardsConserved(fx, rewardAccounts(fx));
      } else {
        await expect(tx).to.emit(fx.rewards, "EpochSettled");
      }
    }
    const inParts = await stateOf(fx);
    expect(inParts).to.deep.equal(whole);
    expect(inParts.progress).to.deep.equal([0n, 3n, 0n]);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("the clients' part reader settles the epoch one part at a time", async function () {
    const snapshot = await networkHelpers.takeSnapshot();
    const call = await readEpochSettlement(fx.lifecycle, fx.election, fx.epoch);
    await fx.rewards.settleEpoch(call.epoch, call.committee, call.roots);
    const whole = await stateOf(fx);
    await snapshot.restore();
    let calls = 0;
    while ((await fx.rewards.nextEpoch()) === fx.epoch) {
      const part = await readNextSettlementPart(
        fx.rewards,
        fx.lifecycle,
        fx.election,
        fx.epoch,
        0,
        1n,
      );
      await fx.rewards.settleEpochPart(part.epoch, part.committee, part.roots, part.segments);
      ++calls;
    }
    expect(calls).to.equal(3);
    expect(await stateOf(fx)).to.deep.equal(whole);
  });

  it("a part asking for more segments than are left settles the rest (segments = 2^256 - 1)", async function () {
    const call = await readEpochSettlement(fx.lifecycle, fx.election, fx.epoch);
    await fx.rewards.settleEpochPart(fx.epoch, call.committee, early, sa + 1n);
    await expect(fx.rewards.settleEpochPart(fx.epoch, call.committee, late, ethers.MaxUint256))
      .to.emit(fx.rewards, "EpochSettled")
      .withArgs(fx.epoch, 2n, 3n, anyValue, 0n);
    expect(await fx.rewards.nextEpoch()).to.equal(fx.epoch + 1n);
  });

  it("refuses bad parts with a named error and changes nothing", async function () {
    const call = await readEpochSettlement(fx.lifecycle, fx.election, fx.epoch);
    const first = early;
    const rest = late;
    const before = await stateOf(fx);
    const rejects = async (
      roots: RootEntry[],
      segments: bigint,
      error: string,
      args: unknown[],
    ) => {
      await expect(fx.rewards.settleEpochPart(fx.epoch, call.committee, roots, segments))
        .to.be.revertedWithCustomError(fx.rewards, error)
        .withArgs(...args);
      expect(await stateOf(fx)).to.deep.equal(before);
    };
    await expect(
      fx.rewards.settleEpochPart(fx.epoch, call.committee, first, 0n),
    ).to.be.revertedWithCustomError(fx.rewards, "ZeroSegments");
    // b's root in a part that ends with a's segment.
    await rejects(call.roots, sa + 1n, "RootOutsideEpoch", [b, fx.epoch]);
    // a's roots left out: its segment's digest does not match.
    await rejects(rest, 3n, "RootDigestMismatch", [
      fx.epoch,
      await fx.lifecycle.rootDigest(fx.epoch, sa),
      chainRootDigest([]),
    ]);
    // A root moved to the slot after a (no block there, same segment): positions clash.
    const moved = first.map((r) => ({ ...r }));
    moved[1] = { ...moved[1], slot: a + 1n, sequence: 0n };
    if (segmentOfSlot(a + 1n, layout) === sa) {
      await rejects([moved[0], moved[1]], sa + 1n, "InvalidRootSequence", [1n, 0n]);
    }
    // A root in a segment without roots, between a's and b's.
    if (sa === 0n) {
      const stray = { ...rest[0], slot: a + layout.segmentSlots };
      await rejects([...first, stray, ...rest], 3n, "RootOutsideSegments", [stray.slot]);
    }
    // The epoch after is not next.
    await expect(fx.rewards.settleEpochPart(fx.epoch + 1n, [], [], 1n))
      .to.be.revertedWithCustomError(fx.rewards, "EpochNotNext")
      .withArgs(fx.epoch + 1n, fx.epoch);

    // After a's segment is settled, its roots are refused.
    await fx.rewards.settleEpochPart(fx.epoch, call.committee, first, sa + 1n);
    const afterFirst = await stateOf(fx);
    await expect(fx.rewards.settleEpochPart(fx.epoch, call.committee, call.roots, 1n))
      .to.be.revertedWithCustomError(fx.rewards, "RootOutsideEpoch")
      .withArgs(a, fx.epoch);
    expect(await stateOf(fx)).to.deep.equal(afterFirst);
  });

  it("fees for a settled segment are refused; fees for the next segment are paid with it", async function () {
    const call = await readEpochSettlement(fx.lifecycle, fx.election, fx.epoch);
    await fx.rewards.settleEpochPart(fx.epoch, call.committee, early, sa + 1n);
    const settled = await stateOf(fx);
    const lastOfSa = fx.epoch * layout.slotsPerEpoch + (sa + 1n) * layout.segmentSlots - 1n;
    for (const slot of [a, lastOfSa]) {
      await expect(fx.rewards.connect(fx.admin).depositFees(slot, UNIT))
        .to.be.revertedWithCustomError(fx.rewards, "SlotAlreadySettled")
        .withArgs(slot);
    }
    expect(await stateOf(fx)).to.deep.equal(settled);
    // b's slot still takes fees, and they are paid with block b.
    await fx.rewards.connect(fx.admin).depositFees(b, 7n * UNIT);
    const tx = fx.rewards.settleEpochPart(fx.epoch, call.committee, late, 3n);
    await expect(tx).to.emit(fx.rewards, "BlockSettled");
    const receipt = await (await tx).wait();
    const settledBlock = receipt!.logs
      .map((l) => fx.rewards.interface.parseLog(l))
      .find((e) => e?.name === "BlockSettled");
    expect(settledBlock!.args.payout.fees).to.equal(12n * UNIT);
    expect(await fx.rewards.pendingFees()).to.equal(0n);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });
});
