/**
 * Ignition modules for the block lifecycle, built on the prover network modules.
 *
 * - `BlockLifecycle`: the stand-in verifier and the lifecycle over `ProverNetwork`.
 * - `TestBlockLifecycle`: the same over `TestProverNetwork` (mintable test token).
 *
 * The verifier is `StandInProofVerifier`, which binds a proof to its public inputs and checks
 * nothing else: replace it with a real `IProofVerifier` before securing value. Parameters come
 * from `deploy/parameters/<network>.json` under the module's id. `policy` is the assignment
 * policy's address (zero: seed 000's built-in striped trees); `src/deploy/system.ts` deploys the
 * policy the file's `AssignmentPolicy.name` names (`AssignmentPolicy.ts`) and injects its address.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ContractFuture, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";

import { TestProverNetworkModule, ProverNetworkModule } from "./ProverNetwork.js";

function blockLifecycle(m: IgnitionModuleBuilder, election: ContractFuture<string>) {
  const verifier = m.contract("StandInProofVerifier");
  const lifecycle = m.contract("BlockLifecycle", [
    {
      election,
      verifier,
      slotLength: m.getParameter<bigint>("slotLength"),
      proposalPhase: m.getParameter<bigint>("proposalPhase"),
      dataTimeout: m.getParameter<bigint>("dataTimeout"),
      faultToleranceBps: m.getParameter<bigint>("faultToleranceBps"),
      feeSplitScoring: m.getParameter<boolean>("feeSplitScoring"),
      policy: m.getParameter<string>("policy"),
    },
  ]);
  return { verifier, lifecycle };
}

export const BlockLifecycleModule = buildModule("BlockLifecycle", (m) => {
  const { stakeTable, election } = m.useModule(ProverNetworkModule);
  return { stakeTable, election, ...blockLifecycle(m, election) };
});

export const TestBlockLifecycleModule = buildModule("TestBlockLifecycle", (m) => {
  const { token, stakeTable, election } = m.useModule(TestProverNetworkModule);
  return { token, stakeTable, election, ...blockLifecycle(m, election) };
});

export default TestBlockLifecycleModule;
