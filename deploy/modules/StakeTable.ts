/**
 * Ignition modules for the foundation layer.
 *
 * - `StakeTable`: the stake table over an existing ERC20 (`stakeToken` parameter). For testnets and
 *   production.
 * - `TestStakeTable`: the mintable `TestStakeToken` plus the stake table over it. For the in-process
 *   network and a local `hardhat node`.
 *
 * Every protocol parameter comes from the per-network parameters file in `deploy/parameters/`;
 * no module carries a default.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type {
  ContractFuture,
  IgnitionModuleBuilder,
  ModuleParameterRuntimeValue,
} from "@nomicfoundation/ignition-core";

function stakeTable(
  m: IgnitionModuleBuilder,
  stakeToken: ContractFuture<string> | ModuleParameterRuntimeValue<string>,
) {
  const table = m.contract("StakeTable", [
    {
      stakeToken,
      minimumStake: m.getParameter<bigint>("minimumStake"),
      epochLength: m.getParameter<bigint>("epochLength"),
      activationLag: m.getParameter<bigint>("activationLag"),
      lookahead: m.getParameter<bigint>("lookahead"),
      seedLookback: m.getParameter<bigint>("seedLookback"),
      exitDelay: m.getParameter<bigint>("exitDelay"),
      proofWindow: m.getParameter<bigint>("proofWindow"),
      slashingWindow: m.getParameter<bigint>("slashingWindow"),
      slashSink: m.getParameter<string>("slashSink"),
      admin: m.getParameter<string>("admin"),
      slasher: m.getParameter<string>("slasher"),
    },
  ]);
  return table;
}

export const StakeTableModule = buildModule("StakeTable", (m) => {
  const table = stakeTable(m, m.getParameter<string>("stakeToken"));
  return { stakeTable: table };
});

export const TestStakeTableModule = buildModule("TestStakeTable", (m) => {
  const owner = m.getParameter<string>("tokenOwner");
  const token = m.contract("TestStakeToken", [
    m.getParameter<string>("tokenName"),
    m.getParameter<string>("tokenSymbol"),
    owner,
  ]);
  const table = stakeTable(m, token);
  return { token, stakeTable: table };
});

export default TestStakeTableModule;
