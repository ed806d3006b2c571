/**
 * Finding a deployed prover network from Ignition's record of it, the way every operator task
 * does: `deploy/deployments/chain-<chainId>/deployed_addresses.json` maps future ids such as
 * `TestProverRewards#ProverRewards` to addresses. The tasks need only the ProverRewards address
 * (from `--rewards` or that file); the lifecycle, election, stake table and token are read from
 * its immutables, so a mismatched set cannot be assembled by hand.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import { ZeroAddress, getAddress, isAddress, type ContractRunner } from "ethers";

import {
  BlockLifecycle__factory,
  CommitteeElection__factory,
  InvalidWorkSlasher__factory,
  ProverRewards__factory,
  StakeTable__factory,
  TestStakeToken__factory,
} from "../../typechain-types/index.js";
import type { ProtocolContracts } from "../client/chain.js";
import { OperatorError } from "./errors.js";

/** The Ignition future whose address `--rewards` defaults to: any `<module>#ProverRewards`. */
export const REWARDS_FUTURE_SUFFIX = "#ProverRewards";
/** The invalid-work slasher's future: any `<module>#InvalidWorkSlasher`. */
export const SLASHER_FUTURE_SUFFIX = "#InvalidWorkSlasher";

/** Where Ignition records the addresses deployed on `chainId` under `ignitionDir`. */
export function deployedAddressesFile(ignitionDir: string, chainId: bigint): string {
  return path.join(ignitionDir, "deployments", `chain-${chainId}`, "deployed_addresses.json");
}

/**
 * The address of the one future whose id ends in `suffix` in Ignition's deployment for
 * `chainId`, or undefined if there is no deployment or no such future. Throws when several
 * modules deployed one (then the caller must choose).
 */
export async function deployedAddress(
  ignitionDir: string,
  chainId: bigint,
  suffix: string,
): Promise<string | undefined> {
  const file = deployedAddressesFile(ignitionDir, chainId);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  const addresses = JSON.parse(text) as Record<string, string>;
  const keys = Object.keys(addresses).filter((k) => k.endsWith(suffix));
  if (keys.length > 1) {
    throw new OperatorError(
      "InvalidAddress",
      `${file} holds several *${suffix} futures (${keys.join(", ")}): pass the address`,
    );
  }
  return keys.length === 1 ? addresses[keys[0]] : undefined;
}

/** The ProverRewards address of Ignition's deployment for `chainId` (see {@link deployedAddress}). */
export function deployedRewardsAddress(
  ignitionDir: string,
  chainId: bigint,
): Promise<string | undefined> {
  return deployedAddress(ignitionDir, chainId, REWARDS_FUTURE_SUFFIX);
}

/** Checks and checksums an address given by a user; `what` names it in the error. */
export function parseAddress(value: string, what: string): string {
  if (!isAddress(value)) {
    throw new OperatorError("InvalidAddress", `${what} is not an address: ${value}`);
  }
  const address = getAddress(value);
  if (address === ZeroAddress) {
    throw new OperatorError("InvalidAddress", `${what} is the zero address`);
  }
  return address;
}

/** The network a task runs on, as far as finding the deployment goes. */
export interface DeploymentTarget {
  networkName: string;
  /** `edr-simulated` for an in-process network (which starts empty), `http` otherwise. */
  networkType: string;
  chainId: bigint;
  ignitionDir?: string;
}

/**
 * The ProverRewards address a task uses: `given` (`--rewards`) if set, else Ignition's deployment
 * for the chain. An in-process network starts empty on every run, so there it must be given.
 */
export async function resolveRewardsAddress(
  target: DeploymentTarget,
  given: string | undefined,
): Promise<string> {
  if (given !== undefined && given !== "") return parseAddress(given, "--rewards");
  const where = `network ${target.networkName} (chain ${target.chainId})`;
  if (target.networkType === "edr-simulated") {
    throw new OperatorError(
      "InvalidAddress",
      `pass --rewards <address>: ${where} is in-process and starts empty on every run, so no ` +
        "Ignition deployment applies (use --network localhost against a `hardhat node`)",
    );
  }
  const deployed =
    target.ignitionDir === undefined
      ? undefined
      : await deployedRewardsAddress(target.ignitionDir, target.chainId);
  if (deployed === undefined) {
    throw new OperatorError(
      "InvalidAddress",
      `pass --rewards <address>: no *${REWARDS_FUTURE_SUFFIX} future in ` +
        `deploy/deployments/chain-${target.chainId}/deployed_addresses.json for ${where}`,
    );
  }
  return parseAddress(deployed, "the deployed ProverRewards");
}

/** The contracts an operator task talks to (no slasher: no task reports invalid work). */
export type OperatorContracts = Omit<ProtocolContracts, "slasher">;

/**
 * Connects the deployment behind `rewardsAddress` to `runner`: the lifecycle from
 * `ProverRewards.LIFECYCLE()`, its election and stake table, and the stake token. Throws
 * `InvalidAddress` when there is no contract at the address.
 */
export async function connectDeployment(
  rewardsAddress: string,
  runner: ContractRunner,
): Promise<OperatorContracts> {
  const provider = runner.provider;
  if (!provider) throw new Error("the runner has no provider");
  if ((await provider.getCode(rewardsAddress)) === "0x") {
    const { chainId } = await provider.getNetwork();
    throw new OperatorError(
      "InvalidAddress",
      `no contract at ${rewardsAddress} on chain ${chainId}`,
    );
  }
  const rewards = ProverRewards__factory.connect(rewardsAddress, runner);
  const lifecycle = BlockLifecycle__factory.connect(await rewards.LIFECYCLE(), runner);
  const election = CommitteeElection__factory.connect(await lifecycle.ELECTION(), runner);
  const table = StakeTable__factory.connect(await lifecycle.STAKE_TABLE(), runner);
  // Only the ERC20 functions of the token are used; the production token need not be mintable.
  const token = TestStakeToken__factory.connect(await table.STAKE_TOKEN(), runner);
  return { token, table, election, lifecycle, rewards };
}

/**
 * The whole deployment recorded by Ignition for `chainId`, slasher included (what the prover
 * and sequencer clients need), connected to `runner`.
 */
export async function loadDeployment(
  ignitionDir: string,
  chainId: bigint,
  runner: ContractRunner,
): Promise<ProtocolContracts> {
  const target: DeploymentTarget = {
    networkName: `chain ${chainId}`,
    networkType: "http",
    chainId,
  };
  const rewards = await resolveRewardsAddress({ ...target, ignitionDir }, undefined);
  const slasher = await deployedAddress(ignitionDir, chainId, SLASHER_FUTURE_SUFFIX);
  if (slasher === undefined) {
    throw new OperatorError(
      "InvalidAddress",
      `no *${SLASHER_FUTURE_SUFFIX} future in ${deployedAddressesFile(ignitionDir, chainId)}`,
    );
  }
  const contracts = await connectDeployment(rewards, runner);
  return { ...contracts, slasher: InvalidWorkSlasher__factory.connect(slasher, runner) };
}
