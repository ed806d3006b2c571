/**
 * `npm run gas`: measures every operation key on the in-process network and writes
 * `reports/gas.json`, a flat map from key to the gasUsed of a real transaction receipt. Exits
 * non-zero if a key is above its ceiling (scripts/gas/ceilings.ts). CI regenerates the file and
 * fails when it differs from the committed one.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { network } from "hardhat";

import { measureBls } from "./gas/bls.js";
import { GAS_CEILINGS } from "./gas/ceilings.js";
import { measureStake } from "./gas/stake.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "..", "reports", "gas.json");

const { ethers, networkHelpers } = await network.create();
const measured: Record<string, number> = {
  ...(await measureBls(ethers)),
  ...(await measureStake(ethers, networkHelpers)),
};

const sorted = Object.fromEntries(Object.entries(measured).sort(([a], [b]) => a.localeCompare(b)));
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(sorted, null, 2) + "\n");

const failures: string[] = [];
for (const [key, ceiling] of Object.entries(GAS_CEILINGS)) {
  const value = sorted[key];
  if (value === undefined) failures.push(`${key}: not measured`);
  else if (value > ceiling) failures.push(`${key}: ${value} > ceiling ${ceiling}`);
}
console.table(
  Object.entries(sorted).map(([key, gasUsed]) => ({
    key,
    gasUsed,
    ceiling: GAS_CEILINGS[key] ?? "",
  })),
);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
if (failures.length > 0) {
  console.error(`gas ceilings exceeded:\n  ${failures.join("\n  ")}`);
  process.exitCode = 1;
}
