/**
 * Reads what `ProverRewards.settleEpoch` needs from the chain's events: the epoch's committee
 * (from `CommitteeSealed`) and its accepted root proofs (from `RootProofAccepted`, with each
 * block's winning `BlockProposed`), in the order and form the contract replays them. Used by
 * tests, the simulator and the operator scripts; the rules themselves are in
 * `src/protocol/rewards.ts`.
 */
import type {
  BlockLifecycle,
  CommitteeElection,
  ProverRewards,
} from "../../typechain-types/index.js";
import {
  rootsInSegments,
  settlementEntries,
  type AcceptedRoot,
  type RootEntry,
  type SegmentLayout,
  type WinningProposal,
} from "../protocol/rewards.js";

/** The arguments of `settleEpoch(epoch, committee, roots)`. */
export interface EpochSettlementCall {
  epoch: bigint;
  committee: string[];
  roots: RootEntry[];
}

/** The arguments of `settleEpochPart(epoch, committee, roots, segments)`. */
export interface EpochPartCall extends EpochSettlementCall {
  segments: bigint;
}

/**
 * The most gas the clients let one settlement transaction use before they settle segment by
 * segment instead (one segment always fits: `rewards.settle.segment.atMaxima`).
 */
export const SETTLEMENT_GAS_BUDGET = 12_000_000n;

/** The lifecycle's settlement-segment layout. */
export async function readSegmentLayout(lifecycle: BlockLifecycle): Promise<SegmentLayout> {
  return {
    slotsPerEpoch: (await lifecycle.EPOCH_LENGTH()) / (await lifecycle.SLOT_LENGTH()),
    segmentSlots: await lifecycle.SEGMENT_SLOTS(),
  };
}

/** Reads the settlement arguments of `epoch` from events, starting at L1 block `fromBlock`. */
export async function readEpochSettlement(
  lifecycle: BlockLifecycle,
  election: CommitteeElection,
  epoch: bigint,
  fromBlock = 0,
): Promise<EpochSettlementCall> {
  const context = await lifecycle.epochContext(epoch);
  if (context.size === 0n) return { epoch, committee: [], roots: [] };
  const layout = await readSegmentLayout(lifecycle);
  const sealed = await election.queryFilter(election.filters.CommitteeSealed(epoch), fromBlock);
  if (sealed.length === 0) throw new Error(`no CommitteeSealed event for epoch ${epoch}`);
  const committee = [...sealed[sealed.length - 1].args.members];
  const first = epoch * layout.slotsPerEpoch;
  const inEpoch = (slot: bigint) => slot >= first && slot < first + layout.slotsPerEpoch;

  const proposals = new Map<bigint, WinningProposal>();
  for (const log of await lifecycle.queryFilter(lifecycle.filters.BlockProposed(), fromBlock)) {
    const { slot, proposer, feeSplitBps } = log.args;
    if (inEpoch(slot)) proposals.set(slot, { proposer, feeSplitBps });
  }
  const accepted: AcceptedRoot[] = [];
  for (const log of await lifecycle.queryFilter(lifecycle.filters.RootProofAccepted(), fromBlock)) {
    const { slot, tree, submitter, record } = log.args;
    if (inEpoch(slot)) accepted.push({ slot, tree, submitter, record });
  }
  return { epoch, committee, roots: settlementEntries(accepted, proposals, layout) };
}

/**
 * The next `settleEpochPart` call for `epoch` (the rewards' next epoch), from the first segment
 * not yet settled: `segmentsPerCall` segments if given; otherwise every segment left if that is
 * estimated at most SETTLEMENT_GAS_BUDGET, else one segment.
 */
export async function readNextSettlementPart(
  rewards: ProverRewards,
  lifecycle: BlockLifecycle,
  election: CommitteeElection,
  epoch: bigint,
  fromBlock = 0,
  segmentsPerCall?: bigint,
): Promise<EpochPartCall> {
  const call = await readEpochSettlement(lifecycle, election, epoch, fromBlock);
  const [nextSegment, total] = await rewards.settlementProgress();
  const layout = await readSegmentLayout(lifecycle);
  const part = (segments: bigint): EpochPartCall => ({
    ...call,
    roots: rootsInSegments(call.roots, layout, nextSegment, nextSegment + segments),
    segments,
  });
  if (segmentsPerCall !== undefined) return part(segmentsPerCall);
  const rest = part(total - nextSegment);
  try {
    const gas = await rewards.settleEpochPart.estimateGas(
      rest.epoch,
      rest.committee,
      rest.roots,
      rest.segments,
    );
    if (gas <= SETTLEMENT_GAS_BUDGET) return rest;
  } catch {
    // Over the node's gas cap (or not settleable yet): one segment, which always fits.
  }
  return part(1n);
}

/** Settles every epoch from `rewards.nextEpoch()` that can be settled at the latest block. */
export async function settleReadyEpochs(
  rewards: ProverRewards,
  lifecycle: BlockLifecycle,
  election: CommitteeElection,
  latestBlock: bigint,
  fromBlock = 0,
): Promise<bigint[]> {
  const settled: bigint[] = [];
  for (;;) {
    const epoch = await rewards.nextEpoch();
    if ((await rewards.settleableAt(epoch)) > latestBlock) return settled;
    // Part by part (the whole epoch at once if it fits the budget), until it is settled.
    while ((await rewards.nextEpoch()) === epoch) {
      const part = await readNextSettlementPart(rewards, lifecycle, election, epoch, fromBlock);
      await (
        await rewards.settleEpochPart(part.epoch, part.committee, part.roots, part.segments)
      ).wait();
      latestBlock += 1n;
    }
    settled.push(epoch);
  }
}
