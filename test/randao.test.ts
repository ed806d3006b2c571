import { expect } from "chai";
import { network } from "hardhat";

import {
  epochAt,
  epochStartBlock,
  randaoCheckpointValue,
  seedFromCheckpoint,
  seedOf,
} from "../src/protocol/epoch.js";
import { Prng } from "./helpers/prng.js";
import type { StakeFixture } from "./helpers/stakeTable.js";
import { deployStakeTable, mineToEpochStart, mineUntilNextBlockIs } from "./helpers/stakeTable.js";

const { ethers, networkHelpers } = await network.create();
const mine = (n: number) => networkHelpers.mine(n);

async function fixture(): Promise<StakeFixture> {
  return deployStakeTable(ethers, {}, false);
}

async function prevRandaoOf(blockNumber: number): Promise<bigint> {
  // After the merge the header's mixHash field carries prevrandao.
  const block = await ethers.provider.send("eth_getBlockByNumber", [
    ethers.toQuantity(blockNumber),
    false,
  ]);
  return BigInt((block as { mixHash: string }).mixHash);
}

/** The on-chain seed of `epoch`, or the name of the custom error it reverts with. */
async function chainSeed(fx: StakeFixture, epoch: bigint): Promise<string> {
  try {
    return await fx.table.seedOf(epoch);
  } catch (error) {
    const data = (error as { data?: string }).data;
    if (data === undefined) throw error;
    const parsed = fx.table.interface.parseError(data);
    if (parsed === null) throw error;
    expect(parsed.args[0]).to.equal(epoch);
    return parsed.name;
  }
}

/** The TypeScript rule applied to the chain's checkpoints. */
async function mirrorSeed(fx: StakeFixture, epoch: bigint): Promise<string> {
  const checkpoints = new Map<bigint, string>();
  for (let e = 0n; e <= epoch; e++) {
    const value = await fx.table.randaoCheckpoint(e);
    if (value !== ethers.ZeroHash) checkpoints.set(e, value);
  }
  const current = await fx.table.currentEpoch();
  const result = seedOf(
    { lookahead: fx.params.lookahead, seedLookback: fx.params.seedLookback },
    current,
    epoch,
    (e) => checkpoints.get(e),
  );
  return "seed" in result ? result.seed : result.failure;
}

async function checkpointIn(fx: StakeFixture, epoch: bigint) {
  await mineToEpochStart(fx, ethers, mine, epoch);
  const tx = await fx.table.checkpointRandao();
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt;
}

describe("Epoch clock and RANDAO beacon", function () {
  it("the TypeScript clock matches the contract's", async function () {
    const fx = await networkHelpers.loadFixture(fixture);
    const clock = {
      genesisBlock: await fx.table.GENESIS_BLOCK(),
      epochLength: await fx.table.EPOCH_LENGTH(),
    };
    for (const offset of [0n, 1n, 9n, 10n, 11n, 19n, 20n, 12345n]) {
      const block = clock.genesisBlock + offset;
      expect(await fx.table.epochAt(block)).to.equal(epochAt(clock, block));
    }
    for (const epoch of [0n, 1n, 2n, 77n]) {
      expect(await fx.table.epochStartBlock(epoch)).to.equal(epochStartBlock(clock, epoch));
    }
    await expect(fx.table.epochAt(clock.genesisBlock - 1n))
      .to.be.revertedWithCustomError(fx.table, "BlockBeforeGenesis")
      .withArgs(clock.genesisBlock - 1n, clock.genesisBlock);
    await mine(25);
    expect(await fx.table.currentEpoch()).to.equal(
      epochAt(clock, BigInt(await ethers.provider.getBlockNumber())),
    );
  });

  it("checkpoints epoch 0 at deployment with the deployment block's prevrandao", async function () {
    const fx = await networkHelpers.loadFixture(fixture);
    const genesis = await fx.table.GENESIS_BLOCK();
    expect(await fx.table.randaoCheckpoint(0n)).to.equal(
      randaoCheckpointValue(await prevRandaoOf(Number(genesis))),
    );
  });

  it("checkpoints at most once per epoch, by anyone", async function () {
    const fx = await networkHelpers.loadFixture(fixture);
    const [anyone] = fx.signers;
    await mineToEpochStart(fx, ethers, mine, 1n);
    const tx = await fx.table.connect(anyone).checkpointRandao();
    const first = await tx.wait();
    if (first === null) throw new Error("no receipt");
    const value = randaoCheckpointValue(await prevRandaoOf(first.blockNumber));
    await expect(tx).to.emit(fx.table, "RandaoCheckpointed").withArgs(1n, value, first.blockNumber);
    expect(await fx.table.randaoCheckpoint(1n)).to.equal(value);
    const stored = await fx.table.randaoCheckpoint(1n);
    // Last block of epoch 1: still the same epoch, so a second checkpoint is refused and changes nothing.
    await mine(Number(fx.params.epochLength) - 2);
    await expect(fx.table.checkpointRandao())
      .to.be.revertedWithCustomError(fx.table, "RandaoAlreadyCheckpointed")
      .withArgs(1n);
    expect(await fx.table.randaoCheckpoint(1n)).to.equal(stored);
    // First block of epoch 2 (a reverted call mines no block): allowed again.
    await mine(1);
    const receipt = await (await fx.table.checkpointRandao()).wait();
    if (receipt === null) throw new Error("no receipt");
    expect(await fx.table.epochAt(receipt.blockNumber)).to.equal(2n);
    expect(await fx.table.randaoCheckpoint(2n)).to.equal(
      randaoCheckpointValue(await prevRandaoOf(receipt.blockNumber)),
    );
  });

  it("seeds draw from the checkpoint exactly `lookahead` epochs earlier (lookahead boundary)", async function () {
    const fx = await networkHelpers.loadFixture(fixture);
    // lookahead = 2. Epochs 0 and 1 have no seed at all.
    expect(await chainSeed(fx, 0n)).to.equal("SeedUnavailable");
    expect(await chainSeed(fx, 1n)).to.equal("SeedUnavailable");
    // Epoch 2 draws from epoch 0's checkpoint, already final during epoch 0.
    const seed2 = await chainSeed(fx, 2n);
    expect(seed2).to.match(/^0x[0-9a-f]{64}$/);
    // Epoch 3 draws from epoch 1: not final while epoch 1 has not come (or not checkpointed).
    expect(await chainSeed(fx, 3n)).to.equal("SeedNotFinal");
    await mineToEpochStart(fx, ethers, mine, 1n);
    await mine(1);
    expect(await chainSeed(fx, 3n)).to.equal("SeedNotFinal");
    await fx.table.checkpointRandao();
    const seed3 = await chainSeed(fx, 3n);
    expect(seed3).to.match(/^0x/);
    expect(seed3).to.not.equal(seed2);
    // A checkpoint at epoch e-1 never changes the seed of e.
    await checkpointIn(fx, 2n);
    expect(await chainSeed(fx, 3n)).to.equal(seed3);
    expect(await chainSeed(fx, 2n)).to.equal(seed2);
    expect(await chainSeed(fx, 4n)).to.not.equal(seed3);
    // Epoch 5 (newest source 3) is in the future: not final.
    expect(await chainSeed(fx, 5n)).to.equal("SeedNotFinal");
    for (let e = 0n; e <= 6n; e++) expect(await chainSeed(fx, e)).to.equal(await mirrorSeed(fx, e));
  });

  it("falls back to the latest checkpoint within the lookback, and has no seed beyond it", async function () {
    const fx = await networkHelpers.loadFixture(fixture);
    // lookahead = 2, seedLookback = 4. Checkpoints: 0 (genesis), 1, 3. None from 4 on.
    await checkpointIn(fx, 1n);
    await checkpointIn(fx, 3n);
    await mineToEpochStart(fx, ethers, mine, 10n);
    await mine(1); // views now run in epoch 10
    const cp3 = await fx.table.randaoCheckpoint(3n);
    expect(await fx.table.randaoCheckpoint(2n)).to.equal(ethers.ZeroHash);
    // seed(4): source 2 missing -> falls back to 1.
    expect(await chainSeed(fx, 4n)).to.equal(
      seedFromCheckpoint(await fx.table.randaoCheckpoint(1n), 4n),
    );
    // seed(8): range [3, 6] -> 3 (the oldest epoch of the range, lookback boundary).
    expect(await chainSeed(fx, 8n)).to.equal(seedFromCheckpoint(cp3, 8n));
    // seed(9): range [4, 7] holds no checkpoint -> no seed (lookback + 1).
    expect(await chainSeed(fx, 9n)).to.equal("SeedUnavailable");
    expect(await chainSeed(fx, 11n)).to.equal("SeedUnavailable");
    // One checkpoint restarts the beacon: epoch 10's checkpoint seeds epoch 12 on.
    expect(await chainSeed(fx, 12n)).to.equal("SeedNotFinal");
    await fx.table.checkpointRandao();
    const cp10 = await fx.table.randaoCheckpoint(10n);
    expect(await chainSeed(fx, 12n)).to.equal(seedFromCheckpoint(cp10, 12n));
    expect(await chainSeed(fx, 13n)).to.equal("SeedNotFinal");
    for (let e = 0n; e <= 13n; e++)
      expect(await chainSeed(fx, e)).to.equal(await mirrorSeed(fx, e));
  });

  it("the TypeScript rule and the contract agree on randomized checkpoint patterns", async function () {
    this.timeout(120_000);
    const prng = new Prng(0x2545f491);
    const rand = () => prng.next();
    for (let round = 0; round < 3; round++) {
      const fx = await deployStakeTable(ethers, {}, false);
      for (let epoch = 1n; epoch <= 14n; epoch++) {
        if (rand() < 0.5) await checkpointIn(fx, epoch);
      }
      await mine(Number(fx.params.epochLength) * 2);
      for (let e = 0n; e <= 18n; e++)
        expect(await chainSeed(fx, e)).to.equal(await mirrorSeed(fx, e));
    }
  });

  it("a state-changing call that needs a seed checkpoints automatically, once per epoch", async function () {
    const beacon = await ethers.deployContract("RandaoBeaconHarness", [10n, 2n, 4n]);
    const genesis = await beacon.GENESIS_BLOCK();
    await mineUntilNextBlockIs(ethers, mine, genesis + 10n); // first block of epoch 1
    expect(await beacon.randaoCheckpoint(1n)).to.equal(ethers.ZeroHash);
    const tx = await beacon.actionNeedingSeed();
    const receipt = await tx.wait();
    if (receipt === null) throw new Error("no receipt");
    const value = randaoCheckpointValue(await prevRandaoOf(receipt.blockNumber));
    await expect(tx).to.emit(beacon, "RandaoCheckpointed").withArgs(1n, value, receipt.blockNumber);
    await expect(tx)
      .to.emit(beacon, "SeedUsed")
      .withArgs(2n, seedFromCheckpoint(await beacon.randaoCheckpoint(0n), 2n), true);
    // Second call in the same epoch: no new checkpoint, the stored value stays.
    const again = beacon.actionNeedingSeed();
    await expect(again).to.not.emit(beacon, "RandaoCheckpointed");
    await expect(again)
      .to.emit(beacon, "SeedUsed")
      .withArgs(2n, seedFromCheckpoint(await beacon.randaoCheckpoint(0n), 2n), false);
    expect(await beacon.randaoCheckpoint(1n)).to.equal(value);
    await expect(beacon.checkpointRandao())
      .to.be.revertedWithCustomError(beacon, "RandaoAlreadyCheckpointed")
      .withArgs(1n);
  });
});
