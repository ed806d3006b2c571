/**
 * Ignition modules for the rewards and slashing layer, built on the block lifecycle modules.
 *
 * - `ProverRewards`: the reward pool, settlement and claims over `BlockLifecycle`, paying in the
 *   stake table's token (`STAKE_TOKEN`, read from the deployed stake table).
 * - `InvalidWorkSlasher`: slashing for signed invalid chunk outputs over `BlockLifecycle`.
 * - `LocalInvalidWorkSlasher`: the same over `LocalBlockLifecycle`.
 * - `LocalProverRewards`: the whole local system. `ProverRewards` over `LocalBlockLifecycle`,
 *   paying in the test token, plus `LocalInvalidWorkSlasher`; both get the stake table's
 *   SLASHER_ROLE, and the pool is funded with `initialPool` freshly minted test tokens.
 *
 * Neither production module grants roles or funds the pool: the stake table's admin grants
 * SLASHER_ROLE to both contracts (`grantRole`), and anyone funds the pool (`approve`, then
 * `ProverRewards.fund`). The local module sends those transactions from Ignition's sender, which
 * must therefore be the stake table's `admin` and the token's `tokenOwner` (local.json: Hardhat's
 * account #0, the default sender); it mints the pool to the token's owner, which then funds it.
 *
 * The ProverRewards future's id ends in `#ProverRewards`: the `claim` task finds the deployed
 * address by that suffix. Every value comes from `deploy/parameters/<network>.json` under the
 * module's id (or from the contracts deployed by the modules used); no module carries a default.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type {
  ContractFuture,
  IgnitionModuleBuilder,
  StaticCallFuture,
} from "@nomicfoundation/ignition-core";

import { BlockLifecycleModule, LocalBlockLifecycleModule } from "./BlockLifecycle.js";

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

export const LocalInvalidWorkSlasherModule = buildModule("LocalInvalidWorkSlasher", (m) => {
  const { token, stakeTable, election, verifier, lifecycle } =
    m.useModule(LocalBlockLifecycleModule);
  const slasher = invalidWorkSlasher(m, lifecycle);
  return { token, stakeTable, election, verifier, lifecycle, slasher };
});

export const LocalProverRewardsModule = buildModule("LocalProverRewards", (m) => {
  const { token, stakeTable, election, verifier, lifecycle } =
    m.useModule(LocalBlockLifecycleModule);
  const { slasher } = m.useModule(LocalInvalidWorkSlasherModule);
  const rewards = proverRewards(m, lifecycle, token);

  const slasherRole = m.staticCall(stakeTable, "SLASHER_ROLE");
  m.call(stakeTable, "grantRole", [slasherRole, rewards], { id: "GrantSlasherRoleToRewards" });
  m.call(stakeTable, "grantRole", [slasherRole, slasher], { id: "GrantSlasherRoleToSlasher" });

  const initialPool = m.getParameter<bigint>("initialPool");
  const funder = m.staticCall(token, "owner");
  const mint = m.call(token, "mint", [funder, initialPool], { id: "MintInitialPool" });
  const approve = m.call(token, "approve", [rewards, initialPool], { id: "ApproveInitialPool" });
  m.call(rewards, "fund", [initialPool], { id: "FundInitialPool", after: [mint, approve] });

  return { token, stakeTable, election, verifier, lifecycle, rewards, slasher };
});

export default LocalProverRewardsModule;
