/**
 * Random action sequences (fast-check, seeded; a failing sequence shrinks and prints its seed)
 * against a TypeScript model of the pending chain: proposals,
 * publications, root proofs, timeout certificates, pruning and the passage of L1 blocks, in any
 * order and at any time. After every action the test checks that the contract accepted exactly
 * what the model accepts, and that every block's status, the head, the last final block and the
 * pending count agree with the model.
 */
import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";

import {
  BlockStatus,
  epochOfSlot,
  proofWindow,
  slotAt,
  slotStartBlock,
  timeoutWindow,
} from "../src/protocol/lifecycle.js";
import {
  deployLifecycle,
  leaderOf,
  proposeBlock,
  submitRoot,
  timeoutVotes,
  type LifecycleFixture,
} from "./helpers/lifecycle.js";
import { draws, type Draws } from "./helpers/draws.js";
import { nextBlockNumber } from "./helpers/stakeTable.js";

const { ethers, networkHelpers } = await network.create();

interface ModelBlock {
  status: BlockStatus;
  parent: bigint;
  publishedAt: bigint;
  provenTrees: number;
}

class ChainModel {
  blocks = new Map<bigint, ModelBlock>([
    [0n, { status: BlockStatus.Final, parent: 0n, publishedAt: 0n, provenTrees: 0 }],
  ]);
  head = 0n;
  finalized = 0n;
  pending = 0;

  constructor(
    private readonly fx: LifecycleFixture,
    private readonly maxPending: number,
    private readonly trees: number,
  ) {}

  status(slot: bigint): BlockStatus {
    return this.blocks.get(slot)?.status ?? BlockStatus.None;
  }

  /** Whether a first proposal for `slot` at L1 block `at` is accepted. */
  canPropose(slot: bigint, at: bigint): boolean {
    const start = slotStartBlock(this.fx.clock, slot);
    const inPhase = slot > 0n && at >= start && at < start + this.fx.clock.proposalPhase;
    const committeeEpoch = epochOfSlot(this.fx.clock, slot) === this.fx.epoch;
    return (
      inPhase &&
      committeeEpoch &&
      this.status(slot) === BlockStatus.None &&
      this.pending < this.maxPending
    );
  }

  propose(slot: bigint): void {
    this.blocks.set(slot, {
      status: BlockStatus.Proposed,
      parent: this.head,
      publishedAt: 0n,
      provenTrees: 0,
    });
    this.head = slot;
    this.pending++;
  }

  canPublish(slot: bigint, at: bigint): boolean {
    const b = this.blocks.get(slot);
    const w = proofWindow(this.fx.clock, slot);
    return (
      b !== undefined &&
      b.status === BlockStatus.Proposed &&
      b.publishedAt === 0n &&
      at >= w.opensAt &&
      at <= w.closesAt
    );
  }

  canProve(slot: bigint, tree: number, at: bigint): boolean {
    const b = this.blocks.get(slot);
    if (b === undefined || slot === 0n) return false;
    if (b.status !== BlockStatus.Proposed && b.status !== BlockStatus.Final) return false;
    const w = proofWindow(this.fx.clock, slot);
    if (at < w.opensAt || at > w.closesAt || b.publishedAt === 0n) return false;
    if (b.status === BlockStatus.Proposed && b.parent !== this.finalized) return false;
    return tree < this.trees && (b.provenTrees & (1 << tree)) === 0;
  }

  prove(slot: bigint, tree: number): void {
    const b = this.blocks.get(slot)!;
    b.provenTrees |= 1 << tree;
    if (b.status === BlockStatus.Proposed) {
      b.status = BlockStatus.Final;
      this.finalized = slot;
      this.pending--;
    }
  }

  canTimeOut(slot: bigint, at: bigint): boolean {
    const b = this.blocks.get(slot);
    if (b === undefined || b.status !== BlockStatus.Proposed) return false;
    const w = timeoutWindow(this.fx.clock, slot, b.publishedAt);
    return at >= w.opensAt && at <= w.closesAt;
  }

  canPrune(slot: bigint, at: bigint): boolean {
    const b = this.blocks.get(slot);
    return (
      b !== undefined &&
      b.status === BlockStatus.Proposed &&
      at > proofWindow(this.fx.clock, slot).closesAt
    );
  }

  remove(slot: bigint, status: BlockStatus): void {
    let current = this.head;
    while (current !== slot) {
      const above = this.blocks.get(current)!;
      above.status = BlockStatus.Pruned;
      current = above.parent;
      this.pending--;
    }
    const removed = this.blocks.get(slot)!;
    removed.status = status;
    this.head = removed.parent;
    this.pending--;
  }
}

async function runSequence(rng: Draws, steps: number): Promise<Record<string, number>> {
  // Long epochs (100 slots) so that the whole sequence runs under one elected committee.
  const fx = await deployLifecycle(ethers, (n) => networkHelpers.mine(n), { epochLength: 400n });
  const maxPending = Number(await fx.lifecycle.MAX_PENDING_BLOCKS());
  const trees = Number((await fx.election.blockContext(fx.epoch, 1n)).treeCount);
  const model = new ChainModel(fx, maxPending, trees);
  const counts: Record<string, number> = {};
  const count = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);

  const expectOutcome = async (name: string, allowed: boolean, tx: () => Promise<unknown>) => {
    if (allowed) {
      await (await (tx() as Promise<{ wait: () => Promise<unknown> }>)).wait();
      count(`${name}.ok`);
    } else {
      await expect(tx()).to.be.revert(ethers);
      count(`${name}.rejected`);
    }
  };

  for (let step = 0; step < steps; step++) {
    const at = await nextBlockNumber(ethers);
    const known = [...model.blocks.keys()].filter((s) => s !== 0n);
    // Half the time aim at the block a well-behaved network would act on next: the oldest
    // pending one (the child of the last final block); otherwise any block ever proposed.
    const oldest = known.find(
      (s) =>
        model.status(s) === BlockStatus.Proposed && model.blocks.get(s)!.parent === model.finalized,
    );
    const pick = () =>
      oldest !== undefined && rng.int(2) === 0
        ? oldest
        : known.length === 0
          ? 1n
          : known[rng.int(known.length)];
    const action = rng.int(10);
    if (action <= 1) {
      await networkHelpers.mine(1 + rng.int(6));
      count("mine");
    } else if (action <= 3) {
      // A sequencer waits for the next slot whose proposal phase it can still make.
      let slot = slotAt(fx.clock, at);
      if (
        at >= slotStartBlock(fx.clock, slot) + fx.clock.proposalPhase ||
        model.status(slot) !== BlockStatus.None
      ) {
        slot += 1n;
        await networkHelpers.mine(Number(slotStartBlock(fx.clock, slot) - at));
      }
      const ok = model.canPropose(slot, await nextBlockNumber(ethers));
      await expectOutcome("propose", ok, () =>
        proposeBlock(fx, ethers, slot, fx.sequencers[rng.int(fx.sequencers.length)]),
      );
      if (ok) model.propose(slot);
    } else if (action === 4) {
      const unpublished = known.filter(
        (s) => model.status(s) === BlockStatus.Proposed && model.blocks.get(s)!.publishedAt === 0n,
      );
      const slot = unpublished.length > 0 && rng.int(2) === 0 ? unpublished[0] : pick();
      const ok = model.canPublish(slot, at);
      const proposer = (await fx.lifecycle.getBlock(slot)).proposer;
      const signer =
        fx.operators.find((o) => o.address === proposer)?.signer ?? fx.operators[0].signer;
      await expectOutcome("publish", ok, () => fx.lifecycle.connect(signer).publishData(slot));
      if (ok) model.blocks.get(slot)!.publishedAt = at;
    } else if (action <= 6) {
      const slot = pick();
      const tree = rng.int(trees);
      const ok = model.canProve(slot, tree, at);
      if (!ok && model.status(slot) === BlockStatus.None) continue;
      await expectOutcome("prove", ok, () =>
        submitRoot(fx, slot, tree, fx.members[rng.int(fx.members.length)]),
      );
      if (ok) model.prove(slot, tree);
    } else if (action === 7) {
      const slot = pick();
      if (model.status(slot) === BlockStatus.None) continue;
      const ok = model.canTimeOut(slot, at);
      const leader = await leaderOf(fx, slot, 0);
      const votes = await timeoutVotes(fx, slot, 0, [0, 1, 2, 3]);
      await expectOutcome("timeout", ok, () =>
        fx.lifecycle
          .connect(leader.signer)
          .postTimeoutCertificate(slot, 0, fx.committee, votes.bitmap, votes.signatures),
      );
      if (ok) model.remove(slot, BlockStatus.TimedOut);
    } else {
      const slot = pick();
      const ok = model.canPrune(slot, at);
      await expectOutcome("prune", ok, () => fx.lifecycle.prune(slot));
      if (ok) model.remove(slot, BlockStatus.Pruned);
    }

    const [head, finalized, pending] = await fx.lifecycle.chainState();
    expect([head, finalized, pending]).to.deep.equal(
      [model.head, model.finalized, BigInt(model.pending)],
      `chain after step ${step}`,
    );
    for (const [slot, b] of model.blocks) {
      const onChain = await fx.lifecycle.getBlock(slot);
      expect(Number(onChain.status)).to.equal(b.status, `status of ${slot} after step ${step}`);
      expect(onChain.provenTrees).to.equal(BigInt(b.provenTrees));
    }
    // Invariant: the pending blocks are exactly the line from the head down to the last final.
    let line = 0;
    for (let s = model.head; s !== model.finalized; s = model.blocks.get(s)!.parent) {
      expect(model.blocks.get(s)!.status).to.equal(BlockStatus.Proposed);
      line++;
    }
    expect(line).to.equal(model.pending);
    expect(model.pending).to.be.at.most(maxPending);
  }
  return counts;
}

describe("BlockLifecycle: random action sequences against the chain model", function () {
  it("3 sequences of 160 actions (fast-check): the contract accepts exactly what the model does", async function () {
    const counts: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(draws(), async (d) => {
        for (const [k, n] of Object.entries(await runSequence(d, 160))) {
          counts[k] = (counts[k] ?? 0) + n;
        }
      }),
      { seed: 3003, numRuns: 3 },
    );
    // Every kind of action was exercised both ways somewhere in the sequences.
    expect(counts["propose.ok"] ?? 0).to.be.greaterThan(2);
    expect(counts["prove.ok"] ?? 0).to.be.greaterThan(2);
    expect(counts["publish.ok"] ?? 0).to.be.greaterThan(2);
    expect((counts["prune.ok"] ?? 0) + (counts["timeout.ok"] ?? 0)).to.be.greaterThan(0);
    expect((counts["prove.rejected"] ?? 0) + (counts["prune.rejected"] ?? 0)).to.be.greaterThan(0);
  });
});
