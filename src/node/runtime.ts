/**
 * The long-lived node an operator runs (`npm run prover` / `npm run sequencer`): one
 * {@link ProverClient} or {@link SequencerClient} driven against a JSON-RPC endpoint, with
 * libp2p between processes. Once per new L1 head it
 * 1. reads the new blocks (`follower.ts`: polling, reorgs rolled back and replayed);
 * 2. applies their events to the client, then hands it the messages that arrived since;
 * 3. lets the client act on the head (its transactions go out through an `Outbox`);
 * 4. waits until every transaction was sent and every message admitted by the store
 *    (`store.ts`: written before it is sent, so a restart never signs a second statement);
 * 5. reads the receipts of earlier transactions, claims on schedule, updates the metrics.
 * A restart resumes from chain state (every event since `deployment.fromBlock`) plus the store.
 * Nothing here calls a dev-only RPC method.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";

import {
  JsonRpcProvider,
  getAddress,
  keccak256,
  parseUnits,
  toUtf8Bytes,
  type Provider,
} from "ethers";
import pino, { type Logger } from "pino";

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
import { slotOfMessage, type Message } from "../client/messages.js";
import { ProverClient } from "../client/prover.js";
import { SequencerClient, blockData } from "../client/sequencer.js";
import { rewardTokenOf } from "../operator/claim.js";
import { connectDeployment, loadDeployment } from "../operator/deployment.js";
import { OperatorError } from "../operator/errors.js";
import { keyHashOf } from "../operator/keys.js";
import { registerOperator } from "../operator/register.js";
import type { SecretKey } from "../protocol/bls.js";
import {
  BlockStatus,
  chunksCredited,
  epochOfSlot,
  proofWindow,
  slotAt,
} from "../protocol/lifecycle.js";
import { InvalidWorkSlasher__factory } from "../../typechain-types/index.js";
import { ConfigError, type NodeConfig } from "./config.js";
import { ChainFollower, type ChainSource } from "./follower.js";
import { findOperatorKeyFile, loadBlsKeyFile } from "./keystore.js";
import { NodeMetrics, startHttpServer } from "./metrics.js";
import { Libp2pTransport, type PeerRecord } from "./p2p.js";
import { publishPeerRecord, refreshPeers } from "./peers.js";
import { GatedTransport, NodeStore } from "./store.js";

/** The node's role. */
export type NodeRole = "prover" | "sequencer";

/** What the chain's events say, kept for routing messages and for the metrics. */
class ChainIndex {
  readonly committees = new Map<bigint, string[]>();
  readonly proposers = new Map<bigint, string>();
  readonly status = new Map<bigint, BlockStatus>();
  readonly published = new Set<bigint>();
  readonly registered = new Set<string>();
  rootsSubmitted = 0;
  chunksCredited = 0;
  claimed = 0n;
  invalidWorkSlashes = 0;

  constructor(
    private readonly me: string,
    private readonly params: ProtocolParams,
  ) {}

  observe(events: readonly ChainEvent[]): void {
    for (const e of events) {
      switch (e.name) {
        case "OperatorRegistered":
          this.registered.add(getAddress(e.operator));
          break;
        case "CommitteeSealed":
          this.committees.set(
            e.epoch,
            e.members.map((m) => getAddress(m)),
          );
          break;
        case "BlockProposed":
          this.proposers.set(e.slot, getAddress(e.proposer));
          this.status.set(e.slot, BlockStatus.Proposed);
          this.published.delete(e.slot);
          break;
        case "DataPublished":
          this.published.add(e.slot);
          break;
        case "BlockFinalized":
          this.status.set(e.slot, BlockStatus.Final);
          break;
        case "BlockTimedOut":
          this.status.set(e.slot, BlockStatus.TimedOut);
          break;
        case "BlockPruned":
          this.status.set(e.slot, BlockStatus.Pruned);
          break;
        case "RootProofAccepted": {
          if (getAddress(e.submitter) === this.me) this.rootsSubmitted++;
          const committee = this.committees.get(epochOfSlot(this.params.slotClock, e.slot));
          const index = committee?.indexOf(this.me) ?? -1;
          if (index >= 0) {
            this.chunksCredited +=
              chunksCredited(Buffer.from(e.record.slice(2), "hex")).get(index) ?? 0;
          }
          break;
        }
        case "Claimed":
          if (getAddress(e.account) === this.me) {
            this.claimed += e.proving + e.sequencing + e.submitting;
          }
          break;
        case "InvalidWorkSlashed":
          if (getAddress(e.signer) === this.me) this.invalidWorkSlashes++;
          break;
        default:
          break;
      }
    }
  }

  count(status: BlockStatus): number {
    let n = 0;
    for (const s of this.status.values()) if (s === status) n++;
    return n;
  }

  /** Whether `operator` may send to this node: a committee member or a block's proposer. */
  isMember(operator: string): boolean {
    for (const members of this.committees.values()) if (members.includes(operator)) return true;
    for (const proposer of this.proposers.values()) if (proposer === operator) return true;
    return false;
  }
}

/** The JSON-RPC reads the follower makes, on an ethers provider and the clients' event feed. */
function chainSource(provider: Provider, feed: EventFeed): ChainSource {
  return {
    blockNumber: () => provider.getBlockNumber(),
    header: async (n) => {
      const block = await provider.getBlock(n);
      return block === null || block.hash === null
        ? null
        : { hash: block.hash, parentHash: block.parentHash };
    },
    events: (from, to) => feed.read(from, to),
  };
}

function createLogger(config: NodeConfig, role: NodeRole): Logger {
  const streams: pino.StreamEntry[] = config.log.stdout
    ? [{ level: config.log.level, stream: process.stdout }]
    : [];
  if (config.log.file !== undefined) {
    streams.push({
      level: config.log.level,
      stream: pino.destination({ dest: config.log.file, mkdir: true, sync: true }),
    });
  }
  return pino({ level: config.log.level, base: { role } }, pino.multistream(streams));
}

/** The operator's EOA private key: the configured environment variable, or the Hardhat keystore. */
async function operatorPrivateKey(config: NodeConfig): Promise<string> {
  const { privateKeyEnv, hardhatKeystore } = config.operator;
  const fromEnv = process.env[privateKeyEnv];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (hardhatKeystore !== undefined) {
    const { configVariable } = await import("hardhat/config");
    const hardhat = await import("hardhat");
    return hardhat.default.hooks.runHandlerChain(
      "configurationVariables",
      "fetchValue",
      [configVariable(hardhatKeystore)],
      async () => {
        throw new OperatorError("NoOperatorKey", `${hardhatKeystore} is not in the keystore`);
      },
    );
  }
  throw new OperatorError(
    "NoOperatorKey",
    `set the operator key in the environment variable ${privateKeyEnv} (operator.privateKeyEnv)` +
      " or name a Hardhat keystore variable in operator.hardhatKeystore",
  );
}

/** A running node. */
export interface RunningNode {
  role: NodeRole;
  address: string;
  metricsPort: number;
  logger: Logger;
  /** Asks the node to stop after the current step; resolves once it has. */
  stop(): Promise<void>;
  /** Resolves when the node has stopped (by {@link RunningNode.stop} or a fatal error). */
  done: Promise<void>;
}

/** Starts a node of `role` from a validated config. */
export async function startNode(config: NodeConfig, role: NodeRole): Promise<RunningNode> {
  if (config.role !== role) {
    throw new OperatorError("WrongRole", `the config's role is ${config.role}, not ${role}`);
  }
  const logger = createLogger(config, role);
  await mkdir(config.dataDir, { recursive: true });

  const provider = new JsonRpcProvider(config.rpcUrl, undefined, {
    staticNetwork: true,
    // No response cache: two sends within 250 ms must not see the same pending nonce.
    cacheTimeout: -1,
    batchMaxCount: 1,
    pollingInterval: config.chain.pollMs,
  });
  const chainId = (await provider.getNetwork()).chainId;
  if (config.chainId !== undefined && BigInt(config.chainId) !== chainId) {
    throw new OperatorError(
      "WrongChain",
      `${config.rpcUrl} serves chain ${chainId}, the config expects ${config.chainId}`,
    );
  }
  const wallet = new OperatorWallet(await operatorPrivateKey(config), provider);
  const me = wallet.address;
  const log = logger.child({ operator: me });
  const keyFile =
    config.bls.keystore ??
    config.bls.keyFile ??
    (await findOperatorKeyFile(process.cwd(), chainId, me));
  if (keyFile === undefined) {
    throw new OperatorError(
      "NoBlsKey",
      `no BLS key: set bls.keystore, or run from the directory whose .prover/ holds ` +
        `${chainId}-${me}.keystore.json (what register --generate writes)`,
    );
  }
  const secretKey: SecretKey = await loadBlsKeyFile(keyFile, config.bls, (message) =>
    log.warn(message),
  );

  let contracts: ProtocolContracts;
  if (config.deployment.rewards !== undefined) {
    const base = await connectDeployment(config.deployment.rewards, wallet);
    contracts = {
      ...base,
      slasher: InvalidWorkSlasher__factory.connect(config.deployment.slasher!, wallet),
    };
  } else {
    contracts = await loadDeployment(config.deployment.ignitionDir!, chainId, wallet);
  }
  const params = await readProtocolParams(contracts);
  if (role === "sequencer" && !params.feeSplitScoring && config.sequencer.feeSplitBps !== 0) {
    throw new ConfigError(
      "sequencer.feeSplitBps",
      "must be 0: this deployment's lifecycle does not score fee splits (FEE_SPLIT_SCORING is off)",
    );
  }

  // Registration (if asked) and the key check: the node signs nothing with a key L1 does not hold.
  let info = await contracts.table.operatorInfo(me);
  if (info.status === 0n && config.register.enabled) {
    let amount: bigint | undefined;
    if (config.register.stake !== undefined) {
      const { decimals } = await rewardTokenOf(contracts.rewards);
      amount = parseUnits(config.register.stake, decimals);
    }
    await registerOperator(contracts, wallet, secretKey, { amount }, (line) => log.info(line));
    info = await contracts.table.operatorInfo(me);
  }
  if (info.status === 0n) {
    throw new OperatorError(
      "NotRegistered",
      `${me} is not registered: run the register task, or set register.enabled`,
    );
  }
  const holder = await contracts.table.operatorOfKey(keyHashOf(secretKey));
  if (holder !== me) {
    throw new OperatorError(
      "UnknownKey",
      `the BLS key ${keyHashOf(secretKey)} is not ${me}'s registered key`,
    );
  }

  const store = await NodeStore.open(config.dataDir);
  const metrics = new NodeMetrics(role, me);
  const feed = new EventFeed(provider, contracts, params.addresses);
  const fromBlock = config.deployment.fromBlock;
  const follower = new ChainFollower(chainSource(provider, feed), {
    fromBlock,
    reorgDepth: config.chain.reorgDepth,
    maxLogRange: config.chain.maxLogRange,
  });
  let index = new ChainIndex(me, params);
  /** Chunks proven by clients replaced after a reorg (the metric counts since the start). */
  let provenSinceStart = 0;
  const outbox = new Outbox();
  const inbox: Message[] = [];
  const dropped = { wrongSlot: 0 };

  // ---- the transport, with the store in front ------------------------------------------------
  const storedSeq = Number((await store.getMeta("peerSeq")) ?? "0");
  const transport = await Libp2pTransport.start({
    wallet,
    chainId,
    listen: config.p2p.listen,
    announce: config.p2p.announce,
    seqAfter: Math.max(storedSeq, Date.now()),
    isMember: (operator) => index.isMember(operator),
    onMessage: (from, message) => {
      if (!fitsSlot(from, message)) {
        dropped.wrongSlot++;
        log.debug({ from, kind: message.kind }, "message dropped: not the slot's member");
        return;
      }
      if (log.isLevelEnabled("trace")) log.trace({ from, kind: message.kind }, "message received");
      if (message.kind === "data") {
        void store.putReceivedData(message.data).catch(() => {});
      }
      inbox.push(message);
    },
  });
  /** Chunks, votes and data requests must come from the member they name in the slot's committee. */
  function fitsSlot(from: string, message: Message): boolean {
    const slot = slotOfMessage(message);
    const committee = index.committees.get(epochOfSlot(params.slotClock, slot));
    if (message.kind === "data") {
      // From the proposer, or relayed by a member answering a data request (the client checks
      // the data against the block's txCommitment either way).
      const proposer = index.proposers.get(slot);
      if (proposer === undefined || proposer === from) return true;
      return committee === undefined ? index.isMember(from) : committee.includes(from);
    }
    if (committee === undefined) return index.isMember(from);
    return committee[message.member] === from;
  }
  const gated = new GatedTransport(
    store,
    transport,
    (stored, refused) =>
      log.error(
        { kind: refused.kind, stored: stored.kind },
        "store conflict: a different signed statement is stored for this key; sending the stored one",
      ),
    (error) => log.error({ err: error }, "store write failed; message not sent"),
  );

  let record: PeerRecord | undefined;
  const publish = async () => {
    record = await transport.peerRecord();
    await store.setMeta("peerSeq", String(record.seq));
    if (config.p2p.peerDirectory !== undefined) {
      await publishPeerRecord(config.p2p.peerDirectory, record);
    }
  };
  await publish();
  log.info({ peerId: record!.peerId, addrs: record!.addrs }, "libp2p listening");
  const refresh = async () => {
    // The own record again (same seq): a directory that was cleared gets it back.
    if (config.p2p.peerDirectory !== undefined && record !== undefined) {
      await publishPeerRecord(config.p2p.peerDirectory, record);
    }
    await refreshPeers(
      transport,
      { directory: config.p2p.peerDirectory, bootstrap: config.p2p.bootstrap },
      me,
    );
  };
  await refresh();
  let refreshing = false;
  const peerTimer = setInterval(() => {
    if (refreshing) return;
    refreshing = true;
    refresh()
      .catch((error: unknown) => log.warn({ err: error }, "peer refresh failed"))
      .finally(() => (refreshing = false));
  }, config.p2p.refreshMs);

  // ---- the client ------------------------------------------------------------------------------
  const sequencerSettings = config.sequencer;
  const dataSeed = sequencerSettings.dataSeed ?? keccak256(toUtf8Bytes(`provernet-data-${me}`));
  const makeClient = (): ProverClient | SequencerClient => {
    if (role === "sequencer") {
      return new SequencerClient(
        {
          wallet,
          secretKey,
          stake: params.minimumStake,
          blocks: sequencerSettings.blocks ?? Number.MAX_SAFE_INTEGER,
          feeSplitBps: BigInt(sequencerSettings.feeSplitBps),
          withholding: () => ({ kind: "none" }),
          dataSeed,
        },
        contracts,
        params,
        gated,
        outbox,
      );
    }
    const p = config.prover;
    return new ProverClient(
      {
        index: p.rota?.index ?? 0,
        rotaSize: p.rota?.size ?? 1,
        wallet,
        secretKey,
        stake: params.minimumStake,
        behavior: { kind: "honest" },
        provingTime: p.provingTime,
        roundTimeout: p.roundTimeout,
        fallbackPatience: BigInt(p.fallbackPatience),
        fromBlock,
      },
      contracts,
      params,
      gated,
      outbox,
    );
  };
  let client = makeClient();
  let firstSlot: bigint | undefined =
    sequencerSettings.firstSlot === undefined ? undefined : BigInt(sequencerSettings.firstSlot);

  /** The upkeep rota: my rank among the registered operators (unless the config fixes it). */
  const updateRota = () => {
    if (!(client instanceof ProverClient) || config.prover.rota !== undefined) return;
    const all = [...index.registered].sort((a, b) =>
      a.toLowerCase().localeCompare(b.toLowerCase()),
    );
    const position = all.indexOf(me);
    client.config.index = Math.max(0, position);
    client.config.rotaSize = Math.max(1, all.length);
  };

  /** (Re)builds the client from every event read so far (at start, and after a reorg). */
  const rebuild = async (head: number) => {
    client = makeClient();
    index = new ChainIndex(me, params);
    const events = follower.events();
    index.observe(events);
    await client.observe(events);
    updateRota();
    if (client instanceof ProverClient) {
      client.startSettlingAt(await contracts.rewards.nextEpoch());
      // Block data received before a restart (the sequencer sends it once per publication).
      for (const message of await store.receivedData()) client.receive(message, BigInt(head));
    } else {
      if (firstSlot === undefined) firstSlot = slotAt(params.slotClock, BigInt(head) + 1n) + 1n;
      client.schedule(firstSlot);
    }
  };

  // ---- catch up, then serve --------------------------------------------------------------------
  let head = await provider.getBlockNumber();
  for (;;) {
    const result = await follower.poll();
    head = result.head;
    if (follower.processed >= head) break;
  }
  await rebuild(head);
  log.info(
    {
      chainId: String(chainId),
      head,
      events: follower.events().length,
      stored: store.counts(),
      rota: client instanceof ProverClient ? [client.config.index, client.config.rotaSize] : null,
    },
    "caught up with the chain",
  );

  let lastPollOk = Date.now();
  const health = () => {
    const age = Date.now() - lastPollOk;
    return {
      ok: age < Math.max(30_000, 40 * config.chain.pollMs),
      detail: {
        head,
        processed: follower.processed,
        lastPollAgeMs: age,
        peers: transport.peerCount,
      },
    };
  };
  const http = await startHttpServer(config.metrics.host, config.metrics.port, {
    metrics,
    health,
    peerRecord: () => record,
  });
  log.info(
    { metrics: `http://${config.metrics.host}:${http.port}/metrics` },
    "metrics and /healthz listening",
  );

  const updateMetrics = () => {
    metrics.head.set(head);
    metrics.processed.set(follower.processed);
    metrics.finalizedBlocks.set(index.count(BlockStatus.Final));
    metrics.pendingBlocks.set(index.count(BlockStatus.Proposed));
    let committees = 0;
    for (const members of index.committees.values()) if (members.includes(me)) committees++;
    metrics.committees.set(committees);
    if (client instanceof ProverClient)
      metrics.chunksProven.set(provenSinceStart + client.chunksProven);
    metrics.chunksCredited.set(index.chunksCredited);
    metrics.rootsSubmitted.set(index.rootsSubmitted);
    metrics.votes.set(store.counts().vote);
    metrics.peers.set(transport.peerCount);
    metrics.storeConflicts.set(store.conflicts);
    metrics.storeResent.set(store.resent);
    metrics.storeReplayed.set(store.replayed);
    for (const [reason, count] of Object.entries(transport.stats.dropped)) {
      metrics.dropped.set({ reason }, count);
    }
    metrics.dropped.set({ reason: "wrongSlot" }, dropped.wrongSlot);
    metrics.messages.set({ direction: "sent" }, transport.stats.sent);
    metrics.messages.set({ direction: "received" }, transport.stats.received);
    metrics.messages.set({ direction: "sendErrors" }, transport.stats.sendErrors);
    metrics.reorgs.set(follower.reorgs);
  };

  const recordOutcomes = (outcomes: TxOutcome[]) => {
    for (const o of outcomes) {
      const outcome = o.ok ? "ok" : o.l1Block === undefined ? "rejected" : "reverted";
      metrics.transactions.inc({ op: o.op, outcome });
      if (o.ok) log.info({ op: o.op, gasUsed: Number(o.gasUsed), l1Block: o.l1Block }, "tx mined");
      else log.debug({ op: o.op, error: o.error, l1Block: o.l1Block }, `tx ${outcome}`);
    }
  };

  // The sequencer's extra duties: re-send pending blocks' data (a restarted member has none),
  // and publish a block it proposed before a restart.
  const sequencerDuties = (now: bigint) => {
    if (!(client instanceof SequencerClient)) return;
    const lifecycle = contracts.lifecycle.connect(wallet);
    for (const [slot, proposer] of index.proposers) {
      if (proposer !== me || index.status.get(slot) !== BlockStatus.Proposed) continue;
      const window = proofWindow(params.slotClock, slot);
      if (now > window.closesAt) continue;
      const committee = index.committees.get(epochOfSlot(params.slotClock, slot)) ?? [];
      if (!index.published.has(slot)) {
        if (now >= window.opensAt + 1n && !publishedHere.has(slot)) {
          publishedHere.add(slot);
          outbox.submit(me, "block.publishData.resumed", () => lifecycle.publishData(slot));
        }
        continue;
      }
      if ((now - window.opensAt) % BigInt(sequencerSettings.resendEvery) !== 0n) continue;
      const data = blockData(dataSeed, slot, params.leafCount);
      for (const member of committee) gated.send(me, member, { kind: "data", data });
    }
  };
  const publishedHere = new Set<bigint>();

  let lastActed = head;
  let lastClaimAt = head;
  let lastClaimableAt = -1;
  let stopping = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const step = async () => {
    const result = await follower.poll();
    lastPollOk = Date.now();
    head = result.head;
    if (result.kind === "reorg") {
      log.warn(
        { ancestor: result.ancestor, head },
        "L1 reorg: rebuilding from the common ancestor",
      );
      if (client instanceof ProverClient) provenSinceStart += client.chunksProven;
      await rebuild(head);
    } else if (result.kind === "advanced") {
      index.observe(result.events);
      await client.observe(result.events);
      if (result.events.some((e) => e.name === "OperatorRegistered")) updateRota();
    }
    const now = BigInt(head);
    for (const message of inbox.splice(0)) {
      if (client instanceof ProverClient) client.receive(message, now);
    }
    if (result.kind === "idle" || head <= lastActed) return;
    if (client instanceof SequencerClient) {
      // Every block since the last one acted on (a proposal is due at one exact block).
      for (let n = Math.max(lastActed + 1, head - 3); n <= head; n++) await client.act(BigInt(n));
      sequencerDuties(now);
    } else {
      await client.act(now);
    }
    lastActed = head;
    if (config.prover.claimEvery > 0 && head - lastClaimAt >= config.prover.claimEvery) {
      lastClaimAt = head;
      await client.claim();
    }
    await outbox.flush();
    await gated.flush();
    recordOutcomes(await outbox.collect(provider));
    if (head - lastClaimableAt >= 8) {
      lastClaimableAt = head;
      const owed = await contracts.rewards.claimable(me);
      metrics.claimable.set(Number(owed.proving + owed.sequencing + owed.submitting));
      metrics.claimed.reset();
      metrics.claimed.inc(Number(index.claimed));
    }
    if (head % 16 === 0) {
      log.info(
        {
          head,
          finalized: index.count(BlockStatus.Final),
          pending: index.count(BlockStatus.Proposed),
          peers: transport.peerCount,
          sent: transport.stats.sent,
          sendErrors: transport.stats.sendErrors,
          received: transport.stats.received,
          dropped: { ...transport.stats.dropped, ...dropped },
          conflicts: store.conflicts,
          resent: store.resent,
        },
        "progress",
      );
    }
    if (head % 64 === 0) {
      // Entries of slots whose proof window closed long ago can never be signed again.
      const current = slotAt(params.slotClock, now);
      const keep = BigInt(params.slotClock.proofWindow / params.slotClock.slotLength) + 64n;
      if (current > keep) await store.prune(current - keep);
    }
  };

  const done = (async () => {
    while (!stopping) {
      try {
        await step();
      } catch (error) {
        metrics.rpcErrors.inc();
        log.warn({ err: error }, "step failed; retrying");
      }
      updateMetrics();
      if (!stopping) await sleep(config.chain.pollMs);
    }
    // The step in flight has finished: its transactions were sent. Wait (bounded) for them.
    try {
      await outbox.flush();
      await gated.flush();
      for (let i = 0; i < 20 && !outbox.idle; i++) {
        await new Promise((r) => setTimeout(r, 500));
        recordOutcomes(await outbox.collect(provider));
      }
    } catch (error) {
      log.warn({ err: error }, "while finishing the last transactions");
    }
    clearInterval(peerTimer);
    await transport.stop().catch(() => {});
    const closed = new Promise<void>((resolve) => http.server.close(() => resolve()));
    http.server.closeAllConnections();
    await closed;
    await store.close();
    provider.destroy();
    log.info("stopped");
  })();

  return {
    role,
    address: me,
    metricsPort: http.port,
    logger: log,
    done,
    stop: async () => {
      stopping = true;
      wake?.();
      await done;
    },
  };
}

/** The data directory's default store location (for docs and the devnet). */
export function storeDirectory(dataDir: string): string {
  return path.join(dataDir, "store");
}
