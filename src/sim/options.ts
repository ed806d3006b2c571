/**
 * The simulator's options, their defaults and command-line parsing, and how the chosen policy and
 * sizes become the deployment's Ignition parameters (the rest comes from
 * `deploy/parameters/local.json`).
 */
import type { ByzantineFault } from "../client/prover.js";
import { helpText, numberOption, parseCli, UsageError, type OptionSpec } from "../cli.js";
import type { PolicyParams } from "../protocol/policies/index.js";
import type { PolicyName } from "../protocol/policies/types.js";

/**
 * seed000/001/002 run seed 000's striped trees with each seed's economics; the other four run
 * their assignment policy (docs/policies.md) with the economics of the seed it comes from.
 */
export const POLICIES = [
  "seed000",
  "seed001",
  "seed002",
  "vrfPath",
  "sortedRounds",
  "rankedProofs",
  "siblingCover",
] as const;
export type Policy = (typeof POLICIES)[number];

/** The faults `--byzantine-fault mixed` deals out in turn. */
export const MIXED_FAULTS: readonly ByzantineFault[] = [
  "wrongOutput",
  "doubleSign",
  "withhold",
  "silentLeader",
];

/** Every fault `--byzantine-fault` takes: the mixed ones and `raceRoots` (docs/simulation.md). */
export const BYZANTINE_FAULTS: readonly ByzantineFault[] = [...MIXED_FAULTS, "raceRoots"];

export interface SimOptions {
  /** Prover operators N (the sequencer is extra). */
  provers: number;
  /** L2 blocks B: one proposal per slot for B consecutive slots. */
  blocks: number;
  /** Committee size n. */
  committeeSize: number;
  /** Trees c. */
  trees: number;
  /** Leaves L per tree. */
  leaves: number;
  /** Proof window W in L1 blocks. */
  window: number;
  /** Fraction of provers that are Byzantine. */
  byzantine: number;
  /** Their fault, or "mixed" (round robin over every fault). */
  byzantineFault: ByzantineFault | "mixed";
  /** Fraction of provers that are offline. */
  offline: number;
  /** 1: offline from the first L2 block on; below 1: offline in that fraction of slots. */
  offlineRate: number;
  /** Fraction of provers that prove slower than the window allows. */
  slow: number;
  /** Fraction of blocks whose data the sequencer withholds. */
  withholding: number;
  /** 0: withheld from everyone; in (0, 1): published but withheld from that fraction of members. */
  withholdingSubset: number;
  /** Fraction of the run's slots at whose start the network partitions (for `partitionLength`). */
  asynchrony: number;
  /**
   * L1 blocks each `asynchrony` partition lasts, from the start of its slot: a message sent
   * during it is held until it ends (then delayed by the latency as usual).
   */
  partitionLength: number;
  /** Mean message latency in L1 blocks. */
  latency: number;
  /** Message drop rate. */
  drop: number;
  /** L1 blocks to prove one chunk (honest provers). */
  provingTime: number;
  /** Inactivity threshold k (0 = never); null = the policy's default. */
  k: number | null;
  policy: Policy;
  /** sortedRounds: levels per round h. */
  roundHeight: number;
  /** rankedProofs: proofs per node P. */
  proofsPerNode: number;
  /** rankedProofs: competing roots per block. */
  maxRoots: number;
  /** siblingCover: whole tokens per uncle claim. */
  uncleReward: number;
  /** Run the conservation checks after every mined L1 block (slow; for tests). */
  checkEveryBlock?: boolean;
  seed: number;
  /** Hardhat network to run on (undefined: the in-process one). */
  network?: string;
  json?: string;
  html?: string;
  /** Print a progress bar (terminal) or plain progress lines (CI). */
  progress: "bar" | "lines" | "none";
}

export const DEFAULT_OPTIONS: SimOptions = {
  provers: 64,
  blocks: 32,
  committeeSize: 32,
  trees: 3,
  leaves: 16,
  window: 64,
  byzantine: 0,
  byzantineFault: "mixed",
  offline: 0,
  offlineRate: 1,
  slow: 0,
  withholding: 0,
  withholdingSubset: 0,
  asynchrony: 0,
  partitionLength: 4,
  latency: 0.5,
  drop: 0,
  provingTime: 1,
  k: null,
  policy: "seed001",
  roundHeight: 2,
  proofsPerNode: 3,
  maxRoots: 3,
  uncleReward: 10,
  seed: 1,
  progress: "none",
};

/** What each policy fixes in the deployment (see README "Policies"). */
export interface PolicySettings {
  /** The assignment policy deployed (docs/policies.md). */
  assignment: PolicyName;
  /** Seed 002's proposal score (1 + FEE_SPLIT). */
  feeSplitScoring: boolean;
  /** The FEE_SPLIT the sequencer bids (basis points). */
  sequencerFeeSplitBps: bigint;
  /** Seed 002's FEE_BURN: the burned part of the provers' share. */
  proverBurnBps: bigint;
  /** Default inactivity threshold k. */
  defaultK: number;
  /** Whether inactivity slashing may be switched on. */
  allowsInactivity: boolean;
}

export const POLICY_SETTINGS: Record<Policy, PolicySettings> = {
  // Seed 000: striped trees, signed invalid work slashed, nobody slashed for inactivity.
  seed000: {
    assignment: "striped",
    feeSplitScoring: false,
    sequencerFeeSplitBps: 0n,
    proverBurnBps: 0n,
    defaultK: 0,
    allowsInactivity: false,
  },
  // Seed 001: VRF proposal scores; provers inactive for k elected blocks in a row are slashed.
  seed001: {
    assignment: "striped",
    feeSplitScoring: false,
    sequencerFeeSplitBps: 0n,
    proverBurnBps: 0n,
    defaultK: 3,
    allowsInactivity: true,
  },
  // Seed 002: scores times (1 + FEE_SPLIT), the sequencer bids 80%, FEE_BURN 40% (its example).
  seed002: {
    assignment: "striped",
    feeSplitScoring: true,
    sequencerFeeSplitBps: 8_000n,
    proverBurnBps: 4_000n,
    defaultK: 0,
    allowsInactivity: true,
  },
  // Seed 001, option 1, with seed 001's economics.
  vrfPath: {
    assignment: "vrfPath",
    feeSplitScoring: false,
    sequencerFeeSplitBps: 0n,
    proverBurnBps: 0n,
    defaultK: 3,
    allowsInactivity: true,
  },
  // Seed 001, option 2, with seed 001's economics.
  sortedRounds: {
    assignment: "sortedRounds",
    feeSplitScoring: false,
    sequencerFeeSplitBps: 0n,
    proverBurnBps: 0n,
    defaultK: 3,
    allowsInactivity: true,
  },
  // Seed 002 with its economics: fee split scoring, 80% bid, FEE_BURN 40%.
  rankedProofs: {
    assignment: "rankedProofs",
    feeSplitScoring: true,
    sequencerFeeSplitBps: 8_000n,
    proverBurnBps: 4_000n,
    defaultK: 0,
    allowsInactivity: true,
  },
  // Seeds 003/004: no inactivity slashing by default, no burn.
  siblingCover: {
    assignment: "siblingCover",
    feeSplitScoring: false,
    sequencerFeeSplitBps: 0n,
    proverBurnBps: 0n,
    defaultK: 0,
    allowsInactivity: true,
  },
};

/** 10^18: one whole token of the 18-decimal test token. */
const TOKEN = 10n ** 18n;

/** The policy parameters of a run. */
export function policyParams(o: SimOptions): PolicyParams {
  return {
    roundHeight: o.roundHeight,
    proofsPerNode: o.proofsPerNode,
    maxRoots: o.maxRoots,
    feeBurnBps: POLICY_SETTINGS[o.policy].proverBurnBps,
    uncleReward: BigInt(o.uncleReward) * TOKEN,
  };
}

/** A bad option or option value; `usage` is the help text of the command it was given to. */
export class OptionError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = "OptionError";
  }
}

/** The inactivity threshold the run uses. */
export function effectiveK(options: SimOptions): number {
  const settings = POLICY_SETTINGS[options.policy];
  const k = options.k ?? settings.defaultK;
  if (k > 0 && !settings.allowsInactivity) {
    throw new OptionError(`--k ${k}: ${options.policy} never slashes for inactivity (use k = 0)`);
  }
  return k;
}

/** Checks ranges and the constraints between options. */
export function validateOptions(o: SimOptions): void {
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new OptionError(`--${name} must be an integer in [${min}, ${max}], got ${v}`);
    }
  };
  const fraction = (name: string, v: number) => {
    if (!(v >= 0 && v <= 1)) throw new OptionError(`--${name} must be in [0, 1], got ${v}`);
  };
  int("provers", o.provers, 1, 512);
  int("blocks", o.blocks, 1, 4096);
  int("n", o.committeeSize, 1, 256);
  int("c", o.trees, 1, 16);
  int("L", o.leaves, 1, 65536);
  if ((o.leaves & (o.leaves - 1)) !== 0) throw new OptionError(`--L must be a power of two`);
  if (o.committeeSize * o.trees > 256 * 16) throw new OptionError("n * c too large");
  int("W", o.window, 5, 1000);
  int("proving-time", o.provingTime, 0, 1000);
  int("partition-length", o.partitionLength, 1, 100_000);
  int("seed", o.seed, 0, 2 ** 32 - 1);
  for (const [name, v] of [
    ["byzantine", o.byzantine],
    ["offline", o.offline],
    ["offline-rate", o.offlineRate],
    ["slow", o.slow],
    ["withholding", o.withholding],
    ["withholding-subset", o.withholdingSubset],
    ["asynchrony", o.asynchrony],
    ["drop", o.drop],
  ] as const) {
    fraction(name, v);
  }
  if (o.byzantine + o.offline + o.slow > 1) {
    throw new OptionError("--byzantine + --offline + --slow must not exceed 1");
  }
  if (!(o.latency >= 0)) throw new OptionError(`--latency must be >= 0`);
  if (o.byzantineFault !== "mixed" && !BYZANTINE_FAULTS.includes(o.byzantineFault)) {
    throw new OptionError(
      `--byzantine-fault must be mixed or one of ${BYZANTINE_FAULTS.join(", ")}`,
    );
  }
  if (!POLICIES.includes(o.policy)) {
    throw new OptionError(`--policy must be one of ${POLICIES.join(", ")}`);
  }
  if (o.k !== null) int("k", o.k, 0, 1_000_000);
  int("round-height", o.roundHeight, 1, 16);
  int("proofs-per-node", o.proofsPerNode, 1, 8);
  int("max-roots", o.maxRoots, 1, 16);
  int("uncle-reward", o.uncleReward, 0, 1_000_000);
  const assignment = POLICY_SETTINGS[o.policy].assignment;
  if (assignment !== "striped" && o.committeeSize > 254) {
    throw new OptionError(`--n must be at most 254 under ${o.policy}`);
  }
  if (assignment === "sortedRounds" && o.roundHeight > Math.log2(o.leaves) + 1) {
    throw new OptionError(
      `--round-height must be at most log2(L) + 1 = ${Math.log2(o.leaves) + 1}`,
    );
  }
  effectiveK(o);
}

/** One command-line option of a single run: its flag, the SimOptions key and its help line. */
export interface SimFlag {
  flag: string;
  key: keyof SimOptions;
  value: string;
  description: string;
  default?: string;
  /** Kept as a string (the rest are numbers). */
  string?: true;
}

const d = DEFAULT_OPTIONS;
/** The options of a single run; parsing (node:util parseArgs) and --help both come from it. */
export const SIM_FLAGS: readonly SimFlag[] = [
  {
    flag: "provers",
    key: "provers",
    value: "N",
    description: "prover operators",
    default: `${d.provers}`,
  },
  {
    flag: "blocks",
    key: "blocks",
    value: "B",
    description: "L2 blocks, one per slot",
    default: `${d.blocks}`,
  },
  {
    flag: "n",
    key: "committeeSize",
    value: "N",
    description: "committee size n",
    default: `${d.committeeSize}`,
  },
  { flag: "c", key: "trees", value: "C", description: "trees per block c", default: `${d.trees}` },
  {
    flag: "L",
    key: "leaves",
    value: "L",
    description: "leaves per tree, a power of two",
    default: `${d.leaves}`,
  },
  {
    flag: "W",
    key: "window",
    value: "W",
    description: "proof window in L1 blocks",
    default: `${d.window}`,
  },
  {
    flag: "byzantine",
    key: "byzantine",
    value: "F",
    description:
      "fraction of the provers that are Byzantine, rounded to the nearest prover " +
      "(round(F x provers)); what they do is --byzantine-fault",
    default: "0",
  },
  {
    flag: "byzantine-fault",
    key: "byzantineFault",
    value: "X",
    description: `mixed | ${BYZANTINE_FAULTS.join(" | ")}`,
    default: d.byzantineFault,
    string: true,
  },
  {
    flag: "offline",
    key: "offline",
    value: "F",
    description:
      "fraction of the provers that go offline, rounded to the nearest prover: they register " +
      "and reveal for the first committee, then, from the run's first slot on, act and " +
      "receive nothing (see --offline-rate); they stay elected while their stake counts",
    default: "0",
  },
  {
    flag: "offline-rate",
    key: "offlineRate",
    value: "R",
    description:
      "1 = offline in every slot from the run's first slot on; R < 1 = offline in a fraction R " +
      "of the slots, drawn per prover and slot (online in the others)",
  },
  {
    flag: "slow",
    key: "slow",
    value: "F",
    description:
      "fraction of the provers, rounded to the nearest prover, whose chunks take longer than " +
      "the proof window (W + 1 L1 blocks each)",
    default: "0",
  },
  {
    flag: "withholding",
    key: "withholding",
    value: "R",
    description:
      "fraction of the blocks (drawn per slot) whose data the sequencer withholds: " +
      "from everyone, or as --withholding-subset says",
    default: "0",
  },
  {
    flag: "withholding-subset",
    key: "withholdingSubset",
    value: "S",
    description:
      "0 = not published and sent to nobody; S > 0 = published on L1 and sent to all but " +
      "ceil(S x m) members (who may still get it from peers before they vote)",
  },
  {
    flag: "asynchrony",
    key: "asynchrony",
    value: "R",
    description:
      "fraction of the run's slots (drawn per slot) at whose start the network partitions " +
      "for --partition-length L1 blocks: every message sent meanwhile is held until it ends",
    default: "0",
  },
  {
    flag: "partition-length",
    key: "partitionLength",
    value: "D",
    description: "L1 blocks each --asynchrony partition lasts",
    default: `${d.partitionLength}`,
  },
  {
    flag: "latency",
    key: "latency",
    value: "D",
    description: "mean message latency in L1 blocks",
    default: `${d.latency}`,
  },
  { flag: "drop", key: "drop", value: "P", description: "message drop rate", default: "0" },
  {
    flag: "proving-time",
    key: "provingTime",
    value: "T",
    description: "L1 blocks per chunk",
    default: `${d.provingTime}`,
  },
  {
    flag: "k",
    key: "k",
    value: "K",
    description: "inactivity threshold, 0 = never",
    default: "3 under seed001, else 0",
  },
  {
    flag: "policy",
    key: "policy",
    value: "P",
    description: POLICIES.join(" | "),
    default: d.policy,
    string: true,
  },
  {
    flag: "round-height",
    key: "roundHeight",
    value: "H",
    description: "sortedRounds: levels per round",
    default: `${d.roundHeight}`,
  },
  {
    flag: "proofs-per-node",
    key: "proofsPerNode",
    value: "P",
    description: "rankedProofs: proofs per node",
    default: `${d.proofsPerNode}`,
  },
  {
    flag: "max-roots",
    key: "maxRoots",
    value: "R",
    description: "rankedProofs: competing roots per block",
    default: `${d.maxRoots}`,
  },
  {
    flag: "uncle-reward",
    key: "uncleReward",
    value: "T",
    description: "siblingCover: tokens per uncle claim",
    default: `${d.uncleReward}`,
  },
  {
    flag: "seed",
    key: "seed",
    value: "S",
    description: "seed of every random choice",
    default: `${d.seed}`,
  },
  {
    flag: "network",
    key: "network",
    value: "NAME",
    description: "a Hardhat network from hardhat.config.ts, e.g. localhost",
    string: true,
  },
  {
    flag: "json",
    key: "json",
    value: "FILE",
    description: "write the report as JSON",
    string: true,
  },
  {
    flag: "html",
    key: "html",
    value: "FILE",
    description: "write a self-contained HTML report with plots",
    string: true,
  },
];

/** {@link SIM_FLAGS} as parseArgs options; `defaults` replaces the defaults the help shows. */
export function simSpecs(
  flags: readonly SimFlag[] = SIM_FLAGS,
  defaults: Partial<Record<string, string>> = {},
): OptionSpec[] {
  return flags.map((f) => ({
    name: f.flag,
    type: "string",
    value: f.value,
    description: f.description,
    default: defaults[f.flag] ?? f.default,
  }));
}

const SIM_SPECS = simSpecs();

/** The help text of `npm run sim`, generated from {@link SIM_FLAGS}. */
export const USAGE = helpText(
  `Usage: npm run sim -- [options]
       npm run sim -- sweep [sweep options]      (npm run sim -- sweep --help)
       npm run sim -- compare [compare options]  (npm run sim -- compare --help)`,
  `Deploys the whole system (in-process Hardhat network unless --network), registers the provers and
a sequencer, and runs every prover as a client against the contracts for the given L2 blocks.`,
  SIM_SPECS,
);

/**
 * parseArgs (strict) over `specs`; a usage error becomes an {@link OptionError} carrying `usage`.
 * `help` is true for --help / -h.
 */
export function parseCommandLine(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  usage: string,
): { values: Record<string, string | boolean | undefined>; help: boolean } {
  try {
    const { values, help } = parseCli(argv, specs);
    return { values, help };
  } catch (error) {
    if (error instanceof UsageError) throw new OptionError(error.message, usage);
    throw error;
  }
}

/** A single run's options from parsed flag values (the {@link SIM_FLAGS} among them), validated. */
export function optionsFromValues(
  values: Readonly<Record<string, string | boolean | undefined>>,
  base: SimOptions = DEFAULT_OPTIONS,
  usage: string = USAGE,
): SimOptions {
  const options: SimOptions = { ...base };
  const record = options as unknown as Record<string, unknown>;
  try {
    for (const f of SIM_FLAGS) {
      const value = values[f.flag];
      if (typeof value !== "string") continue;
      record[f.key] = f.string ? value : numberOption(f.flag, value);
    }
  } catch (error) {
    if (error instanceof UsageError) throw new OptionError(error.message, usage);
    throw error;
  }
  validateOptions(options);
  return options;
}

/** Parses the options (node:util parseArgs over {@link SIM_FLAGS}) over the defaults. */
export function parseOptions(
  argv: readonly string[],
  base: SimOptions = DEFAULT_OPTIONS,
): SimOptions {
  return optionsFromValues(parseCommandLine(argv, SIM_SPECS, USAGE).values, base);
}

/** Every option's value, for the report. */
export function optionsReport(o: SimOptions): Record<string, string | number | boolean> {
  return {
    provers: o.provers,
    blocks: o.blocks,
    n: o.committeeSize,
    c: o.trees,
    L: o.leaves,
    W: o.window,
    byzantine: o.byzantine,
    byzantineFault: o.byzantineFault,
    offline: o.offline,
    offlineRate: o.offlineRate,
    slow: o.slow,
    withholding: o.withholding,
    withholdingSubset: o.withholdingSubset,
    asynchrony: o.asynchrony,
    partitionLength: o.partitionLength,
    latency: o.latency,
    drop: o.drop,
    provingTime: o.provingTime,
    k: effectiveK(o),
    policy: o.policy,
    assignment: POLICY_SETTINGS[o.policy].assignment,
    roundHeight: o.roundHeight,
    proofsPerNode: o.proofsPerNode,
    maxRoots: o.maxRoots,
    uncleReward: o.uncleReward,
    seed: o.seed,
    network: o.network ?? "hardhat (in-process)",
  };
}
