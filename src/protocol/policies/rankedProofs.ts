/**
 * Seed 002's `rankedProofs` policy (`docs/policies.md` section 3), mirrored from
 * `contracts/policies/RankedProofs.sol` and `RankedProofsPolicy.sol`: up to `P` proofs per node
 * ranked by a per-node VRF score, competing roots of which the highest total effective score wins,
 * each included proof paid `provers / ((2L - 1) * P)`, missing proofs' shares burned.
 * `test/policyRankedProofs.test.ts` checks both languages agree. Pure: no chain access; where the
 * contract reverts these functions throw a `PolicyError` named after its custom error.
 */
import { AbiCoder, getAddress, keccak256, toUtf8Bytes } from "ethers";

import {
  type AssignmentPolicyRules,
  type BlockCredit,
  MAX_POLICY_COMMITTEE,
  NONE,
  type PolicyBlock,
  PolicyError,
  PolicyId,
} from "./types.js";

const abi = AbiCoder.defaultAbiCoder();

/** `keccak256("PROVERNET_V1_RANKED_PROOF")`, the contract's `RANK_DOMAIN`. */
export const RANK_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_RANKED_PROOF"));
/** Largest `proofsPerNode`. */
export const MAX_PROOFS_PER_NODE = 8;
/** Largest `maxRoots`. */
export const MAX_ROOTS = 16;
/** Basis points in 1.0. */
export const BPS = 10_000n;
const MAX_LEAF_COUNT = 65536;

/** Member `member`'s score at `node`: the 64-bit VRF score and the effective score. */
export function nodeScore(
  seed: string,
  member: string,
  node: number,
  feeBurnBps: bigint,
): { vrf: bigint; effective: bigint } {
  const word = keccak256(
    abi.encode(
      ["bytes32", "bytes32", "address", "uint256"],
      [RANK_DOMAIN, seed, getAddress(member), node],
    ),
  );
  const vrf = BigInt(word) >> 192n;
  return { vrf, effective: (vrf * (BPS + feeBurnBps)) / BPS };
}

/** The total score of a root: the sum of its included proofs' scores. */
export function scoreSum(scores: readonly bigint[]): bigint {
  return scores.reduce((a, b) => a + b, 0n);
}

/** The valid root with the highest total (earliest on ties); `totals.length` if none is valid. */
export function rankedWinner(totals: readonly bigint[], valid: readonly boolean[]): number {
  if (valid.length !== totals.length) {
    throw new PolicyError("ScoreLengthMismatch", [totals.length, valid.length]);
  }
  let winner = totals.length;
  for (let i = 0; i < totals.length; i++) {
    if (valid[i] && (winner === totals.length || totals[i] > totals[winner])) winner = i;
  }
  return winner;
}

/** What one included proof earns: `provers / ((2L - 1) * P)`, rounded down. */
export function perProofShare(provers: bigint, leafCount: number, proofsPerNode: number): bigint {
  checkLeafCount(leafCount);
  return provers / (BigInt(2 * leafCount - 1) * BigInt(proofsPerNode));
}

function checkLeafCount(leafCount: number): void {
  if (
    !Number.isSafeInteger(leafCount) ||
    leafCount < 1 ||
    leafCount > MAX_LEAF_COUNT ||
    (leafCount & (leafCount - 1)) !== 0
  ) {
    throw new PolicyError("InvalidLeafCount", [leafCount]);
  }
}

function checkCommittee(m: number): void {
  if (m > MAX_POLICY_COMMITTEE) {
    throw new PolicyError("PolicyCommitteeTooLarge", [m, MAX_POLICY_COMMITTEE]);
  }
}

function checkLength(record: Uint8Array, expected: number): void {
  if (record.length !== expected) {
    throw new PolicyError("InvalidRecordLength", [record.length, expected]);
  }
}

/**
 * The first node of `record` that breaks the rule (a member not below `m`, indices not strictly
 * increasing, a member after NONE padding, or a root without proofs) and the byte there (NONE
 * for an empty root); `{ node: 0, member: 0 }` if valid. The contract's `findInvalid`.
 */
export function findInvalid(
  record: Uint8Array,
  m: number,
  proofsPerNode: number,
): { node: number; member: number } {
  const nodes = Math.floor(record.length / proofsPerNode);
  for (let n = 1; n <= nodes; n++) {
    const base = proofsPerNode * (n - 1);
    let next = 0;
    let padding = false;
    for (let k = 0; k < proofsPerNode; k++) {
      const b = record[base + k];
      if (b === NONE) padding = true;
      else if (padding || b >= m || b < next) return { node: n, member: b };
      else next = b + 1;
    }
    if (n === 1 && next === 0) return { node: 1, member: NONE };
  }
  return { node: 0, member: 0 };
}

/**
 * The contract's `recordScore` view: the record's check and, if valid, the total effective score
 * of its proofs. Throws `InvalidRecordLength` unless it has `P * (2L - 1)` bytes.
 */
export function recordScore(
  seed: string,
  committee: readonly string[],
  leafCount: number,
  record: Uint8Array,
  proofsPerNode: number,
  feeBurnBps: bigint,
): { total: bigint; rejectedNode: number; rejectedMember: number } {
  checkCommittee(committee.length);
  checkLeafCount(leafCount);
  checkLength(record, proofsPerNode * (2 * leafCount - 1));
  const bad = findInvalid(record, committee.length, proofsPerNode);
  if (bad.node !== 0) return { total: 0n, rejectedNode: bad.node, rejectedMember: bad.member };
  let total = 0n;
  for (let i = 0; i < record.length; i++) {
    const b = record[i];
    if (b === NONE) continue;
    total += nodeScore(seed, committee[b], Math.floor(i / proofsPerNode) + 1, feeBurnBps).effective;
  }
  return { total, rejectedNode: 0, rejectedMember: 0 };
}

/**
 * The `rankedProofs` rules with `P = proofsPerNode` (in [1, 8]), `maxRoots` (in [1, 16]) and
 * FEE_BURN `feeBurnBps` (at most 10000); throws `InvalidPolicyParameter` otherwise, as the
 * contract's constructor.
 */
export function rankedProofsRules(
  proofsPerNode: number,
  maxRoots: number,
  feeBurnBps: bigint,
): AssignmentPolicyRules {
  if (!Number.isSafeInteger(proofsPerNode) || proofsPerNode < 1 || proofsPerNode > 8) {
    throw new PolicyError("InvalidPolicyParameter", ["proofsPerNode", proofsPerNode]);
  }
  if (!Number.isSafeInteger(maxRoots) || maxRoots < 1 || maxRoots > MAX_ROOTS) {
    throw new PolicyError("InvalidPolicyParameter", ["maxRoots", maxRoots]);
  }
  if (feeBurnBps < 0n || feeBurnBps > BPS) {
    throw new PolicyError("InvalidPolicyParameter", ["feeBurnBps", feeBurnBps]);
  }
  const P = proofsPerNode;

  /** Committee indices below m ordered by effective score at `node`, best first (ties: lower). */
  function ranking(block: PolicyBlock, node: number, members: readonly number[]): number[] {
    const scored = members.map((x) => ({
      x,
      s: nodeScore(block.seed, block.committee[x], node, feeBurnBps).effective,
    }));
    scored.sort((a, b) => (a.s === b.s ? a.x - b.x : a.s > b.s ? -1 : 1));
    return scored.map((e) => e.x);
  }

  return {
    id: PolicyId.rankedProofs,
    name: "rankedProofs",
    proofsPerNode: P,
    competingRoots: true,
    uncleRewards: false,
    treeCount(_electedTreeCount: number, m: number): number {
      checkCommittee(m);
      return maxRoots;
    },
    recordLength(leafCount: number): number {
      return P * (2 * leafCount - 1);
    },
    /** The P members with the highest effective score at `node`, best first. */
    holders(block: PolicyBlock, _tree: number, node: number) {
      const all = block.committee.map((_, i) => i);
      return ranking(block, node, all)
        .slice(0, P)
        .map((member) => ({ member, credit: member }));
    },
    /**
     * Per node: the credited members (committee indices below m; other bytes are ignored),
     * deduplicated, the P highest-scoring kept if more, sorted ascending, NONE padding.
     */
    encodeRecord(
      block: PolicyBlock,
      _tree: number,
      credits: ReadonlyMap<number, readonly number[]>,
    ) {
      const nodes = 2 * block.leafCount - 1;
      const out = new Uint8Array(P * nodes).fill(NONE);
      for (let n = 1; n <= nodes; n++) {
        const given = credits.get(n) ?? [];
        const members = [...new Set(given)].filter(
          (x) => Number.isInteger(x) && x >= 0 && x < block.committee.length,
        );
        const kept = ranking(block, n, members)
          .slice(0, P)
          .sort((a, b) => a - b);
        kept.forEach((x, k) => (out[P * (n - 1) + k] = x));
      }
      return out;
    },
    checkRoot(block: PolicyBlock, _tree: number, record: Uint8Array): void {
      checkCommittee(block.committee.length);
      checkLeafCount(block.leafCount);
      checkLength(record, P * (2 * block.leafCount - 1));
      if (record[0] === NONE) throw new PolicyError("UnassignedParticipant", [1, NONE]);
    },
    settleBlock(block: PolicyBlock, records: readonly Uint8Array[], provers: bigint): BlockCredit {
      const m = block.committee.length;
      checkCommittee(m);
      checkLeafCount(block.leafCount);
      const slots = P * (2 * block.leafCount - 1);
      const credit: BlockCredit = {
        amounts: new Array<bigint>(m).fill(0n),
        proposer: 0n,
        toPool: 0n,
        burned: 0n,
        credited: 0n,
        // Expected workers are the credited ones (the contract skips the m * (2L - 1) top-P test).
        assigned: 0n,
        validRoots: 0,
        rejectedNode: [],
        rejectedMember: [],
      };
      const totals: bigint[] = [];
      const valid: boolean[] = [];
      for (const record of records) {
        const r = recordScore(block.seed, block.committee, block.leafCount, record, P, feeBurnBps);
        credit.rejectedNode.push(r.rejectedNode);
        credit.rejectedMember.push(r.rejectedMember);
        totals.push(r.total);
        valid.push(r.rejectedNode === 0);
        if (r.rejectedNode === 0) {
          credit.validRoots++;
          // Every valid root is activity for whom it credits; only the winner is paid.
          for (const b of record) if (b !== NONE) credit.credited |= 1n << BigInt(b);
        }
      }
      const winner = rankedWinner(totals, valid);
      if (winner === records.length) {
        credit.toPool = provers;
        return credit;
      }
      const share = perProofShare(provers, block.leafCount, P);
      let included = 0;
      for (const b of records[winner]) {
        if (b === NONE) continue;
        credit.amounts[b] += share;
        credit.credited |= 1n << BigInt(b);
        included++;
      }
      credit.burned = BigInt(slots - included) * share;
      credit.toPool = provers - BigInt(slots) * share;
      return credit;
    },
  };
}
