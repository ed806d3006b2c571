/**
 * The `sortedRounds` policy (seed 001, option 2; `docs/policies.md` section 2), mirrored from
 * `contracts/policies/SortedRounds.sol` and `contracts/policies/SortedRoundsPolicy.sol`.
 *
 * With round height `h` and leaves at depth `D` there are `R = floor((D + 1) / h)` rounds. Round
 * `r` proves levels `D - r*h` down to `D - (r+1)*h + 1`: `N_r = 2^t` subtrees whose tops are at
 * depth `t = D + 1 - (r+1)*h`; node `(d, j)` is in subtree `k = j >> (d - t)`, proven by ranks
 * `(2k) mod s_r` and `(2k + 1) mod s_r`, `s_r = min(2 * N_r, m)`. Levels `0 .. D - R*h` are the
 * sequencer's: PROPOSER, or any rank below `s_(R-1)`. NONE is never accepted. Pure: no chain
 * access; failed checks throw a `PolicyError` named after the contract's custom error.
 *
 * Simulator limitation: with no rounds at all (`h > D + 1`) only PROPOSER is valid, and the
 * simulated sequencer does not prove, so `holders` answers member 0 credited NONE there (a record
 * the contract rejects). Use the default `h = 2` with trees of at least 2 leaves.
 */
import {
  type AssignmentPolicyRules,
  type BlockCredit,
  depthOf,
  NONE,
  PolicyError,
  type PolicyBlock,
  PolicyId,
  PROPOSER,
} from "./types.js";
import {
  checkCommittee,
  checkedLeafDepth,
  checkLength,
  encodeSingleProofRecord,
} from "./vrfPath.js";

/** Smallest and largest round height (the contract's `SortedRounds` bounds). */
export const MIN_ROUND_HEIGHT = 1;
export const MAX_ROUND_HEIGHT = 16;
/** The default round height (seed 001's example). */
export const DEFAULT_ROUND_HEIGHT = 2;

/** Throws `InvalidPolicyParameter("roundHeight", h)` unless `h` is in `[1, 16]`. */
export function checkRoundHeight(h: number): void {
  if (!Number.isSafeInteger(h) || h < MIN_ROUND_HEIGHT || h > MAX_ROUND_HEIGHT) {
    throw new PolicyError("InvalidPolicyParameter", ["roundHeight", h]);
  }
}

/** `R = floor((D + 1) / h)`. */
export function roundCount(depth: number, h: number): number {
  return Math.floor((depth + 1) / h);
}

/** The round of level `d` (`R` and `sequencerLevel` for the levels above the last round). */
export function roundOfLevel(
  depth: number,
  h: number,
  d: number,
): { round: number; sequencerLevel: boolean } {
  const rounds = roundCount(depth, h);
  if (d + rounds * h <= depth) return { round: rounds, sequencerLevel: true };
  return { round: Math.floor((depth - d) / h), sequencerLevel: false };
}

/** The depth `t = D + 1 - (r+1)*h` of round `r`'s subtree tops. */
export function topDepth(depth: number, h: number, r: number): number {
  return depth + 1 - (r + 1) * h;
}

/** `s_r = min(2 * N_r, m)`: the ranks round `r` elects. */
export function roundSize(depth: number, h: number, m: number, r: number): number {
  return Math.min(2 * 2 ** topDepth(depth, h, r), m);
}

/** `s_(R-1)`, or 0 if there are no rounds. */
/**
 * `SortedRounds.firstRanks`: the ranks that prove some subtree first, `(2k) mod s_r` for every
 * subtree `k` of every round `r`, as a bitmap. Second ranks are backups (they start only when the
 * first fails) and ranks no round elects get no work: inactivity counts neither.
 */
export function firstRanks(depth: number, h: number, m: number): bigint {
  let ranks = 0n;
  for (let r = 0; r < roundCount(depth, h); r++) {
    const s = roundSize(depth, h, m, r);
    const distinct = Math.min(2 ** topDepth(depth, h, r), s);
    for (let k = 0; k < distinct; k++) ranks |= 1n << BigInt((2 * k) % s);
  }
  return ranks;
}

export function lastRoundSize(depth: number, h: number, m: number): number {
  const rounds = roundCount(depth, h);
  return rounds === 0 ? 0 : roundSize(depth, h, m, rounds - 1);
}

/** The two ranks of subtree `k` of a round electing `s` ranks. */
function pair(k: number, s: number): [number, number] {
  return [(2 * k) % s, (2 * k + 1) % s];
}

/**
 * The contract's `roundProvers(m, leafCount, node)` for round height `roundHeight`: the two ranks
 * proving heap node `node`, or `(0, 0, sequencerLevel)` above the last round.
 */
export function roundProvers(
  m: number,
  leafCount: number,
  node: number,
  roundHeight: number = DEFAULT_ROUND_HEIGHT,
): { first: number; second: number; sequencerLevel: boolean } {
  checkRoundHeight(roundHeight);
  checkCommittee(m);
  if (m === 0) throw new PolicyError("InvalidPolicyParameter", ["committeeSize", m]);
  const depth = checkedLeafDepth(leafCount);
  if (!Number.isSafeInteger(node) || node < 1 || node >= 2 * leafCount) {
    throw new PolicyError("InvalidPolicyParameter", ["node", node]);
  }
  const d = depthOf(node);
  const { round, sequencerLevel } = roundOfLevel(depth, roundHeight, d);
  if (sequencerLevel) return { first: 0, second: 0, sequencerLevel: true };
  const s = roundSize(depth, roundHeight, m, round);
  const k = (node - 2 ** d) >>> (d - topDepth(depth, roundHeight, round));
  const [first, second] = pair(k, s);
  return { first, second, sequencerLevel: false };
}

/** The contract's `SortedRounds.allowed`: may byte `b` stand at node `(d, j)`? */
export function allowed(depth: number, h: number, m: number, d: number, j: number, b: number) {
  const { round, sequencerLevel } = roundOfLevel(depth, h, d);
  if (sequencerLevel) return b === PROPOSER || b < lastRoundSize(depth, h, m);
  const s = roundSize(depth, h, m, round);
  if (s === 0) return false;
  const [first, second] = pair(j >>> (d - topDepth(depth, h, round)), s);
  return b === first || b === second;
}

/** The first invalid node and its byte (`null` if valid) and the credits (PROPOSER at m). */
function scan(
  m: number,
  depth: number,
  h: number,
  record: Uint8Array,
): { bad: [number, number] | null; counts: number[] } {
  const counts = new Array<number>(m + 1).fill(0);
  for (let d = 0; d <= depth; d++) {
    const width = 2 ** d;
    for (let j = 0; j < width; j++) {
      const b = record[width + j - 1];
      if (!allowed(depth, h, m, d, j, b)) return { bad: [width + j, b], counts };
      counts[b === PROPOSER ? m : b]++;
    }
  }
  return { bad: null, counts };
}

/** The contract's `settleBlock` for round height `h`. */
export function settleSortedRounds(
  h: number,
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
    assigned: firstRanks(depth, h, m),
    validRoots: 0,
    rejectedNode: new Array<number>(records.length).fill(0),
    rejectedMember: new Array<number>(records.length).fill(0),
  };
  let paidCounts: number[] | null = null;
  records.forEach((record, r) => {
    checkLength(record, nodes);
    const { bad, counts } = scan(m, depth, h, record);
    if (bad !== null) {
      [credit.rejectedNode[r], credit.rejectedMember[r]] = bad;
      return;
    }
    if (credit.validRoots === 0) paidCounts = counts;
    credit.validRoots++;
    // Every valid record counts as activity for whom it credits; the first one is paid.
    counts.forEach((n, i) => {
      if (i < m && n > 0) credit.credited |= 1n << BigInt(i);
    });
  });
  if (paidCounts === null) return credit;
  const counts: number[] = paidCounts;
  const share = provers / BigInt(nodes);
  let paid = BigInt(counts[m]) * share;
  credit.proposer = paid;
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

/**
 * Who computes node `(d, j)` at a sequencer level: the provers of the last round's subtrees
 * below it, in subtree order, each credited its own index (the simulated sequencer does not
 * prove); with no rounds, member 0 credited NONE (unsupported: see the module comment).
 */
function sequencerHolders(depth: number, h: number, m: number, d: number, j: number) {
  const rounds = roundCount(depth, h);
  if (rounds === 0) return m === 0 ? [] : [{ member: 0, credit: NONE }];
  const t = topDepth(depth, h, rounds - 1);
  const s = roundSize(depth, h, m, rounds - 1);
  const seen = new Set<number>();
  const out: { member: number; credit: number }[] = [];
  if (s === 0) return out;
  const span = 2 ** (t - d);
  for (let k = j * span; k < (j + 1) * span; k++) {
    for (const x of pair(k, s)) {
      if (seen.has(x)) continue;
      seen.add(x);
      out.push({ member: x, credit: x });
    }
  }
  return out;
}

/** The `sortedRounds` rules for round height `roundHeight` (the contract's constructor check). */
export function sortedRoundsRules(
  roundHeight: number = DEFAULT_ROUND_HEIGHT,
): AssignmentPolicyRules {
  checkRoundHeight(roundHeight);
  const h = roundHeight;
  return {
    id: PolicyId.sortedRounds,
    name: "sortedRounds",
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
    /** The round's two provers (first, then second; once if the same member). */
    holders(block: PolicyBlock, _tree: number, node: number) {
      const m = block.committee.length;
      const depth = checkedLeafDepth(block.leafCount);
      const d = depthOf(node);
      const j = node - 2 ** d;
      const { round, sequencerLevel } = roundOfLevel(depth, h, d);
      if (sequencerLevel) return sequencerHolders(depth, h, m, d, j);
      const s = roundSize(depth, h, m, round);
      if (s === 0) return [];
      const [first, second] = pair(j >>> (d - topDepth(depth, h, round)), s);
      const out = [{ member: first, credit: first }];
      if (second !== first) out.push({ member: second, credit: second });
      return out;
    },
    encodeRecord(block: PolicyBlock, _tree: number, credits) {
      return encodeSingleProofRecord(block.leafCount, credits);
    },
    checkRoot(block: PolicyBlock, _tree: number, record: Uint8Array): void {
      const m = block.committee.length;
      checkCommittee(m);
      const depth = checkedLeafDepth(block.leafCount);
      checkLength(record, 2 * block.leafCount - 1);
      if (!allowed(depth, h, m, 0, 0, record[0])) {
        throw new PolicyError("UnassignedParticipant", [1, record[0]]);
      }
    },
    settleBlock(block: PolicyBlock, records: readonly Uint8Array[], provers: bigint) {
      return settleSortedRounds(h, block, records, provers);
    },
  };
}
