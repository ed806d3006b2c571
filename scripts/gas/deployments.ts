/**
 * The contracts every gas module deploys the same way: the mintable test token and a stake table
 * with the local parameters (`deploy/parameters/local.json`).
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

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
export async function deployLocalStakeTable(
  ethers: HardhatEthers,
  token: TestStakeToken,
  admin: string,
  slasher: string,
): Promise<StakeTable> {
  return ethers.deployContract("StakeTable", [
    { ...LOCAL_STAKE_PARAMS, stakeToken: await token.getAddress(), admin, slasher },
  ]);
}
