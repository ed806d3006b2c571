/**
 * A client's window on L1: the deployed contracts, their immutable parameters, a feed of decoded
 * events block by block, and an outbox that sends transactions and records what they cost.
 * Clients act on what this module reads from the chain's public interface (events and views)
 * and nothing else.
 */
import {
  Wallet,
  ZeroAddress,
  type Interface,
  type Log,
  type Provider,
  type TransactionRequest,
} from "ethers";

import type { EpochClock } from "../protocol/epoch.js";
import type { SlotClock } from "../protocol/lifecycle.js";
import type {
  BlockLifecycle,
  CommitteeElection,
  InvalidWorkSlasher,
  ProverRewards,
  StakeTable,
  TestStakeToken,
} from "../../typechain-types/index.js";
import { ISiblingCoverPolicy__factory } from "../../typechain-types/index.js";

/** The deployed system a client talks to. */
export interface ProtocolContracts {
  token: TestStakeToken;
  table: StakeTable;
  election: CommitteeElection;
  lifecycle: BlockLifecycle;
  rewards: ProverRewards;
  slasher: InvalidWorkSlasher;
}

/** The deployment's immutable parameters, read once from its views. */
export interface ProtocolParams {
  chainId: bigint;
  addresses: {
    token: string;
    table: string;
    election: string;
    lifecycle: string;
    rewards: string;
    slasher: string;
    /** The lifecycle's assignment policy contract (zero: striped trees, no contract). */
    policy: string;
  };
  epochClock: EpochClock;
  slotClock: SlotClock;
  slotsPerEpoch: bigint;
  minimumStake: bigint;
  activationLag: bigint;
  revealWindow: bigint;
  faultToleranceBps: bigint;
  committeeSize: number;
  oversamplingBps: number;
  treeCount: number;
  leafCount: number;
  feeSplitScoring: boolean;
  inactivityThreshold: bigint;
  slashSink: string;
}

/** The lifecycle's timing, read from its immutables. */
export async function readSlotClock(lifecycle: BlockLifecycle): Promise<SlotClock> {
  return {
    genesisBlock: await lifecycle.GENESIS_BLOCK(),
    epochLength: await lifecycle.EPOCH_LENGTH(),
    slotLength: await lifecycle.SLOT_LENGTH(),
    proposalPhase: await lifecycle.PROPOSAL_PHASE(),
    proofWindow: await lifecycle.PROOF_WINDOW(),
    dataTimeout: await lifecycle.DATA_TIMEOUT(),
  };
}

/** Reads {@link ProtocolParams} from the deployment's views. */
export async function readProtocolParams(c: ProtocolContracts): Promise<ProtocolParams> {
  const { table, election, lifecycle, rewards } = c;
  const provider = table.runner?.provider;
  if (!provider) throw new Error("contracts need a provider");
  const epochClock = {
    genesisBlock: await table.GENESIS_BLOCK(),
    epochLength: await table.EPOCH_LENGTH(),
  };
  const electionParams = await election.paramsAt(await table.currentEpoch());
  return {
    chainId: (await provider.getNetwork()).chainId,
    addresses: {
      token: await c.token.getAddress(),
      table: await table.getAddress(),
      election: await election.getAddress(),
      lifecycle: await lifecycle.getAddress(),
      rewards: await rewards.getAddress(),
      slasher: await c.slasher.getAddress(),
      policy: await lifecycle.POLICY(),
    },
    epochClock,
    slotClock: await readSlotClock(lifecycle),
    slotsPerEpoch: await rewards.SLOTS_PER_EPOCH(),
    minimumStake: await table.MINIMUM_STAKE(),
    activationLag: await table.ACTIVATION_LAG(),
    revealWindow: await election.REVEAL_WINDOW(),
    faultToleranceBps: await lifecycle.FAULT_TOLERANCE_BPS(),
    committeeSize: Number(electionParams.committeeSize),
    oversamplingBps: Number(electionParams.oversamplingBps),
    treeCount: Number(electionParams.treeCount),
    leafCount: Number(electionParams.leafCount),
    feeSplitScoring: await lifecycle.FEE_SPLIT_SCORING(),
    inactivityThreshold: await rewards.INACTIVITY_THRESHOLD(),
    slashSink: await table.SLASH_SINK(),
  };
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/** The events clients and the simulator act on, decoded, with the L1 block they landed in. */
export type ChainEvent = { l1Block: number } & (
  | { name: "RandaoCheckpointed"; epoch: bigint }
  | { name: "OperatorRegistered"; operator: string; publicKeyHash: string }
  | { name: "Slashed"; operator: string; amount: bigint; remaining: bigint; reason: string }
  | { name: "ReporterRewarded"; operator: string; reporter: string; amount: bigint }
  | { name: "CommitteeSealed"; epoch: bigint; members: string[] }
  | {
      name: "BlockProposed";
      slot: bigint;
      proposer: string;
      parent: bigint;
      txCommitment: string;
      leafCount: bigint;
      feeSplitBps: bigint;
    }
  | { name: "DataPublished"; slot: bigint }
  | { name: "BlockTimedOut"; slot: bigint; round: bigint }
  | { name: "RootProofAccepted"; slot: bigint; tree: bigint; submitter: string; record: string }
  | { name: "BlockFinalized"; slot: bigint; tree: bigint; submitter: string }
  | { name: "BlockPruned"; slot: bigint }
  | { name: "EpochSettled"; epoch: bigint; burned: bigint }
  | { name: "RootRecordRejected"; slot: bigint; tree: bigint; node: bigint; member: bigint }
  | { name: "InactivityRecorded"; epoch: bigint; member: string; pendingSlashes: bigint }
  | { name: "InactivitySlashed"; operator: string; count: bigint; slashed: bigint }
  | {
      name: "InvalidWorkSlashed";
      signer: string;
      slot: bigint;
      node: bigint;
      reporter: string;
      reason: string;
      slashed: bigint;
    }
  | {
      name: "Claimed";
      account: string;
      recipient: string;
      proving: bigint;
      sequencing: bigint;
      submitting: bigint;
    }
  | { name: "PoolFunded"; funder: string; amount: bigint }
  | {
      name: "UncleRewarded";
      rewards: string;
      slot: bigint;
      node: bigint;
      member: bigint;
      amount: bigint;
    }
);

export type ChainEventName = ChainEvent["name"];

const DECODED = new Set<string>([
  "RandaoCheckpointed",
  "OperatorRegistered",
  "Slashed",
  "ReporterRewarded",
  "CommitteeSealed",
  "BlockProposed",
  "DataPublished",
  "BlockTimedOut",
  "RootProofAccepted",
  "BlockFinalized",
  "BlockPruned",
  "EpochSettled",
  "RootRecordRejected",
  "InactivityRecorded",
  "InactivitySlashed",
  "InvalidWorkSlashed",
  "Claimed",
  "PoolFunded",
  "UncleRewarded",
]);

/**
 * Reads the system's logs block range by block range, decoded into {@link ChainEvent}s in chain
 * order. One `eth_getLogs` per call, shared by every client that watches the same chain.
 */
export class EventFeed {
  private readonly interfaces = new Map<string, Interface>();

  constructor(
    private readonly provider: Provider,
    contracts: ProtocolContracts,
    addresses: ProtocolParams["addresses"],
  ) {
    this.interfaces.set(addresses.table.toLowerCase(), contracts.table.interface);
    this.interfaces.set(addresses.election.toLowerCase(), contracts.election.interface);
    this.interfaces.set(addresses.lifecycle.toLowerCase(), contracts.lifecycle.interface);
    this.interfaces.set(addresses.rewards.toLowerCase(), contracts.rewards.interface);
    this.interfaces.set(addresses.slasher.toLowerCase(), contracts.slasher.interface);
    // A policy's own events (siblingCover's UncleRewarded); unknown topics decode to nothing.
    if (addresses.policy !== ZeroAddress) {
      this.interfaces.set(
        addresses.policy.toLowerCase(),
        ISiblingCoverPolicy__factory.createInterface(),
      );
    }
  }

  /** The events of L1 blocks `fromBlock..toBlock` (inclusive). */
  async read(fromBlock: number, toBlock: number): Promise<ChainEvent[]> {
    if (toBlock < fromBlock) return [];
    const logs = await this.provider.getLogs({
      fromBlock,
      toBlock,
      address: [...this.interfaces.keys()],
    });
    const events: ChainEvent[] = [];
    for (const log of logs) {
      const event = this.decode(log);
      if (event !== null) events.push(event);
    }
    return events;
  }

  private decode(log: Log): ChainEvent | null {
    const iface = this.interfaces.get(log.address.toLowerCase());
    const parsed = iface?.parseLog({ topics: [...log.topics], data: log.data });
    if (!parsed || !DECODED.has(parsed.name)) return null;
    const fields: Record<string, unknown> = { name: parsed.name, l1Block: log.blockNumber };
    parsed.fragment.inputs.forEach((input, i) => {
      const value: unknown = parsed.args[i];
      fields[input.name] = Array.isArray(value) ? [...(value as unknown[])] : value;
    });
    // The field names and types are the ABI's, which the union above restates.
    return fields as ChainEvent;
  }
}

// ---------------------------------------------------------------------------------------------
// Transactions
// ---------------------------------------------------------------------------------------------

/**
 * An operator's key that adds a margin to every gas estimate. Estimates run against the latest
 * block, but a transaction shares its block with others that may make it costlier (a reveal
 * after other reveals walks a fuller committee heap); without the margin such a transaction
 * runs out of gas. The margin only raises the limit: gasUsed is what the work costs.
 */
export class OperatorWallet extends Wallet {
  override async estimateGas(tx: TransactionRequest): Promise<bigint> {
    const estimate = await super.estimateGas(tx);
    return estimate + estimate / 4n + 20_000n;
  }
}

/** What became of one transaction. */
export interface TxOutcome {
  op: string;
  from: string;
  /** Mined and succeeded. */
  ok: boolean;
  gasUsed: bigint;
  /** The custom error or message of a rejected (not sent) or reverted transaction. */
  error?: string;
  l1Block?: number;
}

/** The custom error name (or message) of a failed call. */
export function errorName(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const e = error as { revert?: { name?: string }; shortMessage?: string; message?: string };
    if (e.revert?.name) return e.revert.name;
    if (e.shortMessage) return e.shortMessage;
    if (e.message) return e.message.split("\n")[0];
  }
  return String(error);
}

/**
 * Collects the transactions clients send while one L1 block is being built. Sends from one
 * sender are chained so that their nonces follow each other; sends from different senders run
 * concurrently. After the block is mined, {@link Outbox.collect} reads the receipts.
 */
export class Outbox {
  private readonly senders = new Map<string, Promise<void>>();
  private sent: Array<{ op: string; from: string; hash: string }> = [];
  private rejected: TxOutcome[] = [];

  /** Queues a transaction: `send` is called after the sender's earlier sends of this block. */
  submit(from: string, op: string, send: () => Promise<{ hash: string }>): void {
    const previous = this.senders.get(from) ?? Promise.resolve();
    this.senders.set(
      from,
      previous.then(async () => {
        try {
          const tx = await send();
          this.sent.push({ op, from, hash: tx.hash });
        } catch (error) {
          this.rejected.push({ op, from, ok: false, gasUsed: 0n, error: errorName(error) });
        }
      }),
    );
  }

  /** Waits until every queued transaction was sent (or rejected by its gas estimate). */
  async flush(): Promise<void> {
    await Promise.all(this.senders.values());
    this.senders.clear();
  }

  /** The outcomes of everything sent since the last call, once the block is mined. */
  async collect(provider: Provider): Promise<TxOutcome[]> {
    const sent = this.sent;
    const outcomes = this.rejected;
    this.sent = [];
    this.rejected = [];
    const receipts = await Promise.all(sent.map((s) => provider.getTransactionReceipt(s.hash)));
    sent.forEach((s, i) => {
      const receipt = receipts[i];
      if (receipt === null) {
        // Still in the mempool (the block was full): collected after a later block.
        this.sent.push(s);
        return;
      }
      const ok = receipt.status === 1;
      outcomes.push({
        op: s.op,
        from: s.from,
        ok,
        gasUsed: receipt.gasUsed,
        l1Block: receipt.blockNumber,
        ...(ok ? {} : { error: "reverted" }),
      });
    });
    return outcomes;
  }

  /** Whether nothing is queued or awaiting collection. */
  get idle(): boolean {
    return this.senders.size === 0 && this.sent.length === 0 && this.rejected.length === 0;
  }
}
