/**
 * `npm run sim`: the whole-network simulation (see src/sim/simulator.ts and docs/simulation.md).
 *
 *   npm run sim                                   # 64 provers x 32 blocks, in-process network
 *   npm run sim -- --byzantine 0.1 --offline 0.1 --json sim.json --html sim.html
 *   npm run sim -- --network localhost            # against a running `npx hardhat node`
 *   npm run sim -- sweep                          # seed 000's (f/n)^c claim as an experiment
 *   npm run sim -- compare                        # one workload under every assignment policy
 */
import { writeFile } from "node:fs/promises";

import { network } from "hardhat";

import { readChartJs, renderHtml } from "../src/sim/html.js";
import { helpText, parseCli, UsageError, type OptionSpec } from "../src/cli.js";
import { OptionError, USAGE, parseOptions } from "../src/sim/options.js";
import { DEFAULT_SWEEP } from "../src/sim/sweep.js";
import { runSimulation, type Progress } from "../src/sim/simulator.js";
import { formatSummary } from "../src/sim/summary.js";

function progressPrinter(): (p: Progress) => void {
  const tty = process.stdout.isTTY === true && process.env.CI === undefined;
  let lastLine = "";
  let lastPlain = 0;
  return (p) => {
    const width = 30;
    const filled = Math.round((p.resolved / Math.max(1, p.total)) * width);
    if (tty) {
      const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
      const line = `${bar} ${p.resolved}/${p.total} blocks resolved | L1 block ${p.l1Block} | ${p.phase}`;
      if (line !== lastLine) process.stdout.write(`\r${line}`);
      lastLine = line;
      if (p.phase === "claims") process.stdout.write("\n");
    } else {
      // Plain lines for logs: one every 10 seconds and one per phase change.
      const line = `${p.phase}: ${p.resolved}/${p.total} blocks resolved at L1 block ${p.l1Block}`;
      const phase = line.split(":")[0];
      if (phase !== lastLine || Date.now() - lastPlain > 10_000) {
        console.log(line);
        lastLine = phase;
        lastPlain = Date.now();
      }
    }
  };
}

const s = DEFAULT_SWEEP;
/** `npm run sim -- sweep`'s options (src/sim/sweep.ts parses and range-checks them). */
const SWEEP_SPECS: OptionSpec[] = [
  {
    name: "fractions",
    type: "string",
    value: "F,F,...",
    description: "faulty fractions f/n",
    default: s.fractions.join(","),
  },
  {
    name: "trees",
    type: "string",
    value: "C,C,...",
    description: "tree counts c, each in [1, min(16, n)]",
    default: s.trees.join(","),
  },
  {
    name: "trials",
    type: "string",
    value: "N",
    description: "Monte-Carlo trials per point",
    default: `${s.trials}`,
  },
  {
    name: "blocks",
    type: "string",
    value: "B",
    description: "on-chain L2 blocks per point, 0 = no on-chain runs",
    default: `${s.blocks}`,
  },
  {
    name: "n",
    type: "string",
    value: "N",
    description: "committee size n = number of provers",
    default: `${s.n}`,
  },
  {
    name: "L",
    type: "string",
    value: "L",
    description: "leaves per tree, a power of two",
    default: `${s.leaves}`,
  },
  {
    name: "W",
    type: "string",
    value: "W",
    description: "proof window in L1 blocks",
    default: `${s.window}`,
  },
  {
    name: "seed",
    type: "string",
    value: "S",
    description: "seed of the model and the runs",
    default: `${s.seed}`,
  },
  { name: "json", type: "string", value: "FILE", description: "write the sweep as JSON" },
  {
    name: "markdown",
    type: "string",
    value: "FILE",
    description: "write the sweep's table as Markdown",
  },
];
const SWEEP_USAGE = helpText(
  "Usage: npm run sim -- sweep [options]",
  "Tests seed 000's (f/n)^c claim: closed forms, a Monte-Carlo model over the real assignment and\n" +
    "on-chain runs with f/n of the provers offline (docs/simulation-sweep.md).",
  SWEEP_SPECS,
);

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "sweep") {
    let help: boolean;
    try {
      ({ help } = parseCli(argv.slice(1), SWEEP_SPECS));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      console.error(`${error.message}\n\n${SWEEP_USAGE}`);
      process.exitCode = 2;
      return;
    }
    if (help) {
      console.log(SWEEP_USAGE);
      return;
    }
    const { runSweep } = await import("../src/sim/sweep.js");
    await runSweep(argv.slice(1));
    return;
  }
  if (argv[0] !== "compare" && (argv.includes("--help") || argv.includes("-h"))) {
    console.log(USAGE);
    return;
  }
  if (argv[0] === "compare") {
    const { runCompare } = await import("../src/sim/compare.js");
    await runCompare(argv.slice(1));
    return;
  }
  const options = parseOptions(argv);
  const connection =
    options.network === undefined
      ? await network.create()
      : await network.connect({ network: options.network });
  const { report, token } = await runSimulation(options, connection, progressPrinter());
  console.log(formatSummary(report, token));
  if (options.json !== undefined) {
    await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`report written to ${options.json}`);
  }
  if (options.html !== undefined) {
    await writeFile(options.html, renderHtml(report, await readChartJs(), token));
    console.log(`HTML report written to ${options.html}`);
  }
  await connection.close();
  if (!report.totals.conserved) process.exitCode = 1;
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof OptionError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else throw error;
}
