/**
 * The striped proof-tree assignment, mirrored from `contracts/election/TreeAssignment.sol`: which
 * committee member proves which node of which of the `c` redundant proof trees of an L2 block.
 * One rule, one place per language; `test/assignment.test.ts` checks both agree bit for bit.
 *
 * Members are indexed `0..m-1` in the committee's order. Trees are heap-indexed: node 1 is the
 * root, node `k` has children `2k` and `2k+1`, the leaves are nodes `L..2L-1`. A node's level is
 * `d = floor(log2(node))` and its index within the level is `j = node - 2^d`. Each level `d` has a
 * permutation `perm_d` of `[0, m)`, drawn by Fisher–Yates from the identity: for `i = m-1` down to
 * 1, `k = uint256(keccak256(abi.encode(blockSeed, d, i))) % (i + 1)`, swap `perm[i]` and
 * `perm[k]`. With the stride `s = floor(m / c)`, the prover of node `(d, j)` of tree `t` is
 * `perm_d[(j + t * s) % m]`.
 *
 * Pure: no chain access. Where the contract reverts, these functions throw a `RangeError` whose
 * message starts with the contract's custom error name.
 */
import { AbiCoder, getBytes, isHexString, keccak256, toUtf8Bytes } from "ethers";
import { isNone } from "./policies/types.js";

const abi = AbiCoder.defaultAbiCoder();

/** Largest committee the assignment accepts (the contract's `MAX_COMMITTEE_SIZE`). */
export const MAX_COMMITTEE_SIZE = 256;
/** Largest number of redundant trees per block (the contract's `MAX_TREE_COUNT`). */
export const MAX_TREE_COUNT = 16;
/** Largest number of leaves per tree (the contract's `MAX_LEAF_COUNT`). */
export const MAX_LEAF_COUNT = 65536;
/** `keccak256("PROVERNET_V1_BLOCK_SEED")`, the contract's `BLOCK_SEED_DOMAIN`. */
export const BLOCK_SEED_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_BLOCK_SEED"));

const WAD = 10n ** 18n;

function checkInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
}

function checkSeed(seed: string): void {
  if (!isHexString(seed, 32)) throw new TypeError(`seed must be a 32-byte hex string: ${seed}`);
}

/** Throws unless `m`, `c` and `leafCount` describe a valid block (the contract's `_checkShape`). */
function checkShape(m: number, c: number, leafCount: number): void {
  checkInteger("m", m);
  checkInteger("c", c);
  checkInteger("leafCount", leafCount);
  if (m === 0) throw new RangeError("EmptyCommittee: the committee is empty");
  if (m > MAX_COMMITTEE_SIZE) {
    throw new RangeError(`CommitteeTooLarge: m = ${m} > ${MAX_COMMITTEE_SIZE}`);
  }
  if (c === 0 || c > MAX_TREE_COUNT || c > m) {
    throw new RangeError(`InvalidTreeCount: c = ${c} not in [1, min(${MAX_TREE_COUNT}, m = ${m})]`);
  }
  if (leafCount === 0 || leafCount > MAX_LEAF_COUNT || (leafCount & (leafCount - 1)) !== 0) {
    throw new RangeError(
      `InvalidLeafCount: L = ${leafCount} is not a power of two in [1, ${MAX_LEAF_COUNT}]`,
    );
  }
}

/** `floor(log2(x))` for a positive safe integer. */
function log2(x: number): number {
  let r = 0;
  while (x > 1) {
    x = Math.floor(x / 2);
    r++;
  }
  return r;
}

/**
 * The seed of L2 block `blockNumber` in an epoch whose seed is `epochSeed`:
 * `keccak256(abi.encode(BLOCK_SEED_DOMAIN, epochSeed, blockNumber))`.
 */
export function blockSeed(epochSeed: string, blockNumber: bigint): string {
  return keccak256(
    abi.encode(["bytes32", "bytes32", "uint256"], [BLOCK_SEED_DOMAIN, epochSeed, blockNumber]),
  );
}

/**
 * The smallest tree count `c >= 1` whose blocks fail with probability below `toleranceWad /
 * 1e18` when `f` of `n` members are faulty: the union bound `(2L − 1) · C(f,c) / C(n,c)` over the
 * block's node positions (`TreeAssignment.treeCountFor`), decided exactly as
 * `(2L − 1) · C(f,c) · 1e18 < toleranceWad · C(n,c)`. Requires `1 <= n <= 256`, `f < n`, `L` a
 * power of two in `[1, 65536]` and `0 < toleranceWad <= 1e18`; throws `ToleranceUnreachable` if
 * no `c <= min(n, 16)` suffices.
 */
export function treeCountFor(
  f: bigint,
  n: bigint,
  leafCount: bigint,
  toleranceWad: bigint,
): number {
  if (n <= 0n) throw new RangeError("EmptyCommittee: the network size n is zero");
  if (n > BigInt(MAX_COMMITTEE_SIZE)) {
    throw new RangeError(`CommitteeTooLarge: n = ${n} > ${MAX_COMMITTEE_SIZE}`);
  }
  if (f < 0n || f >= n) throw new RangeError(`TooManyFaulty: f = ${f} is not below n = ${n}`);
  if (
    leafCount <= 0n ||
    leafCount > BigInt(MAX_LEAF_COUNT) ||
    (leafCount & (leafCount - 1n)) !== 0n
  ) {
    throw new RangeError(
      `InvalidLeafCount: L = ${leafCount} is not a power of two in [1, ${MAX_LEAF_COUNT}]`,
    );
  }
  if (toleranceWad <= 0n || toleranceWad > WAD) {
    throw new RangeError(`InvalidTolerance: toleranceWad = ${toleranceWad} not in (0, 1e18]`);
  }
  const maxC = Number(n < BigInt(MAX_TREE_COUNT) ? n : BigInt(MAX_TREE_COUNT));
  const positions = 2n * leafCount - 1n;
  let fChoose = 1n;
  let nChoose = 1n;
  for (let c = 1; c <= maxC; c++) {
    const k = BigInt(c);
    fChoose = f < k ? 0n : (fChoose * (f - k + 1n)) / k;
    nChoose = (nChoose * (n - k + 1n)) / k;
    if (positions * fChoose * WAD < toleranceWad * nChoose) return c;
  }
  throw new RangeError(
    `ToleranceUnreachable: no c <= ${maxC} has (2L − 1) · C(${f},c)/C(${n},c) < ${toleranceWad}/1e18`,
  );
}

/**
 * The permutation `perm_level` of `[0, m)` for a block seed: Fisher–Yates from the identity with
 * `k = uint256(keccak256(abi.encode(seed, level, i))) % (i + 1)` for `i = m-1` down to 1.
 * Validates only `1 <= m <= MAX_COMMITTEE_SIZE`.
 */
export function levelPermutation(m: number, seed: string, level: number): number[] {
  checkInteger("m", m);
  checkInteger("level", level);
  checkSeed(seed);
  if (m === 0) throw new RangeError("EmptyCommittee: the committee is empty");
  if (m > MAX_COMMITTEE_SIZE) {
    throw new RangeError(`CommitteeTooLarge: m = ${m} > ${MAX_COMMITTEE_SIZE}`);
  }
  const perm = Array.from({ length: m }, (_, i) => i);
  // abi.encode(seed, level, i) is the 64-byte abi.encode(seed, level) followed by i as a 32-byte
  // word; only the last word changes per draw, so it is patched in place.
  const preimage = new Uint8Array(96);
  preimage.set(getBytes(abi.encode(["bytes32", "uint256"], [seed, level])), 0);
  for (let i = m - 1; i >= 1; i--) {
    // i < 256 fits in the last byte; the other bytes of the word stay zero.
    preimage[95] = i;
    const k = Number(BigInt(keccak256(preimage)) % BigInt(i + 1));
    const tmp = perm[i];
    perm[i] = perm[k];
    perm[k] = tmp;
  }
  return perm;
}

/**
 * The committee index of the prover of `node` (heap index in `[1, 2L-1]`) of tree `tree` (below
 * `c`) in a block with seed `seed`, committee size `m` and `leafCount` leaves per tree.
 */
export function proverOf(
  m: number,
  seed: string,
  c: number,
  leafCount: number,
  tree: number,
  node: number,
): number {
  checkShape(m, c, leafCount);
  checkInteger("tree", tree);
  checkInteger("node", node);
  if (tree >= c) throw new RangeError(`InvalidTree: tree = ${tree} is not below c = ${c}`);
  if (node === 0 || node >= 2 * leafCount) {
    throw new RangeError(`InvalidNode: node = ${node} not in [1, ${2 * leafCount - 1}]`);
  }
  const level = log2(node);
  const perm = levelPermutation(m, seed, level);
  return perm[(node - 2 ** level + tree * Math.floor(m / c)) % m];
}

/**
 * The provers of every node of every tree of a block: length `c * (2L - 1)`, entry
 * `t * (2L - 1) + (node - 1)` is the committee index of the prover of `node` in tree `t`.
 */
export function assignment(m: number, seed: string, c: number, leafCount: number): number[] {
  checkShape(m, c, leafCount);
  checkSeed(seed);
  const nodesPerTree = 2 * leafCount - 1;
  const stride = Math.floor(m / c);
  const out = new Array<number>(c * nodesPerTree);
  for (let level = 0, width = 1; width <= leafCount; level++, width *= 2) {
    const perm = levelPermutation(m, seed, level);
    for (let t = 0; t < c; t++) {
      const base = t * nodesPerTree + width - 1;
      for (let j = 0; j < width; j++) out[base + j] = perm[(j + t * stride) % m];
    }
  }
  return out;
}

/**
 * `ParticipationRecord.expectedProvers`: the members a valid record of tree `tree` shows were
 * expected to work, as a bitmap: the tree's own prover of every node whose ancestors the record
 * credits to their own provers (the root always is). Below a cover (a node credited to another
 * tree's prover) the cover's own subtree was used, so the tree's own provers there may have done
 * their work unused; inactivity does not count them for this tree.
 */
export function expectedProvers(
  m: number,
  seed: string,
  c: number,
  leafCount: number,
  tree: number,
  record: Uint8Array,
): bigint {
  const own = assignment(m, seed, c, leafCount);
  const nodes = 2 * leafCount - 1;
  const base = tree * nodes;
  // A NONE root (fallback work) expects nobody: no node below it is intact.
  if (isNone(record[0], m)) return 0n;
  const intact = new Array<boolean>(nodes + 1).fill(false);
  intact[1] = true;
  let expected = 1n << BigInt(record[0]);
  for (let n = 2; n <= nodes; n++) {
    const parent = n >> 1;
    if (!intact[parent]) continue;
    const parentOwn = parent === 1 ? record[0] : own[base + parent - 1];
    if (record[parent - 1] !== parentOwn) continue;
    intact[n] = true;
    expected |= 1n << BigInt(own[base + n - 1]);
  }
  return expected;
}
