/**
 * Ignition modules for the block lifecycle, built on the prover network modules.
 *
 * - `BlockLifecycle`: the stand-in verifier and the lifecycle over `ProverNetwork`.
 * - `TestBlockLifecycle`: the same over `TestProverNetwork` (mintable test token).
 *
 * The verifier is `StandInProofVerifier`, which binds a proof to its public inputs and checks
 * nothing else: replace it with a real `IProofVerifier` before securing value. Parameters come
 * from `deploy/parameters/<network>.json` under the module's id.
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
