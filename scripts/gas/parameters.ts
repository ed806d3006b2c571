/**
 * The protocol parameters the gas measurements deploy with: those of the local network, read from
 * `deploy/parameters/local.json` (one source for the Ignition deployment and the gas report).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import type { ElectionParams } from "../../src/protocol/election.js";

type Section = Record<string, string>;

const file = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "deploy",
  "parameters",
  "local.json",
);
const sections = JSON.parse(readFileSync(file, "utf8")) as Record<string, Section>;

/** Ignition writes bigints as "123n". */
function big(section: Section, key: string): bigint {
  const value = section[key];
  if (value === undefined) throw new Error(`local.json lacks ${key}`);
  return BigInt(value.replace(/n$/, ""));
}

const stake = sections.TestStakeTable;
const network = sections.TestProverNetwork;

/** StakeTable constructor fields other than the token and the roles. */
export const LOCAL_STAKE_PARAMS = {
  minimumStake: big(stake, "minimumStake"),
  epochLength: big(stake, "epochLength"),
  activationLag: big(stake, "activationLag"),
  lookahead: big(stake, "lookahead"),
  seedLookback: big(stake, "seedLookback"),
  exitDelay: big(stake, "exitDelay"),
  proofWindow: big(stake, "proofWindow"),
  slashingWindow: big(stake, "slashingWindow"),
  slashSink: stake.slashSink,
};

/** CommitteeElection reveal window, in L1 blocks. */
export const LOCAL_REVEAL_WINDOW = big(network, "revealWindow");

/** CommitteeElection initial parameters. */
export const LOCAL_ELECTION_PARAMS: ElectionParams = {
  committeeSize: Number(big(network, "committeeSize")),
  oversamplingBps: Number(big(network, "oversamplingBps")),
  treeCount: Number(big(network, "treeCount")),
  leafCount: Number(big(network, "leafCount")),
};

const lifecycle = sections.TestBlockLifecycle as Record<string, string | boolean>;

/** BlockLifecycle constructor fields other than the election and the verifier. */
export const LOCAL_LIFECYCLE_PARAMS = {
  slotLength: big(lifecycle as Section, "slotLength"),
  proposalPhase: big(lifecycle as Section, "proposalPhase"),
  dataTimeout: big(lifecycle as Section, "dataTimeout"),
  faultToleranceBps: big(lifecycle as Section, "faultToleranceBps"),
  feeSplitScoring: lifecycle.feeSplitScoring === true,
  policy: String(lifecycle.policy ?? "0x0000000000000000000000000000000000000000"),
};

const rewards = sections.TestProverRewards as Record<string, string | boolean>;

/** ProverRewards constructor fields other than the lifecycle and the token. */
export const LOCAL_REWARDS_PARAMS = {
  blockReward: big(rewards as Section, "blockReward"),
  sequencerBps: big(rewards as Section, "sequencerBps"),
  proverBps: big(rewards as Section, "proverBps"),
  submitterBps: big(rewards as Section, "submitterBps"),
  proverBurnBps: big(rewards as Section, "proverBurnBps"),
  burnUnprovenShare: rewards.burnUnprovenShare === true,
  inactivityThreshold: big(rewards as Section, "inactivityThreshold"),
  inactivitySlash: big(rewards as Section, "inactivitySlash"),
};

/** What the local deployment funds the reward pool with. */
export const LOCAL_INITIAL_POOL = big(sections.TestProverSystem, "initialPool");

const slasher = sections.TestInvalidWorkSlasher;

/** InvalidWorkSlasher constructor fields other than the lifecycle. */
export const LOCAL_SLASHER_PARAMS = {
  slashAmount: big(slasher, "slashAmount"),
  reporterBps: big(slasher, "reporterBps"),
};
