/**
 * Every custom error of BlockLifecycle and every window boundary: each rejection names its error
 * and arguments and leaves the chain, the blocks involved and the L1 height unchanged; the
 * neighbouring accepted case is shown next to it.
 *
 * Timing of the fixture (LIFECYCLE_TEST_PARAMS): slots of 4 L1 blocks, a proposal phase of 2,
 * proof window W = 20, data timeout 3; epochs of 40 blocks (10 slots) and a committee of m = 4
 * with f = 1 and min(c, m) = 2 trees of L = 4 leaves. For slot s starting at L1 block B:
 * proposals in [B, B+1], publication and root proofs in [B+2, B+21], timeout certificates from
 * B+5 (or publication + 3) to B+21, pruning from B+22.
 */
import { expect } from "chai";
import { NONE as NO_CREDIT } from "../src/protocol/policies/types.js";
import { keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import {
  attestedRootProof,
  attestRecord,
  placeholderLeafInputs,
  standInRootProof,
  type AttestationKeys,
  type ChunkSigner,
} from "../src/protocol/attestation.js";
import {
  blockHeaderOf,
  BlockStatus,
  checkParticipation,
  faultThreshold,
  participationRecord,
  proofWindow,
  proposalScore,
  slotStartBlock,
  timeoutVoteDomain,
  timeoutWindow,
} from "../src/protocol/lifecycle.js";
import { publicKeyHash } from "../src/protocol/stake.js";
import { deployElection, revealFor } from "./helpers/election.js";
import {
  attestationKeys,
  deployLifecycle,
  firstOpenSlot,
  leaderOf,
  LIFECYCLE_TEST_PARAMS,
  mineTo,
  proposeBlock,
  publishData,
  rootProof,
  submitRoot,
  treeShape,
  type LifecycleFixture,
} from "./helpers/lifecycle.js";
import {
  certificate,
  committeeHash,
  expectRejected,
  proposeNow,
} from "./helpers/lifecycleCases.js";
import { keysFor, nextBlockNumber, UNIT } from "./helpers/stakeTable.js";

const { ethers, networkHelpers } = await network.create();
const mine = (n: number) => networkHelpers.mine(n);

async function lifecycleFixture(): Promise<LifecycleFixture> {
  return deployLifecycle(ethers, mine);
}

async function scoringFixture(): Promise<LifecycleFixture> {
  return deployLifecycle(ethers, mine, { feeSplitScoring: true });
}

const NONE = BigInt(BlockStatus.None);
const PROPOSED = BigInt(BlockStatus.Proposed);
const FINAL = BigInt(BlockStatus.Final);
const TIMED_OUT = BigInt(BlockStatus.TimedOut);
const PRUNED = BigInt(BlockStatus.Pruned);

describe("BlockLifecycle errors and boundaries", function () {
  let fx: LifecycleFixture;
  /** The first slot of the committee's epoch whose proposal phase lies ahead. */
  let s: bigint;

  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(lifecycleFixture);
    s = await firstOpenSlot(fx, ethers);
  });

  const rejected = (
    slots: readonly bigint[],
    send: () => Promise<unknown>,
    error: string,
    args: readonly unknown[],
  ) => expectRejected(fx, ethers, slots, send, error, args);
  const start = (slot: bigint) => slotStartBlock(fx.clock, slot);
  const statusOf = async (slot: bigint) => (await fx.lifecycle.getBlock(slot)).status;
  const chain = async () => {
    const [head, finalized, pending] = await fx.lifecycle.chainState();
    return { head, finalized, pending };
  };

  describe("constructor", function () {
    async function config(overrides: Record<string, unknown> = {}) {
      return {
        election: await fx.election.getAddress(),
        verifier: await fx.verifier.getAddress(),
        ...LIFECYCLE_TEST_PARAMS,
        ...overrides,
      };
    }

    /** Deploying with `overrides` reverts with `error(...args)` and mines nothing. */
    async function expectDeployRejected(
      overrides: Record<string, unknown>,
      error: string,
      args: readonly unknown[],
    ) {
      const factory = await ethers.getContractFactory("BlockLifecycle");
      const [deployer] = await ethers.getSigners();
      const before = [
        await ethers.provider.getBlockNumber(),
        await ethers.provider.getTransactionCount(deployer.address),
      ];
      await expect(factory.deploy(await config(overrides)))
        .to.be.revertedWithCustomError(factory, error)
        .withArgs(...args);
      expect([
        await ethers.provider.getBlockNumber(),
        await ethers.provider.getTransactionCount(deployer.address),
      ]).to.deep.equal(before);
    }

    it("InvalidSlotLength: 0, and lengths that do not divide the epoch", async function () {
      const epochLength = fx.clock.epochLength;
      for (const slotLength of [0n, 3n, 7n, 80n]) {
        await expectDeployRejected({ slotLength, proposalPhase: 1n }, "InvalidSlotLength", [
          slotLength,
          epochLength,
        ]);
      }
    });

    it("InvalidProposalPhase: 0 and above the slot length", async function () {
      for (const proposalPhase of [0n, 5n]) {
        await expectDeployRejected({ proposalPhase }, "InvalidProposalPhase", [proposalPhase, 4n]);
      }
    });

    it("InvalidDataTimeout: 0 and at or above the proof window", async function () {
      const window = fx.clock.proofWindow;
      for (const dataTimeout of [0n, window, window + 1n]) {
        await expectDeployRejected({ dataTimeout }, "InvalidDataTimeout", [dataTimeout, window]);
      }
    });

    it("InvalidFaultTolerance: 10000 bps and above", async function () {
      for (const faultToleranceBps of [10_000n, 2n ** 255n]) {
        await expectDeployRejected({ faultToleranceBps }, "InvalidFaultTolerance", [
          faultToleranceBps,
        ]);
      }
    });

    it("HistoryTooShort: the record ring must outlast a block's phase and proof window", async function () {
      // The fixture's W = 20 is far inside the ring; a stake table with W = 255 is not, at one
      // L1 block per slot: HISTORY_SLOTS * 1 = 256 <= 1 + 255.
      const long = await deployElection(ethers, {
        stakes: [],
        table: { proofWindow: 255n, exitDelay: 300n },
      });
      const history = await fx.lifecycle.HISTORY_SLOTS();
      expect(history).to.equal(256n);
      const election = await long.election.getAddress();
      const tight = { election, slotLength: 1n, proposalPhase: 1n, dataTimeout: 1n };
      await expectDeployRejected(tight, "HistoryTooShort", [history, 256n]);
      // Two L1 blocks per slot: 512 > 256.
      const lifecycle = await ethers.deployContract("BlockLifecycle", [
        await config({ ...tight, slotLength: 2n }),
      ]);
      expect(await lifecycle.PROOF_WINDOW()).to.equal(255n);
    });

    it("ZeroAddress: a zero verifier", async function () {
      await expectDeployRejected({ verifier: ethers.ZeroAddress }, "ZeroAddress", []);
    });

    // Regression: the check once ran after the base constructor had already called the election.
    it("ZeroAddress: a zero election", async function () {
      await expectDeployRejected({ election: ethers.ZeroAddress }, "ZeroAddress", []);
    });

    it("accepts every boundary value: slot = epoch, phase = slot, delta = W - 1, f at 9999 bps", async function () {
      const lifecycle = await ethers.deployContract("BlockLifecycle", [
        await config({
          slotLength: fx.clock.epochLength,
          proposalPhase: fx.clock.epochLength,
          dataTimeout: fx.clock.proofWindow - 1n,
          faultToleranceBps: 9_999n,
        }),
      ]);
      expect(await lifecycle.MAX_PENDING_BLOCKS()).to.equal(
        (fx.clock.epochLength + fx.clock.proofWindow) / fx.clock.epochLength + 2n,
      );
      expect(await lifecycle.faultThreshold(4)).to.equal(3n);
    });
  });

  describe("propose", function () {
    it("OutsideProposalPhase: at start − 1 and start + phase; accepted at start and start + phase − 1", async function () {
      const phase = fx.clock.proposalPhase;
      const seq = fx.sequencers;
      await mineTo(fx, ethers, start(s) - 1n);
      await rejected([s], () => proposeNow(fx, s, seq[0]), "OutsideProposalPhase", [
        s,
        start(s),
        start(s) + phase - 1n,
      ]);
      // The rejection mined nothing: the next block is still start − 1.
      expect(await nextBlockNumber(ethers)).to.equal(start(s) - 1n);
      await mine(1);
      const first = await (await proposeNow(fx, s, seq[0])).wait();
      expect(BigInt(first!.blockNumber)).to.equal(start(s));
      // The last block of the next slot's phase still takes a proposal.
      await mineTo(fx, ethers, start(s + 1n) + phase - 1n);
      const last = await (await proposeNow(fx, s + 1n, seq[1])).wait();
      expect(BigInt(last!.blockNumber)).to.equal(start(s + 1n) + phase - 1n);
      expect(await statusOf(s + 1n)).to.equal(PROPOSED);
      // One block later the phase is over, for this slot and the next one's late proposals alike.
      await mineTo(fx, ethers, start(s + 2n) + phase);
      await rejected([s + 2n], () => proposeNow(fx, s + 2n, seq[2]), "OutsideProposalPhase", [
        s + 2n,
        start(s + 2n),
        start(s + 2n) + phase - 1n,
      ]);
      await rejected([s + 1n], () => proposeNow(fx, s + 1n, seq[2]), "OutsideProposalPhase", [
        s + 1n,
        start(s + 1n),
        start(s + 1n) + phase - 1n,
      ]);
    });

    it("SlotOutOfRange: slot 0 (genesis) and slots above uint32", async function () {
      await mineTo(fx, ethers, start(s));
      for (const slot of [0n, 2n ** 32n, 2n ** 256n - 1n]) {
        await rejected([0n, s], () => proposeNow(fx, slot, fx.sequencers[0]), "SlotOutOfRange", [
          slot,
        ]);
      }
      expect(await statusOf(0n)).to.equal(FINAL);
    });

    it("InvalidFeeSplit: any nonzero split while fee-split scoring is off", async function () {
      expect(await fx.lifecycle.FEE_SPLIT_SCORING()).to.equal(false);
      await mineTo(fx, ethers, start(s));
      for (const feeSplitBps of [1n, 10_000n, 10_001n]) {
        await rejected(
          [s],
          () => proposeNow(fx, s, fx.sequencers[0], { feeSplitBps }),
          "InvalidFeeSplit",
          [feeSplitBps],
        );
      }
      await expect(proposeNow(fx, s, fx.sequencers[0])).to.emit(fx.lifecycle, "BlockProposed");
    });

    it("NotKeyOwner: proposing with another operator's key", async function () {
      const [a, b] = fx.sequencers;
      const stolen = publicKeyHash(b.publicKey);
      await mineTo(fx, ethers, start(s));
      await rejected([s], () => proposeNow(fx, s, a, { publicKeyHash: stolen }), "NotKeyOwner", [
        stolen,
        a.address,
      ]);
      // An unregistered key has no owner either.
      const unknown = keccak256(toUtf8Bytes("no such key"));
      await rejected([s], () => proposeNow(fx, s, a, { publicKeyHash: unknown }), "NotKeyOwner", [
        unknown,
        a.address,
      ]);
    });

    it("ProposerNotStaked: an operator registered now has no stake in the slot's epoch", async function () {
      // Stake registered now counts from currentEpoch + activationLag, after the fixture's epoch.
      // (An exiting operator keeps its stake until its exit epoch, which is also later, so an
      // exit cannot produce this error inside the fixture's epoch.)
      const signer = fx.signers[fx.operators.length];
      const keys = await keysFor(fx, signer.address, "lifecycle-late-operator");
      await fx.table
        .connect(signer)
        .register(
          signer.address,
          signer.address,
          500n * UNIT,
          keys.publicKey,
          keys.proofOfPossession,
        );
      expect(await fx.table.stakeAt(signer.address, fx.epoch)).to.equal(0n);
      const late = { signer, publicKey: keys.publicKey };
      await mineTo(fx, ethers, start(s));
      await rejected([s], () => proposeNow(fx, s, late, { committee: [] }), "ProposerNotStaked", [
        signer.address,
        fx.epoch,
      ]);
    });

    it("ProposerInCommittee: a member that passes the committee; CommitteeMismatch if it passes none", async function () {
      const member = fx.members[2];
      await mineTo(fx, ethers, start(s));
      await rejected([s], () => proposeNow(fx, s, member), "ProposerInCommittee", [
        member.address,
        fx.epoch,
      ]);
      await rejected([s], () => proposeNow(fx, s, member, { committee: [] }), "CommitteeMismatch", [
        fx.epoch,
        committeeHash(fx.committee),
        committeeHash([]),
      ]);
    });

    it("ProposerInCommittee: a member that already revealed for the next epoch, in the epoch's last slot", async function () {
      // A reveal for e + 1 replaces the key's record of revealing for e; the lifecycle must still
      // check the committee (found by the conservation run: the member used to get through).
      const member = fx.members[1];
      const next = fx.epoch + 1n;
      const [opensAt] = await fx.election.revealWindow(next);
      const last = (next * fx.clock.epochLength) / fx.clock.slotLength - 1n;
      expect(start(last)).to.be.greaterThan(opensAt);
      await mineTo(fx, ethers, opensAt);
      const r = await revealFor(fx, member, next);
      await fx.election.reveal(next, r.publicKey, r.vrfProof);
      expect(await fx.election.hasRevealed(publicKeyHash(member.publicKey), fx.epoch)).to.equal(
        false,
      );
      expect(await fx.election.lastRevealEpoch(publicKeyHash(member.publicKey))).to.equal(next);
      await mineTo(fx, ethers, start(last));
      await rejected(
        [last],
        () => proposeNow(fx, last, member, { committee: [] }),
        "CommitteeMismatch",
        [fx.epoch, committeeHash(fx.committee), committeeHash([])],
      );
      await rejected(
        [last],
        () => proposeNow(fx, last, member, { committee: fx.committee }),
        "ProposerInCommittee",
        [member.address, fx.epoch],
      );
    });

    it("a displaced revealer proposes by passing the committee; a wrong committee is CommitteeMismatch", async function () {
      const seq = fx.sequencers[0];
      expect(await fx.election.hasRevealed(publicKeyHash(seq.publicKey), fx.epoch)).to.equal(true);
      expect(fx.committee).to.not.include(seq.address);
      const expected = committeeHash(fx.committee);
      const wrong = [
        [],
        [...fx.committee].reverse(),
        [seq.address, ...fx.committee.slice(1)],
        fx.committee.slice(0, 3),
      ];
      await mineTo(fx, ethers, start(s));
      for (const committee of wrong) {
        await rejected([s], () => proposeNow(fx, s, seq, { committee }), "CommitteeMismatch", [
          fx.epoch,
          expected,
          committeeHash(committee),
        ]);
      }
      await expect(proposeNow(fx, s, seq)).to.emit(fx.lifecycle, "BlockProposed");
      expect((await fx.lifecycle.getBlock(s)).proposer).to.equal(seq.address);
    });

    it("EpochWithoutCommittee: the next epoch had no reveals", async function () {
      const next = fx.epoch + 1n;
      const slot = (next * fx.clock.epochLength) / fx.clock.slotLength;
      await mineTo(fx, ethers, start(slot));
      await rejected(
        [slot],
        () => proposeNow(fx, slot, fx.sequencers[0], { committee: [] }),
        "EpochWithoutCommittee",
        [next],
      );
      // The reverted proposal did not seal the epoch either.
      expect(await fx.election.isSealed(next)).to.equal(false);
    });

    it("InvalidParent: not the head, and a different parent when outbidding", async function () {
      const [a, b, c] = fx.sequencers;
      await mineTo(fx, ethers, start(s));
      await rejected([s], () => proposeNow(fx, s, a, { parent: 7n }), "InvalidParent", [0n, 7n]);
      await proposeNow(fx, s, a);
      await rejected([s], () => proposeNow(fx, s, b, { parent: 3n }), "InvalidParent", [0n, 3n]);
      await mineTo(fx, ethers, start(s + 1n));
      // The head moved to s: building on genesis again is rejected.
      await rejected(
        [s, s + 1n],
        () => proposeNow(fx, s + 1n, c, { parent: 0n }),
        "InvalidParent",
        [s, 0n],
      );
      await expect(proposeNow(fx, s + 1n, c, { parent: s })).to.emit(fx.lifecycle, "BlockProposed");
    });

    it("InvalidLeafCount: 0, not a power of two, above the epoch's leafCount", async function () {
      const max = (await fx.election.paramsAt(fx.epoch)).leafCount;
      expect(max).to.equal(4n);
      await mineTo(fx, ethers, start(s));
      for (const leafCount of [0n, 3n, 6n, 8n, 2n ** 24n]) {
        await rejected(
          [s],
          () => proposeNow(fx, s, fx.sequencers[0], { leafCount }),
          "InvalidLeafCount",
          [leafCount, max],
        );
      }
      await expect(proposeNow(fx, s, fx.sequencers[0], { leafCount: 1n })).to.emit(
        fx.lifecycle,
        "BlockProposed",
      );
    });

    it("ProposalOutscored: equal and lower scores are rejected; a higher score replaces the proposer", async function () {
      const seed = await fx.table.seedOf(fx.epoch);
      const ranked = (slot: bigint) =>
        fx.sequencers
          .map((o) => ({ o, score: proposalScore(seed, slot, publicKeyHash(o.publicKey), 0n) }))
          .sort((x, y) => (x.score < y.score ? -1 : 1));
      // Slot s: the lowest proposes; re-proposing its own score is rejected; the highest replaces it.
      const [low, , , high] = ranked(s);
      await mineTo(fx, ethers, start(s));
      await proposeNow(fx, s, low.o, { txCommitment: keccak256(toUtf8Bytes("low")) });
      await rejected([s], () => proposeNow(fx, s, low.o), "ProposalOutscored", [
        s,
        low.score,
        low.score,
      ]);
      const tx = keccak256(toUtf8Bytes("high"));
      await expect(proposeNow(fx, s, high.o, { txCommitment: tx }))
        .to.emit(fx.lifecycle, "BlockProposed")
        .withArgs(s, high.o.address, 0n, tx, 4n, 0n, high.score);
      const b = await fx.lifecycle.getBlock(s);
      expect([b.proposer, b.txCommitment, b.score]).to.deep.equal([high.o.address, tx, high.score]);
      // Replacing a proposal does not add a pending block.
      expect(await chain()).to.deep.equal({ head: s, finalized: 0n, pending: 1n });
      // Slot s + 1: the highest proposes first; lower and equal scores are rejected.
      const ranked1 = ranked(s + 1n);
      const top = ranked1[3];
      await mineTo(fx, ethers, start(s + 1n));
      await proposeNow(fx, s + 1n, top.o);
      for (const lower of ranked1.slice(0, 3)) {
        await rejected([s, s + 1n], () => proposeNow(fx, s + 1n, lower.o), "ProposalOutscored", [
          s + 1n,
          lower.score,
          top.score,
        ]);
      }
      await rejected([s, s + 1n], () => proposeNow(fx, s + 1n, top.o), "ProposalOutscored", [
        s + 1n,
        top.score,
        top.score,
      ]);
    });

    it("TooManyPendingBlocks: unreachable with unexpired blocks; trips after unpruned expiries, pruning frees it", async function () {
      const { slotLength, proposalPhase, proofWindow: w } = fx.clock;
      const max = await fx.lifecycle.MAX_PENDING_BLOCKS();
      expect(max).to.equal((proposalPhase + w) / slotLength + 2n);
      expect(max).to.equal(7n);
      // By construction: when slot t's proposal lands (at or after t's start), an earlier block
      // s < t is still inside its window only if (t − s) · slotLength <= phase + W − 1, so at
      // most floor((phase + W − 1) / slotLength) unexpired blocks wait: 5 < 7. The cap can only
      // trip when expired blocks were left unpruned.
      const maxUnexpired = (proposalPhase + w - 1n) / slotLength;
      expect(maxUnexpired).to.equal(5n);
      expect(maxUnexpired).to.be.lessThan(max);
      for (let k = 0n; k < max; k++) {
        await proposeBlock(fx, ethers, s + k, fx.sequencers[Number(k) % fx.sequencers.length]);
      }
      expect(await chain()).to.deep.equal({ head: s + max - 1n, finalized: 0n, pending: max });
      const t = s + max;
      await mineTo(fx, ethers, start(t));
      const expired = Array.from({ length: Number(max) }, (_, k) => s + BigInt(k)).filter(
        (slot) => proofWindow(fx.clock, slot).closesAt < start(t),
      );
      expect(expired).to.deep.equal([s, s + 1n]);
      await rejected([s, t], () => proposeNow(fx, t, fx.sequencers[0]), "TooManyPendingBlocks", [
        max,
        max,
      ]);
      // Pruning the expired s + 1 removes it and the five blocks above it.
      await fx.lifecycle.prune(s + 1n);
      expect(await chain()).to.deep.equal({ head: s, finalized: 0n, pending: 1n });
      await expect(proposeNow(fx, t, fx.sequencers[0], { parent: s })).to.emit(
        fx.lifecycle,
        "BlockProposed",
      );
      expect(await chain()).to.deep.equal({ head: t, finalized: 0n, pending: 2n });
    });

    it("SlotClosed: the slot's block was removed during its phase (a certificate on its parent)", async function () {
      // Reachable only when the removal and the slot's first proposal share its phase: the
      // parent s's certificate opens at start(s) + 5; with a 2-block phase, slot s + 2's
      // proposal and the certificate land in the same block (start(s) + 8), one after the other,
      // and the next block is still in s + 2's phase.
      const [a, b, c] = fx.sequencers;
      await proposeBlock(fx, ethers, s, a);
      const leader = await leaderOf(fx, s, 0);
      const cert = await certificate(fx, s, 0, [0, 1]);
      const target = s + 2n;
      await mineTo(fx, ethers, start(target));
      const GWEI = 10n ** 9n;
      const fees = (priority: bigint) => ({
        gasLimit: 2_000_000n,
        maxFeePerGas: 100n * GWEI,
        maxPriorityFeePerGas: priority * GWEI,
      });
      const sendBoth = async () => {
        const proposal = await fx.lifecycle.connect(b.signer).propose(
          target,
          {
            parent: s,
            txCommitment: keccak256(toUtf8Bytes("doomed")),
            leafCount: 4n,
            feeSplitBps: 0n,
            publicKeyHash: publicKeyHash(b.publicKey),
          },
          fx.committee,
          fees(10n),
        );
        const timeout = await fx.lifecycle
          .connect(leader.signer)
          .postTimeoutCertificate(s, 0, fx.committee, cert.bitmap, cert.signatures, fees(1n));
        await ethers.provider.send("evm_mine", []);
        return [proposal, timeout] as const;
      };
      await ethers.provider.send("evm_setAutomine", [false]);
      const [proposal, timeout] = await sendBoth().finally(() =>
        ethers.provider.send("evm_setAutomine", [true]),
      );
      const [r1, r2] = await Promise.all([proposal.wait(), timeout.wait()]);
      expect([r1!.status, r2!.status]).to.deep.equal([1, 1]);
      expect([BigInt(r1!.blockNumber), BigInt(r2!.blockNumber)]).to.deep.equal([
        start(target),
        start(target),
      ]);
      expect(r1!.index).to.be.lessThan(r2!.index);
      // s timed out and took target (built on it) with it, inside target's proposal phase.
      expect([await statusOf(s), await statusOf(target)]).to.deep.equal([TIMED_OUT, PRUNED]);
      expect(await chain()).to.deep.equal({ head: 0n, finalized: 0n, pending: 0n });
      expect(await nextBlockNumber(ethers)).to.equal(start(target) + 1n);
      await rejected([s, target], () => proposeNow(fx, target, c, { parent: 0n }), "SlotClosed", [
        target,
      ]);
      // The timed-out slot itself is closed too (its phase is long over, which is checked first).
      await rejected([s], () => proposeNow(fx, s, c), "OutsideProposalPhase", [
        s,
        start(s),
        start(s) + fx.clock.proposalPhase - 1n,
      ]);
    });
  });

  describe("publishData", function () {
    it("OutsideWindow before opensAt, NotProposer, then DataAlreadyPublished", async function () {
      const [a, b] = fx.sequencers;
      await proposeBlock(fx, ethers, s, a);
      const { opensAt, closesAt } = proofWindow(fx.clock, s);
      expect(await nextBlockNumber(ethers)).to.equal(opensAt - 1n);
      await rejected([s], () => fx.lifecycle.connect(a.signer).publishData(s), "OutsideWindow", [
        s,
        opensAt,
        closesAt,
      ]);
      await mine(1);
      for (const other of [b, fx.members[0]]) {
        await rejected(
          [s],
          () => fx.lifecycle.connect(other.signer).publishData(s),
          "NotProposer",
          [s, other.address],
        );
      }
      await expect(fx.lifecycle.connect(a.signer).publishData(s))
        .to.emit(fx.lifecycle, "DataPublished")
        .withArgs(s, opensAt);
      await rejected(
        [s],
        () => fx.lifecycle.connect(a.signer).publishData(s),
        "DataAlreadyPublished",
        [s],
      );
    });

    it("OutsideWindow after closesAt; accepted at closesAt", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await proposeBlock(fx, ethers, s + 1n, fx.sequencers[1]);
      const w0 = proofWindow(fx.clock, s);
      await mineTo(fx, ethers, w0.closesAt);
      await expect(publishData(fx, ethers, s))
        .to.emit(fx.lifecycle, "DataPublished")
        .withArgs(s, w0.closesAt);
      const w1 = proofWindow(fx.clock, s + 1n);
      await mineTo(fx, ethers, w1.closesAt + 1n);
      await rejected(
        [s, s + 1n],
        () => fx.lifecycle.connect(fx.sequencers[1].signer).publishData(s + 1n),
        "OutsideWindow",
        [s + 1n, w1.opensAt, w1.closesAt],
      );
    });

    it("UnexpectedBlockStatus: an unknown slot, genesis, a timed-out block", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      const a = fx.sequencers[0].signer;
      await rejected(
        [s + 5n],
        () => fx.lifecycle.connect(a).publishData(s + 5n),
        "UnexpectedBlockStatus",
        [s + 5n, NONE],
      );
      await rejected([0n], () => fx.lifecycle.connect(a).publishData(0n), "UnexpectedBlockStatus", [
        0n,
        FINAL,
      ]);
      await mineTo(fx, ethers, await timeoutOpensAtOf(s));
      await postCertificate(s, 0, [0, 1]);
      await rejected([s], () => fx.lifecycle.connect(a).publishData(s), "UnexpectedBlockStatus", [
        s,
        TIMED_OUT,
      ]);
    });
  });

  /** The first block that takes a certificate for `slot`, from the chain's record. */
  async function timeoutOpensAtOf(slot: bigint): Promise<bigint> {
    const b = await fx.lifecycle.getBlock(slot);
    return timeoutWindow(fx.clock, slot, b.publishedAt).opensAt;
  }

  /** Posts a valid certificate for (`slot`, `round`) signed by the members at `indices`. */
  async function postCertificate(slot: bigint, round: number, indices: number[]) {
    const leader = await leaderOf(fx, slot, round);
    const cert = await certificate(fx, slot, round, indices);
    return fx.lifecycle
      .connect(leader.signer)
      .postTimeoutCertificate(slot, round, fx.committee, cert.bitmap, cert.signatures);
  }

  describe("postTimeoutCertificate", function () {
    it("window without publication: OutsideWindow at opensAt + delta − 1, accepted at opensAt + delta", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      const { opensAt, closesAt } = proofWindow(fx.clock, s);
      const window = timeoutWindow(fx.clock, s, 0n);
      expect(window.opensAt).to.equal(opensAt + fx.clock.dataTimeout);
      expect(await fx.lifecycle.timeoutWindow(s)).to.deep.equal([window.opensAt, closesAt]);
      const leader = await leaderOf(fx, s, 0);
      const cert = await certificate(fx, s, 0, [0, 1]);
      const post = () =>
        fx.lifecycle
          .connect(leader.signer)
          .postTimeoutCertificate(s, 0, fx.committee, cert.bitmap, cert.signatures);
      await mineTo(fx, ethers, window.opensAt - 1n);
      await rejected([s], post, "OutsideWindow", [s, window.opensAt, closesAt]);
      await mine(1);
      await expect(post())
        .to.emit(fx.lifecycle, "BlockTimedOut")
        .withArgs(s, 0n, leader.address, cert.bitmap);
      expect(await statusOf(s)).to.equal(TIMED_OUT);
      expect(await chain()).to.deep.equal({ head: 0n, finalized: 0n, pending: 0n });
    });

    it("window after publication: anchored at the publication block", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      const { opensAt, closesAt } = proofWindow(fx.clock, s);
      await mineTo(fx, ethers, opensAt + 1n);
      await publishData(fx, ethers, s);
      const window = timeoutWindow(fx.clock, s, opensAt + 1n);
      expect(window.opensAt).to.equal(opensAt + 1n + fx.clock.dataTimeout);
      expect(await fx.lifecycle.timeoutWindow(s)).to.deep.equal([window.opensAt, closesAt]);
      await mineTo(fx, ethers, window.opensAt - 1n);
      // Unpublished, this block would already take the certificate.
      expect(window.opensAt - 1n).to.equal(timeoutWindow(fx.clock, s, 0n).opensAt);
      await rejected([s], () => postCertificate(s, 0, [1, 2]), "OutsideWindow", [
        s,
        window.opensAt,
        closesAt,
      ]);
      await mine(1);
      await expect(postCertificate(s, 0, [1, 2])).to.emit(fx.lifecycle, "BlockTimedOut");
    });

    it("window end: accepted at closesAt (the top block), OutsideWindow at closesAt + 1", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await proposeBlock(fx, ethers, s + 1n, fx.sequencers[1]);
      const w0 = proofWindow(fx.clock, s);
      const w1 = proofWindow(fx.clock, s + 1n);
      await mineTo(fx, ethers, w1.closesAt);
      // s + 1's last window block is after s's: s is already closed, s + 1 still open.
      await rejected([s, s + 1n], () => postCertificate(s, 0, [0, 1]), "OutsideWindow", [
        s,
        w0.opensAt + fx.clock.dataTimeout,
        w0.closesAt,
      ]);
      await expect(postCertificate(s + 1n, 0, [0, 1])).to.emit(fx.lifecycle, "BlockTimedOut");
      // Only the top block went; s is still pending.
      expect(await chain()).to.deep.equal({ head: s, finalized: 0n, pending: 1n });
      await rejected(
        [s, s + 1n],
        () => postCertificate(s + 1n, 0, [0, 1]),
        "UnexpectedBlockStatus",
        [s + 1n, TIMED_OUT],
      );
    });

    it("CommitteeMismatch, InvalidRound, NotRoundLeader, SignerOutOfRange, SignatureCountMismatch, NotEnoughSigners", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await mineTo(fx, ethers, await timeoutOpensAtOf(s));
      const m = fx.committee.length;
      const f = faultThreshold(m, LIFECYCLE_TEST_PARAMS.faultToleranceBps);
      expect(f).to.equal(1);
      const leader = await leaderOf(fx, s, 0);
      const cert = await certificate(fx, s, 0, [0, 1]);
      const post =
        (
          by: { signer: typeof leader.signer },
          round: bigint | number,
          committee: readonly string[],
          bitmap: bigint,
          signatures: typeof cert.signatures,
        ) =>
        () =>
          fx.lifecycle
            .connect(by.signer)
            .postTimeoutCertificate(s, round, [...committee], bitmap, signatures);

      const reversed = [...fx.committee].reverse();
      await rejected(
        [s],
        post(leader, 0, reversed, cert.bitmap, cert.signatures),
        "CommitteeMismatch",
        [fx.epoch, committeeHash(fx.committee), committeeHash(reversed)],
      );
      for (const round of [BigInt(f + 1), 2n ** 255n]) {
        await rejected(
          [s],
          post(leader, round, fx.committee, cert.bitmap, cert.signatures),
          "InvalidRound",
          [round, BigInt(f)],
        );
      }
      const others = [...fx.members.filter((x) => x.address !== leader.address), fx.sequencers[0]];
      for (const other of others) {
        await rejected(
          [s],
          post(other, 0, fx.committee, cert.bitmap, cert.signatures),
          "NotRoundLeader",
          [leader.address, other.address],
        );
      }
      for (const extra of [1n << BigInt(m), 1n << 255n]) {
        const bitmap = cert.bitmap | extra;
        const signatures = [...cert.signatures, cert.signatures[0]];
        await rejected([s], post(leader, 0, fx.committee, bitmap, signatures), "SignerOutOfRange", [
          bitmap,
          BigInt(m),
        ]);
      }
      await rejected(
        [s],
        post(leader, 0, fx.committee, cert.bitmap, cert.signatures.slice(0, 1)),
        "SignatureCountMismatch",
        [2n, 1n],
      );
      await rejected(
        [s],
        post(leader, 0, fx.committee, cert.bitmap, [...cert.signatures, cert.signatures[0]]),
        "SignatureCountMismatch",
        [2n, 3n],
      );
      // f signers are not enough; f + 1 are.
      const single = await certificate(fx, s, 0, [3]);
      await rejected(
        [s],
        post(leader, 0, fx.committee, single.bitmap, single.signatures),
        "NotEnoughSigners",
        [1n, BigInt(f + 1)],
      );
      await rejected([s], post(leader, 0, fx.committee, 0n, []), "NotEnoughSigners", [
        0n,
        BigInt(f + 1),
      ]);
      await expect(post(leader, 0, fx.committee, cert.bitmap, cert.signatures)()).to.emit(
        fx.lifecycle,
        "BlockTimedOut",
      );
    });

    it("InvalidVote: a non-signer's vote, another round's vote, other EIP-712 domains, a duplicate, a malformed signature, a high-s twin", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await mineTo(fx, ethers, await timeoutOpensAtOf(s));
      const leader = await leaderOf(fx, s, 0);
      const post = (bitmap: bigint, signatures: { r: string; vs: string }[]) => () =>
        fx.lifecycle
          .connect(leader.signer)
          .postTimeoutCertificate(s, 0, fx.committee, bitmap, signatures);
      const [c0, c1] = fx.committee;

      // Bits {0, 1}, but the second vote is member 2's.
      const byOther = await certificate(fx, s, 0, [0, 1], undefined, [
        fx.members[0],
        fx.members[2],
      ]);
      await rejected([s], post(byOther.bitmap, byOther.signatures), "InvalidVote", [1n, c1]);
      // Signed by a non-member.
      const outsider = await certificate(fx, s, 0, [0, 1], undefined, [
        fx.sequencers[0],
        fx.members[1],
      ]);
      await rejected([s], post(outsider.bitmap, outsider.signatures), "InvalidVote", [0n, c0]);
      // Votes for round 1 do not count in round 0, and votes for another slot do not either.
      const round1 = await certificate(fx, s, 1, [0, 1]);
      await rejected([s], post(round1.bitmap, round1.signatures), "InvalidVote", [0n, c0]);
      const otherSlot = await certificate(fx, s + 1n, 0, [0, 1]);
      await rejected([s], post(otherSlot.bitmap, otherSlot.signatures), "InvalidVote", [0n, c0]);
      // Votes under another chain id, or for another deployment (a second BlockLifecycle on the
      // same election, where these votes would be valid), are not replayable here.
      const second = await ethers.deployContract("BlockLifecycle", [
        {
          election: await fx.election.getAddress(),
          verifier: await fx.verifier.getAddress(),
          ...LIFECYCLE_TEST_PARAMS,
        },
      ]);
      const domains = [
        timeoutVoteDomain(1n, fx.lifecycleDomain.lifecycle),
        timeoutVoteDomain(fx.chainId, await second.getAddress()),
        { ...timeoutVoteDomain(fx.chainId, fx.lifecycleDomain.lifecycle), version: "2" },
      ];
      for (const domain of domains) {
        const foreign = await certificate(fx, s, 0, [0, 1], domain);
        await rejected([s], post(foreign.bitmap, foreign.signatures), "InvalidVote", [0n, c0]);
      }
      expect(await second.timeoutVoteDigest(s, 0)).to.not.equal(
        await fx.lifecycle.timeoutVoteDigest(s, 0),
      );
      // Duplicate signers cannot be expressed: the bitmap names each member at most once, and
      // member 0's vote repeated for bit 1 is checked against member 1's address.
      const valid = await certificate(fx, s, 0, [0, 1]);
      await rejected(
        [s],
        post(valid.bitmap, [valid.signatures[0], valid.signatures[0]]),
        "InvalidVote",
        [1n, c1],
      );
      // A malformed signature (r = 0) recovers nobody.
      const zeroR = { r: ethers.ZeroHash, vs: valid.signatures[0].vs };
      await rejected([s], post(valid.bitmap, [zeroR, valid.signatures[1]]), "InvalidVote", [
        0n,
        c0,
      ]);
      // The malleable twin of a valid vote (s' = n - s, parity flipped) recovers the same
      // member, so it must not count. Compact form (EIP-2098) cannot even carry it when
      // s' >= 2^255 (the top bit is the parity); otherwise the low-s check (EIP-2) rejects it.
      const order = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const vs0 = BigInt(valid.signatures[0].vs);
      const low = vs0 & ((1n << 255n) - 1n);
      const twinParity = 1n - (vs0 >> 255n);
      const high = order - low;
      const recovered = await ethers.provider.call({
        to: "0x0000000000000000000000000000000000000001",
        data: ethers.concat([
          await fx.lifecycle.timeoutVoteDigest(s, 0),
          ethers.toBeHex(27n + twinParity, 32),
          valid.signatures[0].r,
          ethers.toBeHex(high, 32),
        ]),
      });
      expect(ethers.getAddress(ethers.dataSlice(recovered, 12))).to.equal(c0);
      const twinVs = high < 1n << 255n ? (twinParity << 255n) | high : high;
      const twin = { r: valid.signatures[0].r, vs: ethers.toBeHex(twinVs, 32) };
      await rejected([s], post(valid.bitmap, [twin, valid.signatures[1]]), "InvalidVote", [0n, c0]);
      // Round 1's leader posts round 1's votes: accepted.
      const leader1 = await leaderOf(fx, s, 1);
      await expect(
        fx.lifecycle
          .connect(leader1.signer)
          .postTimeoutCertificate(s, 1, fx.committee, round1.bitmap, round1.signatures),
      )
        .to.emit(fx.lifecycle, "BlockTimedOut")
        .withArgs(s, 1n, leader1.address, round1.bitmap);
    });

    it("UnexpectedBlockStatus: after finality, a second certificate, an unknown slot", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await proposeBlock(fx, ethers, s + 1n, fx.sequencers[1]);
      await publishData(fx, ethers, s);
      await submitRoot(fx, s, 0);
      expect(await statusOf(s)).to.equal(FINAL);
      await mineTo(fx, ethers, await timeoutOpensAtOf(s + 1n));
      expect(await nextBlockNumber(ethers)).to.be.at.least(await timeoutOpensAtOf(s));
      await rejected([s, s + 1n], () => postCertificate(s, 0, [0, 1]), "UnexpectedBlockStatus", [
        s,
        FINAL,
      ]);
      await postCertificate(s + 1n, 0, [0, 1]);
      await rejected(
        [s, s + 1n],
        () => postCertificate(s + 1n, 0, [0, 1]),
        "UnexpectedBlockStatus",
        [s + 1n, TIMED_OUT],
      );
      await rejected([s + 2n], () => postCertificate(s + 2n, 0, [0, 1]), "UnexpectedBlockStatus", [
        s + 2n,
        NONE,
      ]);
    });
  });

  describe("submitRootProof", function () {
    /** Submits `record` for `tree` with a stand-in proof that is valid for exactly that record. */
    async function submitRecord(slot: bigint, tree: number, record: Uint8Array) {
      const submitter = fx.members[0];
      const { proof } = await rootProof(fx, slot, tree, submitter.address, record);
      return fx.lifecycle.connect(submitter.signer).submitRootProof(slot, tree, record, proof);
    }

    it("OutsideWindow before opensAt, DataNotPublished inside it", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      const { opensAt, closesAt } = proofWindow(fx.clock, s);
      await rejected([s], () => submitRoot(fx, s, 0), "OutsideWindow", [s, opensAt, closesAt]);
      await mine(1);
      expect(await nextBlockNumber(ethers)).to.equal(opensAt);
      await rejected([s], () => submitRoot(fx, s, 0), "DataNotPublished", [s]);
    });

    it("InvalidTree, InvalidRecordLength, UnassignedParticipant at the root; below it the record is settlement's", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await publishData(fx, ethers, s);
      const shape = await treeShape(fx, s);
      expect(shape).to.include({ m: 4, c: 2, leafCount: 4 });
      const record0 = participationRecord(shape, 0);

      for (const tree of [shape.c, 15, 16, 2 ** 20]) {
        await rejected([s], () => submitRecord(s, tree, record0), "InvalidTree", [
          BigInt(tree),
          BigInt(shape.c),
        ]);
      }
      for (const length of [0, 6, 8]) {
        const record = new Uint8Array(length);
        await rejected([s], () => submitRecord(s, 0, record), "InvalidRecordLength", [
          BigInt(length),
          7n,
        ]);
      }
      // A root member index at or above m (NONE, 255, aside), or another tree's root prover, is
      // rejected.
      for (const index of [shape.m, 254]) {
        const outOfRange = Uint8Array.from(record0);
        outOfRange[0] = index;
        await rejected([s], () => submitRecord(s, 0, outOfRange), "UnassignedParticipant", [
          1n,
          BigInt(index),
        ]);
      }
      const borrowedRoot = Uint8Array.from(record0);
      borrowedRoot[0] = participationRecord(shape, 1)[0];
      await rejected([s], () => submitRecord(s, 0, borrowedRoot), "UnassignedParticipant", [
        1n,
        BigInt(borrowedRoot[0]),
      ]);
      // Below the root the lifecycle leaves the record to settlement (test/rewards.test.ts):
      // a member index at or above m, or a member at a leaf it proves in no tree, is accepted.
      // (m = 4, c = 2: two of the four members are assigned to each leaf position.)
      const leaf = 6;
      const unassigned = [...Array(shape.m).keys()].filter((member) => {
        const record = Uint8Array.from(record0);
        record[leaf - 1] = member;
        return checkParticipation(shape, 0, record) !== null;
      });
      expect(unassigned.length).to.equal(2);
      const forged = Uint8Array.from(record0);
      forged[leaf - 1] = unassigned[0];
      await expect(submitRecord(s, 0, forged))
        .to.emit(fx.lifecycle, "RootProofAccepted")
        .withArgs(s, 0n, fx.members[0].address, keccak256(forged), forged);
      // Each output may come from either tree's same position.
      const mixed = participationRecord(shape, 1, (node) => node % 2);
      expect(mixed).to.not.deep.equal(participationRecord(shape, 1));
      expect(checkParticipation(shape, 1, mixed)).to.equal(null);
      await expect(submitRecord(s, 1, mixed))
        .to.emit(fx.lifecycle, "RootProofAccepted")
        .withArgs(s, 1n, fx.members[0].address, keccak256(mixed), mixed);
    });

    it("a fallback root (NONE at the root and below) is accepted, and checkParticipation agrees", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await publishData(fx, ethers, s);
      const shape = await treeShape(fx, s);
      const fallback = participationRecord(shape, 0);
      fallback[0] = NO_CREDIT;
      fallback[2] = NO_CREDIT;
      expect(checkParticipation(shape, 0, fallback)).to.equal(null);
      await expect(submitRecord(s, 0, fallback))
        .to.emit(fx.lifecycle, "RootProofAccepted")
        .withArgs(s, 0n, fx.members[0].address, keccak256(fallback), fallback);
    });

    it("InvalidRootProof: wrong bytes, another block, submitter or tree; then TreeAlreadyProven", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await proposeBlock(fx, ethers, s + 1n, fx.sequencers[1]);
      await publishData(fx, ethers, s);
      const submitter = fx.members[0];
      const { record, inputs, proof } = await rootProof(fx, s, 0, submitter.address);
      const submit =
        (p: string | Uint8Array, tree = 0, rec: Uint8Array = record) =>
        () =>
          fx.lifecycle.connect(submitter.signer).submitRootProof(s, tree, rec, p);
      const own = blockHeaderOf(s, await fx.lifecycle.getBlock(s));
      const other = blockHeaderOf(s + 1n, await fx.lifecycle.getBlock(s + 1n));
      const d = fx.lifecycleDomain;
      const keys = attestationKeys(fx);
      const attested = async (
        domain: typeof d,
        header: typeof own,
        tree: number,
        who: string,
        k: AttestationKeys = keys,
      ) => (await attestedRootProof(domain, header, tree, record, who, k)).proof;
      const signatures = await attestRecord(
        keys.chunkDomain,
        own,
        record,
        fx.committee,
        placeholderLeafInputs(s, Number(own.leafCount)),
        fx.chunkSigner,
      );
      const proofWith = (sigs: typeof signatures, committee = fx.committee) =>
        standInRootProof(d, own, 0, record, submitter.address, {
          committee,
          leafInputs: placeholderLeafInputs(s, Number(own.leafCount)),
          signatures: sigs,
        }).proof;
      // Another member's key signs the output node 2's credited member produced.
      const victim = fx.committee[record[1]];
      const stand =
        victim === fx.members[1].address ? fx.members[2].address : fx.members[1].address;
      const forged: ChunkSigner = (signer, domain, output) =>
        fx.chunkSigner(signer === victim ? stand : signer, domain, output);
      const wrongProofs = [
        keccak256(toUtf8Bytes("not a proof")),
        "0x",
        proof.slice(0, 64),
        proof.slice(0, proof.length - 64),
        inputs,
        await attested(d, other, 0, submitter.address),
        await attested(d, own, 0, fx.members[1].address),
        await attested(d, own, 1, submitter.address),
        await attested({ ...d, chainId: 1n }, own, 0, submitter.address),
        await attested({ ...d, lifecycle: fx.sequencers[0].address }, own, 0, submitter.address),
        // Unattested: a signature missing, one too many, one by the wrong key, another committee.
        proofWith(signatures.slice(1)),
        proofWith([...signatures, signatures[0]]),
        await attested(d, own, 0, submitter.address, { ...keys, sign: forged }),
        proofWith(signatures, [...fx.committee].reverse()),
        // The kind byte of a node proof on a root proof's body.
        "0x02" + proof.slice(4),
      ];
      for (const [i, p] of wrongProofs.entries()) {
        await rejected([s, s + 1n], submit(p), "InvalidRootProof", [s, 0n]).catch((e: unknown) => {
          throw new Error(`wrong proof ${i}: ${String(e)}`);
        });
      }

      // Another member's proof is bound to its submitter: copying it fails.
      const theirs = await rootProof(fx, s, 0, fx.members[1].address);
      await rejected([s, s + 1n], submit(theirs.proof), "InvalidRootProof", [s, 0n]);
      await expect(submit(proof)())
        .to.emit(fx.lifecycle, "BlockFinalized")
        .withArgs(s, 0n, submitter.address);
      await rejected([s, s + 1n], submit(proof), "TreeAlreadyProven", [s, 0n]);
    });

    it("ParentNotFinal: the child's proof waits for its parent's", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await proposeBlock(fx, ethers, s + 1n, fx.sequencers[1]);
      await publishData(fx, ethers, s);
      await publishData(fx, ethers, s + 1n);
      await rejected([s, s + 1n], () => submitRoot(fx, s + 1n, 0), "ParentNotFinal", [s + 1n, s]);
      await submitRoot(fx, s, 1);
      await expect(submitRoot(fx, s + 1n, 0)).to.emit(fx.lifecycle, "BlockFinalized");
      expect(await chain()).to.deep.equal({ head: s + 1n, finalized: s + 1n, pending: 0n });
    });

    it("OutsideWindow at closesAt + 1; accepted at closesAt", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await publishData(fx, ethers, s);
      const { opensAt, closesAt } = proofWindow(fx.clock, s);
      await mineTo(fx, ethers, closesAt);
      const tx = await (await submitRoot(fx, s, 0)).wait();
      expect(BigInt(tx!.blockNumber)).to.equal(closesAt);
      expect(await statusOf(s)).to.equal(FINAL);
      await rejected([s], () => submitRoot(fx, s, 1), "OutsideWindow", [s, opensAt, closesAt]);
    });

    it("UnexpectedBlockStatus: an unknown slot and a timed-out block", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await publishData(fx, ethers, s);
      const proof = await rootProof(fx, s, 0, fx.members[0].address);
      const submit = (slot: bigint) => () =>
        fx.lifecycle
          .connect(fx.members[0].signer)
          .submitRootProof(slot, 0, proof.record, proof.proof);
      await rejected([s + 3n], submit(s + 3n), "UnexpectedBlockStatus", [s + 3n, NONE]);
      await mineTo(fx, ethers, await timeoutOpensAtOf(s));
      await postCertificate(s, 0, [2, 3]);
      await rejected([s], submit(s), "UnexpectedBlockStatus", [s, TIMED_OUT]);
    });
  });

  describe("prune", function () {
    it("NotPrunable until closesAt; prunes at closesAt + 1 with the blocks above; then UnexpectedBlockStatus", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await proposeBlock(fx, ethers, s + 1n, fx.sequencers[1]);
      const { opensAt, closesAt } = proofWindow(fx.clock, s);
      expect(await nextBlockNumber(ethers)).to.be.at.most(opensAt + 3n);
      await rejected([s, s + 1n], () => fx.lifecycle.prune(s), "NotPrunable", [s]);
      await mineTo(fx, ethers, closesAt);
      await rejected([s, s + 1n], () => fx.lifecycle.prune(s), "NotPrunable", [s]);
      await rejected([s, s + 1n], () => fx.lifecycle.prune(s + 1n), "NotPrunable", [s + 1n]);
      await mine(1);
      await expect(fx.lifecycle.prune(s))
        .to.emit(fx.lifecycle, "BlockPruned")
        .withArgs(s + 1n)
        .and.to.emit(fx.lifecycle, "BlockPruned")
        .withArgs(s);
      expect([await statusOf(s), await statusOf(s + 1n)]).to.deep.equal([PRUNED, PRUNED]);
      expect(await chain()).to.deep.equal({ head: 0n, finalized: 0n, pending: 0n });
      for (const slot of [s, s + 1n]) {
        await rejected([s, s + 1n], () => fx.lifecycle.prune(slot), "UnexpectedBlockStatus", [
          slot,
          PRUNED,
        ]);
      }
      await rejected([s + 4n], () => fx.lifecycle.prune(s + 4n), "UnexpectedBlockStatus", [
        s + 4n,
        NONE,
      ]);
    });

    it("UnexpectedBlockStatus: a final block after its window, and genesis", async function () {
      await proposeBlock(fx, ethers, s, fx.sequencers[0]);
      await publishData(fx, ethers, s);
      await submitRoot(fx, s, 0);
      await mineTo(fx, ethers, proofWindow(fx.clock, s).closesAt + 1n);
      await rejected([s], () => fx.lifecycle.prune(s), "UnexpectedBlockStatus", [s, FINAL]);
      await rejected([0n], () => fx.lifecycle.prune(0n), "UnexpectedBlockStatus", [0n, FINAL]);
    });
  });
});

describe("BlockLifecycle errors with fee-split scoring on", function () {
  let fx: LifecycleFixture;
  let s: bigint;

  beforeEach(async function () {
    fx = await networkHelpers.loadFixture(scoringFixture);
    s = await firstOpenSlot(fx, ethers);
  });

  it("InvalidFeeSplit above 10000; the split scales the score by (1 + split) and can outbid", async function () {
    expect(await fx.lifecycle.FEE_SPLIT_SCORING()).to.equal(true);
    const seq = fx.sequencers[0];
    const key = publicKeyHash(seq.publicKey);
    const seed = await fx.table.seedOf(fx.epoch);
    await mineTo(fx, ethers, slotStartBlock(fx.clock, s));
    await expectRejected(
      fx,
      ethers,
      [s],
      () => proposeNow(fx, s, seq, { feeSplitBps: 10_001n }),
      "InvalidFeeSplit",
      [10_001n],
    );
    const base = proposalScore(seed, s, key, 0n);
    await proposeNow(fx, s, seq, { feeSplitBps: 2_500n });
    const scored = (await fx.lifecycle.getBlock(s)).score;
    expect(scored * 10_000n).to.equal(base * 12_500n);
    expect(scored).to.equal(proposalScore(seed, s, key, 2_500n));
    // The same key with a higher split outbids itself.
    await expect(proposeNow(fx, s, seq, { feeSplitBps: 10_000n }))
      .to.emit(fx.lifecycle, "BlockProposed")
      .withArgs(
        s,
        seq.address,
        0n,
        keccak256(toUtf8Bytes(`txs of slot ${s}`)),
        4n,
        10_000n,
        base * 2n,
      );
    expect((await fx.lifecycle.getBlock(s)).feeSplitBps).to.equal(10_000n);
  });

  it("ProposalOutscored: an equal scaled score does not replace", async function () {
    const seq = fx.sequencers[1];
    const seed = await fx.table.seedOf(fx.epoch);
    const score = proposalScore(seed, s, publicKeyHash(seq.publicKey), 10_000n);
    await mineTo(fx, ethers, slotStartBlock(fx.clock, s));
    await proposeNow(fx, s, seq, { feeSplitBps: 10_000n });
    await expectRejected(
      fx,
      ethers,
      [s],
      () => proposeNow(fx, s, seq, { feeSplitBps: 10_000n }),
      "ProposalOutscored",
      [s, score, score],
    );
    await expectRejected(
      fx,
      ethers,
      [s],
      () => proposeNow(fx, s, seq, { feeSplitBps: 9_999n }),
      "ProposalOutscored",
      [s, proposalScore(seed, s, publicKeyHash(seq.publicKey), 9_999n), score],
    );
  });
});
