/**
 * The prover client: one staked operator's node. It watches L1 through a shared {@link EventFeed}
 * (every decision is made from events and views of the deployed contracts), and once per L1 block
 * it
 * - registers its stake and BLS key (setup);
 * - computes its VRF for the next epoch in the reveal window and reveals it if eligible;
 * - for every block of an epoch whose committee it sits on: computes its positions in the c
 *   striped trees, proves its leaves once the sequencer's data arrives, proves its inner nodes
 *   from the first valid child outputs of any tree, sends each signed output to the parent's
 *   provers in all c trees (seed 000), and submits the root proof of each tree it is the root of;
 * - votes for a timeout when the data does not arrive, moves to the next leader round when no
 *   certificate lands, and posts the certificate when it leads the round;
 * - reports wrong and doubly signed chunk outputs it receives to the InvalidWorkSlasher;
 * - takes its turn at the permissionless upkeep (RANDAO checkpoints, pruning, epoch settlement,
 *   inactivity slashes) and claims its rewards.
 *
 * Faults are behaviours of the same client (offline, slow, Byzantine); see {@link ProverBehavior}.
 * The rules it applies (assignment, VRF, windows, records, proofs) come from `src/protocol/`.
 */
import { ZeroHash, getBytes, hexlify, keccak256 } from "ethers";

import { blockSeed } from "../protocol/assignment.js";
import { encodeG1, encodeG2, publicKeyOf, type G2 } from "../protocol/bls.js";
import {
  chunkOutputDomain,
  signChunkOutput,
  standInChunkOutput,
  txCommitmentOf,
  type ChunkOutput,
} from "../protocol/chunks.js";
import { SCORE_BITS, effectiveTreeCount, revealWindow } from "../protocol/election.js";
import { epochAt, epochStartBlock } from "../protocol/epoch.js";
import {
  BlockStatus,
  blockCommitment,
  epochOfSlot,
  faultThreshold,
  leaderIndex,
  proofWindow,
  signTimeoutVote,
  signerBitmap,
  slotAt,
  timeoutVoteDomain,
  timeoutWindow,
  type BlockHeader,
  type CompactSignature,
} from "../protocol/lifecycle.js";
import { settleableAt } from "../protocol/rewards.js";
import { stripedRules } from "../protocol/policies/striped.js";
import {
  NONE,
  PolicyError,
  depthOf,
  type AssignmentPolicyRules,
  type PolicyBlock,
} from "../protocol/policies/types.js";
import { ISiblingCoverPolicy__factory } from "../../typechain-types/index.js";
import {
  attestedPositions,
  blockChunkOutputs,
  standInNodeProof,
  standInRootProof,
} from "../protocol/attestation.js";
import { chunkSignerOf } from "./attestations.js";
import type { ChainEvent } from "./chain.js";
import { electionTicket } from "./ticket.js";
import { OperatorClient, type OperatorAccount } from "./operator.js";
import {
  slotOfMessage,
  type BlockData,
  type ChunkMessage,
  type ChunkRequestMessage,
  type DataRequestMessage,
  type Message,
  type VoteMessage,
} from "./messages.js";
import { readNextSettlementPart } from "./settlement.js";

/** How a Byzantine prover deviates; otherwise it follows the protocol. */
export type ByzantineFault =
  | "wrongOutput"
  | "doubleSign"
  | "withhold"
  | "silentLeader"
  | "raceRoots";

/**
 * - `honest`: follows the protocol.
 * - `offline`: does nothing while `offline(l1Block)` holds (messages that arrive then are lost);
 *   the simulator makes it permanent from the first L2 block on, or per slot at a rate.
 * - `slow`: honest, but its proving time (set in {@link ProverConfig.provingTime}) is longer than
 *   the proof window.
 * - `byzantine`: `wrongOutput` signs a wrong output for every chunk it sends; `doubleSign` signs
 *   and sends a second, different output for every chunk; `withhold` never sends its outputs or
 *   root proofs; `silentLeader` never posts a timeout certificate it leads; `raceRoots` files
 *   every tree's first root the moment a block is published (stand-in proofs cost no work),
 *   with a record that credits no one it can leave out: its victim (the next committee index)
 *   is replaced by a cover wherever the policy allows one, and nodes nobody else holds are left
 *   NONE. It proves honestly otherwise. The root provers then file their own roots.
 */
export type ProverBehavior =
  | { kind: "honest" }
  | { kind: "offline"; offline: (l1Block: bigint) => boolean }
  | { kind: "slow" }
  | { kind: "byzantine"; fault: ByzantineFault };

/** Chunk requests a member sends for a node before it proves the node as a fallback. */
export const FALLBACK_ASKS = 2;

/** The default `ProverConfig.dataPatience`, in L1 blocks. */
export const DEFAULT_DATA_PATIENCE = 2n;

export interface ProverConfig extends OperatorAccount {
  /** Position among the simulated provers: orders the upkeep rota. */
  index: number;
  /** Number of provers taking part in the upkeep rota. */
  rotaSize: number;
  behavior: ProverBehavior;
  /** L1 blocks one chunk takes to prove. */
  provingTime: number;
  /** L1 blocks to wait for a certificate before voting in the next leader round. */
  roundTimeout: number;
  /**
   * L1 blocks a backup holder of a node waits before duplicating a better holder's work (and a
   * backup root holder before submitting a root that is still unproven), a parent waits for an
   * answer to a chunk request, and the unit of the late-holder and fallback deadlines
   * (`docs/protocol.md`, "Late holders and fallback work").
   */
  fallbackPatience: bigint;
  /**
   * L1 blocks a member waits for a published block's data before asking every other member for
   * it, and again after asking before it votes to time the block out (and between asks): it must
   * cover a message's round trip, so that a member never votes while the data is on its way or
   * held by a peer. Default {@link DEFAULT_DATA_PATIENCE}.
   */
  dataPatience?: bigint;
  /** The deployment's assignment policy (default: seed 000's striped trees). */
  rules?: AssignmentPolicyRules;
  /** The first L1 block whose events matter (the deployment block). */
  fromBlock: number;
}

/** What one client knows about a block, from events and messages. */
interface BlockView {
  slot: bigint;
  epoch: bigint;
  header: BlockHeader;
  status: BlockStatus;
  publishedAt: bigint;
  provenTrees: Set<number>;
  /** The record of the root that finalized the block (the first accepted), hex. */
  finalRecord?: string;
  /** Per tree, the accepted roots' records (hex, lower case) and submitters. */
  roots: Map<number, { record: string; submitter: string }[]>;
}

/** One holder of a node: who, and the record byte crediting it. */
interface Holder {
  member: number;
  credit: number;
}

/** Where I hold a node: the tree in which I rank best (lowest tree on ties) and my rank there. */
interface Position {
  tree: number;
  rank: number;
}

/** Per-block work of a committee member. */
interface BlockWork {
  slot: bigint;
  m: number;
  /** Root proofs the block takes (the policy's tree count for the epoch). */
  c: number;
  leafCount: number;
  me: number;
  committee: string[];
  block: PolicyBlock;
  /** `rules.holders(block, t, node)`, entry `t * (2L-1) + node - 1`. */
  holders: Holder[][];
  /** My nodes with my position, in (tree, node) order. */
  mine: Map<number, Position>;
  data?: BlockData;
  /**
   * The child output each of my nodes uses: the one from the first holder of the child in my
   * tree (all of the first P under rankedProofs), or, once that is late ({@link
   * ProverClient.lateHolderDeadline}), the first valid one of any holder (cross cover), or my
   * fallback output.
   */
  inputs: Map<number, ChunkMessage>;
  /** When the first valid output of each node arrived. */
  firstSeen: Map<number, bigint>;
  /** When the inputs of each of my backup nodes were first ready. */
  readyAt: Map<number, bigint>;
  /** Every signed output received, by `node:member`, to spot double signing. */
  received: Map<string, ChunkMessage>;
  /** `node:member` pairs whose outputs are not to be used. */
  distrusted: Set<string>;
  /** Nodes being proven: the L1 block at which each is done. */
  proving: Map<number, bigint>;
  /** The block's honest chunk outputs by node, once its data is here (see `outputsOf`). */
  outputs?: (node: number) => ChunkOutput;
  /** Nodes proven (my output and its provenance). */
  proven: Map<number, ChunkMessage>;
  /**
   * Root records ready to submit, by tree, with my rank among the root's holders; `covered`
   * for a root I proved as a fallback (filed only as a first root).
   */
  roots: Map<
    number,
    { record: Uint8Array; rank: number; signatures: CompactSignature[]; covered?: boolean }
  >;
  /** Whether I tried to cover the block's root (root fallback). */
  rootCovered?: boolean;
  /** When my root output was done. */
  rootDoneAt?: bigint;
  submitted: Set<number>;
  /** Whether the `raceRoots` fault filed this block's roots already. */
  raced?: boolean;
  /** Nodes whose uncle reward I claimed (or decided not to). */
  uncles: Set<number>;
  /** When I last asked the other members for the block's data (none: not yet). */
  dataAskedAt?: bigint;
  /** Members I sent the block's data to on request (once each). */
  dataServed: Set<number>;
  /** When the block's data reached me. */
  dataAt?: bigint;
  /** The chunk messages I sent for each of my nodes (what a chunk request gets back). */
  sent: Map<number, readonly ChunkMessage[]>;
  /** `node:member` chunk requests I answered (once each). */
  chunksServed: Set<string>;
  /** Nodes whose output I asked their holders for: when last, and how many times. */
  requested: Map<number, { at: bigint; times: number }>;
  /**
   * Nodes I prove as a fallback because none of their holders delivered: when each is done and
   * its output (credited NONE in my records; never sent).
   */
  fallbacks: Map<number, { doneAt: bigint; message: ChunkMessage }>;
  /** The last round I voted in (-1: none) and the votes I collected as a leader, by round. */
  votedRound: number;
  votes: Map<number, Map<number, VoteMessage>>;
  certified: Set<number>;
}

/** A computed VRF and when to reveal it. */
interface RevealPlan {
  proof: G2;
  rank: bigint;
  at: bigint;
  sent: boolean;
}

/** Committee and seed of an epoch, once sealed, and its tree count once a block is known. */
interface EpochView {
  members: string[];
  seed?: string;
  treeCount?: number;
}

const STRIPED = stripedRules();

const HOLDERS_CACHE = new Map<string, Holder[][]>();

/** Every holder list of a block, memoized: every member of a committee computes the same. */
function holdersTable(rules: AssignmentPolicyRules, block: PolicyBlock): Holder[][] {
  const key = `${rules.name}:${block.seed}:${block.slot}:${block.committee.length}:${block.treeCount}:${block.leafCount}:${block.proposer}`;
  let table = HOLDERS_CACHE.get(key);
  if (table === undefined) {
    table = [];
    for (let t = 0; t < block.treeCount; t++) {
      for (let node = 1; node < 2 * block.leafCount; node++) {
        table.push(rules.holders(block, t, node));
      }
    }
    if (HOLDERS_CACHE.size > 256) HOLDERS_CACHE.clear();
    HOLDERS_CACHE.set(key, table);
  }
  return table;
}

export class ProverClient extends OperatorClient<ProverConfig> {
  /** Chunks this client proved and sent (or used itself), for the report. */
  chunksProven = 0;
  /** Root records I could not attest (a credited member's signature missing or wrong). */
  unattestedRoots = 0;
  /** Reports this client sent. */
  reportsSent = 0;
  /** Every chunk this client computed, as `slot:node`, for the report's redundant work. */
  readonly computed: Array<{ slot: bigint; node: number; member: number }> = [];
  /** Uncle claims this client sent. */
  uncleClaims = 0;
  /** Nodes this client proved as a fallback (none of their holders delivered). */
  fallbackChunks = 0;

  private get rules(): AssignmentPolicyRules {
    return this.config.rules ?? STRIPED;
  }

  /** Holders a node expects to prove it at once (the rest are backups). */
  private get primaries(): number {
    return this.rules.proofsPerNode;
  }

  private readonly blocks = new Map<bigint, BlockView>();
  private readonly work = new Map<bigint, BlockWork>();
  private readonly epochs = new Map<bigint, EpochView>();
  /** Messages for blocks or epochs not known yet, replayed once they are. */
  private readonly early: Message[] = [];
  private readonly checkpointed = new Set<bigint>();
  private readonly reveals = new Map<bigint, RevealPlan | null>();
  /** `signer:slot:node` of invalid work slashed on chain. */
  private readonly reported = new Set<string>();
  private readonly queuedReports = new Set<string>();
  private readonly evidence: Array<{
    key: string;
    signer: string;
    due: bigint;
    op: string;
    send: () => Promise<{ hash: string }>;
  }> = [];
  /** Members owing an inactivity slash, with the L1 block it was recorded in. */
  private readonly inactive = new Map<string, bigint>();
  /** The next epoch to settle, once known. */
  private nextToSettle: bigint | null = null;
  private readonly slashedOut = new Set<string>();
  /** The latest L1 block the client has seen. */
  private now = 0n;
  /** The rewards contract's per-block policy-reward budget, read once. */
  private policyRewardBudget?: bigint;

  /** Whether the client is down at L1 block `l1Block`. */
  offlineAt(l1Block: bigint): boolean {
    const b = this.config.behavior;
    return b.kind === "offline" && b.offline(l1Block);
  }

  private fault(kind: ByzantineFault): boolean {
    const b = this.config.behavior;
    return b.kind === "byzantine" && b.fault === kind;
  }

  // -------------------------------------------------------------------------------------------
  // Watching L1
  // -------------------------------------------------------------------------------------------

  /** Applies the events of one or more newly mined L1 blocks. */
  async observe(events: readonly ChainEvent[]): Promise<void> {
    for (const e of events) {
      switch (e.name) {
        case "OperatorRegistered":
          this.noteRegistration(e);
          break;
        case "RandaoCheckpointed":
          this.checkpointed.add(e.epoch);
          break;
        case "CommitteeSealed":
          this.epochs.set(e.epoch, { members: e.members });
          break;
        case "BlockProposed": {
          const slot = e.slot;
          this.blocks.set(slot, {
            slot,
            epoch: epochOfSlot(this.params.slotClock, slot),
            header: {
              slot,
              parent: e.parent,
              proposer: e.proposer,
              txCommitment: e.txCommitment,
              leafCount: e.leafCount,
              feeSplitBps: e.feeSplitBps,
            },
            status: BlockStatus.Proposed,
            publishedAt: 0n,
            provenTrees: new Set(),
            roots: new Map(),
          });
          this.work.delete(slot); // an outbidding proposal replaces the block
          break;
        }
        case "DataPublished": {
          const view = this.blocks.get(e.slot);
          if (view) view.publishedAt = BigInt(e.l1Block);
          break;
        }
        case "RootProofAccepted": {
          const view = this.blocks.get(e.slot);
          if (view === undefined) break;
          if (view.provenTrees.size === 0) view.finalRecord = e.record;
          view.provenTrees.add(Number(e.tree));
          const accepted = view.roots.get(Number(e.tree)) ?? [];
          accepted.push({ record: e.record.toLowerCase(), submitter: e.submitter });
          view.roots.set(Number(e.tree), accepted);
          break;
        }
        case "BlockFinalized":
          this.setStatus(e.slot, BlockStatus.Final);
          break;
        case "BlockTimedOut":
          this.setStatus(e.slot, BlockStatus.TimedOut);
          break;
        case "BlockPruned":
          this.setStatus(e.slot, BlockStatus.Pruned);
          break;
        case "EpochSettled":
          if (this.nextToSettle === null || e.epoch >= this.nextToSettle) {
            this.nextToSettle = e.epoch + 1n;
          }
          break;
        case "InactivityRecorded":
          if (e.pendingSlashes > 0n) this.inactive.set(e.member, BigInt(e.l1Block));
          break;
        case "InactivitySlashed":
          this.inactive.delete(e.operator);
          break;
        case "InvalidWorkSlashed":
          this.reported.add(`${e.signer}:${e.slot}:${e.node}`);
          break;
        case "Slashed":
          if (e.remaining === 0n) this.slashedOut.add(e.operator);
          break;
        default:
          break;
      }
    }
  }

  private setStatus(slot: bigint, status: BlockStatus): void {
    const view = this.blocks.get(slot);
    if (view) view.status = status;
    if (status !== BlockStatus.Final) this.work.delete(slot);
  }

  // -------------------------------------------------------------------------------------------
  // Messages
  // -------------------------------------------------------------------------------------------

  /** Takes a message delivered at L1 block `now` (lost if the client is down). */
  receive(message: Message, now: bigint): void {
    if (this.offlineAt(now)) return;
    this.now = now;
    const slot = slotOfMessage(message);
    const view = this.blocks.get(slot);
    const epoch = view === undefined ? undefined : this.epochs.get(view.epoch);
    if (
      epoch === undefined ||
      ((epoch.seed === undefined || epoch.treeCount === undefined) &&
        epoch.members.includes(this.address))
    ) {
      // The block, its committee or its seed is not known yet: kept for the next block.
      this.early.push(message);
      return;
    }
    const work = this.workFor(slot);
    if (work === null) return;
    if (message.kind === "data") this.takeData(work, message.data);
    else if (message.kind === "chunk") this.takeChunk(work, message);
    else if (message.kind === "dataRequest") this.serveData(work, message);
    else if (message.kind === "chunkRequest") this.serveChunk(work, message);
    else this.takeVote(work, message);
  }

  /** Sends the output I sent for a node again, to a member that asked for it, once per member. */
  private serveChunk(work: BlockWork, request: ChunkRequestMessage): void {
    if (request.member >= work.m || request.member === work.me) return;
    const sent = work.sent.get(request.node);
    const key = `${request.node}:${request.member}`;
    if (sent === undefined || work.chunksServed.has(key)) return;
    work.chunksServed.add(key);
    for (const message of sent) {
      this.transport.send(this.address, work.committee[request.member], message);
    }
  }

  /** Sends the block's data to a member that asked for it, once per member. */
  private serveData(work: BlockWork, request: DataRequestMessage): void {
    if (work.data === undefined || request.member >= work.m || request.member === work.me) return;
    if (work.dataServed.has(request.member)) return;
    work.dataServed.add(request.member);
    this.transport.send(this.address, work.committee[request.member], {
      kind: "data",
      data: work.data,
    });
  }

  /**
   * Asks every other member for a published block's data it has not received: `dataPatience`
   * blocks after the publication, then every `dataPatience` blocks while it is still missing.
   */
  private askForData(work: BlockWork, view: BlockView, now: bigint): void {
    if (work.data !== undefined || view.status !== BlockStatus.Proposed) return;
    if (view.publishedAt === 0n) return;
    const patience = this.dataPatience;
    const due =
      work.dataAskedAt === undefined ? view.publishedAt + patience : work.dataAskedAt + patience;
    if (now < due) return;
    work.dataAskedAt = now;
    const request: DataRequestMessage = { kind: "dataRequest", slot: work.slot, member: work.me };
    for (const [i, member] of work.committee.entries()) {
      if (i !== work.me) this.transport.send(this.address, member, request);
    }
  }

  private takeData(work: BlockWork, data: BlockData): void {
    const view = this.blocks.get(work.slot)!;
    if (work.data !== undefined) return;
    if (data.leafInputs.length !== work.leafCount) return;
    if (txCommitmentOf(data.leafInputs) !== view.header.txCommitment) return;
    work.data = data;
    work.dataAt = this.now;
  }

  private takeVote(work: BlockWork, vote: VoteMessage): void {
    let votes = work.votes.get(vote.round);
    if (votes === undefined) work.votes.set(vote.round, (votes = new Map()));
    votes.set(vote.member, vote);
  }

  /** Checks a chunk output from a child and keeps the first valid one of each node. */
  private takeChunk(work: BlockWork, message: ChunkMessage): void {
    const node = Number(message.output.node);
    const { leafCount, m } = work;
    if (node < 2 || node >= 2 * leafCount || message.member >= m) return;
    // Only outputs of nodes whose parent I prove (or that I back up, or that I asked for as a
    // fallback), from a holder of the node.
    if (!work.mine.has(node >> 1) && !work.mine.has(node) && !work.requested.has(node)) return;
    if (!this.holds(work, message.member, node)) return;
    const key = `${node}:${message.member}`;
    if (work.distrusted.has(key)) return;
    const { output } = message;
    const recomputed = standInChunkOutput(work.slot, node, output.left, output.right);
    const leafOk =
      node < leafCount ||
      work.data === undefined ||
      (output.left === work.data.leafInputs[node - leafCount] && output.right === ZeroHash);
    if (recomputed !== output.output || !leafOk) {
      work.distrusted.add(key);
      if (recomputed !== output.output) this.reportWrongOutput(work, message);
      return;
    }
    // The output is evidence on L1 and attestation in a root proof: it must be the member's.
    const signer = chunkSignerOf(this.chunkDomain(), output, message.signature);
    if (signer !== work.committee[message.member].toLowerCase()) {
      work.distrusted.add(key);
      return;
    }
    const earlier = work.received.get(key);
    if (earlier !== undefined && earlier.output.output !== output.output) {
      work.distrusted.add(key);
      this.reportEquivocation(work, earlier, message);
      return;
    }
    work.received.set(key, message);
    if (!work.firstSeen.has(node)) work.firstSeen.set(node, this.now);
  }

  private holdersOf(work: BlockWork, tree: number, node: number): Holder[] {
    return work.holders[tree * (2 * work.leafCount - 1) + node - 1];
  }

  private holds(work: BlockWork, member: number, node: number): boolean {
    for (let t = 0; t < work.c; t++) {
      if (this.holdersOf(work, t, node).some((h) => h.member === member)) return true;
    }
    return false;
  }

  /** The holders of `node` in every tree, each once, tree by tree in preference order. */
  private allHolders(work: BlockWork, node: number, first = 0): number[] {
    const members: number[] = [];
    for (let i = 0; i < work.c; i++) {
      const t = i === 0 ? first : i <= first ? i - 1 : i;
      for (const h of this.holdersOf(work, t, node)) {
        if (!members.includes(h.member)) members.push(h.member);
      }
    }
    return members;
  }

  private signerOf(work: BlockWork, member: number): string {
    return work.committee[member];
  }

  private reportWrongOutput(work: BlockWork, message: ChunkMessage): void {
    const slasher = this.contracts.slasher.connect(this.config.wallet);
    this.queueReport(work, message, "slash.invalidChunk", () =>
      slasher.reportWrongOutput({ ...message.output }, message.signature),
    );
  }

  private reportEquivocation(work: BlockWork, a: ChunkMessage, b: ChunkMessage): void {
    const slasher = this.contracts.slasher.connect(this.config.wallet);
    this.queueReport(work, a, "slash.invalidChunk.equivocation", () =>
      slasher.reportEquivocation({ ...a.output }, a.signature, { ...b.output }, b.signature),
    );
  }

  /**
   * Queues evidence against the sender of `message`. Every parent of the node receives the same
   * evidence; the parent in the lowest tree reports at once and the others one block later per
   * tree, each only if no slash for that (signer, slot, node) has landed by then, so that honest
   * reporters rarely pay for a report that reverts with AlreadySlashed.
   */
  private queueReport(
    work: BlockWork,
    message: ChunkMessage,
    op: string,
    send: () => Promise<{ hash: string }>,
  ): void {
    const signer = this.signerOf(work, message.member);
    const node = Number(message.output.node);
    const key = `${signer}:${work.slot}:${node}`;
    if (this.reported.has(key) || this.queuedReports.has(key) || this.slashedOut.has(signer)) {
      return;
    }
    this.queuedReports.add(key);
    // The first tree whose first holder of the parent I am; else my place among its holders.
    let delay = 0;
    while (delay < work.c && this.holdersOf(work, delay, node >> 1)[0]?.member !== work.me) {
      delay++;
    }
    if (delay === work.c) delay = Math.max(0, this.allHolders(work, node >> 1).indexOf(work.me));
    this.evidence.push({ key, signer, due: this.now + BigInt(delay % work.c), op, send });
  }

  /** Sends the queued reports that are due and still needed. */
  private sendReports(now: bigint): void {
    for (let i = this.evidence.length - 1; i >= 0; i--) {
      const report = this.evidence[i];
      if (report.due > now) continue;
      this.evidence.splice(i, 1);
      if (this.reported.has(report.key) || this.slashedOut.has(report.signer)) continue;
      this.reportsSent++;
      this.outbox.submit(this.address, report.op, report.send);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Acting, once per L1 block
  // -------------------------------------------------------------------------------------------

  /**
   * Everything the client does after L1 block `now` was mined; its transactions land in block
   * `now + 1`. `now` is the latest block whose events were observed.
   */
  async act(now: bigint): Promise<void> {
    if (this.offlineAt(now) || !this.registered) return;
    this.now = now;
    const next = now + 1n;
    await this.learnEpochs();
    this.replayEarly(now);
    this.sendReports(now);
    await this.reveal(next);
    await this.upkeep(now, next);
    for (const view of this.blocks.values()) {
      if (view.status !== BlockStatus.Proposed && view.status !== BlockStatus.Final) continue;
      // Nothing is done for a block after its proof window (roots, uncle claims, votes and
      // proofs all end there): its work (outputs, messages, signatures) is dropped, so that a
      // long-running node's memory does not grow with the blocks it has seen.
      if (
        view.status === BlockStatus.Final &&
        next > proofWindow(this.params.slotClock, view.slot).closesAt
      ) {
        this.work.delete(view.slot);
        continue;
      }
      const work = this.workFor(view.slot);
      if (work === null) continue;
      if (this.fault("raceRoots")) await this.raceRoots(work, view);
      await this.prove(work, view, now);
      this.submitRoots(work, view, now, next);
      await this.claimUncles(work, view, next);
      this.askForData(work, view, now);
      await this.timeout(work, view, next);
    }
  }

  /**
   * Reads the seed of every sealed epoch the client sits on (one view per epoch), and its tree
   * count from the lifecycle's epoch context once a block of the epoch is known (the context is
   * cached at the epoch's first proposal).
   */
  private async learnEpochs(): Promise<void> {
    for (const [epoch, view] of this.epochs) {
      if (!view.members.includes(this.address)) continue;
      if (view.seed === undefined) view.seed = await this.contracts.table.seedOf(epoch);
      if (view.treeCount !== undefined) continue;
      if (![...this.blocks.values()].some((b) => b.epoch === epoch)) continue;
      const context = await this.contracts.lifecycle.epochContext(epoch);
      if (context.treeCount !== 0n) view.treeCount = Number(context.treeCount);
    }
  }

  private replayEarly(now: bigint): void {
    if (this.early.length === 0) return;
    const pending = this.early.splice(0);
    for (const message of pending) this.receive(message, now);
  }

  /** The work on `slot`'s block if this client sits on its committee and knows its seed. */
  private workFor(slot: bigint): BlockWork | null {
    const existing = this.work.get(slot);
    if (existing !== undefined) return existing;
    const view = this.blocks.get(slot);
    if (view === undefined) return null;
    const epoch = this.epochs.get(view.epoch);
    if (epoch?.seed === undefined || epoch.treeCount === undefined) return null;
    const me = epoch.members.indexOf(this.address);
    if (me < 0) return null;
    const m = epoch.members.length;
    const c = epoch.treeCount;
    const leafCount = Number(view.header.leafCount);
    const block: PolicyBlock = {
      slot,
      seed: blockSeed(epoch.seed, slot),
      committee: epoch.members,
      treeCount: c,
      leafCount,
      proposer: view.header.proposer,
    };
    const holders = holdersTable(this.rules, block);
    const stride = 2 * leafCount - 1;
    const positions: Array<[number, Position]> = [];
    for (let node = 1; node <= stride; node++) {
      let best: Position | undefined;
      for (let t = 0; t < c; t++) {
        const rank = holders[t * stride + node - 1].findIndex((h) => h.member === me);
        if (rank >= 0 && (best === undefined || rank < best.rank)) best = { tree: t, rank };
      }
      if (best !== undefined) positions.push([node, best]);
    }
    positions.sort(([a, p], [b, q]) => p.tree - q.tree || a - b);
    const work: BlockWork = {
      slot,
      m,
      c,
      leafCount,
      me,
      committee: epoch.members,
      block,
      holders,
      mine: new Map(positions),
      inputs: new Map(),
      firstSeen: new Map(),
      readyAt: new Map(),
      received: new Map(),
      distrusted: new Set(),
      proving: new Map(),
      proven: new Map(),
      roots: new Map(),
      submitted: new Set(),
      uncles: new Set(),
      dataServed: new Set(),
      sent: new Map(),
      chunksServed: new Set(),
      requested: new Map(),
      fallbacks: new Map(),
      votedRound: -1,
      votes: new Map(),
      certified: new Set(),
    };
    this.work.set(slot, work);
    return work;
  }

  // ---- election ------------------------------------------------------------------------------

  /**
   * Reveals for the next epoch if eligible. The VRF is computed when the reveal window opens;
   * the reveal is sent later the worse its score (within the first half of the window), so the
   * best ranks fill the committee first and a prover that would be cut off sees the cutoff and
   * does not spend gas on a reveal that would revert.
   */
  private async reveal(next: bigint): Promise<void> {
    const epoch = epochAt(this.params.epochClock, next) + 1n;
    const window = revealWindow(this.params.epochClock, this.params.revealWindow, epoch);
    if (next < window.opensAt || next > window.closesAt) return;
    let plan = this.reveals.get(epoch);
    if (plan === undefined) {
      plan = await this.planReveal(epoch, window.opensAt);
      this.reveals.set(epoch, plan);
    }
    if (plan === null || plan.sent || next < plan.at) return;
    plan.sent = true;
    if (plan.rank >= (await this.contracts.election.revealCutoff(epoch))) return;
    const election = this.contracts.election.connect(this.config.wallet);
    const publicKey = encodeG1(publicKeyOf(this.config.secretKey));
    const proof = encodeG2(plan.proof);
    this.outbox.submit(this.address, "election.reveal", () =>
      election.reveal(epoch, publicKey, proof),
    );
  }

  private async planReveal(epoch: bigint, opensAt: bigint): Promise<RevealPlan | null> {
    const ticket = await electionTicket(
      this.contracts.table,
      this.contracts.election,
      this.params.chainId,
      this.address,
      this.config.secretKey,
      epoch,
    );
    if (!ticket.eligible) return null;
    const spread = this.params.revealWindow / 2n;
    const at = opensAt + (ticket.score * spread) / 2n ** SCORE_BITS;
    return { proof: ticket.proof, rank: ticket.rank, at, sent: false };
  }

  // ---- proving -------------------------------------------------------------------------------

  /**
   * Starts proving every node whose inputs are in, and sends what is done. The first holder of a
   * node (the first P under rankedProofs) starts at once; a backup holder starts only if no
   * output of the node from a better holder has arrived `fallbackPatience` blocks after its
   * inputs were ready (for a root: nor the tree was proven on chain).
   */
  private async prove(work: BlockWork, view: BlockView, now: bigint): Promise<void> {
    // Work goes on after finality: every root proof inside the window earns rewards.
    if (now + 1n > proofWindow(this.params.slotClock, work.slot).closesAt) return;
    const { leafCount } = work;
    for (const [node, position] of work.mine) {
      const doneAt = work.proving.get(node);
      if (doneAt === undefined) {
        const ready =
          node >= leafCount
            ? work.data !== undefined
            : this.chooseInput(work, node, 2 * node, now) &&
              this.chooseInput(work, node, 2 * node + 1, now);
        if (!ready) continue;
        if (position.rank >= this.primaries) {
          const readyAt = work.readyAt.get(node) ?? now;
          work.readyAt.set(node, readyAt);
          if (now < readyAt + this.config.fallbackPatience) continue;
          if (this.betterDone(work, view, node, position)) continue;
        }
        work.proving.set(node, now + BigInt(this.config.provingTime));
      } else if (doneAt <= now && !work.proven.has(node)) {
        await this.finish(work, node, now);
      }
    }
    this.coverRoot(work, view, now);
  }

  /**
   * Root fallback: if no root of the block is proven on chain by `fallbackAt(1)`, a holder of
   * one of the root's children proves the root itself (pulling the other child like any
   * fallback), a holder one level further down one step later, and so on, then members that
   * hold nothing (computing the whole tree from the data); it files the root as
   * its tree's first root with NONE at the root, where the policy's root check takes that
   * (striped trees and siblingCover; vrfPath, sortedRounds and rankedProofs require a member).
   */
  private coverRoot(work: BlockWork, view: BlockView, now: bigint): void {
    if (work.rootCovered || view.provenTrees.size > 0 || view.status !== BlockStatus.Proposed) {
      return;
    }
    if (this.fault("withhold")) return;
    // The members closest to the root go first: the holders of node 2 or 3 at fallbackAt(1),
    // each level further down one step later (its ancestors' holders may all be silent too).
    // A member that holds no node of the block (siblingCover gives work to L members only)
    // comes after every level, in committee order, one fallbackPatience apart.
    if (work.dataAt === undefined) return;
    let highest: number | undefined;
    for (const node of work.proven.keys()) {
      if (node > 1 && (highest === undefined || depthOf(node) < depthOf(highest))) highest = node;
    }
    if (highest === undefined && work.mine.size > 0) return;
    const step = BigInt(this.config.provingTime) + 2n * this.config.fallbackPatience;
    const wait =
      highest !== undefined
        ? BigInt(depthOf(highest) - 1) * step
        : BigInt(Math.log2(work.leafCount)) * step + BigInt(work.me) * this.config.fallbackPatience;
    if (now < this.fallbackAt(work, 1) + wait) return;
    const tree = highest !== undefined ? work.mine.get(highest)!.tree : 0;
    if (work.roots.has(tree)) return;
    const root = this.fallbackInput(work, 1, now);
    if (root === undefined) return;
    work.rootCovered = true;
    const record = this.rules.encodeRecord(work.block, tree, root.provenance);
    try {
      this.rules.checkRoot(work.block, tree, record);
    } catch (error) {
      if (error instanceof PolicyError) return;
      throw error;
    }
    const signatures = this.signaturesFor(work, record, root.signatures);
    if (signatures !== undefined)
      work.roots.set(tree, { record, rank: 0, signatures, covered: true });
  }

  /** Whether a holder ranked before me has delivered `node` (or the root's tree is proven). */
  private betterDone(work: BlockWork, view: BlockView, node: number, at: Position): boolean {
    if (node === 1 && view.provenTrees.size > 0) {
      if (this.rules.competingRoots || view.provenTrees.has(at.tree)) return true;
    }
    return this.holdersOf(work, at.tree, node)
      .slice(0, at.rank)
      .some((h) => this.usable(work, node, h.member) !== undefined);
  }

  private usable(work: BlockWork, node: number, member: number): ChunkMessage | undefined {
    const key = `${node}:${member}`;
    if (work.distrusted.has(key)) return undefined;
    const message = work.received.get(key);
    // Every signature the message brings for the subtree below must hold, or no root above it
    // can be attested. Checked once the block's data is here (the outputs come from it).
    if (message !== undefined && work.data !== undefined && !this.attested(work, message)) {
      work.distrusted.add(key);
      return undefined;
    }
    return message;
  }

  /** Whether every (node, credit) signature of `message` is that member's over the node's output. */
  private attested(work: BlockWork, message: ChunkMessage): boolean {
    const outputOf = this.outputsOf(work);
    for (const [key, signature] of message.signatures) {
      const [node, credit] = key.split(":").map(Number);
      const member = work.committee[credit];
      if (member === undefined || node < 1 || node >= 2 * work.leafCount) return false;
      const signer = chunkSignerOf(this.chunkDomain(), outputOf(node), signature);
      if (signer !== member.toLowerCase()) return false;
    }
    return true;
  }

  /** The honest chunk outputs of the block (from its data), computed once. */
  private outputsOf(work: BlockWork): (node: number) => ChunkOutput {
    work.outputs ??= blockChunkOutputs(work.slot, work.data!.leafInputs);
    return work.outputs;
  }

  private chunkDomain() {
    return chunkOutputDomain(this.params.chainId, this.params.addresses.lifecycle);
  }

  /**
   * Picks the output of `child` that my `node` uses, if one is usable at `now`: the first holder
   * of the child in my tree (once all of the first P have arrived, under rankedProofs); else,
   * once those are late (asked once, and past {@link lateHolderDeadline}), any holder's in
   * preference order (first tree's first); else, past {@link fallbackAt}, my fallback output.
   */
  private chooseInput(work: BlockWork, node: number, child: number, now: bigint): boolean {
    if (work.inputs.has(child)) return true;
    const tree = work.mine.get(node)!.tree;
    const order = this.allHolders(work, child, tree);
    const preferred = this.holdersOf(work, tree, child).slice(0, this.primaries);
    let chosen = preferred.every((h) => this.usable(work, child, h.member) !== undefined)
      ? this.usable(work, child, order[0])
      : undefined;
    const since = work.firstSeen.get(child);
    const patience = this.config.fallbackPatience;
    if (chosen === undefined && since !== undefined && now >= since + patience) {
      // The preferred holders are late: ask them once (their output may have been lost), and
      // use another tree's holder only if that brings nothing within `fallbackPatience`.
      const asked = work.requested.get(child);
      if (asked === undefined) this.requestChunk(work, child, now);
      else if (now >= asked.at + patience && now >= this.lateHolderDeadline(work, child)) {
        for (let i = 0; i < order.length && chosen === undefined; i++) {
          chosen = this.usable(work, child, order[i]);
        }
      }
    }
    chosen ??= this.fallbackInput(work, child, now);
    if (chosen === undefined) return false;
    work.inputs.set(child, chosen);
    return true;
  }

  /**
   * Until when a parent waits for a preferred holder of `child` before it uses another tree's
   * output: `dataPatience` after the block's publication (a holder that missed the data has asked
   * its peers by then), then `provingTime + 2 * fallbackPatience` per level up to the child (the
   * data's answer, proving, sending; a holder below may itself have waited as long). A late
   * holder keeps its credit; the cost is latency, and only when a holder is late.
   */
  private lateHolderDeadline(work: BlockWork, child: number): bigint {
    const publishedAt = this.blocks.get(work.slot)?.publishedAt || work.dataAt || 0n;
    return publishedAt + this.dataPatience + this.levelSteps(work, child);
  }

  /** `(height + 1) * (provingTime + 2 * fallbackPatience)` for `node` (a leaf: one step). */
  private levelSteps(work: BlockWork, node: number): bigint {
    const height = BigInt(Math.log2(work.leafCount) - depthOf(node));
    const step = BigInt(this.config.provingTime) + 2n * this.config.fallbackPatience;
    return (height + 1n) * step;
  }

  // ---- fallback work -------------------------------------------------------------------------

  /**
   * When I stop waiting for `node`'s holders and ask them for its output: one `fallbackPatience`
   * after a parent would use another tree's holder ({@link lateHolderDeadline}). Deterministic
   * from the assignment: the members who need the node are its parent's holders, each in its
   * own tree, and each of them covers only nodes below its own.
   */
  private fallbackAt(work: BlockWork, node: number): bigint {
    return this.lateHolderDeadline(work, node) + this.config.fallbackPatience;
  }

  private get dataPatience(): bigint {
    return this.config.dataPatience ?? DEFAULT_DATA_PATIENCE;
  }

  /**
   * The output of `node` once none of its holders delivered it (fallback work): from
   * `fallbackAt(node)` on, I ask the node's holders for it (a message may have been lost); if
   * none answers within `fallbackPatience`, I prove the node myself from its inputs (its
   * children's outputs, pulled the same way, or my own fallbacks below), which takes
   * `provingTime`. My records credit such a node NONE: fallback work is unpaid under every
   * policy (a member that covers a node does so to get the block, and its own positions above,
   * proven). Fallback outputs are never sent, so they sign nothing.
   */
  private fallbackInput(work: BlockWork, node: number, now: bigint): ChunkMessage | undefined {
    const done = work.fallbacks.get(node);
    if (done !== undefined) return done.doneAt <= now ? done.message : undefined;
    const own = work.proven.get(node);
    if (own !== undefined) return own;
    if (work.data === undefined || work.dataAt === undefined) return undefined;
    if (now < this.fallbackAt(work, node)) return undefined;
    const held = this.anyHolderOutput(work, node);
    if (held !== undefined) return held;
    // Asked twice, `fallbackPatience` apart (a request or its answer may be lost), before I
    // prove the node myself.
    const asked = work.requested.get(node);
    if (
      asked === undefined ||
      (asked.times < FALLBACK_ASKS && now >= asked.at + this.config.fallbackPatience)
    ) {
      this.requestChunk(work, node, now);
      return undefined;
    }
    if (now < asked.at + this.config.fallbackPatience) return undefined;
    const inputs: ChunkMessage[] = [];
    if (node < work.leafCount) {
      for (const child of [2 * node, 2 * node + 1]) {
        const input = this.fallbackInput(work, child, now);
        if (input !== undefined) inputs.push(input);
      }
      if (inputs.length < 2) return undefined;
    }
    const message = this.fallbackMessage(work, node, inputs);
    work.fallbacks.set(node, { doneAt: now + BigInt(this.config.provingTime), message });
    this.computed.push({ slot: work.slot, node, member: work.me });
    this.fallbackChunks++;
    return this.config.provingTime === 0 ? message : undefined;
  }

  /** The first usable output of `node` from any of its holders, in tree order. */
  private anyHolderOutput(work: BlockWork, node: number): ChunkMessage | undefined {
    for (const member of this.allHolders(work, node)) {
      const message = this.usable(work, node, member);
      if (message !== undefined) return message;
    }
    return undefined;
  }

  /** Asks every holder of `node` (every tree) for its output. */
  private requestChunk(work: BlockWork, node: number, now: bigint): void {
    work.requested.set(node, { at: now, times: (work.requested.get(node)?.times ?? 0) + 1 });
    const request: ChunkRequestMessage = {
      kind: "chunkRequest",
      slot: work.slot,
      node,
      member: work.me,
    };
    for (const member of this.allHolders(work, node)) {
      if (member !== work.me) this.transport.send(this.address, work.committee[member], request);
    }
  }

  /**
   * My fallback output of `node` from `inputs` (the children's outputs; none for a leaf): the
   * node credits NONE, and its children keep the credits (and the signatures) of the holders
   * whose outputs they are.
   */
  private fallbackMessage(work: BlockWork, node: number, inputs: ChunkMessage[]): ChunkMessage {
    const leaf = node >= work.leafCount;
    const left = leaf ? work.data!.leafInputs[node - work.leafCount] : inputs[0].output.output;
    const right = leaf ? ZeroHash : inputs[1].output.output;
    const provenance = new Map<number, readonly number[]>([[node, [NONE]]]);
    const signatures = new Map<string, CompactSignature>();
    inputs.forEach((input, i) => {
      const child = 2 * node + i;
      for (const [n, credits] of input.provenance) provenance.set(n, credits);
      for (const [k, sig] of input.signatures) signatures.set(k, sig);
      if (this.isFallback(work, child, input)) return;
      const credit = this.allCredits(work, child).get(input.member)!;
      provenance.set(child, [credit]);
      signatures.set(`${child}:${credit}`, input.signature);
    });
    return {
      kind: "chunk",
      output: {
        slot: work.slot,
        node: BigInt(node),
        left,
        right,
        output: standInChunkOutput(work.slot, node, left, right),
      },
      signature: { r: ZeroHash, vs: ZeroHash },
      member: work.me,
      provenance,
      signatures,
    };
  }

  /**
   * When my node is done, uses the output of `child` that my tree prefers if it has arrived
   * while I was proving, in place of a cover holder's or my fallback output: honest outputs are
   * equal, so the proof is the same, and a holder that was late, not silent, keeps its credit.
   */
  private preferHolder(work: BlockWork, node: number, child: number): void {
    const input = work.inputs.get(child)!;
    const { tree } = work.mine.get(node)!;
    const fallback = this.isFallback(work, child, input);
    const order = fallback
      ? this.allHolders(work, child, tree)
      : [this.holdersOf(work, tree, child)[0]?.member];
    for (const member of order) {
      if (member === undefined || member === input.member) {
        if (!fallback) return;
        continue;
      }
      const held = this.usable(work, child, member);
      if (held !== undefined && held.output.output === input.output.output) {
        work.inputs.set(child, held);
        return;
      }
    }
  }

  private isFallback(work: BlockWork, node: number, message: ChunkMessage): boolean {
    return work.fallbacks.get(node)?.message === message;
  }

  /**
   * The credit bytes a node records for `child`: the chosen output's holder, or under
   * rankedProofs every distinct holder whose valid output arrived (at most P, best ranked
   * first), in increasing order.
   */
  private childCredits(work: BlockWork, tree: number, child: number): number[] {
    const holders = this.holdersOf(work, tree, child);
    const creditOf = (member: number) =>
      holders.find((h) => h.member === member)?.credit ?? this.allCredits(work, child).get(member)!;
    const input = work.inputs.get(child)!;
    if (this.isFallback(work, child, input)) return [NONE];
    if (this.rules.proofsPerNode === 1) return [creditOf(input.member)];
    const credits = this.allHolders(work, child, tree)
      .filter((member) => this.usable(work, child, member) !== undefined)
      .slice(0, this.primaries)
      .map(creditOf);
    return [...new Set(credits)].sort((a, b) => a - b);
  }

  private allCredits(work: BlockWork, node: number): Map<number, number> {
    const credits = new Map<number, number>();
    for (let t = work.c - 1; t >= 0; t--) {
      for (const h of this.holdersOf(work, t, node)) credits.set(h.member, h.credit);
    }
    return credits;
  }

  /** A node is proven: record it, and send it to its parents or queue the root proof. */
  private async finish(work: BlockWork, node: number, now: bigint): Promise<void> {
    const { slot, leafCount, me } = work;
    const { tree } = work.mine.get(node)!;
    const leaf = node >= leafCount;
    if (!leaf) for (const child of [2 * node, 2 * node + 1]) this.preferHolder(work, node, child);
    const left = leaf
      ? work.data!.leafInputs[node - leafCount]
      : work.inputs.get(2 * node)!.output.output;
    const right = leaf ? ZeroHash : work.inputs.get(2 * node + 1)!.output.output;
    const mine = this.holdersOf(work, tree, node).find((h) => h.member === me)!.credit;
    const provenance = new Map<number, readonly number[]>([[node, [mine]]]);
    const signatures = new Map<string, CompactSignature>();
    if (!leaf) {
      for (const child of [2 * node, 2 * node + 1]) {
        const input = work.inputs.get(child)!;
        for (const [n, credits] of input.provenance) provenance.set(n, credits);
        for (const [k, sig] of input.signatures) signatures.set(k, sig);
        const credits = this.childCredits(work, tree, child);
        provenance.set(child, credits);
        for (const credit of credits) {
          const used = work.received.get(`${child}:${credit}`);
          if (used !== undefined) signatures.set(`${child}:${credit}`, used.signature);
        }
      }
    }
    const output: ChunkOutput = {
      slot,
      node: BigInt(node),
      left,
      right,
      output: standInChunkOutput(slot, node, left, right),
    };
    const domain = this.chunkDomain();
    const signature = await signChunkOutput(this.config.wallet, domain, output);
    if (mine === me) signatures.set(`${node}:${me}`, signature);
    const honest: ChunkMessage = {
      kind: "chunk",
      output,
      signature,
      member: me,
      provenance,
      signatures,
    };
    work.proven.set(node, honest);
    this.chunksProven++;
    this.computed.push({ slot, node, member: me });
    if (this.fault("withhold")) return;
    if (node === 1) {
      work.rootDoneAt = now;
      this.recordRoots(work, provenance, signatures);
      return;
    }
    const sent: ChunkMessage[] = [honest];
    if (this.fault("wrongOutput")) {
      const wrong = { ...output, output: keccak256(output.output) };
      sent[0] = {
        ...honest,
        output: wrong,
        signature: await signChunkOutput(this.config.wallet, domain, wrong),
      };
    } else if (this.fault("doubleSign")) {
      const left2 = keccak256(left);
      const other = {
        ...output,
        left: left2,
        output: standInChunkOutput(slot, node, left2, right),
      };
      sent.push({
        ...honest,
        output: other,
        signature: await signChunkOutput(this.config.wallet, domain, other),
      });
    }
    work.sent.set(node, sent);
    this.sendToParents(work, node, sent);
  }

  /**
   * The root records I may submit: under rankedProofs one competing root, its tree index my
   * position among the root's holders (if below the tree count); otherwise one per tree whose
   * root I hold and whose root check my record passes (a striped cover's record names the wrong
   * root prover and would revert).
   */
  private recordRoots(
    work: BlockWork,
    provenance: ReadonlyMap<number, readonly number[]>,
    signed: ReadonlyMap<string, CompactSignature>,
  ): void {
    const { block } = work;
    if (this.rules.competingRoots) {
      const position = this.holdersOf(work, 0, 1).findIndex((h) => h.member === work.me);
      if (position < 0 || position >= work.c) return;
      const record = this.rules.encodeRecord(block, position, provenance);
      const signatures = this.signaturesFor(work, record, signed);
      if (signatures !== undefined) work.roots.set(position, { record, rank: 0, signatures });
      return;
    }
    for (let t = 0; t < work.c; t++) {
      const rank = this.holdersOf(work, t, 1).findIndex((h) => h.member === work.me);
      if (rank < 0) continue;
      const credits = new Map(provenance);
      credits.set(1, [this.holdersOf(work, t, 1)[rank].credit]);
      const record = this.rules.encodeRecord(block, t, credits);
      try {
        this.rules.checkRoot(block, t, record);
      } catch (error) {
        if (error instanceof PolicyError) continue;
        throw error;
      }
      const signatures = this.signaturesFor(work, record, signed);
      if (signatures !== undefined) work.roots.set(t, { record, rank, signatures });
    }
  }

  /**
   * The signatures a root proof of `record` carries, in the verifier's order, from `signed`
   * (`node:credit` -> signature); undefined if one is missing or does not hold (the record could
   * not be attested, so it is not filed; counted in `unattestedRoots`).
   */
  private signaturesFor(
    work: BlockWork,
    record: Uint8Array,
    signed: ReadonlyMap<string, CompactSignature>,
    count = true,
  ): CompactSignature[] | undefined {
    if (work.data === undefined) return undefined;
    const outputOf = this.outputsOf(work);
    const out: CompactSignature[] = [];
    for (const { index, node, signer } of attestedPositions(
      record,
      work.leafCount,
      work.committee,
      work.block.proposer,
    )) {
      const signature = signed.get(`${node}:${record[index]}`);
      if (
        signature === undefined ||
        chunkSignerOf(this.chunkDomain(), outputOf(node), signature) !== signer.toLowerCase()
      ) {
        if (count) this.unattestedRoots++;
        return undefined;
      }
      out.push(signature);
    }
    return out;
  }

  /** The stand-in root proof of `record` for `tree`, sent by me. */
  private rootProofOf(
    work: BlockWork,
    view: BlockView,
    tree: number,
    record: Uint8Array,
    signatures: readonly CompactSignature[],
  ): string {
    const domain = { chainId: this.params.chainId, lifecycle: this.params.addresses.lifecycle };
    return standInRootProof(domain, view.header, tree, record, this.address, {
      committee: work.committee,
      leafInputs: work.data!.leafInputs,
      signatures,
    }).proof;
  }

  /**
   * Sends a node's output to every holder of its parent in every tree, and to the backup holders
   * of the node itself (so that they need not duplicate it).
   */
  private sendToParents(work: BlockWork, node: number, messages: readonly ChunkMessage[]): void {
    const parents = this.allHolders(work, node >> 1);
    const backups = this.allHolders(work, node).filter(
      (member) =>
        member !== work.me && !parents.includes(member) && this.isBackup(work, member, node),
    );
    for (const parent of [...parents, ...backups]) {
      for (const message of messages) {
        if (parent === work.me) this.takeChunk(work, message);
        else this.transport.send(this.address, work.committee[parent], message);
      }
    }
  }

  /** Whether `member` holds `node` only as a backup (in no tree among the first holders). */
  private isBackup(work: BlockWork, member: number, node: number): boolean {
    for (let t = 0; t < work.c; t++) {
      const rank = this.holdersOf(work, t, node).findIndex((h) => h.member === member);
      if (rank >= 0 && rank < this.primaries) return false;
    }
    return true;
  }

  /**
   * Submits my root records once the parent is final: the first holder of a tree's root at once,
   * a backup holder only if the tree is still unproven `fallbackPatience` blocks after its root
   * was done (so that two roots of one tree rarely race into TreeAlreadyProven).
   */
  private submitRoots(work: BlockWork, view: BlockView, now: bigint, next: bigint): void {
    if (work.roots.size === 0 || view.publishedAt === 0n) return;
    const parent = this.blocks.get(view.header.parent);
    const parentFinal = view.header.parent === 0n || parent?.status === BlockStatus.Final;
    if (!parentFinal && view.status !== BlockStatus.Final) return;
    if (next > proofWindow(this.params.slotClock, work.slot).closesAt) return;
    const lifecycle = this.contracts.lifecycle.connect(this.config.wallet);
    for (const [tree, { record, rank, signatures, covered }] of work.roots) {
      if (work.submitted.has(tree)) continue;
      if (covered && view.provenTrees.size > 0) continue;
      if (view.provenTrees.has(tree)) {
        this.submitAdditionalRoot(work, view, tree, record, rank, signatures);
        continue;
      }
      if (rank > 0 && now < (work.rootDoneAt ?? now) + this.config.fallbackPatience) continue;
      work.submitted.add(tree);
      const proof = this.rootProofOf(work, view, tree, record, signatures);
      const first = view.status === BlockStatus.Proposed && view.provenTrees.size === 0;
      this.outbox.submit(
        this.address,
        first ? "proof.submitRoot.first" : "proof.submitRoot.secondTree",
        () => lifecycle.submitRootProof(work.slot, tree, record, proof),
      );
    }
  }

  /**
   * The `raceRoots` fault: files the first root of every tree of a published, unproven block as
   * soon as it can, with a record that leaves out my victim (see {@link ProverBehavior}).
   * Records are attested, so it can credit only whom it holds a signature of: itself (it signs
   * its own outputs of the nodes it holds, computed from the data at once) and any holder whose
   * signed output reached it, directly or inside a subtree; every other node is NONE. Trees whose
   * root it cannot attest, and records the policy's root check refuses, wait for later blocks.
   */
  private async raceRoots(work: BlockWork, view: BlockView): Promise<void> {
    if (work.raced || view.publishedAt === 0n || view.status !== BlockStatus.Proposed) return;
    if (work.data === undefined) return;
    const victim = (work.me + 1) % work.m;
    const lifecycle = this.contracts.lifecycle.connect(this.config.wallet);
    const stride = 2 * work.leafCount - 1;
    const outputOf = this.outputsOf(work);
    const signed = new Map<string, CompactSignature>();
    for (const [key, message] of work.received) {
      signed.set(key, message.signature);
      for (const [k, sig] of message.signatures) signed.set(k, sig);
    }
    for (let t = 0; t < work.c; t++) {
      if (view.provenTrees.has(t)) continue;
      const credits = new Map<number, number[]>();
      for (let node = 1; node <= stride; node++) {
        const holders = this.holdersOf(work, t, node).filter(
          (h) => h.member !== victim || node === 1,
        );
        const chosen: number[] = [];
        for (const h of holders.slice(0, this.primaries)) {
          if (h.member === work.me && !signed.has(`${node}:${h.credit}`)) {
            const domain = this.chunkDomain();
            signed.set(
              `${node}:${h.credit}`,
              await signChunkOutput(this.config.wallet, domain, outputOf(node)),
            );
          }
          if (signed.has(`${node}:${h.credit}`)) chosen.push(h.credit);
        }
        // The root: if no holder's signature is at hand, myself (where the policy's root check
        // allows any member there, as vrfPath's does).
        if (node === 1 && chosen.length === 0) {
          if (!signed.has(`1:${work.me}`)) {
            const domain = this.chunkDomain();
            signed.set(
              `1:${work.me}`,
              await signChunkOutput(this.config.wallet, domain, outputOf(1)),
            );
          }
          chosen.push(work.me);
        }
        if (chosen.length > 0) credits.set(node, chosen);
      }
      let record: Uint8Array;
      try {
        record = this.rules.encodeRecord(work.block, t, credits);
        this.rules.checkRoot(work.block, t, record);
      } catch (error) {
        if (error instanceof PolicyError) continue;
        throw error;
      }
      const signatures = this.signaturesFor(work, record, signed, false);
      if (signatures === undefined) continue;
      work.raced = true;
      const proof = this.rootProofOf(work, view, t, record, signatures);
      this.outbox.submit(this.address, "proof.submitRoot.race", () =>
        lifecycle.submitRootProof(work.slot, t, record, proof),
      );
    }
  }

  /**
   * Every valid root counts: when someone else's root of a tree whose root I hold first landed
   * with a record other than mine (a sequencer or a racing member crediting others), I file my
   * own, once (`submitAdditionalRoot`; settlement pays the tree by the root prover's record).
   */
  private submitAdditionalRoot(
    work: BlockWork,
    view: BlockView,
    tree: number,
    record: Uint8Array,
    rank: number,
    signatures: readonly CompactSignature[],
  ): void {
    if (rank > 0 || this.rules.competingRoots || view.status !== BlockStatus.Final) return;
    if (record[0] !== work.me) return;
    const accepted = view.roots.get(tree) ?? [];
    const mine = hexlify(record).toLowerCase();
    const me = this.address.toLowerCase();
    if (accepted.some((r) => r.record === mine || r.submitter.toLowerCase() === me)) return;
    work.submitted.add(tree);
    const proof = this.rootProofOf(work, view, tree, record, signatures);
    const lifecycle = this.contracts.lifecycle.connect(this.config.wallet);
    const committee = [...work.committee];
    this.outbox.submit(this.address, "proof.submitRoot.additional", () =>
      lifecycle.submitAdditionalRoot(work.slot, tree, record, proof, committee),
    );
  }

  /**
   * siblingCover's uncle rewards: once the block is final and inside its window, claims every
   * node I proved as its assigned prover or sibling whose output the final record credits to
   * someone else.
   */
  private async claimUncles(work: BlockWork, view: BlockView, next: bigint): Promise<void> {
    if (!this.rules.uncleRewards || view.status !== BlockStatus.Final) return;
    if (view.finalRecord === undefined || this.fault("withhold")) return;
    if (next > proofWindow(this.params.slotClock, work.slot).closesAt) return;
    const record = getBytes(view.finalRecord);
    const policy = ISiblingCoverPolicy__factory.connect(
      this.params.addresses.policy,
      this.config.wallet,
    );
    const rewards = this.params.addresses.rewards;
    const domain = { chainId: this.params.chainId, lifecycle: this.params.addresses.lifecycle };
    const claims: number[] = [];
    let myCredit: number | undefined;
    for (const node of work.proven.keys()) {
      if (work.uncles.has(node)) continue;
      work.uncles.add(node);
      const mine = this.holdersOf(work, 0, node).find((h) => h.member === work.me);
      if (mine === undefined || record[node - 1] === mine.credit) continue;
      myCredit = mine.credit;
      claims.push(node);
    }
    if (claims.length === 0) return;
    // Past the block's budget a claim pays nothing but still shows my work: send one then, and
    // only if no accepted record credits me (else the records already count me as active).
    this.policyRewardBudget ??= await this.contracts.rewards.policyRewardBudget();
    const paid = await this.contracts.rewards.policyRewardPaid(work.slot);
    if (paid >= this.policyRewardBudget) {
      const credited = [...view.roots.values()]
        .flat()
        .some((r) => myCredit !== undefined && getBytes(r.record).includes(myCredit));
      claims.splice(credited ? 0 : 1);
    }
    for (const node of claims) {
      // The inputs bind the chain, the lifecycle, the block commitment, the node and me; the
      // proof carries my signature over the node's output.
      const mineOutput = work.proven.get(node)!;
      if (work.data === undefined) continue;
      const proof = standInNodeProof(
        domain,
        view.header,
        node,
        this.address,
        work.data.leafInputs,
        mineOutput.signature,
      );
      const { slot, me, committee } = work;
      const finalRecord = view.finalRecord;
      this.uncleClaims++;
      this.outbox.submit(this.address, "policy.claimUncle", () =>
        policy.claimUncle(rewards, slot, node, me, committee, finalRecord, proof),
      );
    }
  }

  // ---- timeouts ------------------------------------------------------------------------------

  /** Votes when the data is missing, and posts the certificate of a round it leads. */
  private async timeout(work: BlockWork, view: BlockView, next: bigint): Promise<void> {
    if (view.status !== BlockStatus.Proposed) return;
    const window = timeoutWindow(this.params.slotClock, work.slot, view.publishedAt);
    if (next < window.opensAt || next > window.closesAt) return;
    const f = faultThreshold(work.m, this.params.faultToleranceBps);
    const round = Math.min(f, Number((next - window.opensAt) / BigInt(this.config.roundTimeout)));
    const epochSeed = this.epochs.get(view.epoch)!.seed!;
    const seed = blockSeed(epochSeed, work.slot);
    // A published block's data may be on its way or held by a peer: vote only once the peers
    // were asked and had `dataPatience` blocks to answer.
    const patience = this.dataPatience;
    const asked =
      view.publishedAt === 0n ||
      (work.dataAskedAt !== undefined && this.now >= work.dataAskedAt + patience);
    if (work.data === undefined && asked && round > work.votedRound) {
      work.votedRound = round;
      const domain = timeoutVoteDomain(this.params.chainId, this.params.addresses.lifecycle);
      const vote: VoteMessage = {
        kind: "vote",
        slot: work.slot,
        round,
        member: work.me,
        signature: await signTimeoutVote(this.config.wallet, domain, work.slot, round),
      };
      const leader = leaderIndex(seed, round, work.m);
      if (leader === work.me) this.takeVote(work, vote);
      else this.transport.send(this.address, work.committee[leader], vote);
    }
    if (this.fault("silentLeader")) return;
    for (const [r, votes] of work.votes) {
      if (work.certified.has(r) || votes.size < f + 1) continue;
      if (leaderIndex(seed, r, work.m) !== work.me) continue;
      work.certified.add(r);
      const signers = [...votes.keys()].sort((a, b) => a - b).slice(0, f + 1);
      const signatures: CompactSignature[] = signers.map((i) => votes.get(i)!.signature);
      const lifecycle = this.contracts.lifecycle.connect(this.config.wallet);
      this.outbox.submit(this.address, "timeout.certificate", () =>
        lifecycle.postTimeoutCertificate(
          work.slot,
          r,
          work.committee,
          signerBitmap(signers),
          signatures,
        ),
      );
    }
  }

  // ---- upkeep --------------------------------------------------------------------------------

  /**
   * Whether this client takes a permissionless duty due at L1 block `dueAt` (acting at `now`):
   * the rota hands it to a different prover each block until it is done, so a duty whose prover
   * is down falls to the next one.
   */
  private onDuty(key: bigint, dueAt: bigint, now: bigint): boolean {
    if (now < dueAt) return false;
    const n = BigInt(this.config.rotaSize);
    return Number((key + now - dueAt) % n) === this.config.index;
  }

  private async upkeep(now: bigint, next: bigint): Promise<void> {
    const { epochClock, slotClock, slotsPerEpoch } = this.params;
    // RANDAO: one checkpoint per epoch, in its first block if possible.
    const epoch = epochAt(epochClock, next);
    if (
      !this.checkpointed.has(epoch) &&
      this.onDuty(epoch, epochStartBlock(epochClock, epoch) - 1n, now)
    ) {
      this.checkpointed.add(epoch);
      const table = this.contracts.table.connect(this.config.wallet);
      this.outbox.submit(this.address, "upkeep.checkpointRandao", () => table.checkpointRandao());
    }
    // Pruning: the lowest pending block whose window closed (its descendants go with it).
    let lowest: BlockView | undefined;
    for (const view of this.blocks.values()) {
      if (view.status !== BlockStatus.Proposed) continue;
      if (proofWindow(slotClock, view.slot).closesAt >= next) continue;
      if (lowest === undefined || view.slot < lowest.slot) lowest = view;
    }
    if (lowest !== undefined) {
      const closesAt = proofWindow(slotClock, lowest.slot).closesAt;
      if (this.onDuty(lowest.slot, closesAt, now)) {
        const lifecycle = this.contracts.lifecycle.connect(this.config.wallet);
        const slot = lowest.slot;
        this.outbox.submit(this.address, "block.prune", () => lifecycle.prune(slot));
      }
    }
    // Settlement: the next epoch, once its last proof window has closed.
    const toSettle = this.nextToSettle;
    if (toSettle !== null) {
      const at = settleableAt(slotClock, slotsPerEpoch, toSettle);
      if (this.onDuty(toSettle, at - 1n, now)) {
        const { lifecycle, election } = this.contracts;
        // One part per duty turn (the whole epoch when it fits SETTLEMENT_GAS_BUDGET, else one
        // segment); the epoch is done when EpochSettled arrives.
        const part = await readNextSettlementPart(
          this.contracts.rewards,
          lifecycle,
          election,
          toSettle,
          this.config.fromBlock,
        );
        const rewards = this.contracts.rewards.connect(this.config.wallet);
        this.outbox.submit(this.address, "rewards.settleEpoch", () =>
          rewards.settleEpochPart(part.epoch, part.committee, part.roots, part.segments),
        );
      }
    }
    // Inactivity slashes owed after a settlement.
    for (const [member, recordedAt] of this.inactive) {
      if (this.slashedOut.has(member)) {
        this.inactive.delete(member); // nothing left to slash
        continue;
      }
      if (this.onDuty(BigInt(member), recordedAt, now)) {
        this.inactive.delete(member);
        const rewards = this.contracts.rewards.connect(this.config.wallet);
        this.outbox.submit(this.address, "slash.inactivity", () => rewards.slashInactive(member));
      }
    }
  }

  /** Starts settlement from `nextEpoch` (read once from the rewards contract at start-up). */
  startSettlingAt(nextEpoch: bigint): void {
    this.nextToSettle = nextEpoch;
  }

  /** The slot of L1 block `l1Block`, for behaviours keyed on slots. */
  slotOf(l1Block: bigint): bigint {
    return slotAt(this.params.slotClock, l1Block);
  }
}
