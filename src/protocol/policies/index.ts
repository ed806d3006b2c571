/**
 * The registry of assignment policies: one {@link AssignmentPolicyRules} object per policy name,
 * built from the deployment's policy parameters. The prover client and the simulator get their
 * rules here.
 */
import { rankedProofsRules } from "./rankedProofs.js";
import { siblingCoverRules } from "./siblingCover.js";
import { sortedRoundsRules } from "./sortedRounds.js";
import { stripedRules } from "./striped.js";
import { vrfPathRules } from "./vrfPath.js";
import type { AssignmentPolicyRules, PolicyName } from "./types.js";

/** Every policy's parameters (each policy reads its own). */
export interface PolicyParams {
  /** sortedRounds: levels per round h. */
  roundHeight: number;
  /** rankedProofs: proofs recorded per node P. */
  proofsPerNode: number;
  /** rankedProofs: competing roots per block. */
  maxRoots: number;
  /** rankedProofs: FEE_BURN in basis points (`ProverRewards`' `proverBurnBps`). */
  feeBurnBps: bigint;
  /** siblingCover: tokens (wei) paid per uncle claim. */
  uncleReward: bigint;
  /** striped: `ProverRewards`' `burnUnprovenShare`. */
  burnUnprovenShare?: boolean;
}

export const DEFAULT_POLICY_PARAMS: PolicyParams = {
  roundHeight: 2,
  proofsPerNode: 3,
  maxRoots: 3,
  feeBurnBps: 0n,
  uncleReward: 10n * 10n ** 18n,
};

/** The rules of policy `name` with `params`. */
export function policyRules(
  name: PolicyName,
  params: PolicyParams = DEFAULT_POLICY_PARAMS,
): AssignmentPolicyRules {
  switch (name) {
    case "striped":
      return stripedRules({ burnUnprovenShare: params.burnUnprovenShare });
    case "vrfPath":
      return vrfPathRules;
    case "sortedRounds":
      return sortedRoundsRules(params.roundHeight);
    case "rankedProofs":
      return rankedProofsRules(params.proofsPerNode, params.maxRoots, params.feeBurnBps);
    case "siblingCover":
      return siblingCoverRules;
  }
}
