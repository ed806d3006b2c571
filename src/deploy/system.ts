/**
 * Deploying the whole system from a per-network parameters file, as `npm run deploy`,
 * `npm run node` and the end-to-end test do it: the file is validated first
 * (`src/protocol/parameters.ts`: every constructor check and every constraint between
 * parameters), its module family picks the Ignition module (`TestProverSystem` over a fresh
 * test token, or `ProverSystem` over an existing one), and Ignition deploys it in dependency
 * order, wires the slasher roles and seeds the pool. On a real network Ignition records the
 * deployment in `deploy/deployments/chain-<id>/` (journal and `deployed_addresses.json`), which
 * is what the operator tasks read; an in-process network records nothing.
 *
 * A file whose `AssignmentPolicy.name` is not `striped` deploys that policy first
 * (src/deploy/policy.ts) and passes its address as the lifecycle's `policy` parameter (the
 * file's own value, zero, is replaced); RankedProofsPolicy's `feeBurnBps` defaults to the
 * rewards' `proverBurnBps`.
 */
import { readFile, rm } from "node:fs/promises";
import path from "node:path";

import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import { getAddress, type Provider } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { ProverSystemModule, TestProverSystemModule } from "../../deploy/modules/ProverSystem.js";
import {
  assertValidParameters,
  familyOf,
  MODULE_IDS,
  POLICY_SECTION,
  policyParametersOf,
  readParametersFile,
  resolveParameter,
  type ModuleFamily,
  type ParametersFile,
  type PolicyName,
} from "../protocol/parameters.js";
import { deployPolicy } from "./policy.js";

export interface DeployedSystem {
  family: ModuleFamily;
  moduleId: string;
  /** The assignment policy deployed (`striped`: none; addresses.policy is then absent). */
  policy: PolicyName;
  chainId: bigint;
  /** Contract addresses by name (token, stakeTable, election, verifier, lifecycle, rewards, slasher). */
  addresses: Record<string, string>;
  /** The first L1 block of the deployment (a safe `--from-block` for the tasks). */
  fromBlock: number;
  /** The L1 block the deployment finished in. */
  block: number;
}

/** The role addresses of `$global` that must be the deploying account, for the module to run. */
export function senderRoles(family: ModuleFamily): string[] {
  return family === "test" ? ["admin", "tokenOwner"] : ["admin"];
}

/**
 * Validates `parametersFile` and deploys its module on `connection` from `sender` (default: the
 * network's first account). Refuses when a role the deployment itself exercises (granting
 * SLASHER_ROLE as admin; minting as the token owner) is not the sender.
 */
export async function deploySystem(
  connection: NetworkConnection,
  parametersFile: string,
  options: {
    sender?: string;
    displayUi?: boolean;
    deploymentId?: string;
    /** Ignition's directory (hre.config.paths.ignition), to clear a stale local journal. */
    ignitionDir?: string;
  } = {},
): Promise<DeployedSystem> {
  const file = await readParametersFile(parametersFile);
  assertValidParameters(file);
  const family = familyOf(file);
  const [first] = await connection.ethers.getSigners();
  const sender = getAddress(options.sender ?? first?.address ?? "");
  const global = file.$global ?? {};
  for (const role of senderRoles(family)) {
    const value = String(global[role] ?? "");
    if (value.toLowerCase() !== sender.toLowerCase()) {
      throw new Error(
        `${parametersFile}: $global.${role} is ${value || "unset"}, but the deployment is sent ` +
          `from ${sender}, which must hold that role to wire the system (set it to ${sender})`,
      );
    }
  }
  const provider = connection.ethers.provider;
  const { chainId } = await provider.getNetwork();
  if (options.ignitionDir !== undefined && chainId === 31337n) {
    const id = options.deploymentId ?? `chain-${chainId}`;
    await clearStaleJournal(path.join(options.ignitionDir, "deployments", id), provider);
  }
  const fromBlock = (await provider.getBlockNumber()) + 1;
  const policy = policyParametersOf(file);
  let parameters: string | DeploymentParameters = parametersFile;
  let policyAddress: string | undefined;
  if (policy.name !== "striped") {
    const burn = resolveParameter(file, MODULE_IDS[family].proverRewards, "proverBurnBps");
    policyAddress = await deployPolicy(
      connection,
      policy.name,
      { ...policy, feeBurnBps: policy.feeBurnBps ?? BigInt(String(burn).slice(0, -1)) },
      { defaultSender: sender, deploymentId: options.deploymentId },
    );
    parameters = ignitionParameters(file);
    const lifecycleId = MODULE_IDS[family].blockLifecycle;
    parameters[lifecycleId] = { ...parameters[lifecycleId], policy: policyAddress };
  }
  const deployOptions = {
    parameters,
    defaultSender: sender,
    displayUi: options.displayUi ?? false,
    // Ignition's default is chain-<id>: one deployment per chain, which the tasks read.
    deploymentId: options.deploymentId,
  };
  const moduleId = family === "test" ? TestProverSystemModule.id : ProverSystemModule.id;
  const deployed =
    family === "test"
      ? await connection.ignition.deploy(TestProverSystemModule, deployOptions)
      : await connection.ignition.deploy(ProverSystemModule, deployOptions);
  const addresses: Record<string, string> = {};
  for (const [name, contract] of Object.entries(deployed)) {
    addresses[name] = await (contract as { getAddress(): Promise<string> }).getAddress();
  }
  if (policyAddress !== undefined) addresses.policy = policyAddress;
  return {
    family,
    moduleId,
    policy: policy.name,
    chainId,
    addresses,
    fromBlock,
    block: await connection.ethers.provider.getBlockNumber(),
  };
}

/**
 * The file's module sections as Ignition reads them from a file (`"32n"` strings become bigints),
 * without the AssignmentPolicy section, which no module reads.
 */
export function ignitionParameters(file: ParametersFile): DeploymentParameters {
  const out: DeploymentParameters = {};
  for (const [section, values] of Object.entries(file)) {
    if (section === POLICY_SECTION) continue;
    out[section] = Object.fromEntries(
      Object.entries(values).map(([key, value]) => [
        key,
        typeof value === "string" && /^\d+n$/.test(value) ? BigInt(value.slice(0, -1)) : value,
      ]),
    );
  }
  return out;
}

/**
 * Removes a local node's deployment record whose contracts are not on the chain any more: a
 * restarted `hardhat node` starts empty under the same chain id 31337, and Ignition would
 * otherwise take the old journal as done and deploy nothing. (Ignition's own CLI does the same by
 * comparing the node's instance id.)
 */
async function clearStaleJournal(deploymentDir: string, provider: Provider): Promise<void> {
  let recorded: Record<string, string>;
  try {
    const file = path.join(deploymentDir, "deployed_addresses.json");
    recorded = JSON.parse(await readFile(file, "utf8")) as Record<string, string>;
  } catch {
    return;
  }
  for (const address of Object.values(recorded)) {
    if ((await provider.getCode(address)) === "0x") {
      await rm(deploymentDir, { recursive: true, force: true });
      return;
    }
  }
}
