/**
 * The Ignition parameters files in `deploy/parameters/` and their validation.
 *
 * A parameters file holds one section per Ignition module id plus `$global`; a module reads each
 * of its parameters from its own section first and from `$global` otherwise, exactly as Ignition
 * resolves them (`resolveModuleParameter` in ignition-core). Integers are strings such as `"32n"`
 * (Ignition turns a string matching `/^\d+n$/` into a bigint), booleans are JSON booleans,
 * addresses are `0x` + 40 hex digits.
 *
 * {@link validateParameters} reports every problem before anything is sent: missing and unknown
 * keys and sections, wrong types, every check the constructors make (same boundary, the error the
 * contract would revert with in `enforcedBy`), and the constraints between parameters that the
 * design relies on although no contract enforces them (no `enforcedBy`). docs/parameters.md lists
 * them all. Pure: no Hardhat import, no network.
 *
 * The optional `AssignmentPolicy` section (not an Ignition module: `src/deploy/policy.ts` reads it)
 * names the deployment's assignment policy (docs/policies.md) and its parameters; a policy other
 * than `striped` is deployed first and its address injected as the lifecycle's `policy`.
 */
import { readFile } from "node:fs/promises";

import { getAddress } from "ethers";
import { z } from "zod";

/** A parameters file as read from JSON: module id → parameter → value. */
export type ParametersFile = Record<string, Record<string, string | boolean | number>>;

/** `test`: the `Test*` modules over a fresh `TestStakeToken`; `production`: over an existing ERC20. */
export type ModuleFamily = "test" | "production";

/** One problem found in a parameters file. */
export interface ParameterIssue {
  /** The section the value is written in (or should be): a module id, or `$global`. */
  module: string;
  /** The parameter; empty for a problem with a whole section or file. */
  key: string;
  /** What is wrong, in the protocol's words, with the values involved. */
  message: string;
  /** The other parameters the violated constraint involves (absent for single-key checks). */
  related?: string[];
  /**
   * The on-chain check that rejects the same value at deployment: the contract, the function if
   * not its constructor (`fund` for the pool seeding), and the custom error it reverts with
   * (`Panic(0x11)` for a checked-arithmetic overflow). Absent for checks that only this validator
   * makes.
   */
  enforcedBy?: { contract: string; error: string; call?: string };
}

/** The entry naming the file's JSON Schema, for editors (`"$schema"`); not a section. */
export const SCHEMA_KEY = "$schema";
/** The section every module falls back to. */
export const GLOBAL_SECTION = "$global";
/** Largest uint256. */
export const UINT256_MAX = (1n << 256n) - 1n;
/** 100% in basis points (RewardSplit.BPS, BlockLifecycle.BPS, InvalidWorkSlasher.BPS). */
export const BPS = 10_000n;
/** CommitteeHeap.CAPACITY = TreeAssignment.MAX_COMMITTEE_SIZE. */
export const MAX_COMMITTEE_SIZE = 256n;
/** TreeAssignment.MAX_TREE_COUNT. */
export const MAX_TREE_COUNT = 16n;
/** TreeAssignment.MAX_LEAF_COUNT. */
export const MAX_LEAF_COUNT = 65_536n;
/** Eligibility.BPS: the smallest oversampling factor (alpha = 1). */
export const MIN_OVERSAMPLING_BPS = 10_000n;
/** CommitteeElection.MAX_OVERSAMPLING_BPS (alpha = 100). */
export const MAX_OVERSAMPLING_BPS = 1_000_000n;
/** BlockLifecycle.HISTORY_SLOTS. */
export const HISTORY_SLOTS = 256n;
/** Epochs are uint48 in the stake table's checkpoints (SafeCast.toUint48 of every epoch key). */
export const MAX_EPOCH = (1n << 48n) - 1n;
/**
 * BlockLifecycle.MAX_SLOTS_PER_EPOCH: 256 settlement segments of `SEGMENT_SLOTS` (4) slots, one
 * word of segment bits per epoch.
 */
export const MAX_SLOTS_PER_EPOCH = 1024n;
/**
 * CommitteeElection.MAX_TREE_NODES: the most nodes c · (2L − 1) a block's trees may have, so that
 * a settlement segment at m = 256 with two roots per tree fits one transaction under 2^24
 * (`rewards.settle.segment.atMaxima`).
 */
export const MAX_TREE_NODES = 512n;
/** The zero address: the placeholder of the role addresses in a template file. */
export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** The section naming the assignment policy (read by src/deploy/policy.ts, not by Ignition). */
export const POLICY_SECTION = "AssignmentPolicy";
/** The policy names, in PolicyRecord's id order (striped = 0: built in, no contract). */
export const POLICY_NAMES = [
  "striped",
  "vrfPath",
  "sortedRounds",
  "rankedProofs",
  "siblingCover",
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
/** SortedRoundsPolicy: 1 ≤ roundHeight ≤ 16 (MAX_TREE_COUNT … the deepest tree is 16 levels). */
export const MAX_ROUND_HEIGHT = 16n;
/** RankedProofs.MAX_PROOFS_PER_NODE. */
export const MAX_PROOFS_PER_NODE = 8n;
/** RankedProofs.MAX_ROOTS (tree bits of the lifecycle's provenTrees). */
export const MAX_ROOTS = 16n;

/** The modules of a deployment, in deployment order. */
export type ModuleRole =
  | "stakeTable"
  | "proverNetwork"
  | "blockLifecycle"
  | "proverRewards"
  | "invalidWorkSlasher"
  | "proverSystem";

const ROLES: readonly ModuleRole[] = [
  "stakeTable",
  "proverNetwork",
  "blockLifecycle",
  "proverRewards",
  "invalidWorkSlasher",
  "proverSystem",
];

/** The Ignition module id of each module, per family. */
export const MODULE_IDS: Readonly<Record<ModuleFamily, Readonly<Record<ModuleRole, string>>>> = {
  test: {
    stakeTable: "TestStakeTable",
    proverNetwork: "TestProverNetwork",
    blockLifecycle: "TestBlockLifecycle",
    proverRewards: "TestProverRewards",
    invalidWorkSlasher: "TestInvalidWorkSlasher",
    proverSystem: "TestProverSystem",
  },
  production: {
    stakeTable: "StakeTable",
    proverNetwork: "ProverNetwork",
    blockLifecycle: "BlockLifecycle",
    proverRewards: "ProverRewards",
    invalidWorkSlasher: "InvalidWorkSlasher",
    proverSystem: "ProverSystem",
  },
};

/**
 * How a parameter is written. `uint` carries the ABI width the constructor takes; `role` is an
 * address that must be set to a real account (the zero address is the template's placeholder).
 */
type Kind =
  | { type: "uint"; bits: number }
  | { type: "bool" }
  | { type: "address"; role: boolean }
  | { type: "string" }
  | { type: "enum"; values: readonly string[] };

const uint256: Kind = { type: "uint", bits: 256 };
const bool: Kind = { type: "bool" };
const role: Kind = { type: "address", role: true };
const address: Kind = { type: "address", role: false };
const text: Kind = { type: "string" };

const STAKE_TABLE_KEYS: Readonly<Record<string, Kind>> = {
  minimumStake: uint256,
  epochLength: uint256,
  activationLag: uint256,
  lookahead: uint256,
  seedLookback: uint256,
  exitDelay: uint256,
  proofWindow: uint256,
  slashingWindow: uint256,
  slashSink: address,
  admin: role,
  slasher: role,
};

/** The parameters each module reads with `m.getParameter` (deploy/modules/*.ts). */
function moduleKeys(family: ModuleFamily, r: ModuleRole): Readonly<Record<string, Kind>> {
  switch (r) {
    case "stakeTable":
      return family === "test"
        ? { tokenName: text, tokenSymbol: text, tokenOwner: role, ...STAKE_TABLE_KEYS }
        : { stakeToken: address, ...STAKE_TABLE_KEYS };
    case "proverNetwork":
      return {
        revealWindow: uint256,
        committeeSize: { type: "uint", bits: 16 },
        oversamplingBps: { type: "uint", bits: 32 },
        treeCount: { type: "uint", bits: 8 },
        leafCount: { type: "uint", bits: 32 },
        admin: role,
        governor: role,
      };
    case "blockLifecycle":
      return {
        slotLength: uint256,
        proposalPhase: uint256,
        dataTimeout: uint256,
        faultToleranceBps: uint256,
        feeSplitScoring: bool,
        policy: address,
      };
    case "proverRewards":
      return {
        blockReward: uint256,
        sequencerBps: uint256,
        proverBps: uint256,
        submitterBps: uint256,
        proverBurnBps: uint256,
        burnUnprovenShare: bool,
        inactivityThreshold: uint256,
        inactivitySlash: uint256,
      };
    case "invalidWorkSlasher":
      return { slashAmount: uint256, reporterBps: uint256 };
    case "proverSystem":
      return { initialPool: uint256 };
  }
}

/**
 * The keys of the `AssignmentPolicy` section. Only `name` is always required; each policy's own
 * keys are required (and range-checked) when it is the one named; `feeBurnBps` defaults to the
 * rewards' `proverBurnBps`.
 */
const POLICY_KEYS: Readonly<Record<string, Kind>> = {
  name: { type: "enum", values: POLICY_NAMES },
  roundHeight: uint256,
  proofsPerNode: uint256,
  maxRoots: uint256,
  feeBurnBps: uint256,
  uncleReward: uint256,
};

/** The keys each named policy needs (feeBurnBps has a default). */
const POLICY_REQUIRED: Readonly<Record<PolicyName, readonly string[]>> = {
  striped: [],
  vrfPath: [],
  sortedRounds: ["roundHeight"],
  rankedProofs: ["proofsPerNode", "maxRoots"],
  siblingCover: ["uncleReward"],
};

/** The assignment policy a file deploys, with its constructor arguments. */
export interface PolicyParameters {
  name: PolicyName;
  roundHeight?: bigint;
  proofsPerNode?: bigint;
  maxRoots?: bigint;
  feeBurnBps?: bigint;
  uncleReward?: bigint;
}

/**
 * The `AssignmentPolicy` section as written (`striped` when absent); integers parsed, nothing
 * checked beyond that (run {@link validateParameters} first).
 */
export function policyParametersOf(file: ParametersFile): PolicyParameters {
  const section = sectionOf(file, POLICY_SECTION);
  const name = section?.name;
  const policy: PolicyParameters = {
    name: (POLICY_NAMES as readonly unknown[]).includes(name) ? (name as PolicyName) : "striped",
  };
  for (const key of [
    "roundHeight",
    "proofsPerNode",
    "maxRoots",
    "feeBurnBps",
    "uncleReward",
  ] as const) {
    const raw = section?.[key];
    if (typeof raw === "string" && /^\d+n$/.test(raw)) policy[key] = BigInt(raw.slice(0, -1));
  }
  return policy;
}

/** The module ids a family deploys, in deployment order. */
export function moduleIds(family: ModuleFamily): string[] {
  return ROLES.map((r) => MODULE_IDS[family][r]);
}

/** The parameters a module id reads, or undefined for an id of neither family. */
export function parametersOf(moduleId: string): string[] | undefined {
  if (moduleId === POLICY_SECTION) return Object.keys(POLICY_KEYS);
  for (const family of ["test", "production"] as const) {
    for (const r of ROLES) {
      if (MODULE_IDS[family][r] === moduleId) return Object.keys(moduleKeys(family, r));
    }
  }
  return undefined;
}

/** Which family a file deploys, by the module ids present. Throws if neither or both. */
export function familyOf(file: ParametersFile): ModuleFamily {
  const sections = Object.keys(file);
  const present = (family: ModuleFamily) => moduleIds(family).filter((id) => sections.includes(id));
  const test = present("test");
  const production = present("production");
  if (test.length > 0 && production.length > 0) {
    throw new Error(
      `the parameters file mixes both module families: Test modules (${test.join(", ")}) for ` +
        `TestProverSystem and production modules (${production.join(", ")}) for ProverSystem; ` +
        `keep one family`,
    );
  }
  if (test.length > 0) return "test";
  if (production.length > 0) return "production";
  throw new Error(
    `the parameters file has no section of a known module: expected ` +
      `${moduleIds("test").join(", ")} (TestProverSystem) or ` +
      `${moduleIds("production").join(", ")} (ProverSystem)`,
  );
}

/**
 * The value a module reads for `key`, as Ignition resolves it: the module's own section first,
 * then `$global`; undefined if neither has it.
 */
export function resolveParameter(
  file: ParametersFile,
  moduleId: string,
  key: string,
): string | boolean | number | undefined {
  const from = locationOf(file, moduleId, key);
  return from === undefined ? undefined : sectionOf(file, from)?.[key];
}

function sectionOf(
  file: ParametersFile,
  id: string,
): Record<string, string | boolean | number> | undefined {
  const section: unknown = Object.hasOwn(file, id) ? file[id] : undefined;
  return isRecord(section) ? (section as Record<string, string | boolean | number>) : undefined;
}

/** Where a module's value comes from: its own section, `$global`, or nowhere. */
function locationOf(file: ParametersFile, moduleId: string, key: string): string | undefined {
  const own = sectionOf(file, moduleId);
  if (own !== undefined && Object.hasOwn(own, key) && own[key] !== undefined) return moduleId;
  const global = sectionOf(file, GLOBAL_SECTION);
  if (global !== undefined && Object.hasOwn(global, key) && global[key] !== undefined) {
    return GLOBAL_SECTION;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

type Value = bigint | boolean | string;

/**
 * The zod schema of one written value: its type, format and ABI width, with the validator's
 * message naming the key. The parsed output is the value the constraint checks use (a bigint, a
 * boolean, a checksummed address or a text). Single-key constructor ranges and every rule between
 * keys stay in {@link validateParameters}, with the contract and error that enforce them.
 */
function valueSchema(key: string, kind: Kind): z.ZodType<Value, unknown> {
  const described = DESCRIPTIONS[kind.type](kind);
  switch (kind.type) {
    case "uint": {
      const max = (1n << BigInt(kind.bits)) - 1n;
      const notInteger = (raw: unknown) =>
        typeof raw === "number"
          ? `${key} must be written as a string ending in n, e.g. "${Number.isInteger(raw) && raw >= 0 ? raw : 32}n" (got the JSON number ${raw})`
          : `${key} must be a non-negative integer written as a string ending in n, e.g. "32n" (got ${show(raw)})`;
      return z
        .string({ error: (issue) => notInteger(issue.input) })
        .regex(UINT_PATTERN, { error: (issue) => notInteger(issue.input) })
        .transform((raw) => BigInt(raw.slice(0, -1)))
        .superRefine((value, ctx) => {
          if (value > max) {
            ctx.addIssue({
              code: "custom",
              message: `${key} (${value}) does not fit the constructor's uint${kind.bits} (at most ${max})`,
            });
          }
        })
        .meta({ description: described });
    }
    case "bool":
      return z
        .boolean({
          error: (issue) =>
            `${key} must be a JSON boolean, true or false (got ${show(issue.input)})`,
        })
        .meta({ description: described });
    case "address":
      return z
        .string({
          error: (issue) =>
            `${key} must be an address, 0x followed by 40 hex digits (got ${show(issue.input)})`,
        })
        .regex(ADDRESS_PATTERN, {
          error: (issue) =>
            `${key} must be an address, 0x followed by 40 hex digits (got ${show(issue.input)})`,
        })
        .transform((raw, ctx) => {
          try {
            return getAddress(raw);
          } catch {
            ctx.addIssue({
              code: "custom",
              message: `${key} (${raw}) has a wrong EIP-55 checksum: write it all lowercase or with its correct checksum`,
            });
            return z.NEVER;
          }
        })
        .meta({ description: described });
    case "string":
      return z
        .string({
          error: (issue) => `${key} must be a non-empty string (got ${show(issue.input)})`,
        })
        .min(1, {
          error: (issue) => `${key} must be a non-empty string (got ${show(issue.input)})`,
        })
        .superRefine((raw, ctx) => {
          if (UINT_PATTERN.test(raw)) {
            ctx.addIssue({
              code: "custom",
              message: `${key} (${show(raw)}) would be read by Ignition as the integer ${raw.slice(0, -1)}; choose another text`,
            });
          }
        })
        .meta({ description: described });
    case "enum": {
      const values = kind.values as [string, ...string[]];
      return z
        .enum(values, {
          error: (issue) => {
            const hint = closest(String(issue.input), values);
            return (
              `${key} (${show(issue.input)}) must be one of ${values.join(", ")}` +
              (hint !== undefined ? `; did you mean "${hint}"?` : "")
            );
          },
        })
        .meta({ description: described });
    }
  }
}

/** How Ignition writes an integer: decimal digits and `n`. */
const UINT_PATTERN = /^\d+n$/;
const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;
const DOCS = "docs/parameters.md";

/** The JSON Schema description of each kind (an editor shows it on hover). */
const DESCRIPTIONS: { [T in Kind["type"]]: (kind: Kind) => string } = {
  uint: (kind) =>
    `uint${kind.type === "uint" ? kind.bits : 256}, written as a string of decimal digits ending in n, e.g. "32n" (${DOCS})`,
  bool: () => `true or false (${DOCS})`,
  address: (kind) =>
    kind.type === "address" && kind.role
      ? `a role's address, 0x + 40 hex digits, all lowercase or EIP-55; not the zero address (${DOCS})`
      : `an address, 0x + 40 hex digits, all lowercase or EIP-55 (${DOCS})`,
  string: () => `a non-empty text that does not look like "32n" (${DOCS})`,
  enum: (kind) => `one of ${kind.type === "enum" ? kind.values.join(", ") : ""} (${DOCS})`,
};

function show(raw: unknown): string {
  if (raw === undefined) return "nothing";
  if (typeof raw === "bigint") return `${raw}n`;
  return JSON.stringify(raw) ?? String(raw);
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return row[b.length];
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 4))
    ? best
    : undefined;
}

/** Collects issues without duplicates (a `$global` value read by two modules is reported once). */
class Issues {
  readonly list: ParameterIssue[] = [];
  private readonly seen = new Set<string>();

  add(issue: ParameterIssue): void {
    const id = `${issue.module}\u0000${issue.key}\u0000${issue.message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.list.push(issue);
  }
}

/** The resolved, well-typed values of one family's modules, for the constraint checks. */
class Resolved {
  constructor(
    private readonly file: ParametersFile,
    private readonly family: ModuleFamily,
    private readonly issues: Issues,
    private readonly valid: Map<string, Map<string, Value>>,
  ) {}

  fileOf(): ParametersFile {
    return this.file;
  }

  id(r: ModuleRole): string {
    return MODULE_IDS[this.family][r];
  }

  /** The section `key` is read from by module `r` (its own id when missing). */
  where(r: ModuleRole, key: string): string {
    return locationOf(this.file, this.id(r), key) ?? this.id(r);
  }

  num(r: ModuleRole, key: string): bigint | undefined {
    const v = this.valid.get(this.id(r))?.get(key);
    return typeof v === "bigint" ? v : undefined;
  }

  text(r: ModuleRole, key: string): string | undefined {
    const v = this.valid.get(this.id(r))?.get(key);
    return typeof v === "string" ? v : undefined;
  }

  flag(
    r: ModuleRole,
    key: string,
    message: string,
    options: { related?: string[]; contract?: string; error?: string; call?: string } = {},
  ): void {
    const issue: ParameterIssue = { module: this.where(r, key), key, message };
    if (options.related !== undefined && options.related.length > 0) {
      issue.related = options.related;
    }
    if (options.contract !== undefined && options.error !== undefined) {
      issue.enforcedBy = { contract: options.contract, error: options.error };
      if (options.call !== undefined) issue.enforcedBy.call = options.call;
    }
    this.issues.add(issue);
  }
}

/** The zod schemas of one family: the whole file and each section's values. */
interface FamilyShape {
  schema: z.ZodType<unknown, unknown>;
  /** Section id ($global, the module ids, AssignmentPolicy) → key → the value's schema. */
  sections: Map<string, Readonly<Record<string, z.ZodType<Value, unknown>>>>;
}

const shapes = new Map<ModuleFamily, FamilyShape>();

/** Every key a family's modules read, with its kind: what `$global` may hold. */
function globalKeys(family: ModuleFamily): Map<string, Kind> {
  const keys = new Map<string, Kind>();
  for (const r of ROLES) {
    for (const [key, kind] of Object.entries(moduleKeys(family, r))) keys.set(key, kind);
  }
  return keys;
}

/**
 * One family's file: `$schema` (for editors, ignored), `$global` with any key of the family, each
 * module's section with its own keys, and the optional `AssignmentPolicy`; every key optional
 * here (a key missing from both its section and `$global` is reported by the validator), and no
 * key or section beyond these.
 */
function shapeOf(family: ModuleFamily): FamilyShape {
  const cached = shapes.get(family);
  if (cached !== undefined) return cached;
  const values = (keys: Iterable<[string, Kind]>) =>
    Object.fromEntries([...keys].map(([key, kind]) => [key, valueSchema(key, kind)]));
  const sections = new Map<string, Readonly<Record<string, z.ZodType<Value, unknown>>>>([
    [GLOBAL_SECTION, values(globalKeys(family))],
    ...ROLES.map(
      (r) =>
        [MODULE_IDS[family][r], values(Object.entries(moduleKeys(family, r)))] as [
          string,
          Record<string, z.ZodType<Value, unknown>>,
        ],
    ),
    [POLICY_SECTION, values(Object.entries(POLICY_KEYS))],
  ]);
  const section = (id: string, of: Readonly<Record<string, z.ZodType<Value, unknown>>>) =>
    z
      .strictObject(
        Object.fromEntries(Object.entries(of).map(([key, schema]) => [key, schema.optional()])),
        {
          error: (issue) =>
            `section "${id}" must be a JSON object of parameters (got ${show(issue.input)})`,
        },
      )
      .optional()
      .meta({ description: SECTION_DESCRIPTIONS[id] ?? `${id} (${DOCS})` });
  const schema = z
    .strictObject({
      [SCHEMA_KEY]: z
        .string({ error: "$schema must be a text: the path or URL of this file's JSON Schema" })
        .optional()
        .meta({ description: "the JSON Schema of this file, for editors; ignored when loading" }),
      ...Object.fromEntries([...sections].map(([id, of]) => [id, section(id, of)])),
    })
    .meta({
      title: `Parameters file, ${family} family (${MODULE_IDS[family].proverSystem})`,
    });
  const shape = { schema, sections };
  shapes.set(family, shape);
  return shape;
}

/** What each section is, for the JSON Schema. */
const SECTION_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [GLOBAL_SECTION]: `values every module reads unless its own section sets them (${DOCS})`,
  [POLICY_SECTION]: `the assignment policy (docs/policies.md); absent: striped (${DOCS})`,
  ...Object.fromEntries(
    (["test", "production"] as const).flatMap((family) =>
      ROLES.map((r) => [
        MODULE_IDS[family][r],
        `the parameters of the Ignition module ${MODULE_IDS[family][r]} (${DOCS})`,
      ]),
    ),
  ),
};

/**
 * The zod schema of a parameters file of either family (shape, types, formats and ABI widths).
 * {@link validateParameters} runs the schema of the file's family and then the rules between
 * keys; `npm run schema` writes this schema as JSON Schema to `schemas/parameters.schema.json`.
 */
export function parametersFileSchema(): z.ZodType<unknown, unknown> {
  return z.union([shapeOf("test").schema, shapeOf("production").schema]);
}

/** The committed JSON Schema's path, relative to the repository root. */
export const PARAMETERS_JSON_SCHEMA_PATH = "schemas/parameters.schema.json";

/** {@link parametersFileSchema} as JSON Schema (draft-07, which editors complete from). */
export function parametersJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(parametersFileSchema(), { io: "input", target: "draft-7" }),
    title: "Parameters file of the cooperative prover network (deploy/parameters/*.json)",
    description:
      "One section per Ignition module plus $global; integers are strings ending in n. " +
      "Generated by npm run schema from src/protocol/parameters.ts; the rules between keys " +
      `are checked by validateParameters (${DOCS}).`,
  };
}

/** The committed file's text: {@link parametersJsonSchema}, two-space indented, a final newline. */
export function parametersJsonSchemaText(): string {
  return `${JSON.stringify(parametersJsonSchema(), null, 2)}\n`;
}

/** A schema issue in the validator's words: unknown sections and keys get the one meant. */
function describeSchemaIssue(
  file: ParametersFile,
  family: ModuleFamily,
  issue: z.core.$ZodIssue,
): ParameterIssue[] {
  const [section, key] = issue.path.map(String);
  const ids = moduleIds(family);
  if (issue.code === "unrecognized_keys" && section === undefined) {
    return issue.keys.map((unknown) => {
      const hint = closest(unknown, [GLOBAL_SECTION, ...ids, POLICY_SECTION]);
      return {
        module: unknown,
        key: "",
        message:
          `unknown module id "${unknown}": the ${family} family reads ${GLOBAL_SECTION} and ` +
          `${ids.join(", ")}` +
          (hint !== undefined ? `; did you mean "${hint}"?` : ""),
      };
    });
  }
  if (issue.code === "unrecognized_keys" && key === undefined) {
    const everyKey = [...globalKeys(family).keys()];
    const own =
      section === GLOBAL_SECTION
        ? everyKey
        : section === POLICY_SECTION
          ? Object.keys(POLICY_KEYS)
          : (parametersOf(section) ?? []);
    return issue.keys.map((unknown) => {
      if (section === GLOBAL_SECTION) {
        const hint = closest(unknown, everyKey);
        return {
          module: section,
          key: unknown,
          message:
            `unknown parameter "${unknown}": no module of the ${family} family reads it` +
            (hint !== undefined ? `; did you mean "${hint}"?` : ""),
        };
      }
      const owners = ids.filter((id) => parametersOf(id)?.includes(unknown) === true);
      const hint = closest(unknown, own);
      return {
        module: section,
        key: unknown,
        message:
          `unknown parameter "${unknown}": ${section} does not read it` +
          (owners.length > 0
            ? `; it belongs in ${owners.join(" or ")} (or ${GLOBAL_SECTION})`
            : hint !== undefined
              ? `; did you mean "${hint}"?`
              : ""),
      };
    });
  }
  if (
    section !== undefined &&
    section !== SCHEMA_KEY &&
    key === undefined &&
    issue.code === "invalid_type"
  ) {
    return [
      {
        module: section,
        key: "",
        message: `section "${section}" must be a JSON object of parameters (got ${show(file[section])})`,
      },
    ];
  }
  return [{ module: section ?? "", key: key ?? "", message: issue.message }];
}

const PANIC_OVERFLOW = "Panic(0x11)";

/**
 * Every problem in `file`; an empty array means the file can be deployed as it is. Never throws
 * for a malformed file: a file of neither (or both) families gives one issue.
 */
export function validateParameters(file: ParametersFile): ParameterIssue[] {
  const issues = new Issues();
  if (!isRecord(file)) {
    return [{ module: "", key: "", message: "the parameters file must be a JSON object" }];
  }
  let family: ModuleFamily;
  try {
    family = familyOf(file);
  } catch (error) {
    return [{ module: "", key: "", message: (error as Error).message }];
  }
  const kinds = new Map(ROLES.map((r) => [MODULE_IDS[family][r], moduleKeys(family, r)]));
  const shape = shapeOf(family);

  // Shape and types, through the family's zod schema: unknown sections and keys (with the key or
  // section meant), values of the wrong type, format or ABI width.
  const checked = shape.schema.safeParse(file);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      for (const found of describeSchemaIssue(file, family, issue)) issues.add(found);
    }
  }

  // The values the schema accepts, per section and key, for the checks between keys below.
  const parsed = new Map<string, Map<string, Value>>();
  for (const [section, values] of shape.sections) {
    const content: unknown = Object.hasOwn(file, section) ? file[section] : undefined;
    if (!isRecord(content)) continue;
    const valid = new Map<string, Value>();
    parsed.set(section, valid);
    for (const [key, schema] of Object.entries(values)) {
      if (!Object.hasOwn(content, key) || content[key] === undefined) continue;
      const result = schema.safeParse(content[key]);
      if (result.success) valid.set(key, result.data);
    }
  }

  // What each module resolves (own section, then $global), and the missing ones.
  const valid = new Map<string, Map<string, Value>>();
  for (const r of ROLES) {
    const id = MODULE_IDS[family][r];
    const values = new Map<string, Value>();
    valid.set(id, values);
    for (const key of Object.keys(kinds.get(id) ?? {})) {
      const from = locationOf(file, id, key);
      if (from === undefined) {
        issues.add({
          module: id,
          key,
          message: `missing: ${id} reads ${key}; set it in "${id}" (or in "${GLOBAL_SECTION}")`,
        });
        continue;
      }
      const value = parsed.get(from)?.get(key);
      if (value !== undefined) values.set(key, value);
    }
  }

  const v = new Resolved(file, family, issues, valid);
  checkAddresses(v, family);
  checkStakeTable(v);
  checkElection(v);
  checkLifecycle(v);
  checkRewards(v);
  checkSlasher(v);
  checkSystem(v);
  checkPolicy(v, issues, parsed.get(POLICY_SECTION), sectionOf(file, POLICY_SECTION) !== undefined);
  return issues.list;
}

/**
 * The `AssignmentPolicy` section: the name, the named policy's keys (required, at their
 * constructor's boundaries: `InvalidPolicyParameter`), and the lifecycle's `policy` address,
 * which must stay zero when the deployment deploys the policy itself.
 */
function checkPolicy(
  v: Resolved,
  issues: Issues,
  values: Map<string, Value> | undefined,
  present: boolean,
): void {
  if (!present) return;
  const module = POLICY_SECTION;
  const raw = values?.get("name");
  if (values === undefined || !values.has("name")) {
    if (!issues.list.some((i) => i.module === module && i.key === "name")) {
      issues.add({
        module,
        key: "name",
        message: `missing: ${module} needs name, one of ${POLICY_NAMES.join(", ")}`,
      });
    }
    return;
  }
  // The schema accepted the name (an enum of POLICY_NAMES); an unknown one is reported there.
  const name = raw as PolicyName;
  const contract = `${name.charAt(0).toUpperCase()}${name.slice(1)}Policy`;
  const error = "InvalidPolicyParameter";
  for (const key of POLICY_REQUIRED[name]) {
    if (!values.has(key) && sectionOf(v.fileOf(), module)?.[key] === undefined) {
      issues.add({ module, key, message: `missing: the ${name} policy reads ${key}` });
    }
  }
  const num = (key: string) => {
    const value = values.get(key);
    return typeof value === "bigint" ? value : undefined;
  };
  const range = (key: string, min: bigint, max: bigint, what: string) => {
    const value = num(key);
    if (value !== undefined && (value < min || value > max)) {
      issues.add({
        module,
        key,
        message: `${key} (${value}) must be in ${min} … ${max} (${what})`,
        enforcedBy: { contract, error },
      });
    }
  };
  if (name === "sortedRounds") range("roundHeight", 1n, MAX_ROUND_HEIGHT, "levels per round");
  if (name === "rankedProofs") {
    range("proofsPerNode", 1n, MAX_PROOFS_PER_NODE, "proofs credited per node");
    range("maxRoots", 1n, MAX_ROOTS, "competing roots per block");
    range("feeBurnBps", 0n, BPS, "FEE_BURN in basis points");
  }
  if (name === "siblingCover" && num("uncleReward") === 0n) {
    issues.add({
      module,
      key: "uncleReward",
      message: "uncleReward (0) must be ≥ 1 token unit (paid from the pool per uncle claim)",
      enforcedBy: { contract, error },
    });
  }
  const address = v.text("blockLifecycle", "policy");
  if (name !== "striped" && address !== undefined && address !== ZERO_ADDRESS) {
    v.flag(
      "blockLifecycle",
      "policy",
      `policy (${address}) must be the zero address when ${module}.name is ${name}: the ` +
        `deployment deploys the ${contract} and injects its address`,
      { related: ["name"] },
    );
  }
}

/** Zero addresses (placeholders, missing sinks and tokens) and the deployer's two roles. */
function checkAddresses(v: Resolved, family: ModuleFamily): void {
  const placeholder = (key: string, what: string) =>
    `${key} is the zero address (the template's placeholder): set it to your deployer's ` +
    `address (${what})`;
  const zero = (r: ModuleRole, key: string) => v.text(r, key) === ZERO_ADDRESS;

  if (family === "test" && zero("stakeTable", "tokenOwner")) {
    v.flag(
      "stakeTable",
      "tokenOwner",
      placeholder("tokenOwner", "the TestStakeToken's owner, who mints the initial pool"),
      { contract: "TestStakeToken", error: "OwnableInvalidOwner" },
    );
  }
  if (family === "production" && zero("stakeTable", "stakeToken")) {
    v.flag(
      "stakeTable",
      "stakeToken",
      "stakeToken is the zero address: set it to the existing ERC20 that operators stake",
      { contract: "StakeTable", error: "ZeroAddress" },
    );
  }
  if (zero("stakeTable", "slashSink")) {
    v.flag(
      "stakeTable",
      "slashSink",
      "slashSink is the zero address: slashed tokens need a receiver, e.g. the burn address " +
        "0x000000000000000000000000000000000000dEaD or a treasury",
      { contract: "StakeTable", error: "ZeroAddress" },
    );
  }
  if (zero("stakeTable", "admin")) {
    v.flag(
      "stakeTable",
      "admin",
      placeholder("admin", "it holds DEFAULT_ADMIN_ROLE of the stake table and the election"),
      { contract: "StakeTable", error: "ZeroAddress" },
    );
  }
  if (zero("proverNetwork", "admin")) {
    v.flag(
      "proverNetwork",
      "admin",
      placeholder("admin", "it holds DEFAULT_ADMIN_ROLE of the stake table and the election"),
      { contract: "CommitteeElection", error: "ZeroAddress" },
    );
  }
  if (zero("stakeTable", "slasher")) {
    v.flag(
      "stakeTable",
      "slasher",
      placeholder(
        "slasher",
        "or to the account that should hold the stake table's initial SLASHER_ROLE",
      ),
    );
  }
  if (zero("proverNetwork", "governor")) {
    v.flag(
      "proverNetwork",
      "governor",
      placeholder(
        "governor",
        "or to the account that may schedule the election's parameter changes",
      ),
    );
  }

  // TestProverSystem's sender mints the pool as the token's owner and grants SLASHER_ROLE as the
  // stake table's admin: both must be the deploying account.
  const owner = v.text("stakeTable", "tokenOwner");
  const admin = v.text("stakeTable", "admin");
  if (family === "test" && owner !== undefined && admin !== undefined && owner !== admin) {
    v.flag(
      "stakeTable",
      "tokenOwner",
      `tokenOwner (${owner}) must equal the stake table's admin (${admin}): TestProverSystem's ` +
        `sender mints the initial pool as the token's owner and grants SLASHER_ROLE as the admin, ` +
        `so both are the deploying account`,
      { related: ["admin"] },
    );
  }
}

/** StakeTable's constructor, with EpochClock's and RandaoBeacon's, in their order. */
function checkStakeTable(v: Resolved): void {
  const st = "stakeTable";
  const contract = "StakeTable";
  const epochLength = v.num(st, "epochLength");
  const lookahead = v.num(st, "lookahead");
  const seedLookback = v.num(st, "seedLookback");
  const minimumStake = v.num(st, "minimumStake");
  const activationLag = v.num(st, "activationLag");
  const exitDelay = v.num(st, "exitDelay");
  const proofWindow = v.num(st, "proofWindow");
  const slashingWindow = v.num(st, "slashingWindow");

  if (epochLength === 0n) {
    v.flag(st, "epochLength", "epochLength (0) must be ≥ 1 L1 block", {
      contract,
      error: "EpochLengthZero",
    });
  }
  if (lookahead !== undefined && lookahead < 2n) {
    v.flag(
      st,
      "lookahead",
      `lookahead (${lookahead}) must be ≥ 2 epochs: the seed of epoch e comes from a RANDAO ` +
        `checkpoint at least 2 epochs earlier, so the proposers near e cannot grind it`,
      { contract, error: "LookaheadTooShort" },
    );
  }
  if (seedLookback === 0n) {
    v.flag(
      st,
      "seedLookback",
      "seedLookback (0) must be ≥ 1 epoch: a seed lookup scans this many epochs for a checkpoint",
      { contract, error: "SeedLookbackZero" },
    );
  }
  if (minimumStake === 0n) {
    v.flag(st, "minimumStake", "minimumStake (0) must be ≥ 1 token unit", {
      contract,
      error: "MinimumStakeZero",
    });
  }
  if (activationLag !== undefined && lookahead !== undefined && activationLag <= lookahead) {
    v.flag(
      st,
      "activationLag",
      `activationLag (${activationLag}) must be > lookahead (${lookahead}): the key set and ` +
        `stake of an epoch must be fixed before its seed is known, or keys could be ground ` +
        `against it`,
      { related: ["lookahead"], contract, error: "ActivationLagTooShort" },
    );
  }
  if (proofWindow !== undefined && slashingWindow !== undefined) {
    const sum = proofWindow + slashingWindow;
    if (sum > UINT256_MAX) {
      v.flag(
        st,
        "proofWindow",
        `proofWindow + slashingWindow (${proofWindow} + ${slashingWindow}) overflows uint256: ` +
          `the stake table adds them to check exitDelay`,
        { related: ["slashingWindow"], contract, error: PANIC_OVERFLOW },
      );
    } else if (exitDelay !== undefined && exitDelay < sum) {
      v.flag(
        st,
        "exitDelay",
        `exitDelay (${exitDelay}) must be ≥ proofWindow + slashingWindow ` +
          `(${proofWindow} + ${slashingWindow} = ${sum}): an exiting operator's stake must ` +
          `stay slashable until the proof and slashing windows of every block it was elected ` +
          `for have closed`,
        { related: ["proofWindow", "slashingWindow"], contract, error: "ExitDelayTooShort" },
      );
    }
  }

  // Not enforced by the constructor.
  if (activationLag !== undefined && activationLag > MAX_EPOCH) {
    v.flag(
      st,
      "activationLag",
      `activationLag (${activationLag}) must be ≤ 2^48 − 1 (${MAX_EPOCH}) epochs: stake ` +
        `checkpoints key epochs as uint48, so every registration would revert ` +
        `(SafeCastOverflowedUintDowncast)`,
    );
  }
  if (slashingWindow === 0n) {
    v.flag(
      st,
      "slashingWindow",
      "slashingWindow (0) must be ≥ 1 L1 block: evidence of invalid work signed at the end of " +
        "a proof window, and inactivity slashes after an epoch is settled, can only land after " +
        "the window closes",
    );
  }
}

/** CommitteeElection's constructor (and TreeAssignment.checkShape), in its order. */
function checkElection(v: Resolved): void {
  const pn = "proverNetwork";
  const contract = "CommitteeElection";
  const epochLength = v.num("stakeTable", "epochLength");
  const revealWindow = v.num(pn, "revealWindow");
  const n = v.num(pn, "committeeSize");
  const alpha = v.num(pn, "oversamplingBps");
  const c = v.num(pn, "treeCount");
  const leaves = v.num(pn, "leafCount");

  if (revealWindow !== undefined) {
    if (revealWindow === 0n) {
      v.flag(pn, "revealWindow", "revealWindow (0) must be ≥ 1 L1 block", {
        contract,
        error: "InvalidRevealWindow",
      });
    } else if (epochLength !== undefined && revealWindow > epochLength) {
      v.flag(
        pn,
        "revealWindow",
        `revealWindow (${revealWindow}) must be ≤ epochLength (${epochLength}): the window is ` +
          `the last revealWindow L1 blocks of the epoch before`,
        { related: ["epochLength"], contract, error: "InvalidRevealWindow" },
      );
    }
  }
  if (n !== undefined && (n === 0n || n > MAX_COMMITTEE_SIZE)) {
    v.flag(
      pn,
      "committeeSize",
      `committeeSize (${n}) must be 1 … ${MAX_COMMITTEE_SIZE} members (the committee heap's capacity)`,
      { contract, error: "InvalidCommitteeSize" },
    );
  }
  if (alpha !== undefined && (alpha < MIN_OVERSAMPLING_BPS || alpha > MAX_OVERSAMPLING_BPS)) {
    v.flag(
      pn,
      "oversamplingBps",
      `oversamplingBps (${alpha}) must be ${MIN_OVERSAMPLING_BPS} … ${MAX_OVERSAMPLING_BPS} ` +
        `basis points (alpha = 1 … 100)`,
      { contract, error: "InvalidOversampling" },
    );
  }
  if (c !== undefined) {
    const nValid = n !== undefined && n >= 1n && n <= MAX_COMMITTEE_SIZE;
    if (c === 0n || c > MAX_TREE_COUNT) {
      v.flag(pn, "treeCount", `treeCount (${c}) must be 1 … ${MAX_TREE_COUNT} trees`, {
        contract,
        error: "InvalidTreeCount",
      });
    } else if (nValid && c > n) {
      v.flag(
        pn,
        "treeCount",
        `treeCount (${c}) must be ≤ committeeSize (${n}): a full committee must be able to ` +
          `give every node position distinct provers across the trees`,
        { related: ["committeeSize"], contract, error: "InvalidTreeCount" },
      );
    }
  }
  if (leaves !== undefined) {
    const power = leaves !== 0n && (leaves & (leaves - 1n)) === 0n;
    if (!power || leaves > MAX_LEAF_COUNT) {
      v.flag(
        pn,
        "leafCount",
        `leafCount (${leaves}) must be a power of two in 1 … ${MAX_LEAF_COUNT} (chunks per tree)`,
        { contract, error: "InvalidLeafCount" },
      );
    } else if (
      c !== undefined &&
      c >= 1n &&
      c <= MAX_TREE_COUNT &&
      c * (2n * leaves - 1n) > MAX_TREE_NODES
    ) {
      v.flag(
        pn,
        "leafCount",
        `treeCount × (2 × leafCount − 1) (${c} × ${2n * leaves - 1n} = ${c * (2n * leaves - 1n)}) ` +
          `must be ≤ ${MAX_TREE_NODES} tree nodes per block: a settlement segment at m = 256 ` +
          `must fit one transaction under 2^24 gas`,
        { related: ["treeCount"], contract, error: "TooManyTreeNodes" },
      );
    }
  }
}

/** BlockLifecycle's constructor, in its order, with its checked arithmetic. */
function checkLifecycle(v: Resolved): void {
  const bl = "blockLifecycle";
  const contract = "BlockLifecycle";
  const epochLength = v.num("stakeTable", "epochLength");
  const window = v.num("stakeTable", "proofWindow");
  const slot = v.num(bl, "slotLength");
  const phase = v.num(bl, "proposalPhase");
  const delta = v.num(bl, "dataTimeout");
  const tolerance = v.num(bl, "faultToleranceBps");

  if (slot === 0n) {
    v.flag(bl, "slotLength", "slotLength (0) must be ≥ 1 L1 block", {
      contract,
      error: "InvalidSlotLength",
    });
  } else if (slot !== undefined && epochLength !== undefined && epochLength % slot !== 0n) {
    v.flag(
      bl,
      "slotLength",
      `slotLength (${slot}) must divide epochLength (${epochLength}) (epochLength % slotLength = ` +
        `${epochLength % slot}): slots never straddle epochs`,
      { related: ["epochLength"], contract, error: "InvalidSlotLength" },
    );
  } else if (
    slot !== undefined &&
    epochLength !== undefined &&
    epochLength / slot > MAX_SLOTS_PER_EPOCH
  ) {
    v.flag(
      bl,
      "slotLength",
      `epochLength / slotLength (${epochLength / slot}) must be ≤ ${MAX_SLOTS_PER_EPOCH} slots ` +
        `per epoch: every epoch settles in one transaction`,
      { related: ["epochLength"], contract, error: "TooManySlotsPerEpoch" },
    );
  }
  if (phase === 0n) {
    v.flag(bl, "proposalPhase", "proposalPhase (0) must be ≥ 1 L1 block", {
      contract,
      error: "InvalidProposalPhase",
    });
  } else if (phase !== undefined && slot !== undefined && phase > slot) {
    v.flag(
      bl,
      "proposalPhase",
      `proposalPhase (${phase}) must be ≤ slotLength (${slot}): proposals are taken in the ` +
        `first proposalPhase blocks of the slot`,
      { related: ["slotLength"], contract, error: "InvalidProposalPhase" },
    );
  }
  if (delta === 0n) {
    v.flag(bl, "dataTimeout", "dataTimeout (0) must be ≥ 1 L1 block", {
      contract,
      error: "InvalidDataTimeout",
    });
  } else if (delta !== undefined && window !== undefined && delta >= window) {
    v.flag(
      bl,
      "dataTimeout",
      `dataTimeout (${delta}) must be < proofWindow (${window}): a timeout certificate must ` +
        `fit in the proof window after the data timeout`,
      { related: ["proofWindow"], contract, error: "InvalidDataTimeout" },
    );
  }
  if (tolerance !== undefined && tolerance >= BPS) {
    v.flag(
      bl,
      "faultToleranceBps",
      `faultToleranceBps (${tolerance}) must be < ${BPS} basis points: f = ⌊m · bps / 10000⌋ ` +
        `must stay below the committee size`,
      { contract, error: "InvalidFaultTolerance" },
    );
  }
  // MAX_PENDING_BLOCKS = (proposalPhase + W) / slotLength + 2, then
  // HISTORY_SLOTS * slotLength > proposalPhase + W; checked arithmetic throughout.
  if (slot === undefined || slot === 0n || phase === undefined || window === undefined) return;
  const pending = phase + window;
  if (pending > UINT256_MAX) {
    v.flag(
      bl,
      "proofWindow",
      `proposalPhase + proofWindow (${phase} + ${window}) overflows uint256: the lifecycle ` +
        `adds them to bound the pending blocks`,
      { related: ["proposalPhase"], contract, error: PANIC_OVERFLOW },
    );
    return;
  }
  if (pending / slot + 2n > UINT256_MAX) {
    v.flag(
      bl,
      "proofWindow",
      `(proposalPhase + proofWindow) / slotLength + 2 (${pending} / ${slot} + 2) overflows ` +
        `uint256 (MAX_PENDING_BLOCKS)`,
      { related: ["proposalPhase", "slotLength"], contract, error: PANIC_OVERFLOW },
    );
    return;
  }
  const history = HISTORY_SLOTS * slot;
  if (history > UINT256_MAX) {
    v.flag(
      bl,
      "slotLength",
      `${HISTORY_SLOTS} · slotLength (${HISTORY_SLOTS} · ${slot}) overflows uint256: the ` +
        `lifecycle multiplies them to check its block history`,
      { contract, error: PANIC_OVERFLOW },
    );
    return;
  }
  if (history <= pending) {
    v.flag(
      bl,
      "slotLength",
      `${HISTORY_SLOTS} · slotLength (${HISTORY_SLOTS} · ${slot} = ${history}) must be > ` +
        `proposalPhase + proofWindow (${phase} + ${window} = ${pending}): a block's record ` +
        `(kept for ${HISTORY_SLOTS} slots) must outlast its proof window`,
      { related: ["proposalPhase", "proofWindow"], contract, error: "HistoryTooShort" },
    );
  }
}

/** ProverRewards' constructor, in its order. */
function checkRewards(v: Resolved): void {
  const pr = "proverRewards";
  const contract = "ProverRewards";
  const sequencer = v.num(pr, "sequencerBps");
  const prover = v.num(pr, "proverBps");
  const submitter = v.num(pr, "submitterBps");
  const burn = v.num(pr, "proverBurnBps");
  const threshold = v.num(pr, "inactivityThreshold");
  const slash = v.num(pr, "inactivitySlash");

  if (sequencer !== undefined && prover !== undefined && submitter !== undefined) {
    const related = ["proverBps", "submitterBps"];
    if (sequencer + prover > UINT256_MAX || sequencer + prover + submitter > UINT256_MAX) {
      v.flag(
        pr,
        "sequencerBps",
        `sequencerBps + proverBps + submitterBps (${sequencer} + ${prover} + ${submitter}) ` +
          `overflows uint256; the three shares must sum to exactly ${BPS} basis points`,
        { related, contract, error: PANIC_OVERFLOW },
      );
    } else if (sequencer + prover + submitter !== BPS || submitter > BPS) {
      v.flag(
        pr,
        "sequencerBps",
        `sequencerBps + proverBps + submitterBps (${sequencer} + ${prover} + ${submitter} = ` +
          `${sequencer + prover + submitter}) must be exactly ${BPS} basis points: a ` +
          `finalized block's reward and fees are split between proposer, committee and submitter`,
        { related, contract, error: "InvalidShares" },
      );
    }
  }
  if (burn !== undefined && burn > BPS) {
    v.flag(
      pr,
      "proverBurnBps",
      `proverBurnBps (${burn}) must be ≤ ${BPS} basis points (the burned part of the committee's share)`,
      { contract, error: "InvalidBurnShare" },
    );
  }
  if (threshold !== undefined && slash !== undefined && (threshold === 0n) !== (slash === 0n)) {
    v.flag(
      pr,
      "inactivitySlash",
      `inactivityThreshold (${threshold}) and inactivitySlash (${slash}) must be both zero ` +
        `(inactivity slashing off) or both nonzero`,
      { related: ["inactivityThreshold"], contract, error: "InvalidInactivitySlash" },
    );
  }
}

/** InvalidWorkSlasher's constructor. */
function checkSlasher(v: Resolved): void {
  const iws = "invalidWorkSlasher";
  const contract = "InvalidWorkSlasher";
  const amount = v.num(iws, "slashAmount");
  const reporter = v.num(iws, "reporterBps");
  if (amount === 0n) {
    v.flag(iws, "slashAmount", "slashAmount (0) must be ≥ 1 token unit per offence", {
      contract,
      error: "ZeroSlashAmount",
    });
  }
  if (reporter !== undefined && reporter > BPS) {
    v.flag(
      iws,
      "reporterBps",
      `reporterBps (${reporter}) must be ≤ ${BPS} basis points (the reporter's share of a slash)`,
      { contract, error: "InvalidReporterBps" },
    );
  }
}

/** The whole-system module: seeding the pool. */
function checkSystem(v: Resolved): void {
  if (v.num("proverSystem", "initialPool") === 0n) {
    v.flag(
      "proverSystem",
      "initialPool",
      "initialPool (0) must be ≥ 1 token unit: the deployment seeds the pool with " +
        "ProverRewards.fund, which rejects a zero amount",
      { contract: "ProverRewards", call: "fund", error: "ZeroAmount" },
    );
  }
}

/** One line per issue, for a CLI: `  - [module] key: message`. */
export function formatIssues(issues: readonly ParameterIssue[]): string {
  return issues
    .map((issue) => {
      const where =
        issue.key === "" ? `[${issue.module || "file"}]` : `[${issue.module}] ${issue.key}`;
      const by = issue.enforcedBy;
      const check =
        by === undefined
          ? ""
          : ` [${by.contract}${by.call === undefined ? "'s constructor" : `.${by.call}`} ` +
            `reverts with ${by.error}]`;
      return `  - ${where}: ${issue.message}${check}`;
    })
    .join("\n");
}

/** A parameters file that does not validate; `issues` lists every problem. */
export class ParametersError extends Error {
  readonly issues: ParameterIssue[];

  constructor(issues: ParameterIssue[], source?: string) {
    const count = `${issues.length} problem${issues.length === 1 ? "" : "s"}`;
    super(
      `${count} in the parameters${source === undefined ? "" : ` (${source})`}:\n` +
        formatIssues(issues),
    );
    this.name = "ParametersError";
    this.issues = issues;
  }
}

/** Throws a {@link ParametersError} listing every issue unless `file` validates clean. */
export function assertValidParameters(file: ParametersFile): void {
  const issues = validateParameters(file);
  if (issues.length > 0) throw new ParametersError(issues);
}

/**
 * Reads a parameters file (plain JSON, values kept as written: `"32n"` stays a string). Throws
 * if it cannot be read or parsed, or is not an object of sections. The `$schema` entry (the
 * JSON Schema editors complete the file from) is left out: it is no module's section, and
 * Ignition is handed what this returns.
 */
export async function readParametersFile(path: string): Promise<ParametersFile> {
  const text = await readFile(path, "utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`cannot parse the parameters file ${path}: ${(error as Error).message}`);
  }
  if (!isRecord(parsed)) {
    throw new Error(`the parameters file ${path} must hold a JSON object of module sections`);
  }
  if (Object.hasOwn(parsed, SCHEMA_KEY)) {
    const { [SCHEMA_KEY]: reference, ...sections } = parsed;
    if (typeof reference !== "string") {
      throw new Error(
        `"${SCHEMA_KEY}" of the parameters file ${path} must be a text: the path or URL of its JSON Schema`,
      );
    }
    parsed = sections;
  }
  for (const [section, content] of Object.entries(parsed as Record<string, unknown>)) {
    if (!isRecord(content)) {
      throw new Error(
        `section "${section}" of the parameters file ${path} must be a JSON object of parameters`,
      );
    }
  }
  return parsed as ParametersFile;
}
