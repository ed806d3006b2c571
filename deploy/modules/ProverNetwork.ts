/**
 * Ignition modules for the whole prover network, built on the stake table modules.
 *
 * - `ProverNetwork`: the stake table over an existing ERC20 and the committee election on it. For
 *   testnets and production.
 * - `TestProverNetwork`: the same over the mintable `TestStakeToken`. For the in-process network
 *   and a local `hardhat node`.
 *
 * Every protocol parameter comes from the per-network parameters file in `deploy/parameters/`
 * (the stake table's under its own module id, the election's under this one); no module carries
 * a default.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ContractFuture, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";

import { TestStakeTableModule, StakeTableModule } from "./StakeTable.js";

function committeeElection(m: IgnitionModuleBuilder, stakeTable: ContractFuture<string>) {
  return m.contract("CommitteeElection", [
    {
      stakeTable,
      revealWindow: m.getParameter<bigint>("revealWindow"),
      initialParams: {
        committeeSize: m.getParameter<bigint>("committeeSize"),
        oversamplingBps: m.getParameter<bigint>("oversamplingBps"),
        treeCount: m.getParameter<bigint>("treeCount"),
        leafCount: m.getParameter<bigint>("leafCount"),
      },
      admin: m.getParameter<string>("admin"),
      governor: m.getParameter<string>("governor"),
    },
  ]);
}

export const ProverNetworkModule = buildModule("ProverNetwork", (m) => {
  const { stakeTable } = m.useModule(StakeTableModule);
  const election = committeeElection(m, stakeTable);
  return { stakeTable, election };
});

export const TestProverNetworkModule = buildModule("TestProverNetwork", (m) => {
  const { token, stakeTable } = m.useModule(TestStakeTableModule);
  const election = committeeElection(m, stakeTable);
  return { token, stakeTable, election };
});

export default TestProverNetworkModule;
