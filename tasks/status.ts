/**
 * The `status` task's action: prints an operator's stake, next elections, credited chunks,
 * claimable rewards and slashes (see `src/operator/status.ts`). Sends nothing.
 *
 *   npx hardhat status --network localhost [--operator <address>] [--from-block <n>]
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import { parseAddress } from "../src/operator/deployment.js";
import {
  formatStatus,
  readOperatorStatus,
  type OperatorStatusReport,
} from "../src/operator/status.js";
import { operatorContext, runOperatorTask, type OperatorTaskArguments } from "./common.js";

export interface StatusTaskArguments extends OperatorTaskArguments {
  operator?: string;
  fromBlock: number;
}

/** Reads and prints the status on an open connection (the task's body). */
export async function statusOnConnection(
  hre: HardhatRuntimeEnvironment,
  connection: NetworkConnection,
  args: StatusTaskArguments,
  log: (line: string) => void = console.log,
): Promise<OperatorStatusReport> {
  const { signer, contracts } = await operatorContext(connection, args, hre.config.paths.ignition);
  const operator =
    args.operator === undefined || args.operator === ""
      ? signer.address
      : parseAddress(args.operator, "--operator");
  const report = await readOperatorStatus(contracts, operator, args.fromBlock);
  log(formatStatus(report));
  return report;
}

export default async function statusTask(
  args: StatusTaskArguments,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await runOperatorTask(hre, "status", async (connection) => {
    await statusOnConnection(hre, connection, args);
  });
}
