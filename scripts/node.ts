/**
 * `npm run node`: starts a local `hardhat node` on 127.0.0.1, waits until it answers, deploys
 * the whole system to it from deploy/parameters/local.json (src/deploy/system.ts), prints the
 * addresses and the next commands, and keeps the node running until Ctrl-C.
 *
 *   npm run node                      # port 8545, the `localhost` network of hardhat.config.ts
 *   npm run node -- --port 8546       # another port (then pass the URL to your tools)
 *   npm run node -- --exit            # deploy, then stop the node (a smoke test)
 *   npm run node -- --parameters deploy/parameters/sepolia.local.json
 */
import hre, { network } from "hardhat";

import { startLocalNode } from "../src/deploy/localNode.js";
import { deploySystem } from "../src/deploy/system.js";

const USAGE = "usage: npm run node -- [--port <n>] [--parameters <file>] [--exit]";

function parseArguments(argv: string[]) {
  const args = { port: 8545, parameters: "deploy/parameters/local.json", exit: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--port") args.port = Number(argv[++i]);
    else if (flag === "--parameters") args.parameters = argv[++i] ?? "";
    else if (flag === "--exit") args.exit = true;
    else throw new Error(`unknown argument ${flag}\n${USAGE}`);
  }
  if (!Number.isSafeInteger(args.port) || args.port <= 0 || args.port > 65535) {
    throw new Error(`--port is not a port\n${USAGE}`);
  }
  return args;
}

const args = parseArguments(process.argv.slice(2));
console.log(`Starting hardhat node on 127.0.0.1:${args.port} ...`);
const node = await startLocalNode({ root: hre.config.paths.root, port: args.port });
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await node.stop();
  process.exit(code);
};
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
try {
  console.log(`Node ready at ${node.url}. Deploying ${args.parameters} ...`);
  const connection = await network.create({ network: "localhost", override: { url: node.url } });
  const deployed = await deploySystem(connection, args.parameters);
  await connection.close();
  console.log(`${deployed.moduleId} deployed on chain ${deployed.chainId}:`);
  for (const [name, address] of Object.entries(deployed.addresses)) {
    console.log(`  ${name.padEnd(11)} ${address}`);
  }
  console.log("Recorded in deploy/deployments/chain-31337/ (the operator tasks read it).");
  if (args.exit) {
    await stop(0);
  } else {
    console.log(
      [
        "",
        "Next, in another terminal (see docs/operators.md):",
        "  npx hardhat register --network localhost --generate --signer <one of the node's accounts>",
        "  npx hardhat status   --network localhost",
        "  npm run sim -- --network localhost      # drive provers and a sequencer against it",
        "  npx hardhat claim    --network localhost --settle",
        "Ctrl-C stops the node (its chain is gone with it).",
      ].join("\n"),
    );
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
