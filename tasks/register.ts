/**
 * The `register` task's action: stakes and registers the signer's BLS key (see
 * `src/operator/register.ts`). The key is generated (`--generate`) into an EIP-2335 keystore
 * (default `.prover/<chainId>-<operator>.keystore.json`, password from `PROVER_BLS_PASSWORD` or a
 * prompt; a `--key-file` named `*.bls.json` keeps the plaintext legacy format, with a warning),
 * read from `--key-file`, or taken from `PROVER_BLS_KEY` (environment or Hardhat keystore).
 *
 *   npx hardhat register --network localhost --generate [--stake 150] [--withdrawer <address>]
 */
import path from "node:path";

import { generateSecretKey } from "../src/protocol/bls.js";
import { rewardTokenOf } from "../src/operator/claim.js";
import { OperatorError } from "../src/operator/errors.js";
import { writeKeyFile } from "../src/operator/keys.js";
import {
  createKeystore,
  defaultKeystoreFile,
  isLegacyKeyFileName,
  writeKeystore,
} from "../src/node/keystore.js";
import { access } from "node:fs/promises";
import { registerOperator, type RegisterResult } from "../src/operator/register.js";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import { parseUnits } from "ethers";

import {
  keystorePassword,
  loadSecretKey,
  operatorContext,
  runOperatorTask,
  type OperatorTaskArguments,
} from "./common.js";

export interface RegisterTaskArguments extends OperatorTaskArguments {
  keyFile?: string;
  generate: boolean;
  stake?: string;
  withdrawer?: string;
  dryRun: boolean;
}

/** The legacy plaintext key file of a generated key: `.prover/<chainId>-<operator>.bls.json`. */
export function defaultKeyFile(root: string, chainId: bigint, operator: string): string {
  return path.join(root, ".prover", `${chainId}-${operator}.bls.json`);
}

/** Whether `file` exists. */
async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Registers on an open connection (the task's body; the end-to-end test calls it too). */
export async function registerOnConnection(
  hre: HardhatRuntimeEnvironment,
  connection: NetworkConnection,
  args: RegisterTaskArguments,
  log: (line: string) => void = console.log,
): Promise<RegisterResult> {
  const { chainId, signer, contracts } = await operatorContext(
    connection,
    args,
    hre.config.paths.ignition,
  );
  let amount: bigint | undefined;
  if (args.stake !== undefined && args.stake !== "") {
    const { decimals } = await rewardTokenOf(contracts.rewards);
    try {
      amount = parseUnits(args.stake, decimals);
    } catch {
      throw new OperatorError("InvalidAmount", `--stake is not a token amount: ${args.stake}`);
    }
  }
  const options = { amount, withdrawer: args.withdrawer || undefined, dryRun: args.dryRun };
  let secretKey;
  if (args.generate) {
    const file =
      args.keyFile || defaultKeystoreFile(hre.config.paths.root, chainId, signer.address);
    secretKey = generateSecretKey();
    // Everything that can be checked is checked before the key is written and the stake sent:
    // the file, the password, the keystore's round trip, and every check of the registration.
    if (await exists(file)) {
      throw new OperatorError("KeyFileExists", `${file} exists; it is never overwritten`);
    }
    const legacy = isLegacyKeyFileName(file);
    let password = "";
    if (!legacy) {
      password = await keystorePassword(hre, `new keystore ${file}`);
      await createKeystore(secretKey, password);
    }
    if (args.dryRun) return registerOperator(contracts, signer, secretKey, options, log);
    await registerOperator(contracts, signer, secretKey, { ...options, dryRun: true }, () => {});
    if (legacy) {
      const written = await writeKeyFile(file, secretKey);
      log(`Generated a BLS key (public key hash ${written.publicKeyHash}) into ${file}.`);
      log(
        "warning: a *.bls.json key file is plaintext; without --key-file the key goes into an " +
          "EIP-2335 keystore.",
      );
    } else {
      const written = await writeKeystore(file, secretKey, password);
      log(
        `Generated a BLS key (public key hash ${written.publicKeyHash}) into the EIP-2335 ` +
          `keystore ${file}.`,
      );
    }
    log("Back it up: revealing and proving need it, and it cannot be recovered from the chain.");
  } else {
    secretKey = await loadSecretKey(hre, args.keyFile, { chainId, operator: signer.address });
  }
  return registerOperator(contracts, signer, secretKey, options, log);
}

export default async function registerTask(
  args: RegisterTaskArguments,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runOperatorTask(hre, "register", async (connection) => {
    await registerOnConnection(hre, connection, args);
  });
}
