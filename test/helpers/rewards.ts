/**
 * Shared fixture for rewards tests: the lifecycle fixture (`deployLifecycle`) plus a funded
 * ProverRewards that holds the stake table's SLASHER_ROLE, and helpers that settle and check
 * token conservation.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";

import { readEpochSettlement } from "../../src/client/settlement.js";
import { participationRecordAvoiding, type TreeShape } from "../../src/protocol/lifecycle.js";
import type { RewardParams } from "../../src/protocol/rewards.js";
import type { ProverRewards } from "../../typechain-types/index.js";
import type { Operator } from "./election.js";
import {
  deployLifecycle,
  mineTo,
  proposeBlock,
  publishData,
  rootProof,
  treeShape,
  type LifecycleFixture,
  type ProposeOptions,
} from "./lifecycle.js";
import { UNIT, nextBlockNumber } from "./stakeTable.js";

type Mine = (blocks: number) => Promise<void>;

/** Rewards parameters of the tests: 1000-token blocks, 20% / 70% / 10%, nothing burned. */
export const REWARDS_TEST_CONFIG = {
  blockReward: 1_000n * UNIT,
  sequencerBps: 2_000n,
  proverBps: 7_000n,
  submitterBps: 1_000n,
  proverBurnBps: 0n,
  burnUnprovenShare: false,
  inactivityThreshold: 0n,
  inactivitySlash: 0n,
};
/** What the tests fund the pool with. */
export const TEST_POOL = 100_000n * UNIT;

export type RewardsConfig = typeof REWARDS_TEST_CONFIG;

export interface RewardsFixture extends LifecycleFixture {
  rewards: ProverRewards;
  config: RewardsConfig;
  /** The TS model's parameters for the same deployment. */
  rewardParams: RewardParams;
}

export async function deployRewards(
  ethers: HardhatEthers,
  mine: Mine,
  options: {
    config?: Partial<RewardsConfig>;
    feeSplitScoring?: boolean;
    pool?: bigint;
    /** The lifecycle's assignment policy (default: zero, striped trees). */
    policy?: string;
    /** L1 blocks per epoch (default 40: 10 slots of 4 blocks). */
    epochLength?: bigint;
  } = {},
): Promise<RewardsFixture> {
  const fx = await deployLifecycle(ethers, mine, {
    ...(options.feeSplitScoring === undefined ? {} : { feeSplitScoring: options.feeSplitScoring }),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    ...(options.epochLength === undefined ? {} : { epochLength: options.epochLength }),
  });
  const config = { ...REWARDS_TEST_CONFIG, ...options.config };
  const rewards = await ethers.deployContract("ProverRewards", [
    {
      lifecycle: await fx.lifecycle.getAddress(),
      rewardToken: await fx.token.getAddress(),
      ...config,
    },
  ]);
  const address = await rewards.getAddress();
  await fx.table.connect(fx.admin).grantRole(await fx.table.SLASHER_ROLE(), address);
  const pool = options.pool ?? TEST_POOL;
  await fx.token.connect(fx.admin).mint(fx.admin.address, pool + 10_000n * UNIT);
  await fx.token.connect(fx.admin).approve(address, ethers.MaxUint256);
  if (pool > 0n) await rewards.connect(fx.admin).fund(pool);
  const rewardParams: RewardParams = {
    blockReward: config.blockReward,
    proverBps: config.proverBps,
    submitterBps: config.submitterBps,
    proverBurnBps: config.proverBurnBps,
    burnUnprovenShare: config.burnUnprovenShare,
    feeSplit: options.feeSplitScoring ?? false,
    inactivityThreshold: config.inactivityThreshold,
  };
  return { ...fx, rewards, config, rewardParams };
}

/** Mines to the first block at which `epoch` settles, and settles it from the chain's events. */
export async function settle(fx: RewardsFixture, ethers: HardhatEthers, epoch = fx.epoch) {
  const at = await fx.rewards.settleableAt(epoch);
  if ((await nextBlockNumber(ethers)) < at) await mineTo(fx, ethers, at);
  const call = await readEpochSettlement(fx.lifecycle, fx.election, epoch);
  return fx.rewards.settleEpoch(call.epoch, call.committee, call.roots);
}

/** Settles every epoch before `fx.epoch` (they have no blocks), if any are left. */
export async function settleEmptyEpochsBefore(fx: RewardsFixture, ethers: HardhatEthers) {
  for (let e = await fx.rewards.nextEpoch(); e < fx.epoch; e++) await settle(fx, ethers, e);
}

/**
 * Token conservation of the rewards contract: it holds exactly the pool, the pending fees and
 * the claimable balances of `accounts` (every account that may hold a balance).
 */
export async function expectRewardsConserved(fx: RewardsFixture, accounts: readonly string[]) {
  let claimable = 0n;
  for (const a of new Set(accounts)) {
    const c = await fx.rewards.claimable(a);
    claimable += c.proving + c.sequencing + c.submitting;
  }
  const held = await fx.token.balanceOf(await fx.rewards.getAddress());
  const [, , returning] = await fx.rewards.settlementProgress();
  expect(held).to.equal(
    (await fx.rewards.pool()) + (await fx.rewards.pendingFees()) + claimable + returning,
  );
}

/** Every account of the fixture that can earn: operators (members and sequencers). */
export function rewardAccounts(fx: RewardsFixture): string[] {
  return fx.operators.map((o) => o.address);
}

/** A record for `tree` that credits committee index `excluded` nowhere (see the library). */
export const recordWithout = participationRecordAvoiding;

/** {@link deployRewards}, then every epoch before the committee's is settled (they are empty). */
export async function deploySettledRewards(
  ethers: HardhatEthers,
  mine: Mine,
  options: Parameters<typeof deployRewards>[2] = {},
): Promise<RewardsFixture> {
  const fx = await deployRewards(ethers, mine, options);
  await settleEmptyEpochsBefore(fx, ethers);
  return fx;
}

/** Proposes (as `sequencer`) and publishes `slot`'s block; returns its tree shape. */
export async function provableBlock(
  fx: RewardsFixture,
  ethers: HardhatEthers,
  slot: bigint,
  options: ProposeOptions & { sequencer?: Operator } = {},
): Promise<TreeShape> {
  const { sequencer = fx.sequencers[0], ...propose } = options;
  await proposeBlock(fx, ethers, slot, sequencer, propose);
  await publishData(fx, ethers, slot);
  return treeShape(fx, slot);
}

/** Submits `record` as tree `tree`'s root of `slot` from `submitter` (any account may). */
export async function submitRecord(
  fx: RewardsFixture,
  slot: bigint,
  tree: number,
  record: Uint8Array,
  submitter: HardhatEthersSigner = fx.members[0].signer,
) {
  const { proof } = await rootProof(fx, slot, tree, submitter.address, record);
  return fx.lifecycle.connect(submitter).submitRootProof(slot, tree, record, proof);
}
