/**
 * The node's Prometheus metrics (prom-client) and its small HTTP server on 127.0.0.1:
 * `/metrics` (text exposition), `/healthz` (200 while the chain is being followed, 503 once the
 * last successful poll is too old) and `/peer` (the node's signed peer record, for peers that
 * bootstrap from a URL).
 */
import { createServer, type Server } from "node:http";

import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

export class NodeMetrics {
  readonly registry = new Registry();
  readonly head: Gauge;
  readonly processed: Gauge;
  readonly finalizedBlocks: Gauge;
  readonly pendingBlocks: Gauge;
  readonly committees: Gauge;
  readonly chunksProven: Gauge;
  readonly chunksCredited: Gauge;
  readonly rootsSubmitted: Gauge;
  readonly votes: Gauge;
  readonly peers: Gauge;
  readonly rpcErrors: Counter;
  readonly claimable: Gauge;
  readonly claimed: Counter;
  readonly storeConflicts: Gauge;
  readonly storeResent: Gauge;
  readonly storeReplayed: Gauge;
  readonly dropped: Gauge<"reason">;
  readonly messages: Gauge<"direction">;
  readonly transactions: Counter<"op" | "outcome">;
  readonly reorgs: Gauge;

  constructor(role: string, operator: string) {
    this.registry.setDefaultLabels({ role, operator });
    collectDefaultMetrics({ register: this.registry, prefix: "provernet_process_" });
    const r = [this.registry];
    const gauge = (name: string, help: string) =>
      new Gauge({ name: `provernet_${name}`, help, registers: r });
    this.head = gauge("l1_head", "Latest L1 block seen");
    this.processed = gauge("l1_processed", "Latest L1 block whose events were applied");
    this.finalizedBlocks = gauge("l2_finalized_blocks", "L2 blocks finalized (events seen)");
    this.pendingBlocks = gauge("l2_pending_blocks", "L2 blocks proposed and not yet resolved");
    this.committees = gauge("committees", "Sealed committees this operator sits on");
    this.chunksProven = gauge("chunks_proven", "Chunks this node proved since it started");
    this.chunksCredited = gauge(
      "chunks_credited",
      "Chunks credited to this operator by accepted root records",
    );
    this.rootsSubmitted = gauge(
      "roots_submitted",
      "Accepted root proofs submitted by this operator",
    );
    this.votes = gauge("votes", "Timeout votes signed and stored");
    this.peers = gauge("peers", "Verified peer records held");
    this.rpcErrors = new Counter({
      name: "provernet_rpc_errors_total",
      help: "Failed JSON-RPC polls or reads",
      registers: r,
    });
    this.claimable = gauge(
      "claimable_wei",
      "Claimable rewards (proving + sequencing + submitting)",
    );
    this.claimed = new Counter({
      name: "provernet_claimed_wei_total",
      help: "Rewards claimed by this node",
      registers: r,
    });
    this.storeConflicts = gauge(
      "store_conflicts",
      "Outgoing messages refused: a different signed statement was stored for the key",
    );
    this.storeResent = gauge(
      "store_resent",
      "Outgoing messages whose signed statement was already stored (resends, re-signed after a restart)",
    );
    this.storeReplayed = gauge(
      "store_replayed",
      "Statements stored before this run (a restart) signed again since, and identical",
    );
    this.dropped = new Gauge({
      name: "provernet_dropped_messages",
      help: "Incoming messages dropped, by reason",
      labelNames: ["reason"],
      registers: r,
    });
    this.messages = new Gauge({
      name: "provernet_messages",
      help: "Messages sent and received over libp2p",
      labelNames: ["direction"],
      registers: r,
    });
    this.transactions = new Counter({
      name: "provernet_transactions_total",
      help: "Transactions by operation and outcome (ok, reverted, rejected)",
      labelNames: ["op", "outcome"],
      registers: r,
    });
    this.reorgs = gauge("reorgs", "L1 reorgs handled");
  }
}

export interface HttpEndpoints {
  metrics: NodeMetrics;
  /** Whether the node is healthy, with a reason. */
  health: () => { ok: boolean; detail: Record<string, unknown> };
  /** The node's current peer record (JSON), if it has one. */
  peerRecord: () => unknown;
}

/** Starts the HTTP server on `host:port` (0: a free port); resolves with the bound port. */
export async function startHttpServer(
  host: string,
  port: number,
  endpoints: HttpEndpoints,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const url = (req.url ?? "/").split("?")[0];
    void (async () => {
      if (url === "/metrics") {
        const body = await endpoints.metrics.registry.metrics();
        res.writeHead(200, { "content-type": endpoints.metrics.registry.contentType });
        res.end(body);
      } else if (url === "/healthz") {
        const { ok, detail } = endpoints.health();
        res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok, ...detail }));
      } else if (url === "/peer") {
        const record = endpoints.peerRecord();
        res.writeHead(record === undefined ? 404 : 200, { "content-type": "application/json" });
        res.end(JSON.stringify(record ?? null));
      } else {
        res.writeHead(404).end();
      }
    })().catch(() => {
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  return { server, port: bound };
}

/** Reads one metric's value from Prometheus text (first sample whose name and labels match). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}) {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match === null || match[1] !== name) continue;
    const labelText = match[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) {
      return Number(match[3]);
    }
  }
  return undefined;
}
