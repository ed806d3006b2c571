/**
 * Gas of the stake-table operations, each the gasUsed of a real transaction on a fresh
 * deployment, in a fixed sequence so the numbers are deterministic.
 *
 * Scenario (what "typical" means for each key):
 * - `stake.register`: a registration into a table that already holds stake.
 *   `stake.register.firstDeposit` is the very first one, which also pays to create the table's
 *   token balance in the token contract (22.1k of token storage).
 * - `stake.topUp`, `stake.initiateExit`: the operator's first change for its effective epoch while
 *   another change already touched the total for that epoch (the common case with many operators).
 *   The `.firstInEpoch` variants measure the rarer case where the operation is also the first
 *   change to the total for that epoch.
 * - `stake.finalizeExit`: paying the remaining balance to a withdrawer that already holds tokens.
 * - `randao.checkpoint`: the first checkpoint of an epoch (the one that writes).
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";

import { secretKeyFromSeed } from "../../src/protocol/bls.js";
import { registrationKeys } from "../../src/protocol/stake.js";
import { LOCAL_STAKE_PARAMS } from "./parameters.js";
import { deployTestStakeTable, deployTestToken, gasOf } from "./common.js";

const UNIT = 10n ** 18n;

export async function measureStake(
  ethers: HardhatEthers,
  networkHelpers: NetworkHelpers,
): Promise<Record<string, number>> {
  const [admin, slasher, ...ops] = await ethers.getSigners();
  const token = await deployTestToken(ethers, admin.address);
  const epochLength = LOCAL_STAKE_PARAMS.epochLength;
  const table = await deployTestStakeTable(ethers, token, admin.address, slasher.address);
  const tableAddress = await table.getAddress();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  for (const op of ops.slice(0, 6)) {
    await (await token.mint(op.address, 1_000n * UNIT)).wait();
    await (await token.connect(op).approve(tableAddress, 1_000n * UNIT)).wait();
  }
  const register = (i: number) => {
    const keys = registrationKeys(
      secretKeyFromSeed(`gas-operator-${i}`),
      { chainId, verifyingContract: tableAddress },
      ops[i].address,
    );
    return table
      .connect(ops[i])
      .register(
        ops[i].address,
        ops[i].address,
        200n * UNIT,
        keys.publicKey,
        keys.proofOfPossession,
      );
  };
  const nextEpoch = async () => {
    const block = BigInt(await ethers.provider.getBlockNumber());
    const start = await table.epochStartBlock((await table.epochAt(block)) + 1n);
    await networkHelpers.mine(Number(start - block - 1n));
  };

  const gas: Record<string, number> = {};
  gas["stake.register.firstDeposit"] = await gasOf(register(0));
  gas["stake.register"] = await gasOf(register(1));
  await gasOf(register(2));

  await nextEpoch();
  gas["randao.checkpoint"] = await gasOf(table.checkpointRandao());
  gas["stake.topUp.firstInEpoch"] = await gasOf(table.connect(ops[0]).topUp(ops[0].address, UNIT));
  gas["stake.topUp"] = await gasOf(table.connect(ops[1]).topUp(ops[1].address, UNIT));

  await nextEpoch();
  gas["stake.initiateExit.firstInEpoch"] = await gasOf(
    table.connect(ops[0]).initiateExit(ops[0].address),
  );
  gas["stake.initiateExit"] = await gasOf(table.connect(ops[1]).initiateExit(ops[1].address));
  gas["stake.slash"] = await gasOf(
    table.connect(slasher).slash(ops[2].address, UNIT, ethers.ZeroHash),
  );

  const info = await table.operatorInfo(ops[1].address);
  await networkHelpers.mine(
    Number(info.withdrawableAt - BigInt(await ethers.provider.getBlockNumber())),
  );
  gas["stake.finalizeExit"] = await gasOf(
    table.connect(ops[1]).finalizeExit(ops[1].address, ops[1].address),
  );
  return gas;
}
