/**
 * Whole block-lifecycle scenarios (issue 4): each would fail if a rule of proposal, data
 * publication, timeout certificates, the proof window, participation or pruning broke.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { readEpochSettlement } from "../src/client/settlement.js";
import { blockSeed } from "../src/protocol/assignment.js";
import {
  BlockStatus,
  checkParticipation,
  leaderIndex,
  participationRecord,
  proofWindow,
} from "../src/protocol/lifecycle.js";
import { chainRootDigest } from "../src/protocol/rewards.js";
import {
  deployLifecycle,
  firstOpenSlot,
  leaderOf,
  mineTo,
  proposeBlock,
  publishData,
  rootProof,
  submitRoot,
  timeoutOpensAt,
  timeoutVotes,
  treeShape,
  type LifecycleFixture,
} from "./helpers/lifecycle.js";
import { nextBlockNumber } from "./helpers/stakeTable.js";

const { ethers, networkHelpers } = await network.create();

async function lifecycleFixture(): Promise<LifecycleFixture> {
  return deployLifecycle(ethers, (n) => networkHelpers.mine(n));
}

async function statusOf(fx: LifecycleFixture, slot: bigint): Promise<BlockStatus> {
  return Number((await fx.lifecycle.getBlock(slot)).status) as BlockStatus;
}

/** Proposes and publishes blocks in `count` consecutive slots from `first`, each on the last. */
async function buildChain(fx: LifecycleFixture, first: bigint, count: number): Promise<bigint[]> {
  const slots: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const slot = first + BigInt(i);
    await proposeBlock(fx, ethers, slot, fx.sequencers[i % fx.sequencers.length]);
    await publishData(fx, ethers, slot);
    slots.push(slot);
  }
  return slots;
}

describe("BlockLifecycle scenarios", function () {
  let fx: LifecycleFixture;

  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(lifecycleFixture);
  });

  it("proves a block by its first tree, then records the other trees inside the window", async function () {
    const slot = await firstOpenSlot(fx, ethers);
    await proposeBlock(fx, ethers, slot, fx.sequencers[0]);
    await publishData(fx, ethers, slot);
    await expect(submitRoot(fx, slot, 1, fx.members[1]))
      .to.emit(fx.lifecycle, "BlockFinalized")
      .withArgs(slot, 1n, fx.members[1].address);
    expect(await statusOf(fx, slot)).to.equal(BlockStatus.Final);
    const [head, finalized, pending] = await fx.lifecycle.chainState();
    expect([head, finalized, pending]).to.deep.equal([slot, slot, 0n]);

    // The other tree still counts, for rewards, and does not finalize again.
    const second = submitRoot(fx, slot, 0, fx.members[2]);
    await expect(second).to.emit(fx.lifecycle, "RootProofAccepted");
    await expect(second).not.to.emit(fx.lifecycle, "BlockFinalized");
    expect((await fx.lifecycle.getBlock(slot)).provenTrees).to.equal(3n);
    // Both roots extend the epoch's digest, in the order they landed.
    const epoch = await fx.lifecycle.epochOfSlot(slot);
    const { roots } = await readEpochSettlement(fx.lifecycle, fx.election, epoch);
    expect(roots.map((r) => [r.slot, r.tree, r.submitter, r.sequence])).to.deep.equal([
      [slot, 1n, fx.members[1].address, 0n],
      [slot, 0n, fx.members[2].address, 1n],
    ]);
    for (const root of roots) {
      const { record } = await rootProof(fx, slot, Number(root.tree), root.submitter);
      expect(root.record).to.equal(ethers.hexlify(record));
    }
    expect(await fx.lifecycle.rootDigest(epoch, 0n)).to.equal(chainRootDigest(roots));
    // A second proof of the same tree is rejected.
    await expect(submitRoot(fx, slot, 0, fx.members[3]))
      .to.be.revertedWithCustomError(fx.lifecycle, "TreeAlreadyProven")
      .withArgs(slot, 0n);
  });

  it("accepts proofs at window-1 and window, rejects them at window+1", async function () {
    const first = await firstOpenSlot(fx, ethers);
    const [a, b] = await buildChain(fx, first, 2);
    const windowA = proofWindow(fx.clock, a);
    const windowB = proofWindow(fx.clock, b);

    await mineTo(fx, ethers, windowA.closesAt - 1n);
    await expect(submitRoot(fx, a, 0)).to.emit(fx.lifecycle, "BlockFinalized");
    await mineTo(fx, ethers, windowA.closesAt + 1n);
    await expect(submitRoot(fx, a, 1))
      .to.be.revertedWithCustomError(fx.lifecycle, "OutsideWindow")
      .withArgs(a, windowA.opensAt, windowA.closesAt);

    await mineTo(fx, ethers, windowB.closesAt);
    await expect(submitRoot(fx, b, 1))
      .to.emit(fx.lifecycle, "BlockFinalized")
      .withArgs(b, 1n, fx.members[0].address);
    expect(await statusOf(fx, b)).to.equal(BlockStatus.Final);
    expect((await fx.lifecycle.getBlock(a)).provenTrees).to.equal(1n);
  });

  it("a withholding sequencer: f+1 votes form a certificate, the block is unprovable, its descendants are pruned", async function () {
    const first = await firstOpenSlot(fx, ethers);
    // Slot `first` is withheld from provers (published on the DA stand-in, never delivered);
    // two more blocks are built on it before the certificate lands.
    const [withheld, child, grandchild] = await buildChain(fx, first, 3);
    const f = Number(await fx.lifecycle.faultThreshold(fx.committee.length));
    expect(f).to.equal(1);
    const opensAt = await timeoutOpensAt(fx, withheld);
    if ((await nextBlockNumber(ethers)) < opensAt) await mineTo(fx, ethers, opensAt);
    const leader = await leaderOf(fx, withheld, 0);
    const voters = [0, 1, 2, 3]
      .filter((i) => fx.members[i] !== leader)
      .slice(0, f)
      .concat([fx.members.indexOf(leader)]);
    const { bitmap, signatures } = await timeoutVotes(fx, withheld, 0, voters);
    await expect(
      fx.lifecycle
        .connect(leader.signer)
        .postTimeoutCertificate(withheld, 0, fx.committee, bitmap, signatures),
    )
      .to.emit(fx.lifecycle, "BlockTimedOut")
      .withArgs(withheld, 0n, leader.address, bitmap)
      .and.to.emit(fx.lifecycle, "BlockPruned")
      .withArgs(grandchild);

    expect(await statusOf(fx, withheld)).to.equal(BlockStatus.TimedOut);
    expect(await statusOf(fx, child)).to.equal(BlockStatus.Pruned);
    expect(await statusOf(fx, grandchild)).to.equal(BlockStatus.Pruned);
    const [head, finalized, pending] = await fx.lifecycle.chainState();
    expect([head, finalized, pending]).to.deep.equal([0n, 0n, 0n]);

    // Unprovable, and so is everything built on it.
    for (const slot of [withheld, child, grandchild]) {
      await expect(submitRoot(fx, slot, 0)).to.be.revertedWithCustomError(
        fx.lifecycle,
        "UnexpectedBlockStatus",
      );
    }
    // A conflicting certificate (another round, another leader) changes nothing further.
    const leader1 = await leaderOf(fx, withheld, 1);
    const again = await timeoutVotes(fx, withheld, 1, [0, 1, 2, 3]);
    await expect(
      fx.lifecycle
        .connect(leader1.signer)
        .postTimeoutCertificate(withheld, 1, fx.committee, again.bitmap, again.signatures),
    )
      .to.be.revertedWithCustomError(fx.lifecycle, "UnexpectedBlockStatus")
      .withArgs(withheld, BigInt(BlockStatus.TimedOut));

    // No later block may build on it: the next proposal must build on the genesis block.
    const next = await firstOpenSlot(fx, ethers);
    await expect(proposeBlock(fx, ethers, next, fx.sequencers[0], { parent: withheld }))
      .to.be.revertedWithCustomError(fx.lifecycle, "InvalidParent")
      .withArgs(0n, withheld);
    await proposeBlock(fx, ethers, next, fx.sequencers[0], { parent: 0n });
    expect((await fx.lifecycle.getBlock(next)).parent).to.equal(0n);
  });

  it("a silent leader: the next round's leader forms the certificate", async function () {
    // Find a slot whose round-0 and round-1 leaders differ.
    let slot = await firstOpenSlot(fx, ethers);
    for (;;) {
      const seed = blockSeed(await fx.table.seedOf(fx.epoch), slot);
      if (leaderIndex(seed, 0, 4) !== leaderIndex(seed, 1, 4)) break;
      slot += 1n;
    }
    await proposeBlock(fx, ethers, slot, fx.sequencers[0]);
    await publishData(fx, ethers, slot);
    await mineTo(fx, ethers, await timeoutOpensAt(fx, slot));
    const silent = await leaderOf(fx, slot, 0);
    const next = await leaderOf(fx, slot, 1);
    expect(next.address).to.not.equal(silent.address);

    // The round-0 votes reached a leader who never posts; the next leader cannot post them.
    const round0 = await timeoutVotes(fx, slot, 0, [0, 1, 2, 3]);
    await expect(
      fx.lifecycle
        .connect(next.signer)
        .postTimeoutCertificate(slot, 0, fx.committee, round0.bitmap, round0.signatures),
    )
      .to.be.revertedWithCustomError(fx.lifecycle, "NotRoundLeader")
      .withArgs(silent.address, next.address);
    // Nor can round-0 votes pass as round-1 votes.
    await expect(
      fx.lifecycle
        .connect(next.signer)
        .postTimeoutCertificate(slot, 1, fx.committee, round0.bitmap, round0.signatures),
    ).to.be.revertedWithCustomError(fx.lifecycle, "InvalidVote");
    // Provers move on and vote again for round 1.
    const round1 = await timeoutVotes(fx, slot, 1, [0, 1, 2, 3]);
    await expect(
      fx.lifecycle
        .connect(next.signer)
        .postTimeoutCertificate(slot, 1, fx.committee, round1.bitmap, round1.signatures),
    )
      .to.emit(fx.lifecycle, "BlockTimedOut")
      .withArgs(slot, 1n, next.address, round1.bitmap);
    expect(await statusOf(fx, slot)).to.equal(BlockStatus.TimedOut);
  });

  it("only f votes: no certificate, the window expires and the block is pruned", async function () {
    const slot = await firstOpenSlot(fx, ethers);
    await proposeBlock(fx, ethers, slot, fx.sequencers[0]);
    await mineTo(fx, ethers, await timeoutOpensAt(fx, slot));
    const leader = await leaderOf(fx, slot, 0);
    const f = Number(await fx.lifecycle.faultThreshold(fx.committee.length));
    const { bitmap, signatures } = await timeoutVotes(fx, slot, 0, [fx.members.indexOf(leader)]);
    expect(signatures.length).to.equal(f);
    await expect(
      fx.lifecycle
        .connect(leader.signer)
        .postTimeoutCertificate(slot, 0, fx.committee, bitmap, signatures),
    )
      .to.be.revertedWithCustomError(fx.lifecycle, "NotEnoughSigners")
      .withArgs(BigInt(f), BigInt(f + 1));
    expect(await statusOf(fx, slot)).to.equal(BlockStatus.Proposed);

    const { closesAt } = proofWindow(fx.clock, slot);
    await mineTo(fx, ethers, closesAt);
    await expect(fx.lifecycle.prune(slot))
      .to.be.revertedWithCustomError(fx.lifecycle, "NotPrunable")
      .withArgs(slot);
    await networkHelpers.mine(1); // a reverted call mines no block
    await expect(fx.lifecycle.prune(slot)).to.emit(fx.lifecycle, "BlockPruned").withArgs(slot);
    expect(await statusOf(fx, slot)).to.equal(BlockStatus.Pruned);
    const [head, , pending] = await fx.lifecycle.chainState();
    expect([head, pending]).to.deep.equal([0n, 0n]);
  });

  it("a stolen proof with another submitter is rejected", async function () {
    const slot = await firstOpenSlot(fx, ethers);
    await proposeBlock(fx, ethers, slot, fx.sequencers[0]);
    await publishData(fx, ethers, slot);
    const honest = fx.members[0];
    const thief = fx.sequencers[1];
    const { record, proof } = await rootProof(fx, slot, 0, honest.address);
    // The thief copies record and proof from the honest prover's pending transaction.
    await expect(fx.lifecycle.connect(thief.signer).submitRootProof(slot, 0, record, proof))
      .to.be.revertedWithCustomError(fx.lifecycle, "InvalidRootProof")
      .withArgs(slot, 0n);
    // Nor can it be replayed for the other tree.
    await expect(
      fx.lifecycle.connect(honest.signer).submitRootProof(slot, 1, record, proof),
    ).to.be.revertedWithCustomError(fx.lifecycle, "UnassignedParticipant");
    await expect(fx.lifecycle.connect(honest.signer).submitRootProof(slot, 0, record, proof))
      .to.emit(fx.lifecycle, "BlockFinalized")
      .withArgs(slot, 0n, honest.address);
  });

  it("a record crediting an unassigned member below the root is the rewards layer's to reject", async function () {
    const slot = await firstOpenSlot(fx, ethers);
    await proposeBlock(fx, ethers, slot, fx.sequencers[0]);
    await publishData(fx, ethers, slot);
    const shape = await treeShape(fx, slot);
    // Forge: credit a leaf to a member assigned to that position in no tree.
    const leaf = shape.leafCount; // first leaf, heap node L
    const allowed = new Set(
      Array.from({ length: shape.c }, (_, t) => participationRecord(shape, t)[leaf - 1]),
    );
    const outsider = [...Array(shape.m).keys()].find((i) => !allowed.has(i))!;
    const forged = participationRecord(shape, 0);
    forged[leaf - 1] = outsider;
    expect(checkParticipation(shape, 0, forged)).to.deep.equal({ node: leaf, member: outsider });
    // Finality rests on the proof; the lifecycle checks only the record's shape and root. The
    // record decides rewards, and ProverRewards rejects it at settlement (test/rewards.test.ts).
    const submitter = fx.members[outsider];
    const proof = await rootProof(fx, slot, 0, submitter.address, forged);
    await expect(
      fx.lifecycle.connect(submitter.signer).submitRootProof(slot, 0, proof.record, proof.proof),
    )
      .to.emit(fx.lifecycle, "RootProofAccepted")
      .withArgs(slot, 0n, submitter.address, ethers.keccak256(forged), ethers.hexlify(forged));
    // A root credited to another tree's root prover is still rejected on submission.
    const borrowed = participationRecord(shape, 1);
    borrowed[0] = participationRecord(shape, 0)[0];
    const bad = await rootProof(fx, slot, 1, submitter.address, borrowed);
    await expect(
      fx.lifecycle.connect(submitter.signer).submitRootProof(slot, 1, bad.record, bad.proof),
    )
      .to.be.revertedWithCustomError(fx.lifecycle, "UnassignedParticipant")
      .withArgs(1n, BigInt(borrowed[0]));
  });

  it("a chain of 5 blocks whose second is never proven: the rest cannot finalize and all four are pruned", async function () {
    const first = await firstOpenSlot(fx, ethers);
    const chain = await buildChain(fx, first, 5);
    for (let i = 1; i < 5; i++) {
      expect((await fx.lifecycle.getBlock(chain[i])).parent).to.equal(chain[i - 1]);
    }
    await expect(submitRoot(fx, chain[0], 0)).to.emit(fx.lifecycle, "BlockFinalized");
    // Blocks 3..5 have their proofs ready, but their parents are not final.
    for (const slot of chain.slice(2)) {
      await expect(submitRoot(fx, slot, 0))
        .to.be.revertedWithCustomError(fx.lifecycle, "ParentNotFinal")
        .withArgs(slot, slot - 1n);
    }
    expect(await fx.lifecycle.chainState()).to.deep.equal([chain[4], chain[0], 4n]);
    await mineTo(fx, ethers, proofWindow(fx.clock, chain[1]).closesAt + 1n);
    const tx = fx.lifecycle.prune(chain[1]);
    for (const slot of chain.slice(1))
      await expect(tx).to.emit(fx.lifecycle, "BlockPruned").withArgs(slot);
    for (const slot of chain.slice(1))
      expect(await statusOf(fx, slot)).to.equal(BlockStatus.Pruned);
    expect(await statusOf(fx, chain[0])).to.equal(BlockStatus.Final);
    expect(await fx.lifecycle.chainState()).to.deep.equal([chain[0], chain[0], 0n]);
    // Pruned blocks stay unprovable even inside their own windows.
    await expect(submitRoot(fx, chain[4], 0)).to.be.revertedWithCustomError(
      fx.lifecycle,
      "UnexpectedBlockStatus",
    );
    // The chain continues from the last final block.
    const next = await firstOpenSlot(fx, ethers);
    await proposeBlock(fx, ethers, next, fx.sequencers[0]);
    expect((await fx.lifecycle.getBlock(next)).parent).to.equal(chain[0]);
  });
});

describe("BlockLifecycle record history (ring of HISTORY_SLOTS entries)", function () {
  // Epochs of 2000 L1 blocks (500 slots), so slots s and s + 256 share one committee.
  async function longEpochFixture(): Promise<LifecycleFixture> {
    return deployLifecycle(ethers, (n) => networkHelpers.mine(n), { epochLength: 2000n });
  }

  it("reuses a settled entry after HISTORY_SLOTS slots, and refuses to overwrite a pending block", async function () {
    const fx = await networkHelpers.loadFixture(longEpochFixture);
    const history = await fx.lifecycle.HISTORY_SLOTS();
    expect(history).to.equal(256n);
    const proven = await firstOpenSlot(fx, ethers);
    const [, stale] = await buildChain(fx, proven, 2);
    await submitRoot(fx, proven, 0);
    const provenEpoch = await fx.lifecycle.epochOfSlot(proven);
    const digest = await fx.lifecycle.rootDigest(provenEpoch, 0n);
    expect(digest).to.not.equal(ethers.ZeroHash);

    // Slot `proven + 256` lands on the proven block's entry: allowed, the old record goes.
    // It builds on the stale pending block (the head), whose window closed long ago.
    const reuse = proven + history;
    await proposeBlock(fx, ethers, reuse, fx.sequencers[0]);
    expect(await statusOf(fx, proven)).to.equal(BlockStatus.None);
    // The epoch's root digest outlives the ring: settlement has no deadline.
    expect(await fx.lifecycle.rootDigest(provenEpoch, 0n)).to.equal(digest);
    expect((await fx.lifecycle.getBlock(reuse)).parent).to.equal(stale);

    // Slot `stale + 256` would overwrite a block that is still pending: prune it first.
    const blocked = stale + history;
    await expect(proposeBlock(fx, ethers, blocked, fx.sequencers[1]))
      .to.be.revertedWithCustomError(fx.lifecycle, "PruneFirst")
      .withArgs(stale);
    await fx.lifecycle.prune(stale); // also prunes `reuse`, built on it
    expect(await statusOf(fx, reuse)).to.equal(BlockStatus.Pruned);
    await proposeBlock(fx, ethers, blocked, fx.sequencers[1]);
    expect(await statusOf(fx, blocked)).to.equal(BlockStatus.Proposed);
    expect(await statusOf(fx, stale)).to.equal(BlockStatus.None);
    expect((await fx.lifecycle.getBlock(blocked)).parent).to.equal(proven);
  });
});
