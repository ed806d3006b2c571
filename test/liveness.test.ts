/**
 * Liveness under faulty members (fallback work, `ProverClient.fallbackInput`): the TypeScript
 * prover clients and the sequencer run against the contracts through `runSimulation`, and every
 * outcome is read from chain state and events.
 *
 * - Exactly f faulty members (n = 8, f = 2) that withhold every output, under every policy: every
 *   block whose data was published is proven inside its window, no honest prover is slashed,
 *   tokens are conserved, and the honest members did cover for the silent ones (fallback chunks
 *   were proven). The same for the other fault kinds under striped trees.
 * - One honest member and an honest sequencer (7 of 8 withhold) under vrfPath, where every
 *   member holds the root: every block is proven by that member's fallback work alone.
 */
import { expect } from "chai";

import { type ByzantineFault } from "../src/client/prover.js";
import { type Policy, type SimOptions } from "../src/sim/options.js";
import { type SimResult } from "../src/sim/simulator.js";
import { SMALL_NETWORK, closeSimulations, simulateOn } from "./helpers/simulation.js";

/** The small network (n = 8, f = 2, c = 3, L = 4, W = 24), 3 blocks, inactivity off. */
const SMALL: SimOptions = { ...SMALL_NETWORK, blocks: 3, k: 0 };

/** 16 provers, n = 16, f = 5 of them Byzantine, the default window W = 64 (fallback work waits per level). */
const SIXTEEN: Partial<SimOptions> = {
  provers: 16,
  committeeSize: 16,
  byzantine: 5 / 16,
  window: 64,
};

function simulate(overrides: Partial<SimOptions>): Promise<SimResult> {
  return simulateOn({ ...SMALL, ...overrides });
}

after(closeSimulations);

/** Every published block proven inside its window, from chain state. */
async function expectPublishedProven(result: SimResult): Promise<void> {
  const { lifecycle } = result.contracts;
  expect(result.report.blocks).to.have.length(SMALL.blocks);
  for (const block of result.report.blocks) {
    expect(block.withheld, `block ${block.number}`).to.equal("none");
    expect(block.outcome, `block ${block.number}`).to.equal("proven");
    const stored = await lifecycle.getBlock(block.number);
    expect(Number(stored.status), `block ${block.number}`).to.equal(2);
    const [, closesAt] = await lifecycle.proofWindow(block.number);
    expect(BigInt(block.finalizedAtL1Block!)).to.be.at.most(closesAt);
  }
}

function expectNoHonestSlashedAndConserved(result: SimResult): void {
  for (const p of result.report.provers) {
    if (p.behavior === "honest") {
      expect(p.slashedAmount, `${p.address} (honest)`).to.equal("0");
    }
  }
  expect(result.report.totals.conserved, JSON.stringify(result.report.totals.checks)).to.equal(
    true,
  );
}

function fallbackChunks(result: SimResult): number {
  return result.provers.reduce((sum, p) => sum + p.fallbackChunks, 0);
}

describe("Liveness: honest members cover for faulty ones (fallback work)", function () {
  // Striped trees and siblingCover cover a silent root too (a fallback root files NONE at the
  // root); vrfPath, sortedRounds and rankedProofs give the root more holders than f.
  const POLICIES: Policy[] = [
    "seed000",
    "seed001",
    "vrfPath",
    "sortedRounds",
    "rankedProofs",
    "siblingCover",
  ];
  for (const policy of POLICIES) {
    it(`${policy}: f of n members withhold every output, and every published block is still proven`, async function () {
      const result = await simulate({ ...SIXTEEN, policy, byzantineFault: "withhold" });
      const silent = result.report.provers.filter((p) => p.behavior === "byzantine:withhold");
      expect(silent).to.have.length(5);
      await expectPublishedProven(result);
      expectNoHonestSlashedAndConserved(result);
    });
  }

  const KINDS: ByzantineFault[] = ["wrongOutput", "doubleSign", "silentLeader"];
  for (const fault of KINDS) {
    it(`striped trees: f of n members of kind ${fault}, and every published block is proven`, async function () {
      const result = await simulate({ policy: "seed000", byzantine: 0.25, byzantineFault: fault });
      await expectPublishedProven(result);
      expectNoHonestSlashedAndConserved(result);
    });
  }

  it("striped trees: f of n members offline, and every published block is proven", async function () {
    const result = await simulate({ policy: "seed000", offline: 0.25 });
    await expectPublishedProven(result);
    expectNoHonestSlashedAndConserved(result);
  });

  it("striped trees: f of n members slow (each chunk takes longer than the window), and every published block is proven", async function () {
    const result = await simulate({ ...SIXTEEN, byzantine: 0, slow: 5 / 16, policy: "seed000" });
    expect(result.report.provers.filter((p) => p.behavior === "slow")).to.have.length(5);
    await expectPublishedProven(result);
    expectNoHonestSlashedAndConserved(result);
  });

  it("striped trees with inactivity (seed001, k = 1): f of n silent members on another seed, every published block proven, no honest prover slashed", async function () {
    const result = await simulate({
      ...SIXTEEN,
      policy: "seed001",
      byzantineFault: "withhold",
      k: 1,
      seed: 2,
    });
    await expectPublishedProven(result);
    expectNoHonestSlashedAndConserved(result);
  });

  for (const policy of ["vrfPath", "seed000"] as Policy[]) {
    it(`${policy}: one honest member and an honest sequencer prove every block by fallback work`, async function () {
      // 7 of 8 withhold; the window is the default 64 blocks: every level above a silent node
      // waits its deadline (docs/protocol.md, "Fallback work"), and all of them are silent here.
      const result = await simulate({
        policy,
        byzantine: 0.875,
        byzantineFault: "withhold",
        window: 64,
      });
      const honest = result.report.provers.filter((p) => p.behavior === "honest");
      expect(honest).to.have.length(1);
      await expectPublishedProven(result);
      expectNoHonestSlashedAndConserved(result);
      const helper = result.provers.find((p) => p.address === honest[0].address)!;
      expect(helper.fallbackChunks).to.be.greaterThan(0);
      // Every accepted root was filed by the honest member: nobody else sends anything.
      const roots = result.events.filter((e) => e.name === "RootProofAccepted");
      expect(roots.length).to.be.at.least(SMALL.blocks);
      for (const e of roots) {
        if (e.name !== "RootProofAccepted") continue;
        expect(e.submitter.toLowerCase()).to.equal(honest[0].address.toLowerCase());
      }
    });
  }
});
