/**
 * Policy hooks of the core contracts: a BlockLifecycle with a policy caches the policy's tree
 * count, hands every accepted root to `acceptRoot` (with the block's context and the `first`
 * flag), and ProverRewards settles its blocks through `settleBlock` (amounts, proposer, pool and
 * burn where they belong; a split that does not add up reverts). Uncle rewards are claimed on
 * SiblingCoverPolicy (`claimUncle`) and paid by ProverRewards' `payPolicyReward`, which only the
 * lifecycle's policy may call. MockAssignmentPolicy (contracts/test) drives the core's
 * mechanics; the real SiblingCoverPolicy runs the uncle claim end to end. Token conservation is
 * checked after every settlement and claim.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { network } from "hardhat";

import { deployPolicy } from "../src/deploy/policy.js";
import { deploySystem } from "../src/deploy/system.js";

import { blockSeed } from "../src/protocol/assignment.js";
import { proofWindow } from "../src/protocol/lifecycle.js";
import { proverTable } from "../src/protocol/policies/siblingCover.js";
import type { MockAssignmentPolicy } from "../typechain-types/index.js";
import { firstOpenSlot, mineTo, nodeProof } from "./helpers/lifecycle.js";
import {
  deploySettledRewards,
  expectRewardsConserved,
  provableBlock,
  rewardAccounts,
  settle,
  submitRecord,
  type RewardsFixture,
} from "./helpers/rewards.js";
import { UNIT, nextBlockNumber } from "./helpers/stakeTable.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const mine = (n: number) => networkHelpers.mine(n);

const SIBLING_COVER = 4n;
const VRF_PATH = 1n;
/** The committee's share of a block in the tests: 70% of the 1000-token reward. */
const PROVERS = 700n * UNIT;
const BURN = "0x000000000000000000000000000000000000dEaD";

interface MockFixture extends RewardsFixture {
  mock: MockAssignmentPolicy;
}

async function withMock(id: bigint): Promise<MockFixture> {
  const mock = await ethers.deployContract("MockAssignmentPolicy", [id]);
  const fx = await deploySettledRewards(ethers, mine, { policy: await mock.getAddress() });
  return { ...fx, mock };
}

async function mockFixture() {
  return withMock(SIBLING_COVER);
}

async function vrfPathMockFixture() {
  return withMock(VRF_PATH);
}

async function stripedFixture() {
  return deploySettledRewards(ethers, mine);
}

async function siblingCoverFixture() {
  const policy = await ethers.deployContract("SiblingCoverPolicy", [10n * UNIT]);
  const fx = await deploySettledRewards(ethers, mine, { policy: await policy.getAddress() });
  return { ...fx, policy };
}

/** An arbitrary record the mock accepts (it checks nothing by default). */
const RECORD = new Uint8Array([0, 1, 2, 3, 0, 1, 2]);

function credit(overrides: {
  amounts?: bigint[];
  proposer?: bigint;
  toPool?: bigint;
  burned?: bigint;
  credited?: bigint;
  assigned?: bigint;
  validRoots?: bigint;
  rejectedNode?: bigint[];
  rejectedMember?: bigint[];
}) {
  return {
    amounts: overrides.amounts ?? [0n, 0n, 0n, 0n],
    proposer: overrides.proposer ?? 0n,
    toPool: overrides.toPool ?? 0n,
    burned: overrides.burned ?? 0n,
    credited: overrides.credited ?? 0n,
    assigned: overrides.assigned ?? overrides.credited ?? 0n,
    validRoots: overrides.validRoots ?? 0n,
    rejectedNode: overrides.rejectedNode ?? [0n],
    rejectedMember: overrides.rejectedMember ?? [0n],
  };
}

/** A final block at `slot` whose root `record` is tree 0's, submitted by the first member. */
async function finalBlock(fx: RewardsFixture, record: Uint8Array = RECORD) {
  const slot = await firstOpenSlot(fx, ethers);
  const shape = await provableBlock(fx, ethers, slot);
  await submitRecord(fx, slot, 0, record);
  return { slot, shape };
}

describe("Policies: BlockLifecycle hooks", function () {
  it("caches the policy's tree count per epoch and reports the policy and its id", async function () {
    const fx = await networkHelpers.loadFixture(mockFixture);
    expect(await fx.lifecycle.POLICY()).to.equal(await fx.mock.getAddress());
    expect(await fx.lifecycle.policyId()).to.equal(SIBLING_COVER);
    expect(await fx.rewards.POLICY()).to.equal(await fx.mock.getAddress());
    await fx.mock.setTreeCount(3);
    const slot = await firstOpenSlot(fx, ethers);
    await provableBlock(fx, ethers, slot);
    // The election's min(c, m) is 2; the policy's count wins.
    expect((await fx.lifecycle.epochContext(fx.epoch)).treeCount).to.equal(3n);
    // A striped deployment: id 0, no policy.
    const striped = await networkHelpers.loadFixture(stripedFixture);
    expect(await striped.lifecycle.policyId()).to.equal(0n);
    expect(await striped.lifecycle.POLICY()).to.equal(ethers.ZeroAddress);
  });

  it("rejects a tree count outside 1..16 (InvalidPolicyTreeCount) and a policy with id 0", async function () {
    const fx = await networkHelpers.loadFixture(mockFixture);
    await fx.mock.setTreeCount(17);
    const slot = await firstOpenSlot(fx, ethers);
    await expect(provableBlock(fx, ethers, slot))
      .to.be.revertedWithCustomError(fx.lifecycle, "InvalidPolicyTreeCount")
      .withArgs(17n);
    const zero = await ethers.deployContract("MockAssignmentPolicy", [0n]);
    const factory = await ethers.getContractFactory("BlockLifecycle");
    await expect(
      factory.deploy({
        election: await fx.election.getAddress(),
        verifier: await fx.verifier.getAddress(),
        slotLength: 4n,
        proposalPhase: 2n,
        dataTimeout: 3n,
        faultToleranceBps: 3_333n,
        feeSplitScoring: false,
        policy: await zero.getAddress(),
      }),
    )
      .to.be.revertedWithCustomError(fx.lifecycle, "InvalidPolicy")
      .withArgs(await zero.getAddress());
  });

  it("calls acceptRoot with the block's context and the first flag; InvalidTree still checked first", async function () {
    const fx = await networkHelpers.loadFixture(mockFixture);
    const slot = await firstOpenSlot(fx, ethers);
    const shape = await provableBlock(fx, ethers, slot);
    const block = await fx.lifecycle.getBlock(slot);
    const epochSeed = (await fx.lifecycle.epochContext(fx.epoch)).seed;
    await expect(submitRecord(fx, slot, 2, RECORD))
      .to.be.revertedWithCustomError(fx.lifecycle, "InvalidTree")
      .withArgs(2n, 2n);
    await expect(submitRecord(fx, slot, 1, RECORD))
      .to.emit(fx.lifecycle, "BlockFinalized")
      .withArgs(slot, 1n, fx.members[0].address);
    const other = new Uint8Array([3, 3, 3, 3, 3, 3, 3]);
    await expect(submitRecord(fx, slot, 0, other, fx.members[2].signer))
      .to.emit(fx.mock, "RootAcceptedByPolicy")
      .withArgs(await fx.lifecycle.getAddress(), slot, 0n, false, ethers.keccak256(other));
    expect(await fx.mock.acceptCount()).to.equal(2n);
    const [first, second] = [await fx.mock.acceptCall(0), await fx.mock.acceptCall(1)];
    expect(first.caller).to.equal(await fx.lifecycle.getAddress());
    expect(first.block_.slot).to.equal(slot);
    expect(first.block_.seed).to.equal(blockSeed(epochSeed, slot));
    expect(first.block_.seed).to.equal(shape.seed);
    expect(first.block_.committeeSize).to.equal(4n);
    expect(first.block_.treeCount).to.equal(2n);
    expect(first.block_.leafCount).to.equal(block.leafCount);
    expect(first.block_.proposer).to.equal(block.proposer);
    expect([first.tree, first.first, first.recordHash]).to.deep.equal([
      1n,
      true,
      ethers.keccak256(RECORD),
    ]);
    expect([second.tree, second.first]).to.deep.equal([0n, false]);
    // The lifecycle's own checks still apply: the tree is proven once.
    await expect(submitRecord(fx, slot, 0, RECORD))
      .to.be.revertedWithCustomError(fx.lifecycle, "TreeAlreadyProven")
      .withArgs(slot, 0n);
  });

  it("the policy's rejection reverts the root proof and leaves the block pending", async function () {
    const fx = await networkHelpers.loadFixture(mockFixture);
    await fx.mock.setRecordLength(7);
    const slot = await firstOpenSlot(fx, ethers);
    await provableBlock(fx, ethers, slot);
    await expect(submitRecord(fx, slot, 0, new Uint8Array([0, 1])))
      .to.be.revertedWithCustomError(fx.mock, "InvalidRecordLengthMock")
      .withArgs(2n, 7n);
    expect((await fx.lifecycle.getBlock(slot)).status).to.equal(1n); // Proposed
    expect(await fx.mock.acceptCount()).to.equal(0n);
  });
});

describe("Policies: ProverRewards settlement through settleBlock", function () {
  it("books amounts, proposer, pool and burn as the policy splits them; reports rejected records", async function () {
    const fx = await networkHelpers.loadFixture(mockFixture);
    const { slot } = await finalBlock(fx);
    await submitRecord(fx, slot, 1, RECORD, fx.members[1].signer);
    const amounts = [100n * UNIT, 200n * UNIT, 0n, 50n * UNIT];
    await fx.mock.setCredit(
      credit({
        amounts,
        proposer: 100n * UNIT,
        toPool: 150n * UNIT,
        burned: 100n * UNIT,
        credited: 0b1011n,
        validRoots: 1n,
        rejectedNode: [0n, 3n],
        rejectedMember: [0n, 2n],
      }),
    );
    const proposer = (await fx.lifecycle.getBlock(slot)).proposer;
    const poolBefore = await fx.rewards.pool();
    const burnBefore = await fx.token.balanceOf(BURN);
    const tx = await settle(fx, ethers);
    await expect(tx).to.emit(fx.rewards, "RootRecordRejected").withArgs(slot, 1n, 3n, 2n);
    await expect(tx)
      .to.emit(fx.rewards, "EpochSettled")
      .withArgs(fx.epoch, 1n, 1n, 150n * UNIT, 100n * UNIT);
    await expect(tx)
      .to.emit(fx.rewards, "CommitteeCredited")
      .withArgs(fx.epoch, fx.committee, amounts);
    for (let i = 0; i < 4; i++) {
      expect((await fx.rewards.claimable(fx.committee[i])).proving).to.equal(amounts[i]);
    }
    // The proposer: its 20% sequencer share plus the policy's PROPOSER credit.
    expect((await fx.rewards.claimable(proposer)).sequencing).to.equal(200n * UNIT + 100n * UNIT);
    // The finalizing submitter keeps its 10%.
    expect((await fx.rewards.claimable(fx.members[0].address)).submitting).to.equal(100n * UNIT);
    expect(await fx.rewards.pool()).to.equal(poolBefore - 1_000n * UNIT + 150n * UNIT);
    expect(await fx.token.balanceOf(BURN)).to.equal(burnBefore + 100n * UNIT);
    expect(await fx.rewards.totalBurned()).to.equal(100n * UNIT);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("reverts PolicyAccountingMismatch when the split does not add up to the committee's share", async function () {
    const fx = await networkHelpers.loadFixture(mockFixture);
    const { slot } = await finalBlock(fx);
    for (const [toPool, got] of [
      [PROVERS - 1n, PROVERS - 1n],
      [PROVERS + 1n, PROVERS + 1n],
    ]) {
      await fx.mock.setCredit(credit({ toPool }));
      await expect(settle(fx, ethers))
        .to.be.revertedWithCustomError(fx.rewards, "PolicyAccountingMismatch")
        .withArgs(slot, PROVERS, got);
    }
    await fx.mock.setCredit(credit({ amounts: [PROVERS, 0n, 0n] }));
    await expect(settle(fx, ethers))
      .to.be.revertedWithCustomError(fx.rewards, "PolicyCreditLengthMismatch")
      .withArgs(slot, 4n, 3n);
    await fx.mock.setCredit(credit({ toPool: PROVERS, rejectedNode: [] }));
    await expect(settle(fx, ethers))
      .to.be.revertedWithCustomError(fx.rewards, "PolicyCreditLengthMismatch")
      .withArgs(slot, 1n, 0n);
    expect(await fx.rewards.nextEpoch()).to.equal(fx.epoch);
    // Unscripted, the mock returns the whole share to the pool: settles, conserved.
    await fx.mock.setCredit(credit({ toPool: PROVERS }));
    await settle(fx, ethers);
    expect(await fx.rewards.nextEpoch()).to.equal(fx.epoch + 1n);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });
});

describe("Policies: uncle rewards (SiblingCoverPolicy.claimUncle, paid by payPolicyReward)", function () {
  /** The claim of `who` (committee index `index`) for `node`, through the fixture's policy. */
  async function uncleClaim(
    fx: Awaited<ReturnType<typeof siblingCoverFixture>>,
    slot: bigint,
    node: number,
    index: number,
    record: Uint8Array,
    options: { proofFor?: string; committee?: string[] } = {},
  ) {
    const who = fx.members[index];
    const proof = await nodeProof(fx, slot, node, options.proofFor ?? who.address);
    return fx.policy
      .connect(who.signer)
      .claimUncle(
        await fx.rewards.getAddress(),
        slot,
        node,
        index,
        options.committee ?? fx.committee,
        record,
        proof,
      );
  }

  it("payPolicyReward: only the lifecycle's policy; a striped deployment has none", async function () {
    const striped = await networkHelpers.loadFixture(stripedFixture);
    const stranger = striped.members[0];
    await expect(
      striped.rewards.connect(stranger.signer).payPolicyReward(1, stranger.address, 0, UNIT),
    )
      .to.be.revertedWithCustomError(striped.rewards, "NotPolicy")
      .withArgs(stranger.address);
    const fx = await networkHelpers.loadFixture(vrfPathMockFixture);
    const member = fx.members[1];
    await expect(fx.rewards.connect(member.signer).payPolicyReward(1, member.address, 1, UNIT))
      .to.be.revertedWithCustomError(fx.rewards, "NotPolicy")
      .withArgs(member.address);
    // The policy itself is paid for, from the pool, into the proving balance, and the claim marks
    // its member active in the block.
    const rewards = await fx.rewards.getAddress();
    await expect(fx.mock.payReward(rewards, 1, member.address, 256, UNIT))
      .to.be.revertedWithCustomError(fx.rewards, "InvalidMemberIndex")
      .withArgs(256n);
    const pool = await fx.rewards.pool();
    await expect(fx.mock.payReward(rewards, 1, member.address, 1, 7n * UNIT))
      .to.emit(fx.rewards, "PolicyRewardPaid")
      .withArgs(1n, member.address, 1n, 7n * UNIT);
    expect(await fx.rewards.pool()).to.equal(pool - 7n * UNIT);
    expect((await fx.rewards.claimable(member.address)).proving).to.equal(7n * UNIT);
    expect(await fx.rewards.policyRewardPaid(1)).to.equal(7n * UNIT);
    expect(await fx.rewards.policyActivity(1)).to.equal(2n);
    await expectRewardsConserved(fx, rewardAccounts(fx));
    await expect(fx.rewards.claim(member.address)).to.emit(fx.rewards, "Claimed");
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("a policy that is not the rewards' lifecycle's refuses: NotRewardsPolicy", async function () {
    const fx = await networkHelpers.loadFixture(siblingCoverFixture);
    const other = await ethers.deployContract("SiblingCoverPolicy", [10n * UNIT]);
    const rewards = await fx.rewards.getAddress();
    await expect(
      other.connect(fx.members[0].signer).claimUncle(rewards, 1, 1, 0, fx.committee, "0x", "0x"),
    )
      .to.be.revertedWithCustomError(other, "NotRewardsPolicy")
      .withArgs(rewards, await fx.policy.getAddress());
  });

  it("mechanics: final block, committee, claimant, final record, proof, replay", async function () {
    const fx = await networkHelpers.loadFixture(siblingCoverFixture);
    const slot = await firstOpenSlot(fx, ethers);
    const { m, leafCount, seed } = await provableBlock(fx, ethers, slot);
    const { assigned, sibling } = proverTable(m, seed, leafCount);
    const record = new Uint8Array(2 * leafCount - 1);
    for (let n = 1; n < 2 * leafCount; n++) record[n - 1] = assigned[n];
    let node = 0;
    for (let n = 2; n < 2 * leafCount && node === 0; n++) if (sibling[n] !== assigned[n]) node = n;
    record[node - 1] = sibling[node];
    const uncle = assigned[node];
    const claimant = fx.members[uncle];
    await expect(uncleClaim(fx, slot, node, uncle, record))
      .to.be.revertedWithCustomError(fx.policy, "UncleBlockNotFinal")
      .withArgs(slot, 1n);
    await submitRecord(fx, slot, 0, record);
    await expect(
      uncleClaim(fx, slot, node, uncle, record, { committee: [...fx.committee].reverse() }),
    ).to.be.revertedWithCustomError(fx.policy, "UncleCommitteeMismatch");
    const notMe = (uncle + 1) % m;
    await expect(
      fx.policy
        .connect(claimant.signer)
        .claimUncle(await fx.rewards.getAddress(), slot, node, notMe, fx.committee, record, "0x"),
    )
      .to.be.revertedWithCustomError(fx.policy, "NotCommitteeMember")
      .withArgs(BigInt(notMe), claimant.address);
    const wrong = Uint8Array.from(record, () => 1);
    await expect(uncleClaim(fx, slot, node, uncle, wrong))
      .to.be.revertedWithCustomError(fx.policy, "FinalRecordMismatch")
      .withArgs(slot, ethers.keccak256(record), ethers.keccak256(wrong));
    // A proof bound to another claimant does not verify.
    await expect(uncleClaim(fx, slot, node, uncle, record, { proofFor: fx.members[notMe].address }))
      .to.be.revertedWithCustomError(fx.policy, "InvalidUncleProof")
      .withArgs(slot, BigInt(node), BigInt(uncle));
    const pool = await fx.rewards.pool();
    const rewards = await fx.rewards.getAddress();
    const claim = uncleClaim(fx, slot, node, uncle, record);
    await expect(claim)
      .to.emit(fx.policy, "UncleRewarded")
      .withArgs(rewards, slot, BigInt(node), BigInt(uncle), 10n * UNIT);
    await expect(claim)
      .to.emit(fx.rewards, "PolicyRewardPaid")
      .withArgs(slot, claimant.address, BigInt(uncle), 10n * UNIT);
    expect(await fx.rewards.policyActivity(slot)).to.equal(1n << BigInt(uncle));
    expect(await fx.rewards.pool()).to.equal(pool - 10n * UNIT);
    expect((await fx.rewards.claimable(claimant.address)).proving).to.equal(10n * UNIT);
    expect(await fx.policy.uncleClaimed(rewards, slot, node, uncle)).to.equal(true);
    await expect(uncleClaim(fx, slot, node, uncle, record))
      .to.be.revertedWithCustomError(fx.policy, "UncleAlreadyClaimed")
      .withArgs(slot, BigInt(node), BigInt(uncle));
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });

  it("end to end with SiblingCoverPolicy: included proofs and outsiders are not uncles; closesAt + 1 is outside the window", async function () {
    const fx = await networkHelpers.loadFixture(siblingCoverFixture);
    const slot = await firstOpenSlot(fx, ethers);
    const shape = await provableBlock(fx, ethers, slot);
    const { m, leafCount, seed } = shape;
    const { assigned, sibling } = proverTable(m, seed, leafCount);
    // The final record credits every node to its assigned prover, except one node that the
    // sibling covered: that node's assigned prover is the uncle.
    const record = new Uint8Array(2 * leafCount - 1);
    for (let n = 1; n < 2 * leafCount; n++) record[n - 1] = assigned[n];
    let node = 0;
    for (let n = 1; n < 2 * leafCount && node === 0; n++) {
      if (sibling[n] !== assigned[n]) node = n;
    }
    expect(node, "a node whose sibling differs from its prover").to.not.equal(0);
    record[node - 1] = sibling[node];
    const uncle = assigned[node];
    const claimant = fx.members[uncle];
    const proof = await nodeProof(fx, slot, node, claimant.address);
    const rewardsAddress = await fx.rewards.getAddress();
    const claim = (n: number, index: number, who = claimant) =>
      fx.policy
        .connect(who.signer)
        .claimUncle(rewardsAddress, slot, n, index, fx.committee, record, proof);
    await submitRecord(fx, slot, 0, record);
    const { closesAt } = proofWindow(fx.clock, slot);
    // Credited at that node: the sibling's proof was included, no uncle.
    const coverer = fx.members[sibling[node]];
    await expect(
      fx.policy
        .connect(coverer.signer)
        .claimUncle(
          await fx.rewards.getAddress(),
          slot,
          node,
          sibling[node],
          fx.committee,
          record,
          await nodeProof(fx, slot, node, coverer.address),
        ),
    )
      .to.be.revertedWithCustomError(fx.policy, "UncleIncluded")
      .withArgs(node, sibling[node]);
    // Neither prover nor sibling of the node.
    const outsider = [0, 1, 2, 3].find((i) => i !== assigned[node] && i !== sibling[node])!;
    await expect(
      fx.policy
        .connect(fx.members[outsider].signer)
        .claimUncle(
          await fx.rewards.getAddress(),
          slot,
          node,
          outsider,
          fx.committee,
          record,
          proof,
        ),
    )
      .to.be.revertedWithCustomError(fx.policy, "UncleNotEligible")
      .withArgs(node, outsider);
    // The last block of the window pays; one later does not (checked on a snapshot).
    await mineTo(fx, ethers, closesAt + 1n);
    await expect(claim(node, uncle))
      .to.be.revertedWithCustomError(fx.policy, "UncleOutsideWindow")
      .withArgs(slot, proofWindow(fx.clock, slot).opensAt, closesAt);
    // A rejected claim mines nothing: the next block is still closesAt + 1.
    expect(await nextBlockNumber(ethers)).to.equal(closesAt + 1n);
  });

  it("end to end: the claim lands at closesAt - 1 and closesAt, pays UNCLE_REWARD once", async function () {
    const fx = await networkHelpers.loadFixture(siblingCoverFixture);
    const slot = await firstOpenSlot(fx, ethers);
    const { m, leafCount, seed } = await provableBlock(fx, ethers, slot);
    const { assigned, sibling } = proverTable(m, seed, leafCount);
    const record = new Uint8Array(2 * leafCount - 1);
    for (let n = 1; n < 2 * leafCount; n++) record[n - 1] = assigned[n];
    // Two uncle nodes: covered by their siblings in the final record.
    const nodes: number[] = [];
    for (let n = 1; n < 2 * leafCount && nodes.length < 2; n++) {
      if (sibling[n] !== assigned[n] && n !== 1) nodes.push(n);
    }
    expect(nodes).to.have.length(2);
    for (const n of nodes) record[n - 1] = sibling[n];
    await submitRecord(fx, slot, 0, record);
    const { closesAt } = proofWindow(fx.clock, slot);
    const reward = await fx.policy.UNCLE_REWARD();
    expect(reward).to.equal(10n * UNIT);
    const poolBefore = await fx.rewards.pool();
    const paidTo = new Map<string, bigint>();
    for (const [i, at] of [closesAt - 1n, closesAt].entries()) {
      const n = nodes[i];
      const who = fx.members[assigned[n]];
      const proof = await nodeProof(fx, slot, n, who.address);
      await mineTo(fx, ethers, at);
      await expect(
        fx.policy
          .connect(who.signer)
          .claimUncle(
            await fx.rewards.getAddress(),
            slot,
            n,
            assigned[n],
            fx.committee,
            record,
            proof,
          ),
      )
        .to.emit(fx.policy, "UncleRewarded")
        .withArgs(await fx.rewards.getAddress(), slot, n, assigned[n], reward);
      paidTo.set(who.address, (paidTo.get(who.address) ?? 0n) + reward);
      await expectRewardsConserved(fx, rewardAccounts(fx));
      if (i === 0) {
        // The same (slot, node, member) earns nothing a second time.
        await expect(
          fx.policy
            .connect(who.signer)
            .claimUncle(
              await fx.rewards.getAddress(),
              slot,
              n,
              assigned[n],
              fx.committee,
              record,
              proof,
            ),
        )
          .to.be.revertedWithCustomError(fx.policy, "UncleAlreadyClaimed")
          .withArgs(slot, n, assigned[n]);
        expect(await nextBlockNumber(ethers)).to.be.at.most(closesAt);
      }
    }
    expect(await fx.rewards.pool()).to.equal(poolBefore - 2n * reward);
    for (const [address, amount] of paidTo) {
      expect((await fx.rewards.claimable(address)).proving).to.equal(amount);
    }
    // After the window nothing is claimable (the window is checked before the replay).
    const n = nodes[1];
    const who = fx.members[assigned[n]];
    const proof = await nodeProof(fx, slot, n, who.address);
    await expect(
      fx.policy
        .connect(who.signer)
        .claimUncle(
          await fx.rewards.getAddress(),
          slot,
          n,
          assigned[n],
          fx.committee,
          record,
          proof,
        ),
    ).to.be.revertedWithCustomError(fx.policy, "UncleOutsideWindow");
    expect(
      await fx.policy.uncleClaimed(await fx.rewards.getAddress(), slot, n, assigned[n]),
    ).to.equal(true);
    // Settling the epoch afterwards keeps the uncle balances and conservation.
    await settle(fx, ethers);
    await expectRewardsConserved(fx, rewardAccounts(fx));
    for (const [address, amount] of paidTo) {
      expect((await fx.rewards.claimable(address)).proving).to.be.at.least(amount);
    }
  });
});

describe("Policies: deployment (deploySystem with an AssignmentPolicy section)", function () {
  const local = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    "..",
    "deploy",
    "parameters",
    "local.json",
  );
  let work: string;

  before(async function () {
    work = await mkdtemp(path.join(tmpdir(), "policy-deploy-"));
  });

  after(async function () {
    await rm(work, { recursive: true, force: true });
  });

  /** local.json with `AssignmentPolicy.name` = `name` and the rewards' FEE_BURN at 500 bps. */
  async function fileNaming(name: string): Promise<string> {
    const file = JSON.parse(await readFile(local, "utf8")) as Record<
      string,
      Record<string, unknown>
    >;
    file.AssignmentPolicy.name = name;
    file.TestProverRewards.proverBurnBps = "500n";
    const out = path.join(work, `${name}.json`);
    await writeFile(out, JSON.stringify(file));
    return out;
  }

  it("striped deploys no policy contract", async function () {
    expect(await deployPolicy(connection, "striped", {})).to.equal(ethers.ZeroAddress);
  });

  it("deploys the named policy first and wires its address into the lifecycle and rewards", async function () {
    for (const [name, id] of [
      ["vrfPath", 1n],
      ["rankedProofs", 3n],
    ] as const) {
      const deployed = await deploySystem(connection, await fileNaming(name), {
        deploymentId: `policy-${name}`,
      });
      expect(deployed.policy).to.equal(name);
      const policy = deployed.addresses.policy;
      expect(policy).to.be.a("string").and.not.equal(ethers.ZeroAddress);
      const lifecycle = await ethers.getContractAt("BlockLifecycle", deployed.addresses.lifecycle);
      const rewards = await ethers.getContractAt("ProverRewards", deployed.addresses.rewards);
      expect(await lifecycle.POLICY()).to.equal(policy);
      expect(await lifecycle.policyId()).to.equal(id);
      expect(await rewards.POLICY()).to.equal(policy);
      if (name === "rankedProofs") {
        const ranked = await ethers.getContractAt("RankedProofsPolicy", policy);
        // feeBurnBps defaults to the rewards' proverBurnBps; the others come from the file.
        expect(await ranked.FEE_BURN_BPS()).to.equal(500n);
        expect(await ranked.PROOFS_PER_NODE()).to.equal(3n);
        expect(await ranked.MAX_ROOTS()).to.equal(3n);
      }
    }
  });
});

describe("Policies: inactivity counts only assigned work", function () {
  async function mockWithInactivity() {
    const mock = await ethers.deployContract("MockAssignmentPolicy", [VRF_PATH]);
    const fx = await deploySettledRewards(ethers, mine, {
      policy: await mock.getAddress(),
      config: { inactivityThreshold: 1n, inactivitySlash: 10n * UNIT },
    });
    return { ...fx, mock };
  }

  it("an uncredited member the policy gave no work keeps its streak; an assigned one misses", async function () {
    const fx = await networkHelpers.loadFixture(mockWithInactivity);
    await finalBlock(fx);
    // Member 0 credited; members 1 and 2 assigned but not credited; member 3 not assigned (a
    // sortedRounds rank above the largest round, say).
    await fx.mock.setCredit(
      credit({
        amounts: [PROVERS, 0n, 0n, 0n],
        credited: 0b0001n,
        assigned: 0b0111n,
        validRoots: 1n,
      }),
    );
    await settle(fx, ethers);
    const state = async (i: number) => fx.rewards.inactivityOf(fx.members[i].address);
    expect(await state(0)).to.deep.equal([0n, 0n]);
    // k = 1: each assigned miss owes a slash at once.
    expect(await state(1)).to.deep.equal([0n, 1n]);
    expect(await state(2)).to.deep.equal([0n, 1n]);
    expect(await state(3)).to.deep.equal([0n, 0n]);
    await expect(fx.rewards.slashInactive(fx.members[3].address))
      .to.be.revertedWithCustomError(fx.rewards, "NoPendingSlash")
      .withArgs(fx.members[3].address);
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });
});

describe("Policies: uncle rewards come out of a bounded per-block budget", function () {
  async function bigUncleFixture() {
    // UNCLE_REWARD of 500 tokens against a per-block budget of 700 (70% of the 1000 reward).
    const policy = await ethers.deployContract("SiblingCoverPolicy", [500n * UNIT]);
    const fx = await deploySettledRewards(ethers, mine, { policy: await policy.getAddress() });
    return { ...fx, policy };
  }

  it("the second claim gets what is left of the budget, a third pays nothing but counts its member active", async function () {
    const fx = await networkHelpers.loadFixture(bigUncleFixture);
    const budget = await fx.rewards.policyRewardBudget();
    expect(budget).to.equal(700n * UNIT);
    const slot = await firstOpenSlot(fx, ethers);
    const { m, leafCount, seed } = await provableBlock(fx, ethers, slot);
    const { assigned, sibling } = proverTable(m, seed, leafCount);
    const record = new Uint8Array(2 * leafCount - 1);
    for (let n = 1; n < 2 * leafCount; n++) record[n - 1] = assigned[n];
    const nodes: number[] = [];
    for (let n = 2; n < 2 * leafCount && nodes.length < 3; n++) {
      if (sibling[n] !== assigned[n]) nodes.push(n);
    }
    expect(nodes).to.have.length(3);
    for (const n of nodes) record[n - 1] = sibling[n];
    await submitRecord(fx, slot, 0, record);
    const claim = async (n: number) => {
      const who = fx.members[assigned[n]];
      const proof = await nodeProof(fx, slot, n, who.address);
      return fx.policy
        .connect(who.signer)
        .claimUncle(
          await fx.rewards.getAddress(),
          slot,
          n,
          assigned[n],
          fx.committee,
          record,
          proof,
        );
    };
    await expect(claim(nodes[0]))
      .to.emit(fx.policy, "UncleRewarded")
      .withArgs(await fx.rewards.getAddress(), slot, nodes[0], assigned[nodes[0]], 500n * UNIT);
    await expect(claim(nodes[1]))
      .to.emit(fx.policy, "UncleRewarded")
      .withArgs(await fx.rewards.getAddress(), slot, nodes[1], assigned[nodes[1]], 200n * UNIT);
    const poolBefore = await fx.rewards.pool();
    const third = fx.members[assigned[nodes[2]]].address;
    const balance = (await fx.rewards.claimable(third)).proving;
    await expect(claim(nodes[2]))
      .to.emit(fx.policy, "UncleRewarded")
      .withArgs(await fx.rewards.getAddress(), slot, nodes[2], assigned[nodes[2]], 0n);
    expect(await fx.rewards.pool()).to.equal(poolBefore);
    expect((await fx.rewards.claimable(third)).proving).to.equal(balance);
    expect(await fx.rewards.policyRewardPaid(slot)).to.equal(budget);
    expect(((await fx.rewards.policyActivity(slot)) >> BigInt(assigned[nodes[2]])) & 1n).to.equal(
      1n,
    );
    await expectRewardsConserved(fx, rewardAccounts(fx));
  });
});
