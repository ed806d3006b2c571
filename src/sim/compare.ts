/**
 * `npm run sim -- compare`: one workload run under every assignment policy, side by side.
 *
 * Every run gets the same options (seed, provers, stakes, faults, network model, sizes) except
 * `policy`; each runs on a fresh in-process network (`runSimulation`). The metrics are read from
 * each run's report, which is itself read from chain state and events after the run:
 *
 * - blocks proven / timed out / pruned;
 * - redundant chunks: chunks computed that earned nothing (the report's `redundantChunks` when the
 *   simulator reports it, otherwise a chain-derived approximation, marked as such);
 * - the Gini coefficient of the honest provers' claimed rewards;
 * - the largest prover operator's share of what the provers claimed, and the sequencer's share of
 *   everything claimed (it is one operator that earns every block's sequencing share);
 * - L1 gas per L2 block: every successful transaction of the run (setup included) and the
 *   protocol transactions alone (the report's `gasPerBlock`);
 * - slashes (count and amount) and, where the report has them, uncle rewards.
 *
 * See docs/simulation-compare.md for a run and how to reproduce it.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

import { escapeHtml, inlineScript, jsonForScript } from "./html.js";
import { helpText, type OptionSpec } from "../cli.js";
import {
  DEFAULT_OPTIONS,
  OptionError,
  POLICIES,
  SIM_FLAGS,
  optionsFromValues,
  parseCommandLine,
  simSpecs,
  validateOptions,
  type Policy,
  type SimOptions,
} from "./options.js";
import type { SimReport } from "./report.js";
import { gini } from "./stats.js";
import {
  formatInteger,
  formatTokenAmount,
  honestRewards,
  summarizeBlocks,
  type TokenFormat,
} from "./summary.js";

/** The policies compared, in display order (seed 000's striped trees first). */
export const COMPARE_POLICIES = [
  "seed000",
  "vrfPath",
  "sortedRounds",
  "rankedProofs",
  "siblingCover",
] as const;

/** The default workload: about 10 s per policy on a 2-core machine. */
export const COMPARE_DEFAULTS: SimOptions = {
  ...DEFAULT_OPTIONS,
  seed: 5,
  provers: 32,
  blocks: 12,
  committeeSize: 32,
  offline: 0.1,
  byzantine: 0.05,
  slow: 0.05,
  withholding: 0.05,
};

export const DEFAULT_COMPARE_PATHS = {
  json: "reports/compare.json",
  html: "reports/compare.html",
  markdown: "reports/compare.md",
} as const;

/** What one policy's run came to. Wei amounts as decimal strings. */
export interface PolicyMetrics {
  policy: string;
  blocks: number;
  proven: number;
  timedOut: number;
  pruned: number;
  /** Chunks computed that earned nothing. */
  redundantChunks: number;
  /** "report": the simulator's own count; "approximation": see `approximateRedundantChunks`. */
  redundantSource: "report" | "approximation";
  /** Gini of the honest provers' claimed rewards, in [0, 1]. */
  honestGini: number;
  honestProvers: number;
  /** The largest prover operator's claimed rewards / all provers' claimed rewards, in [0, 1]. */
  largestShare: number;
  /** The sequencer's claimed rewards / everything claimed, in [0, 1]. */
  sequencerShare: number;
  /** Wei claimed by the provers and by everyone. */
  proverRewards: string;
  rewardsClaimed: string;
  /** Gas of every successful transaction of the run (setup included) / L2 blocks. */
  gasPerBlock: number;
  /** Gas of the protocol transactions (setup left out) / L2 blocks: the report's figure. */
  protocolGasPerBlock: number;
  slashes: number;
  slashedAmount: string;
  /** Uncle reward claims paid (siblingCover), or null when the report has none. */
  uncleRewards: number | null;
  /** Uncle rewards paid, wei, or null when the report has none. */
  uncleRewardAmount: string | null;
  conserved: boolean;
  /** Honest provers slashed (must be 0). */
  honestSlashed: number;
  seconds: number;
}

export interface CompareRun {
  policy: Policy;
  /** The exact options the run used. */
  options: SimOptions;
  metrics: PolicyMetrics;
  report: SimReport;
}

export interface CompareResult {
  /** The workload: the options every run shares (its `policy` is each run's own). */
  workload: SimOptions;
  runs: CompareRun[];
  /** Policies left out, and why. */
  skipped: { policy: string; reason: string }[];
  token: TokenFormat;
  seconds: number;
}

// ---------------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------------

/** `num / den` in [0, 1] (0 when den is 0), exact enough for a share. */
function share(num: bigint, den: bigint): number {
  if (den <= 0n) return 0;
  return Number((num * 1_000_000_000n) / den) / 1e9;
}

/**
 * The chain-derived approximation of chunks that earned nothing, for reports without
 * `redundantChunks`: every proven block's `c · (2L − 1)` assigned chunk positions less the chunks
 * the accepted root records credited. It counts assigned positions as computed (an upper bound
 * on work when members were down) and leaves out the work on blocks that were never proven.
 */
export function approximateRedundantChunks(report: SimReport): number {
  const c = Number(report.params.c);
  const leaves = Number(report.params.L);
  const proven = report.blocks.filter((b) => b.outcome === "proven").length;
  const positions = proven * c * (2 * leaves - 1);
  const credited = report.provers.reduce((sum, p) => sum + p.chunksCredited, 0);
  return Math.max(0, positions - credited);
}

/** The comparison's figures of one run, all from its report. */
export function computeMetrics(
  report: SimReport,
  policy: string = String(report.params.policy),
): PolicyMetrics {
  const blocks = summarizeBlocks(report);
  const reported = report.redundantChunks;

  const proverRewards = report.provers.map((p) => BigInt(p.rewardsClaimed));
  const proverTotal = proverRewards.reduce((a, b) => a + b, 0n);
  const largest = proverRewards.reduce((a, b) => (b > a ? b : a), 0n);
  const claimed = BigInt(report.totals.rewardsClaimed);
  const sequencer = claimed > proverTotal ? claimed - proverTotal : 0n;

  let allGas = 0;
  for (const [op, count] of Object.entries(report.stats.transactions)) {
    allGas += (report.gas[op] ?? 0) * count;
  }
  const honest = honestRewards(report);
  return {
    policy,
    blocks: blocks.total,
    proven: blocks.counts.proven,
    timedOut: blocks.counts.timedOut,
    pruned: blocks.counts.pruned,
    redundantChunks: reported ?? approximateRedundantChunks(report),
    redundantSource: reported === undefined ? "approximation" : "report",
    honestGini: gini(honest),
    honestProvers: honest.length,
    largestShare: share(largest, proverTotal),
    sequencerShare: share(sequencer, claimed),
    proverRewards: proverTotal.toString(),
    rewardsClaimed: claimed.toString(),
    gasPerBlock: blocks.total === 0 ? 0 : Math.round(allGas / blocks.total),
    protocolGasPerBlock: report.stats.gasPerBlock,
    slashes: report.provers.reduce((sum, p) => sum + p.slashReasons.length, 0),
    slashedAmount: report.totals.slashed,
    uncleRewards: report.uncleRewards?.count ?? null,
    uncleRewardAmount: report.uncleRewards?.amount ?? null,
    conserved: report.totals.conserved,
    honestSlashed: report.totals.honestSlashed,
    seconds: report.stats.seconds,
  };
}

// ---------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------

function isPolicy(name: string): name is Policy {
  return (POLICIES as readonly string[]).includes(name);
}

/** Each policy's options: the workload with only `policy` changed. */
export function policyOptions(workload: SimOptions, policy: Policy): SimOptions {
  return { ...workload, policy, json: undefined, html: undefined };
}

/**
 * Runs `workload` once per policy of `policies` (in that order), each on a fresh in-process
 * network. Policies this build does not know, or that refuse the workload's options (e.g. a
 * `--k` they do not allow), are skipped and listed in `skipped`.
 */
export async function runComparison(
  workload: SimOptions,
  policies: readonly string[] = COMPARE_POLICIES,
  log: (line: string) => void = () => {},
): Promise<CompareResult> {
  const started = Date.now();
  const { network } = await import("hardhat");
  const { runSimulation } = await import("./simulator.js");
  const runs: CompareRun[] = [];
  const skipped: { policy: string; reason: string }[] = [];
  let token: TokenFormat = { decimals: 18, symbol: "" };
  const planned: { policy: Policy; options: SimOptions }[] = [];
  for (const policy of policies) {
    if (!isPolicy(policy)) {
      skipped.push({ policy, reason: "not in this build's POLICIES (not implemented yet)" });
      continue;
    }
    const options = policyOptions(workload, policy);
    try {
      validateOptions(options);
    } catch (error) {
      if (!(error instanceof OptionError)) throw error;
      skipped.push({ policy, reason: error.message });
      continue;
    }
    planned.push({ policy, options });
  }
  for (const s of skipped) log(`compare: skipping ${s.policy}: ${s.reason}`);
  for (const [i, { policy, options }] of planned.entries()) {
    const connection = await network.create();
    try {
      const result = await runSimulation(options, connection);
      token = result.token;
      const metrics = computeMetrics(result.report, policy);
      runs.push({ policy, options, metrics, report: result.report });
      log(
        `[${i + 1}/${planned.length}] ${policy}: ${metrics.proven}/${metrics.blocks} proven ` +
          `(${metrics.seconds.toFixed(1)} s)` +
          (metrics.conserved ? "" : ", TOKEN ACCOUNTING NOT CONSERVED"),
      );
    } finally {
      await connection.close();
    }
  }
  return { workload, runs, skipped, token, seconds: (Date.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// Table, Markdown, JSON, HTML
// ---------------------------------------------------------------------------------------------

interface Column {
  header: string;
  cell: (m: PolicyMetrics) => string;
}

function columns(token: TokenFormat): Column[] {
  const amount = (wei: string) => formatTokenAmount(BigInt(wei), token.decimals);
  const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
  return [
    { header: "policy", cell: (m) => m.policy },
    { header: "proven", cell: (m) => `${m.proven}/${m.blocks}` },
    { header: "timed out", cell: (m) => String(m.timedOut) },
    { header: "pruned", cell: (m) => String(m.pruned) },
    {
      header: "redundant chunks",
      cell: (m) =>
        `${formatInteger(m.redundantChunks)}${m.redundantSource === "report" ? "" : "*"}`,
    },
    { header: "honest Gini", cell: (m) => m.honestGini.toFixed(3) },
    { header: "largest prover", cell: (m) => percent(m.largestShare) },
    { header: "sequencer", cell: (m) => percent(m.sequencerShare) },
    { header: "gas/L2 block", cell: (m) => formatInteger(m.gasPerBlock) },
    { header: "protocol gas/block", cell: (m) => formatInteger(m.protocolGasPerBlock) },
    { header: "slashes", cell: (m) => String(m.slashes) },
    { header: `slashed (${token.symbol})`, cell: (m) => amount(m.slashedAmount) },
    {
      header: `uncle rewards (${token.symbol})`,
      cell: (m) =>
        m.uncleRewards === null
          ? "-"
          : `${m.uncleRewards}` +
            (m.uncleRewardAmount === null ? "" : ` (${amount(m.uncleRewardAmount)})`),
    },
  ];
}

/** The workload in one line, as the flags that reproduce it. */
export function workloadFlags(w: SimOptions): string {
  const flags: [string, string | number][] = [
    ["provers", w.provers],
    ["blocks", w.blocks],
    ["seed", w.seed],
  ];
  const base = DEFAULT_OPTIONS;
  const optional: [string, keyof SimOptions][] = [
    ["n", "committeeSize"],
    ["c", "trees"],
    ["L", "leaves"],
    ["W", "window"],
    ["byzantine", "byzantine"],
    ["byzantine-fault", "byzantineFault"],
    ["offline", "offline"],
    ["offline-rate", "offlineRate"],
    ["slow", "slow"],
    ["withholding", "withholding"],
    ["withholding-subset", "withholdingSubset"],
    ["asynchrony", "asynchrony"],
    ["partition-length", "partitionLength"],
    ["latency", "latency"],
    ["drop", "drop"],
    ["proving-time", "provingTime"],
    ["k", "k"],
  ];
  for (const [flag, key] of optional) {
    const value = w[key];
    if (value !== base[key] && value !== null && value !== undefined) {
      flags.push([flag, String(value)]);
    }
  }
  return flags.map(([f, v]) => `--${f} ${v}`).join(" ");
}

const SIZE_FLAGS = (w: SimOptions) =>
  `n = ${w.committeeSize}, c = ${w.trees}, L = ${w.leaves}, W = ${w.window}`;

/** The comparison as an aligned plain-text table (one row per policy). */
export function formatCompareTable(result: CompareResult): string {
  const cols = columns(result.token);
  const rows = [
    cols.map((c) => c.header),
    ...result.runs.map((r) => cols.map((c) => c.cell(r.metrics))),
  ];
  const widths = cols.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join("  ");
  const out = [
    line(rows[0]),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.slice(1).map(line),
  ];
  return out.concat(notes(result)).join("\n").concat("\n");
}

function notes(result: CompareResult): string[] {
  const lines: string[] = [];
  if (result.runs.some((r) => r.metrics.redundantSource === "approximation")) {
    lines.push(
      "* approximation: proven blocks' c·(2L−1) assigned chunks less the chunks credited by " +
        "accepted root records (the report has no redundantChunks).",
    );
  }
  for (const s of result.skipped) lines.push(`skipped ${s.policy}: ${s.reason}`);
  const unconserved = result.runs.filter((r) => !r.metrics.conserved).map((r) => r.policy);
  if (unconserved.length > 0)
    lines.push(`TOKEN ACCOUNTING NOT CONSERVED: ${unconserved.join(", ")}`);
  const unfair = result.runs.filter((r) => r.metrics.honestSlashed > 0).map((r) => r.policy);
  if (unfair.length > 0) lines.push(`HONEST PROVERS SLASHED: ${unfair.join(", ")}`);
  return lines;
}

/** The comparison as Markdown: the workload, the table and its notes. */
export function formatCompareMarkdown(result: CompareResult): string {
  const cols = columns(result.token);
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const w = result.workload;
  return [
    `Workload: ${workloadFlags(w)} (${SIZE_FLAGS(w)}); every policy runs it with the same ` +
      `options, only \`policy\` differs.`,
    "",
    row(cols.map((c) => c.header)),
    row(cols.map((_, i) => (i === 0 ? "---" : "---:"))),
    ...result.runs.map((r) => row(cols.map((c) => c.cell(r.metrics)))),
    "",
    ...notes(result).map((n) => `${n}  `),
    "",
  ].join("\n");
}

/** The raw numbers: workload, per-policy options and metrics, skipped policies. */
export function compareJson(result: CompareResult): string {
  const { json: _j, html: _h, ...workload } = result.workload;
  return `${JSON.stringify(
    {
      workload,
      token: result.token,
      seconds: result.seconds,
      skipped: result.skipped,
      runs: result.runs.map((r) => ({
        policy: r.policy,
        options: { ...r.options, json: undefined, html: undefined },
        metrics: r.metrics,
      })),
    },
    null,
    2,
  )}\n`;
}

/** The charts: one per metric, bars per policy (block outcomes grouped). */
interface CompareChart {
  id: string;
  title: string;
  /** Datasets: label and one value per policy. */
  series: { label: string; values: number[] }[];
}

function compareCharts(result: CompareResult): CompareChart[] {
  const ms = result.runs.map((r) => r.metrics);
  const tokens = (wei: string) =>
    Number(BigInt(wei) / 10n ** BigInt(Math.max(0, result.token.decimals - 6))) / 1e6;
  const one = (id: string, title: string, label: string, f: (m: PolicyMetrics) => number) => ({
    id,
    title,
    series: [{ label, values: ms.map(f) }],
  });
  const charts: CompareChart[] = [
    {
      id: "outcomes",
      title: "Block outcomes",
      series: [
        { label: "proven", values: ms.map((m) => m.proven) },
        { label: "timed out", values: ms.map((m) => m.timedOut) },
        { label: "pruned", values: ms.map((m) => m.pruned) },
      ],
    },
    one(
      "redundant",
      "Redundant chunks (computed, earned nothing)",
      "chunks",
      (m) => m.redundantChunks,
    ),
    one("gini", "Gini of honest provers' rewards", "Gini", (m) => m.honestGini),
    {
      id: "shares",
      title: "Reward shares",
      series: [
        { label: "largest prover / provers", values: ms.map((m) => m.largestShare) },
        { label: "sequencer / all", values: ms.map((m) => m.sequencerShare) },
      ],
    },
    {
      id: "gas",
      title: "L1 gas per L2 block",
      series: [
        { label: "all transactions", values: ms.map((m) => m.gasPerBlock) },
        { label: "protocol transactions", values: ms.map((m) => m.protocolGasPerBlock) },
      ],
    },
    {
      id: "slashes",
      title: `Slashes (count) and slashed (${result.token.symbol})`,
      series: [
        { label: "slashes", values: ms.map((m) => m.slashes) },
        {
          label: `slashed (${result.token.symbol})`,
          values: ms.map((m) => tokens(m.slashedAmount)),
        },
      ],
    },
  ];
  if (ms.some((m) => m.uncleRewards !== null || m.uncleRewardAmount !== null)) {
    charts.push(
      one(
        "uncles",
        "Uncle rewards",
        "uncle rewards",
        (m) => m.uncleRewards ?? (m.uncleRewardAmount === null ? 0 : tokens(m.uncleRewardAmount)),
      ),
    );
  }
  return charts;
}

const COMPARE_SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("compare-data").textContent);
  if (typeof Chart === "undefined") {
    document.getElementById("no-chartjs").style.display = "block";
    return;
  }
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  var COLOURS = ["#1565c0", "#ef6c00", "#6a1b9a", "#2e7d32", "#c62828"];
  data.charts.forEach(function (chart) {
    new Chart(document.getElementById("chart-" + chart.id), {
      type: "bar",
      data: {
        labels: data.policies,
        datasets: chart.series.map(function (s, i) {
          return { label: s.label, data: s.values, backgroundColor: COLOURS[i % COLOURS.length] };
        })
      },
      options: { plugins: { title: { display: true, text: chart.title } } }
    });
  });
})();
`;

/** The comparison as one self-contained HTML page (Chart.js inlined, as `renderHtml` does). */
export function renderCompareHtml(result: CompareResult, chartJsSource: string): string {
  const cols = columns(result.token);
  const charts = compareCharts(result);
  const head = cols.map((c) => `<th>${escapeHtml(c.header)}</th>`).join("");
  const body = result.runs
    .map((r) => `<tr>${cols.map((c) => `<td>${escapeHtml(c.cell(r.metrics))}</td>`).join("")}</tr>`)
    .join("\n");
  const noteList = notes(result)
    .map((n) => `<li>${escapeHtml(n)}</li>`)
    .join("\n");
  const canvases = charts
    .map((c) => `<div class="chart"><canvas id="chart-${escapeHtml(c.id)}"></canvas></div>`)
    .join("\n");
  const data = { policies: result.runs.map((r) => r.policy), charts };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Policy comparison</title>
<style>
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.chart { display: inline-block; width: 560px; height: 320px; margin: 0.5em; }
#no-chartjs { display: none; color: #c62828; }
</style>
</head>
<body>
<h1>Policy comparison</h1>
<p>Workload: <code>${escapeHtml(workloadFlags(result.workload))}</code> (${escapeHtml(SIZE_FLAGS(result.workload))}); every policy runs it with the same options, only <code>policy</code> differs. ${result.seconds.toFixed(1)} s in all.</p>
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
<ul>
${noteList}
</ul>
<p id="no-chartjs">Chart.js did not load, so the charts below are empty; the table above holds every figure.</p>
${canvases}
<script id="compare-data" type="application/json">${jsonForScript(data)}</script>
<script>${inlineScript(chartJsSource)}</script>
<script>${inlineScript(COMPARE_SCRIPT)}</script>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

export interface CompareConfig {
  workload: SimOptions;
  policies: string[];
  json: string;
  html: string;
  markdown: string;
}

/** Compare's own options (its --json and --html are the comparison's, not a run's report). */
const COMPARE_OWN_SPECS: readonly OptionSpec[] = [
  {
    name: "policies",
    type: "string",
    value: "a,b,...",
    description: "the policies to run",
    default: COMPARE_POLICIES.join(","),
  },
  {
    name: "json",
    type: "string",
    value: "FILE",
    description: "write the comparison as JSON",
    default: DEFAULT_COMPARE_PATHS.json,
  },
  {
    name: "html",
    type: "string",
    value: "FILE",
    description: "write the comparison as HTML with plots",
    default: DEFAULT_COMPARE_PATHS.html,
  },
  {
    name: "markdown",
    type: "string",
    value: "FILE",
    description: "write the comparison's table as Markdown",
    default: DEFAULT_COMPARE_PATHS.markdown,
  },
];

/** A single run's flags that compare takes as the workload (no report files of their own). */
const WORKLOAD_FLAGS = SIM_FLAGS.filter(
  (f) => !["json", "html", "policy", "network"].includes(f.flag),
);

/** The workload flags with compare's defaults where they differ from a single run's. */
const WORKLOAD_SPECS = simSpecs(
  WORKLOAD_FLAGS,
  Object.fromEntries(
    WORKLOAD_FLAGS.filter((f) => COMPARE_DEFAULTS[f.key] !== DEFAULT_OPTIONS[f.key]).map((f) => [
      f.flag,
      String(COMPARE_DEFAULTS[f.key]),
    ]),
  ),
);

/** Parsed but refused with a message saying what to do instead (not in the help). */
const REFUSED_SPECS: readonly OptionSpec[] = simSpecs(
  SIM_FLAGS.filter((f) => f.flag === "policy" || f.flag === "network"),
);

/** The help text of `npm run sim -- compare`, generated from its option tables. */
export const COMPARE_USAGE = helpText(
  "Usage: npm run sim -- compare [options]",
  `Runs one workload once per policy, every run with the same options except the policy, on a fresh
in-process network each, and prints a table (docs/simulation-compare.md). The workload options
are those of a single run, with compare's defaults.`,
  [...COMPARE_OWN_SPECS, ...WORKLOAD_SPECS],
);

/** Every option compare parses (the refused ones included). */
export const COMPARE_SPECS: readonly OptionSpec[] = [
  ...COMPARE_OWN_SPECS,
  ...WORKLOAD_SPECS,
  ...REFUSED_SPECS,
];

/** Parses the compare flags (node:util parseArgs); the workload flags are those of a single run. */
export function parseCompareOptions(argv: readonly string[]): CompareConfig {
  return compareFromValues(parseCommandLine(argv, COMPARE_SPECS, COMPARE_USAGE).values);
}

/** Compare's configuration from parsed {@link COMPARE_SPECS} values. */
export function compareFromValues(
  values: Readonly<Record<string, string | boolean | undefined>>,
): CompareConfig {
  const text = (flag: string) => {
    const value = values[flag];
    return typeof value === "string" ? value : undefined;
  };
  if (text("policy") !== undefined) {
    throw new OptionError(
      "compare runs every policy: use --policies a,b,... to choose some",
      COMPARE_USAGE,
    );
  }
  if (text("network") !== undefined) {
    throw new OptionError(
      "compare runs on fresh in-process networks only (no --network)",
      COMPARE_USAGE,
    );
  }
  const workload = Object.fromEntries(
    WORKLOAD_FLAGS.map((f) => [f.flag, values[f.flag]] as const).filter(([, v]) => v !== undefined),
  );
  // Validated as seed001 (which allows any k); each policy checks the workload again and is
  // skipped if it refuses it (e.g. a --k > 0 under a policy without inactivity slashing).
  const options = optionsFromValues(
    workload,
    { ...COMPARE_DEFAULTS, policy: "seed001" },
    COMPARE_USAGE,
  );
  const listed = text("policies");
  const policies =
    listed === undefined
      ? [...COMPARE_POLICIES]
      : listed
          .split(",")
          .map((p) => p.trim())
          .filter((p) => p !== "");
  for (const p of policies) {
    if (!(COMPARE_POLICIES as readonly string[]).includes(p) && !isPolicy(p)) {
      throw new OptionError(`--policies: unknown policy ${p}`, COMPARE_USAGE);
    }
  }
  return {
    workload: options,
    policies,
    json: text("json") ?? DEFAULT_COMPARE_PATHS.json,
    html: text("html") ?? DEFAULT_COMPARE_PATHS.html,
    markdown: text("markdown") ?? DEFAULT_COMPARE_PATHS.markdown,
  };
}

async function writeOutput(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

/** Writes the JSON, HTML and Markdown outputs of a comparison. */
export async function writeCompareOutputs(
  result: CompareResult,
  paths: { json: string; html: string; markdown: string },
  chartJsSource: string,
): Promise<void> {
  await writeOutput(paths.json, compareJson(result));
  await writeOutput(paths.html, renderCompareHtml(result, chartJsSource));
  await writeOutput(paths.markdown, formatCompareMarkdown(result));
}

/** `npm run sim -- compare [flags]`: see the module comment and docs/simulation-compare.md. */
export async function runCompare(config: CompareConfig): Promise<void> {
  console.log(`compare: ${workloadFlags(config.workload)} (${SIZE_FLAGS(config.workload)})`);
  const result = await runComparison(config.workload, config.policies, (line) => console.log(line));
  console.log(`\n${formatCompareTable(result)}`);
  console.log(`compare took ${result.seconds.toFixed(1)} s`);
  const { readChartJs } = await import("./html.js");
  await writeCompareOutputs(result, config, await readChartJs());
  console.log(`written: ${config.json}, ${config.html}, ${config.markdown}`);
  if (result.runs.some((r) => !r.metrics.conserved || r.metrics.honestSlashed > 0)) {
    process.exitCode = 1;
  }
}
