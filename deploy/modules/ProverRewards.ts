/**
 * Ignition modules for the rewards and slashing layer, built on the block lifecycle modules.
 *
 * - `ProverRewards`: the reward pool, settlement and claims over `BlockLifecycle`, paying in the
 *   stake table's token (`STAKE_TOKEN`, read from the deployed stake table).
 * - `InvalidWorkSlasher`: slashing for signed invalid chunk outputs over `BlockLifecycle`.
 * - `TestProverRewards` / `TestInvalidWorkSlasher`: the same over `TestBlockLifecycle` (the
 *   mintable `TestStakeToken`).
 *
 * None of these grants a role or funds the pool: `ProverSystem` and `TestProverSystem`
 * (`ProverSystem.ts`) deploy the whole system and do both. The ProverRewards future's id ends in
 * `#ProverRewards`: the operator tasks find the deployed address by that suffix. Every value
 * comes from `deploy/parameters/<network>.json` under the module's id (or from the contracts
 * deployed by the modules used); no module carries a default.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type {
  ContractFuture,
  IgnitionModuleBuilder,
  StaticCallFuture,
} from "@nomicfoundation/ignition-core";

import { BlockLifecycleModule, TestBlockLifecycleModule } from "./BlockLifecycle.js";

function proverRewards(
  m: IgnitionModuleBuilder,
  lifecycle: ContractFuture<string>,
  rewardToken: ContractFuture<string> | StaticCallFuture<string, string>,
) {
  return m.contract("ProverRewards", [
    {
      lifecycle,
      rewardToken,
      burnUnprovenShare: m.getParameter<boolean>("burnUnprovenShare"),
      blockReward: m.getParameter<bigint>("blockReward"),
      sequencerBps: m.getParameter<bigint>("sequencerBps"),
      proverBps: m.getParameter<bigint>("proverBps"),
      submitterBps: m.getParameter<bigint>("submitterBps"),
      proverBurnBps: m.getParameter<bigint>("proverBurnBps"),
      inactivityThreshold: m.getParameter<bigint>("inactivityThreshold"),
      inactivitySlash: m.getParameter<bigint>("inactivitySlash"),
    },
  ]);
}

function invalidWorkSlasher(m: IgnitionModuleBuilder, lifecycle: ContractFuture<string>) {
  return m.contract("InvalidWorkSlasher", [
    {
      lifecycle,
      slashAmount: m.getParameter<bigint>("slashAmount"),
      reporterBps: m.getParameter<bigint>("reporterBps"),
    },
  ]);
}

export const ProverRewardsModule = buildModule("ProverRewards", (m) => {
  const { stakeTable, election, verifier, lifecycle } = m.useModule(BlockLifecycleModule);
  const stakeToken = m.staticCall(stakeTable, "STAKE_TOKEN");
  const rewards = proverRewards(m, lifecycle, stakeToken);
  return { stakeTable, election, verifier, lifecycle, rewards };
});

export const InvalidWorkSlasherModule = buildModule("InvalidWorkSlasher", (m) => {
  const { stakeTable, election, verifier, lifecycle } = m.useModule(BlockLifecycleModule);
  const slasher = invalidWorkSlasher(m, lifecycle);
  return { stakeTable, election, verifier, lifecycle, slasher };
});

export const TestInvalidWorkSlasherModule = buildModule("TestInvalidWorkSlasher", (m) => {
  const { token, stakeTable, election, verifier, lifecycle } =
    m.useModule(TestBlockLifecycleModule);
  const slasher = invalidWorkSlasher(m, lifecycle);
  return { token, stakeTable, election, verifier, lifecycle, slasher };
});

export const TestProverRewardsModule = buildModule("TestProverRewards", (m) => {
  const { token, stakeTable, election, verifier, lifecycle } =
    m.useModule(TestBlockLifecycleModule);
  const rewards = proverRewards(m, lifecycle, token);
  return { token, stakeTable, election, verifier, lifecycle, rewards };
});
