/**
 * Block-explorer verification of a recorded Ignition deployment (`npm run deploy -- --verify`):
 * every contract in deploy/deployments/<id>/ is verified with hardhat-verify's `verifyContract`
 * on Etherscan (the API key is the `ETHERSCAN_API_KEY` configuration variable of
 * hardhat.config.ts: the Hardhat keystore or the environment), with the constructor arguments and
 * libraries Ignition recorded.
 */
import { getVerificationInformation } from "@nomicfoundation/ignition-core";
import type { VerifyContractArgs } from "@nomicfoundation/hardhat-verify/verify";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

/** One planned verification: Ignition's record of a deployed contract. */
export type PlannedVerification = Required<
  Pick<VerifyContractArgs, "address" | "contract" | "constructorArgs" | "libraries">
> &
  Pick<VerifyContractArgs, "creationTxHash">;

/** The verifications a deployment needs: one per contract Ignition deployed, in journal order. */
export async function planVerification(deploymentDir: string): Promise<PlannedVerification[]> {
  const planned: PlannedVerification[] = [];
  for await (const info of getVerificationInformation(deploymentDir)) {
    if (typeof info === "string") {
      throw new Error(`${info} was deployed from an external artifact and cannot be verified`);
    }
    planned.push({
      address: info.address,
      contract: info.contract,
      constructorArgs: info.constructorArgs,
      libraries: info.libraries,
      creationTxHash: info.creationTxHash,
    });
  }
  return planned;
}

export type VerifyFunction = (
  args: VerifyContractArgs,
  hre: HardhatRuntimeEnvironment,
) => Promise<boolean>;

/**
 * Verifies every contract of the deployment on Etherscan, one after another. `verify` is
 * hardhat-verify's `verifyContract` unless a caller (a test, a dry run) passes its own.
 */
export async function verifyDeployment(
  hre: HardhatRuntimeEnvironment,
  deploymentDir: string,
  options: { verify?: VerifyFunction; log?: (line: string) => void } = {},
): Promise<{ planned: PlannedVerification[]; verified: number }> {
  const log = options.log ?? console.log;
  const verify =
    options.verify ?? (await import("@nomicfoundation/hardhat-verify/verify")).verifyContract;
  const planned = await planVerification(deploymentDir);
  let verified = 0;
  for (const item of planned) {
    log(`verifying ${item.contract} at ${item.address} on Etherscan ...`);
    if (await verify({ ...item, provider: "etherscan" }, hre)) verified++;
    else log(`  ${item.contract} at ${item.address} was not verified`);
  }
  return { planned, verified };
}
