/**
 * The whole-network simulation: deploys the system with Ignition, registers N prover clients and
 * a sequencer, and steps the chain one L1 block at a time. At every block the runtime
 * 1. reads the new block's events once and hands them to every client (they share one RPC feed,
 *    as clients of one node would);
 * 2. delivers the off-chain messages due by then (`SimNetwork`);
 * 3. lets every client act: its transactions go to the mempool;
 * 4. mines the block (automine is off: a block holds everything sent during it).
 * It stops once every L2 block is resolved, its epochs are settled and owed slashes executed,
 * then every operator claims and the report is read back from chain state and events.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

import { ZeroAddress, getBytes, keccak256, toUtf8Bytes, type ContractRunner } from "ethers";
import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import type { NetworkConnection } from "hardhat/types/network";

import { TestProverSystemModule } from "../../deploy/modules/ProverSystem.js";
import {
  EventFeed,
  OperatorWallet,
  Outbox,
  readProtocolParams,
  type ChainEvent,
  type ProtocolContracts,
  type ProtocolParams,
  type TxOutcome,
} from "../client/chain.js";
import { ProverClient, type ProverBehavior } from "../client/prover.js";
import { connectDeployment } from "../operator/deployment.js";
import { deployPolicy } from "../deploy/policy.js";
import { SequencerClient, type Withholding } from "../client/sequencer.js";
import { secretKeyFromSeed, type SecretKey } from "../protocol/bls.js";
import { blockSeed } from "../protocol/assignment.js";
import { epochAt, epochStartBlock } from "../protocol/epoch.js";
import { BlockStatus, epochOfSlot, proofWindow, slotStartBlock } from "../protocol/lifecycle.js";
import { readParametersFile } from "../protocol/parameters.js";
import { policyRules } from "../protocol/policies/index.js";
import type { AssignmentPolicyRules } from "../protocol/policies/types.js";
import { recordScore, rankedWinner } from "../protocol/policies/rankedProofs.js";
import { InvalidWorkSlasher__factory } from "../../typechain-types/index.js";
import { SimNetwork } from "./network.js";
import {
  BYZANTINE_FAULTS,
  MIXED_FAULTS,
  POLICY_SETTINGS,
  effectiveK,
  optionsReport,
  policyParams,
  type SimOptions,
} from "./options.js";
import { Prng } from "./random.js";
import type {
  BehaviorClass,
  BlockOutcome,
  BlockReport,
  ProverReport,
  SimReport,
  TotalsReport,
} from "./report.js";

/** A Hardhat network connection (in-process or JSON-RPC) with the toolbox's plugins. */
export type SimConnection = NetworkConnection;

/** What the runtime reports while it runs. */
export interface Progress {
  phase: "setup" | "blocks" | "settlement" | "claims";
  l1Block: bigint;
  /** L2 blocks resolved so far, of `total`. */
  resolved: number;
  total: number;
}

export interface SimResult {
  report: SimReport;
  token: { decimals: number; symbol: string };
  /** Every decoded event of the run, for tests that check more than the report. */
  events: ChainEvent[];
  contracts: ProtocolContracts;
  params: ProtocolParams;
  provers: ProverClient[];
  sequencer: SequencerClient;
  firstSlot: bigint;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const LOCAL_PARAMETERS = path.join(here, "..", "..", "deploy", "parameters", "local.json");
const INACTIVITY_SLASH = 10n ** 19n;
const ETHER_PER_OPERATOR = 10n ** 19n;
/** L1 blocks the run may take after the last window before it gives up waiting. */
const GRACE_BLOCKS = 64n;

/** `deploy/parameters/local.json` (without its `$schema`) with `"123n"` strings turned into bigints. */
async function localParameters(): Promise<DeploymentParameters> {
  const raw = (await readParametersFile(LOCAL_PARAMETERS)) as DeploymentParameters;
  for (const module of Object.values(raw)) {
    for (const [key, value] of Object.entries(module)) {
      if (typeof value === "string" && /^\d+n$/.test(value))
        module[key] = BigInt(value.slice(0, -1));
    }
  }
  return raw;
}

/**
 * The Ignition parameters of a run: local.json with the options' sizes and policy; `policy` is
 * the deployed assignment policy's address (zero: seed 000's striped trees).
 */
export async function simulationParameters(
  options: SimOptions,
  policyAddress: string = ZeroAddress,
): Promise<DeploymentParameters> {
  const p = await localParameters();
  const policy = POLICY_SETTINGS[options.policy];
  const k = BigInt(effectiveK(options));
  const W = BigInt(options.window);
  const table = p.TestStakeTable;
  const minimumExit = W + (table.slashingWindow as bigint);
  table.proofWindow = W;
  if ((table.exitDelay as bigint) < minimumExit) table.exitDelay = minimumExit;
  Object.assign(p.TestProverNetwork, {
    committeeSize: BigInt(options.committeeSize),
    treeCount: BigInt(options.trees),
    leafCount: BigInt(options.leaves),
  });
  const lifecycle = p.TestBlockLifecycle;
  lifecycle.feeSplitScoring = policy.feeSplitScoring;
  lifecycle.policy = policyAddress;
  if ((lifecycle.dataTimeout as bigint) >= W) lifecycle.dataTimeout = W - 1n;
  Object.assign(p.TestProverRewards, {
    proverBurnBps: policy.proverBurnBps,
    inactivityThreshold: k,
    inactivitySlash: k === 0n ? 0n : INACTIVITY_SLASH,
  });
  return p;
}

/** The behaviour classes of the N provers: a seeded draw of who is faulty and how. */
export function assignBehaviors(options: SimOptions, prng: Prng): BehaviorClass[] {
  const n = options.provers;
  const byzantine = Math.round(options.byzantine * n);
  const offline = Math.round(options.offline * n);
  const slow = Math.round(options.slow * n);
  const classes: BehaviorClass[] = new Array<BehaviorClass>(n).fill("honest");
  const order = prng.shuffle(Array.from({ length: n }, (_, i) => i));
  order.forEach((prover, k) => {
    if (k < byzantine) {
      const fault =
        options.byzantineFault === "mixed"
          ? MIXED_FAULTS[k % MIXED_FAULTS.length]
          : options.byzantineFault;
      classes[prover] = `byzantine:${fault}`;
    } else if (k < byzantine + offline) classes[prover] = "offline";
    else if (k < byzantine + offline + slow) classes[prover] = "slow";
  });
  return classes;
}

/** A deterministic number in [0, 1) from a label (per-slot draws that do not depend on order). */
function unitHash(label: string): number {
  return Number(BigInt(keccak256(toUtf8Bytes(label))) >> 203n) / 2 ** 53;
}

/**
 * A deployment made before the run (by `npm run deploy` or the end-to-end test) and provers
 * already registered on it (e.g. through the `register` task). The run then deploys nothing,
 * drives these provers (honest unless the options say otherwise) plus its own sequencer, and
 * leaves claiming to the caller when `claim` is false.
 */
export interface ExistingDeployment {
  /** Connected to the connection's first account, the test token's owner (it funds the sequencer). */
  contracts: ProtocolContracts;
  /** The L1 block before the deployment: the run reads events from the next one. */
  deployedAfter: number;
  provers: Array<{ wallet: OperatorWallet; secretKey: SecretKey }>;
  /** Whether the clients claim their rewards at the end (the simulator's default). */
  claim: boolean;
}

/** Deploys the simulation's system with Ignition from local.json and the options. */
async function deployForSimulation(
  options: SimOptions,
  connection: SimConnection,
  deployer: ContractRunner,
): Promise<ProtocolContracts> {
  // On a node, a run is its own deployment: chain-<id> stays the one `npm run node` made.
  const deploymentId =
    connection.networkConfig.type === "http" ? `sim-${options.seed}-${Date.now()}` : undefined;
  // The assignment policy first: the lifecycle takes its address.
  const assignment = POLICY_SETTINGS[options.policy].assignment;
  const pp = policyParams(options);
  const policyAddress = await deployPolicy(
    connection,
    assignment,
    {
      roundHeight: BigInt(pp.roundHeight),
      proofsPerNode: BigInt(pp.proofsPerNode),
      maxRoots: BigInt(pp.maxRoots),
      feeBurnBps: pp.feeBurnBps,
      uncleReward: pp.uncleReward,
    },
    { deploymentId },
  );
  const deployed = await connection.ignition.deploy(TestProverSystemModule, {
    parameters: await simulationParameters(options, policyAddress),
    displayUi: false,
    deploymentId,
  });
  // The rest of the system is read from the reward pool's immutables, as the operator tasks do.
  const contracts = await connectDeployment(await deployed.rewards.getAddress(), deployer);
  const slasher = await deployed.slasher.getAddress();
  return { ...contracts, slasher: InvalidWorkSlasher__factory.connect(slasher, deployer) };
}

/**
 * Runs one simulation on `connection` and returns its report: on a fresh deployment, or on
 * `existing` (see {@link ExistingDeployment}), whose provers must number `options.provers`.
 */
export async function runSimulation(
  options: SimOptions,
  connection: SimConnection,
  onProgress: (progress: Progress) => void = () => {},
  existing?: ExistingDeployment,
): Promise<SimResult> {
  const started = Date.now();
  const { ethers } = connection;
  const provider = ethers.provider;
  const prng = new Prng(options.seed);
  const [deployer] = await ethers.getSigners();
  if (existing !== undefined && existing.provers.length !== options.provers) {
    throw new Error(
      `options.provers is ${options.provers}, but ${existing.provers.length} are given`,
    );
  }

  // ---- deploy --------------------------------------------------------------------------------
  const deployedAfter = existing?.deployedAfter ?? (await provider.getBlockNumber());
  const contracts =
    existing?.contracts ?? (await deployForSimulation(options, connection, deployer));
  const params = await readProtocolParams(contracts);
  const fromBlock = await provider.getBlockNumber();
  const feed = new EventFeed(provider, contracts, params.addresses);
  const outbox = new Outbox();
  const partitions: Array<{ from: bigint; until: bigint }> = [];
  const network = new SimNetwork(
    { latency: options.latency, dropRate: options.drop, partitions },
    prng.fork(1),
  );

  // ---- operators -----------------------------------------------------------------------------
  const classes = assignBehaviors(options, prng.fork(2));
  const settings = POLICY_SETTINGS[options.policy];
  const rules = policyRules(settings.assignment, policyParams(options));
  const stake = params.minimumStake;
  let firstSlotStart: bigint | null = null;
  const offlineSlots = new Map<string, boolean>();
  const provers = classes.map((cls, index) => {
    const label = `sim-${options.seed}-prover-${index}`;
    let behavior: ProverBehavior = { kind: "honest" };
    if (cls === "offline") {
      behavior = {
        kind: "offline",
        offline: (l1Block) => {
          if (firstSlotStart === null || l1Block < firstSlotStart) return false;
          if (options.offlineRate >= 1) return true;
          const slot = (l1Block - params.slotClock.genesisBlock) / params.slotClock.slotLength;
          const key = `${label}:${slot}`;
          let down = offlineSlots.get(key);
          if (down === undefined) {
            down = unitHash(key) < options.offlineRate;
            offlineSlots.set(key, down);
          }
          return down;
        },
      };
    } else if (cls === "slow") behavior = { kind: "slow" };
    else if (cls.startsWith("byzantine:")) {
      behavior = { kind: "byzantine", fault: BYZANTINE_FAULTS.find((f) => cls.endsWith(f))! };
    }
    const account = existing?.provers[index];
    return new ProverClient(
      {
        index,
        rotaSize: classes.length,
        wallet: account?.wallet ?? new OperatorWallet(keccak256(toUtf8Bytes(label)), provider),
        secretKey: account?.secretKey ?? secretKeyFromSeed(label),
        behavior,
        provingTime: cls === "slow" ? options.window + 1 : options.provingTime,
        roundTimeout: 2 + Math.ceil(2 * options.latency),
        fallbackPatience: BigInt(1 + Math.ceil(2 * options.latency)),
        // A request's round trip (two hops of at least one block each) with room for the
        // latency's tail: 2 + 4 x the mean latency.
        dataPatience: BigInt(2 + Math.ceil(4 * options.latency)),
        rules,
        stake,
        fromBlock,
      },
      contracts,
      params,
      network,
      outbox,
    );
  });
  const withholdingPrng = prng.fork(3);
  const sequencerLabel = `sim-${options.seed}-sequencer`;
  const sequencer = new SequencerClient(
    {
      wallet: new OperatorWallet(keccak256(toUtf8Bytes(sequencerLabel)), provider),
      secretKey: secretKeyFromSeed(sequencerLabel),
      stake,
      blocks: options.blocks,
      feeSplitBps: POLICY_SETTINGS[options.policy].sequencerFeeSplitBps,
      dataSeed: keccak256(toUtf8Bytes(`${sequencerLabel}-data`)),
      withholding: (slot, committee): Withholding => {
        if (unitHash(`${sequencerLabel}:withhold:${slot}`) >= options.withholding) {
          return { kind: "none" };
        }
        if (options.withholdingSubset === 0) return { kind: "all" };
        const count = Math.ceil(options.withholdingSubset * committee.length);
        return { kind: "subset", members: withholdingPrng.shuffle(committee).slice(0, count) };
      },
    },
    contracts,
    params,
    network,
    outbox,
  );

  // ---- the L1 block loop ---------------------------------------------------------------------
  await provider.send("evm_setAutomine", [false]);
  const events: ChainEvent[] = [];
  const outcomes: TxOutcome[] = [];
  let now = BigInt(await provider.getBlockNumber());
  // The deployment's own events (the pool's funding, epoch 0's RANDAO checkpoint) count too.
  let read = BigInt(deployedAfter);

  /** L1 blocks after which a conservation check failed (with `checkEveryBlock`). */
  const conservationFailures: Array<{ l1Block: number; failed: string[] }> = [];
  let conservationChecks = 0;
  const conservationInput = () => ({
    contracts,
    params,
    deployedAfter,
    provers: provers.map((p) => p.address),
    sequencer: sequencer.address,
    deployer: deployer.address,
  });
  const mine = async () => {
    await outbox.flush();
    await provider.send("evm_mine", []);
    now += 1n;
    network.now = now;
    outcomes.push(...(await outbox.collect(provider)));
    if (options.checkEveryBlock === true) {
      const all = [...events, ...(await feed.read(Number(read) + 1, Number(now)))];
      const { checks } = await conservation(conservationInput(), all);
      conservationChecks++;
      const failed = Object.entries(checks)
        .filter(([, ok]) => !ok)
        .map(([name]) => name);
      if (failed.length > 0) conservationFailures.push({ l1Block: Number(now), failed });
    }
  };
  const observe = async () => {
    const fresh = await feed.read(Number(read) + 1, Number(now));
    read = now;
    events.push(...fresh);
    for (const client of provers) await client.observe(fresh);
    sequencer.observe(fresh);
    for (const { to, message } of network.deliver(now)) {
      byAddress.get(to)?.receive(message, now);
    }
    return fresh;
  };
  const byAddress = new Map(provers.map((p) => [p.address, p]));

  try {
    // Funding: ETH for gas and the stake, from the deployer (the test token's owner); provers
    // of an existing deployment brought their own.
    const unfunded = existing === undefined ? provers.map((p) => p.address) : [];
    for (const operator of [...unfunded, sequencer.address]) {
      outbox.submit(deployer.address, "setup.fund", () =>
        deployer.sendTransaction({ to: operator, value: ETHER_PER_OPERATOR }),
      );
      outbox.submit(deployer.address, "setup.mint", () => contracts.token.mint(operator, stake));
    }
    network.now = now;
    await mine();
    // Registration: approve, then register.
    while (!provers.every((p) => p.registered) || !sequencer.registered) {
      await observe();
      for (const p of provers) if (!p.registered) p.setup();
      if (!sequencer.registered) sequencer.setup();
      await mine();
      onProgress({ phase: "setup", l1Block: now, resolved: 0, total: options.blocks });
      if (outcomes.some((o) => o.op === "stake.register" && !o.ok)) {
        throw new Error(`registration failed: ${JSON.stringify(outcomes.filter((o) => !o.ok))}`);
      }
    }
    await observe();
    const registeredEpoch = epochAt(params.epochClock, now);
    const firstEpoch = registeredEpoch + params.activationLag;
    const firstSlot = firstEpoch * params.slotsPerEpoch;
    const lastSlot = firstSlot + BigInt(options.blocks) - 1n;
    firstSlotStart = slotStartBlock(params.slotClock, firstSlot);
    sequencer.schedule(firstSlot);
    const nextEpoch = await contracts.rewards.nextEpoch();
    for (const p of provers) p.startSettlingAt(nextEpoch);
    const asynchronous = new Set<bigint>();
    for (let slot = firstSlot; slot <= lastSlot; slot++) {
      if (unitHash(`sim-${options.seed}:async:${slot}`) < options.asynchrony) {
        asynchronous.add(slot);
        const from = slotStartBlock(params.slotClock, slot);
        partitions.push({ from, until: from + BigInt(options.partitionLength) - 1n });
      }
    }

    const lastEpoch = epochOfSlot(params.slotClock, lastSlot);
    const deadline =
      proofWindow(params.slotClock, lastSlot).closesAt +
      params.slotClock.epochLength +
      GRACE_BLOCKS;
    const status = new Map<bigint, BlockStatus>();
    const owed = new Set<string>();
    const emptied = new Set<string>();
    let settledThrough = nextEpoch - 1n;
    const resolvedCount = () => {
      let resolved = 0;
      for (let slot = firstSlot; slot <= lastSlot; slot++) {
        const s = status.get(slot);
        if (s !== undefined && s !== BlockStatus.Proposed) resolved++;
      }
      return resolved;
    };
    for (;;) {
      const fresh = await observe();
      for (const e of fresh) {
        if (e.name === "BlockProposed") status.set(e.slot, BlockStatus.Proposed);
        else if (e.name === "BlockFinalized") status.set(e.slot, BlockStatus.Final);
        else if (e.name === "BlockTimedOut") status.set(e.slot, BlockStatus.TimedOut);
        else if (e.name === "BlockPruned") status.set(e.slot, BlockStatus.Pruned);
        else if (e.name === "EpochSettled") settledThrough = e.epoch;
        else if (e.name === "InactivityRecorded" && e.pendingSlashes > 0n) owed.add(e.member);
        else if (e.name === "InactivitySlashed") owed.delete(e.operator);
        else if (e.name === "Slashed" && e.remaining === 0n) emptied.add(e.operator);
      }
      for (const operator of emptied) owed.delete(operator);
      const resolved = resolvedCount();
      const pastLastSlot = now > slotStartBlock(params.slotClock, lastSlot);
      const allResolved = pastLastSlot && resolved === options.blocks;
      const done = allResolved && settledThrough >= lastEpoch && owed.size === 0;
      const phase = allResolved ? "settlement" : now < firstSlotStart ? "setup" : "blocks";
      onProgress({ phase, l1Block: now, resolved, total: options.blocks });
      if (done || now > deadline) break;
      await Promise.all(provers.map((p) => p.act(now)));
      await sequencer.act(now);
      await mine();
    }

    // Claims.
    if (existing?.claim !== false) {
      for (const p of provers) await p.claim();
      await sequencer.claim();
      await mine();
    }
    events.push(...(await feed.read(Number(read) + 1, Number(now))));
    read = now;
    onProgress({ phase: "claims", l1Block: now, resolved: options.blocks, total: options.blocks });

    const token = {
      decimals: Number(await contracts.token.decimals()),
      symbol: await contracts.token.symbol(),
    };
    const report = await buildReport({
      options,
      deployedAfter,
      contracts,
      params,
      events,
      outcomes,
      provers,
      sequencer,
      classes,
      firstSlot,
      asynchronous,
      deployer: deployer.address,
      l1Blocks: Number(now) - fromBlock,
      seconds: (Date.now() - started) / 1000,
      network,
      rules,
    });
    if (options.checkEveryBlock === true) {
      report.conservationEveryBlock = {
        checks: conservationChecks,
        failures: conservationFailures,
      };
    }
    return { report, token, events, contracts, params, provers, sequencer, firstSlot };
  } finally {
    await provider.send("evm_setAutomine", [true]);
  }
}

// ---------------------------------------------------------------------------------------------
// The report, from chain state and events
// ---------------------------------------------------------------------------------------------

interface ReportInput {
  options: SimOptions;
  /** The L1 block before the deployment. */
  deployedAfter: number;
  contracts: ProtocolContracts;
  params: ProtocolParams;
  events: ChainEvent[];
  outcomes: TxOutcome[];
  provers: ProverClient[];
  sequencer: SequencerClient;
  classes: BehaviorClass[];
  firstSlot: bigint;
  asynchronous: Set<bigint>;
  deployer: string;
  l1Blocks: number;
  seconds: number;
  network: SimNetwork;
  rules: AssignmentPolicyRules;
}

const SLASH_REASONS = new Map<string, string>([
  [keccak256(toUtf8Bytes("INVALID_CHUNK_OUTPUT")), "wrongOutput"],
  [keccak256(toUtf8Bytes("EQUIVOCATION")), "equivocation"],
  [keccak256(toUtf8Bytes("INACTIVITY")), "inactivity"],
]);

/** Operations that set the run up rather than run the protocol (left out of gas per block). */
const SETUP_OPS = new Set(["setup.fund", "setup.mint", "setup.approve", "stake.register"]);

async function buildReport(input: ReportInput): Promise<SimReport> {
  const { options, contracts, params, events, firstSlot } = input;
  const lastSlot = firstSlot + BigInt(options.blocks) - 1n;
  const committees = new Map<bigint, string[]>();
  const proposedSlots = new Set<bigint>();
  const roots = new Map<bigint, number>();
  const finalizedAt = new Map<bigint, number>();
  const rejected = new Set<string>();
  const chunks = new Map<string, number>();
  const claimed = new Map<string, bigint>();
  const slashed = new Map<string, bigint>();
  const reasons = new Map<string, string[]>();
  let funded = 0n;
  let claimedTotal = 0n;
  let slashedTotal = 0n;
  let reporterRewards = 0n;
  for (const e of events) {
    if (e.name === "CommitteeSealed") committees.set(e.epoch, e.members);
    else if (e.name === "BlockProposed") proposedSlots.add(e.slot);
    else if (e.name === "RootProofAccepted") roots.set(e.slot, (roots.get(e.slot) ?? 0) + 1);
    else if (e.name === "BlockFinalized") finalizedAt.set(e.slot, e.l1Block);
    else if (e.name === "RootRecordRejected") rejected.add(`${e.slot}:${e.tree}`);
    else if (e.name === "PoolFunded") funded += e.amount;
    else if (e.name === "Claimed") {
      const total = e.proving + e.sequencing + e.submitting;
      claimed.set(e.account, (claimed.get(e.account) ?? 0n) + total);
      claimedTotal += total;
    } else if (e.name === "Slashed") {
      slashed.set(e.operator, (slashed.get(e.operator) ?? 0n) + e.amount);
      slashedTotal += e.amount;
      const list = reasons.get(e.operator) ?? [];
      list.push(SLASH_REASONS.get(e.reason) ?? e.reason);
      reasons.set(e.operator, list);
    } else if (e.name === "ReporterRewarded") reporterRewards += e.amount;
  }
  for (const e of events) {
    if (e.name !== "RootProofAccepted" || rejected.has(`${e.slot}:${e.tree}`)) continue;
    const committee = committees.get(epochOfSlot(params.slotClock, e.slot)) ?? [];
    const record = Buffer.from(e.record.slice(2), "hex");
    for (const member of record) {
      const who = committee[member];
      if (who !== undefined) chunks.set(who, (chunks.get(who) ?? 0) + 1);
    }
  }

  const blocks: BlockReport[] = [];
  for (let slot = firstSlot; slot <= lastSlot; slot++) {
    const stored = await contracts.lifecycle.getBlock(slot);
    const s = Number(stored.status) as BlockStatus;
    const outcome: BlockOutcome =
      s === BlockStatus.Final ? "proven" : s === BlockStatus.TimedOut ? "timedOut" : "pruned";
    blocks.push({
      number: Number(slot),
      outcome,
      rootProofs: roots.get(slot) ?? 0,
      finalizedAtL1Block: finalizedAt.get(slot) ?? null,
      withheld: input.sequencer.withheld.get(slot) ?? "none",
      asynchronous: input.asynchronous.has(slot),
    });
  }

  const elected = new Map<string, number>();
  for (const slot of proposedSlots) {
    if (slot < firstSlot || slot > lastSlot) continue;
    for (const member of committees.get(epochOfSlot(params.slotClock, slot)) ?? []) {
      elected.set(member, (elected.get(member) ?? 0) + 1);
    }
  }
  const provers: ProverReport[] = input.provers.map((p, i) => ({
    address: p.address,
    behavior: input.classes[i],
    electedBlocks: elected.get(p.address) ?? 0,
    chunksCredited: chunks.get(p.address) ?? 0,
    rewardsClaimed: (claimed.get(p.address) ?? 0n).toString(),
    slashedAmount: (slashed.get(p.address) ?? 0n).toString(),
    slashReasons: reasons.get(p.address) ?? [],
  }));

  const { checks, burned, held } = await conservation(
    {
      contracts,
      params,
      deployedAfter: input.deployedAfter,
      provers: input.provers.map((p) => p.address),
      sequencer: input.sequencer.address,
      deployer: input.deployer,
    },
    events,
  );
  const totals: TotalsReport = {
    rewardsFunded: funded.toString(),
    rewardsClaimed: claimedTotal.toString(),
    burned: burned.toString(),
    heldByContracts: held.toString(),
    slashed: slashedTotal.toString(),
    conserved: Object.values(checks).every(Boolean),
    checks,
    honestSlashed: provers.filter((p) => p.behavior === "honest" && p.slashReasons.length > 0)
      .length,
  };

  // Uncle rewards (siblingCover) and redundant work.
  let uncleCount = 0;
  let uncleAmount = 0n;
  for (const e of events) {
    // Only this deployment's claims: the policy takes claims for any rewards contract.
    if (e.name === "UncleRewarded" && e.rewards === params.addresses.rewards) {
      uncleCount++;
      uncleAmount += e.amount;
    }
  }
  const redundantChunks = await redundantWork(input, committees, finalizedAt, rejected);

  const gasSums = new Map<string, { gas: bigint; count: number }>();
  const transactions: Record<string, number> = {};
  const failedTransactions: Record<string, number> = {};
  let protocolGas = 0n;
  for (const o of input.outcomes) {
    if (!o.ok) {
      const key = `${o.op}: ${o.error ?? "failed"}`;
      failedTransactions[key] = (failedTransactions[key] ?? 0) + 1;
      continue;
    }
    transactions[o.op] = (transactions[o.op] ?? 0) + 1;
    const sum = gasSums.get(o.op) ?? { gas: 0n, count: 0 };
    sum.gas += o.gasUsed;
    sum.count++;
    gasSums.set(o.op, sum);
    if (!SETUP_OPS.has(o.op)) protocolGas += o.gasUsed;
  }
  const gas: Record<string, number> = {};
  for (const [op, { gas: total, count }] of [...gasSums].sort(([a], [b]) => a.localeCompare(b))) {
    gas[op] = Math.round(Number(total) / count);
  }
  return {
    policy: options.policy,
    uncleRewards: { count: uncleCount, amount: uncleAmount.toString() },
    redundantChunks,
    params: optionsReport(options),
    blocks,
    provers,
    totals,
    gas,
    stats: {
      transactions,
      failedTransactions,
      gasPerBlock: Math.round(Number(protocolGas) / options.blocks),
      l1Blocks: input.l1Blocks,
      seconds: input.seconds,
      messages: { sent: input.network.sent, dropped: input.network.dropped },
    },
  };
}

/**
 * Chunks the clients computed that no paid record credited. A computed chunk is one
 * (slot, node, member) a client finished proving (its `computed` list; a Byzantine client's
 * wrong outputs count too). It is credited when a paid record of a finalized block names the
 * member at that node (any of the node's P bytes under rankedProofs); a paid record is an
 * accepted root that settlement did not reject (no `RootRecordRejected`) and, under
 * rankedProofs, the winner (highest total score, earliest on ties). Everything else (duplicates
 * of cover holders, losing roots, NONE-credited work, work on blocks that timed out or were
 * pruned) is redundant.
 */
async function redundantWork(
  input: ReportInput,
  committees: ReadonlyMap<bigint, string[]>,
  finalizedAt: ReadonlyMap<bigint, number>,
  rejected: ReadonlySet<string>,
): Promise<number> {
  const { params, events, rules, options } = input;
  const seeds = new Map<bigint, string>();
  for (const epoch of committees.keys()) {
    seeds.set(epoch, await input.contracts.table.seedOf(epoch));
  }
  const bySlot = new Map<bigint, Array<{ tree: bigint; record: Uint8Array }>>();
  for (const e of events) {
    if (e.name !== "RootProofAccepted" || !finalizedAt.has(e.slot)) continue;
    const list = bySlot.get(e.slot) ?? [];
    list.push({ tree: e.tree, record: getBytes(e.record) });
    bySlot.set(e.slot, list);
  }
  const credited = new Set<string>();
  for (const [slot, roots] of bySlot) {
    const committee = committees.get(epochOfSlot(params.slotClock, slot)) ?? [];
    let paid = roots.filter((r) => !rejected.has(`${slot}:${r.tree}`));
    const nodes = 2 * options.leaves - 1;
    const perNode = paid.length > 0 ? paid[0].record.length / nodes : 1;
    if (rules.competingRoots && paid.length > 0) {
      const epochSeed = seeds.get(epochOfSlot(params.slotClock, slot));
      if (epochSeed !== undefined) {
        const scored = paid.map((r) =>
          recordScore(
            blockSeed(epochSeed, slot),
            committee,
            options.leaves,
            r.record,
            options.proofsPerNode,
            POLICY_SETTINGS[options.policy].proverBurnBps,
          ),
        );
        const winner = rankedWinner(
          scored.map((x) => x.total),
          scored.map((x) => x.rejectedNode === 0),
        );
        paid = winner < paid.length ? [paid[winner]] : [];
      }
    }
    for (const { record } of paid) {
      record.forEach((byte, i) => {
        const node = Math.floor(i / perNode) + 1;
        if (byte < committee.length) credited.add(`${slot}:${node}:${byte}`);
      });
    }
  }
  let redundant = 0;
  for (const client of input.provers) {
    for (const { slot, node, member } of client.computed) {
      if (!credited.has(`${slot}:${node}:${member}`)) redundant++;
    }
  }
  return redundant;
}

/** Everything the conservation checks read besides the events. */
interface ConservationInput {
  contracts: ProtocolContracts;
  params: ProtocolParams;
  deployedAfter: number;
  provers: readonly string[];
  sequencer: string;
  deployer: string;
}

/**
 * The report's token conservation checks, from chain state and the run's events so far (the
 * report runs them once at the end; `checkEveryBlock` after every mined L1 block).
 */
export async function conservation(
  input: ConservationInput,
  events: readonly ChainEvent[],
): Promise<{ checks: Record<string, boolean>; burned: bigint; held: bigint }> {
  const { contracts, params } = input;
  let funded = 0n;
  let claimedTotal = 0n;
  let slashedTotal = 0n;
  let reporterRewards = 0n;
  for (const e of events) {
    if (e.name === "PoolFunded") funded += e.amount;
    else if (e.name === "Claimed") claimedTotal += e.proving + e.sequencing + e.submitting;
    else if (e.name === "Slashed") slashedTotal += e.amount;
    else if (e.name === "ReporterRewarded") reporterRewards += e.amount;
  }
  const { token, table, rewards } = contracts;
  // Everyone who staked or holds tokens since the deployment, not only the run's own clients
  // (on an existing deployment, other accounts may hold minted tokens or stake).
  const since = input.deployedAfter + 1;
  const registered = await table.queryFilter(table.filters.OperatorRegistered(), since);
  const received = await token.queryFilter(token.filters.Transfer(), since);
  const operators = [
    ...new Set([...input.provers, input.sequencer, ...registered.map((e) => e.args.operator)]),
  ];
  const accounts = [
    ...new Set([...operators, input.deployer, ...received.map((e) => e.args.to)]),
  ].filter(
    (a) =>
      a !== ZeroAddress &&
      a !== params.addresses.table &&
      a !== params.addresses.rewards &&
      a !== params.slashSink,
  );
  const rewardsAddress = params.addresses.rewards;
  const holders = [...accounts, params.addresses.table, rewardsAddress, params.slashSink];
  // Independent views, read concurrently.
  const [held, burned, claimables, infos, balanceList] = await Promise.all([
    token.balanceOf(rewardsAddress),
    rewards.totalBurned(),
    Promise.all(accounts.map((account) => rewards.claimable(account))),
    Promise.all(operators.map((operator) => table.operatorInfo(operator))),
    Promise.all(holders.map((holder) => token.balanceOf(holder))),
  ]);
  const claimable = claimables.reduce((a, c) => a + c.proving + c.sequencing + c.submitting, 0n);
  const stakes = infos.reduce((a, info) => a + info.balance, 0n);
  const balances = balanceList.reduce((a, b) => a + b, 0n);
  const checks: Record<string, boolean> = {
    "funded = claimed + burned + held": funded === claimedTotal + burned + held,
    "rewards balance = pool + pending fees + claimable + returning":
      held ===
      (await rewards.pool()) +
        (await rewards.pendingFees()) +
        claimable +
        (await rewards.settlementProgress()).returning,
    "stake table balance = stakes": (await token.balanceOf(params.addresses.table)) === stakes,
    "sink = slashed - reporter rewards + burned":
      (await token.balanceOf(params.slashSink)) === slashedTotal - reporterRewards + burned,
    "supply = sum of holders": (await token.totalSupply()) === balances,
  };
  return { checks, burned, held };
}
