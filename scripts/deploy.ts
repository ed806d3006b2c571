/**
 * `npm run deploy`: validates a per-network parameters file and deploys the whole system with
 * Ignition (src/deploy/system.ts), recording the addresses in deploy/deployments/chain-<id>/.
 *
 *   npm run deploy                                   # localhost, deploy/parameters/local.json
 *   npm run deploy -- --network sepolia --dry-run    # validate and rehearse; send nothing
 *   npm run deploy -- --network sepolia --yes        # deploy to Sepolia
 *   npm run deploy -- --network localhost --parameters deploy/parameters/my.json
 *   npm run deploy -- --network sepolia --yes --verify   # then verify every contract on Etherscan
 *
 * The parameters file defaults to deploy/parameters/<network>.json (local.json for localhost).
 * `--dry-run` checks the network's configuration (its RPC URL and deployer key resolve, from the
 * keystore or the environment), validates the file against the deployer, and deploys the same
 * module on an in-process chain with the network's chain id, signed by the same key: every
 * transaction runs, nothing is sent and nothing is recorded. A real deployment to any chain but
 * Hardhat's local 31337 needs `--yes`. See docs/deploy.md.
 */
import path from "node:path";

import { Wallet } from "ethers";
import hre, { network } from "hardhat";

import { deploySystem, type DeployedSystem } from "../src/deploy/system.js";

import { DEPLOY_HELP, parseDeployArguments } from "../src/deploy/cli.js";
import { verifyDeployment } from "../src/deploy/verify.js";
import { UsageError } from "../src/cli.js";

/** deploy/parameters/<network>.json, with localhost's file being local.json. */
export function defaultParametersFile(root: string, networkName: string): string {
  const name = networkName === "localhost" ? "local" : networkName;
  return path.join(root, "deploy", "parameters", `${name}.json`);
}

function printDeployment(d: DeployedSystem, recorded: boolean): void {
  console.log(`${d.moduleId} on chain ${d.chainId} (done at L1 block ${d.block}):`);
  for (const [name, address] of Object.entries(d.addresses)) {
    console.log(`  ${name.padEnd(11)} ${address}`);
  }
  if (recorded) {
    console.log(
      `Recorded by Ignition in deploy/deployments/chain-${d.chainId}/deployed_addresses.json; ` +
        "the operator tasks (register, status, reveal, exit, claim) find it there.",
    );
  }
}

/** The network's deployer key, from its configured accounts (keystore or environment). */
async function deployerKey(networkName: string): Promise<string> {
  const config = hre.config.networks[networkName];
  if (config === undefined) throw new Error(`no network ${networkName} in hardhat.config.ts`);
  if (config.type !== "http") {
    throw new Error(`--dry-run rehearses a remote network; ${networkName} is in-process already`);
  }
  await config.url.getUrl(); // The RPC URL resolves and is a URL (nothing is fetched).
  if (!Array.isArray(config.accounts) || config.accounts.length === 0) {
    throw new Error(`network ${networkName} needs one private key in accounts to deploy from`);
  }
  return config.accounts[0].getHexString();
}

/** hardhat.config.ts's Etherscan API key (configVariable ETHERSCAN_API_KEY), resolved now. */
async function etherscanApiKey(): Promise<string> {
  const key = hre.config.verify.etherscan.apiKey;
  if (key === undefined || !hre.config.verify.etherscan.enabled) {
    throw new Error("--verify needs verify.etherscan in hardhat.config.ts");
  }
  return key.get();
}

async function main(): Promise<void> {
  const args = parseDeployArguments(process.argv.slice(2));
  if (args.help) {
    console.log(DEPLOY_HELP);
    return;
  }
  const parameters = args.parameters ?? defaultParametersFile(hre.config.paths.root, args.network);
  if (args.dryRun) {
    const key = await deployerKey(args.network);
    const deployer = new Wallet(key).address;
    const config = hre.config.networks[args.network];
    const chainId = config.chainId ?? 31337;
    console.log(
      `Dry run of ${parameters} for network ${args.network} (chain ${chainId}) from ` +
        `${deployer}: deploying on an in-process chain; nothing is sent.`,
    );
    const connection = await network.create({
      network: "hardhat",
      override: {
        chainId,
        accounts: [{ privateKey: key, balance: 10n ** 24n }],
      },
    });
    try {
      const deployed = await deploySystem(connection, parameters);
      printDeployment(deployed, false);
      if (args.verify) {
        // The key must resolve now (keystore or environment); the real run verifies each of these.
        await etherscanApiKey();
        console.log(
          `--verify: the real run verifies these ${Object.keys(deployed.addresses).length} ` +
            "contracts on Etherscan (ETHERSCAN_API_KEY resolves).",
        );
      }
      console.log("Dry run passed: the parameters are valid and every deployment step ran.");
    } finally {
      await connection.close();
    }
    return;
  }
  const connection = await network.create(args.network);
  try {
    const { chainId } = await connection.ethers.provider.getNetwork();
    if (chainId !== 31337n && !args.yes) {
      throw new Error(
        `network ${args.network} is chain ${chainId}: rehearse with --dry-run, then pass --yes`,
      );
    }
    const deployed = await deploySystem(connection, parameters, {
      displayUi: true,
      ignitionDir: hre.config.paths.ignition,
    });
    printDeployment(deployed, connection.networkConfig.type === "http");
    if (args.verify) {
      if (connection.networkConfig.type !== "http" || chainId === 31337n) {
        throw new Error(
          "--verify needs a public chain with a block explorer (e.g. --network sepolia)",
        );
      }
      await etherscanApiKey();
      const dir = path.join(hre.config.paths.ignition, "deployments", `chain-${chainId}`);
      const { planned, verified } = await verifyDeployment(hre, dir);
      console.log(`Verified ${verified} of ${planned.length} contracts on Etherscan.`);
      if (verified < planned.length) process.exitCode = 1;
    }
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${DEPLOY_HELP}`);
    process.exitCode = 2;
    return;
  }
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
