/**
 * `npm run devnet -- --provers N`: a local devnet of node processes (src/node/devnet.ts): a
 * `hardhat node` with interval mining on 127.0.0.1, the system deployed, a sequencer and N
 * prover processes talking over libp2p. Prints where logs and metrics are; Ctrl-C (or SIGTERM)
 * stops every process it started.
 *
 *   npm run devnet -- --provers 8
 *   npm run devnet -- --provers 4 --blocks 20 --dir .devnet --block-ms 1000
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { DevnetError, parseProverCount, startDevnet } from "../src/node/devnet.js";

const HELP = [
  "Usage: npm run devnet -- --provers N [--blocks B] [--dir DIR] [--block-ms MS] [--claim-every K]",
  "",
  "  --provers N       prover processes, 1..18 (default 4)",
  "  --blocks B        L2 blocks the sequencer proposes (default: until stopped)",
  "  --dir DIR         devnet directory: keys, configs, data, logs (default .prover/devnet, wiped)",
  "  --block-ms MS     L1 block interval in ms (default 1000)",
  "  --claim-every K   provers claim every K L1 blocks (default 0: never)",
  "  --log-level L     the nodes' log level: debug, info, warn, ... (default info)",
  "  --help            this text",
].join("\n");

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      provers: { type: "string", default: "4" },
      blocks: { type: "string" },
      dir: { type: "string", default: ".prover/devnet" },
      "block-ms": { type: "string", default: "1000" },
      "claim-every": { type: "string", default: "0" },
      "log-level": { type: "string", default: "info" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${HELP}`);
  process.exit(2);
}
if (values.help === true) {
  console.log(HELP);
  process.exit(0);
}
const positive = (name: string, value: string | undefined, min = 1) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min}; got ${value}\n\n${HELP}`);
    process.exit(2);
  }
  return n;
};
let provers: number;
try {
  provers = parseProverCount(String(values.provers));
} catch (error) {
  if (!(error instanceof DevnetError)) throw error;
  console.error(`${error.message}\n\n${HELP}`);
  process.exit(2);
}
const blocks = values.blocks === undefined ? undefined : positive("blocks", String(values.blocks));
const blockMs = positive("block-ms", String(values["block-ms"]), 100);
const claimEvery = positive("claim-every", String(values["claim-every"]), 0);
const dir = path.resolve(root, String(values.dir));
function logLevel(value: string): "trace" | "debug" | "info" | "warn" | "error" | "fatal" {
  const levels = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
  const found = levels.find((l) => l === value);
  if (found === undefined) {
    console.error(`--log-level must be one of ${levels.join(", ")}; got ${value}\n\n${HELP}`);
    process.exit(2);
  }
  return found;
}
await rm(dir, { recursive: true, force: true });

const devnet = await startDevnet({
  provers,
  root,
  dir,
  blocks,
  blockMs,
  claimEvery,
  logLevel: logLevel(String(values["log-level"])),
  say: (line) => console.log(line),
});
console.log("");
console.log(`Devnet running at ${devnet.url} (chain ${devnet.deployed.chainId}), directory ${dir}`);
console.log(`  ProverRewards ${devnet.deployed.addresses.rewards}`);
for (const d of [devnet.sequencer, ...devnet.provers]) {
  console.log(
    `  ${d.name.padEnd(10)} ${d.address}  pid ${d.process?.pid}  ` +
      `metrics http://127.0.0.1:${d.metricsPort}/metrics  log ${path.relative(root, d.logFile)}`,
  );
}
console.log("Status of an operator:");
console.log(
  `  npx hardhat status --network localhost --rewards ${devnet.deployed.addresses.rewards} --operator <address>`,
);
console.log(
  `  (with localhost at ${devnet.url}: set the port in hardhat.config.ts or use the metrics)`,
);
console.log("Ctrl-C stops everything.");

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log("Stopping the nodes and the chain ...");
  await devnet.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
await new Promise(() => {});
