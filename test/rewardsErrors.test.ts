/**
 * ProverRewards (issue 5): every custom error and its boundary, each checked to leave the pool,
 * the pending fees, the next epoch, the burn and every balance unchanged; the per-deployment
 * switches (FEE_SPLIT, FEE_BURN, burning unproven shares, a pool below the block reward) with
 * hand-computed payouts; a reward token that re-enters `claim`; and claims of an account that is
 * not an operator.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import {
  AbiCoder,
  getBytes,
  hexlify,
  keccak256,
  type ContractTransactionResponse,
  type LogDescription,
} from "ethers";
import { network } from "hardhat";

import { readEpochSettlement } from "../src/client/settlement.js";
import { participationRecord } from "../src/protocol/lifecycle.js";
import { BURN_ADDRESS, chainRootDigest, type RootEntry } from "../src/protocol/rewards.js";
import type { ProverRewards, ReentrantRewardToken } from "../typechain-types/index.js";
import {
  deployLifecycle,
  firstOpenSlot,
  mineTo,
  type ProposeOptions,
} from "./helpers/lifecycle.js";
import {
  REWARDS_TEST_CONFIG,
  TEST_POOL,
  deployRewards,
  deploySettledRewards,
  expectRewardsConserved,
  provableBlock,
  rewardAccounts,
  settle,
  settleEmptyEpochsBefore,
  submitRecord,
  type RewardsFixture,
} from "./helpers/rewards.js";
import { UNIT, nextBlockNumber } from "./helpers/stakeTable.js";

const { ethers, networkHelpers } = await network.create();
const mine = (n: number) => networkHelpers.mine(n);
const abi = AbiCoder.defaultAbiCoder();

/** Finalizes the next open slot's block, proving `trees` with the default records. */
async function finalizedBlock(
  fx: RewardsFixture,
  trees: number[],
  options: ProposeOptions = {},
  submitter?: HardhatEthersSigner,
) {
  const slot = await firstOpenSlot(fx, ethers);
  const shape = await provableBlock(fx, ethers, slot, options);
  for (const t of trees) await submitRecord(fx, slot, t, participationRecord(shape, t), submitter);
  return slot;
}

/** Mines to `settleableAt(epoch)` and reads the settlement arguments from events. */
async function ready(fx: RewardsFixture, epoch = fx.epoch) {
  const at = await fx.rewards.settleableAt(epoch);
  if ((await nextBlockNumber(ethers)) < at) await mineTo(fx, ethers, at);
  return readEpochSettlement(fx.lifecycle, fx.election, epoch);
}

/** Everything a failed call must leave unchanged. */
async function stateOf(fx: RewardsFixture, extra: readonly string[] = []) {
  const balances: bigint[] = [];
  for (const a of [...rewardAccounts(fx), ...extra]) {
    const c = await fx.rewards.claimable(a);
    balances.push(c.proving, c.sequencing, c.submitting);
  }
  return {
    pool: await fx.rewards.pool(),
    pendingFees: await fx.rewards.pendingFees(),
    nextEpoch: await fx.rewards.nextEpoch(),
    totalBurned: await fx.rewards.totalBurned(),
    held: await fx.token.balanceOf(await fx.rewards.getAddress()),
    balances,
  };
}

/** The rewards contract's events called `name` in `tx`. */
async function eventsOf(
  rewards: ProverRewards,
  tx: ContractTransactionResponse,
  name: string,
): Promise<LogDescription[]> {
  const receipt = await tx.wait();
  const address = await rewards.getAddress();
  const events: LogDescription[] = [];
  for (const log of receipt!.logs) {
    if (log.address !== address) continue;
    const parsed = rewards.interface.parseLog(log);
    if (parsed !== null && parsed.name === name) events.push(parsed);
  }
  return events;
}

/** The `payout` of each `BlockSettled` in `tx`, as plain numbers of tokens-wei. */
async function payoutsOf(rewards: ProverRewards, tx: ContractTransactionResponse) {
  return (await eventsOf(rewards, tx, "BlockSettled")).map((e) => {
    const p = e.args.payout;
    return {
      reward: p.reward as bigint,
      fees: p.fees as bigint,
      sequencer: p.sequencer as bigint,
      submitter: p.submitter as bigint,
      provers: p.provers as bigint,
      burned: p.burned as bigint,
    };
  });
}

/** The sum of the members' `proving` balances. */
async function membersProving(fx: RewardsFixture): Promise<bigint> {
  let total = 0n;
  for (const m of fx.members) total += (await fx.rewards.claimable(m.address)).proving;
  return total;
}

const committeeHash = (committee: readonly string[]) =>
  committee.length === 0 ? ethers.ZeroHash : keccak256(abi.encode(["address[]"], [committee]));

/** The settlement segment of `slot` within its epoch. */
async function segmentOf(fx: RewardsFixture, slot: bigint): Promise<bigint> {
  return (slot % (await fx.rewards.SLOTS_PER_EPOCH())) / (await fx.lifecycle.SEGMENT_SLOTS());
}

/** The digest `settleEpoch` computes from `roots` (chained in sequence order). */
const digestOf = (roots: readonly RootEntry[]) =>
  chainRootDigest([...roots].sort((a, b) => Number(a.sequence - b.sequence)));

const copy = (roots: readonly RootEntry[]): RootEntry[] => roots.map((r) => ({ ...r }));

describe("ProverRewards errors: constructor", function () {
  let fx: RewardsFixture;

  async function fixture() {
    return deployRewards(ethers, mine);
  }

  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(fixture);
  });

  async function base() {
    return {
      ...REWARDS_TEST_CONFIG,
      lifecycle: await fx.lifecycle.getAddress(),
      rewardToken: await fx.token.getAddress(),
    };
  }

  const deploy = (config: Awaited<ReturnType<typeof base>>) =>
    ethers.deployContract("ProverRewards", [config]);

  it("ZeroAddress for the lifecycle or the token", async function () {
    const config = await base();
    await expect(
      deploy({ ...config, lifecycle: ethers.ZeroAddress }),
    ).to.be.revertedWithCustomError(fx.rewards, "ZeroAddress");
    await expect(
      deploy({ ...config, rewardToken: ethers.ZeroAddress }),
    ).to.be.revertedWithCustomError(fx.rewards, "ZeroAddress");
  });

  it("InvalidShares unless the three shares sum to 10000", async function () {
    const config = await base();
    for (const [s, p, u] of [
      [2_000n, 7_000n, 999n],
      [2_000n, 7_000n, 1_001n],
      [0n, 0n, 0n],
    ]) {
      await expect(deploy({ ...config, sequencerBps: s, proverBps: p, submitterBps: u }))
        .to.be.revertedWithCustomError(fx.rewards, "InvalidShares")
        .withArgs(s, p, u);
    }
    const r = await deploy({ ...config, sequencerBps: 0n, proverBps: 0n, submitterBps: 10_000n });
    expect(await r.SUBMITTER_BPS()).to.equal(10_000n);
  });

  it("InvalidBurnShare above 10000; exactly 10000 deploys", async function () {
    const config = await base();
    await expect(deploy({ ...config, proverBurnBps: 10_001n }))
      .to.be.revertedWithCustomError(fx.rewards, "InvalidBurnShare")
      .withArgs(10_001n);
    const r = await deploy({ ...config, proverBurnBps: 10_000n });
    expect(await r.PROVER_BURN_BPS()).to.equal(10_000n);
  });

  it("InvalidInactivitySlash when exactly one of threshold and slash is zero", async function () {
    const config = await base();
    await expect(deploy({ ...config, inactivityThreshold: 2n, inactivitySlash: 0n }))
      .to.be.revertedWithCustomError(fx.rewards, "InvalidInactivitySlash")
      .withArgs(2n, 0n);
  });

  it("pays from the epoch of deployment on", async function () {
    expect(await fx.rewards.nextEpoch()).to.equal(await fx.lifecycle.currentEpoch());
    expect(await fx.rewards.pool()).to.equal(TEST_POOL);
  });
});

describe("ProverRewards errors: funding and fees", function () {
  let fx: RewardsFixture;

  async function fixture() {
    return deploySettledRewards(ethers, mine);
  }

  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(fixture);
  });

  it("ZeroAmount and ZeroSlot change nothing", async function () {
    const before = await stateOf(fx);
    const slot = await firstOpenSlot(fx, ethers);
    await expect(fx.rewards.connect(fx.admin).fund(0n)).to.be.revertedWithCustomError(
      fx.rewards,
      "ZeroAmount",
    );
    await expect(fx.rewards.connect(fx.admin).depositFees(slot, 0n)).to.be.revertedWithCustomError(
      fx.rewards,
      "ZeroAmount",
    );
    await expect(fx.rewards.connect(fx.admin).depositFees(0n, UNIT)).to.be.revertedWithCustomError(
      fx.rewards,
      "ZeroSlot",
    );
    expect(await stateOf(fx)).to.deep.equal(before);
    expect(await fx.rewards.feesOf(slot)).to.equal(0n);
  });

  it("fund and depositFees emit PoolFunded and FeesDeposited and move the tokens", async function () {
    const before = await stateOf(fx);
    await expect(fx.rewards.connect(fx.admin).fund(5n * UNIT))
      .to.emit(fx.rewards, "PoolFunded")
      .withArgs(fx.admin.address, 5n * UNIT);
    const slot = await firstOpenSlot(fx, ethers);
    await expect(fx.rewards.connect(fx.admin).depositFees(slot, 3n))
      .to.emit(fx.rewards, "FeesDeposited")
      .withArgs(slot, fx.admin.address, 3n);
    await fx.rewards.connect(fx.admin).depositFees(slot, 4n);
    expect(await fx.rewards.feesOf(slot)).to.equal(7n);
    const after = await stateOf(fx);
    expect(after.pool).to.equal(before.pool + 5n * UNIT);
    expect(after.pendingFees).to.equal(before.pendingFees + 7n);
    expect(after.held).to.equal(before.held + 5n * UNIT + 7n);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("EpochAlreadySettled for a slot before the next epoch; its first slot is accepted", async function () {
    const perEpoch = await fx.rewards.SLOTS_PER_EPOCH();
    const next = await fx.rewards.nextEpoch();
    expect(next).to.be.greaterThan(0n);
    const before = await stateOf(fx);
    await expect(fx.rewards.connect(fx.admin).depositFees(next * perEpoch - 1n, 1n))
      .to.be.revertedWithCustomError(fx.rewards, "EpochAlreadySettled")
      .withArgs(next - 1n, next);
    await expect(fx.rewards.connect(fx.admin).depositFees(1n, 1n))
      .to.be.revertedWithCustomError(fx.rewards, "EpochAlreadySettled")
      .withArgs(0n, next);
    expect(await stateOf(fx)).to.deep.equal(before);
    await expect(fx.rewards.connect(fx.admin).depositFees(next * perEpoch, 1n)).to.emit(
      fx.rewards,
      "FeesDeposited",
    );

    // Once fx.epoch is settled, its slots take no more fees; the fees deposited went to the pool.
    await settle(fx, ethers);
    const settled = await stateOf(fx);
    expect(settled.pool).to.equal(before.pool + 1n);
    const slot = fx.epoch * perEpoch + perEpoch - 1n;
    await expect(fx.rewards.connect(fx.admin).depositFees(slot, 1n))
      .to.be.revertedWithCustomError(fx.rewards, "EpochAlreadySettled")
      .withArgs(fx.epoch, fx.epoch + 1n);
    expect(await stateOf(fx)).to.deep.equal(settled);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });
});

describe("ProverRewards errors: settleEpoch", function () {
  let fx: RewardsFixture;
  /** Block a: trees 0 (members[0]) and 1 (members[1]); block b: tree 0 (members[2]). */
  let a: bigint;
  let b: bigint;

  async function fixture() {
    const f = await deploySettledRewards(ethers, mine);
    const slotA = await firstOpenSlot(f, ethers);
    const shapeA = await provableBlock(f, ethers, slotA);
    await submitRecord(f, slotA, 0, participationRecord(shapeA, 0), f.members[0].signer);
    await submitRecord(f, slotA, 1, participationRecord(shapeA, 1), f.members[1].signer);
    const slotB = await finalizedBlock(f, [0], {}, f.members[2].signer);
    await f.rewards.connect(f.admin).depositFees(slotB, 9n * UNIT);
    return { f, slotA, slotB };
  }

  beforeEach(async function () {
    const loaded = await networkHelpers.loadFixture(fixture);
    fx = loaded.f;
    a = loaded.slotA;
    b = loaded.slotB;
  });

  /** Expects `settleEpoch(epoch, committee, roots)` to revert with `error(...args)`, changing nothing. */
  async function expectRejected(
    call: { epoch: bigint; committee: string[]; roots: RootEntry[] },
    error: string,
    args: unknown[],
  ) {
    const before = await stateOf(fx);
    const height = await ethers.provider.getBlockNumber();
    await expect(fx.rewards.settleEpoch(call.epoch, call.committee, call.roots))
      .to.be.revertedWithCustomError(fx.rewards, error)
      .withArgs(...args);
    expect(await stateOf(fx)).to.deep.equal(before);
    expect(await ethers.provider.getBlockNumber()).to.equal(height);
  }

  it("the fixture's epoch has two blocks and three roots, and settles from events", async function () {
    // Block b: 1009 tokens, provers 706.3, 353.15 per tree; its unproven tree's share is pooled.
    const call = await ready(fx);
    // a and b are in different settlement segments: each chain numbers its own roots.
    expect(await segmentOf(fx, b)).to.equal((await segmentOf(fx, a)) + 1n);
    expect(call.roots.map((r) => [r.slot, r.tree, r.sequence])).to.deep.equal([
      [a, 0n, 0n],
      [a, 1n, 1n],
      [b, 0n, 0n],
    ]);
    await expect(fx.rewards.settleEpoch(call.epoch, call.committee, call.roots))
      .to.emit(fx.rewards, "EpochSettled")
      .withArgs(fx.epoch, 2n, 3n, (35_315n * UNIT) / 100n, 0n);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("EpochNotNext for an earlier and a later epoch, and for a settled one", async function () {
    const call = await ready(fx);
    for (const epoch of [fx.epoch - 1n, fx.epoch + 1n]) {
      await expectRejected({ ...call, epoch }, "EpochNotNext", [epoch, fx.epoch]);
    }
    await fx.rewards.settleEpoch(call.epoch, call.committee, call.roots);
    await expectRejected(call, "EpochNotNext", [fx.epoch, fx.epoch + 1n]);
  });

  it("EpochNotClosed one block before settleableAt; settles at exactly settleableAt", async function () {
    const at = await fx.rewards.settleableAt(fx.epoch);
    // The last proof window of the epoch closes the block before.
    const lastSlot = (fx.epoch + 1n) * (await fx.rewards.SLOTS_PER_EPOCH()) - 1n;
    expect((await fx.lifecycle.proofWindow(lastSlot))[1]).to.equal(at - 1n);
    await mineTo(fx, ethers, at - 1n);
    const call = await readEpochSettlement(fx.lifecycle, fx.election, fx.epoch);
    await expectRejected(call, "EpochNotClosed", [fx.epoch, at]);
    expect(await nextBlockNumber(ethers)).to.equal(at - 1n); // the revert mined no block
    await mine(1);
    const tx = await fx.rewards.settleEpoch(call.epoch, call.committee, call.roots);
    expect((await tx.wait())!.blockNumber).to.equal(Number(at));
    expect(await fx.rewards.nextEpoch()).to.equal(fx.epoch + 1n);
  });

  it("CommitteeMismatch: wrong order, a missing member, an empty committee", async function () {
    const call = await ready(fx);
    const expected = (await fx.lifecycle.epochContext(fx.epoch)).commitment;
    expect(expected).to.equal(committeeHash(call.committee));
    const [m0, m1, ...rest] = call.committee;
    for (const committee of [[m1, m0, ...rest], call.committee.slice(0, -1), []]) {
      await expectRejected({ ...call, committee }, "CommitteeMismatch", [
        fx.epoch,
        expected,
        committeeHash(committee),
      ]);
    }
  });

  it("RootDigestMismatch: a tampered record byte, submitter, proposer or fee split, an omitted root", async function () {
    const call = await ready(fx);
    const [sa, sb] = [await segmentOf(fx, a), await segmentOf(fx, b)];
    const digests = [
      await fx.lifecycle.rootDigest(fx.epoch, sa),
      await fx.lifecycle.rootDigest(fx.epoch, sb),
    ];
    expect(digestOf(call.roots.slice(0, 2))).to.equal(digests[0]);
    expect(digestOf(call.roots.slice(2))).to.equal(digests[1]);
    const tamper: ((r: RootEntry[]) => void)[] = [
      (r) => {
        const bytes = getBytes(r[1].record);
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] + 1) % 4;
        r[1].record = hexlify(bytes);
      },
      (r) => (r[2].submitter = fx.members[3].address),
      (r) => (r[0].proposer = fx.sequencers[1].address),
      (r) => (r[2].feeSplitBps = 1n),
    ];
    for (const change of tamper) {
      const roots = copy(call.roots);
      change(roots);
      // The first segment whose chain differs is reported: a's for roots 0 and 1, b's for 2.
      const inA = digestOf(roots.slice(0, 2)) !== digests[0];
      await expectRejected({ ...call, roots }, "RootDigestMismatch", [
        fx.epoch,
        inA ? digests[0] : digests[1],
        inA ? digestOf(roots.slice(0, 2)) : digestOf(roots.slice(2)),
      ]);
    }
    // The last proof accepted left out: b's segment has roots but none are given.
    const omitted = call.roots.slice(0, 2);
    await expectRejected({ ...call, roots: omitted }, "RootDigestMismatch", [
      fx.epoch,
      digests[1],
      digestOf([]),
    ]);
  });

  it("RootsOutOfOrder when slots descend", async function () {
    const call = await ready(fx);
    const roots = [
      ...call.roots.filter((r) => r.slot === b),
      ...call.roots.filter((r) => r.slot === a),
    ];
    await expectRejected({ ...call, roots }, "RootsOutOfOrder", [1n]);
  });

  it("InvalidRootSequence: a duplicate, one at or past roots.length, descending within a block", async function () {
    const call = await ready(fx);
    const duplicate = copy(call.roots);
    duplicate[1].sequence = 0n; // a's second root reuses its segment's first position
    await expectRejected({ ...call, roots: duplicate }, "InvalidRootSequence", [1n, 0n]);
    const tooLarge = copy(call.roots);
    tooLarge[2].sequence = 1n; // b's segment has one root
    await expectRejected({ ...call, roots: tooLarge }, "InvalidRootSequence", [2n, 1n]);
    const descending = copy(call.roots);
    [descending[0].sequence, descending[1].sequence] = [1n, 0n];
    await expectRejected({ ...call, roots: descending }, "InvalidRootSequence", [1n, 0n]);
  });

  it("RootOutsideEpoch for a slot after or before the epoch", async function () {
    const call = await ready(fx);
    const perEpoch = await fx.rewards.SLOTS_PER_EPOCH();
    for (const slot of [(fx.epoch + 1n) * perEpoch, fx.epoch * perEpoch - 1n]) {
      const roots = copy(call.roots);
      roots[0].slot = slot;
      await expectRejected({ ...call, roots }, "RootOutsideEpoch", [slot, fx.epoch]);
    }
  });
});

describe("ProverRewards errors: an epoch without proposals", function () {
  let fx: RewardsFixture;

  async function fixture() {
    return deploySettledRewards(ethers, mine);
  }

  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(fixture);
  });

  it("RootsWithoutCommittee; the empty settlement then succeeds", async function () {
    const call = await ready(fx);
    expect(call.committee).to.deep.equal([]);
    const root: RootEntry = {
      sequence: 0n,
      slot: fx.epoch * (await fx.rewards.SLOTS_PER_EPOCH()),
      tree: 0n,
      proposer: fx.sequencers[0].address,
      feeSplitBps: 0n,
      submitter: fx.members[0].address,
      record: "0x00010203000102",
    };
    const before = await stateOf(fx);
    await expect(fx.rewards.settleEpoch(fx.epoch, [], [root]))
      .to.be.revertedWithCustomError(fx.rewards, "RootsWithoutCommittee")
      .withArgs(fx.epoch);
    // A committee given for an epoch nobody proposed in does not match its (empty) commitment.
    await expect(fx.rewards.settleEpoch(fx.epoch, fx.committee, []))
      .to.be.revertedWithCustomError(fx.rewards, "CommitteeMismatch")
      .withArgs(fx.epoch, ethers.ZeroHash, committeeHash(fx.committee));
    expect(await stateOf(fx)).to.deep.equal(before);
    await expect(fx.rewards.settleEpoch(fx.epoch, [], []))
      .to.emit(fx.rewards, "EpochSettled")
      .withArgs(fx.epoch, 0n, 0n, 0n, 0n);
    expect(await fx.rewards.nextEpoch()).to.equal(fx.epoch + 1n);
  });

  it("NothingToClaim and NoPendingSlash change nothing", async function () {
    const before = await stateOf(fx);
    const member = fx.members[0].address;
    await expect(fx.rewards.claim(member))
      .to.be.revertedWithCustomError(fx.rewards, "NothingToClaim")
      .withArgs(member);
    await expect(fx.rewards.slashInactive(member))
      .to.be.revertedWithCustomError(fx.rewards, "NoPendingSlash")
      .withArgs(member);
    expect(await stateOf(fx)).to.deep.equal(before);
  });
});

describe("ProverRewards: per-deployment switches (hand-computed)", function () {
  async function feeSplit() {
    const f = await deploySettledRewards(ethers, mine, { feeSplitScoring: true });
    return f;
  }
  async function feeBurn() {
    const f = await deploySettledRewards(ethers, mine, { config: { proverBurnBps: 4_000n } });
    return f;
  }
  async function burnUnproven() {
    const f = await deploySettledRewards(ethers, mine, { config: { burnUnprovenShare: true } });
    return f;
  }
  async function smallPool() {
    const f = await deploySettledRewards(ethers, mine, { pool: 300n * UNIT });
    return f;
  }

  it("FEE_SPLIT: feeSplitBps 8000 of 1000 gives submitter 100, provers 720, sequencer 180", async function () {
    const fx = await networkHelpers.loadFixture(feeSplit);
    expect(await fx.rewards.FEE_SPLIT()).to.equal(true);
    await finalizedBlock(fx, [0, 1], { feeSplitBps: 8_000n });
    const tx = await settle(fx, ethers);
    expect(await payoutsOf(fx.rewards, tx)).to.deep.equal([
      {
        reward: 1_000n * UNIT,
        fees: 0n,
        sequencer: 180n * UNIT,
        submitter: 100n * UNIT,
        provers: 720n * UNIT,
        burned: 0n,
      },
    ]);
    expect((await fx.rewards.claimable(fx.sequencers[0].address)).sequencing).to.equal(180n * UNIT);
    expect((await fx.rewards.claimable(fx.members[0].address)).submitting).to.equal(100n * UNIT);
    // 360 per tree, 7 nodes each: floor(360e18 / 7) per node, the remainder of both trees to
    // the pool.
    const node = (360n * UNIT) / 7n;
    expect(await membersProving(fx)).to.equal(14n * node);
    expect(await fx.rewards.pool()).to.equal(
      TEST_POOL - 1_000n * UNIT + 2n * (360n * UNIT - 7n * node),
    );
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("FEE_BURN 4000: 280 burned, the members share 420 (30 per node)", async function () {
    const fx = await networkHelpers.loadFixture(feeBurn);
    const burnedBefore = await fx.token.balanceOf(BURN_ADDRESS);
    await finalizedBlock(fx, [0, 1]);
    const tx = await settle(fx, ethers);
    await expect(tx)
      .to.emit(fx.rewards, "EpochSettled")
      .withArgs(fx.epoch, 1n, 2n, 0n, 280n * UNIT);
    expect((await payoutsOf(fx.rewards, tx))[0]).to.include({
      provers: 420n * UNIT,
      burned: 280n * UNIT,
      sequencer: 200n * UNIT,
      submitter: 100n * UNIT,
    });
    expect(await fx.token.balanceOf(BURN_ADDRESS)).to.equal(burnedBefore + 280n * UNIT);
    expect(await fx.rewards.totalBurned()).to.equal(280n * UNIT);
    expect(await membersProving(fx)).to.equal(420n * UNIT);
    for (const m of fx.members) {
      expect((await fx.rewards.claimable(m.address)).proving % (30n * UNIT)).to.equal(0n);
    }
    expect(await fx.rewards.pool()).to.equal(TEST_POOL - 1_000n * UNIT);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("burnUnprovenShare: the unproven tree's 350 is burned instead of pooled", async function () {
    const fx = await networkHelpers.loadFixture(burnUnproven);
    const burnedBefore = await fx.token.balanceOf(BURN_ADDRESS);
    await finalizedBlock(fx, [0]);
    await expect(settle(fx, ethers))
      .to.emit(fx.rewards, "EpochSettled")
      .withArgs(fx.epoch, 1n, 1n, 0n, 350n * UNIT);
    expect(await fx.token.balanceOf(BURN_ADDRESS)).to.equal(burnedBefore + 350n * UNIT);
    expect(await fx.rewards.totalBurned()).to.equal(350n * UNIT);
    expect(await membersProving(fx)).to.equal(350n * UNIT);
    expect(await fx.rewards.pool()).to.equal(TEST_POOL - 1_000n * UNIT);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("a pool of 300 pays a 300 reward; the next block then gets 0", async function () {
    const fx = await networkHelpers.loadFixture(smallPool);
    expect(await fx.rewards.pool()).to.equal(300n * UNIT);
    await finalizedBlock(fx, [0, 1]);
    await finalizedBlock(fx, [0]);
    const tx = await settle(fx, ethers);
    const zero = { reward: 0n, fees: 0n, sequencer: 0n, submitter: 0n, provers: 0n, burned: 0n };
    expect(await payoutsOf(fx.rewards, tx)).to.deep.equal([
      {
        reward: 300n * UNIT,
        fees: 0n,
        sequencer: 60n * UNIT,
        submitter: 30n * UNIT,
        provers: 210n * UNIT,
        burned: 0n,
      },
      zero,
    ]);
    expect(await membersProving(fx)).to.equal(210n * UNIT); // 105 per tree, 15 per node
    expect(await fx.rewards.pool()).to.equal(0n);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });
});

describe("ProverRewards: a reward token that re-enters claim", function () {
  async function fixture() {
    const lx = await deployLifecycle(ethers, mine);
    const token = await ethers.deployContract("ReentrantRewardToken");
    const config = { ...REWARDS_TEST_CONFIG };
    const rewards = await ethers.deployContract("ProverRewards", [
      {
        lifecycle: await lx.lifecycle.getAddress(),
        rewardToken: await token.getAddress(),
        ...config,
      },
    ]);
    await token.mint(lx.admin.address, TEST_POOL);
    await token.connect(lx.admin).approve(await rewards.getAddress(), ethers.MaxUint256);
    await rewards.connect(lx.admin).fund(TEST_POOL);
    const fx: RewardsFixture = {
      ...lx,
      rewards,
      config,
      rewardParams: { ...config, feeSplit: false },
    };
    await settleEmptyEpochsBefore(fx, ethers);
    await finalizedBlock(fx, [0, 1]);
    await settle(fx, ethers);
    return { fx, token };
  }

  /** The rewards contract holds exactly the pool and every claimable balance. */
  async function expectConserved(fx: RewardsFixture, token: ReentrantRewardToken) {
    let claimable = 0n;
    for (const a of rewardAccounts(fx)) {
      const c = await fx.rewards.claimable(a);
      claimable += c.proving + c.sequencing + c.submitting;
    }
    expect(await token.balanceOf(await fx.rewards.getAddress())).to.equal(
      (await fx.rewards.pool()) + (await fx.rewards.pendingFees()) + claimable,
    );
  }

  it("the nested claim fails with ReentrancyGuardReentrantCall after the outer claim cleared the balance", async function () {
    const { fx, token } = await networkHelpers.loadFixture(fixture);
    const member = fx.members[0].address;
    const owed = await fx.rewards.claimable(member);
    const total = owed.proving + owed.sequencing + owed.submitting;
    expect(owed.proving).to.be.greaterThan(0n);
    await token.arm(await fx.rewards.getAddress(), member, false);
    await expect(fx.rewards.claim(member))
      .to.emit(fx.rewards, "Claimed")
      .withArgs(member, member, owed.proving, owed.sequencing, owed.submitting);
    expect(await token.armed()).to.equal(false);
    expect(await token.reentered()).to.equal(false);
    expect(await token.claimableDuring()).to.equal(0n); // cleared before the transfer
    const error = fx.rewards.interface.parseError(await token.reentryError());
    expect(error?.name).to.equal("ReentrancyGuardReentrantCall");
    // Paid once.
    expect(await token.balanceOf(member)).to.equal(total);
    await expectConserved(fx, token);
  });

  it("bubbled, the nested revert undoes the outer claim", async function () {
    const { fx, token } = await networkHelpers.loadFixture(fixture);
    const member = fx.members[1].address;
    const owed = await fx.rewards.claimable(member);
    await token.arm(await fx.rewards.getAddress(), member, true);
    await expect(fx.rewards.claim(member)).to.be.revertedWithCustomError(
      fx.rewards,
      "ReentrancyGuardReentrantCall",
    );
    expect(await fx.rewards.claimable(member)).to.deep.equal(owed);
    expect(await token.balanceOf(member)).to.equal(0n);
    await expectConserved(fx, token);
  });
});

describe("ProverRewards: claims of an account that is not an operator", function () {
  async function fixture() {
    const f = await deploySettledRewards(ethers, mine);
    const plain = f.signers[10];
    expect((await f.table.operatorInfo(plain.address)).status).to.equal(0n); // None
    await finalizedBlock(f, [0], {}, plain);
    await settle(f, ethers);
    return { f, plain };
  }

  it("claimTo with a zero recipient is ZeroAddress", async function () {
    const { f: fx } = await networkHelpers.loadFixture(fixture);
    const member = fx.members[0];
    const before = await stateOf(fx);
    await expect(
      fx.rewards.connect(member.signer).claimTo(member.address, ethers.ZeroAddress),
    ).to.be.revertedWithCustomError(fx.rewards, "ZeroAddress");
    expect(await stateOf(fx)).to.deep.equal(before);
  });

  it("a plain submitter claims its submitting share for itself", async function () {
    const { f: fx, plain } = await networkHelpers.loadFixture(fixture);
    const owed = await fx.rewards.claimable(plain.address);
    expect([owed.proving, owed.sequencing, owed.submitting]).to.deep.equal([0n, 0n, 100n * UNIT]);
    const balance = await fx.token.balanceOf(plain.address);
    await expect(fx.rewards.connect(plain).claim(plain.address))
      .to.emit(fx.rewards, "Claimed")
      .withArgs(plain.address, plain.address, 0n, 0n, 100n * UNIT);
    expect(await fx.token.balanceOf(plain.address)).to.equal(balance + 100n * UNIT);
    await expectRewardsConserved(fx, [...rewardAccounts(fx), plain.address]);
  });

  it("claimTo for a plain account works only from the account itself", async function () {
    const { f: fx, plain } = await networkHelpers.loadFixture(fixture);
    const recipient = ethers.Wallet.createRandom().address;
    const before = await stateOf(fx, [plain.address]);
    for (const caller of [fx.members[0].signer, fx.admin]) {
      await expect(fx.rewards.connect(caller).claimTo(plain.address, recipient))
        .to.be.revertedWithCustomError(fx.rewards, "NotWithdrawer")
        .withArgs(caller.address, plain.address);
    }
    expect(await stateOf(fx, [plain.address])).to.deep.equal(before);
    await expect(fx.rewards.connect(plain).claimTo(plain.address, recipient))
      .to.emit(fx.rewards, "Claimed")
      .withArgs(plain.address, recipient, 0n, 0n, 100n * UNIT);
    expect(await fx.token.balanceOf(recipient)).to.equal(100n * UNIT);
    await expectRewardsConserved(fx, [...rewardAccounts(fx), plain.address]);
  });
});
