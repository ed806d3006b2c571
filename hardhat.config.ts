// Runs first: one clear line and exit 1 on an unsupported Node or a half-done install.
import "./scripts/check-node.mjs";
import { createRequire } from "node:module";
import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

import { operatorTasks } from "./tasks/index.js";
import { noTimeoutsRootHooks } from "./test/helpers/noTimeouts.js";

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
 * The chain the tests, the gas report and the simulator run on: Osaka (Fusaka), which mainnet and
 * Sepolia run since December 2025, with its 60M block gas limit and the EIP-7825 per-transaction
 * gas cap of 2^24 = 16,777,216 (a transaction asking for more is refused).
 * `hardhat test --coverage` instruments the bytecode, which costs extra gas; only there are the
 * two limits lifted, as Hardhat itself does when they are not set explicitly.
 */
export const L1_HARDFORK = "osaka";
export const BLOCK_GAS_LIMIT = 60_000_000;
export const TRANSACTION_GAS_CAP = 16_777_216;
const coverage = process.argv.includes("--coverage");
const inProcessL1 = {
  type: "edr-simulated",
  chainType: "l1",
  hardfork: L1_HARDFORK,
  blockGasLimit: coverage ? false : BLOCK_GAS_LIMIT,
  transactionGasCap: coverage ? false : TRANSACTION_GAS_CAP,
} as const;

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin],
  // Operator tasks: register, status, reveal, exit, claim (tasks/index.ts, docs/operators.md).
  tasks: operatorTasks,
  solidity: {
    profiles: {
      default: compiler,
      production: compiler,
    },
  },
  // Solidity tests (test/**/*.t.sol, run by `npm test` with the mocha tests): the fuzz runs per
  // fuzz test and the invariant campaigns, stated here; a fixed seed makes CI's runs repeatable.
  test: {
    // No test or hook depends on wall-clock speed (test/helpers/noTimeouts.ts).
    mocha: { timeout: 0, rootHooks: noTimeoutsRootHooks },
    solidity: {
      fuzz: { runs: 256, seed: "0x5eed" },
      invariant: { runs: 64, depth: 32, failOnRevert: false },
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
  // hardhat-verify (in the toolbox): `npm run deploy -- --network sepolia --yes --verify` verifies
  // every deployed contract on Etherscan; the API key comes from the Hardhat keystore
  // (`npx hardhat keystore set ETHERSCAN_API_KEY`) or the environment.
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
  networks: {
    // The one in-process network: `network.create()` / `network.connect()` with no name (tests,
    // `npm run gas`, `npm run sim`, the main job) connect to `default`, `hardhat node` runs `node`,
    // and `hardhat` is kept as a name for the same chain (the deploy dry run uses it).
    default: inProcessL1,
    node: inProcessL1,
    hardhat: inProcessL1,
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
    // A public testnet: the RPC URL and the deployer's key come from the Hardhat keystore
    // (`npx hardhat keystore set SEPOLIA_RPC_URL`) or the environment. The chain id is checked
    // against the node's, so a misconfigured URL cannot deploy to another chain.
    sepolia: {
      type: "http",
      chainType: "l1",
      chainId: 11155111,
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
  },
});
