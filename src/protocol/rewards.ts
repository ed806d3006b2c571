/**
 * The rewards layer's rules, mirrored from `contracts/rewards/` and `contracts/lifecycle/
 * RootDigest.sol`: the root-proof digest an epoch settles from, the split of a block's value, the
 * per-chunk shares, and a model of a whole epoch's settlement (payouts, pool, burn, inactivity
 * streaks). One rule, one place per language: tests, the simulator and scripts call these, and
 * `test/rewards.test.ts` and `test/rewardsConservation.test.ts` check them against the contracts.
 */
import { AbiCoder, getBytes, hexlify, keccak256 } from "ethers";

import { blockSeed, expectedProvers } from "./assignment.js";
import { checkParticipation, proofWindow, type SlotClock } from "./lifecycle.js";
import { isNone, type AssignmentPolicyRules, type PolicyBlock } from "./policies/types.js";

const abi = AbiCoder.defaultAbiCoder();

/** 100% in basis points. */
export const BPS = 10_000n;
/** `ProverRewards.BURN_ADDRESS`. */
export const BURN_ADDRESS = "0x000000000000000000000000000000000000dEaD";

/** One accepted root proof, as `ProverRewards.settleEpoch` takes it (`IProverRewards.RootEntry`). */
export interface RootEntry {
  /** Position among the accepted root proofs of its settlement segment, in L1 order. */
  sequence: bigint;
  slot: bigint;
  tree: bigint;
  proposer: string;
  feeSplitBps: bigint;
  submitter: string;
  /** The participation record, hex. */
  record: string;
}

/** `RootDigest.entryHash`. */
export function rootEntryHash(entry: RootEntry): string {
  return keccak256(
    abi.encode(
      ["uint256", "uint256", "address", "uint256", "address", "bytes32"],
      [
        entry.slot,
        entry.tree,
        entry.proposer,
        entry.feeSplitBps,
        entry.submitter,
        keccak256(entry.record),
      ],
    ),
  );
}

/**
 * `RootDigest.extend` folded over `entries` in L1 order: the lifecycle's `rootDigest(epoch,
 * segment)` when they are one segment's accepted roots.
 */
export function chainRootDigest(entriesInL1Order: readonly RootEntry[]): string {
  let digest = "0x" + "00".repeat(32);
  for (const entry of entriesInL1Order) {
    digest = keccak256(abi.encode(["bytes32", "bytes32"], [digest, rootEntryHash(entry)]));
  }
  return digest;
}

/** A `RootProofAccepted` event, decoded. */
export interface AcceptedRoot {
  slot: bigint;
  tree: bigint;
  submitter: string;
  record: string;
}

/** The winning proposal of a slot (its last `BlockProposed` event). */
export interface WinningProposal {
  proposer: string;
  feeSplitBps: bigint;
}

/** `BlockLifecycle.SEGMENT_SLOTS`: slots per settlement segment. */
export const SEGMENT_SLOTS = 4n;

/** How an epoch's slots fall into settlement segments (the lifecycle's layout). */
export interface SegmentLayout {
  slotsPerEpoch: bigint;
  /** `BlockLifecycle.SEGMENT_SLOTS`. */
  segmentSlots: bigint;
}

/** The settlement segment of `slot` within its epoch. */
export function segmentOfSlot(slot: bigint, layout: SegmentLayout): bigint {
  return (slot % layout.slotsPerEpoch) / layout.segmentSlots;
}

/** Settlement segments per epoch (`ProverRewards.SEGMENTS_PER_EPOCH`). */
export function segmentsPerEpoch(layout: SegmentLayout): bigint {
  return (layout.slotsPerEpoch + layout.segmentSlots - 1n) / layout.segmentSlots;
}

/**
 * The `roots` argument of `settleEpoch`: the epoch's accepted root proofs (given in L1 order, as
 * the events arrived), each numbered by that order within its settlement segment, and sorted by
 * slot, then sequence.
 */
export function settlementEntries(
  acceptedInL1Order: readonly AcceptedRoot[],
  proposals: ReadonlyMap<bigint, WinningProposal>,
  layout: SegmentLayout,
): RootEntry[] {
  const next = new Map<bigint, bigint>();
  const entries = acceptedInL1Order.map((root): RootEntry => {
    const proposal = proposals.get(root.slot);
    if (proposal === undefined) throw new Error(`no proposal known for slot ${root.slot}`);
    const segment = segmentOfSlot(root.slot, layout);
    const sequence = next.get(segment) ?? 0n;
    next.set(segment, sequence + 1n);
    return {
      sequence,
      slot: root.slot,
      tree: root.tree,
      proposer: proposal.proposer,
      feeSplitBps: proposal.feeSplitBps,
      submitter: root.submitter,
      record: hexlify(root.record),
    };
  });
  return entries.sort((a, b) =>
    a.slot === b.slot ? Number(a.sequence - b.sequence) : a.slot < b.slot ? -1 : 1,
  );
}

/** The roots of `roots` whose slots are in segments `[from, to)` of their epoch. */
export function rootsInSegments(
  roots: readonly RootEntry[],
  layout: SegmentLayout,
  from: bigint,
  to: bigint,
): RootEntry[] {
  return roots.filter((r) => {
    const segment = segmentOfSlot(r.slot, layout);
    return segment >= from && segment < to;
  });
}

/**
 * Splits an epoch's `roots` (as {@link settlementEntries} orders them) into the calls of
 * `settleEpochPart`, each settling `segmentsPerCall` segments from segment `firstSegment` on:
 * the roots of each call's segments, and how many segments it settles.
 */
export function settlementParts(
  roots: readonly RootEntry[],
  layout: SegmentLayout,
  segmentsPerCall: bigint,
  firstSegment = 0n,
): { roots: RootEntry[]; segments: bigint }[] {
  if (segmentsPerCall <= 0n) throw new Error("segmentsPerCall must be positive");
  const total = segmentsPerEpoch(layout);
  const parts: { roots: RootEntry[]; segments: bigint }[] = [];
  for (let from = firstSegment; from < total; from += segmentsPerCall) {
    const to = from + segmentsPerCall;
    parts.push({
      roots: rootsInSegments(roots, layout, from, to),
      segments: to > total ? total - from : segmentsPerCall,
    });
  }
  return parts;
}

/** The split parameters of a deployment (`IProverRewards.Config`, plus the lifecycle's switch). */
export interface RewardParams {
  blockReward: bigint;
  proverBps: bigint;
  submitterBps: bigint;
  proverBurnBps: bigint;
  burnUnprovenShare: boolean;
  /** The lifecycle's FEE_SPLIT_SCORING. */
  feeSplit: boolean;
  /** k; 0 disables inactivity slashing. */
  inactivityThreshold: bigint;
}

/** `RewardSplit.blockShares`. */
export function blockShares(
  total: bigint,
  feeSplitBps: bigint,
  params: Pick<RewardParams, "feeSplit" | "proverBps" | "submitterBps" | "proverBurnBps">,
): { sequencer: bigint; submitter: bigint; provers: bigint; burned: bigint } {
  const submitter = (total * params.submitterBps) / BPS;
  const gross = params.feeSplit
    ? ((total - submitter) * feeSplitBps) / BPS
    : (total * params.proverBps) / BPS;
  const sequencer = total - submitter - gross;
  const burned = (gross * params.proverBurnBps) / BPS;
  return { sequencer, submitter, provers: gross - burned, burned };
}

/** `RewardSplit.treeShares`. */
export function treeShares(
  provers: bigint,
  treeCount: bigint,
  leafCount: bigint,
): { treeShare: bigint; nodeShare: bigint } {
  const treeShare = provers / treeCount;
  return { treeShare, nodeShare: treeShare / (2n * leafCount - 1n) };
}

/** A committee member's inactivity state (`ProverRewards.inactivityOf`). */
export interface Inactivity {
  missStreak: bigint;
  pendingSlashes: bigint;
}

/** Everything one epoch's settlement reads. */
export interface EpochSettlementInput {
  params: RewardParams;
  epochSeed: string;
  /** The committee in rank order; empty if the epoch had no proposal. */
  committee: readonly string[];
  treeCount: number;
  firstSlot: bigint;
  slotsPerEpoch: bigint;
  /** `settlementEntries(...)`. */
  roots: readonly RootEntry[];
  pool: bigint;
  /** Fees deposited per slot (absent = 0). */
  fees: ReadonlyMap<bigint, bigint>;
  /** Members' inactivity before the epoch (absent = zero). */
  inactivity: ReadonlyMap<string, Inactivity>;
  /**
   * The deployment's assignment policy, if it has one (absent: striped trees). Each block's
   * committee share is then split by `rules.settleBlock` over the block's records in L1 order,
   * as `ProverRewards` hands them to the policy contract.
   */
  policy?: {
    rules: AssignmentPolicyRules;
    /** The leaf count of each block (the lifecycle's block record). */
    leafCount: (slot: bigint) => number;
    /** `ProverRewards.policyActivity(slot)`: members a policy reward showed at work. */
    activity?: ReadonlyMap<bigint, bigint>;
  };
}

/** Per account credits of one settlement. */
export interface Credits {
  proving: bigint;
  sequencing: bigint;
  submitting: bigint;
}

/** What one epoch's settlement does. */
export interface EpochSettlement {
  credits: Map<string, Credits>;
  chunks: Map<string, bigint>;
  inactivity: Map<string, Inactivity>;
  /** Members whose pending slashes grew, with the new count. */
  newlySlashable: Map<string, bigint>;
  poolAfter: bigint;
  returnedToPool: bigint;
  burned: bigint;
  feesTaken: bigint;
  blocksPaid: number;
  rootsCredited: number;
  /** (slot, tree, node, member) of every record settlement rejects. */
  rejected: { slot: bigint; tree: bigint; node: number; member: number }[];
}

function credit(credits: Map<string, Credits>, account: string, key: keyof Credits, v: bigint) {
  const current = credits.get(account) ?? { proving: 0n, sequencing: 0n, submitting: 0n };
  current[key] += v;
  credits.set(account, current);
}

/** A model of `ProverRewards.settleEpoch` (valid input: the roots match the chain's digest). */
export function settleEpochModel(input: EpochSettlementInput): EpochSettlement {
  const { params, committee, roots } = input;
  const m = committee.length;
  const c = BigInt(input.treeCount);
  const out: EpochSettlement = {
    credits: new Map(),
    chunks: new Map(),
    inactivity: new Map(),
    newlySlashable: new Map(),
    poolAfter: 0n,
    returnedToPool: 0n,
    burned: 0n,
    feesTaken: 0n,
    blocksPaid: 0,
    rootsCredited: 0,
    rejected: [],
  };
  const amounts = new Array<bigint>(m).fill(0n);
  const chunks = new Array<bigint>(m).fill(0n);
  const credited = new Map<bigint, bigint>(); // slot -> bitmap
  const assigned = new Map<bigint, bigint>(); // slot -> members given work (paid blocks only)
  const fees = new Map(input.fees);
  let poolLeft = input.pool;
  for (let start = 0; start < roots.length; ) {
    const first = roots[start];
    let end = start + 1;
    while (end < roots.length && roots[end].slot === first.slot) end++;
    const reward = params.blockReward < poolLeft ? params.blockReward : poolLeft;
    poolLeft -= reward;
    const blockFees = fees.get(first.slot) ?? 0n;
    fees.delete(first.slot);
    out.feesTaken += blockFees;
    const split = blockShares(reward + blockFees, first.feeSplitBps, params);
    if (split.sequencer !== 0n) credit(out.credits, first.proposer, "sequencing", split.sequencer);
    if (split.submitter !== 0n) credit(out.credits, first.submitter, "submitting", split.submitter);
    out.burned += split.burned;
    out.blocksPaid++;
    if (input.policy !== undefined) {
      settlePolicyBlock(input, input.policy, roots.slice(start, end), split.provers, out, {
        amounts,
        credited,
        assigned,
      });
      start = end;
      continue;
    }
    const leafCount = (getBytes(first.record).length + 1) / 2;
    const { treeShare, nodeShare } = treeShares(split.provers, c, BigInt(leafCount));
    out.returnedToPool += split.provers - treeShare * c;
    const shape = {
      m,
      c: input.treeCount,
      leafCount,
      seed: blockSeed(input.epochSeed, first.slot),
    };
    let proven = 0n;
    let bitmap = 0n;
    let expected = 0n;
    // A later valid record of a tree already paid (an additional root): activity only.
    const paidTrees = new Set<bigint>();
    // Each tree is paid once: its root prover's own valid record first, else its first valid
    // record (ProverRewards._creditRoots); other valid records are activity only.
    const ownFiled = (i: number) => {
      const r = getBytes(roots[i].record);
      return (
        r.length > 0 &&
        r[0] < m &&
        input.committee[r[0]].toLowerCase() === roots[i].submitter.toLowerCase()
      );
    };
    const indices = Array.from({ length: end - start }, (_, k) => start + k);
    const order = [...indices.filter(ownFiled), ...indices.filter((i) => !ownFiled(i))];
    for (const i of order) {
      const record = getBytes(roots[i].record);
      const failure = checkParticipation(shape, Number(roots[i].tree), record);
      if (failure !== null) {
        out.rejected.push({ slot: roots[i].slot, tree: roots[i].tree, ...failure });
        continue;
      }
      out.rootsCredited++;
      const pays = !paidTrees.has(roots[i].tree);
      if (pays) {
        proven++;
        paidTrees.add(roots[i].tree);
      }
      expected |= expectedProvers(
        m,
        shape.seed,
        input.treeCount,
        leafCount,
        Number(roots[i].tree),
        record,
      );
      for (const member of record) {
        // A NONE node (fallback work) is unpaid: its share goes to the pool.
        if (isNone(member, m)) {
          if (pays) out.returnedToPool += nodeShare;
          continue;
        }
        if (pays) {
          amounts[member] += nodeShare;
          chunks[member] += 1n;
        }
        bitmap |= 1n << BigInt(member);
      }
    }
    if (bitmap !== 0n) {
      credited.set(first.slot, bitmap);
      assigned.set(first.slot, bitmap | expected);
    }
    out.returnedToPool += (treeShare - nodeShare * BigInt(2 * leafCount - 1)) * proven;
    const unproven = (c - proven) * treeShare;
    if (params.burnUnprovenShare) out.burned += unproven;
    else out.returnedToPool += unproven;
    start = end;
  }
  for (let slot = input.firstSlot; slot < input.firstSlot + input.slotsPerEpoch; slot++) {
    const left = fees.get(slot) ?? 0n;
    if (left !== 0n) {
      out.feesTaken += left;
      out.returnedToPool += left;
    }
  }
  if (out.blocksPaid > 0) creditCommittee(input, out, amounts, chunks, credited, assigned);
  out.poolAfter = poolLeft + out.returnedToPool;
  return out;
}

/** `ProverRewards._settlePolicyBlock` and `_applyCredit` for one block's roots. */
function settlePolicyBlock(
  input: EpochSettlementInput,
  policy: NonNullable<EpochSettlementInput["policy"]>,
  roots: readonly RootEntry[],
  provers: bigint,
  out: EpochSettlement,
  acc: { amounts: bigint[]; credited: Map<bigint, bigint>; assigned: Map<bigint, bigint> },
): void {
  const first = roots[0];
  const block: PolicyBlock = {
    slot: first.slot,
    seed: blockSeed(input.epochSeed, first.slot),
    committee: input.committee,
    treeCount: input.treeCount,
    leafCount: policy.leafCount(first.slot),
    proposer: first.proposer,
  };
  const blockCredit = policy.rules.settleBlock(
    block,
    roots.map((r) => getBytes(r.record)),
    provers,
  );
  blockCredit.amounts.forEach((amount, i) => (acc.amounts[i] += amount));
  if (blockCredit.proposer !== 0n) {
    credit(out.credits, first.proposer, "sequencing", blockCredit.proposer);
  }
  out.returnedToPool += blockCredit.toPool;
  out.burned += blockCredit.burned;
  out.rootsCredited += blockCredit.validRoots;
  blockCredit.rejectedNode.forEach((node, j) => {
    if (node !== 0) {
      out.rejected.push({
        slot: first.slot,
        tree: roots[j].tree,
        node,
        member: blockCredit.rejectedMember[j],
      });
    }
  });
  if (blockCredit.credited !== 0n) {
    const active = blockCredit.credited | (policy.activity?.get(first.slot) ?? 0n);
    acc.credited.set(first.slot, active);
    acc.assigned.set(first.slot, active | blockCredit.assigned);
  }
}

function creditCommittee(
  input: EpochSettlementInput,
  out: EpochSettlement,
  amounts: readonly bigint[],
  chunks: readonly bigint[],
  credited: ReadonlyMap<bigint, bigint>,
  assigned: ReadonlyMap<bigint, bigint>,
): void {
  const k = input.params.inactivityThreshold;
  const paid = [...assigned.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([slot, work]) => ({ work, bitmap: credited.get(slot) ?? 0n }));
  input.committee.forEach((member, i) => {
    const before = input.inactivity.get(member) ?? { missStreak: 0n, pendingSlashes: 0n };
    let { missStreak, pendingSlashes } = before;
    if (k !== 0n) {
      for (const { work, bitmap } of paid) {
        // Blocks that gave the member no work leave its streak as it is.
        if (((work >> BigInt(i)) & 1n) === 0n) continue;
        if ((bitmap >> BigInt(i)) & 1n) missStreak = 0n;
        else if (++missStreak === k) {
          pendingSlashes++;
          missStreak = 0n;
        }
      }
    }
    if (amounts[i] !== 0n) credit(out.credits, member, "proving", amounts[i]);
    out.chunks.set(member, chunks[i]);
    out.inactivity.set(member, { missStreak, pendingSlashes });
    if (pendingSlashes !== before.pendingSlashes) out.newlySlashable.set(member, pendingSlashes);
  });
}

/**
 * `ProverRewards.settleableAt`: one past the proof window (`proofWindow`) of the epoch's last slot.
 */
export function settleableAt(clock: SlotClock, slotsPerEpoch: bigint, epoch: bigint): bigint {
  return proofWindow(clock, (epoch + 1n) * slotsPerEpoch - 1n).closesAt + 1n;
}
