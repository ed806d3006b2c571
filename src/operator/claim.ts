/**
 * Claiming an account's rewards from `ProverRewards`, as the `claim` task and `scripts/claim.ts`
 * do it: read what is claimable per source and where it would go (`claimPlan`), print it
 * (`formatPlan`), optionally settle the epochs that are ready first (`settleReady`), estimate the
 * gas (`estimateClaimGas`), and send (`executeClaim`). `runClaim` chains them. No Hardhat import:
 * everything takes a typechain `ProverRewards` connected to an ethers signer (the sender).
 *
 * Who gets paid (the contract's rule, checked here before anything is sent):
 *   - `claim(account)` is permissionless and pays the operator's withdrawer (from the stake
 *     table), or the account itself when it is not an operator;
 *   - `claimTo(account, recipient)` pays `recipient`, and only that withdrawer (or, for an
 *     account that is not an operator, the account itself) may send it.
 * Balances only include settled epochs; earnings of later epochs show as `unsettledEpochs`.
 */
import {
  Contract,
  formatUnits,
  getAddress,
  type ContractRunner,
  type ContractTransactionReceipt,
  type Provider,
} from "ethers";

import {
  BlockLifecycle__factory,
  CommitteeElection__factory,
  StakeTable__factory,
  type ProverRewards,
} from "../../typechain-types/index.js";
import { settleReadyEpochs } from "../client/settlement.js";
import { parseAddress } from "./deployment.js";
import { OperatorError } from "./errors.js";

export { parseAddress };

/** Claimable balances per source, and their sum. */
export interface ClaimAmounts {
  /** Chunks proved as a committee member. */
  proving: bigint;
  /** Blocks won as a proposer. */
  sequencing: bigint;
  /** Finalizing root proofs submitted. */
  submitting: bigint;
  total: bigint;
}

/** What a claim would do, read from the chain. */
export interface ClaimPlan {
  /** The contract, connected to the signer that sends the claim. */
  rewards: ProverRewards;
  /** The account whose balances are claimed. */
  account: string;
  /** The address that sends the claim. */
  caller: string;
  claimable: ClaimAmounts;
  /** Whether `account` is (or was) registered in the stake table. */
  isOperator: boolean;
  /** Who `claim(account)` pays and who may call `claimTo`: the withdrawer, or the account. */
  withdrawer: string;
  /** Where the tokens go. */
  payee: string;
  method: "claim" | "claimTo";
  /** The first epoch not settled yet (`rewards.nextEpoch()`). */
  nextEpoch: bigint;
  /** Epochs from `nextEpoch` through the current one: their earnings are not claimable yet. */
  unsettledEpochs: bigint;
  /** Of those, the epochs that can be settled now (`settleReady` settles them). */
  readyEpochs: bigint;
  /** The latest L1 block when the plan was read. */
  latestBlock: bigint;
}

/** The reward token's display data. */
export interface TokenInfo {
  address: string;
  symbol: string;
  decimals: number;
}

/** What a sent claim did. */
export interface ClaimResult {
  receipt: ContractTransactionReceipt;
  hash: string;
  gasUsed: bigint;
  /** The amounts paid, from the `Claimed` event. */
  paid: ClaimAmounts;
  payee: string;
  payeeBalanceBefore: bigint;
  payeeBalanceAfter: bigint;
}

export type ClaimErrorCode = "NothingToClaim" | "NotWithdrawer" | "InvalidAddress";

/** A claim refused before anything is sent; `plan` is set when the chain was read. */
export class ClaimError extends OperatorError<ClaimErrorCode> {
  constructor(
    code: ClaimErrorCode,
    message: string,
    readonly plan?: ClaimPlan,
  ) {
    super(code, message);
    this.name = "ClaimError";
  }
}

const ERC20_METADATA_ABI = [
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function balanceOf(address) view returns (uint256)",
];

function providerOf(runner: ContractRunner | null): Provider {
  const provider = runner?.provider;
  if (!provider) throw new Error("the ProverRewards contract is not connected to a provider");
  return provider;
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function amounts(proving: bigint, sequencing: bigint, submitting: bigint): ClaimAmounts {
  return { proving, sequencing, submitting, total: proving + sequencing + submitting };
}

/** The reward token's address, symbol and decimals (`"tokens"` and 18 if it lacks metadata). */
export async function rewardTokenOf(rewards: ProverRewards): Promise<TokenInfo> {
  const address = await rewards.REWARD_TOKEN();
  const token = new Contract(address, ERC20_METADATA_ABI, rewards.runner);
  const symbol = await token
    .getFunction("symbol")
    .staticCall()
    .then((s: unknown) => String(s))
    .catch(() => "tokens");
  const decimals = await token
    .getFunction("decimals")
    .staticCall()
    .then((d: unknown) => Number(d))
    .catch(() => 18);
  return { address, symbol, decimals };
}

async function balanceOf(
  rewards: ProverRewards,
  holder: string,
  blockTag?: number,
): Promise<bigint> {
  const token = new Contract(await rewards.REWARD_TOKEN(), ERC20_METADATA_ABI, rewards.runner);
  const balance: unknown = await token
    .getFunction("balanceOf")
    .staticCall(holder, blockTag === undefined ? {} : { blockTag });
  return BigInt(balance as bigint);
}

/** Epochs not settled yet at `latestBlock`, and how many of them can be settled now. */
async function settlementBacklog(rewards: ProverRewards, latestBlock: bigint) {
  const lifecycle = BlockLifecycle__factory.connect(await rewards.LIFECYCLE(), rewards.runner);
  const [nextEpoch, currentEpoch] = await Promise.all([
    rewards.nextEpoch(),
    lifecycle.currentEpoch(),
  ]);
  const unsettledEpochs = currentEpoch >= nextEpoch ? currentEpoch - nextEpoch + 1n : 0n;
  // settleableAt is linear in the epoch, one epoch length apart (settleReadyEpochs' rule: an
  // epoch is ready once settleableAt <= latest block).
  const [first, second] = await Promise.all([
    rewards.settleableAt(nextEpoch),
    rewards.settleableAt(nextEpoch + 1n),
  ]);
  const readyEpochs = first > latestBlock ? 0n : (latestBlock - first) / (second - first) + 1n;
  return { nextEpoch, unsettledEpochs, readyEpochs };
}

/** "epochs 3..4 are not settled yet (...)", or "" when every ended epoch is settled. */
function unsettledNote(plan: ClaimPlan): string {
  if (plan.unsettledEpochs === 0n) return "";
  const last = plan.nextEpoch + plan.unsettledEpochs - 1n;
  const range =
    last === plan.nextEpoch
      ? `epoch ${last} is not settled yet, so its earnings are`
      : `epochs ${plan.nextEpoch}..${last} are not settled yet, so their earnings are`;
  const ready =
    plan.readyEpochs === 0n
      ? "none can be settled yet"
      : `${plan.readyEpochs} can be settled now: --settle, or CLAIM_SETTLE=1`;
  return `${range} not included (${ready})`;
}

/**
 * Reads what `caller` claiming for `account` would pay and to whom, and validates it: throws a
 * `ClaimError` (with the plan) when there is nothing to claim, or when a `recipient` is named by
 * anyone but the withdrawer (the account itself for an account that is not an operator). A
 * `recipient` equal to the address `claim` pays anyway needs no permission and uses `claim`.
 */
export async function claimPlan(
  rewards: ProverRewards,
  account: string,
  caller: string,
  recipient?: string,
): Promise<ClaimPlan> {
  account = parseAddress(account, "account");
  caller = parseAddress(caller, "caller");
  if (recipient !== undefined) recipient = parseAddress(recipient, "recipient");
  const table = StakeTable__factory.connect(await rewards.STAKE_TABLE(), rewards.runner);
  const latestBlock = BigInt(await providerOf(rewards.runner).getBlockNumber());
  const [balances, info, backlog] = await Promise.all([
    rewards.claimable(account, { blockTag: Number(latestBlock) }),
    table.operatorInfo(account, { blockTag: Number(latestBlock) }),
    settlementBacklog(rewards, latestBlock),
  ]);
  const isOperator = info.status !== 0n; // IStakeTable.Status.None
  const withdrawer = isOperator ? getAddress(info.withdrawer) : account;
  const useClaimTo = recipient !== undefined && !sameAddress(recipient, withdrawer);
  const plan: ClaimPlan = {
    rewards,
    account,
    caller,
    claimable: amounts(balances.proving, balances.sequencing, balances.submitting),
    isOperator,
    withdrawer,
    payee: useClaimTo ? recipient! : withdrawer,
    method: useClaimTo ? "claimTo" : "claim",
    ...backlog,
    latestBlock,
  };
  if (plan.claimable.total === 0n) {
    throw new ClaimError(
      "NothingToClaim",
      `nothing to claim for ${account}: its proving, sequencing and submitting balances are 0` +
        (plan.unsettledEpochs === 0n ? "" : `; ${unsettledNote(plan)}`),
      plan,
    );
  }
  if (plan.method === "claimTo" && !sameAddress(caller, withdrawer)) {
    const whose = isOperator
      ? `the withdrawer of operator ${account}, ${withdrawer}`
      : `the account ${account} itself (it is not an operator)`;
    throw new ClaimError(
      "NotWithdrawer",
      `only ${whose} may name a recipient; the signer ${caller} may not. Claim without a ` +
        `recipient (anyone may; it pays ${withdrawer}) or sign with ${withdrawer}'s key`,
      plan,
    );
  }
  return plan;
}

/** Formats an amount with the token's decimals and symbol. */
export function formatAmount(value: bigint, token: Pick<TokenInfo, "decimals" | "symbol">): string {
  return `${formatUnits(value, token.decimals)} ${token.symbol}`;
}

/** The plan as lines of text: the amounts per source, the payee, the method and the backlog. */
export function formatPlan(plan: ClaimPlan, token: Pick<TokenInfo, "decimals" | "symbol">): string {
  const rows: [string, bigint][] = [
    ["proving", plan.claimable.proving],
    ["sequencing", plan.claimable.sequencing],
    ["submitting", plan.claimable.submitting],
    ["total", plan.claimable.total],
  ];
  const texts = rows.map(([, v]) => formatUnits(v, token.decimals));
  const width = Math.max(...texts.map((t) => t.length));
  const kind = plan.isOperator ? `operator, withdrawer ${plan.withdrawer}` : "not an operator";
  const payeeRole = sameAddress(plan.payee, plan.withdrawer)
    ? plan.isOperator
      ? "the withdrawer"
      : "the account itself"
    : "the named recipient";
  const call =
    plan.method === "claim" ? `claim(${plan.account})` : `claimTo(${plan.account}, ${plan.payee})`;
  const lines = [
    `Claimable by ${plan.account} (${kind}) at block ${plan.latestBlock}:`,
    ...rows.map(([name], i) => `  ${name.padEnd(11)} ${texts[i].padStart(width)} ${token.symbol}`),
    `Payee: ${plan.payee} (${payeeRole})`,
    `Call:  ${call} from ${plan.caller}`,
  ];
  lines.push(
    plan.unsettledEpochs === 0n
      ? `Every epoch through ${plan.nextEpoch - 1n} is settled.`
      : `Pending: ${unsettledNote(plan)}.`,
  );
  return lines.join("\n");
}

/** The gas the claim would use (an `eth_estimateGas` of the exact call; sends nothing). */
export async function estimateClaimGas(plan: ClaimPlan): Promise<bigint> {
  return plan.method === "claim"
    ? plan.rewards.claim.estimateGas(plan.account)
    : plan.rewards.claimTo.estimateGas(plan.account, plan.payee);
}

/** Sends the claim, waits for its receipt and reads what it paid from the `Claimed` event. */
export async function executeClaim(plan: ClaimPlan): Promise<ClaimResult> {
  const payeeBalanceBefore = await balanceOf(plan.rewards, plan.payee);
  const tx =
    plan.method === "claim"
      ? await plan.rewards.claim(plan.account)
      : await plan.rewards.claimTo(plan.account, plan.payee);
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) {
    throw new Error(`claim transaction ${tx.hash} failed`);
  }
  const rewardsAddress = await plan.rewards.getAddress();
  let paid: ClaimAmounts | undefined;
  for (const log of receipt.logs) {
    if (!sameAddress(log.address, rewardsAddress)) continue;
    const parsed = plan.rewards.interface.parseLog(log);
    if (parsed?.name !== "Claimed") continue;
    const [, , proving, sequencing, submitting] = parsed.args as unknown as [
      string,
      string,
      bigint,
      bigint,
      bigint,
    ];
    paid = amounts(proving, sequencing, submitting);
  }
  if (paid === undefined) throw new Error(`claim transaction ${tx.hash} emitted no Claimed event`);
  const payeeBalanceAfter = await balanceOf(plan.rewards, plan.payee, receipt.blockNumber);
  return {
    receipt,
    hash: receipt.hash,
    gasUsed: receipt.gasUsed,
    paid,
    payee: plan.payee,
    payeeBalanceBefore,
    payeeBalanceAfter,
  };
}

/**
 * Settles every epoch that is ready (`settleReadyEpochs`), reading the events from `fromBlock`
 * on. Settlement is permissionless; the signer of `rewards` pays the gas. Returns the epochs.
 */
export async function settleReady(rewards: ProverRewards, fromBlock = 0): Promise<bigint[]> {
  const lifecycle = BlockLifecycle__factory.connect(await rewards.LIFECYCLE(), rewards.runner);
  const election = CommitteeElection__factory.connect(await lifecycle.ELECTION(), rewards.runner);
  const latest = BigInt(await providerOf(rewards.runner).getBlockNumber());
  return settleReadyEpochs(rewards, lifecycle, election, latest, fromBlock);
}

/** Options of a claim run (the `claim` task's options). */
export interface ClaimOptions {
  /** Whose balances; default: the signer. */
  account?: string;
  /** Pay here with `claimTo` (withdrawer only). */
  recipient?: string;
  /** Settle the ready epochs first. */
  settle?: boolean;
  /** Print the plan and the gas estimate; send nothing. */
  dryRun?: boolean;
  /** First L1 block to read settlement events from (the deployment block is enough). */
  fromBlock?: number;
}

/** What a claim run did. */
export interface ClaimRun {
  plan: ClaimPlan;
  token: TokenInfo;
  /** The epochs settled first (empty without `settle` or in a dry run). */
  settled: bigint[];
  /** The gas estimate of the claim. */
  gasEstimate: bigint;
  /** Undefined in a dry run. */
  result?: ClaimResult;
}

/**
 * The whole claim: optionally settle, read and print the plan, estimate the gas, and (unless a
 * dry run) send and print the transaction hash, the gas used and the payee's balance change.
 * `rewards` must be connected to the signer; `log` receives each printed block of lines.
 * Throws a `ClaimError` (after printing the plan, if one was read) when the claim is refused.
 */
export async function runClaim(
  rewards: ProverRewards,
  signerAddress: string,
  options: ClaimOptions = {},
  log: (text: string) => void = console.log,
): Promise<ClaimRun> {
  const account = options.account ?? signerAddress;
  const token = await rewardTokenOf(rewards);
  log(`ProverRewards ${await rewards.getAddress()}, reward token ${token.symbol} ${token.address}`);
  let settled: bigint[] = [];
  if (options.settle && !options.dryRun) {
    settled = await settleReady(rewards, options.fromBlock ?? 0);
    log(
      settled.length === 0
        ? "Settle: no epoch is ready to settle."
        : `Settled epoch${settled.length === 1 ? "" : "s"} ${settled.join(", ")}.`,
    );
  }
  const show = (shown: ClaimPlan) => {
    log(formatPlan(shown, token));
    if (options.settle && options.dryRun && shown.readyEpochs > 0n) {
      log(
        `Dry run: settling would first settle ${shown.readyEpochs} epoch(s), not included above.`,
      );
    }
  };
  let plan: ClaimPlan;
  try {
    plan = await claimPlan(rewards, account, signerAddress, options.recipient);
  } catch (error) {
    if (error instanceof ClaimError && error.plan) show(error.plan);
    throw error;
  }
  show(plan);
  const gasEstimate = await estimateClaimGas(plan);
  if (options.dryRun) {
    log(`Dry run: ${plan.method} would use about ${gasEstimate} gas. Nothing was sent.`);
    return { plan, token, settled, gasEstimate };
  }
  const result = await executeClaim(plan);
  const change = result.payeeBalanceAfter - result.payeeBalanceBefore;
  log(
    [
      `Sent ${plan.method}: tx ${result.hash} (block ${result.receipt.blockNumber})`,
      `  gas used ${result.gasUsed} (estimate ${gasEstimate})`,
      `  paid ${formatAmount(result.paid.total, token)} to ${result.payee}`,
      `  payee balance ${formatAmount(result.payeeBalanceBefore, token)} -> ` +
        `${formatAmount(result.payeeBalanceAfter, token)} ` +
        `(${change < 0n ? "" : "+"}${formatAmount(change, token)})`,
    ].join("\n"),
  );
  return { plan, token, settled, gasEstimate, result };
}
