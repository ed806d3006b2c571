/**
 * The prover network's off-chain transport between processes: libp2p over TCP, encrypted and
 * authenticated with Noise, multiplexed with yamux, on 127.0.0.1 or any listen address. It
 * implements the clients' `Transport`, so the same client code runs over it and over the
 * simulator's in-process network.
 *
 * - **Peer records.** An operator announces `{operator, peerId, addrs, chainId, seq}` signed by
 *   its operator key (EIP-191). A record is accepted only if its signature recovers `operator`,
 *   it is for this chain, and its `seq` is newer than the one held. Chosen over a DHT because the
 *   committee is known on L1: members look each other up by operator address, and a record
 *   signed by the staked key cannot be forged by a peer, while a DHT entry would still need the
 *   same signature to be trusted.
 * - **Messages.** Each message travels in an envelope `{from, to, chainId, message}` signed by
 *   the sender's operator key over all four fields, so a peer cannot send as another operator,
 *   replay a message to another recipient or another chain. Envelopes from operators that
 *   `isMember` refuses, with a bad signature, for another recipient or chain, or that do not
 *   decode to a message (`codec.ts`) are dropped and counted.
 */
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import { AbiCoder, getAddress, keccak256, toUtf8Bytes, verifyMessage, type Wallet } from "ethers";
import { createLibp2p, type Libp2p } from "libp2p";
import { z } from "zod";

import type { Message, Transport } from "../client/messages.js";
import { decodeMessage, encodeMessage } from "./codec.js";

/** The libp2p protocol id of one message envelope per stream. */
export const MESSAGE_PROTOCOL = "/provernet/message/1.0.0";
/** The largest envelope accepted, in bytes. */
export const MAX_ENVELOPE_BYTES = 8 << 20;

const abi = AbiCoder.defaultAbiCoder();

/** An operator's signed announcement of where its node listens. */
export interface PeerRecord {
  operator: string;
  peerId: string;
  addrs: string[];
  chainId: string;
  seq: number;
  signature: string;
}

const peerRecordSchema = z.object({
  operator: z.string(),
  peerId: z.string().min(1),
  addrs: z.array(z.string()).min(1).max(16),
  chainId: z.string().regex(/^[0-9]+$/),
  seq: z.number().int().min(0),
  signature: z.string(),
});

const envelopeSchema = z.object({
  from: z.string(),
  to: z.string(),
  chainId: z.string().regex(/^[0-9]+$/),
  message: z.string(),
  signature: z.string(),
});

/** The parts of a libp2p stream the receiving side uses. */
type IncomingStream = AsyncIterable<Uint8Array | { subarray(): Uint8Array }> & {
  close?: () => Promise<void>;
  abort?: (error: Error) => void;
};

/** What the transport counted. */
export interface TransportStats {
  sent: number;
  sendErrors: number;
  received: number;
  dropped: Record<"malformed" | "badSignature" | "notMember" | "misaddressed" | "noPeer", number>;
}

function peerRecordDigest(r: Omit<PeerRecord, "signature">): string {
  return keccak256(
    abi.encode(
      ["string", "address", "string", "string[]", "uint256", "uint256"],
      ["PROVERNET_V1_PEER_RECORD", r.operator, r.peerId, r.addrs, BigInt(r.chainId), r.seq],
    ),
  );
}

function envelopeDigest(from: string, to: string, chainId: string, message: string): string {
  return keccak256(
    abi.encode(
      ["string", "address", "address", "uint256", "bytes32"],
      ["PROVERNET_V1_MESSAGE", from, to, BigInt(chainId), keccak256(toUtf8Bytes(message))],
    ),
  );
}

/** Verifies `record` for `chainId`; returns it with a checksummed operator, or throws. */
export function verifyPeerRecord(record: unknown, chainId: bigint): PeerRecord {
  const r = peerRecordSchema.parse(record);
  if (BigInt(r.chainId) !== chainId) throw new Error(`peer record for chain ${r.chainId}`);
  const operator = getAddress(r.operator);
  const signer = verifyMessage(peerRecordDigest({ ...r, operator }), r.signature);
  if (signer !== operator) throw new Error(`peer record of ${operator} signed by ${signer}`);
  return { ...r, operator };
}

export interface Libp2pTransportOptions {
  /** The operator's key: signs its peer record and every envelope it sends. */
  wallet: Wallet;
  chainId: bigint;
  /** Listen addresses (default `/ip4/127.0.0.1/tcp/0`). */
  listen?: string[];
  /** Addresses to announce in the peer record instead of the listen addresses (NAT, proxies). */
  announce?: string[];
  /** Whether an operator may send to this node (committee membership). */
  isMember: (operator: string) => boolean;
  /** Called with every accepted message. */
  onMessage: (from: string, message: Message) => void;
  /**
   * The seq of the first record this node signs is one above this (default 0). A restarted node
   * must start above the seq it announced before, or peers keep its old record; the node passes
   * the seq it stored.
   */
  seqAfter?: number;
}

export class Libp2pTransport implements Transport {
  readonly stats: TransportStats = {
    sent: 0,
    sendErrors: 0,
    received: 0,
    dropped: { malformed: 0, badSignature: 0, notMember: 0, misaddressed: 0, noPeer: 0 },
  };
  private readonly peers = new Map<string, PeerRecord>();
  private readonly operator: string;
  /** The latest send failure's message (for logs). */
  lastSendError: string | undefined;
  private seq: number;
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    private readonly node: Libp2p,
    private readonly options: Libp2pTransportOptions,
  ) {
    this.operator = options.wallet.address;
    this.seq = options.seqAfter ?? 0;
  }

  /** Verified peer records held (other operators). */
  get peerCount(): number {
    return this.peers.size;
  }

  /** The seq of the latest record this node signed. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Starts a node listening on the options' addresses. */
  static async start(options: Libp2pTransportOptions): Promise<Libp2pTransport> {
    const node = await createLibp2p({
      addresses: {
        listen: options.listen ?? ["/ip4/127.0.0.1/tcp/0"],
        ...(options.announce === undefined || options.announce.length === 0
          ? {}
          : { announce: options.announce }),
      },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      // libp2p's defaults refuse more than 5 new connections per second from one host and 10
      // pending upgrades: a committee whose nodes share a host (a devnet on 127.0.0.1, several
      // operators behind one NAT) would see its dials reset. Membership is checked per envelope.
      connectionManager: {
        inboundConnectionThreshold: 10_000,
        maxIncomingPendingConnections: 512,
        maxConnections: 1_024,
      },
    });
    const transport = new Libp2pTransport(node, options);
    await node.handle(MESSAGE_PROTOCOL, (stream) => transport.receive(stream), {
      maxInboundStreams: 1_024,
      maxOutboundStreams: 1_024,
    });
    return transport;
  }

  /** This node's signed peer record (a new `seq` each call). */
  async peerRecord(): Promise<PeerRecord> {
    const unsigned = {
      operator: this.operator,
      peerId: this.node.peerId.toString(),
      addrs: this.node.getMultiaddrs().map((a) => a.toString()),
      chainId: this.options.chainId.toString(),
      seq: ++this.seq,
    };
    const signature = await this.options.wallet.signMessage(peerRecordDigest(unsigned));
    return { ...unsigned, signature };
  }

  /** Accepts another operator's peer record (verified; older records are ignored). */
  addPeer(record: unknown): PeerRecord {
    const r = verifyPeerRecord(record, this.options.chainId);
    const held = this.peers.get(r.operator);
    if (held === undefined || held.seq < r.seq) this.peers.set(r.operator, r);
    return r;
  }

  /** Sends `message` to operator `to` (fire and forget; failures are counted). */
  send(from: string, to: string, message: Message): void {
    if (getAddress(from) !== this.operator)
      throw new Error(`this transport sends as ${this.operator}`);
    const peer = this.peers.get(getAddress(to));
    if (peer === undefined) {
      this.stats.dropped.noPeer++;
      return;
    }
    const task = this.deliver(peer, message).finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  /** Resolves once every send started so far has finished. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async stop(): Promise<void> {
    await this.flush();
    await this.node.stop();
  }

  private async deliver(peer: PeerRecord, message: Message): Promise<void> {
    try {
      const text = encodeMessage(message);
      const chainId = this.options.chainId.toString();
      const signature = await this.options.wallet.signMessage(
        envelopeDigest(this.operator, peer.operator, chainId, text),
      );
      const envelope = JSON.stringify({
        from: this.operator,
        to: peer.operator,
        chainId,
        message: text,
        signature,
      });
      const stream = await this.node.dialProtocol(
        peer.addrs.map((a) => multiaddr(`${a}${a.includes("/p2p/") ? "" : `/p2p/${peer.peerId}`}`)),
        MESSAGE_PROTOCOL,
        { maxOutboundStreams: 1_024 },
      );
      stream.send(toUtf8Bytes(envelope));
      await stream.close();
      this.stats.sent++;
    } catch (error) {
      this.stats.sendErrors++;
      this.lastSendError = error instanceof Error ? error.message : String(error);
    }
  }

  /**
   * Reads one envelope from an incoming stream, then closes the stream's writable end: a libp2p
   * stream is freed only once both ends closed theirs, and the sender's `close` waits for it.
   * (Without this, every message left a half-open stream behind until the per-connection stream
   * limit refused new ones.)
   */
  private async receive(stream: IncomingStream) {
    const parts: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of stream) {
        const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
        size += bytes.length;
        if (size > MAX_ENVELOPE_BYTES) {
          this.stats.dropped.malformed++;
          stream.abort?.(new Error("envelope too large"));
          return;
        }
        parts.push(bytes);
      }
    } catch {
      this.stats.dropped.malformed++;
      return;
    }
    await stream.close?.().catch(() => stream.abort?.(new Error("close failed")));
    this.accept(Buffer.concat(parts).toString("utf8"));
  }

  /** Checks one envelope and hands its message on; exposed for tests of the drop rules. */
  accept(text: string): boolean {
    let envelope: z.infer<typeof envelopeSchema>;
    let message: Message;
    try {
      envelope = envelopeSchema.parse(JSON.parse(text));
      message = decodeMessage(envelope.message);
    } catch {
      this.stats.dropped.malformed++;
      return false;
    }
    let from: string;
    try {
      from = getAddress(envelope.from);
      const digest = envelopeDigest(
        from,
        getAddress(envelope.to),
        envelope.chainId,
        envelope.message,
      );
      if (verifyMessage(digest, envelope.signature) !== from) throw new Error("signer");
    } catch {
      this.stats.dropped.badSignature++;
      return false;
    }
    if (
      getAddress(envelope.to) !== this.operator ||
      BigInt(envelope.chainId) !== this.options.chainId
    ) {
      this.stats.dropped.misaddressed++;
      return false;
    }
    if (!this.options.isMember(from)) {
      this.stats.dropped.notMember++;
      return false;
    }
    this.stats.received++;
    this.options.onMessage(from, message);
    return true;
  }
}
