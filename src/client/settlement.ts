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
  segmentOfSlot,
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

/** Segments one `settleEpochPart` call of the clients settles (of SEGMENT_SLOTS slots each). */
export const SEGMENTS_PER_SETTLEMENT_CALL = 4n;

/** Reads the settlement arguments of `epoch` from events, starting at L1 block `fromBlock`. */
export async function readEpochSettlement(
  lifecycle: BlockLifecycle,
  election: CommitteeElection,
  epoch: bigint,
  fromBlock = 0,
): Promise<EpochSettlementCall> {
  const context = await lifecycle.epochContext(epoch);
  if (context.size === 0n) return { epoch, committee: [], roots: [] };
  const layout: SegmentLayout = {
    slotsPerEpoch: (await lifecycle.EPOCH_LENGTH()) / (await lifecycle.SLOT_LENGTH()),
    segmentSlots: await lifecycle.SEGMENT_SLOTS(),
  };
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
 * The next `settleEpochPart` call for `epoch` (the rewards' next epoch): the roots of the
 * `segmentsPerCall` segments from the first one not yet settled.
 */
export async function readNextSettlementPart(
  rewards: ProverRewards,
  lifecycle: BlockLifecycle,
  election: CommitteeElection,
  epoch: bigint,
  fromBlock = 0,
  segmentsPerCall = SEGMENTS_PER_SETTLEMENT_CALL,
): Promise<EpochPartCall> {
  const call = await readEpochSettlement(lifecycle, election, epoch, fromBlock);
  const [nextSegment] = await rewards.settlementProgress();
  const layout: SegmentLayout = {
    slotsPerEpoch: (await lifecycle.EPOCH_LENGTH()) / (await lifecycle.SLOT_LENGTH()),
    segmentSlots: await lifecycle.SEGMENT_SLOTS(),
  };
  const end = nextSegment + segmentsPerCall;
  const roots = call.roots.filter((r) => {
    const segment = segmentOfSlot(r.slot, layout);
    return segment >= nextSegment && segment < end;
  });
  return { ...call, roots, segments: segmentsPerCall };
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
    // Part by part (each part's gas is bounded by SEGMENTS_PER_SETTLEMENT_CALL segments), until
    // the epoch is settled.
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
