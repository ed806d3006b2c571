/**
 * `npm run coverage`: runs the whole suite (mocha and Solidity tests) with `hardhat test
 * --coverage`, which writes coverage/lcov.info and the HTML report in coverage/html/, then sums
 * the lines and branches of the production contracts (contracts/ minus contracts/test/) from the
 * lcov file and fails below the floors. The floors are the figures measured when they were set,
 * rounded down: raise them as coverage grows, never lower them to pass. Tests that measure gas
 * fail under instrumentation; that is reported, not fatal here (`npm test` runs them).
 *
 *   npm run coverage              # run the suite with coverage, then check the floors
 *   npm run coverage -- --check   # only check an existing coverage/lcov.info
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { helpText, parseCli, UsageError, type OptionSpec } from "../src/cli.js";

/**
 * Measured 2026-12-07 over the whole suite: lines 98.70% (2504/2537) of the production contracts.
 * Hardhat 3.17's lcov carries line records only (no BRDA), so there is no branch figure to hold.
 */
export const FLOORS = { lines: 98, branches: 0 };

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const lcovFile = path.join(root, "coverage", "lcov.info");

interface Totals {
  lines: [hit: number, found: number];
  branches: [hit: number, found: number];
}

/** Line and branch totals of the production contracts in an lcov file. */
export function productionCoverage(lcov: string): { total: Totals; files: Map<string, Totals> } {
  const files = new Map<string, Totals>();
  let current: Totals | undefined;
  for (const line of lcov.split("\n")) {
    if (line.startsWith("SF:")) {
      const file = path.relative(root, path.resolve(root, line.slice(3).trim()));
      const production = file.startsWith("contracts/") && !file.startsWith("contracts/test/");
      current = production ? { lines: [0, 0], branches: [0, 0] } : undefined;
      if (current) files.set(file, current);
    } else if (current && line.startsWith("DA:")) {
      const [, count] = line.slice(3).split(",");
      current.lines[1]++;
      if (Number(count) > 0) current.lines[0]++;
    } else if (current && line.startsWith("BRDA:")) {
      const taken = line.slice(5).split(",")[3];
      current.branches[1]++;
      if (taken !== "-" && Number(taken) > 0) current.branches[0]++;
    }
  }
  const total: Totals = { lines: [0, 0], branches: [0, 0] };
  for (const t of files.values()) {
    total.lines[0] += t.lines[0];
    total.lines[1] += t.lines[1];
    total.branches[0] += t.branches[0];
    total.branches[1] += t.branches[1];
  }
  return { total, files };
}

const COVERAGE_OPTIONS: readonly OptionSpec[] = [
  { name: "check", type: "boolean", description: "only check an existing coverage/lcov.info" },
];

const percent = ([hit, found]: [number, number]) => (found === 0 ? 100 : (100 * hit) / found);

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  const usage = helpText(
    "usage: npm run coverage -- [--check]",
    "Runs the suite with coverage (coverage/lcov.info, coverage/html/), then checks the floors.",
    COVERAGE_OPTIONS,
  );
  let check: boolean;
  try {
    const { values, help } = parseCli(process.argv.slice(2), COVERAGE_OPTIONS);
    if (help) {
      console.log(usage);
      process.exit(0);
    }
    check = values.check === true;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    process.exit(2);
  }
  let testsFailed = false;
  if (!check) {
    const cli = path.join(root, "node_modules", "hardhat", "dist", "src", "cli.js");
    const run = spawnSync(process.execPath, [cli, "test", "--coverage"], {
      cwd: root,
      stdio: "inherit",
    });
    testsFailed = run.status !== 0;
  }
  const { total, files } = productionCoverage(readFileSync(lcovFile, "utf8"));
  for (const [file, t] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(
      `${file.padEnd(52)} lines ${percent(t.lines).toFixed(1).padStart(5)}%` +
        (t.branches[1] === 0 ? "" : `  branches ${percent(t.branches).toFixed(1).padStart(5)}%`),
    );
  }
  const lines = percent(total.lines);
  const branches = total.branches[1] === 0 ? undefined : percent(total.branches);
  const branchText =
    branches === undefined
      ? "branches not reported (no BRDA records in the lcov)"
      : `branches ${branches.toFixed(2)}% (${total.branches[0]}/${total.branches[1]})`;
  console.log(
    `production contracts: lines ${lines.toFixed(2)}% (${total.lines[0]}/${total.lines[1]}), ` +
      `${branchText}; floors: lines ${FLOORS.lines}%, branches ${FLOORS.branches}%; ` +
      "reports in coverage/ (lcov.info, html/)",
  );
  const below: string[] = [];
  if (total.lines[1] === 0) below.push("no production contract lines in coverage/lcov.info");
  if (lines < FLOORS.lines) below.push(`lines ${lines.toFixed(2)}% < ${FLOORS.lines}%`);
  if (branches !== undefined && branches < FLOORS.branches) {
    below.push(`branches ${branches.toFixed(2)}% < ${FLOORS.branches}%`);
  }
  if (below.length > 0) console.error(`coverage below the floor: ${below.join(", ")}`);
  // Instrumented bytecode costs more gas, so the gas-ceiling and gas-starvation tests fail under
  // --coverage by design; `npm test` is where every test must pass.
  if (testsFailed) console.warn("note: some tests failed under --coverage (gas-dependent ones do)");
  if (below.length > 0) process.exitCode = 1;
}
