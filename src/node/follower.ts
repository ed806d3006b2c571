/**
 * Following L1 by polling: `eth_blockNumber`, block headers (`eth_getBlockByNumber`) for the
 * recent blocks, and `eth_getLogs` through the clients' {@link EventFeed}, in ranges of at most
 * `maxLogRange` blocks. Nothing else is called (no filters, no dev-only methods).
 *
 * Reorgs: the hashes of the last `reorgDepth` processed blocks are kept. Before moving on, the
 * follower checks that the last processed block still has the hash it had; if not, it walks back
 * to the newest block whose hash still matches (the common ancestor), drops every event above it
 * and reports a reorg: the caller rebuilds its clients from {@link ChainFollower.events} (the
 * events up to the ancestor plus those of the new branch read since). A reorg deeper than
 * the kept hashes rebuilds from `fromBlock`.
 */
import type { ChainEvent } from "../client/chain.js";

/** The part of the JSON-RPC interface the follower uses. */
export interface ChainSource {
  blockNumber(): Promise<number>;
  /** The header of block `n` (null if the node does not have it, e.g. mid-reorg). */
  header(n: number): Promise<{ hash: string; parentHash: string } | null>;
  /** Decoded events of blocks `from..to`, inclusive, in chain order. */
  events(from: number, to: number): Promise<ChainEvent[]>;
}

export interface FollowerOptions {
  /** First block whose events matter. */
  fromBlock: number;
  reorgDepth: number;
  maxLogRange: number;
}

/** What one poll found. */
export type PollResult =
  | { kind: "idle"; head: number }
  | { kind: "advanced"; head: number; events: ChainEvent[] }
  /** A reorg back to `ancestor`: `events()` now holds the new branch (`fresh` are its new events). */
  | { kind: "reorg"; head: number; ancestor: number; fresh: ChainEvent[] };

export class ChainFollower {
  /** The last block processed (its events delivered). */
  processed: number;
  /** Reorgs seen, and the deepest (in blocks). */
  reorgs = 0;
  deepestReorg = 0;
  private readonly hashes = new Map<number, string>();
  private readonly log: ChainEvent[] = [];

  constructor(
    private readonly source: ChainSource,
    private readonly options: FollowerOptions,
  ) {
    this.processed = options.fromBlock - 1;
  }

  /** Every event delivered so far (after a reorg: up to the common ancestor). */
  events(): readonly ChainEvent[] {
    return this.log;
  }

  /** Reads up to the current head: new events, or a reorg and the new branch's events. */
  async poll(): Promise<PollResult> {
    const head = await this.source.blockNumber();
    let ancestor: number | null = null;
    if (this.processed >= this.options.fromBlock && this.hashes.has(this.processed)) {
      const header = await this.source.header(this.processed);
      if (header === null || header.hash !== this.hashes.get(this.processed)) {
        ancestor = await this.commonAncestor();
        this.rollBack(ancestor);
      }
    }
    if (head <= this.processed) {
      if (ancestor !== null) return { kind: "reorg", head, ancestor, fresh: [] };
      return { kind: "idle", head };
    }
    const fresh = await this.advance(head);
    if (fresh === "missing") {
      // A header up to `head` is not there (the head moved back since it was read): try again
      // at the next poll.
      if (ancestor !== null) return { kind: "reorg", head: this.processed, ancestor, fresh: [] };
      return { kind: "idle", head: this.processed };
    }
    if (fresh === null) {
      // The new branch does not extend what was read: roll back and report a reorg.
      const back = await this.commonAncestor();
      if (ancestor === null) this.rollBack(back);
      else this.rollBack(back, false);
      return { kind: "reorg", head, ancestor: back, fresh: [] };
    }
    if (ancestor !== null) return { kind: "reorg", head, ancestor, fresh };
    return { kind: "advanced", head, events: fresh };
  }

  /**
   * Reads blocks `processed+1..head`; null if a new header does not extend ours, "missing" if one
   * is not there (nothing is changed then).
   */
  private async advance(head: number): Promise<ChainEvent[] | null | "missing"> {
    const { reorgDepth, maxLogRange } = this.options;
    const trackFrom = Math.max(this.processed + 1, head - reorgDepth + 1);
    const headers = new Map<number, { hash: string; parentHash: string }>();
    for (let n = trackFrom; n <= head; n++) {
      const header = await this.source.header(n);
      if (header === null) return "missing";
      const previous = headers.get(n - 1)?.hash ?? this.hashes.get(n - 1);
      if (previous !== undefined && header.parentHash !== previous) return null;
      headers.set(n, header);
    }
    const fresh: ChainEvent[] = [];
    for (let from = this.processed + 1; from <= head; from += maxLogRange) {
      const to = Math.min(head, from + maxLogRange - 1);
      fresh.push(...(await this.source.events(from, to)));
    }
    // The logs must come from the branch whose headers were read: the head's hash is checked
    // again; if it moved, the next poll sees the reorg.
    for (const [n, header] of headers) this.hashes.set(n, header.hash);
    for (const n of this.hashes.keys()) if (n <= head - reorgDepth) this.hashes.delete(n);
    this.processed = head;
    this.log.push(...fresh);
    return fresh;
  }

  /** The newest kept block whose hash the chain still has (fromBlock - 1 if none). */
  private async commonAncestor(): Promise<number> {
    const kept = [...this.hashes.keys()].sort((a, b) => b - a);
    for (const n of kept) {
      const header = await this.source.header(n);
      if (header !== null && header.hash === this.hashes.get(n)) return n;
    }
    return this.options.fromBlock - 1;
  }

  /** Drops everything above `ancestor`; `count` is false for a second step of one reorg. */
  private rollBack(ancestor: number, count = true): void {
    if (count) this.reorgs++;
    this.deepestReorg = Math.max(this.deepestReorg, this.processed - ancestor);
    for (const n of [...this.hashes.keys()]) if (n > ancestor) this.hashes.delete(n);
    let keep = this.log.length;
    while (keep > 0 && this.log[keep - 1].l1Block > ancestor) keep--;
    this.log.length = keep;
    this.processed = ancestor;
  }
}
