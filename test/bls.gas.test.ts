import { expect } from "chai";
import { network } from "hardhat";

import { measureBls } from "../scripts/gas/bls.js";
import { GAS_CEILINGS } from "../scripts/gas/ceilings.js";

const EXPECTED_KEYS = [
  "bls.verify",
  "bls.verifyAggregate.signers33",
  "bls.compare.eth.verify",
  "bls.compare.short.verify",
  ...[8, 16, 33].flatMap((n) => [
    `bls.compare.eth.verifyAggregate.signers${n}`,
    `bls.compare.short.verifyAggregate.signers${n}`,
  ]),
].sort();

describe("BLS gas measurement", function () {
  let first: Record<string, number>;

  before(async function () {
    const { ethers } = await network.create();
    first = await measureBls(ethers);
  });

  it("reports every key as a positive integer", function () {
    expect(Object.keys(first).sort()).to.deep.equal(EXPECTED_KEYS);
    for (const [key, gas] of Object.entries(first)) {
      expect(Number.isSafeInteger(gas) && gas > 21_000, key).to.equal(true);
    }
  });

  it("stays under the ceilings", function () {
    const blsKeys = Object.keys(GAS_CEILINGS).filter((key) => key.startsWith("bls."));
    expect(blsKeys.sort()).to.deep.equal(["bls.verify", "bls.verifyAggregate.signers33"]);
    for (const key of blsKeys) expect(first[key], key).to.be.at.most(GAS_CEILINGS[key]);
  });

  it("is consistent: the headline numbers are the eth side of the comparison, cost grows with signers", function () {
    expect(first["bls.verify"]).to.equal(first["bls.compare.eth.verify"]);
    expect(first["bls.verifyAggregate.signers33"]).to.equal(
      first["bls.compare.eth.verifyAggregate.signers33"],
    );
    for (const variant of ["eth", "short"]) {
      const series = [8, 16, 33].map(
        (n) => first[`bls.compare.${variant}.verifyAggregate.signers${n}`],
      );
      expect(series[0]).to.be.greaterThan(first[`bls.compare.${variant}.verify`]);
      expect(series[1]).to.be.greaterThan(series[0]);
      expect(series[2]).to.be.greaterThan(series[1]);
    }
  });

  it("is deterministic: a second run on a fresh network gives identical numbers", async function () {
    const { ethers } = await network.create();
    expect(await measureBls(ethers)).to.deep.equal(first);
  });
});
