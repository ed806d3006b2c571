import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { network } from "hardhat";

import {
  decodeG2,
  encodeG1,
  encodeG2,
  hashToG2,
  publicKeyOf,
  secretKeyFromSeed,
} from "../src/protocol/bls.js";
import { assignment, blockSeed } from "../src/protocol/assignment.js";
import {
  committeeCommitment,
  committeeMembers,
  DST_VRF,
  electCommittee,
  rankOf,
  vrfMessage,
  vrfOutput,
  vrfProve,
  vrfScore,
} from "../src/protocol/election.js";
import { randaoCheckpointValue, seedFromCheckpoint } from "../src/protocol/epoch.js";
import type { ElectionFixture, Reveal } from "./helpers/election.js";
import {
  advanceTo,
  deployElection,
  ELECTION_TEST_PARAMS,
  epochInputs,
  mineIntoRevealWindow,
  revealFor,
  TEST_REVEAL_WINDOW,
  windowOf,
} from "./helpers/election.js";
import { publicKeyHash, registrationKeys } from "../src/protocol/stake.js";
import { Prng } from "./helpers/prng.js";
import { mineUntilNextBlockIs, nextBlockNumber, UNIT } from "./helpers/stakeTable.js";

const { ethers, networkHelpers } = await network.create();
const mine = (n: number) => networkHelpers.mine(n);

/** Every operator eligible: alpha = 100 caps every threshold at 2^256 for these stakes. */
const ALL_ELIGIBLE = { oversamplingBps: 1_000_000 };

async function allEligible(): Promise<ElectionFixture> {
  return deployElection(ethers, { params: ALL_ELIGIBLE });
}

async function revealsOf(fx: ElectionFixture, epoch: bigint): Promise<Reveal[]> {
  const inputs = await epochInputs(fx, epoch);
  return Promise.all(fx.operators.map((op) => revealFor(fx, op, epoch, inputs)));
}

function batchArgs(reveals: readonly Reveal[]) {
  return [reveals.map((r) => r.publicKey), reveals.map((r) => r.vrfProof)] as const;
}

/** The committee the contract should hold for these reveals, from the TS rule. */
function expectedMembers(reveals: readonly Reveal[], committeeSize: number): string[] {
  const ranks = reveals.flatMap((r) => (r.rank === null ? [] : [r.rank]));
  return committeeMembers(electCommittee(ranks, committeeSize));
}

/** The state a failed call must leave untouched. */
async function snapshotState(fx: ElectionFixture, epoch: bigint) {
  return {
    committee: await fx.election.committeeOf(epoch),
    cutoff: await fx.election.revealCutoff(epoch),
    revealed: await Promise.all(
      fx.operators.map((op) => fx.election.hasRevealed(publicKeyHash(op.publicKey), epoch)),
    ),
  };
}

describe("CommitteeElection", function () {
  describe("deployment and parameters", function () {
    it("copies the stake table's clock and lag and stores the initial parameters", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      expect(await fx.election.GENESIS_BLOCK()).to.equal(await fx.table.GENESIS_BLOCK());
      expect(await fx.election.EPOCH_LENGTH()).to.equal(await fx.table.EPOCH_LENGTH());
      expect(await fx.election.PARAMS_LAG()).to.equal(await fx.table.ACTIVATION_LAG());
      expect(await fx.election.REVEAL_WINDOW()).to.equal(TEST_REVEAL_WINDOW);
      const p = await fx.election.paramsAt(0);
      expect(p.committeeSize).to.equal(ELECTION_TEST_PARAMS.committeeSize);
      expect(p.oversamplingBps).to.equal(ALL_ELIGIBLE.oversamplingBps);
      expect(p.treeCount).to.equal(ELECTION_TEST_PARAMS.treeCount);
      expect(p.leafCount).to.equal(ELECTION_TEST_PARAMS.leafCount);
    });

    it("rejects a reveal window of 0 or longer than an epoch, and invalid parameters", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const factory = await ethers.getContractFactory("CommitteeElection");
      const base = {
        stakeTable: await fx.table.getAddress(),
        revealWindow: 5n,
        initialParams: ELECTION_TEST_PARAMS,
        admin: fx.admin.address,
        governor: fx.admin.address,
      };
      const deploy = (over: Partial<typeof base>) => factory.deploy({ ...base, ...over });
      const withParams = (p: Partial<typeof ELECTION_TEST_PARAMS>) =>
        deploy({ initialParams: { ...ELECTION_TEST_PARAMS, ...p } });
      await expect(deploy({ revealWindow: 0n }))
        .to.be.revertedWithCustomError(factory, "InvalidRevealWindow")
        .withArgs(0n, 10n);
      await expect(deploy({ revealWindow: 11n }))
        .to.be.revertedWithCustomError(factory, "InvalidRevealWindow")
        .withArgs(11n, 10n);
      await deploy({ revealWindow: 10n }); // the whole epoch is allowed
      await expect(deploy({ admin: ethers.ZeroAddress })).to.be.revertedWithCustomError(
        factory,
        "ZeroAddress",
      );
      await expect(withParams({ committeeSize: 0 }))
        .to.be.revertedWithCustomError(factory, "InvalidCommitteeSize")
        .withArgs(0n);
      await expect(withParams({ committeeSize: 257 }))
        .to.be.revertedWithCustomError(factory, "InvalidCommitteeSize")
        .withArgs(257n);
      await withParams({ committeeSize: 256 });
      await expect(withParams({ oversamplingBps: 9_999 }))
        .to.be.revertedWithCustomError(factory, "InvalidOversampling")
        .withArgs(9_999n);
      await expect(withParams({ oversamplingBps: 1_000_001 }))
        .to.be.revertedWithCustomError(factory, "InvalidOversampling")
        .withArgs(1_000_001n);
      await withParams({ oversamplingBps: 10_000 });
      await expect(withParams({ treeCount: 0 }))
        .to.be.revertedWithCustomError(factory, "InvalidTreeCount")
        .withArgs(0n, 4n);
      await expect(withParams({ treeCount: 5 }))
        .to.be.revertedWithCustomError(factory, "InvalidTreeCount")
        .withArgs(5n, 4n);
      await expect(withParams({ committeeSize: 32, treeCount: 17 }))
        .to.be.revertedWithCustomError(factory, "InvalidTreeCount")
        .withArgs(17n, 32n);
      for (const leafCount of [0, 3, 6, 131_072]) {
        await expect(withParams({ leafCount }))
          .to.be.revertedWithCustomError(factory, "InvalidLeafCount")
          .withArgs(BigInt(leafCount));
      }
      await withParams({ leafCount: 1 });
      // c · (2L − 1) ≤ MAX_TREE_NODES = 512: settlement at m = 256 fits one transaction.
      await withParams({ committeeSize: 32, treeCount: 16, leafCount: 16 }); // 16 · 31 = 496
      await expect(withParams({ committeeSize: 32, treeCount: 16, leafCount: 32 }))
        .to.be.revertedWithCustomError(factory, "TooManyTreeNodes")
        .withArgs(16n, 32n, 512n); // 16 · 63 = 1008
      await withParams({ committeeSize: 32, treeCount: 1, leafCount: 256 }); // 511
      await expect(withParams({ committeeSize: 32, treeCount: 1, leafCount: 65_536 }))
        .to.be.revertedWithCustomError(factory, "TooManyTreeNodes")
        .withArgs(1n, 65_536n, 512n);
    });

    it("changes parameters only through the governor and only from currentEpoch + PARAMS_LAG", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const [, , , , , , , , , , , , , , , , , stranger] = await ethers.getSigners();
      const next = { committeeSize: 6, oversamplingBps: 20_000, treeCount: 3, leafCount: 8 };
      await expect(fx.election.connect(stranger).scheduleParams(next))
        .to.be.revertedWithCustomError(fx.election, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await fx.election.GOVERNOR_ROLE());
      await expect(
        fx.election.scheduleParams({ ...next, treeCount: 7 }),
      ).to.be.revertedWithCustomError(fx.election, "InvalidTreeCount");

      // Scheduled in the last block of an epoch: still counts from that epoch + lag.
      const current = await fx.table.currentEpoch();
      const lastBlock = (await fx.table.epochStartBlock(current + 1n)) - 1n;
      await mineUntilNextBlockIs(ethers, mine, lastBlock);
      const effective = current + (await fx.election.PARAMS_LAG());
      await expect(fx.election.scheduleParams(next))
        .to.emit(fx.election, "ElectionParamsScheduled")
        .withArgs(effective, [6n, 20_000n, 3n, 8n]);
      expect((await fx.election.paramsAt(effective - 1n)).committeeSize).to.equal(4n);
      expect((await fx.election.paramsAt(effective)).committeeSize).to.equal(6n);
      expect((await fx.election.paramsAt(effective + 100n)).leafCount).to.equal(8n);
      // The window of the first affected epoch has not opened: it opens in epoch effective - 1.
      expect((await windowOf(fx, effective)).opensAt).to.be.greaterThan(lastBlock);
    });
  });

  describe("VRF", function () {
    it("the TypeScript message and proof equal the contract's, and the proof verifies on-chain", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const { seed } = await epochInputs(fx, epoch);
      const message = vrfMessage(fx.domain, epoch, seed);
      expect(await fx.election.vrfMessage(epoch)).to.equal(ethers.hexlify(message));
      const op = fx.operators[0];
      const proof = vrfProve(op.sk, message);
      expect(await fx.election.verifyVrfProof(epoch, op.publicKey, encodeG2(proof))).to.equal(true);
      // The output is keccak256 of the 256-byte proof, as the contract hashes abi.encode(G2Point).
      expect(vrfOutput(proof)).to.equal(
        BigInt(
          ethers.keccak256(
            ethers.AbiCoder.defaultAbiCoder().encode(
              ["tuple(bytes32,bytes32,bytes32,bytes32,bytes32,bytes32,bytes32,bytes32)"],
              [Object.values(encodeG2(proof))],
            ),
          ),
        ),
      );
      expect(DST_VRF).to.equal(await fx.election.DST_VRF());
    });

    it("rejects a proof for another epoch, chain or contract with InvalidVrfProof, changing nothing", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const { seed } = await epochInputs(fx, epoch);
      const op = fx.operators[0];
      const other = await ethers.deployContract("CommitteeElection", [
        {
          stakeTable: await fx.table.getAddress(),
          revealWindow: TEST_REVEAL_WINDOW,
          initialParams: { ...ELECTION_TEST_PARAMS, ...ALL_ELIGIBLE },
          admin: fx.admin.address,
          governor: fx.admin.address,
        },
      ]);
      const wrongMessages = {
        "another epoch": vrfMessage(fx.domain, epoch - 1n, seed),
        "another chain": vrfMessage({ ...fx.domain, chainId: fx.chainId + 1n }, epoch, seed),
        "another contract": vrfMessage(
          { ...fx.domain, election: await other.getAddress() },
          epoch,
          seed,
        ),
        "another seed": vrfMessage(fx.domain, epoch, ethers.ZeroHash),
      };
      const before = await snapshotState(fx, epoch);
      for (const [label, message] of Object.entries(wrongMessages)) {
        const proof = encodeG2(vrfProve(op.sk, message));
        await expect(fx.election.reveal(epoch, op.publicKey, proof), label)
          .to.be.revertedWithCustomError(fx.election, "InvalidVrfProof")
          .withArgs(op.address);
      }
      // The same proof that is valid for `other` is valid there and only there.
      const forOther = encodeG2(vrfProve(op.sk, wrongMessages["another contract"]));
      await expect(other.reveal(epoch, op.publicKey, forOther)).to.emit(other, "Revealed");
      expect(await snapshotState(fx, epoch)).to.deep.equal(before);
    });

    it("rejects a proof made with a different key than the one supplied (wrong key)", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const [a, b] = await Promise.all([
        revealFor(fx, fx.operators[0], epoch),
        revealFor(fx, fx.operators[1], epoch),
      ]);
      await expect(fx.election.reveal(epoch, a.publicKey, b.vrfProof))
        .to.be.revertedWithCustomError(fx.election, "InvalidVrfProof")
        .withArgs(a.operator.address);
      // A key nobody registered.
      const stranger = encodeG1(publicKeyOf(secretKeyFromSeed("never-registered")));
      const keyHash = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          ["tuple(bytes32,bytes32,bytes32,bytes32)"],
          [Object.values(stranger)],
        ),
      );
      await expect(fx.election.reveal(epoch, stranger, a.vrfProof))
        .to.be.revertedWithCustomError(fx.election, "UnknownKey")
        .withArgs(keyHash);
    });
  });

  describe("reveals", function () {
    it("accepts a reveal exactly inside the window and rejects window-1 and window+1", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      const { opensAt, closesAt } = await windowOf(fx, epoch);
      expect(await fx.election.revealWindow(epoch)).to.deep.equal([opensAt, closesAt]);
      await mineIntoRevealWindow(fx, ethers, mine, epoch, -1n);
      const reveals = await revealsOf(fx, epoch);
      const before = await snapshotState(fx, epoch);
      await expect(fx.election.reveal(epoch, reveals[0].publicKey, reveals[0].vrfProof))
        .to.be.revertedWithCustomError(fx.election, "OutsideRevealWindow")
        .withArgs(epoch, opensAt, closesAt);
      expect(await snapshotState(fx, epoch)).to.deep.equal(before);
      // The failed call mined nothing, so the next transaction lands at opensAt - 1; mine once.
      await mineUntilNextBlockIs(ethers, mine, opensAt);
      await expect(fx.election.reveal(epoch, reveals[0].publicKey, reveals[0].vrfProof)).to.emit(
        fx.election,
        "Revealed",
      );
      await mineUntilNextBlockIs(ethers, mine, closesAt);
      await expect(fx.election.reveal(epoch, reveals[1].publicKey, reveals[1].vrfProof)).to.emit(
        fx.election,
        "Revealed",
      );
      expect(await nextBlockNumber(ethers)).to.equal(closesAt + 1n);
      await expect(fx.election.reveal(epoch, reveals[2].publicKey, reveals[2].vrfProof))
        .to.be.revertedWithCustomError(fx.election, "OutsideRevealWindow")
        .withArgs(epoch, opensAt, closesAt);
      await expect(fx.election.reveal(0, reveals[2].publicKey, reveals[2].vrfProof))
        .to.be.revertedWithCustomError(fx.election, "OutsideRevealWindow")
        .withArgs(0n, ethers.MaxUint256, 0n);
    });

    it("records a reveal with its rank, and rejects a duplicate with DuplicateReveal", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const r = await revealFor(fx, fx.operators[3], epoch);
      await expect(fx.election.reveal(epoch, r.publicKey, r.vrfProof))
        .to.emit(fx.election, "Revealed")
        .withArgs(epoch, r.operator.address, r.rank);
      expect(await fx.election.hasRevealed(publicKeyHash(r.publicKey), epoch)).to.equal(true);
      expect(await fx.election.committeeOf(epoch)).to.deep.equal([r.operator.address]);
      const before = await snapshotState(fx, epoch);
      await expect(fx.election.reveal(epoch, r.publicKey, r.vrfProof))
        .to.be.revertedWithCustomError(fx.election, "DuplicateReveal")
        .withArgs(r.operator.address, epoch);
      expect(await snapshotState(fx, epoch)).to.deep.equal(before);
    });

    it("rejects an ineligible output with IneligibleOutput (alpha = 1, unequal stakes)", async function () {
      const fx = await deployElection(ethers, {
        params: { committeeSize: 1, oversamplingBps: 10_000, treeCount: 1 },
      });
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const reveals = await revealsOf(fx, epoch);
      const ineligible = reveals.filter((r) => r.rank === null);
      expect(ineligible.length, "with n = 1 most operators are ineligible").to.be.greaterThan(0);
      const before = await snapshotState(fx, epoch);
      for (const r of ineligible) {
        await expect(fx.election.reveal(epoch, r.publicKey, r.vrfProof))
          .to.be.revertedWithCustomError(fx.election, "IneligibleOutput")
          .withArgs(r.operator.address, r.output);
      }
      expect(await snapshotState(fx, epoch)).to.deep.equal(before);
    });

    it("rejects an operator without stake in the epoch's snapshot with NotStakedInEpoch", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      // Registered now: its stake counts only from currentEpoch + ACTIVATION_LAG.
      const late = fx.signers[10];
      const sk = secretKeyFromSeed("late-operator");
      const keys = registrationKeys(
        sk,
        { chainId: fx.chainId, verifyingContract: await fx.table.getAddress() },
        late.address,
      );
      await fx.table
        .connect(late)
        .register(late.address, late.address, 100n * UNIT, keys.publicKey, keys.proofOfPossession);
      // Its stake counts from current + 3; epoch current + 2 (window in current + 1) has none.
      const epoch = (await fx.table.currentEpoch()) + 2n;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const { seed } = await epochInputs(fx, epoch);
      expect(await fx.table.stakeAt(late.address, epoch)).to.equal(0n);
      expect(await fx.table.stakeAt(late.address, epoch + 1n)).to.equal(100n * UNIT);
      const proof = encodeG2(vrfProve(sk, vrfMessage(fx.domain, epoch, seed)));
      await expect(fx.election.reveal(epoch, keys.publicKey, proof))
        .to.be.revertedWithCustomError(fx.election, "NotStakedInEpoch")
        .withArgs(late.address, epoch);
    });

    it("keeps the n lowest ranks: a better reveal displaces the worst member, a worse one is refused", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const reveals = await revealsOf(fx, epoch);
      const byRank = [...reveals].sort((a, b) => (a.rank! < b.rank! ? -1 : 1));
      // Fill the four seats with the ranks 2..5 (0-based), worst first.
      for (const r of [byRank[5], byRank[4], byRank[3], byRank[2]]) {
        await fx.election.reveal(epoch, r.publicKey, r.vrfProof);
      }
      expect(await fx.election.revealCutoff(epoch)).to.equal(byRank[5].rank);
      // A worse rank than every member: refused before the pairing, nothing changes.
      const before = await snapshotState(fx, epoch);
      await expect(fx.election.reveal(epoch, byRank[6].publicKey, byRank[6].vrfProof))
        .to.be.revertedWithCustomError(fx.election, "RevealAboveCutoff")
        .withArgs(byRank[6].operator.address, byRank[6].rank, byRank[5].rank);
      expect(await snapshotState(fx, epoch)).to.deep.equal(before);
      // A better one displaces the worst member.
      await expect(fx.election.reveal(epoch, byRank[0].publicKey, byRank[0].vrfProof))
        .to.emit(fx.election, "MemberDisplaced")
        .withArgs(epoch, byRank[5].operator.address, byRank[5].rank);
      expect(await fx.election.committeeOf(epoch)).to.deep.equal(
        [byRank[0], byRank[2], byRank[3], byRank[4]].map((r) => r.operator.address),
      );
      expect(await fx.election.revealCutoff(epoch)).to.equal(byRank[4].rank);
    });

    it("checkpoints RANDAO automatically on a reveal when the epoch has no checkpoint", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      // Keep the beacon alive up to epoch - 1 but leave epoch - 1 itself unchecked.
      await advanceTo(fx, ethers, mine, await fx.table.epochStartBlock(epoch - 1n));
      const { opensAt } = await windowOf(fx, epoch);
      await mineUntilNextBlockIs(ethers, mine, opensAt);
      expect(await fx.table.randaoCheckpoint(epoch - 1n)).to.equal(ethers.ZeroHash);
      const [a, b] = await Promise.all([
        revealFor(fx, fx.operators[0], epoch),
        revealFor(fx, fx.operators[1], epoch),
      ]);
      await expect(fx.election.reveal(epoch, a.publicKey, a.vrfProof))
        .to.emit(fx.table, "RandaoCheckpointed")
        .withArgs(epoch - 1n, anyValue, opensAt);
      expect(await fx.table.randaoCheckpoint(epoch - 1n)).to.not.equal(ethers.ZeroHash);
      await expect(fx.election.reveal(epoch, b.publicKey, b.vrfProof)).not.to.emit(
        fx.table,
        "RandaoCheckpointed",
      );
    });
  });

  describe("batches", function () {
    it("a batch elects the same committee as single reveals in any order, equal to the TS rule", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const reveals = await revealsOf(fx, epoch);
      const expected = expectedMembers(reveals, ELECTION_TEST_PARAMS.committeeSize);
      const id = await networkHelpers.takeSnapshot();
      const prng = new Prng(7);
      const committees: string[][] = [];
      for (const mode of ["batch", "singles", "shuffled batch", "two batches"]) {
        await id.restore();
        const order = [...reveals];
        if (mode !== "batch") {
          for (let i = order.length - 1; i > 0; i--) {
            const j = prng.int(i + 1);
            [order[i], order[j]] = [order[j], order[i]];
          }
        }
        if (mode === "singles") {
          for (const r of order) {
            await fx.election.reveal(epoch, r.publicKey, r.vrfProof).catch(() => undefined);
          }
        } else if (mode === "two batches") {
          await fx.election.revealBatch(epoch, ...batchArgs(order.slice(0, 3)));
          const cutoff = await fx.election.revealCutoff(epoch);
          await fx.election.revealBatch(epoch, ...batchArgs(order.slice(3)));
          expect(cutoff).to.be.greaterThanOrEqual(await fx.election.revealCutoff(epoch));
        } else {
          await fx.election.revealBatch(epoch, ...batchArgs(order));
        }
        committees.push([...(await fx.election.committeeOf(epoch))]);
      }
      for (const c of committees) expect(c).to.deep.equal(expected);
    });

    it("emits RevealOutranked for a valid reveal that does not make the full committee", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const reveals = await revealsOf(fx, epoch);
      const byRank = [...reveals].sort((a, b) => (a.rank! < b.rank! ? -1 : 1));
      // Best four first, then the worst: the worst is outranked and not recorded.
      const batch = [...byRank.slice(0, 4), byRank[7]];
      const tx = fx.election.revealBatch(epoch, ...batchArgs(batch));
      await expect(tx)
        .to.emit(fx.election, "RevealOutranked")
        .withArgs(epoch, byRank[7].operator.address, byRank[7].rank);
      await expect(tx)
        .to.emit(fx.election, "RevealedBatch")
        .withArgs(
          epoch,
          byRank.slice(0, 4).map((r) => r.rank),
          [],
        );
      expect(await fx.election.hasRevealed(publicKeyHash(byRank[7].publicKey), epoch)).to.equal(
        false,
      );
    });

    it("griefing: a reveal copied out of a pending batch and sent ahead is skipped, and the batch lands", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const reveals = await revealsOf(fx, epoch);
      const [keys, proofs] = batchArgs(reveals);
      // The attacker front-runs with one copied reveal (a single reveal, any sender).
      await fx.election.reveal(epoch, keys[3], proofs[3]);
      // The batch, with the copied reveal and a repeat of entry 1 inside it.
      const receipt = await (
        await fx.election.revealBatch(epoch, [...keys, keys[1]], [...proofs, proofs[1]])
      ).wait();
      const event = receipt!.logs
        .map((l) => fx.election.interface.parseLog(l))
        .find((e) => e?.name === "RevealedBatch")!;
      expect(event.args.skipped).to.deep.equal([3n, BigInt(reveals.length)]);
      // A batch of reveals all already made changes nothing and needs no pairing.
      await expect(fx.election.revealBatch(epoch, keys.slice(0, 2), proofs.slice(0, 2)))
        .to.emit(fx.election, "RevealedBatch")
        .withArgs(epoch, [], [0n, 1n]);
      // The committee is what the TS rule elects from all the reveals: nothing was lost.
      await mineUntilNextBlockIs(ethers, mine, (await fx.table.epochStartBlock(epoch)) + 1n);
      expect([...(await fx.election.committeeOf(epoch))]).to.deep.equal(
        expectedMembers(reveals, ELECTION_TEST_PARAMS.committeeSize),
      );
      // Skipped entries are left out of the pairing: a forged proof there changes nothing...
      const fx2 = await networkHelpers.loadFixture(allEligible);
      await mineIntoRevealWindow(fx2, ethers, mine, epoch);
      await fx2.election.reveal(epoch, keys[0], proofs[0]);
      const forged = [...proofs];
      forged[0] = proofs[5];
      await expect(fx2.election.revealBatch(epoch, keys, forged))
        .to.emit(fx2.election, "RevealedBatch")
        .withArgs(epoch, (ranks: bigint[]) => ranks.length > 0, [0n]);
      // ...while a forged new reveal still rejects the batch, named at its index.
      const fx3 = await networkHelpers.loadFixture(allEligible);
      await mineIntoRevealWindow(fx3, ethers, mine, epoch);
      await fx3.election.reveal(epoch, keys[0], proofs[0]);
      const bad = [...proofs];
      bad[4] = proofs[6];
      await expect(fx3.election.revealBatch(epoch, keys, bad))
        .to.be.revertedWithCustomError(fx3.election, "RevealRejected")
        .withArgs(
          4n,
          fx3.election.interface.encodeErrorResult("InvalidVrfProof", [
            reveals[4].operator.address,
          ]),
        );
    });

    it("rejects a batch with one bad reveal as a whole, naming its index", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const reveals = await revealsOf(fx, epoch);
      const iface = fx.election.interface;
      const before = await snapshotState(fx, epoch);

      const expectRejected = async (
        keys: ReturnType<typeof batchArgs>[0],
        proofs: ReturnType<typeof batchArgs>[1],
        index: number,
        reason: string,
        label: string,
      ) => {
        await expect(fx.election.revealBatch(epoch, keys, proofs), label)
          .to.be.revertedWithCustomError(fx.election, "RevealRejected")
          .withArgs(BigInt(index), reason);
        expect(await snapshotState(fx, epoch), label).to.deep.equal(before);
      };
      const [keys, proofs] = batchArgs(reveals);

      // A forged member: a valid-looking point that is not the operator's signature.
      const forged = [...proofs];
      forged[2] = reveals[5].vrfProof;
      await expectRejected(
        keys,
        forged,
        2,
        iface.encodeErrorResult("InvalidVrfProof", [reveals[2].operator.address]),
        "forged proof",
      );

      // Two forged members that cancel in a plain sum: sig0 + D and sig1 - D. The random
      // coefficients reject them; the first bad index is named.
      const delta = hashToG2(new Uint8Array([1, 2, 3]), "DELTA");
      const cancelling = [...proofs];
      cancelling[0] = encodeG2(decodeG2(proofs[0]).add(delta));
      cancelling[1] = encodeG2(decodeG2(proofs[1]).subtract(delta));
      expect(bls12_381.G2.Point.ZERO.equals(delta)).to.equal(false);
      await expectRejected(
        keys,
        cancelling,
        0,
        iface.encodeErrorResult("InvalidVrfProof", [reveals[0].operator.address]),
        "cancelling forgeries",
      );

      // An unregistered key at index 4.
      const unknownKeys = [...keys];
      unknownKeys[4] = encodeG1(publicKeyOf(secretKeyFromSeed("not-registered")));
      const keyHash = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          ["tuple(bytes32,bytes32,bytes32,bytes32)"],
          [Object.values(unknownKeys[4])],
        ),
      );
      await expectRejected(
        unknownKeys,
        proofs,
        4,
        iface.encodeErrorResult("UnknownKey", [keyHash]),
        "unknown key",
      );

      // A proof that is not on the curve: the BLS library's error, at its index.
      const offCurve = [...proofs];
      offCurve[6] = { ...proofs[6], y_c0_b: ethers.toBeHex(BigInt(proofs[6].y_c0_b) ^ 1n, 32) };
      await expectRejected(
        keys,
        offCurve,
        6,
        iface.encodeErrorResult("BLSPointNotOnCurve", []),
        "off-curve point",
      );

      // A point on the curve but outside the G2 subgroup.
      const notInSubgroup = [...proofs];
      notInSubgroup[7] = encodeG2(nonSubgroupG2());
      await expectRejected(
        keys,
        notInSubgroup,
        7,
        iface.encodeErrorResult("BLSPointNotInSubgroup", []),
        "point outside the subgroup",
      );

      await expect(fx.election.revealBatch(epoch, [], []))
        .to.be.revertedWithCustomError(fx.election, "InvalidBatchLength")
        .withArgs(0n, 0n);
      await expect(fx.election.revealBatch(epoch, keys, proofs.slice(1)))
        .to.be.revertedWithCustomError(fx.election, "InvalidBatchLength")
        .withArgs(8n, 7n);
      // And the honest batch goes through afterwards.
      await expect(fx.election.revealBatch(epoch, keys, proofs)).to.emit(
        fx.election,
        "RevealedBatch",
      );
    });
  });

  describe("sealing, empty and small committees, and assignment", function () {
    it("seals after the window: the commitment equals the TS one, idempotently", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const reveals = await revealsOf(fx, epoch);
      await fx.election.revealBatch(epoch, ...batchArgs(reveals));
      await expect(fx.election.sealCommittee(epoch))
        .to.be.revertedWithCustomError(fx.election, "CommitteeNotFinal")
        .withArgs(epoch);
      await expect(fx.election.committeeCommitment(epoch))
        .to.be.revertedWithCustomError(fx.election, "CommitteeNotFinal")
        .withArgs(epoch);
      // Views run on the latest mined block: mine the epoch's first block.
      await mineUntilNextBlockIs(ethers, mine, (await fx.table.epochStartBlock(epoch)) + 1n);
      const members = expectedMembers(reveals, 4);
      const commitment = committeeCommitment(members);
      expect(await fx.election.committeeCommitment(epoch)).to.deep.equal([commitment, 4n]);
      await expect(fx.election.sealCommittee(epoch))
        .to.emit(fx.election, "CommitteeSealed")
        .withArgs(epoch, commitment, members);
      expect(await fx.election.isSealed(epoch)).to.equal(true);
      await expect(fx.election.sealCommittee(epoch)).not.to.emit(fx.election, "CommitteeSealed");
      expect(await fx.election.committeeCommitment(epoch)).to.deep.equal([commitment, 4n]);
    });

    it("seals an unsealed committee automatically before its heap is reused two epochs later", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const reveals = await revealsOf(fx, epoch);
      await fx.election.revealBatch(epoch, ...batchArgs(reveals));
      const members = expectedMembers(reveals, 4);
      await mineIntoRevealWindow(fx, ethers, mine, epoch + 2n);
      expect(await fx.election.isSealed(epoch)).to.equal(false);
      const next = await revealFor(fx, fx.operators[0], epoch + 2n);
      await expect(fx.election.reveal(epoch + 2n, next.publicKey, next.vrfProof))
        .to.emit(fx.election, "CommitteeSealed")
        .withArgs(epoch, committeeCommitment(members), members);
      await expect(fx.election.committeeOf(epoch))
        .to.be.revertedWithCustomError(fx.election, "CommitteeNoLongerStored")
        .withArgs(epoch);
      expect(await fx.election.committeeCommitment(epoch)).to.deep.equal([
        committeeCommitment(members),
        4n,
      ]);
    });

    it("empty committee rule: no reveals seal an empty committee, and its blocks have no assignment", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await advanceTo(fx, ethers, mine, await fx.table.epochStartBlock(epoch));
      const empty = committeeCommitment([]);
      await expect(fx.election.sealCommittee(epoch))
        .to.emit(fx.election, "CommitteeSealed")
        .withArgs(epoch, empty, []);
      expect(await fx.election.effectiveTreeCount(epoch)).to.equal(0n);
      await expect(fx.election.blockAssignment(epoch, [], 1n))
        .to.be.revertedWithCustomError(fx.election, "NoCommitteeForEpoch")
        .withArgs(epoch);
    });

    it("small committee rule: m < c members run min(c, m) trees; the assignment equals the TS one", async function () {
      const fx = await deployElection(ethers, {
        params: { ...ALL_ELIGIBLE, committeeSize: 6, treeCount: 4, leafCount: 8 },
      });
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const reveals = (await revealsOf(fx, epoch)).slice(0, 3);
      await fx.election.revealBatch(epoch, ...batchArgs(reveals));
      await mineUntilNextBlockIs(ethers, mine, (await fx.table.epochStartBlock(epoch)) + 1n);
      const members = expectedMembers(reveals, 6);
      expect(members.length).to.equal(3);
      expect(await fx.election.effectiveTreeCount(epoch)).to.equal(3n);
      const { seed } = await epochInputs(fx, epoch);
      for (const l2Block of [1n, 2n, 77n]) {
        const bseed = blockSeed(seed, l2Block);
        expect(await fx.election.blockSeed(epoch, l2Block)).to.equal(bseed);
        const expected = assignment(3, bseed, 3, 8).map((i) => members[i]);
        expect(await fx.election.blockAssignment(epoch, members, l2Block)).to.deep.equal(expected);
        expect(await fx.election.entitledProver(epoch, members, l2Block, 2n, 9n)).to.equal(
          expected[2 * 15 + 8],
        );
      }
      // A committee that is not the sealed one, e.g. reordered, is refused.
      const reordered = [members[1], members[0], members[2]];
      await expect(fx.election.blockAssignment(epoch, reordered, 1n))
        .to.be.revertedWithCustomError(fx.election, "CommitteeMismatch")
        .withArgs(epoch, committeeCommitment(members), committeeCommitment(reordered));
      // Tree 3 does not exist with min(4, 3) = 3 trees.
      await expect(fx.election.entitledProver(epoch, members, 1n, 3n, 1n))
        .to.be.revertedWithCustomError(fx.election, "InvalidTree")
        .withArgs(3n, 3n);
    });

    it("a full committee's assignment view equals the TS assignment for many blocks", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const reveals = await revealsOf(fx, epoch);
      await fx.election.revealBatch(epoch, ...batchArgs(reveals));
      await advanceTo(fx, ethers, mine, await fx.table.epochStartBlock(epoch));
      await fx.election.sealCommittee(epoch);
      const members = expectedMembers(reveals, 4);
      const { seed } = await epochInputs(fx, epoch);
      const blocks = Array.from({ length: 20 }, (_, i) => BigInt(i * 13 + 1));
      const onChain = await Promise.all(
        blocks.map((b) => fx.election.blockAssignment(epoch, members, b)),
      );
      blocks.forEach((b, i) => {
        const expected = assignment(4, blockSeed(seed, b), 2, 4).map((j) => members[j]);
        expect([...onChain[i]]).to.deep.equal(expected);
      });
    });
  });

  describe("seed and determinism", function () {
    it("the seed is not known before its RANDAO checkpoint: it depends on the checkpoint block's prevrandao", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      // Move to the start of an epoch s without a checkpoint; the seed of s + LOOKAHEAD draws on s.
      const s = (await fx.table.currentEpoch()) + 2n;
      await advanceTo(fx, ethers, mine, await fx.table.epochStartBlock(s - 1n));
      await mineUntilNextBlockIs(ethers, mine, await fx.table.epochStartBlock(s));
      const target = s + (await fx.table.LOOKAHEAD());
      expect(await fx.table.randaoCheckpoint(s)).to.equal(ethers.ZeroHash);
      await expect(fx.table.seedOf(target))
        .to.be.revertedWithCustomError(fx.table, "SeedNotFinal")
        .withArgs(target);
      const snapshot = await networkHelpers.takeSnapshot();
      const seeds: string[] = [];
      for (const delay of [0, 1]) {
        await snapshot.restore();
        if (delay > 0) await mine(delay);
        const receipt = await (await fx.table.checkpointRandao()).wait();
        const block = await ethers.provider.send("eth_getBlockByNumber", [
          ethers.toQuantity(receipt!.blockNumber),
          false,
        ]);
        const prevrandao = BigInt((block as { mixHash: string }).mixHash);
        const seed = await fx.table.seedOf(target);
        expect(seed).to.equal(seedFromCheckpoint(randaoCheckpointValue(prevrandao), target));
        seeds.push(seed);
      }
      expect(seeds[0]).to.not.equal(seeds[1]);
    });

    it("membership is deterministic given the reveals: two deployments, same keys, same seed rule", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const epoch = fx.firstEpoch;
      await mineIntoRevealWindow(fx, ethers, mine, epoch);
      const reveals = await revealsOf(fx, epoch);
      const snapshot = await networkHelpers.takeSnapshot();
      await fx.election.revealBatch(epoch, ...batchArgs(reveals));
      const first = [...(await fx.election.committeeOf(epoch))];
      await snapshot.restore();
      await fx.election.revealBatch(epoch, ...batchArgs([...reveals].reverse()));
      expect([...(await fx.election.committeeOf(epoch))]).to.deep.equal(first);
      expect(first).to.deep.equal(expectedMembers(reveals, 4));
    });
  });

  describe("eligibility rule (Solidity = TypeScript)", function () {
    it("vrfScore agrees with the TS rule on 300 random inputs and at the threshold boundary", async function () {
      const fx = await networkHelpers.loadFixture(allEligible);
      const prng = new Prng(2026);
      const cases: [bigint, bigint, bigint, number, number][] = [];
      const TWO_256 = 1n << 256n;
      for (let i = 0; i < 300; i++) {
        const total = prng.bigint(1n, 10n ** 30n);
        const stake = prng.bigint(0n, total);
        const n = 1 + prng.int(256);
        const alpha = 10_000 + prng.int(990_001);
        const output = (prng.bigint(0n, (1n << 60n) - 1n) << 196n) | prng.bigint(0n, 1n << 59n);
        cases.push([output % TWO_256, stake, total, n, alpha]);
      }
      // Exactly at the threshold (ineligible) and one below (eligible): 2^256 * 3 / 8 with
      // n * alpha * stake / total = 3/8 (n = 3, alpha = 1, stake = 1, total = 8).
      const threshold = (TWO_256 * 3n) / 8n;
      cases.push([threshold, 1n, 8n, 3, 10_000], [threshold - 1n, 1n, 8n, 3, 10_000]);
      cases.push([TWO_256 - 1n, 10n, 10n, 1, 10_000], [0n, 0n, 10n, 4, 10_000]);
      for (let i = 0; i < cases.length; i += 30) {
        const chunk = cases.slice(i, i + 30);
        const results = await Promise.all(chunk.map((c) => fx.election.vrfScore(...c)));
        chunk.forEach((c, j) => {
          const ts = vrfScore(...c);
          expect(results[j][0], `case ${i + j}`).to.equal(ts !== null);
          if (ts !== null) expect(results[j][1], `case ${i + j}`).to.equal(ts);
        });
      }
      expect(vrfScore(threshold, 1n, 8n, 3, 10_000)).to.equal(null);
      expect(vrfScore(threshold - 1n, 1n, 8n, 3, 10_000)).to.equal((1n << 96n) - 1n);
      expect(rankOf(0n, fx.operators[0].address)).to.equal(BigInt(fx.operators[0].address));
    });
  });
});

/** A point on the G2 curve outside the prime-order subgroup (cofactor not cleared). */
function nonSubgroupG2() {
  const Fp2 = bls12_381.fields.Fp2;
  const b = Fp2.create({ c0: 4n, c1: 4n });
  for (let x0 = 1n; ; x0++) {
    const x = Fp2.create({ c0: x0, c1: 0n });
    let y;
    try {
      y = Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), b));
    } catch {
      continue;
    }
    const p = bls12_381.G2.Point.fromAffine({ x, y });
    try {
      p.assertValidity();
    } catch {
      return p;
    }
  }
}
