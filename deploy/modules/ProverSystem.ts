/**
 * The whole system in one deployment: stake table, committee election, block lifecycle with its
 * proof verifier, reward pool and invalid-work slasher, in dependency order, with the stake
 * table's SLASHER_ROLE granted to both slashing contracts and the reward pool seeded.
 *
 * - `ProverSystem`: over an existing ERC20 (`StakeTable.stakeToken`). Ignition's sender must hold
 *   the stake table's admin role (`StakeTable.admin`) to grant the roles, and `initialPool`
 *   tokens to seed the pool (approve, then `ProverRewards.fund`). For production.
 * - `TestProverSystem`: the same over a freshly deployed, mintable `TestStakeToken`. The sender
 *   must be the admin and the token's `tokenOwner`; it mints `initialPool` to itself and funds the
 *   pool with it. For a local `hardhat node` and public testnets (`local.json`, `sepolia.json`).
 *
 * Run either with the Ignition CLI, e.g.
 *   npx hardhat ignition deploy deploy/modules/ProverSystem.ts --network localhost \
 *     --parameters deploy/parameters/local.json
 * (the file's default export is `TestProverSystem`), or with `npm run deploy` (scripts/deploy.ts),
 * which validates the parameters file first. Every value comes from the parameters file; no module
 * carries a default. See docs/deploy.md and docs/parameters.md.
 */
import { createRequire } from "node:module";

import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type {
  Artifact,
  CallableContractFuture,
  ContractFuture,
  Future,
  IgnitionModuleBuilder,
  ModuleParameterRuntimeValue,
} from "@nomicfoundation/ignition-core";

import {
  InvalidWorkSlasherModule,
  ProverRewardsModule,
  TestInvalidWorkSlasherModule,
  TestProverRewardsModule,
} from "./ProverRewards.js";

/**
 * OpenZeppelin's IERC20 artifact, for the existing stake token (Hardhat only builds artifacts for
 * the project's own sources, and the production token is not one).
 */
const ierc20 = createRequire(import.meta.url)(
  "@openzeppelin/contracts/build/contracts/IERC20.json",
) as Artifact;

/** Grants SLASHER_ROLE to the reward pool (inactivity) and the slasher (invalid work). */
function grantSlasherRoles(
  m: IgnitionModuleBuilder,
  stakeTable: CallableContractFuture<string>,
  rewards: ContractFuture<string>,
  slasher: ContractFuture<string>,
) {
  const role = m.staticCall(stakeTable, "SLASHER_ROLE");
  m.call(stakeTable, "grantRole", [role, rewards], { id: "GrantSlasherRoleToRewards" });
  m.call(stakeTable, "grantRole", [role, slasher], { id: "GrantSlasherRoleToSlasher" });
}

/**
 * Seeds the pool with `initialPool` of the sender's tokens (approve, then fund); `after` (e.g. a
 * mint of those tokens) runs before the funding.
 */
function seedPool(
  m: IgnitionModuleBuilder,
  token: CallableContractFuture<string>,
  rewards: CallableContractFuture<string>,
  initialPool: ModuleParameterRuntimeValue<bigint>,
  after: Future[] = [],
) {
  const approve = m.call(token, "approve", [rewards, initialPool], { id: "ApproveInitialPool" });
  m.call(rewards, "fund", [initialPool], { id: "FundInitialPool", after: [approve, ...after] });
}

export const ProverSystemModule = buildModule("ProverSystem", (m) => {
  const { stakeTable, election, verifier, lifecycle, rewards } = m.useModule(ProverRewardsModule);
  const { slasher } = m.useModule(InvalidWorkSlasherModule);
  grantSlasherRoles(m, stakeTable, rewards, slasher);
  const token = m.contractAt("StakeToken", ierc20, m.staticCall(stakeTable, "STAKE_TOKEN"));
  seedPool(m, token, rewards, m.getParameter<bigint>("initialPool"));
  return { token, stakeTable, election, verifier, lifecycle, rewards, slasher };
});

export const TestProverSystemModule = buildModule("TestProverSystem", (m) => {
  const { token, stakeTable, election, verifier, lifecycle, rewards } =
    m.useModule(TestProverRewardsModule);
  const { slasher } = m.useModule(TestInvalidWorkSlasherModule);
  grantSlasherRoles(m, stakeTable, rewards, slasher);
  const initialPool = m.getParameter<bigint>("initialPool");
  const funder = m.staticCall(token, "owner");
  const mint = m.call(token, "mint", [funder, initialPool], { id: "MintInitialPool" });
  seedPool(m, token, rewards, initialPool, [mint]);
  return { token, stakeTable, election, verifier, lifecycle, rewards, slasher };
});

export default TestProverSystemModule;
