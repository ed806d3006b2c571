/**
 * What prover clients and sequencers send each other off-chain. Channels are point to point and
 * authenticated (`from` is the sending operator); the network model in `src/sim/network.ts`
 * delays or drops messages, it never forges them. Chunk outputs and timeout votes also carry the
 * operator's EIP-712 signature, because they are evidence on L1: a vote counts in a timeout
 * certificate, and a wrong or doubly signed chunk output is slashable.
 */
import type { ChunkOutput } from "../protocol/chunks.js";
import type { CompactSignature } from "../protocol/lifecycle.js";

/** A block's data as the sequencer distributes it (stands in for the DA layer). */
export interface BlockData {
  slot: bigint;
  /** The block's `txCommitment`: keccak256 of the ABI-encoded leaf inputs. */
  txCommitment: string;
  /** Chunk `i`'s transaction commitment: the input of leaf `L + i`. */
  leafInputs: string[];
}

/** The sequencer's data for a block, sent to each committee member. */
export interface DataMessage {
  kind: "data";
  data: BlockData;
}

/**
 * A proven chunk: the signed output of heap node `output.node` of `output.slot`'s block, sent by
 * the member assigned to it in some tree to the members assigned to its parent in every tree.
 * `provenance` says whose outputs every node of the subtree under it used (node -> the record's
 * credit bytes for it); the root's provenance is the tree's record.
 */
export interface ChunkMessage {
  kind: "chunk";
  output: ChunkOutput;
  signature: CompactSignature;
  /** The sender's committee index. */
  member: number;
  provenance: ReadonlyMap<number, readonly number[]>;
  /**
   * The attestations of the subtree: for each `node:credit` of `provenance` naming a member
   * (and this node's own), that member's signature over the node's output. A root proof carries
   * them (attested participation, `StandInProofVerifier`).
   */
  signatures: ReadonlyMap<string, CompactSignature>;
}

/** A timeout vote for `slot` in leader round `round`, sent to that round's leader. */
export interface VoteMessage {
  kind: "vote";
  slot: bigint;
  round: number;
  /** The voter's committee index. */
  member: number;
  signature: CompactSignature;
}

/**
 * A committee member that has not received a published block's data asks the other members for
 * it before it votes to time the block out; a member that has the data sends it back (a
 * `DataMessage`, checked against the block's `txCommitment` like the sequencer's).
 */
export interface DataRequestMessage {
  kind: "dataRequest";
  slot: bigint;
  /** The asking member's committee index: the data goes to that member. */
  member: number;
}

/**
 * A member that needs the output of `node` and has not received it from any holder (it is about
 * to prove the node, or one above it, as a fallback) asks the node's holders for it; a holder
 * that sent its output sends the same message again to the asking member.
 */
export interface ChunkRequestMessage {
  kind: "chunkRequest";
  slot: bigint;
  /** The heap node whose output is wanted. */
  node: number;
  /** The asking member's committee index: the output goes to that member. */
  member: number;
}

export type Message =
  | DataMessage
  | ChunkMessage
  | VoteMessage
  | DataRequestMessage
  | ChunkRequestMessage;

/** Messages that sign nothing and may be repeated (requests). */
export type RequestMessage = DataRequestMessage | ChunkRequestMessage;

/** Whether `message` is a request (signs nothing, may be repeated). */
export function isRequest(message: Message): message is RequestMessage {
  return message.kind === "dataRequest" || message.kind === "chunkRequest";
}

/** The slot of the block `message` is about. */
export function slotOfMessage(message: Message): bigint {
  if (message.kind === "data") return message.data.slot;
  if (message.kind === "chunk") return message.output.slot;
  return message.slot;
}

/** How a client sends: point to point, by operator address. */
export interface Transport {
  send(from: string, to: string, message: Message): void;
}
