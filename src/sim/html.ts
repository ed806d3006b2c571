/**
 * The HTML page of a simulation report: one self-contained file (no network access needed to view
 * it) with the Chart.js UMD bundle inlined, the report embedded as JSON, charts drawn by Chart.js
 * in the browser (block outcomes, the Lorenz curve of honest rewards, slashes, gas per operation)
 * and tables of the parameters, the provers and the token totals.
 *
 * `renderHtml` is pure; `readChartJs` reads the bundle from `node_modules`.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import type { SimReport } from "./report.js";
import { gini, lorenzCurve } from "./stats.js";
import type { LorenzPoint } from "./stats.js";
import {
  BLOCK_OUTCOMES,
  formatInteger,
  formatTokenAmount,
  gasOperations,
  honestRewards,
  slashesByReason,
  summarizeBlocks,
  summarizeClasses,
  tokenNumber,
} from "./summary.js";
import type { TokenFormat } from "./summary.js";

const CHART_JS_BUNDLE = "dist/chart.umd.min.js";

function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}

/**
 * The path of Chart.js's UMD bundle. chart.js@4's `exports` map exposes neither
 * `chart.js/dist/chart.umd.min.js` nor `chart.js/package.json`, so when those are refused the
 * package directory is found from its main entry (`dist/chart.cjs`) by walking up to the
 * `package.json` named `chart.js`.
 */
async function resolveChartJs(): Promise<string> {
  const require = createRequire(import.meta.url);
  for (const specifier of [`chart.js/${CHART_JS_BUNDLE}`, "chart.js/package.json"]) {
    try {
      const resolved = require.resolve(specifier);
      return specifier.endsWith("package.json")
        ? join(dirname(resolved), CHART_JS_BUNDLE)
        : resolved;
    } catch (error) {
      if (errorCode(error) !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw error;
    }
  }
  let directory = dirname(require.resolve("chart.js"));
  for (;;) {
    try {
      const manifest: unknown = JSON.parse(await readFile(join(directory, "package.json"), "utf8"));
      if (
        typeof manifest === "object" &&
        manifest !== null &&
        "name" in manifest &&
        manifest.name === "chart.js"
      ) {
        return join(directory, CHART_JS_BUNDLE);
      }
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw error;
    }
    const parent = dirname(directory);
    if (parent === directory) throw new Error("chart.js: package directory not found");
    directory = parent;
  }
}

/** The text of Chart.js's UMD bundle (`chart.js/dist/chart.umd.min.js`), to pass to `renderHtml`. */
export async function readChartJs(): Promise<string> {
  return readFile(await resolveChartJs(), "utf8");
}

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** JSON safe inside a `<script>` element: `<`, `>` and `&` as `\u` escapes, so no tag can close. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026");
}

/** A script's source made safe to inline: `</script` can only end the element, so escape it. */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1");
}

/** The figures the charts draw, computed here so that page and summary agree. */
interface ChartData {
  symbol: string;
  lorenz: LorenzPoint[];
  gini: number | null;
  honestProvers: number;
  slashedByClass: { behavior: string; tokens: number; count: number }[];
  slashesByReason: { reason: string; count: number }[];
  gas: { operation: string; averageGas: number }[];
}

function chartData(report: SimReport, token: TokenFormat): ChartData {
  const honest = honestRewards(report);
  return {
    symbol: token.symbol,
    lorenz: lorenzCurve(honest),
    gini: honest.length === 0 ? null : gini(honest),
    honestProvers: honest.length,
    slashedByClass: summarizeClasses(report).map((row) => ({
      behavior: row.behavior,
      tokens: tokenNumber(row.slashedAmount, token.decimals),
      count: row.slashes,
    })),
    slashesByReason: slashesByReason(report),
    gas: gasOperations(report).flatMap((row) =>
      row.averageGas === null ? [] : [{ operation: row.operation, averageGas: row.averageGas }],
    ),
  };
}

type Cell = { text: string; numeric?: boolean };

function htmlTable(headers: readonly Cell[], rows: readonly (readonly Cell[])[]): string {
  const cell = (tag: "th" | "td", c: Cell): string =>
    `<${tag}${c.numeric === true ? ' class="num"' : ""}>${escapeHtml(c.text)}</${tag}>`;
  const head = `<tr>${headers.map((c) => cell("th", c)).join("")}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((c) => cell("td", c)).join("")}</tr>`).join("\n");
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

const text = (value: string): Cell => ({ text: value });
const num = (value: string): Cell => ({ text: value, numeric: true });

function reasonsText(reasons: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts.entries()]
    .map(([reason, count]) => (count === 1 ? reason : `${reason} ×${count}`))
    .join(", ");
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
  max-width: 1100px; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
p.lead { color: #555; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
th { background: #f4f4f4; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.chart { position: relative; width: 100%; margin: 1em 0; }
.row { display: flex; gap: 2em; flex-wrap: wrap; }
.row > .chart { flex: 1 1 420px; }
.ok { color: #2e7d32; font-weight: bold; }
.bad { color: #c62828; font-weight: bold; }
code, td.addr { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
#no-chartjs { display: none; color: #c62828; }
`;

/**
 * Draws the charts from the embedded JSON. Runs in the browser after the inlined Chart.js; kept
 * to ES5-style syntax so any browser that runs Chart.js 4 runs it.
 */
const PAGE_SCRIPT = `
(function () {
  "use strict";
  function json(id) { return JSON.parse(document.getElementById(id).textContent); }
  var report = json("sim-report");
  var data = json("sim-charts");
  if (typeof Chart === "undefined") {
    document.getElementById("no-chartjs").style.display = "block";
    return;
  }
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  function canvas(id) { return document.getElementById(id); }
  function title(text) { return { display: true, text: text }; }

  var OUTCOMES = ["proven", "timedOut", "pruned"];
  var LABELS = { proven: "proven", timedOut: "timed out", pruned: "pruned" };
  var COLOURS = { proven: "#2e7d32", timedOut: "#ef6c00", pruned: "#6a1b9a" };
  var blocks = report.blocks;
  new Chart(canvas("chart-outcomes"), {
    type: "bar",
    data: {
      labels: blocks.map(function (b) { return String(b.number); }),
      datasets: OUTCOMES.map(function (outcome) {
        return {
          label: LABELS[outcome],
          backgroundColor: COLOURS[outcome],
          grouped: false,
          categoryPercentage: 1,
          barPercentage: 0.9,
          data: blocks.map(function (b) {
            if (b.outcome !== outcome) return null;
            return outcome === "proven" ? b.rootProofs : 0.5;
          })
        };
      })
    },
    options: {
      scales: {
        x: { title: title("L2 block") },
        y: { beginAtZero: true, title: title("root proofs (0.5 = not proven)") }
      },
      plugins: {
        title: title("Outcome per L2 block"),
        tooltip: {
          callbacks: {
            title: function (items) { return "L2 block " + blocks[items[0].dataIndex].number; },
            label: function (ctx) {
              var b = blocks[ctx.dataIndex];
              return LABELS[b.outcome] + ": " + b.rootProofs + " root proof(s)";
            },
            afterLabel: function (ctx) {
              var b = blocks[ctx.dataIndex];
              var lines = ["finalized at L1 block: " +
                (b.finalizedAtL1Block === null ? "never" : b.finalizedAtL1Block)];
              if (b.withheld !== "none") lines.push("data withheld: " + b.withheld);
              if (b.asynchronous) lines.push("network asynchronous");
              return lines;
            }
          }
        }
      }
    }
  });

  var giniText = data.gini === null ? "n/a" : data.gini.toFixed(3);
  new Chart(canvas("chart-lorenz"), {
    type: "line",
    data: {
      datasets: [
        {
          label: "Lorenz curve (" + data.honestProvers + " honest provers)",
          data: data.lorenz.map(function (p) { return { x: p.population, y: p.share }; }),
          borderColor: "#1565c0",
          backgroundColor: "rgba(21, 101, 192, 0.15)",
          fill: false,
          pointRadius: data.lorenz.length > 60 ? 0 : 2
        },
        {
          label: "perfect equality",
          data: [{ x: 0, y: 0 }, { x: 1, y: 1 }],
          borderColor: "#888",
          borderDash: [6, 4],
          pointRadius: 0
        }
      ]
    },
    options: {
      scales: {
        x: { type: "linear", min: 0, max: 1, title: title("cumulative share of honest provers") },
        y: { min: 0, max: 1, title: title("cumulative share of rewards claimed") }
      },
      plugins: {
        title: title("Rewards of honest provers: Lorenz curve, Gini " + giniText),
        tooltip: {
          callbacks: {
            label: function (ctx) {
              return ctx.dataset.label + ": " + (ctx.parsed.x * 100).toFixed(1) + "% of provers hold " +
                (ctx.parsed.y * 100).toFixed(1) + "% of rewards";
            }
          }
        }
      }
    }
  });

  new Chart(canvas("chart-slashed-class"), {
    type: "bar",
    data: {
      labels: data.slashedByClass.map(function (r) { return r.behavior; }),
      datasets: [{
        label: "slashed (" + data.symbol + ")",
        backgroundColor: "#c62828",
        data: data.slashedByClass.map(function (r) { return r.tokens; })
      }]
    },
    options: {
      scales: { y: { beginAtZero: true, title: title(data.symbol) } },
      plugins: {
        title: title("Stake slashed per behaviour class (" + data.symbol + ")"),
        tooltip: {
          callbacks: {
            afterLabel: function (ctx) {
              return data.slashedByClass[ctx.dataIndex].count + " slash(es)";
            }
          }
        }
      }
    }
  });

  new Chart(canvas("chart-slash-reasons"), {
    type: "bar",
    data: {
      labels: data.slashesByReason.map(function (r) { return r.reason; }),
      datasets: [{
        label: "slashes",
        backgroundColor: "#ad1457",
        data: data.slashesByReason.map(function (r) { return r.count; })
      }]
    },
    options: {
      scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: title("slashes") } },
      plugins: { title: title(data.slashesByReason.length === 0 ?
        "Slashes per reason (none)" : "Slashes per reason") }
    }
  });

  new Chart(canvas("chart-gas"), {
    type: "bar",
    data: {
      labels: data.gas.map(function (r) { return r.operation; }),
      datasets: [{
        label: "average gasUsed",
        backgroundColor: "#455a64",
        data: data.gas.map(function (r) { return Math.round(r.averageGas); })
      }]
    },
    options: {
      indexAxis: "y",
      scales: { x: { beginAtZero: true, title: title("average gasUsed") } },
      plugins: { legend: { display: false }, title: title("Average L1 gas per operation") }
    }
  });
})();
`;

/**
 * The report as one self-contained HTML page. `chartJsSource` is the text of Chart.js's UMD bundle
 * (see `readChartJs`); it is inlined, as is the report (JSON, `<` escaped as `\u003c`).
 */
export function renderHtml(report: SimReport, chartJsSource: string, token: TokenFormat): string {
  const amount = (wei: string | bigint): string => formatTokenAmount(BigInt(wei), token.decimals);
  const symbol = escapeHtml(token.symbol);
  const blocks = summarizeBlocks(report);
  const charts = chartData(report, token);
  const totals = report.totals;
  const stats = report.stats;

  const blockTable = htmlTable(
    [text("outcome"), num("blocks")],
    [
      ...BLOCK_OUTCOMES.map(({ outcome, label }) => [
        text(label),
        num(formatInteger(blocks.counts[outcome])),
      ]),
      [text("total"), num(formatInteger(blocks.total))],
    ],
  );
  const proofsLine =
    blocks.rootProofs === null
      ? "No block was proven."
      : `Root proofs per proven block: average ${blocks.rootProofs.average.toFixed(2)}, ` +
        `min ${blocks.rootProofs.min}, max ${blocks.rootProofs.max}.`;

  const classTable = htmlTable(
    [
      text("behaviour"),
      num("provers"),
      num("elected blocks"),
      num("chunks credited"),
      num(`rewards claimed (${token.symbol})`),
      num("slashes"),
      num(`slashed (${token.symbol})`),
    ],
    summarizeClasses(report).map((row) => [
      text(row.behavior),
      num(formatInteger(row.provers)),
      num(formatInteger(row.electedBlocks)),
      num(formatInteger(row.chunksCredited)),
      num(amount(row.rewardsClaimed)),
      num(formatInteger(row.slashes)),
      num(amount(row.slashedAmount)),
    ]),
  );

  const proverRows = report.provers.map(
    (prover) =>
      `<tr><td class="addr">${escapeHtml(prover.address)}</td>` +
      `<td>${escapeHtml(prover.behavior)}</td>` +
      `<td class="num">${escapeHtml(formatInteger(prover.electedBlocks))}</td>` +
      `<td class="num">${escapeHtml(formatInteger(prover.chunksCredited))}</td>` +
      `<td class="num">${escapeHtml(amount(prover.rewardsClaimed))}</td>` +
      `<td class="num">${escapeHtml(amount(prover.slashedAmount))}</td>` +
      `<td>${escapeHtml(reasonsText(prover.slashReasons))}</td></tr>`,
  );
  const proverTable =
    `<table>\n<thead><tr><th>address</th><th>behaviour</th><th class="num">elected blocks</th>` +
    `<th class="num">chunks</th><th class="num">rewards (${symbol})</th>` +
    `<th class="num">slashed (${symbol})</th><th>slash reasons</th></tr></thead>\n` +
    `<tbody>\n${proverRows.join("\n")}\n</tbody>\n</table>`;

  const paramsTable = htmlTable(
    [text("parameter"), text("value")],
    Object.entries(report.params).map(([key, value]) => [text(key), text(String(value))]),
  );

  const gasTable = htmlTable(
    [text("operation"), num("transactions"), num("average gasUsed")],
    gasOperations(report).map((row) => [
      text(row.operation),
      num(row.transactions === null ? "-" : formatInteger(row.transactions)),
      num(row.averageGas === null ? "-" : formatInteger(row.averageGas)),
    ]),
  );
  const failed = Object.entries(stats.failedTransactions)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const failedHtml =
    failed.length === 0
      ? "<p>No transaction failed.</p>"
      : htmlTable(
          [text("operation / error"), num("count")],
          failed.map(([key, count]) => [text(key), num(formatInteger(count))]),
        );

  const totalsTable = htmlTable(
    [text("total"), num(`amount (${token.symbol})`)],
    [
      [text("rewards funded"), num(amount(totals.rewardsFunded))],
      [text("rewards claimed"), num(amount(totals.rewardsClaimed))],
      [text("burned"), num(amount(totals.burned))],
      [text("held by contracts"), num(amount(totals.heldByContracts))],
      [text("slashed"), num(amount(totals.slashed))],
    ],
  );
  const checksTable = htmlTable(
    [text("conservation check"), text("result")],
    Object.entries(totals.checks).map(([name, ok]) => [text(name), text(ok ? "ok" : "FAILED")]),
  );
  const conserved = totals.conserved
    ? '<span class="ok">conserved: yes</span>'
    : '<span class="bad">conserved: NO</span>';

  const giniText = charts.gini === null ? "n/a (no honest provers)" : charts.gini.toFixed(3);
  const gasHeight = Math.max(200, 28 * charts.gas.length + 90);

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Prover network simulation report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Prover network simulation report</h1>
<p class="lead">One run of the cooperative prover network simulator: L2 blocks proven by elected
committees on a local L1 chain, with provers of the behaviour classes below. Every figure was read
from chain state and events after the run. This page is self-contained: the data are embedded and
the charts are drawn in your browser by an inlined copy of Chart.js, with no network access. Hover
over a chart for details.</p>
<p id="no-chartjs">Chart.js did not load, so the charts below are empty; the tables still hold
every figure.</p>

<h2>Blocks</h2>
${blockTable}
<p>${escapeHtml(proofsLine)}</p>
<div class="chart" style="height: 360px"><canvas id="chart-outcomes"></canvas></div>

<h2>Provers by behaviour</h2>
${classTable}
<p>Gini coefficient of rewards claimed by honest provers: <strong>${escapeHtml(giniText)}</strong>
(0 = equal, towards 1 = concentrated).</p>
<div class="chart" style="height: 420px; max-width: 560px"><canvas id="chart-lorenz"></canvas></div>

<h2>Slashes</h2>
<div class="row">
<div class="chart" style="height: 320px"><canvas id="chart-slashed-class"></canvas></div>
<div class="chart" style="height: 320px"><canvas id="chart-slash-reasons"></canvas></div>
</div>

<h2>L1 gas</h2>
<p>Gas per L2 block: <strong>${escapeHtml(formatInteger(stats.gasPerBlock))}</strong>.</p>
<div class="chart" style="height: ${gasHeight}px"><canvas id="chart-gas"></canvas></div>
${gasTable}
<h3>Failed transactions</h3>
${failedHtml}

<h2>Totals</h2>
${totalsTable}
<p>${conserved}</p>
${checksTable}

<h2>Run</h2>
<p>${escapeHtml(
    `${formatInteger(stats.l1Blocks)} L1 blocks, ${stats.seconds.toFixed(1)} s wall time; ` +
      `chunk messages sent ${formatInteger(stats.messages.sent)}, ` +
      `dropped ${formatInteger(stats.messages.dropped)}.`,
  )}</p>

<h2>Parameters</h2>
${paramsTable}

<h2>Provers</h2>
${proverTable}

<script type="application/json" id="sim-report">${jsonForScript(report)}</script>
<script type="application/json" id="sim-charts">${jsonForScript(charts)}</script>
<script>
${inlineScript(chartJsSource)}
</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
