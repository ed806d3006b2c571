/**
 * Seed 000's striped trees as an {@link AssignmentPolicyRules} object, so that the prover client
 * and the simulator drive them like every other policy. The rules themselves stay where they
 * are: the assignment in `src/protocol/assignment.ts`, the record check in
 * `src/protocol/lifecycle.ts` (`ParticipationRecord`), the shares in `src/protocol/rewards.ts`
 * (`RewardSplit.treeShares`). Pure: no chain access.
 *
 * - `holders(t, node)`: the prover of `node` in tree `t` first, then the provers of the same
 *   position in the other trees in tree order (seed 000's cross-tree cover); each is credited
 *   with its own committee index.
 * - Records are participation records: `2L - 1` bytes, byte `node - 1` the member credited.
 * - `checkRoot` mirrors the lifecycle's submission check (`ParticipationRecord.checkRoot` /
 *   `checkRootByte`): the length, and that the root byte is tree `t`'s root prover or NONE.
 * - `settleBlock` mirrors `ProverRewards`' striped tally of one block: `treeShare = provers / c`
 *   per tree, `nodeShare = treeShare / (2L - 1)` per credited node of a valid record; dust,
 *   unproven trees (or, with `burnUnprovenShare`, burned) and rejected records go to the pool.
 *   `records[t]` is tree `t`'s record; an empty array means the tree was not proven.
 */
import { assignment, expectedProvers } from "../assignment.js";
import { checkParticipation, type TreeShape } from "../lifecycle.js";
import { treeShares } from "../rewards.js";
import {
  NONE,
  PolicyError,
  isNone,
  PolicyId,
  type AssignmentPolicyRules,
  type BlockCredit,
  type PolicyBlock,
} from "./types.js";

const CACHE = new Map<string, number[]>();

/** `assignment(...)` memoized: every member of a committee draws the same permutations. */
function assigned(block: PolicyBlock): number[] {
  const m = block.committee.length;
  const key = `${block.seed}:${m}:${block.treeCount}:${block.leafCount}`;
  let result = CACHE.get(key);
  if (result === undefined) {
    result = assignment(m, block.seed, block.treeCount, block.leafCount);
    if (CACHE.size > 256) CACHE.clear();
    CACHE.set(key, result);
  }
  return result;
}

function shapeOf(block: PolicyBlock): TreeShape {
  return {
    m: block.committee.length,
    c: block.treeCount,
    leafCount: block.leafCount,
    seed: block.seed,
  };
}

export interface StripedOptions {
  /** `ProverRewards`' `burnUnprovenShare`: unproven trees' shares burned instead of pooled. */
  burnUnprovenShare?: boolean;
}

/** Seed 000's striped trees. */
export function stripedRules(options: StripedOptions = {}): AssignmentPolicyRules {
  const burnUnproven = options.burnUnprovenShare ?? false;
  return {
    id: PolicyId.striped,
    name: "striped",
    proofsPerNode: 1,
    competingRoots: false,
    uncleRewards: false,
    treeCount: (electedTreeCount) => electedTreeCount,
    recordLength: (leafCount) => 2 * leafCount - 1,
    holders(block, tree, node) {
      const all = assigned(block);
      const stride = 2 * block.leafCount - 1;
      const members = [all[tree * stride + node - 1]];
      for (let t = 0; t < block.treeCount; t++) {
        const member = all[t * stride + node - 1];
        if (!members.includes(member)) members.push(member);
      }
      return members.map((member) => ({ member, credit: member }));
    },
    encodeRecord(block, _tree, credits) {
      const record = new Uint8Array(2 * block.leafCount - 1).fill(NONE);
      for (const [node, bytes] of credits) {
        if (bytes.length > 0) record[node - 1] = bytes[0];
      }
      return record;
    },
    checkRoot(block, tree, record) {
      const nodes = 2 * block.leafCount - 1;
      if (tree >= block.treeCount) throw new PolicyError("InvalidTree", [tree, block.treeCount]);
      if (record.length !== nodes) {
        throw new PolicyError("InvalidRecordLength", [record.length, nodes]);
      }
      const rootProver = assigned(block)[tree * nodes];
      if (record[0] !== rootProver && !isNone(record[0], block.committee.length)) {
        throw new PolicyError("UnassignedParticipant", [1, record[0]]);
      }
    },
    settleBlock(block, records, provers): BlockCredit {
      const m = block.committee.length;
      const c = BigInt(block.treeCount);
      const nodes = 2 * block.leafCount - 1;
      const { treeShare, nodeShare } = treeShares(provers, c, BigInt(block.leafCount));
      const credit: BlockCredit = {
        amounts: new Array<bigint>(m).fill(0n),
        proposer: 0n,
        toPool: provers - treeShare * c,
        burned: 0n,
        credited: 0n,
        assigned: 0n,
        validRoots: 0,
        rejectedNode: [],
        rejectedMember: [],
      };
      records.forEach((record, tree) => {
        credit.rejectedNode.push(0);
        credit.rejectedMember.push(0);
        if (record.length === 0) return;
        const failure =
          record.length === nodes ? checkParticipation(shapeOf(block), tree, record) : null;
        if (record.length !== nodes || failure !== null) {
          credit.rejectedNode[tree] = failure?.node ?? 1;
          credit.rejectedMember[tree] = failure?.member ?? record[0] ?? 0;
          return;
        }
        credit.validRoots++;
        credit.assigned |= expectedProvers(
          m,
          block.seed,
          block.treeCount,
          block.leafCount,
          tree,
          record,
        );
        for (const member of record) {
          // A NONE node (fallback work) is unpaid: its share goes to the pool.
          if (isNone(member, m)) {
            credit.toPool += nodeShare;
            continue;
          }
          credit.amounts[member] += nodeShare;
          credit.credited |= 1n << BigInt(member);
        }
        credit.toPool += treeShare - nodeShare * BigInt(nodes);
      });
      const unproven = (c - BigInt(credit.validRoots)) * treeShare;
      if (burnUnproven) credit.burned += unproven;
      else credit.toPool += unproven;
      return credit;
    },
  };
}
