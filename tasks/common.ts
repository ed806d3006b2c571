/**
 * What every operator task (`register`, `status`, `reveal`, `exit`, `claim`) does before its own
 * work: open a connection to the selected network, pick the signer (`--signer`, else the
 * network's first account), find the deployment (`--rewards`, else Ignition's record for the
 * chain in `deploy/deployments/`), and load the BLS key (`--key-file`, else `PROVER_BLS_KEY` from
 * the environment or the Hardhat keystore, else the key file `register --generate` wrote for the
 * signer in `.prover/`). A key file is an EIP-2335 keystore (its password from
 * `PROVER_BLS_PASSWORD`: the environment, the Hardhat keystore, or a prompt on a terminal) or a
 * plaintext version-1 file, which loads with a warning. A refusal (`OperatorError`) prints why and sets exit
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
import { BLS_KEY_VARIABLE, parseSecretKey } from "../src/operator/keys.js";
import {
  KEYSTORE_PASSWORD_VARIABLE,
  findOperatorKeyFile,
  isKeystoreText,
  loadBlsKeyFile,
  promptPassword,
} from "../src/node/keystore.js";
import { readFile } from "node:fs/promises";
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

/** A configuration variable from the environment, else the Hardhat keystore (undefined if neither). */
async function configurationValue(
  hre: HardhatRuntimeEnvironment,
  name: string,
): Promise<string | undefined> {
  const fromEnv = process.env[name];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  try {
    const value = await hre.hooks.runHandlerChain(
      "configurationVariables",
      "fetchValue",
      [configVariable(name)],
      async () => "",
    );
    return value === "" ? undefined : value;
  } catch (error) {
    // The keystore plugin refuses a key it does not hold (HHE50002); anything else propagates.
    if (error instanceof Error && /not found in the (development )?keystore/i.test(error.message)) {
      return undefined;
    }
    throw error;
  }
}

/**
 * The password of the operator's EIP-2335 keystore: `PROVER_BLS_PASSWORD` from the environment or
 * the Hardhat keystore, else asked for on the terminal; `NoPassword` if none of them has one.
 */
export async function keystorePassword(
  hre: HardhatRuntimeEnvironment,
  purpose: string,
): Promise<string> {
  const value =
    (await configurationValue(hre, KEYSTORE_PASSWORD_VARIABLE)) ??
    (await promptPassword(`Password of the BLS keystore (${purpose}): `));
  if (value === undefined || value === "") {
    throw new OperatorError(
      "NoPassword",
      `no keystore password: set ${KEYSTORE_PASSWORD_VARIABLE} (environment, or npx hardhat ` +
        `keystore set ${KEYSTORE_PASSWORD_VARIABLE}), or run on a terminal to be asked`,
    );
  }
  return value;
}

/**
 * The operator's BLS secret key: from `keyFile` if given, else the `PROVER_BLS_KEY`
 * configuration variable (environment first, then the Hardhat keystore), else the key file
 * `register --generate` wrote for `operator` on `chainId` under the project's `.prover/`.
 */
export async function loadSecretKey(
  hre: HardhatRuntimeEnvironment,
  keyFile: string | undefined,
  signer?: { chainId: bigint; operator: string },
): Promise<SecretKey> {
  const warn = (message: string) => console.warn(`warning: ${message}`);
  const fromFile = async (file: string) => {
    const text = await readFile(file, "utf8").catch(() => "");
    const password = isKeystoreText(text) ? await keystorePassword(hre, file) : "";
    return loadBlsKeyFile(
      file,
      { passwordEnv: undefined, passwordFile: undefined, password },
      warn,
    );
  };
  if (keyFile !== undefined && keyFile !== "") return fromFile(keyFile);
  const value = await configurationValue(hre, BLS_KEY_VARIABLE);
  if (value !== undefined) return parseSecretKey(value, BLS_KEY_VARIABLE);
  if (signer !== undefined) {
    const found = await findOperatorKeyFile(hre.config.paths.root, signer.chainId, signer.operator);
    if (found !== undefined) return fromFile(found);
  }
  throw new OperatorError(
    "NoBlsKey",
    `no BLS key: pass --key-file <file> or set ${BLS_KEY_VARIABLE} ` +
      `(npx hardhat keystore set ${BLS_KEY_VARIABLE}, or the environment variable)` +
      (signer === undefined
        ? ""
        : `, or register with --generate (writes .prover/${signer.chainId}-${signer.operator}.keystore.json)`),
  );
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
