/**
 * Scenario tests of the whole network (issue 6): every test runs the TypeScript prover clients
 * and the sequencer (`src/client/`) against the deployed contracts through `runSimulation`, and
 * asserts outcomes from chain state and events, never from the clients' own beliefs. Small
 * deployments (8 provers, all of them on the committee, c = 3, L = 4, W = 24) keep each run at a
 * few seconds.
 */
import { expect } from "chai";

import { blockShares, treeShares } from "../src/protocol/rewards.js";
import { proofWindow } from "../src/protocol/lifecycle.js";
import { type Policy, type SimOptions } from "../src/sim/options.js";
import { type SimResult } from "../src/sim/simulator.js";
import { SMALL_NETWORK, closeSimulations, simulateOn } from "./helpers/simulation.js";

/** The small network (n = 8, f = 2, c = 3, L = 4, W = 24), 4 blocks, no faults. */
const SMALL: SimOptions = { ...SMALL_NETWORK, blocks: 4 };

/** Runs the network on a fresh in-process chain, kept open for the test's views until the end. */
function simulate(overrides: Partial<SimOptions>): Promise<SimResult> {
  return simulateOn({ ...SMALL, ...overrides });
}

after(closeSimulations);

function honest(result: SimResult) {
  return result.report.provers.filter((p) => p.behavior === "honest");
}

function expectConserved(result: SimResult) {
  const { totals } = result.report;
  expect(totals.checks, JSON.stringify(totals.checks)).to.satisfy((checks: object) =>
    Object.values(checks).every(Boolean),
  );
  expect(totals.conserved).to.equal(true);
}

describe("Simulation scenarios (whole network of prover clients)", function () {
  describe("at most f faulty members: a Byzantine wrong-output signer and an offline prover", function () {
    let result: SimResult;
    before(async function () {
      // 2 of 8 faulty = f, and fewer than c: every node keeps an honest prover in some tree.
      result = await simulate({
        byzantine: 0.125,
        byzantineFault: "wrongOutput",
        offline: 0.125,
        policy: "seed000",
        blocks: 5,
      });
    });

    it("proves every block with published data inside its window", async function () {
      const { lifecycle } = result.contracts;
      expect(result.report.blocks).to.have.length(5);
      for (const block of result.report.blocks) {
        expect(block.outcome, `block ${block.number}`).to.equal("proven");
        expect(block.withheld).to.equal("none");
        const [, closesAt] = await lifecycle.proofWindow(block.number);
        expect(BigInt(block.finalizedAtL1Block!)).to.be.at.most(closesAt);
        const window = proofWindow(result.params.slotClock, BigInt(block.number));
        expect(closesAt).to.equal(window.closesAt);
      }
      const faulty = result.report.provers.filter((p) => p.behavior !== "honest");
      expect(faulty.map((p) => p.behavior).sort()).to.deep.equal([
        "byzantine:wrongOutput",
        "offline",
      ]);
      expect(faulty.every((p) => p.electedBlocks === 5)).to.equal(true);
    });

    it("slashes the wrong-output signer once, on a report an honest client sent", async function () {
      const byzantine = result.report.provers.find((p) => p.behavior === "byzantine:wrongOutput")!;
      const honestAddresses = new Set(honest(result).map((p) => p.address));
      const slashes = result.events.filter(
        (e) => e.name === "InvalidWorkSlashed" && e.signer === byzantine.address,
      );
      expect(slashes).to.have.length(1);
      const [slash] = slashes;
      if (slash.name !== "InvalidWorkSlashed") throw new Error("unreachable");
      expect(honestAddresses.has(slash.reporter)).to.equal(true);
      expect(byzantine.slashReasons).to.deep.equal(["wrongOutput"]);
      const { slasher, table } = result.contracts;
      expect(await slasher.isSlashed(byzantine.address, slash.slot, slash.node)).to.equal(true);
      expect(BigInt(byzantine.slashedAmount)).to.equal(await slasher.SLASH_AMOUNT());
      expect((await table.operatorInfo(byzantine.address)).balance).to.equal(0n);
      for (const p of result.report.provers) {
        if (p.address !== byzantine.address) expect(p.slashedAmount, p.behavior).to.equal("0");
      }
    });

    it("pays honest provers exactly per credited chunk", async function () {
      const { rewards } = result.contracts;
      const params = {
        feeSplit: false,
        proverBps: await rewards.PROVER_BPS(),
        submitterBps: await rewards.SUBMITTER_BPS(),
        proverBurnBps: await rewards.PROVER_BURN_BPS(),
      };
      const { provers } = blockShares(await rewards.BLOCK_REWARD(), 0n, params);
      const { nodeShare } = treeShares(provers, 3n, 4n);
      const proving = new Map<string, bigint>();
      for (const e of result.events) {
        if (e.name === "Claimed")
          proving.set(e.account, (proving.get(e.account) ?? 0n) + e.proving);
      }
      let total = 0;
      for (const p of honest(result)) {
        expect(p.chunksCredited, p.address).to.be.greaterThan(0);
        expect(proving.get(p.address) ?? 0n, p.address).to.equal(
          BigInt(p.chunksCredited) * nodeShare,
        );
        total += p.chunksCredited;
      }
      const offline = result.report.provers.find((p) => p.behavior === "offline")!;
      expect(offline.chunksCredited).to.equal(0);
      expect(offline.rewardsClaimed).to.equal("0");
      // Every accepted root credits 2L - 1 = 7 chunks; the Byzantine's wrong outputs are never used.
      const roots = result.report.blocks.reduce((sum, b) => sum + b.rootProofs, 0);
      const byzantine = result.report.provers.find(
        (p) => p.behavior !== "honest" && p !== offline,
      )!;
      expect(total + byzantine.chunksCredited).to.equal(roots * 7);
    });

    it("conserves tokens", function () {
      expectConserved(result);
    });
  });

  for (const policy of ["seed000", "seed001", "seed002"] as Policy[]) {
    it(`${policy}: a withholding sequencer gets a certificate and a prune; no honest prover is slashed`, async function () {
      // k = 1 where the policy allows inactivity slashing: the harshest setting.
      const k = policy === "seed000" ? 0 : 1;
      const result = await simulate({ withholding: 0.5, policy, k, seed: 7 });
      const { blocks } = result.report;
      const withheld = blocks.filter((b) => b.withheld === "all");
      expect(withheld.length).to.be.greaterThan(0);
      // A withheld block is timed out, or pruned with a withheld parent that was timed out.
      for (const block of withheld) {
        expect(["timedOut", "pruned"], `${block.number}`).to.include(block.outcome);
      }
      const timedOut = result.events.filter((e) => e.name === "BlockTimedOut");
      expect(timedOut.length).to.be.greaterThan(0);
      expect(timedOut.length).to.equal(blocks.filter((b) => b.outcome === "timedOut").length);
      for (const e of timedOut) {
        if (e.name !== "BlockTimedOut") continue;
        const block = blocks.find((b) => b.number === Number(e.slot))!;
        expect(block.withheld, `${block.number}`).to.equal("all");
      }
      // The block built on a withheld one before its certificate landed is pruned with it.
      const pruned = result.events.filter((e) => e.name === "BlockPruned");
      expect(pruned.length).to.be.greaterThan(0);
      for (const p of result.report.provers) {
        expect(p.slashedAmount, `${p.address} (${p.behavior})`).to.equal("0");
      }
      expect(blocks.some((b) => b.outcome === "proven")).to.equal(true);
      expectConserved(result);
    });
  }

  it("a block published on L1 but sent to only half the committee is proven: the others ask their peers before voting", async function () {
    // Every block withheld from ceil(0.5 m) members, with latency and drops: before the data
    // requests, f + 1 of them voted and the block was timed out although it was published.
    const result = await simulate({
      withholding: 1,
      withholdingSubset: 0.5,
      latency: 1,
      drop: 0.05,
      blocks: 6,
      policy: "seed000",
    });
    const { blocks } = result.report;
    expect(blocks.every((b) => b.withheld === "subset")).to.equal(true);
    expect(blocks.map((b) => b.outcome)).to.deep.equal(blocks.map(() => "proven"));
    expect(result.events.some((e) => e.name === "BlockTimedOut")).to.equal(false);
    for (const p of result.report.provers) {
      expect(p.slashedAmount, `${p.address} (${p.behavior})`).to.equal("0");
    }
    expectConserved(result);
  });

  it("--asynchrony partitions each chosen slot for --partition-length blocks only: a short partition delays, the block is proven", async function () {
    const result = await simulate({
      asynchrony: 1,
      partitionLength: 3,
      blocks: 3,
      policy: "seed000",
    });
    const { blocks } = result.report;
    expect(blocks.every((b) => b.asynchronous)).to.equal(true);
    expect(blocks.map((b) => b.outcome)).to.deep.equal(["proven", "proven", "proven"]);
    expectConserved(result);
  });

  it("under asynchrony no certificate forms: the window expires and the block and its descendants are pruned", async function () {
    // Each partition lasts past the block's whole proof window (its slot start to closesAt).
    const result = await simulate({
      asynchrony: 1,
      partitionLength: 200,
      blocks: 3,
      policy: "seed000",
    });
    const { blocks } = result.report;
    expect(blocks.every((b) => b.asynchronous && b.outcome === "pruned")).to.equal(true);
    expect(result.events.some((e) => e.name === "BlockTimedOut")).to.equal(false);
    expect(result.events.some((e) => e.name === "RootProofAccepted")).to.equal(false);
    const pruned = result.events.filter((e) => e.name === "BlockPruned");
    const first = BigInt(blocks[0].number);
    const closesAt = proofWindow(result.params.slotClock, first).closesAt;
    // One prune after the first block's window: it removes the block and both descendants.
    expect(new Set(pruned.map((e) => e.l1Block)).size).to.equal(1);
    expect(BigInt(pruned[0].l1Block)).to.be.greaterThan(closesAt);
    expect(
      pruned.map((e) => (e.name === "BlockPruned" ? Number(e.slot) : -1)).sort(),
    ).to.deep.equal(blocks.map((b) => b.number));
    expectConserved(result);
  });

  it("seed001 with k = 3 slashes the permanently offline provers and no one else", async function () {
    const result = await simulate({ offline: 0.25, policy: "seed001", k: 3, blocks: 6 });
    for (const p of result.report.provers) {
      if (p.behavior === "offline") {
        expect(p.electedBlocks).to.equal(6);
        // 6 missed blocks in a row = two slashes of k = 3, executed in one transaction.
        expect(p.slashReasons, p.address).to.deep.equal(["inactivity"]);
        const slash = await result.contracts.rewards.INACTIVITY_SLASH();
        expect(BigInt(p.slashedAmount)).to.equal(2n * slash);
      } else {
        expect(p.slashReasons, `${p.address} (${p.behavior})`).to.deep.equal([]);
      }
    }
    expect(result.report.blocks.every((b) => b.outcome === "proven")).to.equal(true);
    expectConserved(result);
  });

  it("seed000 slashes nobody for inactivity", async function () {
    const result = await simulate({ offline: 0.25, policy: "seed000", blocks: 6 });
    expect(await result.contracts.rewards.INACTIVITY_THRESHOLD()).to.equal(0n);
    expect(result.report.provers.every((p) => p.slashReasons.length === 0)).to.equal(true);
    expect(result.report.provers.filter((p) => p.behavior === "offline")).to.have.length(2);
    expectConserved(result);
  });
});
