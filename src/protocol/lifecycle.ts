/**
 * The block lifecycle's rules, mirrored from `contracts/lifecycle/`: slots and windows, the
 * proposal score, leaders and the timeout quorum, timeout votes (EIP-712), block commitments,
 * root-proof public inputs, the stand-in proof, and participation records. One rule, one place
 * per language: the simulator, scripts and tests call these functions, and the differential
 * tests in `test/lifecycleModel.test.ts` check them against the contracts.
 */
import { AbiCoder, Signature, keccak256, toUtf8Bytes, type TypedDataDomain } from "ethers";

import { levelPermutation } from "./assignment.js";
import { isNone } from "./policies/types.js";

const abi = AbiCoder.defaultAbiCoder();

/** 100% in basis points. */
export const BPS = 10_000n;
/** `ProposalScore.PROPOSAL_SCORE_DOMAIN`. */
export const PROPOSAL_SCORE_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_PROPOSAL_SCORE"));
/** `TimeoutCertificate.LEADER_DOMAIN`. */
export const LEADER_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_LEADER"));
/** `BlockLifecycle.BLOCK_DOMAIN`. */
export const BLOCK_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_BLOCK"));
/** `BlockLifecycle.ROOT_PROOF_DOMAIN`. */
export const ROOT_PROOF_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_ROOT_PROOF"));

/** `IBlockLifecycle.BlockStatus`. */
export enum BlockStatus {
  None = 0,
  Proposed = 1,
  Final = 2,
  TimedOut = 3,
  Pruned = 4,
}

/** The lifecycle's timing, read from the deployed contract. */
export interface SlotClock {
  genesisBlock: bigint;
  epochLength: bigint;
  slotLength: bigint;
  proposalPhase: bigint;
  proofWindow: bigint;
  dataTimeout: bigint;
}

/** The first L1 block of `slot`. */
export function slotStartBlock(clock: SlotClock, slot: bigint): bigint {
  return clock.genesisBlock + slot * clock.slotLength;
}

/** The slot of L1 block `blockNumber`. */
export function slotAt(clock: SlotClock, blockNumber: bigint): bigint {
  if (blockNumber < clock.genesisBlock) throw new RangeError(`block ${blockNumber} before genesis`);
  return (blockNumber - clock.genesisBlock) / clock.slotLength;
}

/** The epoch whose committee proves `slot`'s block. */
export function epochOfSlot(clock: SlotClock, slot: bigint): bigint {
  return (slot * clock.slotLength) / clock.epochLength;
}

/** Inclusive L1 block range. */
export interface Window {
  opensAt: bigint;
  closesAt: bigint;
}

/** The L1 blocks that take proposals for `slot`. */
export function proposalPhase(clock: SlotClock, slot: bigint): Window {
  const opensAt = slotStartBlock(clock, slot);
  return { opensAt, closesAt: opensAt + clock.proposalPhase - 1n };
}

/** The L1 blocks in which `slot`'s data may be published and its root proofs count. */
export function proofWindow(clock: SlotClock, slot: bigint): Window {
  const opensAt = slotStartBlock(clock, slot) + clock.proposalPhase;
  return { opensAt, closesAt: opensAt + clock.proofWindow - 1n };
}

/** The L1 blocks that take a timeout certificate; `publishedAt` is 0 if unpublished. */
export function timeoutWindow(clock: SlotClock, slot: bigint, publishedAt: bigint): Window {
  const proof = proofWindow(clock, slot);
  const anchor = publishedAt === 0n ? proof.opensAt : publishedAt;
  return { opensAt: anchor + clock.dataTimeout, closesAt: proof.closesAt };
}

/** Seed 001's public proposal score, scaled by (1 + FEE_SPLIT) (see `ProposalScore.sol`). */
export function proposalScore(
  epochSeed: string,
  slot: bigint,
  publicKeyHash: string,
  feeSplitBps: bigint,
): bigint {
  const h = BigInt(
    keccak256(
      abi.encode(
        ["bytes32", "bytes32", "uint256", "bytes32"],
        [PROPOSAL_SCORE_DOMAIN, epochSeed, slot, publicKeyHash],
      ),
    ),
  );
  return (h >> 144n) * (BPS + feeSplitBps);
}

/** f for a committee of `m`: `floor(m * faultToleranceBps / 10000)`. */
export function faultThreshold(m: number, faultToleranceBps: bigint): number {
  return Number((BigInt(m) * faultToleranceBps) / BPS);
}

/** The committee index of the leader of `round`. */
export function leaderIndex(blockSeed: string, round: number, m: number): number {
  const h = BigInt(
    keccak256(abi.encode(["bytes32", "bytes32", "uint256"], [LEADER_DOMAIN, blockSeed, round])),
  );
  return Number(h % BigInt(m));
}

/** The EIP-712 domain of timeout votes. */
export function timeoutVoteDomain(chainId: bigint, lifecycle: string): TypedDataDomain {
  return {
    name: "ProverNetwork BlockLifecycle",
    version: "1",
    chainId,
    verifyingContract: lifecycle,
  };
}

/** The EIP-712 types of a timeout vote. */
export const TIMEOUT_VOTE_TYPES = {
  TimeoutVote: [
    { name: "slot", type: "uint256" },
    { name: "round", type: "uint256" },
  ],
};

/** A compact (EIP-2098) signature as the contract takes it. */
export interface CompactSignature {
  r: string;
  vs: string;
}

/** Anything that signs EIP-712 data (an ethers signer or wallet). */
export interface TypedDataSigner {
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, { name: string; type: string }[]>,
    value: Record<string, bigint | number>,
  ): Promise<string>;
}

/** Signs a timeout vote for (`slot`, `round`) and returns it in compact form. */
export async function signTimeoutVote(
  signer: TypedDataSigner,
  domain: TypedDataDomain,
  slot: bigint,
  round: number,
): Promise<CompactSignature> {
  const sig = Signature.from(
    await signer.signTypedData(domain, TIMEOUT_VOTE_TYPES, { slot, round }),
  );
  return { r: sig.r, vs: sig.yParityAndS };
}

/** The bitmap with bit `i` set for every committee index in `indices`. */
export function signerBitmap(indices: readonly number[]): bigint {
  let bitmap = 0n;
  for (const i of indices) bitmap |= 1n << BigInt(i);
  return bitmap;
}

/** What a block commits to. */
export interface BlockHeader {
  slot: bigint;
  parent: bigint;
  proposer: string;
  txCommitment: string;
  leafCount: bigint;
  feeSplitBps: bigint;
}

/** A stored block as `BlockLifecycle.getBlock` returns it (the fields a commitment needs). */
export interface StoredBlock {
  parent: bigint;
  proposer: string;
  txCommitment: string;
  leafCount: bigint;
  feeSplitBps: bigint;
}

/** The header `slot`'s stored block commits to. */
export function blockHeaderOf(slot: bigint, block: StoredBlock): BlockHeader {
  return {
    slot,
    parent: block.parent,
    proposer: block.proposer,
    txCommitment: block.txCommitment,
    leafCount: block.leafCount,
    feeSplitBps: block.feeSplitBps,
  };
}

/** `BlockLifecycle.blockCommitment`. */
export function blockCommitment(header: BlockHeader): string {
  return keccak256(
    abi.encode(
      ["bytes32", "uint256", "uint256", "address", "bytes32", "uint256", "uint256"],
      [
        BLOCK_DOMAIN,
        header.slot,
        header.parent,
        header.proposer,
        header.txCommitment,
        header.leafCount,
        header.feeSplitBps,
      ],
    ),
  );
}

/** The deployment a root proof is bound to. */
export interface LifecycleDomain {
  chainId: bigint;
  lifecycle: string;
}

/**
 * `RootInputs.committeeTag` of a committee: the first 24 bytes of its commitment
 * `keccak256(abi.encode(committee))`, as the lifecycle caches it per epoch.
 */
export function committeeTag(committee: readonly string[]): string {
  return keccak256(abi.encode(["address[]"], [committee])).slice(0, 2 + 48);
}

/** `BlockLifecycle.rootPublicInputs` (`RootInputs.rootPublicInputs`). */
export function rootPublicInputs(
  domain: LifecycleDomain,
  commitment: string,
  tree: number,
  record: Uint8Array,
  submitter: string,
  committee: readonly string[],
): string {
  return keccak256(
    abi.encode(
      ["bytes32", "uint256", "address", "bytes32", "uint256", "bytes32", "address", "bytes24"],
      [
        ROOT_PROOF_DOMAIN,
        domain.chainId,
        domain.lifecycle,
        commitment,
        tree,
        keccak256(record),
        submitter,
        committeeTag(committee),
      ],
    ),
  );
}

/** Shape of a block's trees. */
export interface TreeShape {
  /** Committee size m. */
  m: number;
  /** Tree count of the block, `min(c, m)`. */
  c: number;
  /** Leaves L per tree. */
  leafCount: number;
  /** The block seed. */
  seed: string;
}

/**
 * A participation record (see `ParticipationRecord.sol`): byte `node - 1` is the committee index
 * of the member credited for heap node `node`. `sourceTree(node)` says from which tree's position
 * the output at `node` came; the root always comes from `tree` itself.
 */
export function participationRecord(
  shape: TreeShape,
  tree: number,
  sourceTree: (node: number) => number = () => tree,
): Uint8Array {
  const { m, c, leafCount, seed } = shape;
  const stride = Math.floor(m / c);
  const record = new Uint8Array(2 * leafCount - 1);
  let level = 0;
  for (let width = 1; width <= leafCount; width <<= 1) {
    const perm = levelPermutation(m, seed, level);
    for (let j = 0; j < width; j++) {
      const node = width + j;
      const t = node === 1 ? tree : sourceTree(node);
      if (t < 0 || t >= c) throw new RangeError(`tree ${t} outside [0, ${c})`);
      record[node - 1] = perm[(j + t * stride) % m];
    }
    level++;
  }
  return record;
}

/** The first node at which `record` credits a member the assignment does not allow, if any. */
export function checkParticipation(
  shape: TreeShape,
  tree: number,
  record: Uint8Array,
): { node: number; member: number } | null {
  const { m, c, leafCount, seed } = shape;
  if (record.length !== 2 * leafCount - 1) throw new RangeError("record length is not 2L - 1");
  const stride = Math.floor(m / c);
  let level = 0;
  for (let width = 1; width <= leafCount; width <<= 1) {
    const perm = levelPermutation(m, seed, level);
    const inverse = new Array<number>(m);
    perm.forEach((member, p) => (inverse[member] = p));
    for (let j = 0; j < width; j++) {
      const node = width + j;
      const member = record[node - 1];
      // NONE credits nobody (fallback work), at any node.
      if (isNone(member, m)) continue;
      if (member >= m) return { node, member };
      const delta = (inverse[member] + m - (j % m)) % m;
      const valid =
        level === 0 ? delta === tree * stride : delta % stride === 0 && delta / stride < c;
      if (!valid) return { node, member };
    }
    level++;
  }
  return null;
}

/** Chunks each committee index is credited with by one record (index -> count). */
export function chunksCredited(record: Uint8Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const member of record) counts.set(member, (counts.get(member) ?? 0) + 1);
  return counts;
}

/**
 * A valid record for `tree` that credits none of the committee indices `excluded`: below the root
 * every node takes its output from a tree whose prover there is not excluded (what a record looks
 * like when those members were offline). Throws if an excluded member is `tree`'s root prover, or
 * if some node has only excluded provers across the trees.
 */
export function participationRecordAvoiding(
  shape: TreeShape,
  tree: number,
  excluded: number | readonly number[],
): Uint8Array {
  const skip = typeof excluded === "number" ? [excluded] : excluded;
  const byTree = Array.from({ length: shape.c }, (_, t) => participationRecord(shape, t));
  if (skip.includes(byTree[tree][0])) {
    throw new Error(`member ${byTree[tree][0]} is tree ${tree}'s root`);
  }
  return participationRecord(shape, tree, (node) => {
    // The tree's own prover where it is not excluded (as an honest parent prefers), else the
    // first tree whose prover is not.
    if (!skip.includes(byTree[tree][node - 1])) return tree;
    const t = byTree.findIndex((r) => !skip.includes(r[node - 1]));
    if (t < 0) throw new Error(`every tree assigns node ${node} to an excluded member`);
    return t;
  });
}
