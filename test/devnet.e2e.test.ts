/**
 * End to end with node processes (issue 21): `startDevnet` (what `npm run devnet` runs) starts a
 * `hardhat node` with interval mining on 127.0.0.1, deploys the system, registers a sequencer and
 * 8 provers with EIP-2335 keystores, and starts one process each; they talk over libp2p
 * (signed peer records in a shared directory) and read the chain by polling. The sequencer
 * proposes 10 blocks. One prover is stopped for good once the first committee (which it sits on)
 * is sealed; another is killed with SIGKILL mid-epoch and restarted. Then:
 * - at least 8 of the 10 blocks are finalized (the offline member's work is covered);
 * - the restarted prover resumes without a double-signing or invalid-work slash (no
 *   InvalidWorkSlashed event, its store_conflicts metric is 0) and its later work is credited;
 * - every node stops cleanly on SIGTERM (exit code 0);
 * - the provers claimed on their schedule, and at the end every operator's claim pays exactly
 *   what `status` showed; tokens are conserved.
 * Every process is stopped by process id in `after`, whether the test passed or not. Waits are
 * bounded by L1 blocks and a generous wall-clock limit; nothing asserts on speed.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { Wallet, getAddress, getBytes } from "ethers";

import { EventFeed, readProtocolParams, type ChainEvent } from "../src/client/chain.js";
import { startDevnet, type Devnet } from "../src/node/devnet.js";
import { claimPlan, executeClaim } from "../src/operator/claim.js";
import { readOperatorStatus } from "../src/operator/status.js";
import { epochOfSlot, proofWindow, slotStartBlock } from "../src/protocol/lifecycle.js";
import { conservation } from "../src/sim/simulator.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PROVERS = 8;
const BLOCKS = 10;
/** Wall-clock bound of any one wait (generous: the run takes about two minutes). */
const WAIT_LIMIT_MS = 420_000;

describe("devnet end to end: 8 prover processes over libp2p, a restart and an offline member", function () {
  let dir: string;
  let devnet: Devnet | undefined;

  before(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "devnet-e2e-"));
  });

  after(async function () {
    await devnet?.stop();
    // DEVNET_KEEP=1 keeps the directory (logs, configs, stores) for a look after a failure.
    if (dir !== undefined && process.env.DEVNET_KEEP !== "1") {
      await rm(dir, { recursive: true, force: true });
    } else if (dir !== undefined) console.log(`      kept ${dir}`);
  });

  /** Polls `done` every 500 ms until it holds, the chain passes `maxBlock`, or the wall bound. */
  async function until(what: string, done: () => Promise<boolean>, maxBlock?: bigint) {
    const started = Date.now();
    for (;;) {
      if (await done()) return;
      const head = BigInt(await devnet!.provider.getBlockNumber());
      if (maxBlock !== undefined && head > maxBlock) {
        throw new Error(`${what}: not reached by L1 block ${maxBlock}`);
      }
      if (Date.now() - started > WAIT_LIMIT_MS) throw new Error(`${what}: not reached in time`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it("proves the blocks, survives a SIGKILL restart without a slash, and pays what status shows", async function () {
    devnet = await startDevnet({
      provers: PROVERS,
      root,
      dir,
      blocks: BLOCKS,
      // The provers claim on a schedule too; the final claims below pay the rest.
      claimEvery: 24,
      logLevel:
        process.env.DEVNET_LOG_LEVEL === "trace"
          ? "trace"
          : process.env.DEVNET_LOG_LEVEL === "debug"
            ? "debug"
            : "info",
    });
    const d = devnet;
    const { contracts, provider, firstSlot, firstEpoch } = d;
    const params = await readProtocolParams(contracts);
    const clock = params.slotClock;
    const lastSlot = firstSlot + BigInt(BLOCKS) - 1n;
    const lastEpoch = epochOfSlot(clock, lastSlot);
    const deadline = proofWindow(clock, lastSlot).closesAt + 4n * clock.epochLength;
    const feed = new EventFeed(provider, contracts, params.addresses);
    const events = async (): Promise<ChainEvent[]> =>
      feed.read(d.deployedAfter + 1, await provider.getBlockNumber());
    const offline = d.provers[PROVERS - 1];
    const restarted = d.provers[0];

    // The first committee is sealed by the first proposal; the offline prover sits on it.
    await until(
      "the first block is proposed",
      async () => (await events()).some((e) => e.name === "BlockProposed"),
      slotStartBlock(clock, firstSlot) + 8n,
    );
    const firstCommittee = (await contracts.election.committeeOf(firstEpoch)).map((a) =>
      getAddress(a),
    );
    expect(firstCommittee).to.include(offline.address);
    expect(firstCommittee).to.include(restarted.address);
    await d.stopNode(offline, "SIGTERM");
    expect(offline.exits.at(-1)?.code, "the offline prover stops cleanly on SIGTERM").to.equal(0);

    // Mid-epoch, once the restarted prover has proved chunks and 3 blocks are final: SIGKILL.
    const finalized = async () =>
      (await events()).filter((e) => e.name === "BlockFinalized" && e.slot <= lastSlot).length;
    await until(
      "3 blocks finalized and the prover to restart has proved chunks",
      async () =>
        (await finalized()) >= 3 &&
        ((await d.metric(restarted, "provernet_chunks_proven")) ?? 0) > 0,
      deadline,
    );
    await d.stopNode(restarted, "SIGKILL");
    expect(restarted.exits.at(-1)?.signal).to.equal("SIGKILL");
    const restartBlock = BigInt(await provider.getBlockNumber());
    d.startNode(restarted);
    await until(
      "the restarted prover answers",
      async () => (await d.metrics(restarted)) !== "",
      deadline,
    );
    console.log(`      restarted ${restarted.name} at L1 block ${restartBlock}`);

    // Every block resolved, every epoch settled.
    await until(
      "every block resolved and every epoch settled",
      async () => {
        const all = await events();
        const resolved = new Set<bigint>();
        for (const e of all) {
          if (
            (e.name === "BlockFinalized" ||
              e.name === "BlockTimedOut" ||
              e.name === "BlockPruned") &&
            e.slot >= firstSlot &&
            e.slot <= lastSlot
          ) {
            resolved.add(e.slot);
          }
        }
        return resolved.size === BLOCKS && (await contracts.rewards.nextEpoch()) > lastEpoch;
      },
      deadline,
    );
    const conflicts = await d.metric(restarted, "provernet_store_conflicts");
    expect(conflicts, "the restarted prover's store conflicts").to.equal(0);
    const replayed = await d.metric(restarted, "provernet_store_replayed");
    console.log(
      `      ${restarted.name} after its restart: ${replayed} statements signed before the kill ` +
        "were signed again, identical to the stored ones",
    );

    // Stop every node: each exits cleanly on SIGTERM.
    for (const node of [d.sequencer, ...d.provers]) {
      if (node === offline) continue;
      await d.stopNode(node, "SIGTERM");
      expect(node.exits.at(-1)?.code, `${node.name} exit code`).to.equal(0);
    }
    const log = await readFile(restarted.logFile, "utf8");
    expect(log).to.not.include("store conflict");

    const all = await events();
    const final = all.filter(
      (e) => e.name === "BlockFinalized" && e.slot >= firstSlot && e.slot <= lastSlot,
    );
    const outcome = (slot: bigint) =>
      all.find(
        (e) =>
          (e.name === "BlockFinalized" || e.name === "BlockTimedOut" || e.name === "BlockPruned") &&
          e.slot === slot,
      )?.name ?? "unresolved";
    const outcomes = Array.from({ length: BLOCKS }, (_, i) => outcome(firstSlot + BigInt(i)));
    console.log(`      ${final.length}/${BLOCKS} blocks finalized (${outcomes.join(", ")})`);
    expect(final.length).to.be.at.least(8);
    expect(all.filter((e) => e.name === "InvalidWorkSlashed")).to.deep.equal([]);

    // The restarted prover's work on blocks published after the restart is credited.
    const committees = new Map<bigint, string[]>();
    const publishedAt = new Map<bigint, number>();
    for (const e of all) {
      if (e.name === "CommitteeSealed")
        committees.set(
          e.epoch,
          e.members.map((m) => getAddress(m)),
        );
      if (e.name === "DataPublished") publishedAt.set(e.slot, e.l1Block);
    }
    let creditedAfter = 0;
    for (const e of all) {
      if (e.name !== "RootProofAccepted") continue;
      if ((publishedAt.get(e.slot) ?? 0) <= Number(restartBlock)) continue;
      const index = committees.get(epochOfSlot(clock, e.slot))?.indexOf(restarted.address) ?? -1;
      if (index >= 0) creditedAfter += getBytes(e.record).filter((b) => b === index).length;
    }
    console.log(`      ${restarted.name}: ${creditedAfter} chunks credited after the restart`);
    expect(creditedAfter).to.be.greaterThan(0);

    // Some prover claimed on its schedule during the run.
    const scheduled = all.filter(
      (e) => e.name === "Claimed" && d.provers.some((p) => p.address === getAddress(e.account)),
    );
    console.log(`      ${scheduled.length} scheduled claims by the provers during the run`);
    expect(scheduled.length).to.be.greaterThan(0);

    // Claims pay exactly what status shows.
    const operators = [d.sequencer, ...d.provers];
    const paid = new Set(scheduled.map((e) => e.name === "Claimed" && getAddress(e.account)));
    for (const node of operators) {
      const status = await readOperatorStatus(contracts, node.address, d.deployedAfter + 1);
      const shown =
        status.claimable.proving + status.claimable.sequencing + status.claimable.submitting;
      if (shown === 0n) continue;
      const wallet = new Wallet(node.privateKey, provider);
      const plan = await claimPlan(contracts.rewards.connect(wallet), node.address, node.address);
      const result = await executeClaim(plan);
      expect(result.paid.total, `${node.name} paid`).to.equal(shown);
      expect(result.payeeBalanceAfter - result.payeeBalanceBefore).to.equal(shown);
      if (node.role === "prover") paid.add(node.address);
    }
    // Every prover that stayed online was paid (on its schedule or by the final claim).
    expect(paid.size, "provers paid").to.be.at.least(PROVERS - 1);

    const { checks } = await conservation(
      {
        contracts,
        params,
        deployedAfter: d.deployedAfter,
        provers: d.provers.map((p) => p.address),
        sequencer: d.sequencer.address,
        deployer: d.deployer,
      },
      await events(),
    );
    expect(checks).to.deep.equal(Object.fromEntries(Object.keys(checks).map((k) => [k, true])));
  });
});
