/**
 * The node's local store (classic-level, in `<dataDir>/store`): every message the node signs and
 * sends — chunk outputs, timeout votes, the sequencer's block data — written *before* it is sent,
 * and the block data it received. After a restart (a crash between signing and sending
 * included) a node must never put out two different signed statements for one key:
 *
 * - chunk: key `(slot, node)` (one output per heap node of a block; the member is the node's own);
 *   the signed statement is the chunk output and its signature;
 * - vote: key `(slot, round)`; the statement is the vote's signature;
 * - data: key `slot`; the statement is the block data as a whole.
 *
 * {@link NodeStore.admit} returns what may go out: the new message if nothing is stored for its
 * key or if it carries the same signed statement (a chunk with more subtree signatures attached
 * is the same statement and replaces the stored copy); otherwise the stored message, and the
 * conflict is counted. {@link GatedTransport} puts every outgoing message through it.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";

import { ClassicLevel } from "classic-level";

import {
  isRequest,
  type BlockData,
  type Message,
  type RequestMessage,
  type Transport,
} from "../client/messages.js";
import { decodeMessage, encodeMessage } from "./codec.js";

/** What {@link NodeStore.admit} decided. */
export interface Admission {
  /** The message to send. */
  send: Message;
  /** Whether a different signed statement was stored for the key (the new one is refused). */
  conflict: boolean;
  /** Whether the store already held this statement (a resend or a grown copy). */
  known: boolean;
}

/** An outgoing message the store keeps: everything but requests, which sign nothing. */
export type StoredMessage = Exclude<Message, RequestMessage>;

/** The store key of an outgoing message. */
export function messageKey(message: StoredMessage): string {
  switch (message.kind) {
    case "chunk":
      return `out:chunk:${message.output.slot}:${message.output.node}`;
    case "vote":
      return `out:vote:${message.slot}:${message.round}`;
    case "data":
      return `out:data:${message.data.slot}`;
  }
}

/** The part of a message that is signed (two messages with equal statements never conflict). */
export function signedStatement(message: StoredMessage): string {
  switch (message.kind) {
    case "chunk": {
      const { slot, node, left, right, output } = message.output;
      return JSON.stringify([
        String(slot),
        String(node),
        left.toLowerCase(),
        right.toLowerCase(),
        output.toLowerCase(),
        message.signature.r.toLowerCase(),
        message.signature.vs.toLowerCase(),
      ]);
    }
    case "vote":
      return JSON.stringify([
        String(message.slot),
        message.round,
        message.signature.r.toLowerCase(),
        message.signature.vs.toLowerCase(),
      ]);
    case "data":
      return JSON.stringify([
        String(message.data.slot),
        message.data.txCommitment.toLowerCase(),
        message.data.leafInputs.map((x) => x.toLowerCase()),
      ]);
  }
}

/** How many subtree signatures a chunk message carries (0 for other kinds). */
function attached(message: Message): number {
  return message.kind === "chunk" ? message.signatures.size : 0;
}

export class NodeStore {
  /** Refused messages: a different signed statement was stored for their key. */
  conflicts = 0;
  /** Statements sent again (the same one was stored: a resend, or re-signed after a restart). */
  resent = 0;
  /** Keys stored before this run (a restart) whose statement was signed again, each counted once. */
  replayed = 0;
  /** Statements stored so far by kind (this run). */
  readonly stored = { chunk: 0, vote: 0, data: 0 };
  private readonly cache = new Map<
    string,
    { statement: string; message: StoredMessage; fromDisk?: boolean }
  >();

  private constructor(private readonly db: ClassicLevel<string, string>) {}

  /** Opens (creating) the store in `dir` and loads its outgoing messages. */
  static async open(dir: string): Promise<NodeStore> {
    await mkdir(dir, { recursive: true });
    const db = new ClassicLevel<string, string>(path.join(dir, "store"), {
      valueEncoding: "utf8",
    });
    await db.open();
    const store = new NodeStore(db);
    for await (const [key, value] of db.iterator({ gte: "out:", lt: "out;" })) {
      const message = decodeMessage(value);
      if (isRequest(message)) continue;
      store.cache.set(key, { statement: signedStatement(message), message, fromDisk: true });
    }
    return store;
  }

  /** Outgoing messages held, by kind. */
  counts(): { chunk: number; vote: number; data: number } {
    const counts = { chunk: 0, vote: 0, data: 0 };
    for (const { message } of this.cache.values()) counts[message.kind]++;
    return counts;
  }

  /** The stored outgoing message for `message`'s key, if any. */
  storedFor(message: StoredMessage): Message | undefined {
    return this.cache.get(messageKey(message))?.message;
  }

  /**
   * Decides what goes out instead of `message` (see the file comment) and, if it is new or
   * grown, writes it durably before returning.
   */
  async admit(message: StoredMessage): Promise<Admission> {
    const key = messageKey(message);
    const statement = signedStatement(message);
    const held = this.cache.get(key);
    if (held !== undefined && held.statement !== statement) {
      this.conflicts++;
      return { send: held.message, conflict: true, known: true };
    }
    if (held !== undefined) this.resent++;
    if (held?.fromDisk === true && held.statement === statement) {
      this.replayed++;
      held.fromDisk = false;
    }
    if (held !== undefined && attached(message) <= attached(held.message)) {
      // Same statement, nothing new attached: send it as it is now (it may carry other
      // provenance for another parent), keep the stored copy.
      return { send: message, conflict: false, known: true };
    }
    const entry = { statement, message };
    this.cache.set(key, entry);
    await this.db.put(key, encodeMessage(message), { sync: true });
    if (held === undefined) this.stored[message.kind]++;
    return { send: message, conflict: false, known: held !== undefined };
  }

  /** Keeps block data received from the sequencer (replayed to the client after a restart). */
  async putReceivedData(data: BlockData): Promise<void> {
    await this.db.put(`in:data:${data.slot}`, encodeMessage({ kind: "data", data }));
  }

  /** Every block data message received and kept. */
  async receivedData(): Promise<Message[]> {
    const out: Message[] = [];
    for await (const value of this.db.values({ gte: "in:data:", lt: "in:data;" })) {
      out.push(decodeMessage(value));
    }
    return out;
  }

  /** A small named value (the peer record's seq, ...). */
  async getMeta(name: string): Promise<string | undefined> {
    return (await this.db.get(`meta:${name}`)) ?? undefined;
  }

  async setMeta(name: string, value: string): Promise<void> {
    await this.db.put(`meta:${name}`, value, { sync: true });
  }

  /** Drops entries of slots below `slot` (their windows are closed; nothing can be re-signed). */
  async prune(slot: bigint): Promise<number> {
    let removed = 0;
    for (const [key, entry] of this.cache) {
      const messageSlot =
        entry.message.kind === "data"
          ? entry.message.data.slot
          : entry.message.kind === "chunk"
            ? entry.message.output.slot
            : entry.message.slot;
      if (messageSlot >= slot) continue;
      this.cache.delete(key);
      await this.db.del(key);
      removed++;
    }
    for await (const [key, value] of this.db.iterator({ gte: "in:data:", lt: "in:data;" })) {
      const message = decodeMessage(value);
      if (message.kind === "data" && message.data.slot < slot) {
        await this.db.del(key);
        removed++;
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/**
 * The clients' {@link Transport} with the store in front: every message is admitted (written
 * before it is sent) and what {@link NodeStore.admit} returns goes out, in order.
 */
export class GatedTransport implements Transport {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: NodeStore,
    private readonly inner: Transport,
    private readonly onConflict: (stored: Message, refused: Message) => void = () => {},
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  send(from: string, to: string, message: Message): void {
    this.chain = this.chain.then(async () => {
      try {
        // A request signs nothing and may be repeated: it goes out as it is.
        if (isRequest(message)) {
          this.inner.send(from, to, message);
          return;
        }
        const admission = await this.store.admit(message);
        if (admission.conflict) this.onConflict(admission.send, message);
        this.inner.send(from, to, admission.send);
      } catch (error) {
        this.onError(error);
      }
    });
  }

  /** Resolves once every message handed in so far was admitted and handed to the transport. */
  async flush(): Promise<void> {
    await this.chain;
  }
}
