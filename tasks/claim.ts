/**
 * The `claim` task's action (registered in `hardhat.config.ts`): claims an account's
 * ProverRewards balances on the selected network, signing with `--signer` (default: the
 * network's first configured account).
 *
 *   npx hardhat claim [--rewards <address>] [--signer <address>] [--account <address>]
 *                     [--recipient <address>] [--settle] [--from-block <n>] [--dry-run]
 *                     [--network <name>]
 *
 * `--rewards` defaults to the ProverRewards future of Ignition's deployment for the chain
 * (`deploy/deployments/chain-<chainId>/deployed_addresses.json`); the in-process network starts
 * empty, so there it must be given. The work itself is `runClaim` in `src/operator/claim.ts`; see
 * `docs/claim.md`.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { runClaim, type ClaimOptions, type ClaimRun } from "../src/operator/claim.js";
import { connectDeployment, resolveRewardsAddress } from "../src/operator/deployment.js";
import { pickSigner, refuseOnOperatorError } from "./common.js";

export { deployedRewardsAddress, REWARDS_FUTURE_SUFFIX } from "../src/operator/deployment.js";

/** The task's options, as Hardhat passes them (`--dry-run` arrives as `dryRun`). */
export interface ClaimTaskArguments {
  rewards?: string;
  signer?: string;
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
  const signer = await pickSigner(connection, args.signer);
  const address = await resolveRewardsAddress(
    {
      networkName: connection.networkName,
      networkType: connection.networkConfig.type,
      chainId,
      ignitionDir: options.ignitionDir,
    },
    args.rewards,
  );
  const { rewards } = await connectDeployment(address, signer);
  log(`Network ${connection.networkName} (chain ${chainId}), signer ${signer.address}`);
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
  await refuseOnOperatorError("claim", connection, async (c) => {
    await claimOnConnection(c, args, { ignitionDir });
  });
}

/** The task's action (see {@link claimAndClose}). */
export default async function claimTask(
  args: ClaimTaskArguments,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await claimAndClose(await hre.network.create(), args, hre.config.paths.ignition);
}
