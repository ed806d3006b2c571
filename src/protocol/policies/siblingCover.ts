/**
 * Seeds 003/004's `siblingCover` policy (`docs/policies.md` section 4), mirrored from
 * `contracts/policies/SiblingCover.sol` and `SiblingCoverPolicy.sol`: leaf `L + j` is assigned
 * `perm_D[j mod m]` (the striped leaf-level permutation), merge node `n` is built by the prover
 * of child `2n + b` with `b = keccak256(abi.encode(SIBLING_DOMAIN, seed, n)) & 1`, and the prover
 * of the other child is its sibling, who may cover it (unpaid, but active). A leaf's sibling is
 * the prover of `n ^ 1`; with L = 1 the single leaf is its own sibling. Only assigned provers are
 * paid `nodeShare = provers / (2L - 1)`. `test/policySiblingCover.test.ts` checks both languages
 * agree. Pure: no chain access; where the contract reverts these functions throw a `PolicyError`
 * named after its custom error.
 */
import { AbiCoder, getAddress, keccak256, toUtf8Bytes } from "ethers";

import { levelPermutation } from "../assignment.js";
import {
  type AssignmentPolicyRules,
  type BlockCredit,
  depthOf,
  MAX_POLICY_COMMITTEE,
  NONE,
  type PolicyBlock,
  PolicyError,
  PolicyId,
} from "./types.js";

const abi = AbiCoder.defaultAbiCoder();

/** `keccak256("PROVERNET_V1_SIBLING_COVER")`, the contract's `SIBLING_DOMAIN`. */
export const SIBLING_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_SIBLING_COVER"));
/** `keccak256("PROVERNET_V1_UNCLE_PROOF")`, the domain of an uncle proof's public inputs. */
export const UNCLE_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_UNCLE_PROOF"));
const MAX_LEAF_COUNT = 65536;

/** Which child's prover builds merge node `node`: 0 left, 1 right. */
export function mergeBit(seed: string, node: number): number {
  const word = keccak256(
    abi.encode(["bytes32", "bytes32", "uint256"], [SIBLING_DOMAIN, seed, node]),
  );
  return Number(BigInt(word) & 1n);
}

function checkShape(m: number, leafCount: number): void {
  if (m > MAX_POLICY_COMMITTEE) {
    throw new PolicyError("PolicyCommitteeTooLarge", [m, MAX_POLICY_COMMITTEE]);
  }
  if (m === 0) throw new PolicyError("EmptyCommittee", []);
  if (
    !Number.isSafeInteger(leafCount) ||
    leafCount < 1 ||
    leafCount > MAX_LEAF_COUNT ||
    (leafCount & (leafCount - 1)) !== 0
  ) {
    throw new PolicyError("InvalidLeafCount", [leafCount]);
  }
}

function checkLength(record: Uint8Array, expected: number): void {
  if (record.length !== expected) {
    throw new PolicyError("InvalidRecordLength", [record.length, expected]);
  }
}

/**
 * Every node's assigned prover and sibling: arrays of length 2L, entry `n` for node `n` (entry 0
 * unused). The contract's `proverTable`.
 */
export function proverTable(
  m: number,
  seed: string,
  leafCount: number,
): { assigned: number[]; sibling: number[] } {
  checkShape(m, leafCount);
  const perm = levelPermutation(m, seed, depthOf(leafCount));
  const assigned = new Array<number>(2 * leafCount).fill(0);
  const sibling = new Array<number>(2 * leafCount).fill(0);
  for (let j = 0; j < leafCount; j++) assigned[leafCount + j] = perm[j % m];
  for (let n = leafCount; n < 2 * leafCount; n++) {
    sibling[n] = leafCount === 1 ? assigned[n] : assigned[n ^ 1];
  }
  for (let n = leafCount - 1; n >= 1; n--) {
    const b = mergeBit(seed, n);
    assigned[n] = assigned[2 * n + b];
    sibling[n] = assigned[2 * n + 1 - b];
  }
  return { assigned, sibling };
}

function pairOf(m: number, seed: string, leafCount: number, node: number): [number, number] {
  checkShape(m, leafCount);
  if (!Number.isSafeInteger(node) || node < 1 || node >= 2 * leafCount) {
    throw new PolicyError("InvalidUncleNode", [node, leafCount]);
  }
  const perm = levelPermutation(m, seed, depthOf(leafCount));
  const descend = (n: number): number => {
    while (n < leafCount) n = 2 * n + mergeBit(seed, n);
    return perm[(n - leafCount) % m];
  };
  if (node >= leafCount) {
    const a = perm[(node - leafCount) % m];
    return [a, leafCount === 1 ? a : perm[((node ^ 1) - leafCount) % m]];
  }
  const b = mergeBit(seed, node);
  return [descend(2 * node + b), descend(2 * node + 1 - b)];
}

/** The committee index assigned to prove `node` (the contract's `assignedOf`). */
export function assignedOf(m: number, seed: string, leafCount: number, node: number): number {
  return pairOf(m, seed, leafCount, node)[0];
}

/** The committee index that may cover `node` (the contract's `siblingOf`). */
export function siblingOf(m: number, seed: string, leafCount: number, node: number): number {
  return pairOf(m, seed, leafCount, node)[1];
}

/**
 * The public inputs an uncle proof of `node` by `member` is checked against:
 * `keccak256(abi.encode(UNCLE_DOMAIN, chainId, lifecycle, blockCommitment, node, member))`.
 */
export function unclePublicInputs(
  domain: { chainId: bigint; lifecycle: string },
  blockCommitment: string,
  node: number,
  member: string,
): string {
  return keccak256(
    abi.encode(
      ["bytes32", "uint256", "address", "bytes32", "uint256", "address"],
      [
        UNCLE_DOMAIN,
        domain.chainId,
        getAddress(domain.lifecycle),
        blockCommitment,
        node,
        getAddress(member),
      ],
    ),
  );
}

/**
 * The contract's `checkUncle`: throws unless committee index `member` may claim an uncle reward
 * for `node` given the final record (`2L - 1` bytes): it is the node's assigned prover or its
 * sibling, and the record credits another byte there.
 */
export function checkUncle(
  block: PolicyBlock,
  finalRecord: Uint8Array,
  node: number,
  member: number,
): void {
  checkShape(block.committee.length, block.leafCount);
  checkLength(finalRecord, 2 * block.leafCount - 1);
  const [assigned, sibling] = pairOf(block.committee.length, block.seed, block.leafCount, node);
  if (member !== assigned && member !== sibling) {
    throw new PolicyError("UncleNotEligible", [node, member]);
  }
  if (finalRecord[node - 1] === member) throw new PolicyError("UncleIncluded", [node, member]);
}

/** The first node credited to someone other than its prover, sibling or NONE (0 if valid). */
function findInvalid(
  record: Uint8Array,
  assigned: readonly number[],
  sibling: readonly number[],
): { node: number; member: number } {
  for (let n = 1; n <= record.length; n++) {
    const b = record[n - 1];
    if (b !== NONE && b !== assigned[n] && b !== sibling[n]) return { node: n, member: b };
  }
  return { node: 0, member: 0 };
}

/** The `siblingCover` rules (one tree per block). */
export const siblingCoverRules: AssignmentPolicyRules = {
  id: PolicyId.siblingCover,
  name: "siblingCover",
  proofsPerNode: 1,
  competingRoots: false,
  uncleRewards: true,
  treeCount(_electedTreeCount: number, m: number): number {
    if (m > MAX_POLICY_COMMITTEE) {
      throw new PolicyError("PolicyCommitteeTooLarge", [m, MAX_POLICY_COMMITTEE]);
    }
    return 1;
  },
  recordLength(leafCount: number): number {
    return 2 * leafCount - 1;
  },
  /** The assigned prover, then its sibling (one entry if they are the same member). */
  holders(block: PolicyBlock, _tree: number, node: number) {
    const [a, s] = pairOf(block.committee.length, block.seed, block.leafCount, node);
    return a === s
      ? [{ member: a, credit: a }]
      : [
          { member: a, credit: a },
          { member: s, credit: s },
        ];
  },
  /** One byte per node: the first credit given (NONE if none). */
  encodeRecord(block: PolicyBlock, _tree: number, credits: ReadonlyMap<number, readonly number[]>) {
    const nodes = 2 * block.leafCount - 1;
    const out = new Uint8Array(nodes).fill(NONE);
    for (let n = 1; n <= nodes; n++) {
      const given = credits.get(n);
      if (given !== undefined && given.length > 0) out[n - 1] = given[0];
    }
    return out;
  },
  checkRoot(block: PolicyBlock, _tree: number, record: Uint8Array): void {
    const m = block.committee.length;
    checkShape(m, block.leafCount);
    checkLength(record, 2 * block.leafCount - 1);
    const [a, s] = pairOf(m, block.seed, block.leafCount, 1);
    // NONE: a fallback root, proven by a member that holds neither when both are silent.
    if (record[0] !== a && record[0] !== s && record[0] !== NONE) {
      throw new PolicyError("UnassignedParticipant", [1, record[0]]);
    }
  },
  settleBlock(block: PolicyBlock, records: readonly Uint8Array[], provers: bigint): BlockCredit {
    const m = block.committee.length;
    const { assigned, sibling } = proverTable(m, block.seed, block.leafCount);
    const nodes = 2 * block.leafCount - 1;
    const credit: BlockCredit = {
      amounts: new Array<bigint>(m).fill(0n),
      proposer: 0n,
      toPool: 0n,
      burned: 0n,
      credited: 0n,
      assigned: 0n,
      validRoots: 0,
      rejectedNode: [],
      rejectedMember: [],
    };
    // The leaves' provers build every node (merges and covers are theirs too).
    for (let n = block.leafCount; n < 2 * block.leafCount; n++) {
      credit.assigned |= 1n << BigInt(assigned[n]);
    }
    const share = provers / BigInt(nodes);
    let paidTotal = 0n;
    // A node pays its assigned prover once, if any valid record credits it there.
    const paidNodes = new Set<number>();
    for (const record of records) {
      checkLength(record, nodes);
      const bad = findInvalid(record, assigned, sibling);
      credit.rejectedNode.push(bad.node);
      credit.rejectedMember.push(bad.member);
      if (bad.node !== 0) continue;
      credit.validRoots++;
      for (let n = 1; n <= nodes; n++) {
        const b = record[n - 1];
        if (b === NONE) continue;
        credit.credited |= 1n << BigInt(b);
        if (b !== assigned[n] || paidNodes.has(n)) continue;
        paidNodes.add(n);
        credit.amounts[b] += share;
        paidTotal += share;
      }
    }
    credit.toPool = provers - paidTotal;
    return credit;
  },
};
