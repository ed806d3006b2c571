/**
 * The `claim` task's action (registered in `hardhat.config.ts`): claims an account's
 * ProverRewards balances on the selected network with the network's first configured account.
 *
 *   npx hardhat claim [--rewards <address>] [--account <address>] [--recipient <address>]
 *                     [--settle] [--from-block <n>] [--dry-run] [--network <name>]
 *
 * `--rewards` defaults to the ProverRewards future of Ignition's deployment for the chain
 * (`ignition/deployments/chain-<chainId>/deployed_addresses.json`); the in-process network starts
 * empty, so there it must be given. The work itself is `runClaim` in `src/client/claim.ts`; see
 * `docs/claim.md`.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  ClaimError,
  parseAddress,
  runClaim,
  type ClaimOptions,
  type ClaimRun,
} from "../src/client/claim.js";
import { ProverRewards__factory } from "../typechain-types/index.js";

/** The task's options, as Hardhat passes them (`--dry-run` arrives as `dryRun`). */
export interface ClaimTaskArguments {
  rewards?: string;
  account?: string;
  recipient?: string;
  settle: boolean;
  dryRun: boolean;
  fromBlock: number;
}

/** The part of a network connection the claim uses. */
export interface ClaimConnection {
  ethers: HardhatEthers;
  networkName: string;
  networkConfig: { type: string };
}

/** The Ignition future whose address `--rewards` defaults to: any `<module>#ProverRewards`. */
export const REWARDS_FUTURE_SUFFIX = "#ProverRewards";

/**
 * The ProverRewards address of Ignition's deployment for `chainId` under `ignitionDir`
 * (`deployments/chain-<chainId>/deployed_addresses.json`), or undefined if there is none.
 * Throws when several modules deployed one (then `--rewards` must choose).
 */
export async function deployedRewardsAddress(
  ignitionDir: string,
  chainId: bigint,
): Promise<string | undefined> {
  const file = path.join(ignitionDir, "deployments", `chain-${chainId}`, "deployed_addresses.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  const addresses = JSON.parse(text) as Record<string, string>;
  const keys = Object.keys(addresses).filter((k) => k.endsWith(REWARDS_FUTURE_SUFFIX));
  if (keys.length > 1) {
    throw new ClaimError(
      "InvalidAddress",
      `${file} holds several ProverRewards (${keys.join(", ")}): pass --rewards <address>`,
    );
  }
  return keys.length === 1 ? addresses[keys[0]] : undefined;
}

async function resolveRewards(
  connection: ClaimConnection,
  given: string | undefined,
  chainId: bigint,
  ignitionDir: string | undefined,
): Promise<string> {
  if (given !== undefined && given !== "") return parseAddress(given, "--rewards");
  const where = `network ${connection.networkName} (chain ${chainId})`;
  if (connection.networkConfig.type === "edr-simulated") {
    throw new ClaimError(
      "InvalidAddress",
      `pass --rewards <address>: ${where} is in-process and starts empty on every run, so no ` +
        "Ignition deployment applies (use --network localhost against a `hardhat node`)",
    );
  }
  const deployed =
    ignitionDir === undefined ? undefined : await deployedRewardsAddress(ignitionDir, chainId);
  if (deployed === undefined) {
    throw new ClaimError(
      "InvalidAddress",
      `pass --rewards <address>: no *${REWARDS_FUTURE_SUFFIX} future in ` +
        `ignition/deployments/chain-${chainId}/deployed_addresses.json for ${where}`,
    );
  }
  return parseAddress(deployed, "the deployed ProverRewards");
}

/**
 * Claims on an open network connection with its first account: resolves the ProverRewards
 * address, checks there is a contract there, and runs `runClaim`. Used by the task's action, by
 * `scripts/claim.ts` and by the tests (with their own in-process connection).
 */
export async function claimOnConnection(
  connection: ClaimConnection,
  args: Partial<ClaimTaskArguments>,
  options: { ignitionDir?: string; log?: (text: string) => void } = {},
): Promise<ClaimRun> {
  const log = options.log ?? console.log;
  const { ethers } = connection;
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const [signer] = await ethers.getSigners();
  if (signer === undefined) {
    throw new Error(`network ${connection.networkName} has no accounts configured to sign with`);
  }
  const address = await resolveRewards(connection, args.rewards, chainId, options.ignitionDir);
  if ((await ethers.provider.getCode(address)) === "0x") {
    throw new ClaimError(
      "InvalidAddress",
      `no contract at ${address} on network ${connection.networkName} (chain ${chainId})`,
    );
  }
  log(`Network ${connection.networkName} (chain ${chainId}), signer ${signer.address}`);
  const rewards = ProverRewards__factory.connect(address, signer);
  const claimOptions: ClaimOptions = {
    settle: args.settle ?? false,
    dryRun: args.dryRun ?? false,
    fromBlock: args.fromBlock ?? 0,
  };
  if (args.account !== undefined && args.account !== "") claimOptions.account = args.account;
  if (args.recipient !== undefined && args.recipient !== "") {
    claimOptions.recipient = args.recipient;
  }
  return runClaim(rewards, signer.address, claimOptions, log);
}

/**
 * Claims on `connection` and closes it; a refused claim prints why and sets exit code 1 without
 * sending anything. What the task and `scripts/claim.ts` both run.
 */
export async function claimAndClose(
  connection: ClaimConnection & { close(): Promise<void> },
  args: Partial<ClaimTaskArguments>,
  ignitionDir: string,
): Promise<void> {
  try {
    await claimOnConnection(connection, args, { ignitionDir });
  } catch (error) {
    if (!(error instanceof ClaimError)) throw error;
    console.error(`Claim refused (${error.code}): ${error.message}. No claim was sent.`);
    process.exitCode = 1;
  } finally {
    await connection.close();
  }
}

/** The task's action (see {@link claimAndClose}). */
export default async function claimTask(
  args: ClaimTaskArguments,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await claimAndClose(await hre.network.create(), args, hre.config.paths.ignition);
}
