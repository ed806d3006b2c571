/**
 * The simulated off-chain network: in-process, point-to-point message delivery measured in L1
 * blocks, with a seeded latency distribution, a drop rate and asynchronous periods.
 *
 * - Latency: a message sent while L1 block `now + 1` is being built arrives before the clients
 *   act on block `now + 1 + floor(d)`, with `d` exponential of mean `latency` blocks.
 * - Drops: each message is lost with probability `dropRate`.
 * - Asynchrony: while a partition is on (an L1 block range), every message sent is held until the
 *   partition ends, then delayed as usual. A partition that outlasts a proof window makes votes
 *   arrive too late for any certificate and chunks too late for any proof.
 */
import type { Message, Transport } from "../client/messages.js";
import type { Prng } from "./random.js";

export interface NetworkModel {
  /** Mean delivery delay in L1 blocks (exponentially distributed). */
  latency: number;
  /** Probability that a message is lost. */
  dropRate: number;
  /** Inclusive L1 block ranges during which the network is partitioned. */
  partitions: ReadonlyArray<{ from: bigint; until: bigint }>;
}

export interface Delivery {
  to: string;
  message: Message;
}

export class SimNetwork implements Transport {
  /** The latest mined L1 block; the runtime advances it. */
  now = 0n;
  sent = 0;
  dropped = 0;
  private readonly queue = new Map<bigint, Delivery[]>();

  constructor(
    private readonly model: NetworkModel,
    private readonly prng: Prng,
  ) {}

  send(_from: string, to: string, message: Message): void {
    this.sent++;
    if (this.model.dropRate > 0 && this.prng.chance(this.model.dropRate)) {
      this.dropped++;
      return;
    }
    let start = this.now + 1n;
    for (const p of this.model.partitions) {
      if (start >= p.from && start <= p.until) start = p.until + 1n;
    }
    const at = start + BigInt(Math.floor(this.prng.exponential(this.model.latency)));
    const due = this.queue.get(at);
    if (due === undefined) this.queue.set(at, [{ to, message }]);
    else due.push({ to, message });
  }

  /** The messages that arrive by L1 block `block`, in sending order. */
  deliver(block: bigint): Delivery[] {
    const out: Delivery[] = [];
    for (const [at, deliveries] of this.queue) {
      if (at > block) continue;
      out.push(...deliveries);
      this.queue.delete(at);
    }
    return out;
  }

  /** Whether the network is partitioned at L1 block `block`. */
  partitioned(block: bigint): boolean {
    return this.model.partitions.some((p) => block >= p.from && block <= p.until);
  }
}
