/**
 * The plain-text summary of a simulation report: fixed-width ASCII tables of block outcomes, the
 * provers per behaviour class, the fairness of honest rewards (Gini), gas and the token totals.
 * Pure: it returns the text and prints nothing. The figures it groups are exported for the HTML
 * page (`src/sim/html.ts`) so both show the same numbers.
 */
import { formatUnits } from "ethers";

import { BEHAVIOR_CLASSES } from "./report.js";
import type { BehaviorClass, BlockOutcome, SimReport } from "./report.js";
import { gini } from "./stats.js";

/** The reward token, as the figures are shown. */
export interface TokenFormat {
  decimals: number;
  symbol: string;
}

/** The block outcomes in display order, with their labels. */
export const BLOCK_OUTCOMES: readonly { outcome: BlockOutcome; label: string }[] = [
  { outcome: "proven", label: "proven" },
  { outcome: "timedOut", label: "timed out" },
  { outcome: "pruned", label: "pruned" },
];

export interface BlockSummary {
  total: number;
  counts: Record<BlockOutcome, number>;
  /** Root proofs per proven block; null when no block was proven. */
  rootProofs: { average: number; min: number; max: number } | null;
}

export interface ClassSummary {
  behavior: BehaviorClass;
  provers: number;
  electedBlocks: number;
  chunksCredited: number;
  rewardsClaimed: bigint;
  slashes: number;
  slashedAmount: bigint;
}

/** Counts per outcome and root proofs per proven block. */
export function summarizeBlocks(report: SimReport): BlockSummary {
  const counts: Record<BlockOutcome, number> = { proven: 0, timedOut: 0, pruned: 0 };
  let proofs = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const block of report.blocks) {
    counts[block.outcome] += 1;
    if (block.outcome !== "proven") continue;
    proofs += block.rootProofs;
    min = Math.min(min, block.rootProofs);
    max = Math.max(max, block.rootProofs);
  }
  const rootProofs = counts.proven === 0 ? null : { average: proofs / counts.proven, min, max };
  return { total: report.blocks.length, counts, rootProofs };
}

/** One row per behaviour class present among the provers, in `BEHAVIOR_CLASSES` order. */
export function summarizeClasses(report: SimReport): ClassSummary[] {
  const rows: ClassSummary[] = [];
  for (const behavior of BEHAVIOR_CLASSES) {
    const provers = report.provers.filter((prover) => prover.behavior === behavior);
    if (provers.length === 0) continue;
    rows.push({
      behavior,
      provers: provers.length,
      electedBlocks: provers.reduce((sum, prover) => sum + prover.electedBlocks, 0),
      chunksCredited: provers.reduce((sum, prover) => sum + prover.chunksCredited, 0),
      rewardsClaimed: provers.reduce((sum, prover) => sum + BigInt(prover.rewardsClaimed), 0n),
      slashes: provers.reduce((sum, prover) => sum + prover.slashReasons.length, 0),
      slashedAmount: provers.reduce((sum, prover) => sum + BigInt(prover.slashedAmount), 0n),
    });
  }
  return rows;
}

/** Rewards claimed by each honest prover, in wei. */
export function honestRewards(report: SimReport): bigint[] {
  return report.provers
    .filter((prover) => prover.behavior === "honest")
    .map((prover) => BigInt(prover.rewardsClaimed));
}

/** Every operation with a gas figure or a transaction count, sorted by name (code units). */
export function gasOperations(
  report: SimReport,
): { operation: string; transactions: number | null; averageGas: number | null }[] {
  const names = new Set([...Object.keys(report.gas), ...Object.keys(report.stats.transactions)]);
  return [...names]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((operation) => ({
      operation,
      transactions: report.stats.transactions[operation] ?? null,
      averageGas: report.gas[operation] ?? null,
    }));
}

/** `1234567` → `"1,234,567"` (rounded to an integer; locale-independent). */
export function formatInteger(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Math.round(value);
  const digits = Math.abs(rounded).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return rounded < 0 ? `-${grouped}` : grouped;
}

/**
 * A wei amount in whole tokens, rounded half up to 2 decimals and grouped by thousands:
 * `1234567890000000000000n` with 18 decimals → `"1,234.57"`.
 */
export function formatTokenAmount(wei: bigint, decimals: number): string {
  const negative = wei < 0n;
  let magnitude = negative ? -wei : wei;
  let places = decimals;
  if (decimals > 2) {
    const scale = 10n ** BigInt(decimals - 2);
    magnitude = (magnitude + scale / 2n) / scale;
    places = 2;
  }
  const [whole, fraction = ""] = formatUnits(magnitude, places).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const text = `${grouped}.${fraction.padEnd(2, "0")}`;
  return negative ? `-${text}` : text;
}

/** A wei amount as a number of tokens, for charts (may lose precision past 2^53). */
export function tokenNumber(wei: bigint, decimals: number): number {
  return Number(formatUnits(wei, decimals));
}

/** The slashes counted per reason, sorted by reason. */
export function slashesByReason(report: SimReport): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const prover of report.provers) {
    for (const reason of prover.slashReasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([reason, count]) => ({ reason, count }));
}

type Align = "left" | "right";

/** A fixed-width table: header, a dashed rule, then the rows; columns two spaces apart. */
function table(headers: readonly string[], align: readonly Align[], rows: string[][]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        align[column] === "right" ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
      )
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)];
}

function indent(lines: readonly string[]): string[] {
  return lines.map((line) => (line === "" ? line : `  ${line}`));
}

/** The plain-text summary of `report`, amounts in `token` units. */
export function formatSummary(report: SimReport, token: TokenFormat): string {
  const amount = (wei: bigint): string => formatTokenAmount(wei, token.decimals);
  const out: string[] = ["Simulation summary", "=================="];

  const blocks = summarizeBlocks(report);
  out.push("", "Blocks");
  out.push(
    ...indent(
      table(
        ["outcome", "blocks"],
        ["left", "right"],
        [
          ...BLOCK_OUTCOMES.map(({ outcome, label }) => [
            label,
            formatInteger(blocks.counts[outcome]),
          ]),
          ["total", formatInteger(blocks.total)],
        ],
      ),
    ),
  );
  out.push(
    blocks.rootProofs === null
      ? "  Root proofs per proven block: n/a (no block proven)"
      : `  Root proofs per proven block: average ${blocks.rootProofs.average.toFixed(2)}, ` +
          `min ${blocks.rootProofs.min}, max ${blocks.rootProofs.max}`,
  );

  out.push("", `Provers by behaviour (amounts in ${token.symbol})`);
  const classes = summarizeClasses(report);
  if (classes.length === 0) {
    out.push("  (no provers)");
  } else {
    out.push(
      ...indent(
        table(
          [
            "behaviour",
            "provers",
            "elected blocks",
            "chunks",
            "rewards claimed",
            "slashes",
            "slashed",
          ],
          ["left", "right", "right", "right", "right", "right", "right"],
          classes.map((row) => [
            row.behavior,
            formatInteger(row.provers),
            formatInteger(row.electedBlocks),
            formatInteger(row.chunksCredited),
            amount(row.rewardsClaimed),
            formatInteger(row.slashes),
            amount(row.slashedAmount),
          ]),
        ),
      ),
    );
  }
  const honest = honestRewards(report);
  out.push(
    honest.length === 0
      ? "  Gini of honest provers' rewards: n/a (no honest provers)"
      : `  Gini of honest provers' rewards: ${gini(honest).toFixed(3)} (${honest.length} provers)`,
  );

  out.push("", "L1 gas");
  out.push(`  Gas per L2 block: ${formatInteger(report.stats.gasPerBlock)}`);
  const operations = gasOperations(report);
  if (operations.length > 0) {
    out.push(
      ...indent(
        table(
          ["operation", "txs", "avg gasUsed"],
          ["left", "right", "right"],
          operations.map((row) => [
            row.operation,
            row.transactions === null ? "-" : formatInteger(row.transactions),
            row.averageGas === null ? "-" : formatInteger(row.averageGas),
          ]),
        ),
      ),
    );
  }

  const failed = Object.entries(report.stats.failedTransactions)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  out.push("", "Failed transactions");
  if (failed.length === 0) {
    out.push("  none");
  } else {
    out.push(
      ...indent(
        table(
          ["operation / error", "count"],
          ["left", "right"],
          failed.map(([key, count]) => [key, formatInteger(count)]),
        ),
      ),
    );
  }

  const totals = report.totals;
  out.push("", `Totals (${token.symbol})`);
  out.push(
    ...indent(
      table(
        ["", "amount"],
        ["left", "right"],
        [
          ["funded", amount(BigInt(totals.rewardsFunded))],
          ["claimed", amount(BigInt(totals.rewardsClaimed))],
          ["burned", amount(BigInt(totals.burned))],
          ["held", amount(BigInt(totals.heldByContracts))],
          ["slashed", amount(BigInt(totals.slashed))],
        ],
      ),
    ),
  );
  out.push(`  conserved: ${totals.conserved ? "yes" : "NO"}`);
  out.push(
    `  honest provers slashed: ${totals.honestSlashed}${totals.honestSlashed === 0 ? "" : " (PROTOCOL FAULT)"}`,
  );
  const failedChecks = Object.entries(totals.checks)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  if (failedChecks.length > 0) out.push(`  failed checks: ${failedChecks.join(", ")}`);

  const stats = report.stats;
  out.push(
    "",
    `Run: ${formatInteger(stats.l1Blocks)} L1 blocks, ${stats.seconds.toFixed(1)} s; ` +
      `chunk messages sent ${formatInteger(stats.messages.sent)}, ` +
      `dropped ${formatInteger(stats.messages.dropped)}`,
  );
  return `${out.join("\n")}\n`;
}
