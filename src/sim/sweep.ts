/**
 * `npm run sim -- sweep`: seed 000's claim that a block goes unproven with probability `(f/n)^c`,
 * checked three ways for a grid of faulty fractions `f/n` and tree counts `c`:
 *
 * 1. closed forms: seed 000's `(f/n)^c`, the independence approximation
 *    `1 - (1 - q)^(2L-1)` with `q = C(f,c)/C(n,c)`, and (when the levels' prover sets are
 *    disjoint) the exact probability by inclusion–exclusion per level;
 * 2. a Monte-Carlo model over the real assignment (`assignment` from src/protocol/assignment.ts):
 *    random block seeds, exactly `f` faulty members, the availability rule of the prover client;
 * 3. the whole network on chain (`runSimulation`) with `f/n` of the provers permanently offline.
 *
 * The availability rule (src/client/prover.ts, seed 000's cross-tree cover): a member sends the
 * output of its node to the provers of the node's parent in every tree, and a parent proves with
 * its own tree's child outputs or, failing that, any other tree's. So node `k`'s output exists iff
 * some tree's prover of `k` is honest and both child outputs exist (a leaf: the prover has the
 * data); tree `t`'s root proof lands iff its root prover is honest and nodes 2 and 3 exist. By
 * induction, some root lands iff every one of the `2L-1` node positions has an honest prover in
 * at least one tree.
 *
 * See docs/simulation-sweep.md for a run and what it shows.
 */
import { writeFile } from "node:fs/promises";

import { keccak256, toBeHex } from "ethers";

import { assignment, blockSeed, treeCountFor } from "../protocol/assignment.js";
import { effectiveTreeCount } from "../protocol/election.js";
import { epochOfSlot } from "../protocol/lifecycle.js";
import { helpText, type OptionSpec } from "../cli.js";
import {
  DEFAULT_OPTIONS,
  OptionError,
  parseCommandLine,
  validateOptions,
  type SimOptions,
} from "./options.js";
import { Prng } from "./random.js";
import type { SimResult } from "./simulator.js";

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

/**
 * How many of the `c` trees' root proofs land for one block, given the block's assignment
 * (`assignment(m, seed, c, leafCount)`) and which committee members are faulty (`faulty[i]` for
 * member `i`). Evaluates the availability rule bottom-up; 0 means the block cannot be proven.
 */
export function landedRoots(
  assigned: readonly number[],
  c: number,
  leafCount: number,
  faulty: readonly boolean[],
): number {
  const nodes = 2 * leafCount - 1;
  if (assigned.length !== c * nodes) {
    throw new RangeError(`assignment has ${assigned.length} entries, expected ${c * nodes}`);
  }
  // available[k]: node k's output exists (index 0 unused).
  const available = new Array<boolean>(nodes + 1).fill(false);
  for (let k = nodes; k >= 1; k--) {
    const children = k >= leafCount || (available[2 * k] && available[2 * k + 1]);
    if (!children) continue;
    for (let t = 0; t < c; t++) {
      if (!faulty[assigned[t * nodes + k - 1]]) {
        available[k] = true;
        break;
      }
    }
  }
  const childrenOfRoot = leafCount === 1 || (available[2] && available[3]);
  if (!childrenOfRoot) return 0;
  let landed = 0;
  for (let t = 0; t < c; t++) if (!faulty[assigned[t * nodes]]) landed++;
  return landed;
}

export interface ModelParams {
  /** Committee size. */
  m: number;
  /** Trees per block. */
  c: number;
  /** Leaves per tree (a power of two). */
  leafCount: number;
  /** Faulty committee members, exactly (a uniform draw per trial). */
  faulty: number;
  /** Monte-Carlo trials (blocks). */
  trials: number;
  /** Seed of the block seeds and of the faulty draws. */
  seed: number;
}

function checkModelParams(p: ModelParams): void {
  const int = (name: string, v: number, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) {
      throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
    }
  };
  int("m", p.m, 1);
  int("c", p.c, 1);
  int("leafCount", p.leafCount, 1);
  int("faulty", p.faulty, 0);
  int("trials", p.trials, 1);
  int("seed", p.seed, 0);
  if (p.faulty > p.m) throw new RangeError(`faulty = ${p.faulty} exceeds m = ${p.m}`);
}

/**
 * The Monte-Carlo estimate of the probability that no tree's root proof of a block lands: the
 * fraction of `trials` random blocks for which {@link landedRoots} is 0. Each trial draws a block
 * seed and a uniformly random set of exactly `faulty` members (the first `faulty` of a seeded
 * shuffle), so with one `seed` the faulty sets are nested as `faulty` grows and the estimate is
 * monotone in `faulty`.
 */
export function noRootProbabilityModel(p: ModelParams): number {
  checkModelParams(p);
  if (p.faulty === 0) return 0;
  const base = new Prng(p.seed);
  const seeds = base.fork(1);
  const draws = base.fork(2);
  const members = Array.from({ length: p.m }, (_, i) => i);
  const faulty = new Array<boolean>(p.m);
  let failures = 0;
  for (let trial = 0; trial < p.trials; trial++) {
    const word = (BigInt(p.seed) << 64n) | (BigInt(seeds.int(2 ** 32)) << 32n) | BigInt(trial);
    const seed = keccak256(toBeHex(word, 32));
    const order = draws.shuffle(members);
    faulty.fill(false);
    for (let i = 0; i < p.faulty; i++) faulty[order[i]] = true;
    const assigned = assignment(p.m, seed, p.c, p.leafCount);
    if (landedRoots(assigned, p.c, p.leafCount, faulty) === 0) failures++;
  }
  return failures / p.trials;
}

/** Seed 000's figure: `(f/n)^c`. */
export function seed000Probability(f: number, n: number, c: number): number {
  return (f / n) ** c;
}

/** `x (x-1) ... (x-k+1)` as a bigint (0 when `k > x`). */
function falling(x: number, k: number): bigint {
  let r = 1n;
  for (let i = 0; i < k; i++) r *= BigInt(x - i);
  return x < k ? 0n : r;
}

function binomial(n: number, k: number): bigint {
  return k < 0 || k > n ? 0n : falling(n, k) / falling(k, k);
}

/** `num / den` as a float, for big integers. */
function ratio(num: bigint, den: bigint): number {
  const scale = 10n ** 18n;
  return Number((num * scale) / den) / 1e18;
}

/**
 * The probability that all `c` provers of one node are faulty: the `c` provers of a node are `c`
 * distinct members (distinct positions of one permutation), so it is `C(f,c) / C(n,c)`, exactly 0
 * when `f < c` and close to `(f/n)^c` only when `f` is much larger than `c`.
 */
export function nodeUncoveredProbability(f: number, n: number, c: number): number {
  return ratio(binomial(f, c), binomial(n, c));
}

/**
 * The independence approximation of the probability that no root lands: a block fails iff some
 * of its `2L-1` node positions has only faulty provers, each with probability
 * `q = C(f,c)/C(n,c)`; treating the positions as independent gives `1 - (1 - q)^(2L-1)`
 * (the root position times the `2L-2` others). The union bound `(2L-1) q` is an upper bound.
 */
export function noRootApproximation(f: number, n: number, c: number, leafCount: number): number {
  const q = nodeUncoveredProbability(f, n, c);
  return 1 - (1 - q) ** (2 * leafCount - 1);
}

/**
 * The exact probability that no root lands, when every level's prover sets are disjoint (level
 * width `w <= floor(n/c)`, so the `w * c` positions `j + t * floor(n/c)` are distinct), or when
 * `f < c` (0) or `f = n` (1); `null` otherwise. The levels use independent permutations, so
 * they fail independently; within a level, the `w` nodes' `c`-sets are disjoint and
 * inclusion–exclusion gives `P(level covered) = sum_i (-1)^i C(w,i) f^(ic) / n^(ic)` (falling
 * powers).
 */
export function noRootProbabilityExact(
  f: number,
  n: number,
  c: number,
  leafCount: number,
): number | null {
  if (f > n || c > n) throw new RangeError(`need f <= n and c <= n`);
  // A node's c provers are distinct members: fewer than c faulty ones cannot fill all of them.
  if (f < c) return 0;
  if (f === n) return 1;
  const stride = Math.floor(n / c);
  if (leafCount > stride) return null;
  let covered = 1;
  for (let w = 1; w <= leafCount; w *= 2) {
    // Over the common denominator n^(wc): sum_i (-1)^i C(w,i) f^(ic) (n-ic)^((w-i)c).
    let num = 0n;
    for (let i = 0; i <= w; i++) {
      const term = binomial(w, i) * falling(f, i * c) * falling(n - i * c, (w - i) * c);
      num += i % 2 === 0 ? term : -term;
    }
    covered *= ratio(num, falling(n, w * c));
  }
  return 1 - covered;
}

// ---------------------------------------------------------------------------------------------
// The sweep
// ---------------------------------------------------------------------------------------------

export interface SweepConfig {
  /** Faulty fractions f/n; the faulty count is `round(f/n * n)`, as the simulator draws it. */
  fractions: number[];
  /** Tree counts c. */
  trees: number[];
  /** Model trials per point. */
  trials: number;
  /** On-chain L2 blocks per point (0: no on-chain runs). */
  blocks: number;
  /** Committee size n = number of provers. */
  n: number;
  leaves: number;
  window: number;
  seed: number;
  json?: string;
  markdown?: string;
}

export const DEFAULT_SWEEP: SweepConfig = {
  fractions: [0, 0.125, 0.25, 0.375],
  trees: [1, 2, 3],
  trials: 2000,
  blocks: 8,
  n: 16,
  leaves: 4,
  window: 24,
  seed: 1,
};

function parseList(flag: string, value: string): number[] {
  const items = value.split(",").map((s) => s.trim());
  const numbers = items.map(Number);
  if (items.some((s) => s === "") || numbers.some((x) => Number.isNaN(x))) {
    throw new OptionError(`--${flag} needs comma-separated numbers, got ${value}`, SWEEP_USAGE);
  }
  return numbers;
}

const s = DEFAULT_SWEEP;
/** `npm run sim -- sweep`'s options: parsing (node:util parseArgs) and --help both come from it. */
export const SWEEP_SPECS: readonly OptionSpec[] = [
  {
    name: "fractions",
    type: "string",
    value: "F,F,...",
    description: "faulty fractions f/n",
    default: s.fractions.join(","),
  },
  {
    name: "trees",
    type: "string",
    value: "C,C,...",
    description: "tree counts c, each in [1, min(16, n)]",
    default: s.trees.join(","),
  },
  {
    name: "trials",
    type: "string",
    value: "N",
    description: "Monte-Carlo trials per point",
    default: `${s.trials}`,
  },
  {
    name: "blocks",
    type: "string",
    value: "B",
    description: "on-chain L2 blocks per point, 0 = no on-chain runs",
    default: `${s.blocks}`,
  },
  {
    name: "n",
    type: "string",
    value: "N",
    description: "committee size n = number of provers",
    default: `${s.n}`,
  },
  {
    name: "L",
    type: "string",
    value: "L",
    description: "leaves per tree, a power of two",
    default: `${s.leaves}`,
  },
  {
    name: "W",
    type: "string",
    value: "W",
    description: "proof window in L1 blocks",
    default: `${s.window}`,
  },
  {
    name: "seed",
    type: "string",
    value: "S",
    description: "seed of the model and the runs",
    default: `${s.seed}`,
  },
  { name: "json", type: "string", value: "FILE", description: "write the sweep as JSON" },
  {
    name: "markdown",
    type: "string",
    value: "FILE",
    description: "write the sweep's table as Markdown",
  },
];

/** The help text of `npm run sim -- sweep`, generated from {@link SWEEP_SPECS}. */
export const SWEEP_USAGE = helpText(
  "Usage: npm run sim -- sweep [options]",
  "Tests seed 000's (f/n)^c claim: closed forms, a Monte-Carlo model over the real assignment and\n" +
    "on-chain runs with f/n of the provers offline (docs/simulation-sweep.md).",
  SWEEP_SPECS,
);

/** Parses the sweep's flags over {@link DEFAULT_SWEEP}; throws {@link OptionError}. */
export function parseSweepOptions(argv: readonly string[]): SweepConfig {
  return sweepFromValues(parseCommandLine(argv, SWEEP_SPECS, SWEEP_USAGE).values);
}

/** The sweep's configuration from parsed {@link SWEEP_SPECS} values, range-checked. */
export function sweepFromValues(
  values: Readonly<Record<string, string | boolean | undefined>>,
): SweepConfig {
  const config: SweepConfig = { ...DEFAULT_SWEEP };
  const fail = (message: string) => new OptionError(message, SWEEP_USAGE);
  const integer = (flag: string, min: number, max: number): number | undefined => {
    const value = values[flag];
    if (typeof value !== "string") return undefined;
    const x = Number(value);
    if (value.trim() === "" || !Number.isInteger(x) || x < min || x > max) {
      throw fail(`--${flag} must be an integer in [${min}, ${max}], got ${value}`);
    }
    return x;
  };
  const list = (flag: string): number[] | undefined => {
    const value = values[flag];
    return typeof value === "string" ? parseList(flag, value) : undefined;
  };
  config.fractions = list("fractions") ?? config.fractions;
  config.trees = list("trees") ?? config.trees;
  config.trials = integer("trials", 1, 10_000_000) ?? config.trials;
  config.blocks = integer("blocks", 0, 4096) ?? config.blocks;
  config.n = integer("n", 1, 256) ?? config.n;
  config.leaves = integer("L", 1, 65536) ?? config.leaves;
  config.window = integer("W", 5, 1000) ?? config.window;
  config.seed = integer("seed", 0, 2 ** 32 - 1) ?? config.seed;
  if (typeof values.json === "string") config.json = values.json;
  if (typeof values.markdown === "string") config.markdown = values.markdown;
  for (const x of config.fractions) {
    if (!(x >= 0 && x <= 1)) throw fail(`--fractions must lie in [0, 1], got ${x}`);
  }
  for (const c of config.trees) {
    if (!Number.isInteger(c) || c < 1 || c > Math.min(16, config.n)) {
      throw fail(`--trees must be integers in [1, min(16, n)], got ${c}`);
    }
  }
  if (config.fractions.length === 0 || config.trees.length === 0) {
    throw fail("--fractions and --trees need at least one value");
  }
  if ((config.leaves & (config.leaves - 1)) !== 0) {
    throw fail(`--L must be a power of two, got ${config.leaves}`);
  }
  return config;
}

/** What the on-chain runs of one point measured. */
export interface OnChainResult {
  /** Simulation runs (one committee epoch each) and their seeds. */
  seeds: number[];
  /** Blocks measured: those whose committee had exactly n members, f of them offline. */
  blocks: number;
  /** Blocks left out because their committee was not the intended one. */
  excluded: number;
  /** Blocks with no root proof accepted in their window (including pruned descendants). */
  noRoot: number;
  /** Blocks whose parent became final (or precedes the run): the ones that could be proven. */
  eligible: number;
  /** Eligible blocks with no root proof: the first unproven block of each pruned run. */
  firstFailures: number;
  /** Blocks whose on-chain assignment, with the offline members, leaves a node uncovered. */
  uncoverable: number;
  /** Eligible blocks whose accepted root proofs differ from the count the rule predicts. */
  mispredicted: number;
  /** Whether every run's token accounting was conserved. */
  conserved: boolean;
  seconds: number;
}

export interface SweepPoint {
  fraction: number;
  /** Faulty members: round(fraction * n). */
  faulty: number;
  c: number;
  seed000: number;
  /** `(2L − 1) · C(f,c)/C(n,c)`, the rule `treeCountFor` sizes c with (may exceed 1). */
  unionBound: number;
  approximation: number;
  exact: number | null;
  model: number;
  trials: number;
  modelSeconds: number;
  onChain: OnChainResult | null;
}

/** The simulation options of one on-chain run of a point. */
export function pointOptions(
  config: SweepConfig,
  fraction: number,
  c: number,
  blocks: number,
  seed: number,
): SimOptions {
  return {
    ...DEFAULT_OPTIONS,
    provers: config.n,
    committeeSize: config.n,
    trees: c,
    leaves: config.leaves,
    window: config.window,
    blocks,
    offline: fraction,
    policy: "seed000",
    seed,
  };
}

/** Reads one run's blocks back against its committees, seeds and offline members. */
async function measureRun(
  result: SimResult,
  n: number,
  faultyCount: number,
  leaves: number,
): Promise<Omit<OnChainResult, "seeds" | "seconds">> {
  const { report, events, params, contracts } = result;
  const committees = new Map<bigint, string[]>();
  const parents = new Map<bigint, bigint>();
  for (const e of events) {
    if (e.name === "CommitteeSealed") committees.set(e.epoch, e.members);
    else if (e.name === "BlockProposed") parents.set(e.slot, e.parent);
  }
  const offline = new Set(
    report.provers.filter((p) => p.behavior === "offline").map((p) => p.address.toLowerCase()),
  );
  const outcome = new Map(report.blocks.map((b) => [BigInt(b.number), b.outcome]));
  const seeds = new Map<bigint, string>();
  const out = {
    blocks: 0,
    excluded: 0,
    noRoot: 0,
    eligible: 0,
    firstFailures: 0,
    uncoverable: 0,
    mispredicted: 0,
    conserved: report.totals.conserved,
  };
  for (const block of report.blocks) {
    const slot = BigInt(block.number);
    const epoch = epochOfSlot(params.slotClock, slot);
    const members = committees.get(epoch);
    const faulty = (members ?? []).map((a) => offline.has(a.toLowerCase()));
    if (members?.length !== n || faulty.filter(Boolean).length !== faultyCount) {
      out.excluded++;
      continue;
    }
    let epochSeed = seeds.get(epoch);
    if (epochSeed === undefined) {
      epochSeed = await contracts.table.seedOf(epoch);
      seeds.set(epoch, epochSeed);
    }
    const c = effectiveTreeCount(params.treeCount, n);
    const predicted = landedRoots(
      assignment(n, blockSeed(epochSeed, slot), c, leaves),
      c,
      leaves,
      faulty,
    );
    out.blocks++;
    if (predicted === 0) out.uncoverable++;
    if (block.rootProofs === 0) out.noRoot++;
    // A parent outside the run (the genesis block) is final.
    const parent = parents.get(slot);
    const parentOutcome = parent === undefined ? undefined : outcome.get(parent);
    if (parentOutcome === undefined || parentOutcome === "proven") {
      out.eligible++;
      if (block.rootProofs === 0) out.firstFailures++;
      if (block.rootProofs !== predicted) out.mispredicted++;
    }
  }
  return out;
}

/** Slots per epoch of the local deployment: runs longer than one epoch are split. */
async function slotsPerEpoch(options: SimOptions): Promise<number> {
  const { simulationParameters } = await import("./simulator.js");
  const p = await simulationParameters(options);
  const epochLength = p.TestStakeTable.epochLength;
  const slotLength = p.TestBlockLifecycle.slotLength;
  if (typeof epochLength !== "bigint" || typeof slotLength !== "bigint") {
    throw new Error("deploy/parameters/local.json: epochLength and slotLength must be integers");
  }
  return Number(epochLength / slotLength);
}

/**
 * Runs the on-chain simulation of one point: `blocks` L2 blocks, in runs of at most one epoch
 * (offline provers reveal for the first epoch only, so later committees would not contain them),
 * seeds `seed`, `seed + 1`, ..., each on a fresh in-process network.
 */
async function onChainPoint(
  config: SweepConfig,
  fraction: number,
  faulty: number,
  c: number,
  perEpoch: number,
): Promise<OnChainResult> {
  const started = Date.now();
  const { network } = await import("hardhat");
  const { runSimulation } = await import("./simulator.js");
  const total: OnChainResult = {
    seeds: [],
    blocks: 0,
    excluded: 0,
    noRoot: 0,
    eligible: 0,
    firstFailures: 0,
    uncoverable: 0,
    mispredicted: 0,
    conserved: true,
    seconds: 0,
  };
  for (let done = 0, run = 0; done < config.blocks; run++) {
    const blocks = Math.min(perEpoch, config.blocks - done);
    const seed = (config.seed + run) >>> 0;
    const options = pointOptions(config, fraction, c, blocks, seed);
    const connection = await network.create();
    try {
      const result = await runSimulation(options, connection);
      const m = await measureRun(result, config.n, faulty, config.leaves);
      total.blocks += m.blocks;
      total.excluded += m.excluded;
      total.noRoot += m.noRoot;
      total.eligible += m.eligible;
      total.firstFailures += m.firstFailures;
      total.uncoverable += m.uncoverable;
      total.mispredicted += m.mispredicted;
      total.conserved &&= m.conserved;
    } finally {
      await connection.close();
    }
    total.seeds.push(seed);
    done += blocks;
  }
  total.seconds = (Date.now() - started) / 1000;
  return total;
}

const fixed = (x: number) => x.toFixed(4);
const count = (k: number, of: number) => `${k}/${of}`;

interface Column {
  header: string;
  cell: (p: SweepPoint) => string;
}

function columns(config: SweepConfig): Column[] {
  const chain = (f: (o: OnChainResult) => string) => (p: SweepPoint) =>
    p.onChain === null ? "-" : f(p.onChain);
  return [
    { header: "f/n", cell: (p) => String(p.fraction) },
    { header: "f", cell: (p) => String(p.faulty) },
    { header: "c", cell: (p) => String(p.c) },
    { header: "(f/n)^c", cell: (p) => fixed(p.seed000) },
    { header: "union", cell: (p) => fixed(Math.min(1, p.unionBound)) },
    { header: "approx", cell: (p) => fixed(p.approximation) },
    { header: "exact", cell: (p) => (p.exact === null ? "-" : fixed(p.exact)) },
    { header: `model (${config.trials})`, cell: (p) => fixed(p.model) },
    { header: "chain no-root", cell: chain((o) => count(o.noRoot, o.blocks)) },
    { header: "first-fail", cell: chain((o) => count(o.firstFailures, o.blocks)) },
    { header: "per eligible", cell: chain((o) => count(o.firstFailures, o.eligible)) },
    { header: "uncoverable", cell: chain((o) => count(o.uncoverable, o.blocks)) },
  ];
}

/** The sweep as an aligned plain-text table. */
export function formatSweepTable(points: readonly SweepPoint[], config: SweepConfig): string {
  const cols = columns(config);
  const rows = [cols.map((c) => c.header), ...points.map((p) => cols.map((c) => c.cell(p)))];
  const widths = cols.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((s, i) => s.padStart(widths[i])).join("  ");
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)]
    .join("\n")
    .concat("\n");
}

/** The tolerance the sweep's tree-count line sizes c for. */
export const SWEEP_TREE_TOLERANCE = 0.05;

/**
 * The tree count each rule picks for the sweep's faulty counts at SWEEP_TREE_TOLERANCE:
 * `treeCountFor` (the union bound over every position) against seed 000's `(f/n)^c`.
 */
export function treeCountLine(points: readonly SweepPoint[], config: SweepConfig): string {
  const tolWad = BigInt(Math.round(SWEEP_TREE_TOLERANCE * 1e18));
  const picks = [...new Set(points.map((p) => p.faulty))].map((f) => {
    const pick = (rule: () => number) => {
      try {
        return String(rule());
      } catch {
        return "none";
      }
    };
    const union = pick(() =>
      treeCountFor(BigInt(f), BigInt(config.n), BigInt(config.leaves), tolWad),
    );
    let seed000 = "none";
    for (let c = 1; c <= Math.min(config.n, 16); c++) {
      if (seed000Probability(f, config.n, c) < SWEEP_TREE_TOLERANCE) {
        seed000 = String(c);
        break;
      }
    }
    return `f = ${f}: c = ${union} (seed 000's (f/n)^c: ${seed000})`;
  });
  return (
    `treeCountFor(f, n = ${config.n}, L = ${config.leaves}, tolerance ${SWEEP_TREE_TOLERANCE}): ` +
    `${picks.join("; ")}`
  );
}

/** The sweep as a markdown table, with its parameters. */
export function formatSweepMarkdown(points: readonly SweepPoint[], config: SweepConfig): string {
  const cols = columns(config);
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    `n = ${config.n} (provers = committee), L = ${config.leaves}, W = ${config.window}, ` +
      `seed ${config.seed}, ${config.trials} model trials and ${config.blocks} on-chain blocks ` +
      `per point.`,
    "",
    row(cols.map((c) => c.header)),
    row(cols.map(() => "---:")),
    ...points.map((p) => row(cols.map((c) => c.cell(p)))),
    "",
    treeCountLine(points, config),
    "",
  ].join("\n");
}

/** `npm run sim -- sweep [flags]`: see the module comment and docs/simulation-sweep.md. */
export async function runSweep(config: SweepConfig): Promise<void> {
  const started = Date.now();
  // Fail fast on options the simulator would refuse.
  let perEpoch = 0;
  if (config.blocks > 0) {
    for (const fraction of config.fractions) {
      for (const c of config.trees) validateOptions(pointOptions(config, fraction, c, 1, 0));
    }
    perEpoch = await slotsPerEpoch(pointOptions(config, 0, config.trees[0], 1, 0));
  }
  const total = config.fractions.length * config.trees.length;
  console.log(
    `sweep: n = ${config.n}, L = ${config.leaves}, W = ${config.window}, seed ${config.seed}; ` +
      `${total} points, ${config.trials} model trials and ${config.blocks} on-chain blocks each` +
      (config.blocks > 0 ? ` (runs of <= ${perEpoch} blocks, one committee epoch each)` : ""),
  );
  const points: SweepPoint[] = [];
  for (const fraction of config.fractions) {
    for (const c of config.trees) {
      const faulty = Math.round(fraction * config.n);
      const modelStarted = Date.now();
      const model = noRootProbabilityModel({
        m: config.n,
        c,
        leafCount: config.leaves,
        faulty,
        trials: config.trials,
        seed: config.seed,
      });
      const modelSeconds = (Date.now() - modelStarted) / 1000;
      const onChain =
        config.blocks > 0 ? await onChainPoint(config, fraction, faulty, c, perEpoch) : null;
      const point: SweepPoint = {
        fraction,
        faulty,
        c,
        seed000: seed000Probability(faulty, config.n, c),
        unionBound: (2 * config.leaves - 1) * nodeUncoveredProbability(faulty, config.n, c),
        approximation: noRootApproximation(faulty, config.n, c, config.leaves),
        exact: noRootProbabilityExact(faulty, config.n, c, config.leaves),
        model,
        trials: config.trials,
        modelSeconds,
        onChain,
      };
      points.push(point);
      let line =
        `[${points.length}/${total}] f/n = ${fraction} (f = ${faulty}), c = ${c}: ` +
        `(f/n)^c ${fixed(point.seed000)}, model ${fixed(model)} (${modelSeconds.toFixed(1)} s)`;
      if (onChain !== null) {
        line +=
          `; chain: no root ${count(onChain.noRoot, onChain.blocks)}, first failures ` +
          `${count(onChain.firstFailures, onChain.eligible)} eligible, uncoverable ` +
          `${count(onChain.uncoverable, onChain.blocks)} (${onChain.seconds.toFixed(1)} s)`;
        if (onChain.excluded > 0) line += `, ${onChain.excluded} blocks excluded`;
        if (onChain.mispredicted > 0) line += `, ${onChain.mispredicted} mispredicted`;
        if (!onChain.conserved) line += ", TOKEN ACCOUNTING NOT CONSERVED";
      }
      console.log(line);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${formatSweepTable(points, config)}`);
  console.log(treeCountLine(points, config));
  const runs = points.flatMap((p) => (p.onChain === null ? [] : [p.onChain]));
  if (runs.length > 0) {
    const sum = (f: (o: OnChainResult) => number) => runs.reduce((a, o) => a + f(o), 0);
    console.log(
      `rule check: ${sum((o) => o.mispredicted)} of ${sum((o) => o.eligible)} eligible blocks ` +
        `had accepted root proofs other than the availability rule predicts; ` +
        `${sum((o) => o.excluded)} blocks excluded (committee not as intended)`,
    );
  }
  console.log(`sweep took ${seconds.toFixed(1)} s`);
  if (config.json !== undefined) {
    const { json: _json, markdown: _markdown, ...params } = config;
    await writeFile(config.json, `${JSON.stringify({ params, seconds, points }, null, 2)}\n`);
    console.log(`JSON written to ${config.json}`);
  }
  if (config.markdown !== undefined) {
    await writeFile(config.markdown, formatSweepMarkdown(points, config));
    console.log(`markdown written to ${config.markdown}`);
  }
  if (points.some((p) => p.onChain !== null && !p.onChain.conserved)) process.exitCode = 1;
}
