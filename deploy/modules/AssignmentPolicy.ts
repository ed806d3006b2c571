/**
 * Ignition modules for the assignment-and-scoring policies (docs/policies.md), one per policy
 * contract. Seed 000's striped trees are built into the lifecycle and need no module.
 *
 * - `VrfPathPolicy`: seed 001, option 1; no parameters.
 * - `SortedRoundsPolicy`: seed 001, option 2; `roundHeight`.
 * - `RankedProofsPolicy`: seed 002; `proofsPerNode`, `maxRoots`, `feeBurnBps` (the reward
 *   contract's `proverBurnBps`, which `src/deploy/policy.ts` passes by default).
 * - `SiblingCoverPolicy`: seeds 003/004; `uncleReward` (tokens per uncle claim, from the pool).
 *
 * The policy is deployed before the lifecycle, whose `policy` parameter takes its address
 * (`src/deploy/system.ts` does both from the parameters file's `AssignmentPolicy` section).
 * Every value comes from the parameters given under the module's id; no module carries a default.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ContractFuture, IgnitionModule } from "@nomicfoundation/ignition-core";

/** What every policy module returns: the deployed policy contract. */
export type PolicyModule = IgnitionModule<string, string, { policy: ContractFuture<string> }>;

export const VrfPathPolicyModule = buildModule("VrfPathPolicy", (m) => {
  const policy = m.contract("VrfPathPolicy", []);
  return { policy };
});

export const SortedRoundsPolicyModule = buildModule("SortedRoundsPolicy", (m) => {
  const policy = m.contract("SortedRoundsPolicy", [m.getParameter<bigint>("roundHeight")]);
  return { policy };
});

export const RankedProofsPolicyModule = buildModule("RankedProofsPolicy", (m) => {
  const policy = m.contract("RankedProofsPolicy", [
    m.getParameter<bigint>("proofsPerNode"),
    m.getParameter<bigint>("maxRoots"),
    m.getParameter<bigint>("feeBurnBps"),
  ]);
  return { policy };
});

export const SiblingCoverPolicyModule = buildModule("SiblingCoverPolicy", (m) => {
  const policy = m.contract("SiblingCoverPolicy", [m.getParameter<bigint>("uncleReward")]);
  return { policy };
});

/** The module of each policy name that has a contract. */
export const POLICY_MODULES: Readonly<
  Record<"vrfPath" | "sortedRounds" | "rankedProofs" | "siblingCover", PolicyModule>
> = {
  vrfPath: VrfPathPolicyModule,
  sortedRounds: SortedRoundsPolicyModule,
  rankedProofs: RankedProofsPolicyModule,
  siblingCover: SiblingCoverPolicyModule,
};
