/**
 * Deploying the assignment policy a parameters file names (docs/policies.md): one Ignition module
 * per policy contract (deploy/modules/AssignmentPolicy.ts), before the lifecycle, whose `policy`
 * parameter takes the address. Seed 000's striped trees are built into the lifecycle: `striped`
 * deploys nothing and gives the zero address.
 */
import { ZeroAddress } from "ethers";
import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import type { NetworkConnection } from "hardhat/types/network";

import { POLICY_MODULES } from "../../deploy/modules/AssignmentPolicy.js";
import type { PolicyName } from "../protocol/parameters.js";

/** A policy's constructor arguments; each policy reads its own (see docs/parameters.md). */
export interface PolicyDeployParameters {
  /** SortedRoundsPolicy: levels per round. */
  roundHeight?: bigint;
  /** RankedProofsPolicy: proofs credited per node. */
  proofsPerNode?: bigint;
  /** RankedProofsPolicy: competing roots per block. */
  maxRoots?: bigint;
  /** RankedProofsPolicy: FEE_BURN in basis points (the rewards' proverBurnBps). */
  feeBurnBps?: bigint;
  /** SiblingCoverPolicy: tokens per uncle claim. */
  uncleReward?: bigint;
}

/** The Ignition module id of each policy that has a contract. */
export const POLICY_MODULE_IDS: Readonly<Record<Exclude<PolicyName, "striped">, string>> = {
  vrfPath: POLICY_MODULES.vrfPath.id,
  sortedRounds: POLICY_MODULES.sortedRounds.id,
  rankedProofs: POLICY_MODULES.rankedProofs.id,
  siblingCover: POLICY_MODULES.siblingCover.id,
};

function required(name: PolicyName, key: keyof PolicyDeployParameters, value?: bigint): bigint {
  if (value === undefined) throw new Error(`the ${name} policy needs ${key}`);
  return value;
}

/** The module parameters of `name`'s policy module (throws if one it reads is missing). */
export function policyModuleParameters(
  name: Exclude<PolicyName, "striped">,
  params: PolicyDeployParameters,
): DeploymentParameters {
  const id = POLICY_MODULE_IDS[name];
  switch (name) {
    case "vrfPath":
      return { [id]: {} };
    case "sortedRounds":
      return { [id]: { roundHeight: required(name, "roundHeight", params.roundHeight) } };
    case "rankedProofs":
      return {
        [id]: {
          proofsPerNode: required(name, "proofsPerNode", params.proofsPerNode),
          maxRoots: required(name, "maxRoots", params.maxRoots),
          feeBurnBps: required(name, "feeBurnBps", params.feeBurnBps),
        },
      };
    case "siblingCover":
      return { [id]: { uncleReward: required(name, "uncleReward", params.uncleReward) } };
  }
}

/**
 * Deploys `name`'s policy contract on `connection` and returns its address; `striped` deploys
 * nothing and returns the zero address.
 */
export async function deployPolicy(
  connection: NetworkConnection,
  name: PolicyName,
  params: PolicyDeployParameters,
  options: { defaultSender?: string; deploymentId?: string; displayUi?: boolean } = {},
): Promise<string> {
  if (name === "striped") return ZeroAddress;
  const { policy } = await connection.ignition.deploy(POLICY_MODULES[name], {
    parameters: policyModuleParameters(name, params),
    displayUi: options.displayUi ?? false,
    ...(options.defaultSender === undefined ? {} : { defaultSender: options.defaultSender }),
    ...(options.deploymentId === undefined ? {} : { deploymentId: options.deploymentId }),
  });
  return policy.getAddress();
}
