/**
 * The committee election rule, mirrored from `contracts/election/CommitteeElection.sol`. One rule,
 * one place per language: everything off-chain that proves, scores, ranks or commits to a
 * committee calls these functions. Pure: no chain access.
 *
 * Each epoch, every staked operator evaluates a VRF on the epoch's message: a BLS signature (public
 * key in G1, signature in G2) under {@link DST_VRF} on {@link vrfMessage}, which binds the
 * election contract, the chain, the epoch and the epoch's RANDAO seed. The VRF output is the
 * keccak256 of the proof's 256-byte EIP-2537 encoding. An operator with stake `s` out of a total
 * `S` is eligible when its output, read as a number in [0, 2^256), falls below the threshold
 * `2^256 · min(1, α·n·s/S)`, where `n` is the committee size and `α = oversamplingBps / BPS` the
 * oversampling factor (α > 1 so that, in expectation, more than `n` operators are eligible).
 * The committee is the `n` eligible operators with the lowest ranks, a rank being the
 * stake-normalized score in the high 96 bits and the operator's address in the low 160 bits.
 *
 * Why the ranking uses the stake-normalized score, not the raw output: conditioned on being
 * eligible, an operator's raw output is uniform below ITS OWN threshold, and that threshold is
 * higher the more stake the operator has. Keeping the `n` lowest raw outputs would therefore
 * favour small stakers (their eligible outputs are small by construction) and undo the stake
 * weighting that eligibility just applied. The normalized score `output / threshold` is uniform in
 * [0, 1) for every eligible operator whatever its stake, so truncating the eligible set to the `n`
 * lowest scores picks a uniformly random subset of the eligible operators, and the probability of
 * a seat stays proportional to the probability of eligibility, hence to stake (up to the cap at 1
 * and a small finite-committee competition effect). `test/electionStatistics.test.ts` measures
 * both rules.
 */
import { AbiCoder, getAddress, getBytes, keccak256, toUtf8Bytes } from "ethers";

import { type G1, type G2, type SecretKey, g2ToBytes, sign, verify } from "./bls.js";
import { type EpochClock, epochStartBlock } from "./epoch.js";

const abi = AbiCoder.defaultAbiCoder();

const TWO_256 = 1n << 256n;
const ADDRESS_BITS = 160n;
const ADDRESS_MASK = (1n << ADDRESS_BITS) - 1n;

/** Domain separation tag of the VRF's hash to G2 (same as the contract's `DST_VRF`). */
export const DST_VRF = "PROVERNET-V1-VRF-BLS12381G2_XMD:SHA-256_SSWU_RO_";

/** `keccak256("PROVERNET_V1_VRF")`, the contract's `VRF_DOMAIN`, first word of every VRF message. */
export const VRF_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_VRF"));

/** Where an election runs: the chain id and the address of the `CommitteeElection` contract. */
export interface ElectionDomain {
  chainId: bigint;
  election: string;
}

/**
 * The message an operator's VRF proof signs for `epoch`:
 * `abi.encode(bytes32 VRF_DOMAIN, address election, uint256 chainId, uint256 epoch, bytes32 seed)`.
 * Binding the contract, chain and epoch keeps a proof from being replayed in another election.
 */
export function vrfMessage(domain: ElectionDomain, epoch: bigint, seed: string): Uint8Array {
  return getBytes(
    abi.encode(
      ["bytes32", "address", "uint256", "uint256", "bytes32"],
      [VRF_DOMAIN, getAddress(domain.election), domain.chainId, epoch, seed],
    ),
  );
}

/** The VRF proof of `message`: the BLS signature `sk · H2(message)` under {@link DST_VRF}. */
export function vrfProve(sk: SecretKey, message: Uint8Array): G2 {
  return sign(sk, message, DST_VRF);
}

/**
 * Whether `proof` is the VRF proof of `message` under public key `pk` (a BLS verification under
 * {@link DST_VRF}); false for invalid points as well. BLS signatures are unique, so a valid proof
 * determines the output.
 */
export function vrfVerify(pk: G1, message: Uint8Array, proof: G2): boolean {
  return verify(pk, message, DST_VRF, proof);
}

/**
 * The VRF output of a proof: keccak256 of its 256-byte EIP-2537 encoding, as a number in
 * [0, 2^256). The contract's `keccak256(abi.encode(G2Point))` hashes the same 256 bytes.
 */
export function vrfOutput(proof: G2): bigint {
  return BigInt(keccak256(g2ToBytes(proof)));
}

/** The denominator of basis-point parameters. */
export const BPS = 10_000n;

/** The election parameters, read from the deployed contract. */
export interface ElectionParams {
  /** `n`: seats per committee. */
  committeeSize: number;
  /** `α` in basis points: eligibility thresholds are scaled so that about `α·n` are eligible. */
  oversamplingBps: number;
  /** `c`: redundant proof trees per block (capped by the committee size). */
  treeCount: number;
  /** Leaves (chunks) per proof tree. */
  leafCount: number;
}

/** Bits of a score: scores of eligible operators lie in [0, 2^96). */
export const SCORE_BITS = 96n;

/**
 * The stake-normalized VRF score of an operator, or null if it is not eligible.
 *
 * With `N = oversamplingBps · committeeSize · stake` and `D = BPS · totalStake`:
 * - `stake == 0` or `totalStake == 0`: null;
 * - `N >= D` (threshold capped at 1, always eligible): `output >> 160`;
 * - otherwise eligible iff `output · D < N · 2^256` (output below `2^256 · α·n·stake/total`),
 *   and then `(output · D / N) >> 160` (integer division).
 *
 * Eligible ⇔ a score below 2^96; score / 2^96 ≈ output / threshold, uniform in [0, 1) for an
 * eligible operator whatever its stake.
 */
export function vrfScore(
  output: bigint,
  stake: bigint,
  totalStake: bigint,
  committeeSize: number,
  oversamplingBps: number,
): bigint | null {
  if (output < 0n || output >= TWO_256) throw new RangeError("VRF output must be in [0, 2^256)");
  if (stake < 0n || totalStake < 0n) throw new RangeError("stakes must be non-negative");
  checkCount("committee size", committeeSize);
  checkCount("oversampling", oversamplingBps);
  if (stake === 0n || totalStake === 0n) return null;
  const n = BigInt(oversamplingBps) * BigInt(committeeSize) * stake;
  const d = BPS * totalStake;
  if (n >= d) return output >> ADDRESS_BITS;
  if (output * d >= n * TWO_256) return null;
  return ((output * d) / n) >> ADDRESS_BITS;
}

/** Whether an operator is eligible: {@link vrfScore} is not null. Same arguments. */
export function isEligible(
  output: bigint,
  stake: bigint,
  totalStake: bigint,
  committeeSize: number,
  oversamplingBps: number,
): boolean {
  return vrfScore(output, stake, totalStake, committeeSize, oversamplingBps) !== null;
}

/**
 * The rank of an eligible operator: `(score << 160) | operator`. Lower ranks win; equal scores
 * are ordered by address, so ranks of distinct operators never tie.
 */
export function rankOf(score: bigint, operator: string): bigint {
  if (score < 0n || score >= 1n << SCORE_BITS) throw new RangeError("score must be in [0, 2^96)");
  return (score << ADDRESS_BITS) | BigInt(getAddress(operator));
}

/** The checksummed address in the low 160 bits of a rank. */
export function operatorOfRank(rank: bigint): string {
  return getAddress(`0x${(rank & ADDRESS_MASK).toString(16).padStart(40, "0")}`);
}

/**
 * The committee: the `committeeSize` lowest distinct ranks in ascending order (a rank revealed
 * twice counts once). Fewer ranks than seats give a smaller committee.
 */
export function electCommittee(ranks: readonly bigint[], committeeSize: number): bigint[] {
  checkCount("committee size", committeeSize);
  const distinct = [...new Set(ranks)];
  distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return distinct.slice(0, committeeSize);
}

/** The members of a committee, in rank order: the address of each rank. */
export function committeeMembers(ranks: readonly bigint[]): string[] {
  return ranks.map(operatorOfRank);
}

/** The commitment the contract stores for a committee: `keccak256(abi.encode(address[] members))`. */
export function committeeCommitment(members: readonly string[]): string {
  return keccak256(abi.encode(["address[]"], [members.map((m) => getAddress(m))]));
}

/**
 * The number of proof trees a committee actually runs: `min(treeCount, committeeSize)`, so 0 for
 * an empty committee. Each tree needs at least one distinct member.
 */
export function effectiveTreeCount(treeCount: number, committeeSize: number): number {
  checkCount("tree count", treeCount);
  checkCount("committee size", committeeSize);
  return Math.min(treeCount, committeeSize);
}

/**
 * The blocks in which VRF proofs for `epoch` can be revealed: the `windowLength` blocks right
 * before the epoch starts, `[start - windowLength, start - 1]` (both inclusive). Throws a
 * RangeError for epoch 0 (no blocks before it), a window shorter than one block, or a window that
 * would open before genesis.
 */
export function revealWindow(
  clock: EpochClock,
  windowLength: bigint,
  epoch: bigint,
): { opensAt: bigint; closesAt: bigint } {
  if (epoch <= 0n) throw new RangeError(`epoch ${epoch} has no reveal window (epoch 0 or less)`);
  if (windowLength < 1n) throw new RangeError("the reveal window must be at least one block");
  const start = epochStartBlock(clock, epoch);
  const opensAt = start - windowLength;
  if (opensAt < clock.genesisBlock) {
    throw new RangeError(
      `the reveal window of epoch ${epoch} would open at block ${opensAt}, before genesis ${clock.genesisBlock}`,
    );
  }
  return { opensAt, closesAt: start - 1n };
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}
