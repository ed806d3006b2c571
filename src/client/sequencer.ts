/**
 * The sequencer client: a staked operator outside every committee (it never reveals, so seed
 * 001's no-overlap rule keeps it out) that proposes one L2 block per slot on the chain's head at
 * the start of the slot's proposal phase, publishes the data on L1 (the DA stand-in) when the
 * proof window opens, and sends the block's data to the slot's committee. Its behaviour decides,
 * per slot, whether it withholds the data from everyone (no publication, nobody gets it) or from
 * a subset of the committee (published, but those members never receive it).
 */
import { AbiCoder, keccak256 } from "ethers";

import { txCommitmentOf } from "../protocol/chunks.js";
import { BlockStatus, proofWindow, slotAt, slotStartBlock } from "../protocol/lifecycle.js";
import type { ChainEvent } from "./chain.js";
import { OperatorClient, type OperatorAccount } from "./operator.js";
import type { BlockData } from "./messages.js";

const abi = AbiCoder.defaultAbiCoder();

/** What the sequencer does with a slot's data. */
export type Withholding =
  | { kind: "none" }
  | { kind: "all" }
  /** Published on L1, but never sent to these committee members (addresses). */
  | { kind: "subset"; members: readonly string[] };

export interface SequencerConfig extends OperatorAccount {
  /** How many slots it proposes for, from the slot {@link SequencerClient.schedule} sets. */
  blocks: number;
  /** The FEE_SPLIT it bids in basis points (scored only under seed 002's FEE_SPLIT scoring). */
  feeSplitBps: bigint;
  /** Its data policy for a slot, given the slot's committee. */
  withholding: (slot: bigint, committee: readonly string[]) => Withholding;
  /** Seeds the synthetic transactions of its blocks. */
  dataSeed: string;
}

/** The synthetic data of `slot`'s block: L chunk commitments (stand-in transactions). */
export function blockData(dataSeed: string, slot: bigint, leafCount: number): BlockData {
  const leafInputs = Array.from({ length: leafCount }, (_, i) =>
    keccak256(abi.encode(["bytes32", "uint256", "uint256"], [dataSeed, slot, i])),
  );
  return { slot, txCommitment: txCommitmentOf(leafInputs), leafInputs };
}

export class SequencerClient extends OperatorClient<SequencerConfig> {
  /** The data policy it applied per slot, for the report. */
  readonly withheld = new Map<bigint, Withholding["kind"]>();

  private firstSlot: bigint | null = null;
  private readonly committees = new Map<bigint, string[]>();
  private readonly proposed = new Map<bigint, BlockData>();
  private readonly published = new Set<bigint>();

  /** Proposes for `[firstSlot, firstSlot + blocks)`. */
  schedule(firstSlot: bigint): void {
    this.firstSlot = firstSlot;
  }

  observe(events: readonly ChainEvent[]): void {
    for (const e of events) {
      this.noteRegistration(e);
      if (e.name === "CommitteeSealed") {
        this.committees.set(e.epoch, e.members);
      }
    }
  }

  /** Proposes at the start of each of its slots and publishes when the proof window opens. */
  async act(now: bigint): Promise<void> {
    const next = now + 1n;
    const { slotClock } = this.params;
    if (next < slotClock.genesisBlock) return;
    const slot = slotAt(slotClock, next);
    const { firstSlot } = this;
    const { blocks } = this.config;
    const lifecycle = this.contracts.lifecycle.connect(this.config.wallet);
    if (
      firstSlot !== null &&
      slot >= firstSlot &&
      slot < firstSlot + BigInt(blocks) &&
      next === slotStartBlock(slotClock, slot) &&
      !this.proposed.has(slot)
    ) {
      const [head] = await this.contracts.lifecycle.chainState();
      const data = blockData(this.config.dataSeed, slot, this.params.leafCount);
      this.proposed.set(slot, data);
      const proposal = {
        parent: head,
        txCommitment: data.txCommitment,
        leafCount: BigInt(this.params.leafCount),
        feeSplitBps: this.config.feeSplitBps,
        publicKeyHash: this.keyHash,
      };
      this.outbox.submit(this.address, "block.propose", () =>
        lifecycle.propose(slot, proposal, []),
      );
    }
    // Publication: the first block of the proof window of a slot it proposed.
    for (const [proposedSlot, data] of this.proposed) {
      if (this.published.has(proposedSlot)) continue;
      if (next !== proofWindow(slotClock, proposedSlot).opensAt) continue;
      this.published.add(proposedSlot);
      const stored = await this.contracts.lifecycle.getBlock(proposedSlot);
      // Outbid, or removed with a timed-out or pruned ancestor: nothing to publish.
      if (stored.proposer !== this.address || stored.status !== BigInt(BlockStatus.Proposed))
        continue;
      const epoch = (proposedSlot * slotClock.slotLength) / slotClock.epochLength;
      const committee = this.committees.get(epoch) ?? [];
      const policy = this.config.withholding(proposedSlot, committee);
      this.withheld.set(proposedSlot, policy.kind);
      if (policy.kind === "all") continue;
      this.outbox.submit(this.address, "block.publishData", () =>
        lifecycle.publishData(proposedSlot),
      );
      const excluded = new Set(policy.kind === "subset" ? policy.members : []);
      for (const member of committee) {
        if (!excluded.has(member))
          this.transport.send(this.address, member, { kind: "data", data });
      }
    }
  }
}
