/**
 * Gas ceilings per operation key, from the issues. `npm run gas` fails when a measured key is
 * above its ceiling. Keys without a ceiling are measured for information (comparisons, variants).
 */
export const GAS_CEILINGS: Readonly<Record<string, number>> = {
  "stake.register": 340_000,
  "stake.topUp": 100_000,
  "stake.initiateExit": 110_000,
  "stake.finalizeExit": 80_000,
  "bls.verify": 200_000,
  "bls.verifyAggregate.signers33": 310_000,
  "randao.checkpoint": 50_000,
  "election.revealSingle": 250_000,
  "election.revealBatch32.perProver": 50_000,
  "election.assignmentView.n32c3L16": 150_000,
  "block.propose": 120_000,
  "block.publishData": 50_000,
  "timeout.certificate.signers11": 250_000,
  "timeout.certificate.signers33": 360_000,
  "timeout.certificate.signers86": 600_000,
  "proof.submitRoot.first": 120_000,
  "proof.submitRoot.secondTree": 120_000,
  "proof.submitRoot.additional": 160_000,
  "block.prune.depth5": 120_000,
  "rewards.claim.after1": 65_000,
  "rewards.claim.after100": 65_000,
  "slash.inactivity": 150_000,
  "slash.invalidChunk": 300_000,
  "protocol.perBlock": 450_000,
  "rewards.settle.emptyEpoch.maxSlots": 200_000,
  // Issue 18: the largest single transaction at the validator's maxima.
  "rewards.settle.segment.atMaxima": 16_000_000,
};
