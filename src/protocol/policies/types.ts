/**
 * What every assignment policy shares, mirrored from `contracts/interfaces/IAssignmentPolicy.sol`
 * and `contracts/policies/PolicyRecord.sol`: policy ids, the two special record bytes and the
 * shapes of a block and of its settlement. Pure: no chain access.
 */

/** Policy ids, as the contracts' `POLICY_ID()`. */
export const PolicyId = {
  /** Seed 000's striped trees, built into the lifecycle. */
  striped: 0,
  /** Seed 001, option 1: VRF path. */
  vrfPath: 1,
  /** Seed 001, option 2: sorted-VRF rounds. */
  sortedRounds: 2,
  /** Seed 002: ranked proofs per node, competing roots. */
  rankedProofs: 3,
  /** Seeds 003/004: sibling cover and uncle rewards. */
  siblingCover: 4,
} as const;

export type PolicyName = keyof typeof PolicyId;

export const POLICY_NAMES: readonly PolicyName[] = [
  "striped",
  "vrfPath",
  "sortedRounds",
  "rankedProofs",
  "siblingCover",
];

/** Record byte crediting nobody. */
export const NONE = 0xff;

/**
 * Whether record byte `member` is NONE in a committee of `m`: under striped trees a committee
 * of 256 has no NONE (byte 0xff is member 255); the policies cap committees at 254. The
 * contract's `ParticipationRecord.isNone`.
 */
export function isNone(member: number, m: number): boolean {
  return member === NONE && m <= NONE;
}
/** Record byte crediting the block's proposer. */
export const PROPOSER = 0xfe;
/** Largest committee a policy contract accepts. */
export const MAX_POLICY_COMMITTEE = 254;

/** The contract's `IAssignmentPolicy.BlockContext`, plus the committee's addresses. */
export interface PolicyBlock {
  slot: bigint;
  /** The block seed, `blockSeed(epochSeed, slot)`. */
  seed: string;
  /** The committee in rank order (lowest VRF score first). */
  committee: readonly string[];
  /** Root proofs the block takes (the policy's `treeCount` for the epoch). */
  treeCount: number;
  /** Leaves L per tree. */
  leafCount: number;
  proposer: string;
}

/** The contract's `IAssignmentPolicy.BlockCredit`. */
export interface BlockCredit {
  /** Per committee index. */
  amounts: bigint[];
  proposer: bigint;
  toPool: bigint;
  burned: bigint;
  /** Bitmap of credited committee indices. */
  credited: bigint;
  /**
   * Bitmap of the committee indices the policy gave work in the block (who could have been
   * credited). Inactivity counts a miss only for an assigned member no paid record credits.
   */
  assigned: bigint;
  validRoots: number;
  /** Per record: first failing node (0 if valid) and the byte found there. */
  rejectedNode: number[];
  rejectedMember: number[];
}

/** A failed check, named after the contract's custom error. */
export class PolicyError extends Error {
  constructor(
    readonly errorName: string,
    readonly args: readonly (bigint | number | string)[],
  ) {
    super(`${errorName}(${args.join(", ")})`);
  }
}

/** `floor(log2(node))` for a heap index >= 1. */
export function depthOf(node: number): number {
  let d = 0;
  while (node > 1) {
    node >>= 1;
    d++;
  }
  return d;
}

/**
 * One policy's rules, in the same words as its contract. The prover client and the simulator
 * drive every policy through this interface.
 */
export interface AssignmentPolicyRules {
  readonly id: number;
  readonly name: PolicyName;
  /**
   * Proofs a record credits per node: rankedProofs' P (the best-ranked holders whose outputs
   * arrived), 1 under every other policy. A client proves a node at once if it is among the first
   * `proofsPerNode` holders; the rest are backups.
   */
  readonly proofsPerNode: number;
  /**
   * Whether a block's roots compete (rankedProofs): tree index `t` is the `t`-th root holder's
   * competing root, any root ends the race for the root node, and a root is never filed again
   * with `submitAdditionalRoot`. Otherwise each tree has its root prover, which files its own
   * root after someone else's.
   */
  readonly competingRoots: boolean;
  /** Whether provers whose outputs the final record did not use claim uncle rewards. */
  readonly uncleRewards: boolean;
  /** The contract's `treeCount(electedTreeCount, m)`. */
  treeCount(electedTreeCount: number, m: number): number;
  /** Bytes of a record for a block with `leafCount` leaves. */
  recordLength(leafCount: number): number;
  /**
   * Who computes `node` of tree `tree` in an honest network, in order of preference, with the
   * byte the record credits when that member's output is used (its index, NONE or PROPOSER).
   * Backups after the first are expected to wait before duplicating work.
   */
  holders(block: PolicyBlock, tree: number, node: number): { member: number; credit: number }[];
  /**
   * The record a root proof carries when the outputs used at each node came from `credits`
   * (node -> credit bytes of the proofs included there; every policy but rankedProofs takes one
   * per node). Nodes missing from the map are credited NONE.
   */
  encodeRecord(
    block: PolicyBlock,
    tree: number,
    credits: ReadonlyMap<number, readonly number[]>,
  ): Uint8Array;
  /** The contract's `acceptRoot` check; throws a PolicyError. */
  checkRoot(block: PolicyBlock, tree: number, record: Uint8Array): void;
  /** The contract's `settleBlock`. */
  settleBlock(block: PolicyBlock, records: readonly Uint8Array[], provers: bigint): BlockCredit;
}
