/**
 * The parameters-file validator (src/protocol/parameters.ts) against the files in
 * deploy/parameters/ and against the contracts themselves.
 *
 * - Files: local.json is clean; sepolia.json reports exactly its four placeholder role addresses;
 *   with them set it is clean.
 * - Structure and types: missing keys with Ignition's `$global` fallback, unknown keys and
 *   sections, every value type and ABI width.
 * - Every check at its boundary: one key of local.json broken (value − 1 / value / value + 1,
 *   zero, the type's maximum); the validator names that key and reports nothing else.
 * - Differential: for every check a contract makes, the constructor (or `ProverRewards.fund`)
 *   reverts with the error the validator names, and the boundary value that validates deploys.
 *   Then random mutations of local.json's integers (fast-check, seeded): the validator reports a constructor
 *   check iff the chain TestStakeToken → StakeTable → CommitteeElection → BlockLifecycle →
 *   ProverRewards → InvalidWorkSlasher → fund fails, at the first failing step, with an error it
 *   named for that step. Validator-only constraints are left out of that equivalence and tested
 *   in the boundary table.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { BaseContract, ContractFactory, Interface } from "ethers";
import { network } from "hardhat";
import path from "node:path";
import { fileURLToPath } from "node:url";

import {
  assertValidParameters,
  familyOf,
  formatIssues,
  ParametersError,
  type ParameterIssue,
  type ParametersFile,
  readParametersFile,
  resolveParameter,
  UINT256_MAX,
  validateParameters,
  ZERO_ADDRESS,
  POLICY_SECTION,
  policyParametersOf,
} from "../src/protocol/parameters.js";
import type {
  BlockLifecycle,
  CommitteeElection,
  InvalidWorkSlasher,
  ProverRewards,
  StakeTable,
  StandInProofVerifier,
  TestStakeToken,
} from "../typechain-types/index.js";
import { draws, type Draws } from "./helpers/draws.js";

const { ethers } = await network.create();
const here = path.dirname(fileURLToPath(import.meta.url));
const parametersDir = path.join(here, "..", "deploy", "parameters");
const local = await readParametersFile(path.join(parametersDir, "local.json"));
const sepolia = await readParametersFile(path.join(parametersDir, "sepolia.json"));

const MAX = UINT256_MAX;
const DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const OTHER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ROLES = ["admin", "slasher", "tokenOwner", "governor"];

type Written = string | boolean | number;
type Raw = bigint | Written;

/** A written value: bigints become Ignition's "123n" strings. */
function written(value: Raw): Written {
  return typeof value === "bigint" ? `${value}n` : value;
}

/** A copy of `file` with `changes` applied, section by section. */
function edit(
  file: ParametersFile,
  changes: Record<string, Record<string, Raw | undefined>>,
): ParametersFile {
  const copy = structuredClone(file);
  for (const [section, values] of Object.entries(changes)) {
    copy[section] ??= {};
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete copy[section][key];
      else copy[section][key] = written(value);
    }
  }
  return copy;
}

/** Whether an issue is about `key`: its own key or one of the constraint's other parameters. */
function about(issue: ParameterIssue, key: string): boolean {
  return issue.key === key || (issue.related ?? []).includes(key);
}

function describeIssues(issues: ParameterIssue[]): string {
  return issues.length === 0 ? "no issues" : formatIssues(issues);
}

// ---------------------------------------------------------------------------------------------
// Deploying the constructors directly, in the order of TestProverSystem.
// ---------------------------------------------------------------------------------------------

/** The steps of a Test-family deployment that can revert, in order. */
const STEPS = [
  "TestStakeToken",
  "StakeTable",
  "CommitteeElection",
  "BlockLifecycle",
  "ProverRewards",
  "InvalidWorkSlasher",
  "ProverRewards.fund",
] as const;
type Step = (typeof STEPS)[number];

/** The step an issue's `enforcedBy` names. */
function stepOf(issue: ParameterIssue): Step | undefined {
  const by = issue.enforcedBy;
  if (by === undefined) return undefined;
  const step = by.call === undefined ? by.contract : `${by.contract}.${by.call}`;
  const found = STEPS.find((s) => s === step);
  if (found === undefined) throw new Error(`unknown step ${step}`);
  return found;
}

interface Deployed {
  token?: TestStakeToken;
  table?: StakeTable;
  election?: CommitteeElection;
  verifier?: StandInProofVerifier;
  lifecycle?: BlockLifecycle;
  rewards?: ProverRewards;
  slasher?: InvalidWorkSlasher;
}

/** One step started: the pending transaction and the ABI that decodes its errors. */
interface Attempt {
  promise: Promise<unknown>;
  errors: ContractFactory | BaseContract;
  iface: Interface;
}

function value(file: ParametersFile, id: string, key: string): Written {
  const v = resolveParameter(file, id, key);
  if (v === undefined) throw new Error(`${id}.${key} is missing`);
  return v;
}
function int(file: ParametersFile, id: string, key: string): bigint {
  return BigInt(String(value(file, id, key)).replace(/n$/, ""));
}
function str(file: ParametersFile, id: string, key: string): string {
  return String(value(file, id, key));
}
function flag(file: ParametersFile, id: string, key: string): boolean {
  return value(file, id, key) === true;
}

/** Starts `step` with the file's values; the steps before it must have been run. */
async function start(step: Step, file: ParametersFile, d: Deployed): Promise<Attempt> {
  const st = "TestStakeTable";
  switch (step) {
    case "TestStakeToken": {
      const f = await ethers.getContractFactory("TestStakeToken");
      const promise = f
        .deploy(
          str(file, st, "tokenName"),
          str(file, st, "tokenSymbol"),
          str(file, st, "tokenOwner"),
        )
        .then(async (c) => {
          d.token = await c.waitForDeployment();
        });
      return { promise, errors: f, iface: f.interface };
    }
    case "StakeTable": {
      const f = await ethers.getContractFactory("StakeTable");
      const promise = f
        .deploy({
          stakeToken: await d.token!.getAddress(),
          minimumStake: int(file, st, "minimumStake"),
          epochLength: int(file, st, "epochLength"),
          activationLag: int(file, st, "activationLag"),
          lookahead: int(file, st, "lookahead"),
          seedLookback: int(file, st, "seedLookback"),
          exitDelay: int(file, st, "exitDelay"),
          proofWindow: int(file, st, "proofWindow"),
          slashingWindow: int(file, st, "slashingWindow"),
          slashSink: str(file, st, "slashSink"),
          admin: str(file, st, "admin"),
          slasher: str(file, st, "slasher"),
        })
        .then(async (c) => {
          d.table = await c.waitForDeployment();
        });
      return { promise, errors: f, iface: f.interface };
    }
    case "CommitteeElection": {
      const pn = "TestProverNetwork";
      const f = await ethers.getContractFactory("CommitteeElection");
      const promise = f
        .deploy({
          stakeTable: await d.table!.getAddress(),
          revealWindow: int(file, pn, "revealWindow"),
          initialParams: {
            committeeSize: int(file, pn, "committeeSize"),
            oversamplingBps: int(file, pn, "oversamplingBps"),
            treeCount: int(file, pn, "treeCount"),
            leafCount: int(file, pn, "leafCount"),
          },
          admin: str(file, pn, "admin"),
          governor: str(file, pn, "governor"),
        })
        .then(async (c) => {
          d.election = await c.waitForDeployment();
        });
      return { promise, errors: f, iface: f.interface };
    }
    case "BlockLifecycle": {
      const bl = "TestBlockLifecycle";
      d.verifier ??= await ethers.deployContract("StandInProofVerifier");
      const f = await ethers.getContractFactory("BlockLifecycle");
      const promise = f
        .deploy({
          election: await d.election!.getAddress(),
          verifier: await d.verifier.getAddress(),
          slotLength: int(file, bl, "slotLength"),
          proposalPhase: int(file, bl, "proposalPhase"),
          dataTimeout: int(file, bl, "dataTimeout"),
          faultToleranceBps: int(file, bl, "faultToleranceBps"),
          feeSplitScoring: flag(file, bl, "feeSplitScoring"),
          policy: str(file, bl, "policy"),
        })
        .then(async (c) => {
          d.lifecycle = await c.waitForDeployment();
        });
      return { promise, errors: f, iface: f.interface };
    }
    case "ProverRewards": {
      const pr = "TestProverRewards";
      const f = await ethers.getContractFactory("ProverRewards");
      const promise = f
        .deploy({
          lifecycle: await d.lifecycle!.getAddress(),
          rewardToken: await d.token!.getAddress(),
          burnUnprovenShare: flag(file, pr, "burnUnprovenShare"),
          blockReward: int(file, pr, "blockReward"),
          sequencerBps: int(file, pr, "sequencerBps"),
          proverBps: int(file, pr, "proverBps"),
          submitterBps: int(file, pr, "submitterBps"),
          proverBurnBps: int(file, pr, "proverBurnBps"),
          inactivityThreshold: int(file, pr, "inactivityThreshold"),
          inactivitySlash: int(file, pr, "inactivitySlash"),
        })
        .then(async (c) => {
          d.rewards = await c.waitForDeployment();
        });
      return { promise, errors: f, iface: f.interface };
    }
    case "InvalidWorkSlasher": {
      const iws = "TestInvalidWorkSlasher";
      const f = await ethers.getContractFactory("InvalidWorkSlasher");
      const promise = f
        .deploy({
          lifecycle: await d.lifecycle!.getAddress(),
          slashAmount: int(file, iws, "slashAmount"),
          reporterBps: int(file, iws, "reporterBps"),
        })
        .then(async (c) => {
          d.slasher = await c.waitForDeployment();
        });
      return { promise, errors: f, iface: f.interface };
    }
    case "ProverRewards.fund": {
      // TestProverSystem: the token's owner mints the pool to itself, approves and funds.
      const pool = int(file, "TestProverSystem", "initialPool");
      const rewards = d.rewards!;
      await (await d.token!.mint(DEPLOYER, pool)).wait();
      await (await d.token!.approve(await rewards.getAddress(), pool)).wait();
      const promise = rewards.fund(pool).then((tx) => tx.wait());
      return { promise, errors: rewards, iface: rewards.interface };
    }
  }
}

/** Runs the steps before `step` (they must succeed) and starts `step`. */
async function attempt(step: Step, file: ParametersFile): Promise<Attempt> {
  const d: Deployed = {};
  for (const s of STEPS) {
    const started = await start(s, file, d);
    if (s === step) return started;
    await started.promise;
  }
  throw new Error(`no step ${step}`);
}

/** The error name a failed step reverted with (`Panic(0x11)` for panics). */
function revertName(error: unknown, iface: Interface): string {
  const data = (error as { data?: unknown }).data;
  if (typeof data !== "string" || data.length < 10) throw error;
  if (data.startsWith("0x4e487b71"))
    return `Panic(0x${BigInt("0x" + data.slice(10)).toString(16)})`;
  const parsed = iface.parseError(data);
  if (parsed === null) throw error;
  return parsed.name;
}

/** Runs every step; returns the first failing step and its error, or nothing. */
async function deployAll(file: ParametersFile): Promise<{ step: Step; error: string } | undefined> {
  const d: Deployed = {};
  for (const step of STEPS) {
    const started = await start(step, file, d);
    try {
      await started.promise;
    } catch (error) {
      return { step, error: revertName(error, started.iface) };
    }
  }
  return undefined;
}

async function expectRevert(a: Attempt, error: string): Promise<void> {
  const panic = /^Panic\((0x[0-9a-f]+)\)$/.exec(error);
  if (panic !== null) await expect(a.promise).to.be.revertedWithPanic(BigInt(panic[1]));
  else await expect(a.promise).to.be.revertedWithCustomError(a.errors, error);
}

// ---------------------------------------------------------------------------------------------
// Every check at its boundary.
// ---------------------------------------------------------------------------------------------

interface Check {
  /** The check, in the words of docs/parameters.md. */
  name: string;
  section: string;
  key: string;
  /** Valid changes made first, so that one value can cross this check's boundary alone. */
  base?: Record<string, Record<string, Raw>>;
  /** Values the check rejects. */
  bad: Raw[];
  /** Values on the accepted side of the boundary: the whole file validates and deploys. */
  good: Raw[];
  /** The contract step and error that reject the bad values; none for validator-only checks. */
  enforced?: { step: Step; error: string };
}

const ST = "TestStakeTable";
const PN = "TestProverNetwork";
const BL = "TestBlockLifecycle";
const PR = "TestProverRewards";
const IWS = "TestInvalidWorkSlasher";
const PS = "TestProverSystem";
const G = "$global";
const AP = POLICY_SECTION;

/** A check: `enforced` is `[step, error]`; `base` holds valid changes made first. */
function check(
  name: string,
  [section, key]: [string, string],
  bad: Raw[],
  good: Raw[],
  enforced?: [Step, string],
  base?: Record<string, Record<string, Raw>>,
): Check {
  return {
    name,
    section,
    key,
    bad,
    good,
    ...(enforced === undefined ? {} : { enforced: { step: enforced[0], error: enforced[1] } }),
    ...(base === undefined ? {} : { base }),
  };
}

const PANIC = "Panic(0x11)";

// prettier-ignore
const CHECKS: Check[] = [
  // StakeTable (with EpochClock and RandaoBeacon), in constructor order
  check("epochLength ≥ 1", [ST, "epochLength"], [0n], [16n, 64n], ["StakeTable", "EpochLengthZero"]),
  check("lookahead ≥ 2", [ST, "lookahead"], [0n, 1n], [2n], ["StakeTable", "LookaheadTooShort"]),
  check("seedLookback ≥ 1", [ST, "seedLookback"], [0n], [1n], ["StakeTable", "SeedLookbackZero"]),
  check("slashSink ≠ 0", [ST, "slashSink"], [ZERO_ADDRESS], [OTHER], ["StakeTable", "ZeroAddress"]),
  check("admin ≠ 0 (stake table, from $global)", [G, "admin"], [ZERO_ADDRESS], [DEPLOYER], ["StakeTable", "ZeroAddress"]),
  check("admin ≠ 0 (stake table's own section)", [ST, "admin"], [ZERO_ADDRESS], [DEPLOYER], ["StakeTable", "ZeroAddress"]),
  check("minimumStake ≥ 1", [ST, "minimumStake"], [0n], [1n], ["StakeTable", "MinimumStakeZero"]),
  check("activationLag > lookahead (activationLag)", [ST, "activationLag"], [0n, 2n], [3n, 4n], ["StakeTable", "ActivationLagTooShort"]),
  check("activationLag > lookahead (lookahead)", [ST, "lookahead"], [3n, 4n], [2n], ["StakeTable", "ActivationLagTooShort"]),
  check("proofWindow + slashingWindow fits uint256", [ST, "proofWindow"], [MAX - 31n, MAX], [64n], ["StakeTable", PANIC], { [ST]: { exitDelay: MAX } }),
  check("exitDelay ≥ proofWindow + slashingWindow (exitDelay)", [ST, "exitDelay"], [0n, 95n], [96n, 97n], ["StakeTable", "ExitDelayTooShort"]),
  check("exitDelay ≥ proofWindow + slashingWindow (proofWindow)", [ST, "proofWindow"], [65n], [64n, 63n], ["StakeTable", "ExitDelayTooShort"]),
  check("exitDelay ≥ proofWindow + slashingWindow (slashingWindow)", [ST, "slashingWindow"], [33n], [32n, 31n], ["StakeTable", "ExitDelayTooShort"]),
  // TestStakeToken (OpenZeppelin Ownable)
  check("tokenOwner ≠ 0", [G, "tokenOwner"], [ZERO_ADDRESS], [DEPLOYER], ["TestStakeToken", "OwnableInvalidOwner"]),
  // Validator only
  check("activationLag ≤ 2^48 − 1 (validator only)", [ST, "activationLag"], [1n << 48n, MAX], [(1n << 48n) - 1n]),
  check("slashingWindow ≥ 1 (validator only)", [ST, "slashingWindow"], [0n], [1n]),
  check("slasher ≠ 0 (validator only)", [G, "slasher"], [ZERO_ADDRESS], [OTHER]),
  check("governor ≠ 0 (validator only)", [PN, "governor"], [ZERO_ADDRESS], [OTHER]),
  check("tokenOwner = the stake table's admin (validator only)", [G, "tokenOwner"], [OTHER], [DEPLOYER]),
  check("tokenOwner = the stake table's admin, admin side (validator only)", [ST, "admin"], [OTHER], [DEPLOYER]),
  // CommitteeElection (with TreeAssignment.checkShape), in constructor order
  check("admin ≠ 0 (election's own section)", [PN, "admin"], [ZERO_ADDRESS], [OTHER], ["CommitteeElection", "ZeroAddress"]),
  check("1 ≤ revealWindow ≤ epochLength", [PN, "revealWindow"], [0n, 33n], [1n, 32n], ["CommitteeElection", "InvalidRevealWindow"]),
  check("revealWindow ≤ epochLength (epochLength)", [ST, "epochLength"], [8n, 12n], [16n], ["CommitteeElection", "InvalidRevealWindow"]),
  check("1 ≤ committeeSize ≤ 256", [PN, "committeeSize"], [0n, 257n, 65_535n], [3n, 256n], ["CommitteeElection", "InvalidCommitteeSize"]),
  check("10000 ≤ oversamplingBps ≤ 1000000", [PN, "oversamplingBps"], [0n, 9_999n, 1_000_001n, (1n << 32n) - 1n], [10_000n, 1_000_000n], ["CommitteeElection", "InvalidOversampling"]),
  check("1 ≤ treeCount ≤ 16", [PN, "treeCount"], [0n, 17n, 255n], [1n, 16n], ["CommitteeElection", "InvalidTreeCount"]),
  check("treeCount ≤ committeeSize (committeeSize)", [PN, "committeeSize"], [1n, 2n], [3n], ["CommitteeElection", "InvalidTreeCount"]),
  check("leafCount a power of two in 1 … 65536", [PN, "leafCount"], [0n, 3n, 15n, 17n, 65_535n, 131_072n, (1n << 32n) - 1n], [1n, 2n, 64n], ["CommitteeElection", "InvalidLeafCount"]),
  // c = 3: 3 · (2 · 64 − 1) = 381 ≤ 512 < 3 · (2 · 128 − 1) = 765.
  check("treeCount · (2 · leafCount − 1) ≤ MAX_TREE_NODES (512)", [PN, "leafCount"], [128n, 65_536n], [64n], ["CommitteeElection", "TooManyTreeNodes"]),
  check("treeCount · (2 · leafCount − 1) ≤ MAX_TREE_NODES (treeCount)", [PN, "treeCount"], [16n], [8n], ["CommitteeElection", "TooManyTreeNodes"], { [PN]: { leafCount: 32n } }),
  // BlockLifecycle, in constructor order
  check("slotLength ≥ 1 and divides epochLength", [BL, "slotLength"], [0n, 3n, 5n, 64n], [2n, 8n, 32n], ["BlockLifecycle", "InvalidSlotLength"]),
  check("slotLength divides epochLength (epochLength)", [ST, "epochLength"], [30n, 34n], [36n], ["BlockLifecycle", "InvalidSlotLength"]),
  check("1 ≤ proposalPhase ≤ slotLength", [BL, "proposalPhase"], [0n, 5n], [1n, 4n], ["BlockLifecycle", "InvalidProposalPhase"]),
  check("proposalPhase ≤ slotLength (slotLength)", [BL, "slotLength"], [1n, 2n], [4n], ["BlockLifecycle", "InvalidProposalPhase"], { [BL]: { proposalPhase: 4n } }),
  check("1 ≤ dataTimeout < proofWindow", [BL, "dataTimeout"], [0n, 64n, 65n], [1n, 63n], ["BlockLifecycle", "InvalidDataTimeout"]),
  check("dataTimeout < proofWindow (proofWindow)", [ST, "proofWindow"], [3n, 4n], [5n], ["BlockLifecycle", "InvalidDataTimeout"]),
  check("faultToleranceBps < 10000", [BL, "faultToleranceBps"], [10_000n, MAX], [0n, 9_999n], ["BlockLifecycle", "InvalidFaultTolerance"]),
  check("proposalPhase + proofWindow fits uint256", [ST, "proofWindow"], [MAX - 1n], [1_021n], ["BlockLifecycle", PANIC], { [ST]: { exitDelay: MAX, slashingWindow: 1n } }),
  check("(proposalPhase + proofWindow) / slotLength + 2 fits uint256", [ST, "proofWindow"], [MAX - 2n, MAX - 1n], [254n], ["BlockLifecycle", PANIC], { [ST]: { exitDelay: MAX, slashingWindow: 1n }, [BL]: { slotLength: 1n, proposalPhase: 1n } }),
  // Accepted slot lengths keep epochLength / slotLength within MAX_SLOTS_PER_EPOCH (257, 771).
  check("256 · slotLength fits uint256", [BL, "slotLength"], [MAX / 3n, MAX / 5n], [MAX / 257n, MAX / 771n], ["BlockLifecycle", PANIC], { [ST]: { epochLength: MAX }, [BL]: { slotLength: MAX / 257n } }),
  check("epochLength / slotLength ≤ MAX_SLOTS_PER_EPOCH (1024)", [BL, "slotLength"], [1n], [2n, 4n], ["BlockLifecycle", "TooManySlotsPerEpoch"], { [ST]: { epochLength: 2_048n }, [BL]: { slotLength: 2n, proposalPhase: 1n } }),
  check("256 · slotLength > proposalPhase + proofWindow (proofWindow)", [ST, "proofWindow"], [1_022n, 1_023n], [1_021n], ["BlockLifecycle", "HistoryTooShort"], { [ST]: { exitDelay: 2_000n } }),
  check("256 · slotLength > proposalPhase + proofWindow (proposalPhase)", [BL, "proposalPhase"], [3n, 4n], [2n], ["BlockLifecycle", "HistoryTooShort"], { [ST]: { exitDelay: 2_000n, proofWindow: 1_021n } }),
  check("256 · slotLength > proposalPhase + proofWindow (slotLength)", [BL, "slotLength"], [2n], [4n, 8n], ["BlockLifecycle", "HistoryTooShort"], { [ST]: { exitDelay: 2_000n, proofWindow: 1_021n } }),
  // ProverRewards, in constructor order
  check("sequencerBps + proverBps + submitterBps fits uint256", [PR, "sequencerBps"], [MAX - 6_999n, MAX], [], ["ProverRewards", PANIC]),
  check("sequencerBps + proverBps + submitterBps = 10000 (sequencerBps)", [PR, "sequencerBps"], [0n, 1_999n, 2_001n], [2_000n], ["ProverRewards", "InvalidShares"]),
  check("sequencerBps + proverBps + submitterBps = 10000 (proverBps)", [PR, "proverBps"], [6_999n, 7_001n, 10_000n], [7_000n], ["ProverRewards", "InvalidShares"]),
  check("sequencerBps + proverBps + submitterBps = 10000 (submitterBps)", [PR, "submitterBps"], [0n, 9_999n, 10_001n], [10_000n], ["ProverRewards", "InvalidShares"], { [PR]: { sequencerBps: 0n, proverBps: 0n, submitterBps: 10_000n } }),
  check("proverBurnBps ≤ 10000", [PR, "proverBurnBps"], [10_001n, MAX], [0n, 10_000n], ["ProverRewards", "InvalidBurnShare"]),
  check("inactivityThreshold = 0 ⇔ inactivitySlash = 0 (threshold off)", [PR, "inactivityThreshold"], [0n], [1n, MAX], ["ProverRewards", "InvalidInactivitySlash"]),
  check("inactivityThreshold = 0 ⇔ inactivitySlash = 0 (slash off)", [PR, "inactivitySlash"], [0n], [1n, MAX], ["ProverRewards", "InvalidInactivitySlash"]),
  check("inactivityThreshold = 0 ⇔ inactivitySlash = 0 (both off, slash on)", [PR, "inactivitySlash"], [1n], [0n], ["ProverRewards", "InvalidInactivitySlash"], { [PR]: { inactivityThreshold: 0n, inactivitySlash: 0n } }),
  check("inactivityThreshold = 0 ⇔ inactivitySlash = 0 (both off, threshold on)", [PR, "inactivityThreshold"], [1n], [0n], ["ProverRewards", "InvalidInactivitySlash"], { [PR]: { inactivityThreshold: 0n, inactivitySlash: 0n } }),
  // InvalidWorkSlasher
  check("slashAmount ≥ 1", [IWS, "slashAmount"], [0n], [1n], ["InvalidWorkSlasher", "ZeroSlashAmount"]),
  check("reporterBps ≤ 10000", [IWS, "reporterBps"], [10_001n, MAX], [0n, 10_000n], ["InvalidWorkSlasher", "InvalidReporterBps"]),
  // TestProverSystem: ProverRewards.fund seeds the pool
  check("initialPool ≥ 1", [PS, "initialPool"], [0n], [1n], ["ProverRewards.fund", "ZeroAmount"]),
];

describe("Parameters: the files in deploy/parameters", function () {
  it("local.json validates clean (Test family)", function () {
    expect(familyOf(local)).to.equal("test");
    expect(validateParameters(local), describeIssues(validateParameters(local))).to.deep.equal([]);
    expect(() => assertValidParameters(local)).to.not.throw();
  });

  it("sepolia.json reports exactly its four placeholder role addresses, each telling to set the deployer", function () {
    expect(familyOf(sepolia)).to.equal("test");
    const issues = validateParameters(sepolia);
    expect(issues.map((i) => `${i.module}.${i.key}`).sort()).to.deep.equal(
      ROLES.map((k) => `$global.${k}`).sort(),
    );
    for (const issue of issues)
      expect(issue.message).to.include("set it to your deployer's address");
    expect(() => assertValidParameters(sepolia))
      .to.throw(ParametersError)
      .with.property("issues")
      .that.has.length(4);
  });

  it("sepolia.json with the placeholders set to the deployer validates clean and deploys", async function () {
    const ready = edit(sepolia, { [G]: Object.fromEntries(ROLES.map((k) => [k, DEPLOYER])) });
    expect(validateParameters(ready), describeIssues(validateParameters(ready))).to.deep.equal([]);
    expect(await deployAll(ready)).to.equal(undefined);
  });

  it("sepolia.json has the same sections and keys as local.json", function () {
    const keys = (f: ParametersFile) =>
      Object.entries(f).map(([section, values]) => [section, Object.keys(values).sort()]);
    expect(keys(sepolia)).to.deep.equal(keys(local));
  });

  it("the production family (ProverSystem over an existing token) validates too", function () {
    const rename = (section: string, omit: string[] = []) =>
      Object.fromEntries(Object.entries(local[section]).filter(([k]) => !omit.includes(k)));
    const production: ParametersFile = {
      $global: { admin: DEPLOYER, slasher: DEPLOYER, governor: DEPLOYER },
      StakeTable: { ...rename(ST, ["tokenName", "tokenSymbol"]), stakeToken: OTHER },
      ProverNetwork: rename(PN),
      BlockLifecycle: rename(BL),
      ProverRewards: rename(PR),
      InvalidWorkSlasher: rename(IWS),
      ProverSystem: rename(PS),
    };
    expect(familyOf(production)).to.equal("production");
    expect(
      validateParameters(production),
      describeIssues(validateParameters(production)),
    ).to.deep.equal([]);
    const zero = validateParameters(edit(production, { StakeTable: { stakeToken: ZERO_ADDRESS } }));
    expect(zero.map((i) => [i.module, i.key, i.enforcedBy])).to.deep.equal([
      ["StakeTable", "stakeToken", { contract: "StakeTable", error: "ZeroAddress" }],
    ]);
    // The Test family's token keys are typos here, and tokenOwner is not read by any module.
    const mixed = validateParameters(
      edit(production, { StakeTable: { tokenName: "x" }, [G]: { tokenOwner: DEPLOYER } }),
    );
    expect(mixed.map((i) => `${i.module}.${i.key}`).sort()).to.deep.equal([
      "$global.tokenOwner",
      "StakeTable.tokenName",
    ]);
  });
});

describe("Parameters: structure and types", function () {
  it("a missing key falls back to $global exactly as Ignition resolves it", function () {
    const missing = validateParameters(edit(local, { [ST]: { epochLength: undefined } }));
    expect(missing.map((i) => [i.module, i.key])).to.deep.equal([[ST, "epochLength"]]);
    expect(missing[0].message).to.match(/^missing/);
    // In $global only: used.
    const global = edit(local, { [ST]: { epochLength: undefined }, [G]: { epochLength: 32n } });
    expect(validateParameters(global)).to.deep.equal([]);
    expect(resolveParameter(global, ST, "epochLength")).to.equal("32n");
    // The module's own section wins over $global: a broken $global value it overrides is unused.
    const overridden = edit(local, { [G]: { epochLength: 0n } });
    expect(resolveParameter(overridden, ST, "epochLength")).to.equal("32n");
    expect(validateParameters(overridden)).to.deep.equal([]);
    // A broken $global value that a module does read is reported where it is written.
    const used = validateParameters(edit(global, { [G]: { epochLength: 0n } }));
    expect(
      used.filter((i) => i.key === "epochLength").map((i) => [i.module, i.enforcedBy?.error]),
    ).to.deep.equal([[G, "EpochLengthZero"]]);
    // A role address set in a module's section overrides $global for that module only.
    const split = validateParameters(edit(local, { [PN]: { admin: ZERO_ADDRESS } }));
    expect(split.map((i) => [i.module, i.key, i.enforcedBy?.contract])).to.deep.equal([
      [PN, "admin", "CommitteeElection"],
    ]);
  });

  it("every key of local.json is required: removing any one reports it missing, and only it", function () {
    let removed = 0;
    for (const [section, values] of Object.entries(local)) {
      for (const key of Object.keys(values)) {
        // The striped policy reads none of the other policies' keys (see the policy tests).
        if (section === AP && key !== "name") continue;
        const issues = validateParameters(edit(local, { [section]: { [key]: undefined } }));
        const label = `${section}.${key}:\n${describeIssues(issues)}`;
        expect(issues, label).to.not.be.empty;
        expect(
          issues.every((i) => i.key === key && i.message.startsWith("missing")),
          label,
        ).to.equal(true);
        // A $global role is missing for every module that reads it.
        const readers =
          section === G
            ? key === "admin"
              ? [ST, PN]
              : key === "governor"
                ? [PN]
                : [ST]
            : [section];
        expect(issues.map((i) => i.module).sort(), label).to.deep.equal(readers.sort());
        removed++;
      }
    }
    expect(removed).to.equal(38);
  });

  it("reports unknown keys (with the key meant or the module that reads them) and unknown sections", function () {
    const typo = validateParameters(
      edit(local, { [ST]: { epochLength: undefined, epochLenght: 32n } }),
    );
    expect(typo.map((i) => [i.module, i.key]).sort()).to.deep.equal([
      [ST, "epochLenght"],
      [ST, "epochLength"],
    ]);
    expect(typo.find((i) => i.key === "epochLenght")!.message).to.include(
      'did you mean "epochLength"',
    );
    const misplaced = validateParameters(edit(local, { [ST]: { revealWindow: 16n } }));
    expect(misplaced.map((i) => [i.module, i.key])).to.deep.equal([[ST, "revealWindow"]]);
    expect(misplaced[0].message).to.include(`belongs in ${PN}`);
    const global = validateParameters(edit(local, { [G]: { admn: DEPLOYER } }));
    expect(global.map((i) => [i.module, i.key])).to.deep.equal([[G, "admn"]]);
    expect(global[0].message).to.include('did you mean "admin"');
    const section = validateParameters(edit(local, { TestProverNetwrk: { revealWindow: 16n } }));
    expect(section.map((i) => [i.module, i.key])).to.deep.equal([["TestProverNetwrk", ""]]);
    expect(section[0].message).to.include(`did you mean "${PN}"`);
  });

  it("the family is told by the module ids present; neither or both is an error", function () {
    expect(() => familyOf({ $global: {} })).to.throw(/no section of a known module/);
    const both = { ...local, StakeTable: {} };
    expect(() => familyOf(both)).to.throw(/mixes both module families/);
    expect(validateParameters(both).map((i) => i.message)).to.have.length(1);
    expect(validateParameters({}).map((i) => i.message)[0]).to.match(
      /no section of a known module/,
    );
  });

  const types: Array<[string, string, Written, RegExp]> = [
    [ST, "epochLength", 32, /string ending in n, e\.g\. "32n" \(got the JSON number 32\)/],
    [ST, "epochLength", "32", /non-negative integer written as a string ending in n/],
    [ST, "epochLength", "-1n", /non-negative integer/],
    [ST, "epochLength", "0x20n", /non-negative integer/],
    [ST, "epochLength", true, /non-negative integer/],
    [ST, "epochLength", `${1n << 256n}n`, /does not fit the constructor's uint256/],
    [PN, "committeeSize", "65536n", /does not fit the constructor's uint16/],
    [PN, "oversamplingBps", `${1n << 32n}n`, /does not fit the constructor's uint32/],
    [PN, "treeCount", "256n", /does not fit the constructor's uint8/],
    [PN, "leafCount", `${1n << 32n}n`, /does not fit the constructor's uint32/],
    [BL, "feeSplitScoring", "false", /JSON boolean/],
    [PR, "burnUnprovenShare", 0, /JSON boolean/],
    [ST, "slashSink", "0xdead", /0x followed by 40 hex digits/],
    [ST, "slashSink", "000000000000000000000000000000000000dEaD00", /0x followed by 40 hex digits/],
    [G, "admin", "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266", /EIP-55 checksum/],
    [ST, "tokenName", "", /non-empty string/],
    [ST, "tokenSymbol", "7n", /read by Ignition as the integer 7/],
    [ST, "tokenSymbol", 7, /non-empty string/],
  ];
  for (const [section, key, raw, message] of types) {
    it(`rejects ${section}.${key} = ${JSON.stringify(raw)} as a wrong type, and only that`, function () {
      const issues = validateParameters(edit(local, { [section]: { [key]: raw } }));
      expect(
        issues.map((i) => [i.module, i.key]),
        describeIssues(issues),
      ).to.deep.equal([[section, key]]);
      expect(issues[0].message).to.match(message);
      expect(issues[0].enforcedBy).to.equal(undefined);
    });
  }

  it("accepts an all-lowercase or checksummed address, leading zeros and the widest values", function () {
    const ok = edit(local, {
      [G]: { admin: DEPLOYER.toLowerCase(), tokenOwner: DEPLOYER.toLowerCase() },
      [ST]: { minimumStake: `${MAX}n`, epochLength: "032n" },
      [PN]: { committeeSize: 256n },
    });
    expect(validateParameters(ok), describeIssues(validateParameters(ok))).to.deep.equal([]);
  });

  it("formatIssues and ParametersError list every issue with its section, key and contract check", function () {
    const issues = validateParameters(edit(local, { [ST]: { exitDelay: 95n, minimumStake: 0n } }));
    const text = formatIssues(issues);
    expect(text.split("\n")).to.have.length(2);
    expect(text).to.include(
      `[${ST}] exitDelay: exitDelay (95) must be ≥ proofWindow + slashingWindow (64 + 32 = 96)`,
    );
    expect(text).to.include("[StakeTable's constructor reverts with ExitDelayTooShort]");
    const error = new ParametersError(issues);
    expect(error.message).to.match(/^2 problems in the parameters:\n/);
    expect(error.issues).to.equal(issues);
  });
});

describe("Parameters: every check at its boundary (validator)", function () {
  for (const check of CHECKS) {
    it(`${check.name}: ${check.section}.${check.key} ∈ {${check.bad.join(", ")}} rejected, {${check.good.join(", ")}} accepted`, function () {
      const base = edit(local, check.base ?? {});
      expect(validateParameters(base), `base of ${check.name}`).to.deep.equal([]);
      for (const bad of check.bad) {
        const issues = validateParameters(edit(base, { [check.section]: { [check.key]: bad } }));
        const label = `${check.key} = ${bad}:\n${describeIssues(issues)}`;
        expect(issues, label).to.not.be.empty;
        expect(
          issues.every((i) => about(i, check.key)),
          label,
        ).to.equal(true);
        if (check.enforced === undefined) {
          expect(
            issues.every((i) => i.enforcedBy === undefined),
            label,
          ).to.equal(true);
        } else {
          const named = issues.filter(
            (i) =>
              i.enforcedBy?.error === check.enforced!.error && stepOf(i) === check.enforced!.step,
          );
          expect(named, label).to.have.length.greaterThan(0);
        }
      }
      for (const good of check.good) {
        const issues = validateParameters(edit(base, { [check.section]: { [check.key]: good } }));
        expect(issues, `${check.key} = ${good}:\n${describeIssues(issues)}`).to.deep.equal([]);
      }
    });
  }
});

describe("Parameters: differential against the constructors", function () {
  for (const check of CHECKS.filter((c) => c.enforced !== undefined)) {
    const { step, error } = check.enforced!;
    it(`${step} rejects ${check.section}.${check.key} ∈ {${check.bad.join(", ")}} with ${error}; the validator flags it`, async function () {
      const base = edit(local, check.base ?? {});
      for (const bad of check.bad) {
        const file = edit(base, { [check.section]: { [check.key]: bad } });
        const flagged = validateParameters(file).filter(
          (i) => about(i, check.key) && stepOf(i) === step,
        );
        expect(flagged.map((i) => i.enforcedBy?.error)).to.include(error);
        await expectRevert(await attempt(step, file), error);
      }
      for (const good of check.good) {
        const file = edit(base, { [check.section]: { [check.key]: good } });
        expect(await deployAll(file), `${check.key} = ${good}`).to.equal(undefined);
      }
    });
  }

  it("random mutations of local.json: the validator reports a constructor check ⇔ the deployment fails there", async function () {
    const widths: Record<string, bigint> = {
      committeeSize: 16n,
      oversamplingBps: 32n,
      treeCount: 8n,
      leafCount: 32n,
    };
    const integers: Array<[string, string]> = [];
    for (const [section, values] of Object.entries(local)) {
      for (const [key, v] of Object.entries(values)) {
        if (typeof v === "string" && /^\d+n$/.test(v)) integers.push([section, key]);
      }
    }
    const special = [
      0n,
      1n,
      2n,
      3n,
      4n,
      16n,
      17n,
      32n,
      64n,
      256n,
      257n,
      9_999n,
      10_000n,
      10_001n,
      65_536n,
    ];
    let valid = 0;
    let invalid = 0;
    let round = 0;
    const mutation = async (prng: Draws) => {
      round++;
      const changes: Record<string, Record<string, bigint>> = {};
      const changed: string[] = [];
      for (let i = 1 + prng.int(3); i > 0; i--) {
        const [section, key] = prng.pick(integers);
        const max = (1n << (widths[key] ?? 256n)) - 1n;
        const current = BigInt(String(local[section][key]).slice(0, -1));
        const candidates = [
          current - 1n,
          current + 1n,
          current * 2n,
          current / 2n,
          prng.bigint(0n, current * 2n + 2n),
          prng.pick(special),
          prng.pick(special),
          max,
          1n << BigInt(prng.int(Number(widths[key] ?? 256n))),
        ];
        const next = prng.pick(candidates);
        const clamped = next < 0n ? 0n : next > max ? max : next;
        changes[section] = { ...changes[section], [key]: clamped };
        changed.push(`${section}.${key} = ${clamped}`);
      }
      const file = edit(local, changes);
      const issues = validateParameters(file);
      const label = `round ${round}: ${changed.join(", ")}\n${describeIssues(issues)}`;
      // Every mutated value is a well-typed integer within its ABI width: no type issues.
      expect(
        issues
          .filter((i) => i.enforcedBy === undefined)
          .every((i) => /activationLag|slashingWindow/.test(i.key)),
        label,
      ).to.equal(true);
      const failure = await deployAll(file);
      const enforced = issues.filter((i) => i.enforcedBy !== undefined);
      if (failure === undefined) {
        expect(enforced, `deployed, yet the validator reports:\n${label}`).to.deep.equal([]);
        valid++;
      } else {
        const failedAt = STEPS.indexOf(failure.step);
        // Nothing flagged for the steps that succeeded; the failing step's error was named.
        for (const issue of enforced) {
          expect(
            STEPS.indexOf(stepOf(issue)!),
            `${failure.step} failed with ${failure.error}:\n${label}`,
          ).to.be.at.least(failedAt);
        }
        const named = enforced
          .filter((i) => stepOf(i) === failure.step)
          .map((i) => i.enforcedBy!.error);
        expect(named, `${failure.step} failed with ${failure.error}:\n${label}`).to.include(
          failure.error,
        );
        invalid++;
      }
    };
    // 60 mutations (fast-check: a failing one shrinks towards fewer, smaller changes and prints
    // its seed).
    await fc.assert(fc.asyncProperty(draws(), mutation), { seed: 20_250_601, numRuns: 60 });
    // Both sides of the equivalence were exercised.
    expect(valid, "valid rounds").to.be.at.least(5);
    expect(invalid, "invalid rounds").to.be.at.least(5);
  });
});

describe("Parameters: the AssignmentPolicy section", function () {
  /** local.json with the named policy. */
  const named = (name: string, extra: Record<string, Raw | undefined> = {}) =>
    edit(local, { [AP]: { name, ...extra } });

  it("local.json and sepolia.json name striped with the lifecycle's policy at zero", function () {
    for (const file of [local, sepolia]) {
      expect(policyParametersOf(file)).to.deep.equal({
        name: "striped",
        roundHeight: 2n,
        proofsPerNode: 3n,
        maxRoots: 3n,
        uncleReward: 10n * 10n ** 18n,
      });
      expect(file[BL].policy).to.equal(ZERO_ADDRESS);
    }
  });

  it("the section is optional (striped), and every policy name validates with the file's values", function () {
    const without = structuredClone(local);
    delete without[AP];
    expect(validateParameters(without)).to.deep.equal([]);
    expect(policyParametersOf(without).name).to.equal("striped");
    for (const name of ["striped", "vrfPath", "sortedRounds", "rankedProofs", "siblingCover"]) {
      const file = named(name);
      expect(
        validateParameters(file),
        `${name}:\n${describeIssues(validateParameters(file))}`,
      ).to.deep.equal([]);
    }
  });

  it("rejects an unknown name (with the name meant) and a missing name", function () {
    const typo = validateParameters(named("vrfpath"));
    expect(typo.map((i) => [i.module, i.key])).to.deep.equal([[AP, "name"]]);
    expect(typo[0].message).to.include('did you mean "vrfPath"');
    const missing = validateParameters(edit(local, { [AP]: { name: undefined } }));
    expect(missing.map((i) => [i.module, i.key])).to.deep.equal([[AP, "name"]]);
    expect(missing[0].message).to.match(/^missing/);
    const unknown = validateParameters(edit(local, { [AP]: { roundHieght: 2n } }));
    expect(unknown.map((i) => [i.module, i.key])).to.deep.equal([[AP, "roundHieght"]]);
  });

  // [name, key, rejected, accepted]
  const bounds: Array<[string, string, bigint[], bigint[]]> = [
    ["sortedRounds", "roundHeight", [0n, 17n, MAX], [1n, 16n]],
    ["rankedProofs", "proofsPerNode", [0n, 9n, MAX], [1n, 8n]],
    ["rankedProofs", "maxRoots", [0n, 17n, MAX], [1n, 16n]],
    ["rankedProofs", "feeBurnBps", [10_001n, MAX], [0n, 10_000n]],
    ["siblingCover", "uncleReward", [0n], [1n, MAX]],
  ];
  const contracts: Record<string, string> = {
    sortedRounds: "SortedRoundsPolicy",
    rankedProofs: "RankedProofsPolicy",
    siblingCover: "SiblingCoverPolicy",
  };
  for (const [name, key, bad, good] of bounds) {
    it(`${name}: ${key} ∈ {${bad.join(", ")}} rejected (InvalidPolicyParameter), {${good.join(", ")}} accepted; ignored under striped`, function () {
      for (const value of bad) {
        const issues = validateParameters(named(name, { [key]: value }));
        expect(issues.map((i) => [i.module, i.key, i.enforcedBy])).to.deep.equal([
          [AP, key, { contract: contracts[name], error: "InvalidPolicyParameter" }],
        ]);
        // Another policy does not read the key: no range check.
        expect(validateParameters(named("striped", { [key]: value }))).to.deep.equal([]);
      }
      for (const value of good) {
        const file = named(name, { [key]: value });
        expect(validateParameters(file), describeIssues(validateParameters(file))).to.deep.equal(
          [],
        );
      }
    });
  }

  it("each policy's own keys are required when it is named; feeBurnBps is optional", function () {
    const required: Array<[string, string]> = [
      ["sortedRounds", "roundHeight"],
      ["rankedProofs", "proofsPerNode"],
      ["rankedProofs", "maxRoots"],
      ["siblingCover", "uncleReward"],
    ];
    for (const [name, key] of required) {
      const issues = validateParameters(named(name, { [key]: undefined }));
      expect(issues.map((i) => [i.module, i.key])).to.deep.equal([[AP, key]]);
      expect(issues[0].message).to.match(/^missing/);
    }
    expect(validateParameters(named("rankedProofs", { feeBurnBps: undefined }))).to.deep.equal([]);
    expect(policyParametersOf(named("rankedProofs", { feeBurnBps: 40n })).feeBurnBps).to.equal(40n);
  });

  it("the lifecycle's policy address must stay zero when the file deploys a policy", function () {
    const issues = validateParameters(named("vrfPath", { [BL]: undefined }));
    expect(issues).to.deep.equal([]);
    const set = validateParameters(edit(named("vrfPath"), { [BL]: { policy: OTHER } }));
    expect(set.map((i) => [i.module, i.key, i.related])).to.deep.equal([[BL, "policy", ["name"]]]);
    // Striped with an address: an existing policy contract, used as it is.
    expect(validateParameters(edit(local, { [BL]: { policy: OTHER } }))).to.deep.equal([]);
    const typed = validateParameters(edit(local, { [BL]: { policy: "0x12" } }));
    expect(typed.map((i) => [i.module, i.key])).to.deep.equal([[BL, "policy"]]);
  });
});
