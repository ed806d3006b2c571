/**
 * Honest accounting under attack (issue 18): whoever files a root first must not decide who is
 * credited. Each attack runs next to a control in which the same blocks get honest records, and
 * the victims' balances, inactivity streaks and stakes are compared.
 *
 * - Striped trees: a sequencer files all c roots of its blocks first, with valid records that
 *   credit a chosen member's positions to the same positions' provers in other trees. The
 *   victim's trees' root provers file their own roots afterwards (`submitAdditionalRoot`), which
 *   are paid instead, so the victim earns what it earns in the control and is never inactive.
 * - vrfPath (one root per block): the member at the root files a record crediting only itself,
 *   NONE everywhere else. An honest member's additional root fills every NONE node: the victims
 *   are paid for their nodes and keep a zero streak.
 * - The entry point's own rules: only the member credited at the record's root may file an
 *   additional root, once per block, for a tree that already has one.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { participationRecord, type TreeShape } from "../src/protocol/lifecycle.js";
import { vrfPathRules } from "../src/protocol/policies/vrfPath.js";
import { NONE, type PolicyBlock } from "../src/protocol/policies/types.js";
import { firstOpenSlot, rootProof } from "./helpers/lifecycle.js";
import {
  deploySettledRewards,
  expectRewardsConserved,
  provableBlock,
  recordWithout,
  rewardAccounts,
  settle,
  submitRecord,
  type RewardsFixture,
} from "./helpers/rewards.js";
import { UNIT } from "./helpers/stakeTable.js";

const { ethers, networkHelpers } = await network.create();
const mine = (n: number) => networkHelpers.mine(n);

const SLASH = 10n * UNIT;
const K = 3n;

async function stripedFixture() {
  return deploySettledRewards(ethers, mine, {
    config: { inactivityThreshold: K, inactivitySlash: SLASH },
  });
}

async function vrfPathFixture() {
  const policy = await ethers.deployContract("VrfPathPolicy");
  return deploySettledRewards(ethers, mine, {
    policy: await policy.getAddress(),
    config: { inactivityThreshold: K, inactivitySlash: SLASH },
  });
}

/** Files `record` as an additional root of `tree` from committee member `index`. */
async function fileAdditional(
  fx: RewardsFixture,
  slot: bigint,
  tree: number,
  record: Uint8Array,
  index: number,
) {
  const signer = fx.members[index].signer;
  const { proof } = await rootProof(fx, slot, tree, signer.address, record);
  return fx.lifecycle
    .connect(signer)
    .submitAdditionalRoot(slot, tree, record, proof, [...fx.committee]);
}

interface MemberState {
  proving: bigint;
  missStreak: bigint;
  pendingSlashes: bigint;
  stake: bigint;
}

async function stateOf(fx: RewardsFixture, index: number): Promise<MemberState> {
  const address = fx.members[index].address;
  const [missStreak, pendingSlashes] = await fx.rewards.inactivityOf(address);
  return {
    proving: (await fx.rewards.claimable(address)).proving,
    missStreak,
    pendingSlashes,
    stake: (await fx.table.operatorInfo(address)).balance,
  };
}

/** Root provers of `shape`'s trees (the root byte of each tree's honest record). */
function rootProvers(shape: TreeShape): number[] {
  return Array.from({ length: shape.c }, (_, t) => participationRecord(shape, t)[0]);
}

describe("Accounting attacks: striped trees, a sequencer filing every root first", function () {
  const BLOCKS = 4; // more than k = 3: the attack would owe the victim a slash

  /** Proposes and proves BLOCKS blocks; `attack` decides what the sequencer files. */
  async function run(fx: RewardsFixture, attack: boolean) {
    let victim: number | null = null;
    for (let b = 0; b < BLOCKS; b++) {
      const slot = await firstOpenSlot(fx, ethers);
      const shape = await provableBlock(fx, ethers, slot);
      const roots = rootProvers(shape);
      // The victim: the lowest member that is no tree's root prover in any block (fixed by the
      // first block; later blocks keep it if they can).
      if (victim === null) victim = [...Array(shape.m).keys()].find((i) => !roots.includes(i))!;
      const sequencer = fx.sequencers[0].signer;
      for (let t = 0; t < shape.c; t++) {
        const honest = participationRecord(shape, t);
        let record = honest;
        if (attack && !roots.includes(victim)) {
          try {
            record = recordWithout(shape, t, victim);
          } catch {
            record = honest;
          }
        }
        await submitRecord(fx, slot, t, record, sequencer);
        // The root prover files its own root when the sequencer's differs from it.
        if (attack && record.some((byte, i) => byte !== honest[i])) {
          await fileAdditional(fx, slot, t, honest, honest[0]);
        }
      }
    }
    await settle(fx, ethers);
    return victim!;
  }

  it("the victim's balance, streak and stake equal the honest control's; nobody owes a slash", async function () {
    const control = await networkHelpers.loadFixture(stripedFixture);
    const honestVictim = await run(control, false);
    const controlStates = await Promise.all(control.members.map((_, i) => stateOf(control, i)));

    const fx = await networkHelpers.loadFixture(stripedFixture);
    const victim = await run(fx, true);
    expect(victim).to.equal(honestVictim);
    const states = await Promise.all(fx.members.map((_, i) => stateOf(fx, i)));
    // Everyone, the victim included, ends exactly as in the control.
    expect(states).to.deep.equal(controlStates);
    expect(states[victim].proving).to.be.greaterThan(0n);
    for (const s of states) expect(s.pendingSlashes).to.equal(0n);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("without the root provers' own roots the victim would have missed every block", async function () {
    // The same attack, but nobody files an additional root: the sequencer's records decide, the
    // victim is uncredited everywhere and its streak grows (what the additional roots prevent).
    const fx = await networkHelpers.loadFixture(stripedFixture);
    const slot = await firstOpenSlot(fx, ethers);
    const shape = await provableBlock(fx, ethers, slot);
    const roots = rootProvers(shape);
    const victim = [...Array(shape.m).keys()].find((i) => !roots.includes(i))!;
    for (let t = 0; t < shape.c; t++) {
      await submitRecord(fx, slot, t, recordWithout(shape, t, victim), fx.sequencers[0].signer);
    }
    await settle(fx, ethers);
    const s = await stateOf(fx, victim);
    expect(s.proving).to.equal(0n);
    expect(s.missStreak).to.equal(1n);
  });
});

describe("Accounting attacks: vrfPath, the root member crediting only itself", function () {
  function blockOf(fx: RewardsFixture, shape: TreeShape, slot: bigint): PolicyBlock {
    return {
      slot,
      seed: shape.seed,
      committee: [...fx.committee],
      treeCount: 1,
      leafCount: shape.leafCount,
      proposer: fx.sequencers[0].address,
    };
  }

  function honestRecord(block: PolicyBlock): Uint8Array {
    const credits = new Map<number, number[]>();
    for (let node = 1; node < 2 * block.leafCount; node++) {
      const h = vrfPathRules.holders(block, 0, node);
      if (h.length > 0) credits.set(node, [h[0].credit]);
    }
    return vrfPathRules.encodeRecord(block, 0, credits);
  }

  async function run(fx: RewardsFixture, attack: boolean) {
    const slot = await firstOpenSlot(fx, ethers);
    const shape = await provableBlock(fx, ethers, slot);
    const block = blockOf(fx, shape, slot);
    const honest = honestRecord(block);
    // The attacker: a member other than the honest record's root holder, crediting itself at
    // the root and NONE everywhere else.
    const attacker = (honest[0] + 1) % fx.committee.length;
    const selfish = new Uint8Array(honest.length).fill(NONE);
    selfish[0] = attacker;
    if (attack) {
      await submitRecord(fx, slot, 0, selfish, fx.members[attacker].signer);
      await fileAdditional(fx, slot, 0, honest, honest[0]);
    } else {
      await submitRecord(fx, slot, 0, honest, fx.members[attacker].signer);
    }
    await settle(fx, ethers);
    return { attacker, honest, block };
  }

  it("every victim is paid for its nodes and keeps a zero streak; the attacker gains one node, not the committee's share", async function () {
    const control = await networkHelpers.loadFixture(vrfPathFixture);
    const c = await run(control, false);
    const controlStates = await Promise.all(control.members.map((_, i) => stateOf(control, i)));
    const fx = await networkHelpers.loadFixture(vrfPathFixture);
    const { attacker, honest } = await run(fx, true);
    expect(attacker).to.equal(c.attacker);
    const states = await Promise.all(fx.members.map((_, i) => stateOf(fx, i)));
    const nodes = BigInt(honest.length);
    // One node's share: the committee's share (everything the control paid) over 2L - 1 nodes.
    const total = controlStates.reduce((sum, s) => sum + s.proving, 0n);
    const nodeShare = total / nodes;
    for (let i = 0; i < states.length; i++) {
      expect(states[i].stake, `member ${i}`).to.equal(controlStates[i].stake);
      expect(states[i].missStreak, `member ${i}`).to.equal(controlStates[i].missStreak);
      expect(states[i].pendingSlashes, `member ${i}`).to.equal(0n);
    }
    // The root node is paid to whoever proved the first root (the attacker: its root proof is
    // its work); every other node pays exactly as in the control, NONE filled by the honest
    // additional root. So the attacker gains one node, never the committee's share.
    for (let i = 0; i < states.length; i++) {
      const delta = i === attacker ? nodeShare : i === honest[0] ? -nodeShare : 0n;
      expect(states[i].proving, `member ${i}`).to.equal(controlStates[i].proving + delta);
    }
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });
});

describe("submitAdditionalRoot: who may file, and when", function () {
  it("only the member credited at the root, once per block, for a tree that has a root", async function () {
    const fx = await networkHelpers.loadFixture(stripedFixture);
    const slot = await firstOpenSlot(fx, ethers);
    const shape = await provableBlock(fx, ethers, slot);
    const honest = participationRecord(shape, 0);
    const owner = honest[0];
    const other = (owner + 1) % shape.m;
    // No root yet: nothing to add to.
    await expect(fileAdditional(fx, slot, 0, honest, owner))
      .to.be.revertedWithCustomError(fx.lifecycle, "TreeNotProven")
      .withArgs(slot, 0n);
    await submitRecord(fx, slot, 0, honest, fx.sequencers[0].signer);
    // A member the record does not credit at the root.
    const signer = fx.members[other].signer;
    const { proof } = await rootProof(fx, slot, 0, signer.address, honest);
    await expect(
      fx.lifecycle.connect(signer).submitAdditionalRoot(slot, 0, honest, proof, [...fx.committee]),
    )
      .to.be.revertedWithCustomError(fx.lifecycle, "NotRootMember")
      .withArgs(slot, signer.address);
    // The sequencer is no member.
    const seq = fx.sequencers[0].signer;
    const seqProof = (await rootProof(fx, slot, 0, seq.address, honest)).proof;
    await expect(
      fx.lifecycle.connect(seq).submitAdditionalRoot(slot, 0, honest, seqProof, [...fx.committee]),
    ).to.be.revertedWithCustomError(fx.lifecycle, "NotRootMember");
    // A wrong committee.
    const wrong = [...fx.committee].reverse();
    const ownProof = (await rootProof(fx, slot, 0, fx.members[owner].address, honest)).proof;
    await expect(
      fx.lifecycle
        .connect(fx.members[owner].signer)
        .submitAdditionalRoot(slot, 0, honest, ownProof, wrong),
    ).to.be.revertedWithCustomError(fx.lifecycle, "CommitteeMismatch");
    // The root prover files once; a second time is refused.
    await expect(fileAdditional(fx, slot, 0, honest, owner)).to.emit(
      fx.lifecycle,
      "RootProofAccepted",
    );
    await expect(fileAdditional(fx, slot, 0, honest, owner))
      .to.be.revertedWithCustomError(fx.lifecycle, "AdditionalRootAlreadyFiled")
      .withArgs(slot, BigInt(owner));
    // The first root's path still refuses a second root of the same tree.
    await expect(submitRecord(fx, slot, 0, honest))
      .to.be.revertedWithCustomError(fx.lifecycle, "TreeAlreadyProven")
      .withArgs(slot, 0n);
    // Settlement pays the tree once: conserved.
    await settle(fx, ethers);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });
});
