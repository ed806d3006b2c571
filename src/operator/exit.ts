/**
 * `exit`: the withdrawer starts an operator's exit (`initiateExit`: it leaves the active set at
 * its exit epoch and its balance stays slashable for the exit delay), or finalizes it once the
 * delay has passed (`finalizeExit`: the balance, less any slash, goes to the recipient). Every
 * check the stake table would revert on is made first; a refused exit sends nothing.
 */
import { formatUnits, type Signer } from "ethers";

import { OPERATOR_STATUS } from "../protocol/stake.js";
import { rewardTokenOf } from "./claim.js";
import { parseAddress, type OperatorContracts } from "./deployment.js";
import { OperatorError } from "./errors.js";

export interface ExitOptions {
  /** The operator to exit (default: the signer). The signer must be its withdrawer. */
  operator?: string;
  /** Finalize instead of start. */
  finalize?: boolean;
  /** Where a finalized exit pays (default: the withdrawer). */
  recipient?: string;
  dryRun?: boolean;
}

export interface ExitResult {
  operator: string;
  action: "initiate" | "finalize";
  transaction?: string;
  /** Initiate: first epoch outside the active set. */
  exitEpoch?: bigint;
  /** Initiate: first block at which finalize succeeds. */
  withdrawableAt?: bigint;
  /** Finalize: tokens paid. */
  paid?: bigint;
}

/** Starts or finalizes an exit (see the file comment). */
export async function exitOperator(
  contracts: OperatorContracts,
  signer: Signer,
  options: ExitOptions = {},
  log: (line: string) => void = console.log,
): Promise<ExitResult> {
  const { table } = contracts;
  const provider = signer.provider;
  if (!provider) throw new Error("the signer has no provider");
  const caller = await signer.getAddress();
  const operator =
    options.operator === undefined ? caller : parseAddress(options.operator, "--operator");
  const token = await rewardTokenOf(contracts.rewards);
  const show = (value: bigint) => `${formatUnits(value, token.decimals)} ${token.symbol}`;
  const info = await table.operatorInfo(operator);
  const status = OPERATOR_STATUS[Number(info.status)];
  if (info.withdrawer.toLowerCase() !== caller.toLowerCase() && status !== "None") {
    throw new OperatorError(
      "CallerNotWithdrawer",
      `only ${operator}'s withdrawer ${info.withdrawer} may exit it; the signer is ${caller}`,
    );
  }
  const next = BigInt(await provider.getBlockNumber()) + 1n;

  if (options.finalize !== true) {
    if (status !== "Active") {
      throw new OperatorError("OperatorNotActive", `${operator} is ${status}, not Active`);
    }
    log(`Operator ${operator}: starting its exit with a balance of ${show(info.balance)}.`);
    if (options.dryRun === true) {
      log("Dry run: nothing sent.");
      return { operator, action: "initiate" };
    }
    const tx = await table.connect(signer).initiateExit(operator);
    await tx.wait();
    const after = await table.operatorInfo(operator);
    log(
      `Exit started: ${tx.hash}. Out of the active set from epoch ${after.exitEpoch}; the ` +
        `balance stays slashable until block ${after.withdrawableAt}, then run exit --finalize.`,
    );
    return {
      operator,
      action: "initiate",
      transaction: tx.hash,
      exitEpoch: after.exitEpoch,
      withdrawableAt: after.withdrawableAt,
    };
  }

  if (status !== "Exiting") {
    throw new OperatorError("OperatorNotExiting", `${operator} is ${status}, not Exiting`);
  }
  if (next < info.withdrawableAt) {
    throw new OperatorError(
      "ExitNotReady",
      `${operator} can finalize from block ${info.withdrawableAt}; the next block is ${next}`,
    );
  }
  const recipient =
    options.recipient === undefined ? caller : parseAddress(options.recipient, "--recipient");
  log(`Operator ${operator}: finalizing its exit, paying ${show(info.balance)} to ${recipient}.`);
  if (options.dryRun === true) {
    log("Dry run: nothing sent.");
    return { operator, action: "finalize" };
  }
  const tx = await table.connect(signer).finalizeExit(operator, recipient);
  const receipt = await tx.wait();
  let paid = 0n;
  for (const entry of receipt?.logs ?? []) {
    const parsed = table.interface.parseLog(entry);
    if (parsed?.name === "ExitFinalized") paid = parsed.args.amount as bigint;
  }
  log(`Exit finalized: ${tx.hash}; ${show(paid)} paid to ${recipient}.`);
  return { operator, action: "finalize", transaction: tx.hash, paid };
}
