/**
 * The `exit` task's action: the withdrawer starts an operator's exit, or finalizes it with
 * `--finalize` once the exit delay has passed (see `src/operator/exit.ts`).
 *
 *   npx hardhat exit --network localhost [--operator <address>]
 *   npx hardhat exit --network localhost --finalize [--recipient <address>]
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import { exitOperator, type ExitResult } from "../src/operator/exit.js";
import { operatorContext, runOperatorTask, type OperatorTaskArguments } from "./common.js";

export interface ExitTaskArguments extends OperatorTaskArguments {
  operator?: string;
  recipient?: string;
  finalize: boolean;
  dryRun: boolean;
}

/** Starts or finalizes an exit on an open connection (the task's body). */
export async function exitOnConnection(
  hre: HardhatRuntimeEnvironment,
  connection: NetworkConnection,
  args: ExitTaskArguments,
  log: (line: string) => void = console.log,
): Promise<ExitResult> {
  const { signer, contracts } = await operatorContext(connection, args, hre.config.paths.ignition);
  return exitOperator(
    contracts,
    signer,
    {
      operator: args.operator || undefined,
      recipient: args.recipient || undefined,
      finalize: args.finalize,
      dryRun: args.dryRun,
    },
    log,
  );
}

export default async function exitTask(
  args: ExitTaskArguments,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runOperatorTask(hre, "exit", async (connection) => {
    await exitOnConnection(hre, connection, args);
  });
}
