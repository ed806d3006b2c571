// The supported-runtime check, in plain JavaScript with no dependencies so that it runs before
// anything is installed. Two uses:
//   - `preinstall` (node scripts/check-node.mjs): npm itself must run on Node >= 22.13, or it skips
//     Hardhat's native EDR binary (whose `engines` says node >= 22) and the install half-works.
//     npm's own Node is read from npm_node_execpath, since the preinstall's `node` may already be
//     the project's Node 24 from node_modules/.bin.
//   - imported first by hardhat.config.ts (every `hardhat …`, `npm test`, `npm run sim`, the tsx
//     scripts): the running Node is >= 22.13 and EDR's native binary loads.
// Either failure prints one line saying what to run, and exits 1.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MINIMUM = [22, 13];
const FIX =
  "run `bash scripts/install.sh` (it installs with the Node 24 the project pins), " +
  "or use Node >= 22.13 (24 recommended) and run `npm ci`";

function supported(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]);
}

function fail(line) {
  console.error(`cooperative-prover-network: ${line}`);
  process.exit(1);
}

const self = fileURLToPath(import.meta.url);
const asPreinstall = process.argv[1] !== undefined && path.resolve(process.argv[1]) === self;

if (asPreinstall) {
  // npm exports the Node it runs on as npm_node_execpath (npm_config_user_agent is no use: a
  // nested npm, as under `npx -p node@24 -- npm ci`, inherits the outer one's).
  const npmNodePath = process.env.npm_node_execpath;
  const npmNode =
    npmNodePath === undefined || npmNodePath === process.execPath
      ? process.versions.node
      : execFileSync(npmNodePath, ["-p", "process.versions.node"], { encoding: "utf8" }).trim();
  if (!supported(npmNode)) {
    fail(`npm is running on Node ${npmNode}, which cannot install Hardhat 3: ${FIX}.`);
  }
} else {
  if (!supported(process.versions.node)) {
    fail(`Node ${process.versions.node} cannot run Hardhat 3 (it needs >= 22.13): ${FIX}.`);
  }
  try {
    createRequire(import.meta.url)("@nomicfoundation/edr");
  } catch {
    fail(
      `Hardhat's native EDR binary is not installed (npm ran on Node < 22 and skipped it): ${FIX}.`,
    );
  }
}
