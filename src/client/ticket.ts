/**
 * An operator's election ticket for one epoch, computed from the chain's views and its BLS secret
 * key: the VRF proof over the epoch's seed, and the stake-normalized score and rank it earns (or
 * why it earns none). The prover client reveals from it, and so does the `reveal` operator task;
 * the rules themselves (VRF, score, rank) are in `src/protocol/election.ts`.
 */
import type { G2, SecretKey } from "../protocol/bls.js";
import { rankOf, vrfMessage, vrfOutput, vrfProve, vrfScore } from "../protocol/election.js";
import type { CommitteeElection, StakeTable } from "../../typechain-types/index.js";

/** Why an operator holds no ticket for an epoch. */
export type NoTicketReason = "NotStakedInEpoch" | "IneligibleOutput";

export type ElectionTicket =
  | {
      eligible: true;
      epoch: bigint;
      proof: G2;
      /** The stake-normalized score, in [0, 2^96); lower is better. */
      score: bigint;
      /** `(score << 160) | operator`: what the committee heap orders by. */
      rank: bigint;
      stake: bigint;
    }
  | { eligible: false; epoch: bigint; reason: NoTicketReason; stake: bigint };

/**
 * Computes `operator`'s ticket for `epoch` with `secretKey`, reading its stake, the total stake,
 * the epoch's seed and election parameters from the contracts. `chainId` and the election's
 * address form the VRF message's domain. Reverts of the views (e.g. `SeedUnavailable` before the
 * seed's RANDAO checkpoint) propagate.
 */
export async function electionTicket(
  table: StakeTable,
  election: CommitteeElection,
  chainId: bigint,
  operator: string,
  secretKey: SecretKey,
  epoch: bigint,
): Promise<ElectionTicket> {
  const stake = await table.stakeAt(operator, epoch);
  if (stake === 0n) return { eligible: false, epoch, reason: "NotStakedInEpoch", stake };
  const seed = await table.seedOf(epoch);
  const message = vrfMessage({ chainId, election: await election.getAddress() }, epoch, seed);
  const proof = vrfProve(secretKey, message);
  const params = await election.paramsAt(epoch);
  const score = vrfScore(
    vrfOutput(proof),
    stake,
    await table.totalStakeAt(epoch),
    Number(params.committeeSize),
    Number(params.oversamplingBps),
  );
  if (score === null) return { eligible: false, epoch, reason: "IneligibleOutput", stake };
  return { eligible: true, epoch, proof, score, rank: rankOf(score, operator), stake };
}
