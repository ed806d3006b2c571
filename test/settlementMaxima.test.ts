/**
 * Settlement always fits (issue 18): on the EIP-7825 network (Hardhat's default network, hardfork
 * osaka, per-transaction cap 2^24), one settlement segment at the largest parameter points the
 * validator and the election's constructor accept is one transaction under the cap: a full
 * segment of SEGMENT_SLOTS blocks, every tree with its first and an additional root, a committee
 * of 256 members credited for the first time, inactivity on, at the largest L for each c that
 * CommitteeElection.MAX_TREE_NODES allows (c · (2L − 1) ≤ 512). See scripts/gas/maxima.ts.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import hre, { network } from "hardhat";

import { MAX_COMMITTEE_SIZE, MAX_TREE_NODES } from "../src/protocol/parameters.js";
import { MAXIMA_POINTS, settleSegmentAt } from "../scripts/gas/maxima.js";

const CAP = 1n << 24n;

describe("Settlement at the maxima fits one transaction (EIP-7825)", function () {
  let ethers: HardhatEthers;

  before(async function () {
    // Under --coverage the bytecode is instrumented (more gas) and the network lifts the
    // per-transaction cap, so the figures say nothing; these settlements of m = 256 also run
    // millions of instrumented statements, which upset the coverage run (npm test runs them).
    if (hre.globalOptions.coverage === true) this.skip();
    ({ ethers } = await network.create());
  });

  this.timeout(600_000);

  it("runs on a network that enforces the 2^24 per-transaction cap", async function () {
    const [signer] = await ethers.getSigners();
    let refused = "";
    try {
      await signer.sendTransaction({ to: signer.address, gasLimit: CAP + 1n });
    } catch (error) {
      refused = String(error);
    }
    expect(refused).to.match(/gas cap|exceeds/i);
  });

  it("the points are the validator's largest: m = 256 and c · (2L − 1) ≤ MAX_TREE_NODES < c · (4L − 1)", function () {
    for (const p of MAXIMA_POINTS) {
      expect(BigInt(p.m)).to.equal(MAX_COMMITTEE_SIZE);
      expect(BigInt(p.c * (2 * p.leafCount - 1)) <= MAX_TREE_NODES).to.equal(true);
      expect(BigInt(p.c * (4 * p.leafCount - 1)) > MAX_TREE_NODES).to.equal(true);
    }
  });

  for (const point of MAXIMA_POINTS) {
    it(`m = ${point.m}, c = ${point.c}, L = ${point.leafCount}: a full segment with 2c roots per block`, async function () {
      const cost = await settleSegmentAt(ethers, point);
      console.log(
        `      segment of ${cost.blocks} blocks, ${cost.roots} roots: ${cost.gasUsed} gas`,
      );
      expect(cost.gasUsed < CAP).to.equal(true);
    });
  }
});
