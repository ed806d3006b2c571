/**
 * `register`: stakes `amount` tokens and registers the operator's BLS key with its proof of
 * possession (the EIP-712 message of the stake table's domain, signed under the key), as the
 * `register` task does it. Every check the stake table would revert on is made first, so a
 * refused registration sends nothing; then it approves the stake table (if the allowance is
 * short) and registers.
 */
import { ZeroAddress, formatUnits, type Signer } from "ethers";

import type { SecretKey } from "../protocol/bls.js";
import { OPERATOR_STATUS, registrationKeys } from "../protocol/stake.js";
import { rewardTokenOf } from "./claim.js";
import { parseAddress, type OperatorContracts } from "./deployment.js";
import { OperatorError } from "./errors.js";
import { keyHashOf } from "./keys.js";

export interface RegisterOptions {
  /** Tokens to stake, in the token's smallest unit (default: the table's minimum stake). */
  amount?: bigint;
  /** Who may top up, exit and withdraw, and receives claims (default: the operator). */
  withdrawer?: string;
  /** Check and print, send nothing. */
  dryRun?: boolean;
}

export interface RegisterResult {
  operator: string;
  withdrawer: string;
  amount: bigint;
  publicKeyHash: string;
  /** The first epoch whose stake table counts the stake (absent on a dry run). */
  effectiveEpoch?: bigint;
  transactions: string[];
}

/** Registers `signer` as an operator with `secretKey` (see the file comment). */
export async function registerOperator(
  contracts: OperatorContracts,
  signer: Signer,
  secretKey: SecretKey,
  options: RegisterOptions = {},
  log: (line: string) => void = console.log,
): Promise<RegisterResult> {
  const { table, token } = contracts;
  const provider = signer.provider;
  if (!provider) throw new Error("the signer has no provider");
  const operator = await signer.getAddress();
  const withdrawer =
    options.withdrawer === undefined ? operator : parseAddress(options.withdrawer, "--withdrawer");
  const tableAddress = await table.getAddress();
  const tokenInfo = await rewardTokenOf(contracts.rewards);
  const show = (value: bigint) => `${formatUnits(value, tokenInfo.decimals)} ${tokenInfo.symbol}`;

  const info = await table.operatorInfo(operator);
  if (info.status !== 0n) {
    throw new OperatorError(
      "OperatorAlreadyRegistered",
      `${operator} is already registered (status ${OPERATOR_STATUS[Number(info.status)]})`,
    );
  }
  const publicKeyHash = keyHashOf(secretKey);
  const holder = await table.operatorOfKey(publicKeyHash);
  if (holder !== ZeroAddress) {
    throw new OperatorError(
      "PublicKeyAlreadyRegistered",
      `the BLS key ${publicKeyHash} is registered to ${holder}: generate a new key`,
    );
  }
  const minimum = await table.MINIMUM_STAKE();
  const amount = options.amount ?? minimum;
  if (amount < minimum) {
    throw new OperatorError(
      "StakeBelowMinimum",
      `the stake ${show(amount)} is below the minimum ${show(minimum)}`,
    );
  }
  const balance = await token.balanceOf(operator);
  if (balance < amount) {
    throw new OperatorError(
      "InsufficientBalance",
      `${operator} holds ${show(balance)}, less than the stake ${show(amount)}`,
    );
  }

  const { chainId } = await provider.getNetwork();
  const keys = registrationKeys(secretKey, { chainId, verifyingContract: tableAddress }, operator);
  log(`Stake table ${tableAddress} (chain ${chainId})`);
  log(`Operator ${operator}, withdrawer ${withdrawer}`);
  log(`Stake ${show(amount)} (minimum ${show(minimum)}, balance ${show(balance)})`);
  log(`BLS public key hash ${publicKeyHash} (proof of possession signed for this table)`);
  if (options.dryRun === true) {
    log("Dry run: nothing sent.");
    return { operator, withdrawer, amount, publicKeyHash, transactions: [] };
  }

  const transactions: string[] = [];
  if ((await token.allowance(operator, tableAddress)) < amount) {
    const approve = await token.connect(signer).approve(tableAddress, amount);
    transactions.push(approve.hash);
    await approve.wait();
    log(`Approved the stake table for ${show(amount)}: ${approve.hash}`);
  }
  const tx = await table
    .connect(signer)
    .register(operator, withdrawer, amount, keys.publicKey, keys.proofOfPossession);
  transactions.push(tx.hash);
  const receipt = await tx.wait();
  let effectiveEpoch: bigint | undefined;
  for (const entry of receipt?.logs ?? []) {
    const parsed = table.interface.parseLog(entry);
    if (parsed?.name === "OperatorRegistered")
      effectiveEpoch = parsed.args.effectiveEpoch as bigint;
  }
  log(
    `Registered in block ${receipt?.blockNumber}: ${tx.hash}; the stake counts from epoch ` +
      `${effectiveEpoch}, whose reveal window is the last ${await contracts.election.REVEAL_WINDOW()} ` +
      "blocks before it (run `reveal` then).",
  );
  return { operator, withdrawer, amount, publicKeyHash, effectiveEpoch, transactions };
}
