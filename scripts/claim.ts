/**
 * The `claim` task as a script, with its options from environment variables:
 *
 *   CLAIM_REWARDS=<address>    ProverRewards (default: Ignition's deployment for the chain)
 *   CLAIM_ACCOUNT=<address>    whose balances (default: the signer, the network's first account)
 *   CLAIM_RECIPIENT=<address>  pay here with claimTo (only the withdrawer may)
 *   CLAIM_SETTLE=1             settle every ready epoch first
 *   CLAIM_FROM_BLOCK=<n>       first L1 block settlement reads events from (default 0)
 *   CLAIM_DRY_RUN=1            print the plan and the gas estimate; send nothing
 *
 *   CLAIM_DRY_RUN=1 npx hardhat run scripts/claim.ts --network localhost
 *
 * See docs/claim.md. Exits with code 1 when the claim is refused.
 */
import hre, { network } from "hardhat";

import { claimAndClose, type ClaimTaskArguments } from "../tasks/claim.js";

function flag(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "yes"].includes(value.trim().toLowerCase());
}

function text(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

const env = process.env;
const args: ClaimTaskArguments = {
  rewards: text(env.CLAIM_REWARDS),
  account: text(env.CLAIM_ACCOUNT),
  recipient: text(env.CLAIM_RECIPIENT),
  settle: flag(env.CLAIM_SETTLE),
  dryRun: flag(env.CLAIM_DRY_RUN),
  fromBlock: Number(text(env.CLAIM_FROM_BLOCK) ?? "0"),
};
if (!Number.isSafeInteger(args.fromBlock) || args.fromBlock < 0) {
  throw new Error(`CLAIM_FROM_BLOCK is not a block number: ${env.CLAIM_FROM_BLOCK}`);
}

await claimAndClose(await network.create(), args, hre.config.paths.ignition);
