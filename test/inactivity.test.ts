/**
 * Inactivity (issue 5, seed 001): a committee member credited with no chunk in k consecutive
 * finalized blocks it was elected for owes one slash of INACTIVITY_SLASH, executed by anyone
 * through `slashInactive`. Covers the k-th miss exactly, a streak reset by one credited block,
 * k = 0 (never slashes), and a withholding sequencer: timed-out and pruned blocks never count, so
 * honest members are not slashed for blocks nobody could prove.
 */
import { expect } from "chai";
import type { ContractTransactionResponse, LogDescription } from "ethers";
import { network } from "hardhat";

import {
  checkParticipation,
  participationRecord,
  type TreeShape,
} from "../src/protocol/lifecycle.js";
import {
  firstOpenSlot,
  leaderOf,
  mineTo,
  proposeBlock,
  publishData,
  timeoutOpensAt,
  timeoutVotes,
} from "./helpers/lifecycle.js";
import {
  REWARDS_TEST_CONFIG,
  deployRewards,
  deploySettledRewards,
  expectRewardsConserved,
  recordWithout,
  rewardAccounts,
  settle,
  submitRecord,
  type RewardsFixture,
} from "./helpers/rewards.js";
import { UNIT } from "./helpers/stakeTable.js";

const { ethers, networkHelpers } = await network.create();
const mine = (n: number) => networkHelpers.mine(n);

const SLASH = 10n * UNIT;
/** `IBlockLifecycle.BlockStatus` values. */
const FINAL = 2n;
const TIMED_OUT = 3n;
const PRUNED = 4n;

/** `slot`'s tree shape before it is proposed (the fixture's proposals use L = 4). */
async function shapeAt(fx: RewardsFixture, slot: bigint): Promise<TreeShape> {
  const ctx = await fx.election.blockContext(fx.epoch, slot);
  return { m: Number(ctx.size), c: Number(ctx.treeCount), leafCount: 4, seed: ctx.seed };
}

/** `recordWithout` for a set of members, or null if no record of `tree` avoids them all. */
function recordAvoiding(
  shape: TreeShape,
  tree: number,
  excluded: readonly number[],
): Uint8Array | null {
  try {
    return recordWithout(shape, tree, excluded);
  } catch {
    return null;
  }
}

/** Every tree's record avoiding `excluded`, by tree (trees without one are left out). */
function recordsAvoiding(shape: TreeShape, excluded: readonly number[]): Map<number, Uint8Array> {
  const records = new Map<number, Uint8Array>();
  for (let t = 0; t < shape.c; t++) {
    const r = recordAvoiding(shape, t, excluded);
    if (r !== null) records.set(t, r);
  }
  return records;
}

/** The committee indices credited by `records`. */
function creditedBy(records: Iterable<Uint8Array>): Set<number> {
  const credited = new Set<number>();
  for (const r of records) for (const m of r) credited.add(m);
  return credited;
}

/** Whether `slot` can be finalized crediting exactly the members outside `excluded`. */
function fits(shape: TreeShape, excluded: readonly number[]): boolean {
  const credited = creditedBy(recordsAvoiding(shape, excluded).values());
  for (let i = 0; i < shape.m; i++) if (credited.has(i) === excluded.includes(i)) return false;
  return true;
}

/**
 * Picks the earliest slots (in order, from the first open one, inside the epoch) whose blocks can
 * be finalized with `plan[b]` excluded in block b. Slot seeds decide which exclusions a record can
 * achieve, so a plan may skip a slot.
 */
async function slotsFor(fx: RewardsFixture, plan: readonly number[][]): Promise<bigint[] | null> {
  const perEpoch = await fx.rewards.SLOTS_PER_EPOCH();
  const last = (fx.epoch + 1n) * perEpoch - 1n;
  const slots: bigint[] = [];
  for (let slot = await firstOpenSlot(fx, ethers); slot <= last && slots.length < plan.length; ) {
    if (fits(await shapeAt(fx, slot), plan[slots.length])) slots.push(slot);
    slot++;
  }
  return slots.length === plan.length ? slots : null;
}

/** Finds members (x, y) and slots for the plan `planOf(x, y)`. */
async function choose(fx: RewardsFixture, planOf: (x: number, y: number) => number[][]) {
  const m = fx.members.length;
  for (let x = 0; x < m; x++) {
    for (let y = 0; y < m; y++) {
      if (x === y) continue;
      const plan = planOf(x, y);
      const slots = await slotsFor(fx, plan);
      if (slots !== null) return { x, y, plan, slots };
    }
  }
  throw new Error("no members and slots fit the plan");
}

/**
 * Proposes, publishes and finalizes `slot`'s block with every tree's record that credits none of
 * `excluded`; returns the members credited (all others).
 */
async function finalizeWithout(
  fx: RewardsFixture,
  slot: bigint,
  excluded: readonly number[],
): Promise<Set<number>> {
  await proposeBlock(fx, ethers, slot, fx.sequencers[0]);
  await publishData(fx, ethers, slot);
  const records = recordsAvoiding(await shapeAt(fx, slot), excluded);
  for (const [tree, record] of records) await submitRecord(fx, slot, tree, record);
  expect((await fx.lifecycle.getBlock(slot)).status).to.equal(FINAL);
  return creditedBy(records.values());
}

/** Runs `plan` on `slots`: finalized blocks, each crediting everyone outside its exclusions. */
async function runPlan(fx: RewardsFixture, plan: readonly number[][], slots: readonly bigint[]) {
  for (const [b, slot] of slots.entries()) {
    const credited = await finalizeWithout(fx, slot, plan[b]);
    for (let i = 0; i < fx.members.length; i++) {
      expect(credited.has(i), `block ${b}, member ${i}`).to.equal(!plan[b].includes(i));
    }
  }
}

/** The rewards contract's events called `name` in `tx`. */
async function eventsOf(
  fx: RewardsFixture,
  tx: ContractTransactionResponse,
  name: string,
): Promise<LogDescription[]> {
  const receipt = await tx.wait();
  const address = await fx.rewards.getAddress();
  const events: LogDescription[] = [];
  for (const log of receipt!.logs) {
    if (log.address !== address) continue;
    const parsed = fx.rewards.interface.parseLog(log);
    if (parsed !== null && parsed.name === name) events.push(parsed);
  }
  return events;
}

async function inactivity(fx: RewardsFixture, i: number): Promise<[bigint, bigint]> {
  const [streak, pending] = await fx.rewards.inactivityOf(fx.members[i].address);
  return [streak, pending];
}

/** Posts a round-0 timeout certificate for `slot` at the first block that takes one. */
async function timeOut(fx: RewardsFixture, slot: bigint) {
  await mineTo(fx, ethers, await timeoutOpensAt(fx, slot));
  const leader = await leaderOf(fx, slot, 0);
  const { bitmap, signatures } = await timeoutVotes(fx, slot, 0, [0, 1]);
  await expect(
    fx.lifecycle
      .connect(leader.signer)
      .postTimeoutCertificate(slot, 0, fx.committee, bitmap, signatures),
  ).to.emit(fx.lifecycle, "BlockTimedOut");
  expect((await fx.lifecycle.getBlock(slot)).status).to.equal(TIMED_OUT);
}

/** Member X misses blocks 1-3 (k-th miss), member Y misses 1 and 3 but is credited in 2. */
const X_AND_Y = (x: number, y: number) => [[x, y], [x], [x, y]];

describe("Inactivity: k = 3", function () {
  let fx: RewardsFixture;

  async function fixture() {
    return deploySettledRewards(ethers, mine, {
      config: { inactivityThreshold: 3n, inactivitySlash: SLASH },
    });
  }

  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(fixture);
  });

  it("the 3rd consecutive miss owes one slash; a credited block resets a streak; anyone executes it once", async function () {
    const { x, y, plan, slots } = await choose(fx, X_AND_Y);
    await runPlan(fx, plan, slots);
    const tx = await settle(fx, ethers);

    const recorded = await eventsOf(fx, tx, "InactivityRecorded");
    expect(recorded.map((e) => [...e.args])).to.deep.equal([[fx.epoch, fx.members[x].address, 1n]]);
    const [credited] = await eventsOf(fx, tx, "CommitteeCredited");
    expect([...credited.args.members]).to.deep.equal(fx.committee);
    expect(await inactivity(fx, x)).to.deep.equal([0n, 1n]); // the 3rd miss resets the streak
    // Y: miss (1), credited (0), miss (1).
    expect(await inactivity(fx, y)).to.deep.equal([1n, 0n]);
    for (let i = 0; i < fx.members.length; i++) {
      if (i === x || i === y) continue;
      expect(await inactivity(fx, i), `member ${i}`).to.deep.equal([0n, 0n]);
    }

    // Anyone executes the slash: exactly INACTIVITY_SLASH leaves X's stake.
    const X = fx.members[x].address;
    const before = (await fx.table.operatorInfo(X)).balance;
    const anyone = fx.signers[10];
    const slash = fx.rewards.connect(anyone).slashInactive(X);
    await expect(slash).to.emit(fx.rewards, "InactivitySlashed").withArgs(X, 1n, SLASH);
    await expect(slash)
      .to.emit(fx.table, "Slashed")
      .withArgs(X, SLASH, before - SLASH, await fx.rewards.INACTIVITY_REASON());
    expect((await fx.table.operatorInfo(X)).balance).to.equal(before - SLASH);
    expect(await inactivity(fx, x)).to.deep.equal([0n, 0n]);

    await expect(fx.rewards.connect(anyone).slashInactive(X))
      .to.be.revertedWithCustomError(fx.rewards, "NoPendingSlash")
      .withArgs(X);
    const Y = fx.members[y].address;
    await expect(fx.rewards.slashInactive(Y))
      .to.be.revertedWithCustomError(fx.rewards, "NoPendingSlash")
      .withArgs(Y);
    expect((await fx.table.operatorInfo(X)).balance).to.equal(before - SLASH);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("two misses in a row are a streak of 2 and owe nothing", async function () {
    const { x, plan, slots } = await choose(fx, (x) => [[x], [x]]);
    await runPlan(fx, plan, slots);
    const tx = await settle(fx, ethers);
    expect(await eventsOf(fx, tx, "InactivityRecorded")).to.deep.equal([]);
    expect(await inactivity(fx, x)).to.deep.equal([2n, 0n]);
    for (let i = 0; i < fx.members.length; i++) {
      if (i !== x) expect(await inactivity(fx, i)).to.deep.equal([0n, 0n]);
    }
    const X = fx.members[x].address;
    await expect(fx.rewards.slashInactive(X))
      .to.be.revertedWithCustomError(fx.rewards, "NoPendingSlash")
      .withArgs(X);
  });

  it("a 4th miss starts a new streak after the owed slash", async function () {
    const { x, plan, slots } = await choose(fx, (x) => [[x], [x], [x], [x]]);
    await runPlan(fx, plan, slots);
    await expect(settle(fx, ethers))
      .to.emit(fx.rewards, "InactivityRecorded")
      .withArgs(fx.epoch, fx.members[x].address, 1n);
    expect(await inactivity(fx, x)).to.deep.equal([1n, 1n]);
  });

  it("recordWithout builds valid records that credit none of the excluded members", async function () {
    const slot = await firstOpenSlot(fx, ethers);
    const shape = await shapeAt(fx, slot);
    let built = 0;
    for (let t = 0; t < shape.c; t++) {
      for (const excluded of [[0], [1], [2], [3], [0, 1], [1, 3], [2, 3]]) {
        const record = recordAvoiding(shape, t, excluded);
        if (excluded.includes(participationRecord(shape, t)[0])) {
          expect(record, `tree ${t} without ${excluded}`).to.equal(null);
          continue;
        }
        if (record === null) continue; // some node has only excluded provers
        built++;
        expect(checkParticipation(shape, t, record), `tree ${t} without ${excluded}`).to.equal(
          null,
        );
        expect([...record].some((member) => excluded.includes(member))).to.equal(false);
      }
    }
    expect(built).to.be.greaterThan(4);
  });
});

describe("Inactivity: k = 0 (seed 000)", function () {
  let fx: RewardsFixture;

  async function fixture() {
    return deploySettledRewards(ethers, mine);
  }

  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(fixture);
  });

  it("the same misses never record inactivity or slash", async function () {
    expect(await fx.rewards.INACTIVITY_THRESHOLD()).to.equal(0n);
    const { x, y, plan, slots } = await choose(fx, X_AND_Y);
    await runPlan(fx, plan, slots);
    const tx = await settle(fx, ethers);
    expect(await eventsOf(fx, tx, "InactivityRecorded")).to.deep.equal([]);
    for (let i = 0; i < fx.members.length; i++) {
      expect(await inactivity(fx, i), `member ${i}`).to.deep.equal([0n, 0n]);
    }
    for (const i of [x, y]) {
      const member = fx.members[i].address;
      await expect(fx.rewards.slashInactive(member))
        .to.be.revertedWithCustomError(fx.rewards, "NoPendingSlash")
        .withArgs(member);
    }
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });
});

/**
 * A withholding sequencer: blocks proposed and never published (timed out, or pruned after the
 * window), and a block published on L1 whose data the committee never receives (timed out),
 * interleaved with finalized blocks that credit everyone.
 */
async function withholdingSequence(fx: RewardsFixture) {
  const everyone: number[] = [];
  const withheld = fx.sequencers[1];
  let slot = await firstOpenSlot(fx, ethers);
  expect(await finalizeWithout(fx, slot, everyone)).to.have.lengthOf(fx.members.length);

  // Proposed, never published: timed out from the end of the proposal phase plus delta.
  await proposeBlock(fx, ethers, ++slot, withheld);
  await timeOut(fx, slot);

  slot = await firstOpenSlot(fx, ethers);
  expect(await finalizeWithout(fx, slot, everyone)).to.have.lengthOf(fx.members.length);

  // Published on L1, but the data never reaches the committee: timed out delta after publication.
  await proposeBlock(fx, ethers, ++slot, withheld);
  await publishData(fx, ethers, slot);
  await timeOut(fx, slot);

  slot = await firstOpenSlot(fx, ethers);
  expect(await finalizeWithout(fx, slot, everyone)).to.have.lengthOf(fx.members.length);

  // Proposed, never published, nobody certifies a timeout: pruned once its window has closed.
  await proposeBlock(fx, ethers, ++slot, withheld);
  const [, closesAt] = await fx.lifecycle.proofWindow(slot);
  await mineTo(fx, ethers, closesAt + 1n);
  await expect(fx.lifecycle.prune(slot)).to.emit(fx.lifecycle, "BlockPruned").withArgs(slot);
  expect((await fx.lifecycle.getBlock(slot)).status).to.equal(PRUNED);
  expect(slot / (await fx.rewards.SLOTS_PER_EPOCH())).to.equal(fx.epoch);
}

for (const k of [1n, 3n]) {
  describe(`Inactivity: withholding sequencer, k = ${k}`, function () {
    let fx: RewardsFixture;

    async function fixture() {
      const f = await deploySettledRewards(ethers, mine, {
        config: { inactivityThreshold: k, inactivitySlash: SLASH },
      });
      return f;
    }

    beforeEach(async function () {
      fx = await networkHelpers.loadFixture(fixture);
    });

    it("timed-out, withheld and pruned blocks never count: no honest member owes a slash", async function () {
      await withholdingSequence(fx);
      const tx = await settle(fx, ethers);
      await expect(tx).to.emit(fx.rewards, "EpochSettled").withArgs(fx.epoch, 3n, 6n, 0n, 0n);
      expect(await eventsOf(fx, tx, "InactivityRecorded")).to.deep.equal([]);
      for (let i = 0; i < fx.members.length; i++) {
        expect(await inactivity(fx, i), `member ${i}`).to.deep.equal([0n, 0n]);
        const member = fx.members[i].address;
        await expect(fx.rewards.slashInactive(member))
          .to.be.revertedWithCustomError(fx.rewards, "NoPendingSlash")
          .withArgs(member);
      }
      await expectRewardsConserved(fx, rewardAccounts(fx));
    });
  });
}

describe("Inactivity: streaks skip blocks nobody could prove (k = 3)", function () {
  let fx: RewardsFixture;

  async function fixture() {
    return deploySettledRewards(ethers, mine, {
      config: { inactivityThreshold: 3n, inactivitySlash: SLASH },
    });
  }

  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(fixture);
  });

  it("a member missing two finalized blocks around two timed-out ones has a streak of 2", async function () {
    // The timed-out blocks neither add a miss (else 4 > k) nor reset the streak.
    const first = await firstOpenSlot(fx, ethers);
    const shape = await shapeAt(fx, first);
    const x = [0, 1, 2, 3].find((i) => fits(shape, [i]));
    if (x === undefined) throw new Error("no member can be left out of the first block");
    const credited = await finalizeWithout(fx, first, [x]);
    expect(credited.has(x)).to.equal(false);
    await proposeBlock(fx, ethers, first + 1n, fx.sequencers[1]);
    await timeOut(fx, first + 1n);
    const withheld = await firstOpenSlot(fx, ethers);
    await proposeBlock(fx, ethers, withheld, fx.sequencers[1]);
    await publishData(fx, ethers, withheld);
    await timeOut(fx, withheld);
    let slot = await firstOpenSlot(fx, ethers);
    while (!fits(await shapeAt(fx, slot), [x])) slot++;
    expect(await finalizeWithout(fx, slot, [x])).to.not.include(x);
    await expect(settle(fx, ethers)).to.not.emit(fx.rewards, "InactivityRecorded");
    expect(await inactivity(fx, x)).to.deep.equal([2n, 0n]);
  });
});

describe("Inactivity: a finalized block whose every root settlement rejects (k = 3)", function () {
  let fx: RewardsFixture;

  async function fixture() {
    return deploySettledRewards(ethers, mine, {
      config: { inactivityThreshold: 3n, inactivitySlash: SLASH },
    });
  }

  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(fixture);
  });

  // Current rule (contract and TS model alike): such a block credits nobody and is skipped by the
  // streaks like a timed-out one (`credited` bitmap 0 reads as "no finalized block in this
  // slot"), although it is finalized and paid. Counted, it would be X's 3rd miss here and every
  // other member's 1st. Pinned so that a change of this rule is deliberate.
  it("counts for nobody: neither a miss nor a reset", async function () {
    const { x, slots } = await choose(fx, (x) => [[x], [], [x]]);
    await finalizeWithout(fx, slots[0], [x]);
    const forged = slots[1];
    await proposeBlock(fx, ethers, forged, fx.sequencers[0]);
    await publishData(fx, ethers, forged);
    // Tree 0's record credits its first leaf to a member assigned there in no tree.
    const shape = await shapeAt(fx, forged);
    const record = participationRecord(shape, 0);
    const leaf = shape.leafCount;
    const allowed = new Set(
      Array.from({ length: shape.c }, (_, t) => participationRecord(shape, t)[leaf - 1]),
    );
    const outsider = [0, 1, 2, 3].find((i) => !allowed.has(i))!;
    record[leaf - 1] = outsider;
    await submitRecord(fx, forged, 0, record);
    expect((await fx.lifecycle.getBlock(forged)).status).to.equal(FINAL);
    await finalizeWithout(fx, slots[2], [x]);

    const tx = await settle(fx, ethers);
    await expect(tx)
      .to.emit(fx.rewards, "RootRecordRejected")
      .withArgs(forged, 0n, BigInt(leaf), BigInt(outsider));
    await expect(tx).to.emit(fx.rewards, "BlockSettled"); // the forged block is paid
    expect(await eventsOf(fx, tx, "InactivityRecorded")).to.deep.equal([]);
    expect(await inactivity(fx, x)).to.deep.equal([2n, 0n]);
    for (let i = 0; i < fx.members.length; i++) {
      if (i !== x) expect(await inactivity(fx, i), `member ${i}`).to.deep.equal([0n, 0n]);
    }
  });
});

describe("Inactivity: constructor", function () {
  let fx: RewardsFixture;

  async function fixture() {
    return deployRewards(ethers, mine, {
      config: { inactivityThreshold: 3n, inactivitySlash: SLASH },
    });
  }

  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(fixture);
  });

  it("InvalidInactivitySlash when exactly one of threshold and slash is zero", async function () {
    const base = {
      ...REWARDS_TEST_CONFIG,
      lifecycle: await fx.lifecycle.getAddress(),
      rewardToken: await fx.token.getAddress(),
    };
    for (const [threshold, slash] of [
      [3n, 0n],
      [0n, SLASH],
    ]) {
      await expect(
        ethers.deployContract("ProverRewards", [
          { ...base, inactivityThreshold: threshold, inactivitySlash: slash },
        ]),
      )
        .to.be.revertedWithCustomError(fx.rewards, "InvalidInactivitySlash")
        .withArgs(threshold, slash);
    }
    // Both zero (k = 0) and both nonzero deploy.
    for (const [threshold, slash] of [
      [0n, 0n],
      [1n, 1n],
    ]) {
      const r = await ethers.deployContract("ProverRewards", [
        { ...base, inactivityThreshold: threshold, inactivitySlash: slash },
      ]);
      expect(await r.INACTIVITY_THRESHOLD()).to.equal(threshold);
      expect(await r.INACTIVITY_SLASH()).to.equal(slash);
    }
  });
});
