/**
 * What every gas module shares: the contracts it deploys the same way (the mintable test token and
 * a stake table with the local parameters of `deploy/parameters/local.json`) and the check that a
 * measured transaction succeeded.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";

import type { StakeTable, TestStakeToken } from "../../typechain-types/index.js";
import { LOCAL_STAKE_PARAMS } from "./parameters.js";

/** A `TestStakeToken` owned by `owner`. */
export async function deployTestToken(
  ethers: HardhatEthers,
  owner: string,
): Promise<TestStakeToken> {
  return ethers.deployContract("TestStakeToken", ["Prover Stake", "PST", owner]);
}

/** A stake table over `token` with the local parameters. */
export async function deployTestStakeTable(
  ethers: HardhatEthers,
  token: TestStakeToken,
  admin: string,
  slasher: string,
): Promise<StakeTable> {
  return ethers.deployContract("StakeTable", [
    { ...LOCAL_STAKE_PARAMS, stakeToken: await token.getAddress(), admin, slasher },
  ]);
}

/** The receipt of `tx`; throws (naming `label`) unless it was mined and succeeded. */
export async function receiptOf(
  label: string,
  tx: Promise<ContractTransactionResponse> | ContractTransactionResponse,
): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`${label}: transaction failed`);
  return receipt;
}

/** The gasUsed of `tx`, which must succeed. */
export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return Number((await receiptOf("measured transaction", tx)).gasUsed);
}

/**
 * A function that mines until the next transaction lands in L1 block `target`, checkpointing
 * RANDAO once in every epoch on the way (in a block before `target`, which the schedules leave
 * free), as keepers and reveals do on a live network, so every seed lookup reads one checkpoint.
 * Throws if `target` is already mined.
 */
export function randaoAdvancer(
  ethers: HardhatEthers,
  networkHelpers: NetworkHelpers,
  table: StakeTable,
  genesis: bigint,
  epochLength: bigint,
): (target: bigint) => Promise<void> {
  return async (target: bigint) => {
    for (;;) {
      const next = BigInt(await ethers.provider.getBlockNumber()) + 1n;
      if (next > target) throw new Error(`block ${target} is already mined (next is ${next})`);
      const epoch = (next - genesis) / epochLength;
      if (next < target && (await table.randaoCheckpoint(epoch)) === ethers.ZeroHash) {
        await receiptOf("checkpoint", table.ensureRandaoCheckpoint());
        continue;
      }
      if (next === target) return;
      const boundary = genesis + (epoch + 1n) * epochLength;
      await networkHelpers.mine(Number((boundary < target ? boundary : target) - next));
    }
  };
}
