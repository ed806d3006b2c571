import { expect } from "chai";

import { assignment } from "../src/protocol/assignment.js";
import {
  landedRoots,
  noRootApproximation,
  noRootProbabilityExact,
  noRootProbabilityModel,
  nodeUncoveredProbability,
  parseSweepOptions,
  seed000Probability,
} from "../src/sim/sweep.js";

const SEED = "0x" + "ab".repeat(32);

describe("sweep model (seed 000's (f/n)^c)", function () {
  const base = { m: 8, c: 2, leafCount: 4, trials: 200, seed: 7 };

  it("lands every root with no faulty member, and none with only faulty ones", function () {
    const assigned = assignment(8, SEED, 3, 4);
    expect(landedRoots(assigned, 3, 4, new Array<boolean>(8).fill(false))).to.equal(3);
    expect(landedRoots(assigned, 3, 4, new Array<boolean>(8).fill(true))).to.equal(0);
  });

  it("fails a tree-1 block when a single node's only prover is faulty", function () {
    const assigned = assignment(8, SEED, 1, 4);
    const faulty = new Array<boolean>(8).fill(false);
    faulty[assigned[6]] = true; // node 7, a leaf
    expect(landedRoots(assigned, 1, 4, faulty)).to.equal(0);
  });

  it("is 0 with no faulty member", function () {
    expect(noRootProbabilityModel({ ...base, faulty: 0 })).to.equal(0);
  });

  it("is exactly 0 with fewer faulty members than trees (the guarantee)", function () {
    for (const c of [2, 3, 4]) {
      for (let faulty = 1; faulty < c; faulty++) {
        expect(noRootProbabilityModel({ ...base, c, faulty }), `c=${c} f=${faulty}`).to.equal(0);
        expect(nodeUncoveredProbability(faulty, 8, c)).to.equal(0);
        expect(noRootProbabilityExact(faulty, 8, c, 4)).to.equal(0);
      }
    }
  });

  it("is 1 when every member is faulty", function () {
    expect(noRootProbabilityModel({ ...base, trials: 20, faulty: 8 })).to.equal(1);
  });

  it("is well above (f/n)^1 for c = 1 (any faulty node on the tree breaks it)", function () {
    const model = noRootProbabilityModel({ ...base, c: 1, faulty: 2, trials: 400 });
    expect(seed000Probability(2, 8, 1)).to.equal(0.25);
    // Exact: 1 - (6/8)(C(6,2)/C(8,2))(C(6,4)/C(8,4)) = 1 - 0.75 * 15/28 * 15/70 ~ 0.914.
    const exact = noRootProbabilityExact(2, 8, 1, 4)!;
    expect(Math.abs(exact - (1 - 0.75 * (15 / 28) * (15 / 70)))).to.be.at.most(1e-12);
    expect(model).to.be.greaterThan(0.8);
    // (Not closeTo: the Hardhat chai matchers replace it with a bigint-only version.)
    expect(Math.abs(model - exact)).to.be.at.most(0.05);
    expect(noRootApproximation(2, 8, 1, 4)).to.be.greaterThan(0.8);
  });

  it("is monotone in the number of faulty members for a fixed seed", function () {
    for (const c of [1, 2, 3]) {
      let previous = 0;
      for (let faulty = 0; faulty <= 8; faulty++) {
        const p = noRootProbabilityModel({ ...base, c, faulty, trials: 60 });
        expect(p, `c=${c} f=${faulty}`).to.be.at.least(previous);
        previous = p;
      }
      expect(previous).to.equal(1);
    }
  });

  it("parses the sweep's options and refuses bad ones", function () {
    const config = parseSweepOptions(["--fractions", "0,0.5", "--trees=2", "--blocks", "0"]);
    expect(config.fractions).to.deep.equal([0, 0.5]);
    expect(config.trees).to.deep.equal([2]);
    expect(config.blocks).to.equal(0);
    expect(() => parseSweepOptions(["--trees", "17"])).to.throw(/--trees/);
    expect(() => parseSweepOptions(["--fractions", "0,x"])).to.throw(/--fractions/);
    expect(() => parseSweepOptions(["--L", "3"])).to.throw(/power of two/);
    expect(() => parseSweepOptions(["--bogus", "1"])).to.throw(/unknown/);
  });
});
