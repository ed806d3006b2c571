/**
 * The prover node follows a real JSON-RPC node through a reorg (issue 21): a `hardhat node` on
 * 127.0.0.1 with the system deployed and one funded operator, whose node runs in this
 * process (`startNode`, the same code `npm run prover` runs; it registers itself at start,
 * `register.enabled`). The test, not the node, makes the
 * reorg: `evm_snapshot`, a branch of blocks carrying a PoolFunded event, `evm_revert`, and a
 * longer branch with another. The node must notice (exactly one reorg), roll back to the
 * snapshot's block (the common ancestor, in its log), keep following to the new head and stay
 * healthy, with no error logged. It never calls a dev-only method (it only holds the RPC URL).
 * That the rolled-back events are dropped and the new branch's applied is checked on the
 * follower itself in test/node.test.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Wallet } from "ethers";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";

import userConfig from "../hardhat.config.js";
import { startLocalNode, type LocalNode } from "../src/deploy/localNode.js";
import { deploySystem } from "../src/deploy/system.js";
import { parseNodeConfig } from "../src/node/config.js";
import { HARDHAT_MNEMONIC } from "../src/node/devnet.js";
import { writeKeystore } from "../src/node/keystore.js";
import { metricValue } from "../src/node/metrics.js";
import { startNode, type RunningNode } from "../src/node/runtime.js";
import { loadDeployment } from "../src/operator/deployment.js";
import { secretKeyFromSeed } from "../src/protocol/bls.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const account = (i: number) =>
  HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), `m/44'/60'/0'/0/${i}`);

describe("prover node: follows the chain through a reorg", function () {
  let dir: string;
  let chain: LocalNode | undefined;
  let running: RunningNode | undefined;
  let provider: JsonRpcProvider | undefined;
  const savedKey = process.env.PROVER_PRIVATE_KEY;

  before(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "node-reorg-"));
  });

  after(async function () {
    await running?.stop();
    provider?.destroy();
    await chain?.stop();
    if (savedKey === undefined) delete process.env.PROVER_PRIVATE_KEY;
    else process.env.PROVER_PRIVATE_KEY = savedKey;
    await rm(dir, { recursive: true, force: true });
  });

  it("rolls back to the common ancestor and applies only the new branch", async function () {
    chain = await startLocalNode({ root });
    const hre = await createHardhatRuntimeEnvironment(
      {
        ...userConfig,
        networks: {
          ...userConfig.networks,
          localhost: { type: "http", chainType: "l1", url: chain.url },
        },
        paths: { ...userConfig.paths, ignition: path.join(dir, "ignition") },
      },
      { network: "localhost" },
      root,
    );
    const connection = await hre.network.create();
    const deployed = await deploySystem(
      connection,
      path.join(root, "deploy/parameters/local.json"),
    );
    await connection.close();
    provider = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const deployer = new Wallet(account(0).privateKey, provider);
    const contracts = await loadDeployment(path.join(dir, "ignition"), 31337n, deployer);
    const operator = new Wallet(account(5).privateKey, provider);
    const secretKey = secretKeyFromSeed("node-reorg-test");
    await (
      await contracts.token.mint(operator.address, await contracts.table.MINIMUM_STAKE())
    ).wait();
    // Not registered yet: the node registers itself at start (register.enabled).
    expect((await contracts.table.operatorInfo(operator.address)).status).to.equal(0n);
    const keystore = path.join(dir, "operator.keystore.json");
    await writeKeystore(keystore, secretKey, "node reorg password");
    await writeFile(path.join(dir, "password.txt"), "node reorg password\n");
    const logFile = path.join(dir, "node.log");
    process.env.PROVER_PRIVATE_KEY = operator.privateKey;
    running = await startNode(
      parseNodeConfig(
        {
          role: "prover",
          rpcUrl: chain.url,
          chainId: 31337,
          deployment: {
            rewards: deployed.addresses.rewards,
            slasher: deployed.addresses.slasher,
            fromBlock: deployed.fromBlock,
          },
          dataDir: "data",
          bls: { keystore, passwordFile: "password.txt" },
          metrics: { port: 0 },
          log: { level: "info", file: logFile, stdout: false },
          chain: { pollMs: 100 },
          register: { enabled: true },
        },
        dir,
      ),
      "prover",
    );
    const node = running;
    expect((await contracts.table.operatorInfo(operator.address)).status).to.equal(1n);
    const metric = async (name: string) => {
      const response = await fetch(`http://127.0.0.1:${node.metricsPort}/metrics`);
      return metricValue(await response.text(), name) ?? -1;
    };
    /** Waits (bounded by iterations) until the node has applied block `n`. */
    const processed = async (n: number) => {
      for (let i = 0; i < 600 && (await metric("provernet_l1_processed")) < n; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await metric("provernet_l1_processed")).to.be.at.least(n);
    };
    const mine = async (count: number) => {
      for (let i = 0; i < count; i++) await provider!.send("evm_mine", []);
    };

    await processed(await provider.getBlockNumber());
    const ancestor = await provider.getBlockNumber();
    const snapshot = (await provider.send("evm_snapshot", [])) as string;
    // The branch that will be dropped: a PoolFunded event, then two empty blocks.
    await (await contracts.token.mint(deployer.address, 5n)).wait();
    await (await contracts.token.approve(deployed.addresses.rewards, 5n)).wait();
    await (await contracts.rewards.fund(5n)).wait();
    await mine(2);
    await processed(await provider.getBlockNumber());
    expect(await metric("provernet_reorgs")).to.equal(0);

    expect(await provider.send("evm_revert", [snapshot])).to.equal(true);
    // The longer branch: the pool funded with another amount, then more blocks.
    await (await contracts.token.mint(deployer.address, 7n)).wait();
    await (await contracts.token.approve(deployed.addresses.rewards, 7n)).wait();
    await (await contracts.rewards.fund(7n)).wait();
    await mine(4);
    const head = await provider.getBlockNumber();
    await processed(head);
    expect(await metric("provernet_reorgs")).to.equal(1);
    const health = await fetch(`http://127.0.0.1:${node.metricsPort}/healthz`);
    expect(health.status).to.equal(200);

    await node.stop();
    running = undefined;
    const lines = (await readFile(logFile, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg: string; ancestor?: number; level: number });
    const reorg = lines.find((l) => l.msg.startsWith("L1 reorg"));
    expect(reorg?.ancestor).to.equal(ancestor);
    expect(lines.filter((l) => l.level >= 50)).to.deep.equal([]);
  });
});
