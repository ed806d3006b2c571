/**
 * One rule, one place per language: differential tests that the TypeScript mirror
 * (`src/protocol/lifecycle.ts`) and the contracts (`contracts/lifecycle/`) compute the same
 * proposal scores, leaders, fault thresholds, vote digests, block commitments, root-proof public
 * inputs, stand-in proofs and participation-record verdicts, on seeded random inputs and on the
 * shared vectors in `test/vectors/lifecycle.json`.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import { getBytes, keccak256, toUtf8Bytes, TypedDataEncoder } from "ethers";
import { network } from "hardhat";

import { blockSeed, expectedProvers, MAX_TREE_COUNT } from "../src/protocol/assignment.js";
import {
  BLOCK_DOMAIN,
  blockCommitment,
  BlockStatus,
  checkParticipation,
  faultThreshold,
  leaderIndex,
  participationRecord,
  proposalScore,
  ROOT_PROOF_DOMAIN,
  rootPublicInputs,
  TIMEOUT_VOTE_TYPES,
  timeoutVoteDomain,
  type TreeShape,
} from "../src/protocol/lifecycle.js";
import { attestedPositions, attestedRootProof } from "../src/protocol/attestation.js";
import { publicKeyHash } from "../src/protocol/stake.js";
import type { BlockLifecycle, ParticipationRecordHarness } from "../typechain-types/index.js";
import {
  attestationKeys,
  deployLifecycle,
  firstOpenSlot,
  LIFECYCLE_TEST_PARAMS,
  proposeBlock,
  type LifecycleFixture,
} from "./helpers/lifecycle.js";
import { randomAddress, randomBytes, randomBytes32 } from "./helpers/lifecycleCases.js";
import { Prng } from "./helpers/prng.js";

const { ethers, networkHelpers } = await network.create();
const mine = (n: number) => networkHelpers.mine(n);

/** The default test deployment (f = 1 for the committee of 4, fee-split scoring off). */
async function lifecycleFixture(): Promise<LifecycleFixture> {
  return deployLifecycle(ethers, mine);
}

/** Fee-split scoring on, so that proposals may carry any fee split. */
async function scoringFixture(): Promise<LifecycleFixture> {
  return deployLifecycle(ethers, mine, { feeSplitScoring: true });
}

interface ProposalScoreVector {
  epochSeed: string;
  slot: string;
  publicKeyHash: string;
  feeSplitBps: string;
  score: string;
}
interface LeaderVector {
  blockSeed: string;
  round: number;
  m: number;
  index: number;
}
interface BlockCommitmentVector {
  slot: string;
  parent: string;
  proposer: string;
  txCommitment: string;
  leafCount: string;
  feeSplitBps: string;
  commitment: string;
}
interface RootInputsVector {
  block: number;
  tree: number;
  record: string;
  submitter: string;
  committee: string[];
  inputs: string;
}
interface ParticipationVector {
  m: number;
  c: number;
  leafCount: number;
  seed: string;
  tree: number;
  record: string;
  error: { node: number; member: number } | null;
}
interface Vectors {
  chainId: string;
  lifecycle: string;
  proposalScores: ProposalScoreVector[];
  leaders: LeaderVector[];
  blockCommitments: BlockCommitmentVector[];
  rootPublicInputs: RootInputsVector[];
  participation: ParticipationVector[];
}

const VECTORS = JSON.parse(
  readFileSync(new URL("./vectors/lifecycle.json", import.meta.url), "utf8"),
) as Vectors;

const CHUNK = 25;

/** Runs `fn` over `items` in chunks of CHUNK concurrent calls. */
async function inChunks<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    out.push(...(await Promise.all(items.slice(i, i + CHUNK).map(fn))));
  }
  return out;
}

/** The slots whose block the fixture's committee proves (its epoch's slots). */
function epochSlots(fx: LifecycleFixture): bigint[] {
  const perEpoch = fx.clock.epochLength / fx.clock.slotLength;
  return Array.from({ length: Number(perEpoch) }, (_, i) => fx.epoch * perEpoch + BigInt(i));
}

/** Deploys another BlockLifecycle on the fixture's election with `faultToleranceBps`. */
async function lifecycleWith(fx: LifecycleFixture, faultToleranceBps: bigint) {
  return ethers.deployContract("BlockLifecycle", [
    {
      election: await fx.election.getAddress(),
      verifier: await fx.verifier.getAddress(),
      ...LIFECYCLE_TEST_PARAMS,
      faultToleranceBps,
    },
  ]);
}

/** The verdict of the harness on a record: null when accepted, else UnassignedParticipant's args. */
async function harnessVerdict(
  harness: ParticipationRecordHarness,
  shape: TreeShape,
  tree: number,
  record: Uint8Array,
): Promise<{ node: number; member: number } | null> {
  try {
    await harness.check(record, shape.m, shape.c, shape.leafCount, shape.seed, tree);
    return null;
  } catch (e) {
    const data = (e as { data?: string }).data;
    if (typeof data !== "string") throw e;
    const parsed = harness.interface.parseError(data);
    if (parsed?.name !== "UnassignedParticipant") throw e;
    return { node: Number(parsed.args[0]), member: Number(parsed.args[1]) };
  }
}

describe("BlockLifecycle model (TS == Solidity)", function () {
  let harness: ParticipationRecordHarness;

  before(async function () {
    harness = await ethers.deployContract("ParticipationRecordHarness");
  });

  describe("proposal score, leaders, fault threshold and vote digests", function () {
    let fx: LifecycleFixture;
    let epochSeed: string;

    beforeEach(async function () {
      fx = await networkHelpers.loadFixture(lifecycleFixture);
      epochSeed = await fx.table.seedOf(fx.epoch);
    });

    it("proposalScore: TS equals lifecycle.proposalScore on 120 random inputs, splits 0 and 10000 included", async function () {
      const prng = new Prng(0x5c0e);
      const slots = epochSlots(fx);
      const keys = fx.operators.map((o) => publicKeyHash(o.publicKey));
      const cases = Array.from({ length: 120 }, (_, i) => ({
        slot: prng.pick(slots),
        keyHash: i % 3 === 0 ? prng.pick(keys) : randomBytes32(prng),
        // Both ends of the range appear, then uniform splits.
        feeSplit: i % 4 === 0 ? 0n : i % 4 === 1 ? 10_000n : prng.bigint(0n, 10_000n),
      }));
      const got = await inChunks(cases, (c) =>
        fx.lifecycle.proposalScore(c.slot, c.keyHash, c.feeSplit),
      );
      cases.forEach((c, i) => {
        const want = proposalScore(epochSeed, c.slot, c.keyHash, c.feeSplit);
        expect(got[i], `slot ${c.slot} key ${c.keyHash} split ${c.feeSplit}`).to.equal(want);
      });
      // The split scales the score by (10000 + split) / 10000 exactly.
      const base = proposalScore(epochSeed, slots[1], keys[0], 0n);
      expect(await fx.lifecycle.proposalScore(slots[1], keys[0], 10_000n)).to.equal(base * 2n);
    });

    it("proposalScore: TS equals the Solidity library on 60 random seeds", async function () {
      const prng = new Prng(0x5c0f);
      const cases = Array.from({ length: 60 }, () => ({
        seed: randomBytes32(prng),
        slot: prng.bigint(0n, 2n ** 60n),
        keyHash: randomBytes32(prng),
        feeSplit: prng.bigint(0n, 10_000n),
      }));
      const got = await inChunks(cases, (c) =>
        harness.scoreOf(c.seed, c.slot, c.keyHash, c.feeSplit),
      );
      cases.forEach((c, i) =>
        expect(got[i]).to.equal(proposalScore(c.seed, c.slot, c.keyHash, c.feeSplit)),
      );
    });

    it("leaderOf: TS leaderIndex picks the contract's leader for every slot and round 0..f", async function () {
      const m = fx.committee.length;
      // Three deployments on the same election: f = 1, 0 and 3 for m = 4.
      const deployments: { lifecycle: BlockLifecycle; bps: bigint }[] = [
        { lifecycle: fx.lifecycle, bps: LIFECYCLE_TEST_PARAMS.faultToleranceBps },
        { lifecycle: await lifecycleWith(fx, 0n), bps: 0n },
        { lifecycle: await lifecycleWith(fx, 9_999n), bps: 9_999n },
      ];
      expect(deployments.map((d) => faultThreshold(m, d.bps))).to.deep.equal([1, 0, 3]);
      let checked = 0;
      for (const { lifecycle, bps } of deployments) {
        const f = faultThreshold(m, bps);
        for (const slot of epochSlots(fx)) {
          const seed = blockSeed(epochSeed, slot);
          expect(await fx.election.blockSeed(fx.epoch, slot)).to.equal(seed);
          for (let round = 0; round <= f; round++) {
            const want = fx.committee[leaderIndex(seed, round, m)];
            expect(await lifecycle.leaderOf(slot, round, fx.committee)).to.equal(want);
            checked++;
          }
        }
      }
      expect(checked).to.equal(10 * (2 + 1 + 4));
    });

    it("leaderIndex: TS equals the Solidity library for random seeds, rounds and m in 1..256", async function () {
      const prng = new Prng(0x1eade4);
      const cases = Array.from({ length: 80 }, (_, i) => ({
        seed: randomBytes32(prng),
        round: prng.int(i % 2 === 0 ? 4 : 256),
        m: i === 0 ? 1 : i === 1 ? 256 : 1 + prng.int(256),
      }));
      const got = await inChunks(cases, (c) => harness.leaderIndex(c.seed, c.round, c.m));
      cases.forEach((c, i) => expect(Number(got[i])).to.equal(leaderIndex(c.seed, c.round, c.m)));
    });

    it("faultThreshold: TS equals the contract for m = 1..256 at 3333, 0, 5000 and 9999 bps", async function () {
      const ms = Array.from({ length: 256 }, (_, i) => i + 1);
      for (const bps of [LIFECYCLE_TEST_PARAMS.faultToleranceBps, 0n, 5_000n, 9_999n]) {
        const lifecycle =
          bps === LIFECYCLE_TEST_PARAMS.faultToleranceBps
            ? fx.lifecycle
            : await lifecycleWith(fx, bps);
        expect(await lifecycle.FAULT_TOLERANCE_BPS()).to.equal(bps);
        const got = await inChunks(ms, (m) => lifecycle.faultThreshold(m));
        const want = ms.map((m) => BigInt(faultThreshold(m, bps)));
        expect(got, `bps ${bps}`).to.deep.equal(want);
      }
    });

    it("timeoutVoteDigest: TypedDataEncoder over timeoutVoteDomain and TIMEOUT_VOTE_TYPES equals the contract", async function () {
      const prng = new Prng(0x7073);
      const lifecycleAddress = await fx.lifecycle.getAddress();
      const domain = timeoutVoteDomain(fx.chainId, lifecycleAddress);
      // The contract's ERC-5267 domain is the one the TS library signs under.
      const d = await fx.lifecycle.eip712Domain();
      expect([d.name, d.version, d.chainId, d.verifyingContract]).to.deep.equal([
        domain.name,
        domain.version,
        fx.chainId,
        lifecycleAddress,
      ]);
      const cases = [
        { slot: 0n, round: 0n },
        { slot: 2n ** 256n - 1n, round: 2n ** 256n - 1n },
        ...Array.from({ length: 40 }, () => ({
          slot: prng.bigint(0n, 2n ** 40n),
          round: BigInt(prng.int(300)),
        })),
      ];
      const got = await inChunks(cases, (c) => fx.lifecycle.timeoutVoteDigest(c.slot, c.round));
      cases.forEach((c, i) =>
        expect(got[i]).to.equal(TypedDataEncoder.hash(domain, TIMEOUT_VOTE_TYPES, c)),
      );
    });
  });

  describe("block commitments, root-proof inputs and stand-in proofs", function () {
    it("TS equals blockCommitment, rootPublicInputs and the verifier on random proposals", async function () {
      const fx = await networkHelpers.loadFixture(scoringFixture);
      const prng = new Prng(0xb10c);
      const first = await firstOpenSlot(fx, ethers);
      const checks: Promise<void>[] = [];
      let parent = 0n;
      for (let slot = first; slot < first + 6n; slot++) {
        const sequencer = prng.pick(fx.sequencers);
        const header = {
          slot,
          parent,
          proposer: sequencer.address,
          txCommitment: randomBytes32(prng),
          leafCount: BigInt(prng.pick([1, 2, 4])),
          feeSplitBps: slot === first ? 10_000n : prng.bigint(0n, 10_000n),
        };
        await proposeBlock(fx, ethers, slot, sequencer, header);
        parent = slot;
        const commitment = blockCommitment(header);
        expect(await fx.lifecycle.blockCommitment(slot)).to.equal(commitment);
        for (let k = 0; k < 8; k++) {
          const tree = k === 0 ? 0 : k === 1 ? 2 ** 16 : prng.int(16);
          const record = randomBytes(prng, k === 2 ? 0 : prng.int(64));
          const submitter = randomAddress(prng, ethers);
          const inputs = rootPublicInputs(
            fx.lifecycleDomain,
            commitment,
            tree,
            record,
            submitter,
            fx.committee,
          );
          checks.push(
            (async () => {
              expect(await fx.lifecycle.rootPublicInputs(slot, tree, record, submitter)).to.equal(
                inputs,
              );
            })(),
          );
        }
        // The verifier accepts a proof every credited member signed, and nothing else: records
        // of the block's length whose bytes are members, NONE or PROPOSER.
        const nodes = 2 * Number(header.leafCount) - 1;
        for (let k = 0; k < 3; k++) {
          const perNode = k === 2 ? 2 : 1;
          const record = Uint8Array.from({ length: nodes * perNode }, () =>
            prng.pick([...fx.committee.keys(), 0xff, 0xfe]),
          );
          const tree = prng.int(4);
          const submitter = prng.pick(fx.members).address;
          const flip = prng.int(1 << 20);
          checks.push(
            (async () => {
              const keys = attestationKeys(fx);
              const { inputs, proof } = await attestedRootProof(
                fx.lifecycleDomain,
                header,
                tree,
                record,
                submitter,
                keys,
              );
              expect(inputs).to.equal(
                await fx.lifecycle.rootPublicInputs(slot, tree, record, submitter),
              );
              expect(await fx.verifier.verify(inputs, proof)).to.equal(true);
              const signed = attestedPositions(
                record,
                Number(header.leafCount),
                fx.committee,
                header.proposer,
              );
              if (signed.length > 0) {
                // Flip one bit of one signature (the proof's last 64 * count bytes).
                const bytes = getBytes(proof);
                const sigStart = bytes.length - 64 * signed.length;
                bytes[sigStart + (flip % (64 * signed.length))] ^= 1;
                expect(await fx.verifier.verify(inputs, bytes)).to.equal(false);
              }
            })(),
          );
        }
      }
      await Promise.all(checks);
      expect(checks.length).to.equal(66);
    });

    // Regression: these views once hashed leaf count 1 and read another slot's history entry.
    it("a slot without a block has no commitment and no public inputs, even when its history entry holds another block", async function () {
      const fx = await networkHelpers.loadFixture(scoringFixture);
      const first = await firstOpenSlot(fx, ethers);
      const tx = keccak256(toUtf8Bytes("aliased"));
      await proposeBlock(fx, ethers, first, fx.sequencers[0], {
        txCommitment: tx,
        feeSplitBps: 10_000n,
      });
      const history = await fx.lifecycle.HISTORY_SLOTS();
      for (const slot of [first + 1n, first + history]) {
        expect((await fx.lifecycle.getBlock(slot)).status).to.equal(BigInt(BlockStatus.None));
        await expect(fx.lifecycle.blockCommitment(slot))
          .to.be.revertedWithCustomError(fx.lifecycle, "UnexpectedBlockStatus")
          .withArgs(slot, BigInt(BlockStatus.None));
        await expect(
          fx.lifecycle.rootPublicInputs(slot, 0, "0x00", fx.members[0].address),
        ).to.be.revertedWithCustomError(fx.lifecycle, "UnexpectedBlockStatus");
      }
    });
  });

  describe("participation records (ParticipationRecordHarness)", function () {
    it("expectedProvers: TS and Solidity name the same members below intact nodes, 150 random records with covers", async function () {
      const prng = new Prng(0xa551);
      let partial = 0;
      for (let i = 0; i < 150; i++) {
        const m = 1 + prng.int(i % 3 === 0 ? 255 : 64);
        const c = 1 + prng.int(Math.min(m, MAX_TREE_COUNT));
        const leafCount = prng.pick([1, 2, 4, 8, 16, 32]);
        const shape = { m, c, leafCount, seed: randomBytes32(prng) };
        const tree = prng.int(c);
        // Mostly the tree's own outputs, sometimes a cover from another tree.
        const record = participationRecord(shape, tree, () =>
          prng.next() < 0.8 ? tree : prng.int(c),
        );
        const want = expectedProvers(m, shape.seed, c, leafCount, tree, record);
        const whole = participationRecord(shape, tree, () => tree);
        if (want !== expectedProvers(m, shape.seed, c, leafCount, tree, whole)) partial++;
        const got = await harness.expectedProvers(record, m, c, leafCount, shape.seed, tree);
        expect(got, `m=${m} c=${c} L=${leafCount} tree=${tree}`).to.equal(want);
      }
      // Covers cut some subtrees out.
      expect(partial).to.be.greaterThan(10);
    });

    it("accepts exactly the records TS accepts and names the same (node, member): 250 random shapes, valid and mutated", async function () {
      const prng = new Prng(0x9a27);
      interface Case {
        label: string;
        shape: TreeShape;
        tree: number;
        record: Uint8Array;
        want: { node: number; member: number } | null;
      }
      const cases: Case[] = [];
      for (let i = 0; i < 250; i++) {
        const m = 1 + prng.int(64);
        const c = 1 + prng.int(Math.min(m, MAX_TREE_COUNT));
        const leafCount = prng.pick([1, 2, 4, 8, 16, 32]);
        const shape = { m, c, leafCount, seed: randomBytes32(prng) };
        const tree = prng.int(c);
        // Outputs below the root may come from any tree's same position (seed 000).
        const valid = participationRecord(shape, tree, () => prng.int(c));
        const label = `case ${i}: m=${m} c=${c} L=${leafCount} tree=${tree}`;
        cases.push({ label: `${label} valid`, shape, tree, record: valid, want: null });
        expect(checkParticipation(shape, tree, valid), label).to.equal(null);
        const mutated = Uint8Array.from(valid);
        const at = prng.int(mutated.length);
        let value = mutated[at];
        // Half the mutations name another member, half any byte (mostly out of range).
        while (value === mutated[at]) value = prng.int(2) === 0 ? prng.int(m) : prng.int(256);
        mutated[at] = value;
        cases.push({
          label: `${label} byte ${at} -> ${value}`,
          shape,
          tree,
          record: mutated,
          want: checkParticipation(shape, tree, mutated),
        });
      }
      const got = await inChunks(cases, (c) => harnessVerdict(harness, c.shape, c.tree, c.record));
      cases.forEach((c, i) => expect(got[i], c.label).to.deep.equal(c.want));
      // Both kinds of mutation occur: some move to another valid member, most are rejected.
      const mutatedWants = cases.filter((_, i) => i % 2 === 1).map((c) => c.want);
      const accepted = mutatedWants.filter((w) => w === null).length;
      expect(accepted).to.be.greaterThan(5);
      expect(mutatedWants.length - accepted).to.be.greaterThan(150);
      expect(mutatedWants.some((w) => w !== null && w.node === 1)).to.equal(true);
    });

    it("NONE (fallback work) at any node, the root included: TS and Solidity agree on validity and expected members, and a committee of 256 has no NONE", async function () {
      const prng = new Prng(0x4e0e);
      const cases: Array<{ label: string; shape: TreeShape; tree: number; record: Uint8Array }> =
        [];
      let noneValid = 0;
      for (let i = 0; i < 80; i++) {
        const m = i % 4 === 0 ? 256 : 1 + prng.int(i % 3 === 0 ? 255 : 64);
        const c = 1 + prng.int(Math.min(m, MAX_TREE_COUNT));
        const leafCount = prng.pick([2, 4, 8, 16]);
        const shape = { m, c, leafCount, seed: randomBytes32(prng) };
        const tree = prng.int(c);
        const record = participationRecord(shape, tree, () => prng.int(c)).map((b) =>
          prng.next() < 0.25 ? 0xff : b,
        );
        if (i % 5 === 0) record[0] = 0xff;
        const label = `case ${i}: m=${m} c=${c} L=${leafCount} tree=${tree}`;
        cases.push({ label, shape, tree, record });
        const verdict = checkParticipation(shape, tree, record);
        if (m < 256 && record.includes(0xff)) {
          expect(verdict, label).to.equal(null);
          noneValid++;
        }
        const want = expectedProvers(m, shape.seed, c, leafCount, tree, record);
        if (m < 256 && record[0] === 0xff) expect(want, label).to.equal(0n);
        if (verdict === null) {
          const got = await harness.expectedProvers(record, m, c, leafCount, shape.seed, tree);
          expect(got, label).to.equal(want);
        }
      }
      expect(noneValid).to.be.greaterThan(30);
      const got = await inChunks(cases, (c) => harnessVerdict(harness, c.shape, c.tree, c.record));
      cases.forEach((c, i) =>
        expect(got[i], c.label).to.deep.equal(checkParticipation(c.shape, c.tree, c.record)),
      );
      // At m = 256, byte 0xff is member 255: a record naming it where it holds nothing fails.
      const m256 = cases.filter((c) => c.shape.m === 256 && c.record.includes(0xff));
      expect(m256.some((c) => checkParticipation(c.shape, c.tree, c.record) !== null)).to.equal(
        true,
      );
    });

    it("the root must come from the proof's own tree", async function () {
      const shape = { m: 12, c: 3, leafCount: 8, seed: keccak256(toUtf8Bytes("own-root")) };
      const ofTree0 = participationRecord(shape, 0);
      const ofTree2 = participationRecord(shape, 2);
      // Every non-root node of tree 0's record is valid for any tree; only the root differs.
      const borrowed = Uint8Array.from(ofTree0);
      borrowed[0] = ofTree2[0];
      expect(ofTree0[0]).to.not.equal(ofTree2[0]);
      const want = { node: 1, member: ofTree2[0] };
      expect(checkParticipation(shape, 0, borrowed)).to.deep.equal(want);
      expect(checkParticipation(shape, 1, borrowed)).to.deep.equal(want);
      expect(checkParticipation(shape, 2, borrowed)).to.equal(null);
      expect(await harnessVerdict(harness, shape, 0, borrowed)).to.deep.equal(want);
      expect(await harnessVerdict(harness, shape, 1, borrowed)).to.deep.equal(want);
      expect(await harnessVerdict(harness, shape, 2, borrowed)).to.equal(null);
      await expect(harness.check(borrowed, shape.m, shape.c, shape.leafCount, shape.seed, 0))
        .to.be.revertedWithCustomError(harness, "UnassignedParticipant")
        .withArgs(1, ofTree2[0]);
    });

    it("a record of the wrong length: RangeError in TS, InvalidRecordLength on chain", async function () {
      const shape = { m: 4, c: 2, leafCount: 4, seed: keccak256(toUtf8Bytes("length")) };
      for (const length of [0, 6, 8]) {
        const record = new Uint8Array(length);
        expect(() => checkParticipation(shape, 0, record)).to.throw(RangeError);
        await expect(harness.check(record, shape.m, shape.c, shape.leafCount, shape.seed, 0))
          .to.be.revertedWithCustomError(harness, "InvalidRecordLength")
          .withArgs(length, 7);
      }
    });
  });

  describe("shared vectors (test/vectors/lifecycle.json)", function () {
    it("has a handful of vectors of every kind", function () {
      expect(VECTORS.proposalScores.length).to.be.within(4, 12);
      expect(VECTORS.leaders.length).to.be.within(4, 12);
      expect(VECTORS.blockCommitments.length).to.be.within(2, 6);
      expect(VECTORS.rootPublicInputs.length).to.be.within(2, 6);
      expect(VECTORS.participation.some((v) => v.error === null)).to.equal(true);
      expect(VECTORS.participation.some((v) => v.error !== null)).to.equal(true);
    });

    it("TypeScript reproduces every vector", function () {
      for (const v of VECTORS.proposalScores) {
        const got = proposalScore(
          v.epochSeed,
          BigInt(v.slot),
          v.publicKeyHash,
          BigInt(v.feeSplitBps),
        );
        expect(got).to.equal(BigInt(v.score));
      }
      for (const v of VECTORS.leaders) {
        expect(leaderIndex(v.blockSeed, v.round, v.m)).to.equal(v.index);
      }
      const headers = VECTORS.blockCommitments.map(headerOf);
      VECTORS.blockCommitments.forEach((v, i) =>
        expect(blockCommitment(headers[i])).to.equal(v.commitment),
      );
      const domain = { chainId: BigInt(VECTORS.chainId), lifecycle: VECTORS.lifecycle };
      for (const v of VECTORS.rootPublicInputs) {
        const commitment = VECTORS.blockCommitments[v.block].commitment;
        const record = getBytes(v.record);
        expect(
          rootPublicInputs(domain, commitment, v.tree, record, v.submitter, v.committee),
        ).to.equal(v.inputs);
      }
      for (const v of VECTORS.participation) {
        expect(checkParticipation(v, v.tree, getBytes(v.record))).to.deep.equal(v.error);
      }
    });

    it("Solidity reproduces every vector", async function () {
      const fx = await networkHelpers.loadFixture(lifecycleFixture);
      await Promise.all(
        VECTORS.proposalScores.map(async (v) => {
          const got = await harness.scoreOf(v.epochSeed, v.slot, v.publicKeyHash, v.feeSplitBps);
          expect(got).to.equal(BigInt(v.score));
        }),
      );
      await Promise.all(
        VECTORS.leaders.map(async (v) => {
          expect(await harness.leaderIndex(v.blockSeed, v.round, v.m)).to.equal(BigInt(v.index));
        }),
      );
      for (const v of VECTORS.participation) {
        const call = harness.check(v.record, v.m, v.c, v.leafCount, v.seed, v.tree);
        if (v.error === null) await call;
        else {
          await expect(call)
            .to.be.revertedWithCustomError(harness, "UnassignedParticipant")
            .withArgs(v.error.node, v.error.member);
        }
      }

      // BlockLifecycle computes block commitments and root inputs only from its own stored
      // blocks (binding chainid and address(this)), so no call takes a vector's header: its
      // domain tags are checked here, and its hashes against TS on live blocks in "block
      // commitments, root-proof inputs and stand-in proofs" above.
      expect(await fx.lifecycle.BLOCK_DOMAIN()).to.equal(BLOCK_DOMAIN);
      expect(await fx.lifecycle.ROOT_PROOF_DOMAIN()).to.equal(ROOT_PROOF_DOMAIN);
    });
  });
});

function headerOf(v: BlockCommitmentVector) {
  return {
    slot: BigInt(v.slot),
    parent: BigInt(v.parent),
    proposer: v.proposer,
    txCommitment: v.txCommitment,
    leafCount: BigInt(v.leafCount),
    feeSplitBps: BigInt(v.feeSplitBps),
  };
}
