/**
 * What every operator task (`register`, `status`, `reveal`, `exit`, `claim`) does before its own
 * work: open a connection to the selected network, pick the signer (`--signer`, else the
 * network's first account), find the deployment (`--rewards`, else Ignition's record for the
 * chain in `deploy/deployments/`), and load the BLS key (`--key-file`, else `PROVER_BLS_KEY` from
 * the environment or the Hardhat keystore). A refusal (`OperatorError`) prints why and sets exit
 * code 1 with nothing sent; the connection is always closed.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { configVariable } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import {
  connectDeployment,
  parseAddress,
  resolveRewardsAddress,
  type OperatorContracts,
} from "../src/operator/deployment.js";
import { OperatorError } from "../src/operator/errors.js";
import { BLS_KEY_VARIABLE, parseSecretKey, readKeyFile } from "../src/operator/keys.js";
import type { SecretKey } from "../src/protocol/bls.js";

/** Options every operator task takes. */
export interface OperatorTaskArguments {
  rewards?: string;
  signer?: string;
}

/** What an operator task works with. */
export interface OperatorContext {
  connection: NetworkConnection;
  chainId: bigint;
  signer: HardhatEthersSigner;
  contracts: OperatorContracts;
}

/** The network's account `wanted` (an address), or its first account. */
export async function pickSigner(
  connection: Pick<NetworkConnection, "ethers" | "networkName">,
  wanted: string | undefined,
): Promise<HardhatEthersSigner> {
  const signers = await connection.ethers.getSigners();
  if (signers.length === 0) {
    throw new OperatorError(
      "NoSigner",
      `network ${connection.networkName} has no accounts configured to sign with`,
    );
  }
  if (wanted === undefined || wanted === "") return signers[0];
  const address = parseAddress(wanted, "--signer");
  const signer = signers.find((s) => s.address.toLowerCase() === address.toLowerCase());
  if (signer === undefined) {
    throw new OperatorError(
      "UnknownSigner",
      `${address} is not an account of network ${connection.networkName}`,
    );
  }
  return signer;
}

/** Opens the operator context on `connection` (see the file comment). */
export async function operatorContext(
  connection: NetworkConnection,
  args: OperatorTaskArguments,
  ignitionDir: string,
): Promise<OperatorContext> {
  const chainId = (await connection.ethers.provider.getNetwork()).chainId;
  const signer = await pickSigner(connection, args.signer);
  const rewards = await resolveRewardsAddress(
    {
      networkName: connection.networkName,
      networkType: connection.networkConfig.type,
      chainId,
      ignitionDir,
    },
    args.rewards,
  );
  const contracts = await connectDeployment(rewards, signer);
  return { connection, chainId, signer, contracts };
}

/**
 * The operator's BLS secret key: from `keyFile` if given, else the `PROVER_BLS_KEY`
 * configuration variable (environment first, then the Hardhat keystore).
 */
export async function loadSecretKey(
  hre: HardhatRuntimeEnvironment,
  keyFile: string | undefined,
): Promise<SecretKey> {
  if (keyFile !== undefined && keyFile !== "") return readKeyFile(keyFile);
  const fromEnv = process.env[BLS_KEY_VARIABLE];
  const value =
    fromEnv ??
    (await hre.hooks.runHandlerChain(
      "configurationVariables",
      "fetchValue",
      [configVariable(BLS_KEY_VARIABLE)],
      async () => {
        throw new OperatorError(
          "NoBlsKey",
          `no BLS key: pass --key-file <file> or set ${BLS_KEY_VARIABLE} ` +
            `(npx hardhat keystore set ${BLS_KEY_VARIABLE}, or the environment variable)`,
        );
      },
    ));
  return parseSecretKey(value, BLS_KEY_VARIABLE);
}

/**
 * Runs an operator task's body on `connection` and closes it; an {@link OperatorError} is printed
 * as `<task> refused (<code>): <why>. Nothing was sent.` with exit code 1.
 */
export async function refuseOnOperatorError<Connection extends { close(): Promise<void> }>(
  task: string,
  connection: Connection,
  body: (connection: Connection) => Promise<void>,
): Promise<void> {
  try {
    await body(connection);
  } catch (error) {
    if (!(error instanceof OperatorError)) throw error;
    console.error(`${task} refused (${error.code}): ${error.message}. Nothing was sent.`);
    process.exitCode = 1;
  } finally {
    await connection.close();
  }
}

/** {@link refuseOnOperatorError} on a fresh connection to the selected network. */
export async function runOperatorTask(
  hre: HardhatRuntimeEnvironment,
  task: string,
  body: (connection: NetworkConnection) => Promise<void>,
): Promise<void> {
  await refuseOnOperatorError(task, await hre.network.create(), body);
}
