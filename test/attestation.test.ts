/**
 * Attested participation (issue 18): a root record may credit a member only with that member's
 * signature over the output of the node it is credited for (StandInProofVerifier, the circuit's
 * obligation). Each attack is a submitter trying to credit someone who did not sign; each must
 * revert `InvalidRootProof` and leave the block as it was, after which the honest root lands.
 */
import { expect } from "chai";
import { network } from "hardhat";

import {
  attestedPositions,
  attestedRootProof,
  attestRecord,
  blockChunkOutputs,
  placeholderLeafInputs,
  standInNodeProof,
  standInRootProof,
  type ChunkSigner,
} from "../src/protocol/attestation.js";
import { chunkOutputDomain } from "../src/protocol/chunks.js";
import {
  blockCommitment,
  blockHeaderOf,
  BlockStatus,
  participationRecord,
  type BlockHeader,
} from "../src/protocol/lifecycle.js";
import { unclePublicInputs } from "../src/protocol/policies/siblingCover.js";
import {
  attestationKeys,
  deployLifecycle,
  firstOpenSlot,
  proposeBlock,
  publishData,
  treeShape,
  type LifecycleFixture,
} from "./helpers/lifecycle.js";

const { ethers, networkHelpers } = await network.create();

async function provableFixture() {
  const fx = await deployLifecycle(ethers, (n) => networkHelpers.mine(n));
  const slot = await firstOpenSlot(fx, ethers);
  await proposeBlock(fx, ethers, slot, fx.sequencers[0]);
  await proposeBlock(fx, ethers, slot + 1n, fx.sequencers[1]);
  await publishData(fx, ethers, slot);
  await publishData(fx, ethers, slot + 1n);
  const shape = await treeShape(fx, slot);
  const header = blockHeaderOf(slot, await fx.lifecycle.getBlock(slot));
  return { fx, slot, shape, header };
}

/** Submits `proof` for tree 0 of `slot` from the first member. */
function submit(fx: LifecycleFixture, slot: bigint, record: Uint8Array, proof: string) {
  return fx.lifecycle.connect(fx.members[0].signer).submitRootProof(slot, 0, record, proof);
}

async function expectRefused(
  fx: LifecycleFixture,
  slot: bigint,
  record: Uint8Array,
  proof: string,
): Promise<void> {
  const before = await fx.lifecycle.getBlock(slot);
  await expect(submit(fx, slot, record, proof))
    .to.be.revertedWithCustomError(fx.lifecycle, "InvalidRootProof")
    .withArgs(slot, 0n);
  expect(await fx.lifecycle.getBlock(slot)).to.deep.equal(before);
}

/** A signer that signs as `as` whenever asked for `victim`'s signature (the victim never signed). */
function impersonating(fx: LifecycleFixture, victim: string, as: string): ChunkSigner {
  return (signer, domain, output) =>
    fx.chunkSigner(signer === victim ? as : signer, domain, output);
}

describe("Attested participation: a record credits only members that signed", function () {
  it("the honest record, every credited member's signature included, finalizes the block", async function () {
    const { fx, slot, shape, header } = await networkHelpers.loadFixture(provableFixture);
    const record = participationRecord(shape, 0);
    const { proof } = await attestedRootProof(
      fx.lifecycleDomain,
      header,
      0,
      record,
      fx.members[0].address,
      attestationKeys(fx),
    );
    // One signature per node: every byte of a striped record is a member.
    expect(
      attestedPositions(record, shape.leafCount, fx.committee, header.proposer),
    ).to.have.length(2 * shape.leafCount - 1);
    await expect(submit(fx, slot, record, proof)).to.emit(fx.lifecycle, "BlockFinalized");
  });

  it("a member that did not sign cannot be credited: its position signed by the submitter instead is refused", async function () {
    const { fx, slot, shape, header } = await networkHelpers.loadFixture(provableFixture);
    const record = participationRecord(shape, 0);
    const submitter = fx.members[0].address;
    // The member at a leaf other than the submitter was offline: the submitter signs in its place.
    const victimIndex = [...record].find((b) => fx.committee[b] !== submitter)!;
    const victim = fx.committee[victimIndex];
    const forged = await attestedRootProof(fx.lifecycleDomain, header, 0, record, submitter, {
      ...attestationKeys(fx),
      sign: impersonating(fx, victim, submitter),
    });
    await expectRefused(fx, slot, record, forged.proof);
    // Another member's key (a colluder) in its place: refused too.
    const colluder = fx.committee.find((a) => a !== victim && a !== submitter)!;
    const colluding = await attestedRootProof(fx.lifecycleDomain, header, 0, record, submitter, {
      ...attestationKeys(fx),
      sign: impersonating(fx, victim, colluder),
    });
    await expectRefused(fx, slot, record, colluding.proof);
    // Nothing changed: the honest proof still lands.
    const honest = await attestedRootProof(
      fx.lifecycleDomain,
      header,
      0,
      record,
      submitter,
      attestationKeys(fx),
    );
    await expect(submit(fx, slot, record, honest.proof)).to.emit(fx.lifecycle, "BlockFinalized");
  });

  it("a signature over another node, another block or another deployment does not attest", async function () {
    const { fx, slot, shape, header } = await networkHelpers.loadFixture(provableFixture);
    const record = participationRecord(shape, 0);
    const submitter = fx.members[0].address;
    const keys = attestationKeys(fx);
    const leafInputs = placeholderLeafInputs(slot, shape.leafCount);
    const honest = await attestRecord(
      keys.chunkDomain,
      header,
      record,
      fx.committee,
      leafInputs,
      fx.chunkSigner,
    );
    const proofWith = (signatures: typeof honest, h: BlockHeader = header) =>
      standInRootProof(fx.lifecycleDomain, h, 0, record, submitter, {
        committee: fx.committee,
        leafInputs,
        signatures,
      }).proof;
    const positions = attestedPositions(record, shape.leafCount, fx.committee, header.proposer);
    const k = positions.length - 1;
    const { node, signer } = positions[k];
    // The right key over its sibling's output.
    const sibling = blockChunkOutputs(slot, leafInputs)(node ^ 1);
    const otherNode = await fx.chunkSigner(signer, keys.chunkDomain, sibling);
    await expectRefused(fx, slot, record, proofWith([...honest.slice(0, k), otherNode]));
    // The same node of the next slot's block.
    const nextBlock = blockChunkOutputs(
      slot + 1n,
      placeholderLeafInputs(slot + 1n, shape.leafCount),
    )(node);
    const otherBlock = await fx.chunkSigner(signer, keys.chunkDomain, nextBlock);
    await expectRefused(fx, slot, record, proofWith([...honest.slice(0, k), otherBlock]));
    // Signed under another lifecycle's domain, or another chain's.
    for (const domain of [
      chunkOutputDomain(fx.chainId, fx.sequencers[0].address),
      chunkOutputDomain(fx.chainId + 1n, fx.lifecycleDomain.lifecycle),
    ]) {
      const elsewhere = await attestRecord(
        domain,
        header,
        record,
        fx.committee,
        leafInputs,
        fx.chunkSigner,
      );
      await expectRefused(fx, slot, record, proofWith(elsewhere));
    }
    // A signature dropped, or one too many.
    await expectRefused(fx, slot, record, proofWith(honest.slice(1)));
    await expectRefused(fx, slot, record, proofWith([...honest, honest[0]]));
    await expect(submit(fx, slot, record, proofWith(honest))).to.emit(
      fx.lifecycle,
      "BlockFinalized",
    );
  });

  it("a node proof (uncle claim) attests its claimant only: the claimant's signature over that node's output", async function () {
    const { fx, slot, header } = await networkHelpers.loadFixture(provableFixture);
    const leafInputs = placeholderLeafInputs(slot, Number(header.leafCount));
    const keys = attestationKeys(fx);
    const node = 2;
    const claimant = fx.members[1].address;
    const inputs = unclePublicInputs(fx.lifecycleDomain, blockCommitment(header), node, claimant);
    const output = blockChunkOutputs(slot, leafInputs)(node);
    const own = await fx.chunkSigner(claimant, keys.chunkDomain, output);
    const proof = (signature: typeof own, n = node, who = claimant) =>
      standInNodeProof(fx.lifecycleDomain, header, n, who, leafInputs, signature);
    expect(await fx.verifier.verify(inputs, proof(own))).to.equal(true);
    const theirs = await fx.chunkSigner(fx.members[2].address, keys.chunkDomain, output);
    expect(await fx.verifier.verify(inputs, proof(theirs))).to.equal(false);
    expect(await fx.verifier.verify(inputs, proof(own, 3))).to.equal(false);
    expect(await fx.verifier.verify(inputs, proof(own, node, fx.members[2].address))).to.equal(
      false,
    );
    // A node proof's body is not a root proof, nor the other way round.
    expect(await fx.verifier.verify(inputs, "0x01" + proof(own).slice(4))).to.equal(false);
    expect((await fx.lifecycle.getBlock(slot)).status).to.equal(BigInt(BlockStatus.Proposed));
  });
});
