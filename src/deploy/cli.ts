/** The command lines of `npm run deploy`, `npm run node` and `npm run blocks` (node:util parseArgs). */
import { helpText, numberOption, parseCli, UsageError, type OptionSpec } from "../cli.js";

const OPTIONS = [
  {
    name: "network",
    type: "string",
    value: "<name>",
    description: "a network of hardhat.config.ts",
    default: "localhost",
  },
  {
    name: "parameters",
    type: "string",
    value: "<file>",
    description: "the parameters file",
    default: "deploy/parameters/<network>.json, local.json for localhost",
  },
  {
    name: "dry-run",
    type: "boolean",
    description: "validate and deploy on an in-process chain with the network's id; send nothing",
  },
  { name: "yes", type: "boolean", description: "deploy to a chain other than Hardhat's 31337" },
  {
    name: "verify",
    type: "boolean",
    description:
      "then verify every deployed contract on Etherscan (ETHERSCAN_API_KEY from the keystore)",
  },
] as const;

export const DEPLOY_HELP = helpText(
  "usage: npm run deploy -- [--network <name>] [--parameters <file>] [--dry-run] [--yes] [--verify]",
  "Validates a parameters file and deploys the whole system with Ignition (docs/deploy.md).",
  OPTIONS,
);

export interface DeployArguments {
  network: string;
  parameters?: string;
  dryRun: boolean;
  yes: boolean;
  verify: boolean;
  help: boolean;
}

export function parseDeployArguments(argv: string[]): DeployArguments {
  const { values, help } = parseCli(argv, OPTIONS);
  return {
    network: (values.network as string | undefined) ?? "localhost",
    parameters: values.parameters as string | undefined,
    dryRun: values["dry-run"] === true,
    yes: values.yes === true,
    verify: values.verify === true,
    help,
  };
}

const NODE_OPTIONS: readonly OptionSpec[] = [
  { name: "port", type: "string", value: "<n>", description: "port on 127.0.0.1", default: "8545" },
  {
    name: "parameters",
    type: "string",
    value: "<file>",
    description: "the parameters file",
    default: "deploy/parameters/local.json",
  },
  { name: "exit", type: "boolean", description: "deploy, then stop the node (a smoke test)" },
];

export const NODE_HELP = helpText(
  "usage: npm run node -- [--port <n>] [--parameters <file>] [--exit]",
  "Starts hardhat node on 127.0.0.1, deploys the whole system to it and funds accounts #1-#9.",
  NODE_OPTIONS,
);

export function parseNodeArguments(argv: readonly string[]) {
  const { values, help } = parseCli(argv, NODE_OPTIONS);
  const port = values.port === undefined ? 8545 : numberOption("port", values.port as string);
  if (!Number.isSafeInteger(port) || port <= 0 || port > 65535) {
    throw new UsageError("--port is not a port");
  }
  return {
    port,
    parameters: (values.parameters as string | undefined) ?? "deploy/parameters/local.json",
    exit: values.exit === true,
    help,
  };
}

const BLOCKS_OPTIONS: readonly OptionSpec[] = [
  { name: "blocks", type: "string", value: "<n>", description: "L2 blocks to prove", default: "6" },
];

export const BLOCKS_HELP = helpText(
  "usage: npm run blocks -- [--blocks <n>]",
  "Proves L2 blocks on the npm run node deployment with your registered operators as provers.",
  BLOCKS_OPTIONS,
);

export function parseBlocksArguments(argv: readonly string[]) {
  const { values, help } = parseCli(argv, BLOCKS_OPTIONS);
  const blocks = values.blocks === undefined ? 6 : numberOption("blocks", values.blocks as string);
  if (!Number.isSafeInteger(blocks) || blocks < 1)
    throw new UsageError("--blocks must be at least 1");
  return { blocks, help };
}
