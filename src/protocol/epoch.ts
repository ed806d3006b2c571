/**
 * The epoch clock and the RANDAO seed rule, mirrored from `contracts/staking/EpochClock.sol` and
 * `contracts/staking/RandaoBeacon.sol`. One rule, one place per language: everything off-chain
 * that needs an epoch number or a seed calls these functions.
 */
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";

const abi = AbiCoder.defaultAbiCoder();

/** Clock parameters, read from the deployed contract (`GENESIS_BLOCK`, `EPOCH_LENGTH`). */
export interface EpochClock {
  genesisBlock: bigint;
  epochLength: bigint;
}

/** Seed parameters, read from the deployed contract (`LOOKAHEAD`, `SEED_LOOKBACK`). */
export interface SeedRule {
  lookahead: bigint;
  seedLookback: bigint;
}

/** `keccak256("PROVERNET_V1_EPOCH_SEED")`, the contract's `SEED_DOMAIN`. */
export const SEED_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_EPOCH_SEED"));

/** The epoch that L1 block `blockNumber` belongs to. */
export function epochAt(clock: EpochClock, blockNumber: bigint): bigint {
  if (blockNumber < clock.genesisBlock) {
    throw new RangeError(`block ${blockNumber} is before genesis ${clock.genesisBlock}`);
  }
  return (blockNumber - clock.genesisBlock) / clock.epochLength;
}

/** The first L1 block of `epoch`. */
export function epochStartBlock(clock: EpochClock, epoch: bigint): bigint {
  return clock.genesisBlock + epoch * clock.epochLength;
}

/** The value a checkpoint stores for a block whose `prevrandao` is `prevrandao`. */
export function randaoCheckpointValue(prevrandao: bigint): string {
  return keccak256(abi.encode(["uint256"], [prevrandao]));
}

/** The seed of `epoch` given the checkpoint value it draws from. */
export function seedFromCheckpoint(checkpoint: string, epoch: bigint): string {
  return keccak256(abi.encode(["bytes32", "bytes32", "uint256"], [SEED_DOMAIN, checkpoint, epoch]));
}

/** Why a seed cannot be given; the names match the contract's custom errors. */
export type SeedFailure = "SeedUnavailable" | "SeedNotFinal";

/**
 * The seed of `epoch` under the beacon's rule: the latest checkpoint `s` with
 * `epoch - lookahead - seedLookback < s <= epoch - lookahead`, mixed with `epoch`.
 * `checkpointOf` returns the stored checkpoint of an epoch, or undefined if none.
 */
export function seedOf(
  rule: SeedRule,
  currentEpoch: bigint,
  epoch: bigint,
  checkpointOf: (epoch: bigint) => string | undefined,
): { seed: string; source: bigint } | { failure: SeedFailure } {
  if (epoch < rule.lookahead) return { failure: "SeedUnavailable" };
  const newest = epoch - rule.lookahead;
  if (newest > currentEpoch || (newest === currentEpoch && checkpointOf(newest) === undefined)) {
    return { failure: "SeedNotFinal" };
  }
  const oldest = newest + 1n > rule.seedLookback ? newest + 1n - rule.seedLookback : 0n;
  for (let s = newest; s >= oldest; s--) {
    const value = checkpointOf(s);
    if (value !== undefined) return { seed: seedFromCheckpoint(value, epoch), source: s };
  }
  return { failure: "SeedUnavailable" };
}
