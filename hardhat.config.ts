import { createRequire } from "node:module";
import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

/**
 * solc is the wasm build shipped in the npm package `solc`, pinned in package.json to the same
 * version as below. Nothing is downloaded at compile time. Hardhat needs an absolute path.
 */
export const SOLC_VERSION = "0.8.30";
const solcPath = createRequire(import.meta.url).resolve("solc/soljson.js");

const compiler = {
  version: SOLC_VERSION,
  path: solcPath,
  settings: {
    evmVersion: "prague",
    optimizer: { enabled: true, runs: 10_000 },
    viaIR: false,
  },
};

/**
 * `npx hardhat claim`: claims an account's ProverRewards balances on the selected network with
 * its first account (action in tasks/claim.ts, loaded only when the task runs; docs/claim.md).
 */
const claimTask = task("claim", "Claim an account's ProverRewards balances (prints them first)")
  .addOption({
    name: "rewards",
    description: "ProverRewards address (default: Ignition's deployment for the chain)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "account",
    description: "Account whose balances to claim (default: the signer)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "recipient",
    description: "Pay this address with claimTo (only the withdrawer may)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "fromBlock",
    description: "First L1 block --settle reads events from (e.g. the deployment block)",
    type: ArgumentType.INT,
    defaultValue: 0,
  })
  .addFlag({ name: "settle", description: "First settle every epoch that is ready" })
  .addFlag({ name: "dryRun", description: "Print the plan and the gas estimate; send nothing" })
  .setAction(() => import("./tasks/claim.js"))
  .build();

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin],
  tasks: [claimTask],
  solidity: {
    profiles: {
      default: compiler,
      production: compiler,
    },
  },
  paths: {
    tests: { mocha: "test" },
    // Ignition's directory: modules in deploy/modules, deployments recorded per chain in
    // deploy/deployments/chain-<id> (the Ignition CLI loads modules only from <ignition>/modules).
    ignition: "deploy",
  },
  typechain: {
    outDir: "typechain-types",
  },
  networks: {
    hardhat: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "prague",
    },
    localhost: {
      type: "http",
      chainType: "l1",
      url: "http://127.0.0.1:8545",
    },
    // The same local node, signing with an operator's (or withdrawer's) key from the keystore or
    // the PROVER_PRIVATE_KEY environment variable instead of the node's unlocked accounts.
    localhostOperator: {
      type: "http",
      chainType: "l1",
      url: "http://127.0.0.1:8545",
      accounts: [configVariable("PROVER_PRIVATE_KEY")],
    },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
  },
});
