/**
 * Small helpers for the lifecycle model and error tests: state snapshots that a rejected call must
 * leave untouched, committee hashes, timeout certificates with chosen signers and domains, random
 * inputs, and proposals sent in the current L1 block.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { AbiCoder, hexlify, keccak256, toUtf8Bytes, type TypedDataDomain } from "ethers";

import {
  BlockStatus,
  signTimeoutVote,
  signerBitmap,
  timeoutVoteDomain,
  type CompactSignature,
} from "../../src/protocol/lifecycle.js";
import { publicKeyHash } from "../../src/protocol/stake.js";
import type { Operator } from "./election.js";
import type { LifecycleFixture } from "./lifecycle.js";
import type { Prng } from "./prng.js";

const abi = AbiCoder.defaultAbiCoder();

/** A stored block as plain values (ethers results compare poorly). */
export interface BlockSnapshot {
  status: bigint;
  proposer: string;
  parent: bigint;
  txCommitment: string;
  leafCount: bigint;
  feeSplitBps: bigint;
  score: bigint;
  publishedAt: bigint;
  provenTrees: bigint;
}

/** What a rejected call must not change: the L1 height, the pending line and some blocks. */
export interface LifecycleState {
  blockNumber: number;
  chain: { head: bigint; finalized: bigint; pending: bigint };
  blocks: BlockSnapshot[];
  /** The root digests of the slots' epochs. */
  rootDigests: string[];
}

export async function blockOf(fx: LifecycleFixture, slot: bigint): Promise<BlockSnapshot> {
  const b = await fx.lifecycle.getBlock(slot);
  return {
    status: b.status,
    proposer: b.proposer,
    parent: b.parent,
    txCommitment: b.txCommitment,
    leafCount: b.leafCount,
    feeSplitBps: b.feeSplitBps,
    score: b.score,
    publishedAt: b.publishedAt,
    provenTrees: b.provenTrees,
  };
}

/** The state of `slots` (and the chain) as the latest mined block sees it. */
export async function lifecycleState(
  fx: LifecycleFixture,
  ethers: HardhatEthers,
  slots: readonly bigint[],
): Promise<LifecycleState> {
  const [head, finalized, pending] = await fx.lifecycle.chainState();
  return {
    blockNumber: await ethers.provider.getBlockNumber(),
    chain: { head, finalized, pending },
    blocks: await Promise.all(slots.map((s) => blockOf(fx, s))),
    rootDigests: await Promise.all(
      slots.map(async (s) => fx.lifecycle.rootDigest(await fx.lifecycle.epochOfSlot(s), 0n)),
    ),
  };
}

/**
 * Sends `send()` and asserts it reverts with the lifecycle's custom error `error(...args)`, and
 * that neither the chain nor the blocks of `slots` changed (no block was mined either).
 */
export async function expectRejected(
  fx: LifecycleFixture,
  ethers: HardhatEthers,
  slots: readonly bigint[],
  send: () => Promise<unknown>,
  error: string,
  args: readonly unknown[],
): Promise<void> {
  const before = await lifecycleState(fx, ethers, slots);
  await expect(send())
    .to.be.revertedWithCustomError(fx.lifecycle, error)
    .withArgs(...args);
  expect(await lifecycleState(fx, ethers, slots)).to.deep.equal(before);
}

/** `keccak256(abi.encode(committee))`, what the contracts compare a committee argument with. */
export function committeeHash(committee: readonly string[]): string {
  return keccak256(abi.encode(["address[]"], [committee]));
}

/** A timeout certificate: the bitmap of `indices` and their votes under `domain`. */
export interface Certificate {
  bitmap: bigint;
  signatures: CompactSignature[];
}

/**
 * Votes of the members at `indices` (ascending) for (`slot`, `round`) under `domain` (default:
 * the fixture's lifecycle on this chain).
 */
export async function certificate(
  fx: LifecycleFixture,
  slot: bigint,
  round: number,
  indices: readonly number[],
  domain: TypedDataDomain = timeoutVoteDomain(fx.chainId, fx.lifecycleDomain.lifecycle),
  signers: readonly Operator[] = indices.map((i) => fx.members[i]),
): Promise<Certificate> {
  const signatures: CompactSignature[] = [];
  for (const s of signers) signatures.push(await signTimeoutVote(s.signer, domain, slot, round));
  return { bitmap: signerBitmap(indices), signatures };
}

/** Uniform random bytes. */
export function randomBytes(prng: Prng, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => prng.int(256));
}

/** A uniform random 32-byte hex string. */
export function randomBytes32(prng: Prng): string {
  return hexlify(randomBytes(prng, 32));
}

/** A random 20-byte address (checksummed). */
export function randomAddress(prng: Prng, ethers: HardhatEthers): string {
  return ethers.getAddress(hexlify(randomBytes(prng, 20)));
}

/** Who may call `propose`: an operator's signer and its registered key. */
export interface Proposer {
  signer: Operator["signer"];
  publicKey: Operator["publicKey"];
}

/** Overrides of a proposal sent by {proposeNow}. */
export interface ProposalOverrides {
  /** Default: the parent of the slot's current proposal, else the chain head. */
  parent?: bigint;
  txCommitment?: string;
  leafCount?: bigint;
  feeSplitBps?: bigint;
  /** Default: the proposer's own key hash. */
  publicKeyHash?: string;
  /** Default: the fixture's committee (every fixture operator revealed for its epoch). */
  committee?: readonly string[];
}

/**
 * Sends a proposal for `slot` in the next L1 block, without mining to the slot first (unlike
 * `proposeBlock`), so that tests control exactly which block it lands in.
 */
export async function proposeNow(
  fx: LifecycleFixture,
  slot: bigint,
  proposer: Proposer,
  overrides: ProposalOverrides = {},
) {
  const [[head], existing] = await Promise.all([
    fx.lifecycle.chainState(),
    fx.lifecycle.getBlock(slot),
  ]);
  // A competing proposal for a slot that already has one must name the same parent.
  const parent = existing.status === BigInt(BlockStatus.Proposed) ? existing.parent : head;
  return fx.lifecycle.connect(proposer.signer).propose(
    slot,
    {
      parent: overrides.parent ?? parent,
      txCommitment: overrides.txCommitment ?? keccak256(toUtf8Bytes(`txs of slot ${slot}`)),
      leafCount: overrides.leafCount ?? 4n,
      feeSplitBps: overrides.feeSplitBps ?? 0n,
      publicKeyHash: overrides.publicKeyHash ?? publicKeyHash(proposer.publicKey),
    },
    [...(overrides.committee ?? fx.committee)],
  );
}
