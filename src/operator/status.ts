/**
 * `status`: what an operator needs to know about itself, read from the chain's views and events:
 * its stake and exit, its next elections (the reveal window, whether it revealed, whether it sits
 * on the current committee), the chunks credited to it by accepted root records, its claimable
 * rewards per source, its inactivity streak, and every slash it suffered. Sends nothing.
 */
import { formatUnits, getBytes, keccak256, toUtf8Bytes, type Provider } from "ethers";

import { chunksCredited } from "../protocol/lifecycle.js";
import { OPERATOR_STATUS, type OperatorStatus } from "../protocol/stake.js";
import { rewardTokenOf, type TokenInfo } from "./claim.js";
import type { OperatorContracts } from "./deployment.js";

/** One epoch of the operator's committee history. */
export interface EpochCredit {
  epoch: bigint;
  /** The operator's index in the committee. */
  index: number;
  /** Chunks credited by the epoch's accepted root records (settlement may still reject one). */
  chunks: number;
  /** Accepted root records of the epoch. */
  roots: number;
  /** Whether `settleEpoch` has paid the epoch. */
  settled: boolean;
}

export interface Slash {
  block: number;
  amount: bigint;
  /** INACTIVITY, INVALID_CHUNK_OUTPUT, EQUIVOCATION, or the raw reason hash. */
  reason: string;
}

export interface OperatorStatusReport {
  operator: string;
  status: OperatorStatus;
  withdrawer: string;
  balance: bigint;
  exitEpoch: bigint;
  withdrawableAt: bigint;
  publicKeyHash?: string;
  latestBlock: bigint;
  currentEpoch: bigint;
  stakeNow: bigint;
  stakeNext: bigint;
  /** The next epoch's election. */
  next: {
    epoch: bigint;
    opensAt: bigint;
    closesAt: bigint;
    revealed: boolean;
  };
  /** Whether the operator sits on the current epoch's committee (if it is sealed). */
  currentMember: boolean | null;
  committees: EpochCredit[];
  chunksCredited: number;
  claimable: { proving: bigint; sequencing: bigint; submitting: bigint };
  missStreak: bigint;
  pendingInactivitySlashes: bigint;
  slashes: Slash[];
  token: TokenInfo;
}

const REASONS = ["INACTIVITY", "INVALID_CHUNK_OUTPUT", "EQUIVOCATION"];
const REASON_NAMES = new Map(REASONS.map((r) => [keccak256(toUtf8Bytes(r)), r]));

function providerOf(contracts: OperatorContracts): Provider {
  const provider = contracts.table.runner?.provider;
  if (!provider) throw new Error("the contracts are not connected to a provider");
  return provider;
}

/** Reads `operator`'s status; events are read from L1 block `fromBlock` on. */
export async function readOperatorStatus(
  contracts: OperatorContracts,
  operator: string,
  fromBlock = 0,
): Promise<OperatorStatusReport> {
  const { table, election, lifecycle, rewards } = contracts;
  const latestBlock = BigInt(await providerOf(contracts).getBlockNumber());
  const info = await table.operatorInfo(operator);
  const currentEpoch = await table.currentEpoch();
  const registered = await table.queryFilter(table.filters.OperatorRegistered(operator), fromBlock);
  const publicKeyHash = registered.at(-1)?.args.publicKeyHash;
  const nextEpoch = currentEpoch + 1n;
  const [opensAt, closesAt] = await election.revealWindow(nextEpoch);
  const revealed =
    publicKeyHash === undefined ? false : await election.hasRevealed(publicKeyHash, nextEpoch);

  // Committees the operator sat on, and the chunks their accepted root records credit it with.
  const slotsPerEpoch = await rewards.SLOTS_PER_EPOCH();
  const settledBefore = await rewards.nextEpoch();
  const committees = new Map<bigint, EpochCredit>();
  for (const log of await election.queryFilter(election.filters.CommitteeSealed(), fromBlock)) {
    const index = log.args.members.findIndex((m) => m.toLowerCase() === operator.toLowerCase());
    if (index < 0) continue;
    const epoch = log.args.epoch;
    committees.set(epoch, { epoch, index, chunks: 0, roots: 0, settled: epoch < settledBefore });
  }
  for (const log of await lifecycle.queryFilter(lifecycle.filters.RootProofAccepted(), fromBlock)) {
    const credit = committees.get(log.args.slot / slotsPerEpoch);
    if (credit === undefined) continue;
    credit.roots += 1;
    credit.chunks += chunksCredited(getBytes(log.args.record)).get(credit.index) ?? 0;
  }
  const currentSealed = await election.isSealed(currentEpoch);
  const slashes: Slash[] = (
    await table.queryFilter(table.filters.Slashed(operator), fromBlock)
  ).map((log) => ({
    block: log.blockNumber,
    amount: log.args.amount,
    reason: REASON_NAMES.get(log.args.reason) ?? log.args.reason,
  }));
  const owed = await rewards.claimable(operator);
  const [missStreak, pendingInactivitySlashes] = await rewards.inactivityOf(operator);
  const history = [...committees.values()].sort((a, b) => (a.epoch < b.epoch ? -1 : 1));
  return {
    operator,
    status: OPERATOR_STATUS[Number(info.status)],
    withdrawer: info.withdrawer,
    balance: info.balance,
    exitEpoch: info.exitEpoch,
    withdrawableAt: info.withdrawableAt,
    publicKeyHash,
    latestBlock,
    currentEpoch,
    stakeNow: await table.stakeAt(operator, currentEpoch),
    stakeNext: await table.stakeAt(operator, nextEpoch),
    next: { epoch: nextEpoch, opensAt, closesAt, revealed },
    currentMember: currentSealed ? committees.has(currentEpoch) : null,
    committees: history,
    chunksCredited: history.reduce((sum, c) => sum + c.chunks, 0),
    claimable: { proving: owed.proving, sequencing: owed.sequencing, submitting: owed.submitting },
    missStreak,
    pendingInactivitySlashes,
    slashes,
    token: await rewardTokenOf(rewards),
  };
}

/** The report as the `status` task prints it. */
export function formatStatus(r: OperatorStatusReport): string {
  const show = (v: bigint) => `${formatUnits(v, r.token.decimals)} ${r.token.symbol}`;
  const next = r.latestBlock + 1n;
  const window =
    next < r.next.opensAt
      ? `opens in ${r.next.opensAt - next} blocks`
      : next <= r.next.closesAt
        ? "open now"
        : "closed";
  const lines = [
    `Operator ${r.operator}: ${r.status}, withdrawer ${r.withdrawer}`,
    `  BLS key hash     ${r.publicKeyHash ?? "(not registered)"}`,
    `  balance          ${show(r.balance)}`,
    `  stake counted    epoch ${r.currentEpoch}: ${show(r.stakeNow)}; epoch ${r.next.epoch}: ${show(r.stakeNext)}`,
  ];
  if (r.status === "Exiting") {
    lines.push(
      `  exit             out from epoch ${r.exitEpoch}; withdrawable at block ${r.withdrawableAt}`,
    );
  }
  lines.push(
    `  L1 block         ${r.latestBlock} (epoch ${r.currentEpoch})`,
    `  committee now    ${r.currentMember === null ? "not sealed" : r.currentMember ? "member" : "not a member"}`,
    `  next election    epoch ${r.next.epoch}: reveal window blocks ${r.next.opensAt}-${r.next.closesAt} (${window}); ${r.next.revealed ? "revealed" : "not revealed"}`,
    `  committees       ${r.committees.length} epochs; ${r.chunksCredited} chunks credited by accepted root records`,
  );
  for (const c of r.committees) {
    lines.push(
      `    epoch ${c.epoch}: index ${c.index}, ${c.chunks} chunks in ${c.roots} roots${c.settled ? " (settled)" : " (not settled yet)"}`,
    );
  }
  lines.push(
    `  claimable        proving ${show(r.claimable.proving)}, sequencing ${show(r.claimable.sequencing)}, submitting ${show(r.claimable.submitting)}`,
    `  inactivity       ${r.missStreak} missed blocks in a row; ${r.pendingInactivitySlashes} slashes pending`,
    `  slashes          ${r.slashes.length === 0 ? "none" : ""}`,
  );
  for (const s of r.slashes) lines.push(`    block ${s.block}: ${show(s.amount)} (${s.reason})`);
  return lines.join("\n");
}
