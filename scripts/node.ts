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

import { UsageError } from "../src/cli.js";
import { NODE_HELP, parseNodeArguments } from "../src/deploy/cli.js";
import { startLocalNode } from "../src/deploy/localNode.js";
import { deploySystem } from "../src/deploy/system.js";

/** Node accounts #1-#9 get this many test tokens (1,000 at 18 decimals) to stake. */
const FUNDED_ACCOUNTS = 9;
const FUNDED_AMOUNT = 1000n * 10n ** 18n;

let args: ReturnType<typeof parseNodeArguments>;
try {
  args = parseNodeArguments(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${NODE_HELP}`);
  process.exit(2);
}
if (args.help) {
  console.log(NODE_HELP);
  process.exit(0);
}
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
  const deployed = await deploySystem(connection, args.parameters, {
    ignitionDir: hre.config.paths.ignition,
  });
  // Local convenience: stake tokens for the node's accounts #1-#9, minted by the token's owner.
  const [owner, ...accounts] = await connection.ethers.getSigners();
  const token = await connection.ethers.getContractAt("TestStakeToken", deployed.addresses.token);
  const funded = accounts.slice(0, FUNDED_ACCOUNTS);
  if (deployed.family === "test") {
    for (const account of funded) {
      await (await token.connect(owner).mint(account.address, FUNDED_AMOUNT)).wait();
    }
  }
  await connection.close();
  console.log(`${deployed.moduleId} deployed on chain ${deployed.chainId}:`);
  for (const [name, address] of Object.entries(deployed.addresses)) {
    console.log(`  ${name.padEnd(11)} ${address}`);
  }
  console.log("Recorded in deploy/deployments/chain-31337/ (the operator tasks read it).");
  if (deployed.family === "test") {
    console.log(`Minted 1000 test tokens to each of the node's accounts #1-#${FUNDED_ACCOUNTS}:`);
    for (const account of funded) console.log(`  ${account.address}`);
  }
  if (args.exit) {
    await stop(0);
  } else {
    console.log(
      [
        "",
        "Next, in another terminal (see docs/operators.md):",
        "  npx hardhat register --network localhost --generate --signer <account #1-#9>",
        "  npm run blocks                          # your operators prove 6 blocks",
        "  npx hardhat status   --network localhost --signer <account>",
        "  npx hardhat claim    --network localhost --signer <account>",
        "Ctrl-C stops the node (its chain is gone with it).",
      ].join("\n"),
    );
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
