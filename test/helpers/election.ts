/**
 * Shared fixture for election tests: a stake table with registered operators, a CommitteeElection
 * on it, and VRF reveals computed with the TypeScript protocol library.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import {
  encodeG1,
  encodeG2,
  publicKeyOf,
  secretKeyFromSeed,
  type G1PointStruct,
  type G2PointStruct,
  type SecretKey,
} from "../../src/protocol/bls.js";
import {
  rankOf,
  revealWindow,
  vrfMessage,
  vrfOutput,
  vrfProve,
  vrfScore,
  type ElectionDomain,
  type ElectionParams,
} from "../../src/protocol/election.js";
import type { CommitteeElection } from "../../typechain-types/index.js";
import type { StakeFixture, TestParams } from "./stakeTable.js";
import { deployStakeTable, keysFor, mineUntilNextBlockIs, UNIT } from "./stakeTable.js";

export const ELECTION_TEST_PARAMS: ElectionParams = {
  committeeSize: 4,
  oversamplingBps: 15_000,
  treeCount: 2,
  leafCount: 4,
};
/** Reveal window used by the tests, in L1 blocks (epochs are 10 blocks). */
export const TEST_REVEAL_WINDOW = 6n;

export interface Operator {
  signer: HardhatEthersSigner;
  address: string;
  sk: SecretKey;
  publicKey: G1PointStruct;
  stake: bigint;
}

export interface ElectionFixture extends StakeFixture {
  election: CommitteeElection;
  domain: ElectionDomain;
  operators: Operator[];
  governor: HardhatEthersSigner;
  /** The first epoch in which every registered operator has stake. */
  firstEpoch: bigint;
}

/** One operator's reveal for an epoch, as the contract takes it, with its expected rank. */
export interface Reveal {
  operator: Operator;
  publicKey: G1PointStruct;
  vrfProof: G2PointStruct;
  output: bigint;
  /** Null when the output is not eligible. */
  rank: bigint | null;
}

export async function deployElection(
  ethers: HardhatEthers,
  options: {
    params?: Partial<ElectionParams>;
    revealWindow?: bigint;
    /** Stakes (in whole tokens) of the operators to register in the first epoch. */
    stakes?: number[];
    /** Stake-table parameter overrides (see `TEST_PARAMS`). */
    table?: Partial<TestParams>;
  } = {},
): Promise<ElectionFixture> {
  const fx = await deployStakeTable(ethers, options.table);
  const params = { ...ELECTION_TEST_PARAMS, ...options.params };
  const election = await ethers.deployContract("CommitteeElection", [
    {
      stakeTable: await fx.table.getAddress(),
      revealWindow: options.revealWindow ?? TEST_REVEAL_WINDOW,
      initialParams: params,
      admin: fx.admin.address,
      governor: fx.admin.address,
    },
  ]);
  const domain = { chainId: fx.chainId, election: await election.getAddress() };
  const operators: Operator[] = [];
  const stakes = options.stakes ?? [100, 200, 300, 400, 500, 600, 700, 800];
  for (const [i, whole] of stakes.entries()) {
    const signer = fx.signers[i];
    const stake = BigInt(whole) * UNIT;
    const keys = await keysFor(fx, signer.address, `election-op-${i}`);
    await fx.table
      .connect(signer)
      .register(signer.address, signer.address, stake, keys.publicKey, keys.proofOfPossession);
    const sk = secretKeyFromSeed(`election-op-${i}`);
    operators.push({
      signer,
      address: signer.address,
      sk,
      publicKey: encodeG1(publicKeyOf(sk)),
      stake,
    });
  }
  const firstEpoch = (await fx.table.currentEpoch()) + fx.params.activationLag;
  return { ...fx, election, domain, operators, governor: fx.admin, firstEpoch };
}

/** The chain's view of an epoch's inputs to eligibility. */
export async function epochInputs(fx: ElectionFixture, epoch: bigint) {
  const [seed, totalStake, params] = await Promise.all([
    fx.table.seedOf(epoch),
    fx.table.totalStakeAt(epoch),
    fx.election.paramsAt(epoch),
  ]);
  return {
    seed,
    totalStake,
    committeeSize: Number(params.committeeSize),
    oversamplingBps: Number(params.oversamplingBps),
  };
}

/** Computes `operator`'s reveal for `epoch` with the TypeScript library. */
export async function revealFor(
  fx: ElectionFixture,
  operator: Operator,
  epoch: bigint,
  inputs?: Awaited<ReturnType<typeof epochInputs>>,
): Promise<Reveal> {
  const ctx = inputs ?? (await epochInputs(fx, epoch));
  const proof = vrfProve(operator.sk, vrfMessage(fx.domain, epoch, ctx.seed));
  const output = vrfOutput(proof);
  const stake = await fx.table.stakeAt(operator.address, epoch);
  const score = vrfScore(output, stake, ctx.totalStake, ctx.committeeSize, ctx.oversamplingBps);
  return {
    operator,
    publicKey: operator.publicKey,
    vrfProof: encodeG2(proof),
    output,
    rank: score === null ? null : rankOf(score, operator.address),
  };
}

/**
 * Mines until the next transaction lands in block `target`, checkpointing RANDAO in every epoch
 * on the way (as reveals and keepers do on a live network), so that seeds stay available.
 */
export async function advanceTo(
  fx: ElectionFixture,
  ethers: HardhatEthers,
  mine: (blocks: number) => Promise<void>,
  target: bigint,
): Promise<void> {
  const epochLength = await fx.table.EPOCH_LENGTH();
  const genesis = await fx.table.GENESIS_BLOCK();
  for (;;) {
    const next = BigInt(await ethers.provider.getBlockNumber()) + 1n;
    const epoch = (next - genesis) / epochLength;
    if ((await fx.table.randaoCheckpoint(epoch)) === ethers.ZeroHash && next < target) {
      await fx.table.ensureRandaoCheckpoint();
      continue;
    }
    const nextEpochStart = genesis + (epoch + 1n) * epochLength;
    if (nextEpochStart >= target) break;
    await mineUntilNextBlockIs(ethers, mine, nextEpochStart);
  }
  await mineUntilNextBlockIs(ethers, mine, target);
}

/** The reveal window of `epoch` from the chain's clock. */
export async function windowOf(fx: ElectionFixture, epoch: bigint) {
  const clock = {
    genesisBlock: await fx.table.GENESIS_BLOCK(),
    epochLength: await fx.table.EPOCH_LENGTH(),
  };
  return revealWindow(clock, await fx.election.REVEAL_WINDOW(), epoch);
}

/** Mines until the next transaction lands in block `offset` of `epoch`'s reveal window. */
export async function mineIntoRevealWindow(
  fx: ElectionFixture,
  ethers: HardhatEthers,
  mine: (blocks: number) => Promise<void>,
  epoch: bigint,
  offset = 0n,
): Promise<void> {
  const window = await windowOf(fx, epoch);
  await advanceTo(fx, ethers, mine, window.opensAt + offset);
}
