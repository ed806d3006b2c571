/**
 * A local devnet of node processes (`npm run devnet -- --provers N`, and the end-to-end test):
 * 1. starts `hardhat node` on 127.0.0.1 (src/deploy/localNode.ts);
 * 2. deploys the system from deploy/parameters/local.json with the devnet's shorter clocks
 *    ({@link DEVNET_OVERRIDES}: 16-block epochs, 4-block slots, 16-block proof windows, 8 leaves),
 *    recorded by Ignition in the devnet directory;
 * 3. funds and registers the sequencer (account #1) and N provers (accounts #2..#N+1 of Hardhat's
 *    20 default accounts; #0 deploys), each with a fresh BLS key in an EIP-2335 keystore;
 * 4. writes one config per process and starts one sequencer and N prover processes, each in its
 *    own process group, logging to `<dir>/<name>/node.log`, metrics on 127.0.0.1;
 * 5. once every node answers /healthz, mines quickly (evm_mine, RANDAO checkpoints on the
 *    way) to just before the first committee's reveal window, then switches the chain to
 *    interval mining (one block per `blockMs`).
 * Only this orchestrator calls dev-only methods (evm_mine, evm_setIntervalMining); the
 * nodes never do. {@link Devnet.stop} stops every process it started, by process id.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

import { HDNodeWallet, JsonRpcProvider, Mnemonic, Wallet } from "ethers";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";

import userConfig from "../../hardhat.config.js";
import type { ProtocolContracts } from "../client/chain.js";
import { freePort, startLocalNode, type LocalNode } from "../deploy/localNode.js";
import { deploySystem, type DeployedSystem } from "../deploy/system.js";
import { loadDeployment } from "../operator/deployment.js";
import { registerOperator } from "../operator/register.js";
import { generateSecretKey } from "../protocol/bls.js";
import type { NodeConfig } from "./config.js";
import { writeKeystore } from "./keystore.js";
import { metricValue } from "./metrics.js";

/** Hardhat's default accounts (what `hardhat node` unlocks). */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
/** Accounts: #0 deployer, #1 sequencer, #2.. provers. */
export const MAX_DEVNET_PROVERS = 18;

/** The devnet's parameters on top of deploy/parameters/local.json. */
export const DEVNET_OVERRIDES = {
  TestStakeTable: {
    epochLength: "16n",
    proofWindow: "16n",
    slashingWindow: "16n",
    exitDelay: "48n",
  },
  TestProverNetwork: { revealWindow: "8n", leafCount: "8n" },
  TestBlockLifecycle: { slotLength: "4n", proposalPhase: "2n", dataTimeout: "4n" },
} as const;

/** A bad devnet request (e.g. a prover count out of range). */
export class DevnetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DevnetError";
  }
}

/** Checks a prover count given on the command line: an integer in 1..18. */
export function parseProverCount(value: string | number): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_DEVNET_PROVERS) {
    throw new DevnetError(
      `--provers must be an integer in 1..${MAX_DEVNET_PROVERS} (Hardhat's 20 default accounts ` +
        `are the deployer, the sequencer and up to ${MAX_DEVNET_PROVERS} provers); got ${value}`,
    );
  }
  return n;
}

export interface DevnetOptions {
  provers: number;
  /** The project root (hardhat.config.ts). */
  root: string;
  /** Where keys, configs, data, logs and peer records go (created). */
  dir: string;
  /** L1 block interval once the devnet runs, ms (default 1000). */
  blockMs?: number;
  /** Slots the sequencer proposes for (default: no limit). */
  blocks?: number;
  /** Which provers to start (indices into the provers; default all). */
  start?: readonly number[];
  /** Claim every this many L1 blocks (default 0: never; claim with the task). */
  claimEvery?: number;
  logLevel?: NodeConfig["log"]["level"];
  /** Progress lines. */
  say?: (line: string) => void;
}

/** One node process of the devnet. */
export interface DevnetNode {
  name: string;
  role: "prover" | "sequencer";
  address: string;
  privateKey: string;
  configFile: string;
  logFile: string;
  dataDir: string;
  metricsPort: number;
  process?: ChildProcess;
  /** Exit codes and signals of the processes run so far for this node. */
  exits: Array<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Devnet {
  dir: string;
  url: string;
  node: LocalNode;
  deployed: DeployedSystem;
  /** Connected to the deployer (account #0). */
  contracts: ProtocolContracts;
  provider: JsonRpcProvider;
  sequencer: DevnetNode;
  provers: DevnetNode[];
  /** The first L2 slot the sequencer proposes for, and the epoch it is in. */
  firstSlot: bigint;
  firstEpoch: bigint;
  /** The L1 block before the deployment. */
  deployedAfter: number;
  /** The deployer's address (account #0, the test token's owner). */
  deployer: string;
  /** Starts (or restarts) a node's process. */
  startNode(node: DevnetNode): void;
  /** Sends `signal` to the node's process group and waits until it exits. */
  stopNode(node: DevnetNode, signal?: NodeJS.Signals): Promise<void>;
  /** The node's metrics text ("" if it does not answer). */
  metrics(node: DevnetNode): Promise<string>;
  /** One metric of a node (undefined if it does not answer). */
  metric(
    node: DevnetNode,
    name: string,
    labels?: Record<string, string>,
  ): Promise<number | undefined>;
  /** Stops every process (SIGTERM, then SIGKILL after a bound) and the chain. */
  stop(): Promise<void>;
}

function account(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(
    Mnemonic.fromPhrase(HARDHAT_MNEMONIC),
    `m/44'/60'/0'/0/${index}`,
  );
}

/** Writes the devnet's parameters file (local.json with {@link DEVNET_OVERRIDES}). */
async function writeParameters(root: string, dir: string): Promise<string> {
  const local = JSON.parse(
    await readFile(path.join(root, "deploy", "parameters", "local.json"), "utf8"),
  ) as Record<string, Record<string, unknown>>;
  delete local.$schema;
  for (const [section, values] of Object.entries(DEVNET_OVERRIDES)) {
    local[section] = { ...local[section], ...values };
  }
  const file = path.join(dir, "parameters.json");
  await writeFile(file, `${JSON.stringify(local, null, 2)}\n`);
  return file;
}

/** Starts a devnet (see the file comment). On failure, everything started is stopped. */
export async function startDevnet(options: DevnetOptions): Promise<Devnet> {
  const n = parseProverCount(options.provers);
  const say = options.say ?? (() => {});
  const blockMs = options.blockMs ?? 1000;
  const dir = path.resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const children = new Set<ChildProcess>();
  let node: LocalNode | undefined;
  const stopAll = async () => {
    await Promise.all([...children].map((child) => stopChild(child, "SIGTERM")));
    await node?.stop();
  };
  try {
    say(`Starting hardhat node on 127.0.0.1 ...`);
    node = await startLocalNode({ root: options.root });
    const url = node.url;
    const hre = await createHardhatRuntimeEnvironment(
      {
        ...userConfig,
        networks: {
          ...userConfig.networks,
          localhost: { type: "http", chainType: "l1", url },
        },
        paths: { ...userConfig.paths, ignition: path.join(dir, "ignition") },
      },
      { network: "localhost" },
      options.root,
    );
    const connection = await hre.network.create();
    const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const deployedAfter = await provider.getBlockNumber();
    say(`Deploying the system (devnet parameters: ${path.join(dir, "parameters.json")}) ...`);
    const deployed = await deploySystem(connection, await writeParameters(options.root, dir));
    await connection.close();
    const deployer = new Wallet(account(0).privateKey, provider);
    const contracts = await loadDeployment(path.join(dir, "ignition"), deployed.chainId, deployer);
    const minimum = await contracts.table.MINIMUM_STAKE();

    // ---- operators: keys, tokens, registration --------------------------------------------
    const password = randomBytes(18).toString("base64url");
    const passwordFile = path.join(dir, "keys", "password.txt");
    await mkdir(path.dirname(passwordFile), { recursive: true, mode: 0o700 });
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    const peerDirectory = path.join(dir, "peers");
    const nodes: DevnetNode[] = [];
    let effective = 0n;
    for (let i = 0; i <= n; i++) {
      const role = i === 0 ? "sequencer" : "prover";
      const name = i === 0 ? "sequencer" : `prover-${i}`;
      const wallet = account(i + 1);
      const keystore = path.join(dir, "keys", `${wallet.address}.keystore.json`);
      const secretKey = generateSecretKey();
      await writeKeystore(keystore, secretKey, password);
      await (await contracts.token.mint(wallet.address, minimum)).wait();
      const signer = new Wallet(wallet.privateKey, provider);
      const result = await registerOperator(contracts, signer, secretKey, {}, () => {});
      if (result.effectiveEpoch !== undefined && result.effectiveEpoch > effective) {
        effective = result.effectiveEpoch;
      }
      const home = path.join(dir, name);
      const metricsPort = await freePort();
      const config = {
        role,
        rpcUrl: url,
        chainId: Number(deployed.chainId),
        deployment: {
          rewards: deployed.addresses.rewards,
          slasher: deployed.addresses.slasher,
          fromBlock: deployedAfter + 1,
        },
        dataDir: path.join(home, "data"),
        operator: { privateKeyEnv: "PROVER_PRIVATE_KEY" },
        bls: { keystore, passwordFile },
        p2p: { listen: ["/ip4/127.0.0.1/tcp/0"], peerDirectory, refreshMs: 1000 },
        metrics: { host: "127.0.0.1", port: metricsPort },
        log: { level: options.logLevel ?? "info", file: path.join(home, "node.log") },
        chain: { pollMs: Math.max(100, Math.floor(blockMs / 5)) },
        prover: {
          provingTime: 0,
          roundTimeout: 3,
          fallbackPatience: 2,
          claimEvery: options.claimEvery ?? 0,
        },
        sequencer: { resendEvery: 2 },
      };
      await mkdir(home, { recursive: true });
      const configFile = path.join(home, "config.json");
      await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
      nodes.push({
        name,
        role,
        address: wallet.address,
        privateKey: wallet.privateKey,
        configFile,
        logFile: path.join(home, "node.log"),
        dataDir: config.dataDir,
        metricsPort,
        exits: [],
      });
    }
    const slotsPerEpoch = await contracts.rewards.SLOTS_PER_EPOCH();
    const firstEpoch = effective;
    const firstSlot = firstEpoch * slotsPerEpoch;
    // The sequencer's first slot and count are fixed in its config.
    const sequencerConfig = JSON.parse(await readFile(nodes[0].configFile, "utf8")) as {
      sequencer: Record<string, unknown>;
    };
    sequencerConfig.sequencer.firstSlot = Number(firstSlot);
    if (options.blocks !== undefined) sequencerConfig.sequencer.blocks = options.blocks;
    await writeFile(nodes[0].configFile, `${JSON.stringify(sequencerConfig, null, 2)}\n`);

    // ---- processes ----------------------------------------------------------------------------
    const tsx = createRequire(import.meta.url).resolve("tsx");
    const startNode = (d: DevnetNode) => {
      const script = path.join(options.root, "scripts", `${d.role}.ts`);
      const child = spawn(process.execPath, ["--import", tsx, script, "--config", d.configFile], {
        cwd: options.root,
        env: { ...process.env, PROVER_PRIVATE_KEY: d.privateKey },
        stdio: ["ignore", "ignore", "pipe"],
        detached: true,
      });
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      child.once("exit", (code, signal) => {
        d.exits.push({ code, signal });
        children.delete(child);
        if (code !== 0 && code !== null && stderr !== "")
          say(`${d.name} exited ${code}: ${stderr}`);
      });
      children.add(child);
      d.process = child;
    };
    const stopNode = async (d: DevnetNode, signal: NodeJS.Signals = "SIGTERM") => {
      if (d.process !== undefined) await stopChild(d.process, signal);
    };
    const metrics = async (d: DevnetNode) => {
      try {
        const response = await fetch(`http://127.0.0.1:${d.metricsPort}/metrics`, {
          signal: AbortSignal.timeout(5_000),
        });
        return response.ok ? await response.text() : "";
      } catch {
        return "";
      }
    };
    const sequencer = nodes[0];
    const provers = nodes.slice(1);
    const started = options.start ?? provers.map((_, i) => i);
    startNode(sequencer);
    for (const i of started) startNode(provers[i]);
    say(
      `Started the sequencer and ${started.length} provers; waiting until they answer /healthz ...`,
    );
    for (const d of [sequencer, ...started.map((i) => provers[i])]) {
      for (let attempt = 0; ; attempt++) {
        if (d.exits.length > 0)
          throw new DevnetError(`${d.name} exited at start: see ${d.logFile}`);
        if ((await metrics(d)) !== "") break;
        if (attempt > 1200) throw new DevnetError(`${d.name} did not start: see ${d.logFile}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }

    // ---- fast forward to the first committee's reveal window, then interval mining --------------
    const [opensAt] = await contracts.election.revealWindow(firstEpoch);
    const epochLength = await contracts.table.EPOCH_LENGTH();
    const genesis = await contracts.table.GENESIS_BLOCK();
    const target = opensAt - 3n;
    for (;;) {
      const now = BigInt(await provider.getBlockNumber());
      if (now >= target) break;
      const epochEnd = genesis + ((now - genesis) / epochLength + 1n) * epochLength - 1n;
      const stop = epochEnd < target ? epochEnd : target;
      // evm_mine, one block at a time: hardhat_mine's reserved blocks do not chain by parentHash
      // the way mined ones do, which the nodes' reorg check would take for a reorg.
      for (let b = now; b < stop; b++) await provider.send("evm_mine", []);
      if (stop === target) break;
      try {
        await contracts.table.checkpointRandao.staticCall();
        await (await contracts.table.checkpointRandao()).wait();
      } catch {
        await provider.send("evm_mine", []);
      }
    }
    await provider.send("evm_setAutomine", [false]);
    await provider.send("evm_setIntervalMining", [blockMs]);
    say(
      `Interval mining every ${blockMs} ms from block ${await provider.getBlockNumber()}; ` +
        `the first committee is epoch ${firstEpoch} (slot ${firstSlot}).`,
    );

    const devnet: Devnet = {
      dir,
      url,
      node,
      deployed,
      contracts,
      provider,
      sequencer,
      provers,
      firstSlot,
      firstEpoch,
      deployedAfter,
      deployer: deployer.address,
      startNode,
      stopNode,
      metrics,
      metric: async (d, name, labels) => metricValue(await metrics(d), name, labels),
      stop: async () => {
        provider.destroy();
        await stopAll();
      },
    };
    return devnet;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Signals a child's process group and waits for it to exit (SIGKILL after 20 s). */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // Already gone.
    }
  };
  kill(signal);
  const timer = setTimeout(() => kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
}
