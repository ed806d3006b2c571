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
import { parseSimCommand } from "../src/sim/cli.js";
import { OptionError, USAGE } from "../src/sim/options.js";
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

async function main(argv: string[]): Promise<void> {
  const parsed = parseSimCommand(argv);
  if (parsed.help) {
    console.log(parsed.usage);
    return;
  }
  if (parsed.command === "sweep") {
    const { runSweep } = await import("../src/sim/sweep.js");
    await runSweep(parsed.config);
    return;
  }
  if (parsed.command === "compare") {
    const { runCompare } = await import("../src/sim/compare.js");
    await runCompare(parsed.config);
    return;
  }
  const options = parsed.options;
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
    console.error(`${error.message}\n\n${error.usage ?? USAGE}`);
    process.exitCode = 2;
  } else throw error;
}
