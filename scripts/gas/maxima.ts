/**
 * Settlement at the parameter maxima (issue 18, "settlement always fits"): the gas of settling
 * one full settlement segment (BlockLifecycle.SEGMENT_SLOTS blocks) of striped trees, with every
 * block carrying the most roots the lifecycle accepts (each tree's first root plus one additional
 * root per tree from its root member), a committee of m members credited for the first time, and
 * inactivity on. The lifecycle is `SettlementLifecycleStub` (the same segment digests as
 * BlockLifecycle, no election), so that m = 256 needs no 256 elected operators; what is measured
 * is ProverRewards' own `settleEpochPart`, a real transaction on the EIP-7825 network.
 *
 * Used by `npm run gas` and by test/settlementMaxima.test.ts:
 * - `rewards.settle.segment.atMaxima`: the most expensive of the points below, m = 256 and, for
 *   each c in 1, 2, 4, 8, 16, the largest L with c · (2L − 1) ≤ MAX_TREE_NODES.
 * - `rewards.settle.segment.atMaxima.c{c}L{L}` (informational): each point.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { Wallet, hexlify, keccak256, toUtf8Bytes } from "ethers";

import { blockSeed } from "../../src/protocol/assignment.js";
import { participationRecord, type TreeShape } from "../../src/protocol/lifecycle.js";
import { MAX_COMMITTEE_SIZE, MAX_TREE_NODES } from "../../src/protocol/parameters.js";
import { SEGMENT_SLOTS, type RootEntry } from "../../src/protocol/rewards.js";

/** One parameter point of a settlement segment. */
export interface SegmentPoint {
  /** Committee size m. */
  m: number;
  /** Trees per block c. */
  c: number;
  /** Leaves per tree L. */
  leafCount: number;
  /** Blocks in the segment (default: a full segment, SEGMENT_SLOTS). */
  blocks?: number;
  /** Whether every tree also gets its root member's additional root (default true). */
  additionalRoots?: boolean;
}

/** What settling the segment cost. */
export interface SegmentCost {
  gasUsed: bigint;
  blocks: number;
  roots: number;
}

/** Deploys a stub-backed ProverRewards, accepts the segment's roots, and settles it. */
export async function settleSegmentAt(
  ethers: HardhatEthers,
  point: SegmentPoint,
): Promise<SegmentCost> {
  const [admin] = await ethers.getSigners();
  const token = await ethers.deployContract("TestStakeToken", ["Reward", "RWD", admin.address]);
  // Two segments per epoch, so that the part settled is one segment of a longer epoch.
  const segmentSlots = Number(SEGMENT_SLOTS);
  const lifecycle = await ethers.deployContract("SettlementLifecycleStub", [
    admin.address,
    2n * SEGMENT_SLOTS,
    1n,
  ]);
  if ((await lifecycle.SEGMENT_SLOTS()) !== SEGMENT_SLOTS) {
    throw new Error("SettlementLifecycleStub.SEGMENT_SLOTS is not the protocol's SEGMENT_SLOTS");
  }
  const rewards = await ethers.deployContract("ProverRewards", [
    {
      lifecycle: await lifecycle.getAddress(),
      rewardToken: await token.getAddress(),
      blockReward: 10n ** 20n,
      sequencerBps: 2_000n,
      proverBps: 7_000n,
      submitterBps: 1_000n,
      proverBurnBps: 0n,
      burnUnprovenShare: false,
      inactivityThreshold: 3n,
      inactivitySlash: 1n,
    },
  ]);
  await token.mint(admin.address, 10n ** 30n);
  await token.approve(await rewards.getAddress(), 10n ** 30n);
  await rewards.fund(10n ** 30n);

  const committee = Array.from(
    { length: point.m },
    (_, i) => new Wallet(keccak256(toUtf8Bytes(`maxima member ${i}`))).address,
  );
  const epochSeed = keccak256(toUtf8Bytes("settlement at the maxima"));
  await lifecycle.setCommittee(0n, committee, point.c, point.leafCount, epochSeed);
  const proposer = committee[0];
  const blocks = point.blocks ?? segmentSlots;
  const roots: RootEntry[] = [];
  let sequence = 0n;
  for (let slot = 0; slot < blocks; slot++) {
    const shape: TreeShape = {
      m: point.m,
      c: point.c,
      leafCount: point.leafCount,
      seed: blockSeed(epochSeed, BigInt(slot)),
    };
    const records: { tree: number; record: Uint8Array }[] = [];
    for (let t = 0; t < point.c; t++)
      records.push({ tree: t, record: participationRecord(shape, t) });
    if (point.additionalRoots ?? true) {
      // The root member's additional root: the same root, other trees' outputs below it.
      for (let t = 0; t < point.c; t++) {
        records.push({
          tree: t,
          record: participationRecord(shape, t, (node) => (t + node) % point.c),
        });
      }
    }
    for (const { tree, record } of records) {
      const entry: RootEntry = {
        sequence: sequence++,
        slot: BigInt(slot),
        tree: BigInt(tree),
        proposer,
        feeSplitBps: 0n,
        submitter: committee[record[0]],
        record: hexlify(record),
      };
      await lifecycle.acceptRoot(entry);
      roots.push(entry);
    }
  }
  roots.sort((a, b) =>
    a.slot === b.slot ? Number(a.sequence - b.sequence) : a.slot < b.slot ? -1 : 1,
  );
  const tx = await rewards.settleEpochPart(0n, committee, roots, 1n);
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new Error("segment settlement failed");
  const [nextSegment] = await rewards.settlementProgress();
  if (nextSegment !== 1n) throw new Error("the segment was not settled");
  return { gasUsed: receipt.gasUsed, blocks, roots: roots.length };
}

/** The largest L (a power of two) with c · (2L − 1) ≤ MAX_TREE_NODES. */
export function largestLeafCount(c: number): number {
  let leaves = 1;
  while (c * (4 * leaves - 1) <= Number(MAX_TREE_NODES)) leaves *= 2;
  return leaves;
}

/** The validator's largest points: m = 256, each c of 1 … 16 with its largest L. */
export const MAXIMA_POINTS: readonly SegmentPoint[] = [1, 2, 4, 8, 16].map((c) => ({
  m: Number(MAX_COMMITTEE_SIZE),
  c,
  leafCount: largestLeafCount(c),
}));

/** The gas keys of this file (see the header). */
export async function measureMaxima(ethers: HardhatEthers): Promise<Record<string, number>> {
  const keys: Record<string, number> = {};
  let largest = 0;
  for (const point of MAXIMA_POINTS) {
    const { gasUsed } = await settleSegmentAt(ethers, point);
    keys[`rewards.settle.segment.atMaxima.c${point.c}L${point.leafCount}`] = Number(gasUsed);
    largest = Math.max(largest, Number(gasUsed));
  }
  keys["rewards.settle.segment.atMaxima"] = largest;
  return keys;
}
