/**
 * The `reveal` task's action: reveals the signer's VRF proof for the next epoch's committee if it
 * is eligible (see `src/operator/reveal.ts`); the BLS key comes from `--key-file`,
 * `PROVER_BLS_KEY`, or the keystore `register --generate` wrote for the signer in `.prover/`.
 *
 *   npx hardhat reveal --network localhost --key-file .prover/31337-0x….bls.json
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import { revealForNextEpoch, type RevealResult } from "../src/operator/reveal.js";
import {
  loadSecretKey,
  operatorContext,
  runOperatorTask,
  type OperatorTaskArguments,
} from "./common.js";

export interface RevealTaskArguments extends OperatorTaskArguments {
  keyFile?: string;
  epoch: number;
  dryRun: boolean;
}

/** Reveals on an open connection (the task's body). */
export async function revealOnConnection(
  hre: HardhatRuntimeEnvironment,
  connection: NetworkConnection,
  args: RevealTaskArguments,
  log: (line: string) => void = console.log,
): Promise<RevealResult> {
  const { chainId, signer, contracts } = await operatorContext(
    connection,
    args,
    hre.config.paths.ignition,
  );
  const secretKey = await loadSecretKey(hre, args.keyFile, { chainId, operator: signer.address });
  const epoch = args.epoch > 0 ? BigInt(args.epoch) : undefined;
  return revealForNextEpoch(contracts, signer, secretKey, { epoch, dryRun: args.dryRun }, log);
}

export default async function revealTask(
  args: RevealTaskArguments,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runOperatorTask(hre, "reveal", async (connection) => {
    await revealOnConnection(hre, connection, args);
  });
}
