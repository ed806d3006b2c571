/**
 * End to end on a real JSON-RPC node (issue 7 §3): the test starts `hardhat node` on 127.0.0.1,
 * deploys the whole system with Ignition from deploy/parameters/local.json (as `npm run node`
 * does), registers 8 operators through the `register` task (each generating its BLS key into a
 * key file), runs 6 L2 blocks with the simulator's prover and sequencer clients over HTTP,
 * claims for every operator through the `claim` task, checks the balances from chain state,
 * and stops the node. The testnet path is exercised as far as this machine allows: the Sepolia
 * parameters file deployed to the same node, and `npm run deploy -- --network sepolia --dry-run`
 * with and without its configuration variables.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { HDNodeWallet, Mnemonic } from "ethers";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import type { VerifyContractArgs } from "@nomicfoundation/hardhat-verify/verify";

import userConfig from "../hardhat.config.js";
import { OperatorWallet, type ProtocolContracts } from "../src/client/chain.js";
import { startLocalNode, type LocalNode } from "../src/deploy/localNode.js";
import { deploySystem, type DeployedSystem } from "../src/deploy/system.js";
import { verifyDeployment } from "../src/deploy/verify.js";
import { loadDeployment } from "../src/operator/deployment.js";
import { readKeyFile } from "../src/operator/keys.js";
import type { OperatorStatusReport } from "../src/operator/status.js";
import { DEFAULT_OPTIONS } from "../src/sim/options.js";
import { runSimulation, type SimResult } from "../src/sim/simulator.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const LOCAL_PARAMETERS = path.join(root, "deploy", "parameters", "local.json");
const SEPOLIA_PARAMETERS = path.join(root, "deploy", "parameters", "sepolia.json");
/** Hardhat's default accounts (what `hardhat node` unlocks). */
const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const OPERATORS = 8;
const BLOCKS = 6;

function nodeAccount(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${index}`);
}

/** Runs a task through Hardhat's task system; a refusal would set exitCode 1. */
async function runTask(
  hre: HardhatRuntimeEnvironment,
  name: string,
  args: Record<string, unknown>,
) {
  process.exitCode = undefined;
  await hre.tasks.getTask(name).run(args);
  const code = process.exitCode;
  process.exitCode = undefined;
  expect(code ?? 0, `task ${name} ${JSON.stringify(args)} was refused`).to.equal(0);
}

describe("end to end: hardhat node, Ignition, operator tasks, clients, claims", function () {
  this.timeout(240_000);
  let node: LocalNode;
  let work: string;
  let hre: HardhatRuntimeEnvironment;
  let connection: NetworkConnection;
  let deployed: DeployedSystem;
  let contracts: ProtocolContracts;

  before(async function () {
    work = await mkdtemp(path.join(tmpdir(), "e2e-"));
    node = await startLocalNode({ root });
    // The project's own config, with `localhost` pointed at this node and Ignition recording into
    // a temporary directory instead of the repository's deploy/deployments.
    hre = await createHardhatRuntimeEnvironment(
      {
        ...userConfig,
        networks: {
          ...userConfig.networks,
          localhost: { type: "http", chainType: "l1", url: node.url },
        },
        paths: { ...userConfig.paths, ignition: work },
      },
      { network: "localhost" },
      root,
    );
    connection = await hre.network.create();
  });

  after(async function () {
    await connection?.close();
    await node?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it("deploys the system with Ignition and records it the Ignition way", async function () {
    deployed = await deploySystem(connection, LOCAL_PARAMETERS);
    expect(deployed.moduleId).to.equal("TestProverSystem");
    const recorded = JSON.parse(
      await readFile(
        path.join(work, "deployments", "chain-31337", "deployed_addresses.json"),
        "utf8",
      ),
    ) as Record<string, string>;
    expect(recorded["TestProverRewards#ProverRewards"]).to.equal(deployed.addresses.rewards);
    expect(recorded["TestInvalidWorkSlasher#InvalidWorkSlasher"]).to.equal(
      deployed.addresses.slasher,
    );
    const [owner] = await connection.ethers.getSigners();
    contracts = await loadDeployment(work, 31337n, owner);
    expect(await contracts.table.getAddress()).to.equal(deployed.addresses.stakeTable);
    expect(await contracts.rewards.pool()).to.be.greaterThan(0n);
  });

  it("plans an Etherscan verification for every contract Ignition recorded (npm run deploy --verify)", async function () {
    const dir = path.join(work, "deployments", "chain-31337");
    const calls: VerifyContractArgs[] = [];
    const { planned, verified } = await verifyDeployment(hre, dir, {
      verify: async (args) => {
        calls.push(args);
        return true;
      },
      log: () => {},
    });
    expect(verified).to.equal(planned.length);
    expect(calls.every((c) => c.provider === "etherscan")).to.equal(true);
    const addresses = new Set(calls.map((c) => c.address.toLowerCase()));
    for (const [name, address] of Object.entries(deployed.addresses)) {
      expect(addresses.has(address.toLowerCase()), `${name} is verified`).to.equal(true);
    }
    const rewards = calls.find(
      (c) => c.address.toLowerCase() === deployed.addresses.rewards.toLowerCase(),
    );
    expect(rewards?.contract).to.equal("contracts/rewards/ProverRewards.sol:ProverRewards");
    expect(rewards?.constructorArgs?.length).to.be.greaterThan(0);
  });

  it("registers 8 operators through the register task, each with a generated BLS key", async function () {
    const minimum = await contracts.table.MINIMUM_STAKE();
    for (let i = 1; i <= OPERATORS; i++) {
      await (await contracts.token.mint(nodeAccount(i).address, minimum)).wait();
    }
    for (let i = 1; i <= OPERATORS; i++) {
      await runTask(hre, "register", {
        signer: nodeAccount(i).address,
        generate: true,
        keyFile: path.join(work, `operator-${i}.bls.json`),
      });
    }
    for (let i = 1; i <= OPERATORS; i++) {
      const info = await contracts.table.operatorInfo(nodeAccount(i).address);
      expect(info.status).to.equal(1n); // Active
      expect(info.balance).to.equal(minimum);
      expect(await contracts.token.balanceOf(nodeAccount(i).address)).to.equal(0n);
    }
    // A second registration of the same operator is refused before sending.
    process.exitCode = undefined;
    await hre.tasks.getTask("register").run({
      signer: nodeAccount(1).address,
      keyFile: path.join(work, "operator-1.bls.json"),
    });
    expect(process.exitCode).to.equal(1);
    process.exitCode = undefined;
  });

  let result: SimResult;
  it("runs 6 blocks with the simulator's clients over JSON-RPC: all proven, conserved", async function () {
    const provers = [];
    for (let i = 1; i <= OPERATORS; i++) {
      provers.push({
        wallet: new OperatorWallet(nodeAccount(i).privateKey, connection.ethers.provider),
        secretKey: await readKeyFile(path.join(work, `operator-${i}.bls.json`)),
      });
    }
    result = await runSimulation(
      { ...DEFAULT_OPTIONS, provers: OPERATORS, blocks: BLOCKS, seed: 7 },
      connection,
      () => {},
      { contracts, deployedAfter: deployed.fromBlock - 1, provers, claim: false },
    );
    const { report } = result;
    expect(report.blocks.map((b) => b.outcome)).to.deep.equal(new Array(BLOCKS).fill("proven"));
    expect(report.totals.conserved, JSON.stringify(report.totals)).to.equal(true);
  });

  it("status reports each operator's committees, credited chunks and claimable rewards", async function () {
    const { statusOnConnection } = await import("../tasks/status.js");
    const lines: string[] = [];
    const report: OperatorStatusReport = await statusOnConnection(
      hre,
      connection,
      { operator: nodeAccount(1).address, fromBlock: 0 },
      (line) => lines.push(line),
    );
    const owed = await contracts.rewards.claimable(nodeAccount(1).address);
    expect(report.status).to.equal("Active");
    expect(report.committees.length).to.be.greaterThan(0);
    expect(report.chunksCredited).to.be.greaterThan(0);
    expect(report.claimable.proving).to.equal(owed.proving);
    expect(report.slashes).to.deep.equal([]);
    expect(lines.join("\n")).to.include(`${report.chunksCredited} chunks credited`);
  });

  it("claims every operator's rewards through the claim task; balances match chain state", async function () {
    const { token, rewards } = contracts;
    const owed: bigint[] = [];
    for (let i = 1; i <= OPERATORS; i++) {
      const c = await rewards.claimable(nodeAccount(i).address);
      owed.push(c.proving + c.sequencing + c.submitting);
    }
    expect(
      owed.every((v) => v > 0n),
      `owed ${owed}`,
    ).to.equal(true);
    const poolBefore = await rewards.pool();
    const rewardsBalanceBefore = await token.balanceOf(await rewards.getAddress());
    for (let i = 1; i <= OPERATORS; i++) {
      await runTask(hre, "claim", { signer: nodeAccount(i).address });
    }
    let paid = 0n;
    for (let i = 1; i <= OPERATORS; i++) {
      const address = nodeAccount(i).address;
      // Each operator staked all it had, so its balance is exactly what it claimed.
      expect(await token.balanceOf(address)).to.equal(owed[i - 1]);
      const c = await rewards.claimable(address);
      expect(c.proving + c.sequencing + c.submitting).to.equal(0n);
      paid += owed[i - 1];
    }
    const claimed = await rewards.queryFilter(rewards.filters.Claimed());
    expect(claimed.length).to.equal(OPERATORS);
    expect(await token.balanceOf(await rewards.getAddress())).to.equal(rewardsBalanceBefore - paid);
    expect(await rewards.pool()).to.equal(poolBefore);
    // The stake table still holds every operator's stake.
    const minimum = await contracts.table.MINIMUM_STAKE();
    for (let i = 1; i <= OPERATORS; i++) {
      expect((await contracts.table.operatorInfo(nodeAccount(i).address)).balance).to.equal(
        minimum,
      );
    }
  });

  it("an operator exits through the exit task, and finalize is refused until the delay", async function () {
    const operator = nodeAccount(OPERATORS).address;
    await runTask(hre, "exit", { signer: operator });
    const info = await contracts.table.operatorInfo(operator);
    expect(info.status).to.equal(2n); // Exiting
    process.exitCode = undefined;
    await hre.tasks.getTask("exit").run({ signer: operator, finalize: true });
    expect(process.exitCode).to.equal(1);
    process.exitCode = undefined;
    const provider = connection.ethers.provider;
    const now = BigInt(await provider.getBlockNumber());
    await provider.send("hardhat_mine", [`0x${(info.withdrawableAt - now).toString(16)}`]);
    await runTask(hre, "exit", { signer: operator, finalize: true });
    expect((await contracts.table.operatorInfo(operator)).status).to.equal(3n); // Exited
  });

  it("the Sepolia parameters file, its roles set to the deployer, deploys on the local node", async function () {
    const sepolia = JSON.parse(await readFile(SEPOLIA_PARAMETERS, "utf8")) as {
      $global: Record<string, string>;
    };
    const [owner] = await connection.ethers.getSigners();
    for (const role of Object.keys(sepolia.$global)) sepolia.$global[role] = owner.address;
    const file = path.join(work, "sepolia.filled.json");
    await writeFile(file, JSON.stringify(sepolia));
    // A second deployment on the same chain needs its own Ignition deployment id.
    const testnet = await deploySystem(connection, file, { deploymentId: "sepolia-on-local" });
    const table = await connection.ethers.getContractAt("StakeTable", testnet.addresses.stakeTable);
    const raw = JSON.parse(await readFile(SEPOLIA_PARAMETERS, "utf8")) as Record<
      string,
      Record<string, string>
    >;
    const expected = (v: string) => BigInt(v.replace(/n$/, ""));
    expect(await table.EPOCH_LENGTH()).to.equal(expected(raw.TestStakeTable.epochLength));
    expect(await table.PROOF_WINDOW()).to.equal(expected(raw.TestStakeTable.proofWindow));
    expect(await table.EXIT_DELAY()).to.equal(expected(raw.TestStakeTable.exitDelay));
    // The file as shipped is refused: its role addresses are placeholders.
    let refused: unknown;
    try {
      await deploySystem(connection, SEPOLIA_PARAMETERS, { deploymentId: "sepolia-as-shipped" });
    } catch (error) {
      refused = error;
    }
    expect(String(refused)).to.match(/admin/);
  });

  it("npm run deploy --network sepolia --dry-run rehearses from the configured key; without it, it fails", async function () {
    const sepolia = JSON.parse(await readFile(SEPOLIA_PARAMETERS, "utf8")) as {
      $global: Record<string, string>;
    };
    const deployer = nodeAccount(9);
    for (const role of Object.keys(sepolia.$global)) sepolia.$global[role] = deployer.address;
    const file = path.join(work, "sepolia.dryrun.json");
    await writeFile(file, JSON.stringify(sepolia));
    const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
    const run = (env: Record<string, string>) =>
      spawnSync(
        process.execPath,
        [
          tsx,
          "scripts/deploy.ts",
          ...["--network", "sepolia", "--dry-run", "--parameters", file],
          ...(env.VERIFY === "1" ? ["--verify"] : []),
        ],
        {
          cwd: root,
          encoding: "utf8",
          env: { ...process.env, SEPOLIA_RPC_URL: "", SEPOLIA_PRIVATE_KEY: "", ...env },
        },
      );
    const ok = run({
      SEPOLIA_RPC_URL: "http://127.0.0.1:9",
      SEPOLIA_PRIVATE_KEY: deployer.privateKey,
    });
    expect(ok.status, ok.stderr + ok.stdout).to.equal(0);
    expect(ok.stdout).to.include("chain 11155111");
    expect(ok.stdout).to.include("Dry run passed");
    const missing = run({ SEPOLIA_RPC_URL: "http://127.0.0.1:9" });
    expect(missing.status).to.not.equal(0);
    const withVerify = run({
      SEPOLIA_RPC_URL: "http://127.0.0.1:9",
      SEPOLIA_PRIVATE_KEY: deployer.privateKey,
      ETHERSCAN_API_KEY: "dry-run-key",
      VERIFY: "1",
    });
    expect(withVerify.status, withVerify.stderr + withVerify.stdout).to.equal(0);
    expect(withVerify.stdout).to.match(/--verify: the real run verifies these \d+ contracts/);
  });
});
