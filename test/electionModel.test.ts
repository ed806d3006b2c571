/**
 * Random action sequences (fast-check, seeded; a failing sequence shrinks and prints its seed)
 * against the election, checked after every action against a
 * TypeScript model built from the protocol library: single reveals, batches, duplicates, forged
 * proofs, ineligible and outranked reveals, over three consecutive epochs (so that a heap is
 * reused and its committee sealed automatically).
 */
import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";

import {
  committeeCommitment,
  committeeMembers,
  electCommittee,
  vrfOutput,
  vrfScore,
  rankOf,
} from "../src/protocol/election.js";
import { decodeG2 } from "../src/protocol/bls.js";
import type { ElectionFixture, Reveal } from "./helpers/election.js";
import {
  advanceTo,
  deployElection,
  epochInputs,
  mineIntoRevealWindow,
  revealFor,
  windowOf,
} from "./helpers/election.js";
import { publicKeyHash } from "../src/protocol/stake.js";
import { draws, type Draws } from "./helpers/draws.js";

const { ethers, networkHelpers } = await network.create();
const mine = (n: number) => networkHelpers.mine(n);

/** One entry of a call: an operator's key with its own proof, or with another's (forged). */
interface Entry {
  reveal: Reveal;
  forgedFrom?: Reveal;
}

/** The model of one epoch: recorded operators and the committee ranks. */
class EpochModel {
  readonly recorded = new Set<string>();
  ranks: bigint[] = [];
  constructor(
    readonly committeeSize: number,
    readonly totalStake: bigint,
    readonly oversamplingBps: number,
  ) {}

  full(): boolean {
    return this.ranks.length === this.committeeSize;
  }

  cutoff(): bigint {
    return this.full() ? this.ranks[this.ranks.length - 1] : ethers.MaxUint256;
  }

  /** The rank the contract computes for the submitted proof, or null if ineligible. */
  rankOfEntry(e: Entry): bigint | null {
    const proof = e.forgedFrom ?? e.reveal;
    const output = vrfOutput(decodeG2(proof.vrfProof));
    const score = vrfScore(
      output,
      e.reveal.operator.stake,
      this.totalStake,
      this.committeeSize,
      this.oversamplingBps,
    );
    return score === null ? null : rankOf(score, e.reveal.operator.address);
  }

  /** The check failure (error name) of an entry, before cutoff and pairing. */
  failure(e: Entry): string | null {
    if (this.recorded.has(e.reveal.operator.address)) return "DuplicateReveal";
    if (this.rankOfEntry(e) === null) return "IneligibleOutput";
    return null;
  }

  admit(e: Entry, rank: bigint): void {
    this.recorded.add(e.reveal.operator.address);
    this.ranks = electCommittee([...this.ranks, rank], this.committeeSize);
  }
}

async function checkAgainstModel(fx: ElectionFixture, epoch: bigint, model: EpochModel) {
  expect([...(await fx.election.committeeOf(epoch))]).to.deep.equal(committeeMembers(model.ranks));
  expect(await fx.election.revealCutoff(epoch)).to.equal(model.cutoff());
  for (const op of fx.operators) {
    expect(await fx.election.hasRevealed(publicKeyHash(op.publicKey), epoch)).to.equal(
      model.recorded.has(op.address),
    );
  }
}

async function runSequence(prng: Draws, steps: number) {
  const fx = await deployElection(ethers, {
    params: { committeeSize: 4, oversamplingBps: 25_000 },
    revealWindow: 10n,
    stakes: [100, 100, 150, 200, 300, 500, 800, 1300],
  });
  const first = fx.firstEpoch;
  const models = new Map<bigint, EpochModel>();
  const outcomes: Record<string, number> = {};
  const count = (k: string) => (outcomes[k] = (outcomes[k] ?? 0) + 1);
  for (const epoch of [first, first + 1n, first + 2n]) {
    await mineIntoRevealWindow(fx, ethers, mine, epoch);
    const inputs = await epochInputs(fx, epoch);
    const model = new EpochModel(inputs.committeeSize, inputs.totalStake, inputs.oversamplingBps);
    models.set(epoch, model);
    const reveals = await Promise.all(fx.operators.map((op) => revealFor(fx, op, epoch, inputs)));
    const { closesAt } = await windowOf(fx, epoch);

    const eligible = reveals.filter((r) => r.rank !== null);
    const pickEntry = (): Entry => {
      // Mostly eligible operators, so that batches often go through.
      const reveal =
        prng.next() < 0.8 && eligible.length > 0 ? prng.pick(eligible) : prng.pick(reveals);
      if (prng.next() < 0.1) {
        const other = prng.pick(reveals.filter((r) => r !== reveal));
        return { reveal, forgedFrom: other };
      }
      return { reveal };
    };

    for (let step = 0; step < steps; step++) {
      if (BigInt(await ethers.provider.getBlockNumber()) + 1n > closesAt) break;
      if (prng.next() < 0.5) {
        const entry = pickEntry();
        const proof = (entry.forgedFrom ?? entry.reveal).vrfProof;
        const call = fx.election.reveal(epoch, entry.reveal.publicKey, proof);
        const failure = model.failure(entry);
        const rank = model.rankOfEntry(entry);
        if (failure !== null) {
          count(failure);
          await expect(call).to.be.revertedWithCustomError(fx.election, failure);
        } else if (model.full() && rank! >= model.cutoff()) {
          count("RevealAboveCutoff");
          await expect(call).to.be.revertedWithCustomError(fx.election, "RevealAboveCutoff");
        } else if (entry.forgedFrom !== undefined) {
          count("InvalidVrfProof");
          await expect(call).to.be.revertedWithCustomError(fx.election, "InvalidVrfProof");
        } else {
          count(model.full() ? "displacing reveal" : "reveal");
          await expect(call).to.emit(fx.election, "Revealed");
          model.admit(entry, rank!);
        }
      } else {
        const entries = Array.from({ length: 1 + prng.int(4) }, pickEntry);
        const call = fx.election.revealBatch(
          epoch,
          entries.map((e) => e.reveal.publicKey),
          entries.map((e) => (e.forgedFrom ?? e.reveal).vrfProof),
        );
        // Replay the batch on a copy of the model, as the contract processes it.
        const trial = new EpochModel(model.committeeSize, model.totalStake, model.oversamplingBps);
        model.recorded.forEach((a) => trial.recorded.add(a));
        trial.ranks = [...model.ranks];
        let rejectedAt = -1;
        const skipped = new Set<number>();
        for (const [i, e] of entries.entries()) {
          // Reveals already made (before or earlier in the batch) are skipped, not rejected.
          if (trial.recorded.has(e.reveal.operator.address)) {
            skipped.add(i);
            continue;
          }
          if (trial.failure(e) !== null) {
            rejectedAt = i;
            break;
          }
          const rank = trial.rankOfEntry(e)!;
          if (trial.full() && rank >= trial.cutoff()) continue;
          trial.admit(e, rank);
        }
        if (rejectedAt < 0) {
          rejectedAt = entries.findIndex((e, i) => e.forgedFrom !== undefined && !skipped.has(i));
        }
        if (rejectedAt < 0 && skipped.size > 0) count("skipped in batch");
        if (rejectedAt >= 0) {
          count("rejected batch");
          await expect(call)
            .to.be.revertedWithCustomError(fx.election, "RevealRejected")
            .withArgs(BigInt(rejectedAt), (reason: string) => reason.length >= 10);
        } else {
          count("batch");
          await call;
          model.recorded.clear();
          trial.recorded.forEach((a) => model.recorded.add(a));
          model.ranks = trial.ranks;
        }
      }
      await checkAgainstModel(fx, epoch, model);
    }
  }
  // The first two epochs' committees are final; the first was sealed automatically when the
  // third epoch's first admitted reveal reused its heap (if that epoch had any reveal).
  await advanceTo(fx, ethers, mine, (await fx.table.epochStartBlock(first + 2n)) + 1n);
  for (const [epoch, model] of models) {
    const members = committeeMembers(model.ranks);
    expect(await fx.election.committeeCommitment(epoch)).to.deep.equal([
      committeeCommitment(members),
      BigInt(members.length),
    ]);
  }
  return outcomes;
}

describe("CommitteeElection under random action sequences (vs. the TS model)", function () {
  it("3 sequences (fast-check): committee, cutoff, records and commitments match the model after every action", async function () {
    const outcomes: Record<string, number> = {};
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(draws(), async (d) => {
        for (const [k, n] of Object.entries(await runSequence(d, 24))) {
          outcomes[k] = (outcomes[k] ?? 0) + n;
        }
        runs++;
      }),
      { seed: 57, numRuns: 3 },
    );
    console.log(`      ${runs} sequences: ${JSON.stringify(outcomes)}`);
    const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
    expect(total).to.be.greaterThan(30 * runs);
    for (const kind of [
      "reveal",
      "batch",
      "rejected batch",
      "DuplicateReveal",
      "skipped in batch",
    ]) {
      expect(outcomes[kind] ?? 0, kind).to.be.greaterThan(0);
    }
  });
});
