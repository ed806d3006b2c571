import { expect } from "chai";
import { network } from "hardhat";

import { BlockStatus, proofWindow } from "../src/protocol/lifecycle.js";
import {
  deployLifecycle,
  firstOpenSlot,
  mineTo,
  proposeBlock,
  publishData,
  rootProof,
  submitRoot,
  type LifecycleFixture,
} from "./helpers/lifecycle.js";

const { ethers, networkHelpers } = await network.create();

describe("BlockLifecycle scenarios", function () {
  let fx: LifecycleFixture;

  beforeEach(async function () {
    fx = await deployLifecycle(ethers, (n) => networkHelpers.mine(n));
  });

  it("proves a block by its first tree, then records the other trees inside the window", async function () {
    const slot = await firstOpenSlot(fx, ethers);
    await proposeBlock(fx, ethers, slot, fx.sequencers[0]);
    await publishData(fx, ethers, slot);
    await expect(submitRoot(fx, slot, 1, fx.members[1]))
      .to.emit(fx.lifecycle, "BlockFinalized")
      .withArgs(slot, 1n, fx.members[1].address);
    let block = await fx.lifecycle.getBlock(slot);
    expect(block.status).to.equal(BigInt(BlockStatus.Final));
    await expect(submitRoot(fx, slot, 0, fx.members[2])).to.emit(fx.lifecycle, "RootProofAccepted");
    block = await fx.lifecycle.getBlock(slot);
    expect(block.provenTrees).to.equal(3n);
    await expect(submitRoot(fx, slot, 0, fx.members[3]))
      .to.be.revertedWithCustomError(fx.lifecycle, "TreeAlreadyProven")
      .withArgs(slot, 0n);
    const { closesAt } = proofWindow(fx.clock, slot);
    expect(closesAt).to.be.greaterThan(0n);
    const p = await rootProof(fx, slot, 1, fx.members[0].address);
    expect(await fx.lifecycle.rootRecordHash(slot, 1)).to.equal(ethers.keccak256(p.record));
    await mineTo(fx, ethers, closesAt + 1n);
  });
});
