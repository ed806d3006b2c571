import { expect } from "chai";
import { network } from "hardhat";

import { BLOCK_GAS_LIMIT, L1_HARDFORK, TRANSACTION_GAS_CAP } from "../hardhat.config.js";

/**
 * The in-process network every test, `npm run gas` and `npm run sim` connect to with
 * `network.create()` (Hardhat's `default` entry, configured in hardhat.config.ts): Osaka with the
 * EIP-7825 per-transaction gas cap, as mainnet runs it.
 */
describe("network: the default in-process chain", function () {
  it("is Osaka with a 60M block and the EIP-7825 cap of 2^24, as configured", async function () {
    const connection = await network.create();
    try {
      const config = connection.networkConfig;
      expect(connection.networkName).to.equal("default");
      expect(config.type).to.equal("edr-simulated");
      if (config.type !== "edr-simulated") return;
      expect(config.chainType).to.equal("l1");
      expect(config.hardfork).to.equal(L1_HARDFORK).and.to.equal("osaka");
      expect(TRANSACTION_GAS_CAP).to.equal(2 ** 24);
      if (process.argv.includes("--coverage")) return; // coverage lifts both limits
      expect(config.blockGasLimit).to.equal(BigInt(BLOCK_GAS_LIMIT));
      expect(config.transactionGasCap).to.equal(BigInt(TRANSACTION_GAS_CAP));
      const block = await connection.ethers.provider.getBlock("latest");
      expect(block?.gasLimit).to.equal(BigInt(BLOCK_GAS_LIMIT));
    } finally {
      await connection.close();
    }
  });

  it("refuses a transaction asking for more than 2^24 gas and accepts exactly 2^24", async function () {
    if (process.argv.includes("--coverage")) this.skip();
    const connection = await network.create();
    try {
      const [sender] = await connection.ethers.getSigners();
      const cap = BigInt(TRANSACTION_GAS_CAP);
      let refused = "";
      try {
        await sender.sendTransaction({ to: sender.address, gasLimit: cap + 1n });
      } catch (error) {
        refused = error instanceof Error ? error.message : String(error);
      }
      expect(refused).to.match(/exceeds transaction gas cap/);
      const receipt = await (
        await sender.sendTransaction({ to: sender.address, gasLimit: cap })
      ).wait();
      expect(receipt?.status).to.equal(1);
    } finally {
      await connection.close();
    }
  });
});
