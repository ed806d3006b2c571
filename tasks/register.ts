/**
 * The `register` task's action: stakes and registers the signer's BLS key (see
 * `src/operator/register.ts`). The key is generated into a key file (`--generate`), read from
 * `--key-file`, or taken from `PROVER_BLS_KEY` (environment or Hardhat keystore).
 *
 *   npx hardhat register --network localhost --generate [--stake 150] [--withdrawer <address>]
 */
import path from "node:path";

import { generateSecretKey } from "../src/protocol/bls.js";
import { rewardTokenOf } from "../src/operator/claim.js";
import { OperatorError } from "../src/operator/errors.js";
import { writeKeyFile } from "../src/operator/keys.js";
import { registerOperator, type RegisterResult } from "../src/operator/register.js";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import { parseUnits } from "ethers";

import {
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

/** The default key file of a generated key: `.prover/<chainId>-<operator>.bls.json`. */
export function defaultKeyFile(root: string, chainId: bigint, operator: string): string {
  return path.join(root, ".prover", `${chainId}-${operator}.bls.json`);
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
  let secretKey;
  if (args.generate) {
    const file = args.keyFile || defaultKeyFile(hre.config.paths.root, chainId, signer.address);
    secretKey = generateSecretKey();
    if (!args.dryRun) {
      const written = await writeKeyFile(file, secretKey);
      log(`Generated a BLS key (public key hash ${written.publicKeyHash}) into ${file}.`);
      log("Back it up: revealing and proving need it, and it cannot be recovered from the chain.");
    }
  } else {
    secretKey = await loadSecretKey(hre, args.keyFile);
  }
  return registerOperator(
    contracts,
    signer,
    secretKey,
    { amount, withdrawer: args.withdrawer || undefined, dryRun: args.dryRun },
    log,
  );
}

export default async function registerTask(
  args: RegisterTaskArguments,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runOperatorTask(hre, "register", async (connection) => {
    await registerOnConnection(hre, connection, args);
  });
}
