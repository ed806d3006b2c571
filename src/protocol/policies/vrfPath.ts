/**
 * The `vrfPath` policy (seed 001, option 1; `docs/policies.md` section 1), mirrored from
 * `contracts/policies/VrfPath.sol` and `contracts/policies/VrfPathPolicy.sol`.
 *
 * Member `x` of a block has the path word
 * `w_x = keccak256(abi.encode(PATH_DOMAIN, blockSeed, address_x))`; its leading `D = log2 L` bits,
 * read from the most significant bit (1 = right, 0 = left), are its path from the root, ending at
 * leaf `w_x >> (256 - D)`. Member `x` may be credited for node `(d, j)` iff
 * `leaf_x >> (D - d) == j`. A record byte is NONE (anywhere but the root) or a member whose path
 * passes through the node. Pure: no chain access; failed checks throw a `PolicyError` named after
 * the contract's custom error.
 */
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";

import {
  type AssignmentPolicyRules,
  type BlockCredit,
  depthOf,
  MAX_POLICY_COMMITTEE,
  NONE,
  PolicyError,
  type PolicyBlock,
  PolicyId,
} from "./types.js";

const abi = AbiCoder.defaultAbiCoder();

/** `keccak256("PROVERNET_V1_VRF_PATH")`, the contract's `PATH_DOMAIN`. */
export const PATH_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_VRF_PATH"));
/** Largest leaf count (as `TreeAssignment.MAX_LEAF_COUNT`). */
export const MAX_LEAF_COUNT = 65536;

/** The contract's `PolicyRecord.checkCommittee`. */
export function checkCommittee(m: number): void {
  if (m > MAX_POLICY_COMMITTEE) {
    throw new PolicyError("PolicyCommitteeTooLarge", [m, MAX_POLICY_COMMITTEE]);
  }
}

/**
 * `D = log2(leafCount)` (the contract's `VrfPath.checkedLeafDepth`); throws
 * `InvalidPolicyParameter("leafCount", L)` unless L is a power of two in `[1, MAX_LEAF_COUNT]`.
 */
export function checkedLeafDepth(leafCount: number): number {
  if (
    !Number.isSafeInteger(leafCount) ||
    leafCount <= 0 ||
    leafCount > MAX_LEAF_COUNT ||
    (leafCount & (leafCount - 1)) !== 0
  ) {
    throw new PolicyError("InvalidPolicyParameter", ["leafCount", leafCount]);
  }
  return depthOf(leafCount);
}

/** The contract's `PolicyRecord.checkLength` (`IBlockLifecycle.InvalidRecordLength`). */
export function checkLength(record: Uint8Array, expected: number): void {
  if (record.length !== expected) {
    throw new PolicyError("InvalidRecordLength", [record.length, expected]);
  }
}

/** Member `member`'s path word: `keccak256(abi.encode(PATH_DOMAIN, seed, member))`. */
export function pathWord(seed: string, member: string): bigint {
  return BigInt(
    keccak256(abi.encode(["bytes32", "bytes32", "address"], [PATH_DOMAIN, seed, member])),
  );
}

/** The leaf reached by the leading `log2(leafCount)` bits of the 256-bit `word`. */
export function pathLeafFromBits(word: bigint, leafCount: number): number {
  const depth = checkedLeafDepth(leafCount);
  return depth === 0 ? 0 : Number(word >> BigInt(256 - depth));
}

/** The leaf member `memberAddress`'s path reaches in the block with seed `seed`. */
export function pathLeaf(seed: string, memberAddress: string, leafCount: number): number {
  return pathLeafFromBits(pathWord(seed, memberAddress), leafCount);
}

/** Whether the path ending at `leaf` (leaves at depth `depth`) passes through heap node `node`. */
export function passes(leaf: number, depth: number, node: number): boolean {
  const d = depthOf(node);
  return leaf >>> (depth - d) === node - 2 ** d;
}

const leafCache = new Map<string, number[]>();

/** Each member's leaf in `block`, by committee index (m hashes, cached per block). */
export function memberLeaves(block: PolicyBlock): number[] {
  const key = `${block.seed}:${block.leafCount}:${block.committee.join(",")}`;
  let leaves = leafCache.get(key);
  if (leaves === undefined) {
    leaves = block.committee.map((a) => pathLeaf(block.seed, a, block.leafCount));
    if (leafCache.size >= 64) leafCache.delete(leafCache.keys().next().value as string);
    leafCache.set(key, leaves);
  }
  return leaves;
}

/**
 * The first invalid node of `record` and its byte, level by level (`null` if valid), and the
 * nodes each member (NONE at index m) is credited for.
 */
function scan(
  leaves: readonly number[],
  depth: number,
  record: Uint8Array,
): { bad: [number, number] | null; counts: number[] } {
  const m = leaves.length;
  const counts = new Array<number>(m + 1).fill(0);
  for (let d = 0; d <= depth; d++) {
    const width = 2 ** d;
    const shift = depth - d;
    for (let j = 0; j < width; j++) {
      const b = record[width + j - 1];
      if (b === NONE) {
        if (d === 0) return { bad: [1, b], counts };
        counts[m]++;
      } else {
        if (b >= m || leaves[b] >>> shift !== j) return { bad: [width + j, b], counts };
        counts[b]++;
      }
    }
  }
  return { bad: null, counts };
}

/** The contract's `settleBlock`. */
export function settleVrfPath(
  block: PolicyBlock,
  records: readonly Uint8Array[],
  provers: bigint,
): BlockCredit {
  const m = block.committee.length;
  checkCommittee(m);
  const depth = checkedLeafDepth(block.leafCount);
  const nodes = 2 * block.leafCount - 1;
  const credit: BlockCredit = {
    amounts: new Array<bigint>(m).fill(0n),
    proposer: 0n,
    toPool: provers,
    burned: 0n,
    credited: 0n,
    assigned: 0n,
    validRoots: 0,
    rejectedNode: new Array<number>(records.length).fill(0),
    rejectedMember: new Array<number>(records.length).fill(0),
  };
  if (records.length === 0) return credit;
  const leaves = memberLeaves(block);
  // Holders go in committee order: a member whose leaf a lower index shares is only a backup.
  const seen = new Set<number>();
  leaves.forEach((leaf, i) => {
    if (seen.has(leaf)) return;
    seen.add(leaf);
    credit.assigned |= 1n << BigInt(i);
  });
  let paidCounts: number[] | null = null;
  records.forEach((record, r) => {
    checkLength(record, nodes);
    const { bad, counts } = scan(leaves, depth, record);
    if (bad !== null) {
      [credit.rejectedNode[r], credit.rejectedMember[r]] = bad;
      return;
    }
    if (credit.validRoots === 0) paidCounts = counts;
    credit.validRoots++;
    // Every valid record counts as activity for whom it credits; the first one is paid.
    counts.forEach((n, i) => {
      if (i < leaves.length && n > 0) credit.credited |= 1n << BigInt(i);
    });
  });
  if (paidCounts === null) return credit;
  // A node pays one share, to the earliest valid record that credits someone there.
  const counts = new Array<number>(m).fill(0);
  const filled = new Set<number>();
  records.forEach((record, r) => {
    if (credit.rejectedNode[r] !== 0) return;
    record.forEach((b, n) => {
      if (b === NONE || filled.has(n)) return;
      filled.add(n);
      counts[b]++;
    });
  });
  const share = provers / BigInt(nodes);
  let paid = 0n;
  for (let i = 0; i < m; i++) {
    if (counts[i] === 0) continue;
    const amount = BigInt(counts[i]) * share;
    credit.amounts[i] = amount;
    credit.credited |= 1n << BigInt(i);
    paid += amount;
  }
  credit.toPool = provers - paid;
  return credit;
}

/** Shared by both single-proof policies of seed 001: one credit byte per node, NONE if missing. */
export function encodeSingleProofRecord(
  leafCount: number,
  credits: ReadonlyMap<number, readonly number[]>,
): Uint8Array {
  checkedLeafDepth(leafCount);
  const record = new Uint8Array(2 * leafCount - 1).fill(NONE);
  for (let node = 1; node < 2 * leafCount; node++) {
    const c = credits.get(node);
    if (c !== undefined && c.length > 0) record[node - 1] = c[0];
  }
  return record;
}

/** The `vrfPath` rules. */
export const vrfPathRules: AssignmentPolicyRules = {
  id: PolicyId.vrfPath,
  name: "vrfPath",
  proofsPerNode: 1,
  competingRoots: false,
  uncleRewards: false,
  treeCount(_electedTreeCount: number, m: number): number {
    checkCommittee(m);
    return 1;
  },
  recordLength(leafCount: number): number {
    checkedLeafDepth(leafCount);
    return 2 * leafCount - 1;
  },
  /**
   * The members whose path passes through `node`, in committee order (credit: their index); if
   * none, the holders of the nearest ancestor that has some, each credited NONE (their work at
   * this node is unpaid).
   */
  holders(block: PolicyBlock, _tree: number, node: number) {
    const depth = checkedLeafDepth(block.leafCount);
    const leaves = memberLeaves(block);
    const on = (n: number) => leaves.flatMap((leaf, i) => (passes(leaf, depth, n) ? [i] : []));
    const own = on(node);
    if (own.length > 0) return own.map((i) => ({ member: i, credit: i }));
    for (let n = node >> 1; n >= 1; n >>= 1) {
      const up = on(n);
      if (up.length > 0) return up.map((i) => ({ member: i, credit: NONE }));
    }
    return [];
  },
  encodeRecord(block: PolicyBlock, _tree: number, credits) {
    return encodeSingleProofRecord(block.leafCount, credits);
  },
  checkRoot(block: PolicyBlock, _tree: number, record: Uint8Array): void {
    const m = block.committee.length;
    checkCommittee(m);
    checkedLeafDepth(block.leafCount);
    checkLength(record, 2 * block.leafCount - 1);
    if (record[0] >= m) throw new PolicyError("UnassignedParticipant", [1, record[0]]);
  },
  settleBlock: settleVrfPath,
};
