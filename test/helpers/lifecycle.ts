/**
 * Shared fixture for block-lifecycle tests: a stake table, an elected and sealed committee, the
 * stand-in verifier and a BlockLifecycle, plus helpers that act as sequencers, provers and leaders
 * through the TypeScript protocol library.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { keccak256, toUtf8Bytes } from "ethers";

import {
  blockHeaderOf,
  participationRecord,
  proofWindow,
  signTimeoutVote,
  signerBitmap,
  slotStartBlock,
  timeoutVoteDomain,
  timeoutWindow,
  type CompactSignature,
  type LifecycleDomain,
  type SlotClock,
  type TreeShape,
} from "../../src/protocol/lifecycle.js";
import { readSlotClock } from "../../src/client/chain.js";
import {
  attestedRootProof,
  blockChunkOutputs,
  chunkSignerOf,
  placeholderLeafInputs,
  standInNodeProof,
  type AttestationKeys,
  type ChunkSigner,
} from "../../src/protocol/attestation.js";
import { chunkOutputDomain } from "../../src/protocol/chunks.js";
import { publicKeyHash } from "../../src/protocol/stake.js";
import type { BlockLifecycle, StandInProofVerifier } from "../../typechain-types/index.js";
import {
  advanceTo,
  deployElection,
  mineIntoRevealWindow,
  revealFor,
  type ElectionFixture,
  type Operator,
} from "./election.js";
import { mineUntilNextBlockIs, nextBlockNumber } from "./stakeTable.js";

type Mine = (blocks: number) => Promise<void>;

/** Lifecycle parameters of the tests (epochs are 40 L1 blocks, W = 20). */
export const LIFECYCLE_TEST_PARAMS = {
  slotLength: 4n,
  proposalPhase: 2n,
  dataTimeout: 3n,
  faultToleranceBps: 3_333n,
  feeSplitScoring: false,
  /** Striped trees (no policy contract). */
  policy: "0x0000000000000000000000000000000000000000",
};

export interface LifecycleFixture extends ElectionFixture {
  lifecycle: BlockLifecycle;
  verifier: StandInProofVerifier;
  clock: SlotClock;
  lifecycleDomain: LifecycleDomain;
  /** The epoch whose committee proves the tests' blocks. */
  epoch: bigint;
  /** Its committee in rank order. */
  committee: string[];
  /** The members as operators, in rank order. */
  members: Operator[];
  /** Staked operators outside the committee: they may propose. */
  sequencers: Operator[];
  /** Signs chunk outputs as any operator of the fixture (remembers what it signed). */
  chunkSigner: ChunkSigner;
  mine: Mine;
}

export async function deployLifecycle(
  ethers: HardhatEthers,
  mine: Mine,
  options: {
    feeSplitScoring?: boolean;
    faultToleranceBps?: bigint;
    epochLength?: bigint;
    /** The assignment policy's address (default: zero, striped trees). */
    policy?: string;
  } = {},
): Promise<LifecycleFixture> {
  const fx = await deployElection(ethers, {
    params: { committeeSize: 4, oversamplingBps: 1_000_000, treeCount: 2, leafCount: 4 },
    stakes: [500, 500, 500, 500, 500, 500, 500, 500],
    table: { epochLength: options.epochLength ?? 40n },
  });
  const verifier = await ethers.deployContract("StandInProofVerifier");
  const { epochLength: _epochLength, ...overrides } = options;
  const params = { ...LIFECYCLE_TEST_PARAMS, ...overrides };
  const lifecycle = await ethers.deployContract("BlockLifecycle", [
    {
      election: await fx.election.getAddress(),
      verifier: await verifier.getAddress(),
      ...params,
    },
  ]);
  const epoch = fx.firstEpoch;
  await mineIntoRevealWindow(fx, ethers, mine, epoch);
  const reveals = [];
  for (const op of fx.operators) reveals.push(await revealFor(fx, op, epoch));
  const eligible = reveals.filter((r) => r.rank !== null);
  await fx.election.revealBatch(
    epoch,
    eligible.map((r) => r.publicKey),
    eligible.map((r) => r.vrfProof),
  );
  await advanceTo(fx, ethers, mine, await fx.table.epochStartBlock(epoch));
  await fx.election.sealCommittee(epoch);
  const committee = [...(await fx.election.committeeOf(epoch))];
  const byAddress = new Map(fx.operators.map((o) => [o.address, o]));
  const members = committee.map((a) => byAddress.get(a)!);
  const sequencers = fx.operators.filter((o) => !committee.includes(o.address));
  const clock: SlotClock = await readSlotClock(lifecycle);
  return {
    ...fx,
    lifecycle,
    verifier,
    clock,
    lifecycleDomain: { chainId: fx.chainId, lifecycle: await lifecycle.getAddress() },
    epoch,
    committee,
    members,
    sequencers,
    chunkSigner: operatorChunkSigner(fx.operators),
    mine,
  };
}

/** A chunk signer over the operators' keys. */
export function operatorChunkSigner(operators: readonly Operator[]): ChunkSigner {
  const byAddress = new Map(operators.map((o) => [o.address.toLowerCase(), o.signer]));
  return chunkSignerOf((address) => byAddress.get(address.toLowerCase()));
}

/** The attestation keys of the fixture's committee (chunk outputs signed by its operators). */
export function attestationKeys(fx: LifecycleFixture, committee = fx.committee): AttestationKeys {
  return {
    chunkDomain: chunkOutputDomain(fx.chainId, fx.lifecycleDomain.lifecycle),
    committee,
    sign: fx.chunkSigner,
  };
}

/** The first slot of the committee's epoch whose proposal phase has not started yet. */
export async function firstOpenSlot(fx: LifecycleFixture, ethers: HardhatEthers): Promise<bigint> {
  const next = await nextBlockNumber(ethers);
  const slot = (next - fx.clock.genesisBlock + fx.clock.slotLength - 1n) / fx.clock.slotLength;
  return slot;
}

/** Mines until the next transaction lands in L1 block `target`. */
export async function mineTo(fx: LifecycleFixture, ethers: HardhatEthers, target: bigint) {
  await mineUntilNextBlockIs(ethers, fx.mine, target);
}

export interface ProposeOptions {
  parent?: bigint;
  leafCount?: bigint;
  feeSplitBps?: bigint;
  txCommitment?: string;
  /** The committee argument; by default the committee iff the sequencer revealed. */
  committee?: string[];
}

async function revealedFor(fx: LifecycleFixture, sequencer: Operator): Promise<string[]> {
  const last = await fx.election.lastRevealEpoch(publicKeyHash(sequencer.publicKey));
  return last !== 0n && last >= fx.epoch ? fx.committee : [];
}

/** Proposes `slot`'s block as `sequencer` at the start of its proposal phase. */
export async function proposeBlock(
  fx: LifecycleFixture,
  ethers: HardhatEthers,
  slot: bigint,
  sequencer: Operator,
  options: ProposeOptions = {},
) {
  const start = slotStartBlock(fx.clock, slot);
  if ((await nextBlockNumber(ethers)) < start) await mineTo(fx, ethers, start);
  const [head] = await fx.lifecycle.chainState();
  return fx.lifecycle.connect(sequencer.signer).propose(
    slot,
    {
      parent: options.parent ?? head,
      txCommitment: options.txCommitment ?? keccak256(toUtf8Bytes(`txs of slot ${slot}`)),
      leafCount: options.leafCount ?? 4n,
      feeSplitBps: options.feeSplitBps ?? 0n,
      publicKeyHash: publicKeyHash(sequencer.publicKey),
    },
    options.committee ?? (await revealedFor(fx, sequencer)),
  );
}

/** Publishes `slot`'s data as its proposer, at the first block allowed if not later already. */
export async function publishData(fx: LifecycleFixture, ethers: HardhatEthers, slot: bigint) {
  const block = await fx.lifecycle.getBlock(slot);
  const { opensAt } = proofWindow(fx.clock, slot);
  if ((await nextBlockNumber(ethers)) < opensAt) await mineTo(fx, ethers, opensAt);
  const proposer = fx.operators.find((o) => o.address === block.proposer)!;
  return fx.lifecycle.connect(proposer.signer).publishData(slot);
}

/** The shape of `slot`'s trees as the chain sees it. */
export async function treeShape(fx: LifecycleFixture, slot: bigint): Promise<TreeShape> {
  const [ctx, block] = await Promise.all([
    fx.election.blockContext(fx.epoch, slot),
    fx.lifecycle.getBlock(slot),
  ]);
  return {
    m: Number(ctx.size),
    c: Number(ctx.treeCount),
    leafCount: Number(block.leafCount),
    seed: ctx.seed,
  };
}

/** A root proof of `tree` for `submitter`: record, public inputs and the stand-in proof. */
export async function rootProof(
  fx: LifecycleFixture,
  slot: bigint,
  tree: number,
  submitter: string,
  record?: Uint8Array,
) {
  const shape = await treeShape(fx, slot);
  const rec = record ?? participationRecord(shape, tree);
  const header = blockHeaderOf(slot, await fx.lifecycle.getBlock(slot));
  const { inputs, proof } = await attestedRootProof(
    fx.lifecycleDomain,
    header,
    tree,
    rec,
    submitter,
    attestationKeys(fx),
  );
  return { record: rec, inputs, proof };
}

/** Submits tree `tree`'s root proof of `slot` from `submitter` (default: first member). */
export async function submitRoot(
  fx: LifecycleFixture,
  slot: bigint,
  tree: number,
  submitter = fx.members[0],
) {
  const { record, proof } = await rootProof(fx, slot, tree, submitter.address);
  return fx.lifecycle.connect(submitter.signer).submitRootProof(slot, tree, record, proof);
}

/** Votes of the members at `indices` for (`slot`, `round`), in ascending index order. */
export async function timeoutVotes(
  fx: LifecycleFixture,
  slot: bigint,
  round: number,
  indices: number[],
): Promise<{ bitmap: bigint; signatures: CompactSignature[] }> {
  const domain = timeoutVoteDomain(fx.chainId, fx.lifecycleDomain.lifecycle);
  const sorted = [...indices].sort((a, b) => a - b);
  const signatures = [];
  for (const i of sorted)
    signatures.push(await signTimeoutVote(fx.members[i].signer, domain, slot, round));
  return { bitmap: signerBitmap(sorted), signatures };
}

/** The member leading `round` of `slot`. */
export async function leaderOf(
  fx: LifecycleFixture,
  slot: bigint,
  round: number,
): Promise<Operator> {
  const leader = await fx.lifecycle.leaderOf(slot, round, fx.committee);
  return fx.members.find((m) => m.address === leader)!;
}

/** The first L1 block that takes a timeout certificate for `slot`. */
export async function timeoutOpensAt(fx: LifecycleFixture, slot: bigint): Promise<bigint> {
  const b = await fx.lifecycle.getBlock(slot);
  return timeoutWindow(fx.clock, slot, b.publishedAt).opensAt;
}

export { advanceTo };

/**
 * A stand-in node proof (siblingCover's uncle claim) that `member` proved `node` of `slot`'s block:
 * its signature over the node's honest output from the placeholder leaf inputs.
 */
export async function nodeProof(
  fx: LifecycleFixture,
  slot: bigint,
  node: number,
  member: string,
): Promise<string> {
  const header = blockHeaderOf(slot, await fx.lifecycle.getBlock(slot));
  const leafInputs = placeholderLeafInputs(slot, Number(header.leafCount));
  const output = blockChunkOutputs(slot, leafInputs)(node);
  const signature = await fx.chunkSigner(member, attestationKeys(fx).chunkDomain, output);
  return standInNodeProof(fx.lifecycleDomain, header, node, member, leafInputs, signature);
}
