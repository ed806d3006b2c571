/**
 * `npm run bench:node`: figures for the operator node (not a test; nothing asserts on them).
 *
 * 1. Message latency on loopback: a chunk message the size a node sends to its parents (a real
 *    signed output with `--signatures` subtree signatures and the matching provenance) sent from
 *    one `Libp2pTransport` to another, one at a time, `--messages` per run; the time from `send`
 *    to the receiver's `onMessage` (envelope signing, dial or stream, Noise, yamux, decoding, the
 *    envelope's signature check). p50 and p99 per run, medians over `--runs` runs.
 * 2. A prover process on a devnet (`--provers` provers, `--blocks` L2 blocks, at most 500): its
 *    CPU time and RSS read from /proc/<pid>/stat and /proc/<pid>/status after every finalized
 *    block (and its used heap from its metrics); CPU per proven block (median over the run's
 *    windows) and whether memory is flat: the least-squares trend of RSS and heap over the blocks
 *    after the first third, in MiB per 100 blocks ("flat" below 10 MiB RSS and 5 MiB heap).
 *
 *   npm run bench:node
 *   npm run bench:node -- --blocks 100 --provers 8 --messages 300 --runs 5
 *   npm run bench:node -- --skip-devnet
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { Wallet, ZeroHash, keccak256, toUtf8Bytes } from "ethers";

import type { ChunkMessage, Message } from "../src/client/messages.js";
import { encodeMessage } from "../src/node/codec.js";
import { startDevnet } from "../src/node/devnet.js";
import { Libp2pTransport } from "../src/node/p2p.js";
import { chunkOutputDomain, signChunkOutput, standInChunkOutput } from "../src/protocol/chunks.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "200" },
    runs: { type: "string", default: "5" },
    signatures: { type: "string", default: "30" },
    provers: { type: "string", default: "8" },
    blocks: { type: "string", default: "40" },
    "block-ms": { type: "string", default: "1000" },
    "skip-devnet": { type: "boolean", default: false },
  },
  strict: true,
});
const int = (name: string, value: string, min: number, max: number) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be an integer in ${min}..${max}; got ${value}`);
    process.exit(2);
  }
  return n;
};
const MESSAGES = int("messages", values.messages!, 10, 100_000);
const RUNS = int("runs", values.runs!, 1, 100);
const SIGNATURES = int("signatures", values.signatures!, 0, 1_000);
const PROVERS = int("provers", values.provers!, 1, 18);
const BLOCKS = int("blocks", values.blocks!, 3, 500);
const BLOCK_MS = int("block-ms", values["block-ms"]!, 100, 60_000);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
};
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

// ---- 1. message latency -----------------------------------------------------------------------

async function realisticChunk(wallet: Wallet): Promise<ChunkMessage> {
  const domain = chunkOutputDomain(31337n, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
  const left = keccak256(toUtf8Bytes("bench-left"));
  const right = keccak256(toUtf8Bytes("bench-right"));
  const output = {
    slot: 100n,
    node: 2n,
    left,
    right,
    output: standInChunkOutput(100n, 2, left, right),
  };
  const signature = await signChunkOutput(wallet, domain, output);
  const signatures = new Map<string, { r: string; vs: string }>();
  const provenance = new Map<number, number[]>();
  for (let i = 0; i < SIGNATURES; i++) {
    const node = 4 + i;
    const sub = {
      ...output,
      node: BigInt(node),
      left: keccak256(toUtf8Bytes(`l${i}`)),
      right: ZeroHash,
    };
    signatures.set(`${node}:${i % 32}`, await signChunkOutput(wallet, domain, sub));
    provenance.set(node, [i % 32]);
  }
  provenance.set(2, [0]);
  return { kind: "chunk", output, signature, member: 0, provenance, signatures };
}

async function latencyRuns(): Promise<void> {
  const a = new Wallet(keccak256(toUtf8Bytes("bench-a")));
  const b = new Wallet(keccak256(toUtf8Bytes("bench-b")));
  const message = await realisticChunk(a);
  let arrived: (() => void) | undefined;
  const start = (w: Wallet, onMessage: (from: string, m: Message) => void) =>
    Libp2pTransport.start({ wallet: w, chainId: 31337n, isMember: () => true, onMessage });
  const ta = await start(a, () => {});
  const tb = await start(b, () => arrived?.());
  ta.addPeer(await tb.peerRecord());
  tb.addPeer(await ta.peerRecord());
  let lost = 0;
  let sendErrors = 0;
  const p50s: number[] = [];
  const p99s: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const samples: number[] = [];
      for (let i = 0; i < MESSAGES + 5; i++) {
        let timer: NodeJS.Timeout | undefined;
        const got = new Promise<boolean>((resolve) => {
          arrived = () => resolve(true);
          timer = setTimeout(() => resolve(false), 10_000);
        });
        const t0 = process.hrtime.bigint();
        ta.send(a.address, b.address, message);
        const ok = await got;
        clearTimeout(timer);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (!ok) lost++;
        else if (i >= 5) samples.push(ms); // the first ones include the dial
      }
      p50s.push(quantile(samples, 0.5));
      p99s.push(quantile(samples, 0.99));
      console.log(
        `  run ${run + 1}: p50 ${quantile(samples, 0.5).toFixed(2)} ms, p99 ${quantile(samples, 0.99).toFixed(2)} ms`,
      );
    }
  } finally {
    sendErrors = ta.stats.sendErrors;
    await ta.stop();
    await tb.stop();
  }
  const bytes = Buffer.byteLength(encodeMessage(message));
  console.log(
    `Chunk message latency on loopback (${SIGNATURES} subtree signatures, ${bytes} bytes of message ` +
      `JSON, ${MESSAGES} messages x ${RUNS} runs): median p50 ${median(p50s).toFixed(2)} ms, ` +
      `median p99 ${median(p99s).toFixed(2)} ms; ${lost} lost (10 s bound each), send errors ` +
      `${sendErrors}`,
  );
}

// ---- 2. CPU and memory of a prover process -----------------------------------------------------

/** utime + stime in seconds, and RSS in MiB, of process `pid` (Linux /proc). */
async function sample(pid: number): Promise<{ cpu: number; rssMiB: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime), counted from the state field (3) here.
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? "0");
    return { cpu: ticks / 100, rssMiB: rss / 1024 };
  } catch {
    return undefined;
  }
}

async function devnetRun(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "bench-node-"));
  const devnet = await startDevnet({
    provers: PROVERS,
    root,
    dir,
    blocks: BLOCKS,
    blockMs: BLOCK_MS,
    say: (line) => console.log(`  ${line}`),
  });
  try {
    const prover = devnet.provers[0];
    const pid = prover.process!.pid!;
    const rows: Array<{ finalized: number; cpu: number; rssMiB: number; heapMiB: number }> = [];
    let last = -1;
    const started = Date.now();
    // Bounded: every slot's window must close; stop once every block resolved or the limit hit.
    const limitMs = (BLOCKS * 4 + 120) * BLOCK_MS * 2;
    for (;;) {
      const finalized = (await devnet.metric(prover, "provernet_l2_finalized_blocks")) ?? 0;
      const pending = (await devnet.metric(prover, "provernet_l2_pending_blocks")) ?? 0;
      if (finalized !== last) {
        const s = await sample(pid);
        const heap =
          (await devnet.metric(prover, "provernet_process_nodejs_heap_size_used_bytes")) ?? 0;
        if (s !== undefined) rows.push({ finalized, ...s, heapMiB: heap / 2 ** 20 });
        last = finalized;
      }
      if (finalized >= BLOCKS || (finalized > 0 && pending === 0 && rows.length > BLOCKS)) break;
      if (Date.now() - started > limitMs) {
        console.log("  stopped at the time limit");
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const perBlock: number[] = [];
    for (let i = 1; i < rows.length; i++) {
      const blocks = rows[i].finalized - rows[i - 1].finalized;
      if (blocks > 0) perBlock.push((rows[i].cpu - rows[i - 1].cpu) / blocks);
    }
    const third = Math.max(1, Math.floor(rows.length / 3));
    const middle = median(rows.slice(third, 2 * third).map((r) => r.rssMiB));
    const end = median(rows.slice(-third).map((r) => r.rssMiB));
    // Least-squares slope of RSS and of the used heap over the blocks after the first third
    // (start-up and the first committees are left out), in MiB per 100 blocks.
    const slope = (points: Array<[number, number]>) => {
      const n = points.length;
      const mx = points.reduce((a, [x]) => a + x, 0) / n;
      const my = points.reduce((a, [, y]) => a + y, 0) / n;
      const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
      const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
      return den === 0 ? 0 : (100 * num) / den;
    };
    const tail = rows.slice(third);
    const rssSlope = slope(tail.map((r) => [r.finalized, r.rssMiB]));
    const heapSlope = slope(tail.map((r) => [r.finalized, r.heapMiB]));
    const final = rows.at(-1);
    const flat = Math.abs(heapSlope) < 5 && Math.abs(rssSlope) < 10;
    console.log(
      `Prover process on a devnet of ${PROVERS} provers, ${final?.finalized ?? 0} blocks finalized ` +
        `(${BLOCK_MS} ms L1 blocks): CPU per proven block median ${(median(perBlock) * 1000).toFixed(0)} ms ` +
        `(total ${final?.cpu.toFixed(1)} s); RSS middle third ${middle.toFixed(0)} MiB, last third ` +
        `${end.toFixed(0)} MiB, final ${final?.rssMiB.toFixed(0)} MiB; trend after the first third: ` +
        `RSS ${rssSlope.toFixed(1)} MiB, used heap ${heapSlope.toFixed(1)} MiB per 100 blocks ` +
        `(final heap ${final?.heapMiB.toFixed(0)} MiB): memory ${flat ? "flat" : "growing"}`,
    );
  } finally {
    await devnet.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

console.log("1. Message latency (two Libp2pTransports on 127.0.0.1)");
await latencyRuns();
if (values["skip-devnet"] !== true) {
  console.log(`2. A prover process on a devnet (${PROVERS} provers, ${BLOCKS} blocks)`);
  await devnetRun();
}
process.exit(0);
