/**
 * The node's configuration file (`npm run prover -- --config <file>`, `npm run sequencer -- ...`):
 * JSON, validated with zod. Every key is documented in docs/operators.md ("Configuration"); a bad
 * value is refused with a {@link ConfigError} naming the key (`p2p.listen[0]: ...`). Relative paths
 * are resolved against the config file's directory.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import { isAddress } from "ethers";
import { z } from "zod";

/** A refused configuration: `key` is the dotted path of the first bad value. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(key === "" ? message : `${key}: ${message}`);
    this.name = "ConfigError";
  }
}

const address = z.string().refine((s) => isAddress(s), "must be an address (0x and 40 hex digits)");
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name");
const port = z.number().int().min(0).max(65_535);
const positiveInt = z.number().int().min(1);

const blsSchema = z
  .object({
    /** An EIP-2335 keystore (what `register --generate` writes). */
    keystore: z.string().min(1).optional(),
    /** A plaintext key file (version 1, `.bls.json`): loaded with a warning. */
    keyFile: z.string().min(1).optional(),
    /** A file holding the keystore's password (first line); else `passwordEnv`. */
    passwordFile: z.string().min(1).optional(),
    /** An environment variable holding the keystore's password. */
    passwordEnv: envName.default("PROVER_BLS_PASSWORD"),
  })
  .strict()
  .refine((v) => v.keystore === undefined || v.keyFile === undefined, {
    message: "set keystore or keyFile, not both",
    path: ["keyFile"],
  });

export const nodeConfigSchema = z
  .object({
    /** `prover` or `sequencer`; `npm run prover` refuses a sequencer's file and vice versa. */
    role: z.enum(["prover", "sequencer"]),
    /** JSON-RPC endpoint (any node; dev-only methods are never called). */
    rpcUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
    /** Expected chain id; the node refuses to start on another chain. */
    chainId: positiveInt.optional(),
    deployment: z
      .object({
        /** ProverRewards address; the rest of the system is read from its immutables. */
        rewards: address.optional(),
        /** InvalidWorkSlasher address (needed with `rewards`). */
        slasher: address.optional(),
        /** Ignition's directory holding deployments/chain-<id>/ (used when no addresses are set). */
        ignitionDir: z.string().min(1).optional(),
        /** First L1 block whose events matter (the deployment block). */
        fromBlock: z.number().int().min(0).default(0),
      })
      .strict()
      .refine((d) => (d.rewards === undefined) === (d.slasher === undefined), {
        message: "set both rewards and slasher, or neither (then ignitionDir is read)",
        path: ["slasher"],
      }),
    /** Where the node keeps its store (classic-level) and its peer seq; created if missing. */
    dataDir: z.string().min(1),
    operator: z
      .object({
        /** Environment variable holding the operator's (EOA) private key. */
        privateKeyEnv: envName.default("PROVER_PRIVATE_KEY"),
        /** Hardhat keystore variable to fall back to (asks for the keystore password). */
        hardhatKeystore: envName.optional(),
      })
      .strict()
      .default({ privateKeyEnv: "PROVER_PRIVATE_KEY" }),
    /**
     * The BLS key (default: the keystore `register --generate` wrote for the operator,
     * `.prover/<chainId>-<operator>.keystore.json` under the working directory).
     */
    bls: blsSchema.default({ passwordEnv: "PROVER_BLS_PASSWORD" }),
    /** Register (approve + register) at start if the operator is not registered yet. */
    register: z
      .object({
        enabled: z.boolean().default(false),
        /** Stake in token units, e.g. "100" (default: the table's minimum). */
        stake: z
          .string()
          .regex(/^[0-9]+(\.[0-9]+)?$/, "must be a decimal token amount")
          .optional(),
      })
      .strict()
      .default({ enabled: false }),
    p2p: z
      .object({
        /** libp2p listen multiaddrs. */
        listen: z
          .array(
            z.string().regex(/^\/ip[46]\/[^/]+\/tcp\/[0-9]+$/, "must be /ip4/<host>/tcp/<port>"),
          )
          .min(1)
          .default(["/ip4/127.0.0.1/tcp/0"]),
        /** Addresses announced in the peer record instead (a public IP or DNS name behind NAT). */
        announce: z
          .array(
            z
              .string()
              .regex(
                /^\/(ip4|ip6|dns4|dns6)\/[^/]+\/tcp\/[0-9]+$/,
                "must be /ip4|dns4/<host>/tcp/<port>",
              ),
          )
          .default([]),
        /** A shared directory: the node writes <operator>.json there and reads everyone's. */
        peerDirectory: z.string().min(1).optional(),
        /** Bootstrap peer records: files or http(s) URLs of signed records. */
        bootstrap: z.array(z.string().min(1)).default([]),
        /** How often records are re-read and the own record re-published, ms. */
        refreshMs: positiveInt.default(2_000),
      })
      .strict()
      .default({ listen: ["/ip4/127.0.0.1/tcp/0"], announce: [], bootstrap: [], refreshMs: 2_000 }),
    metrics: z
      .object({
        /** Bind address of /metrics, /healthz and /peer; loopback unless you mean otherwise. */
        host: z.string().default("127.0.0.1"),
        /** Port (0: any free port, printed at start). */
        port: port.default(9464),
      })
      .strict()
      .default({ host: "127.0.0.1", port: 9464 }),
    log: z
      .object({
        level: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).default("info"),
        /** Also write JSON lines to this file (default: stdout only). */
        file: z.string().min(1).optional(),
        /** Whether to write to stdout (turn off when `file` is set and stdout is not watched). */
        stdout: z.boolean().default(true),
      })
      .strict()
      .default({ level: "info", stdout: true }),
    chain: z
      .object({
        /** How often the head is polled, ms. */
        pollMs: positiveInt.default(250),
        /** Recent block hashes kept to detect reorgs (deeper reorgs rebuild from fromBlock). */
        reorgDepth: positiveInt.default(64),
        /** Largest eth_getLogs range, blocks. */
        maxLogRange: positiveInt.default(2_000),
      })
      .strict()
      .default({ pollMs: 250, reorgDepth: 64, maxLogRange: 2_000 }),
    prover: z
      .object({
        /** L1 blocks one chunk takes to prove (stand-in proofs: 0 or 1). */
        provingTime: z.number().int().min(0).default(0),
        /** L1 blocks to wait for a timeout certificate before the next leader round. */
        roundTimeout: positiveInt.default(3),
        /** L1 blocks a backup waits before covering for a better-ranked holder. */
        fallbackPatience: positiveInt.default(2),
        /** Claim rewards every this many L1 blocks (0: never; use the claim task). */
        claimEvery: z.number().int().min(0).default(0),
        /** Upkeep rota position and size (default: rank among registered operators). */
        rota: z
          .object({ index: z.number().int().min(0), size: positiveInt })
          .strict()
          .refine((r) => r.index < r.size, { message: "index must be below size", path: ["index"] })
          .optional(),
      })
      .strict()
      .default({ provingTime: 0, roundTimeout: 3, fallbackPatience: 2, claimEvery: 0 }),
    sequencer: z
      .object({
        /** First slot to propose for (default: the next slot at start). */
        firstSlot: z.number().int().min(0).optional(),
        /** How many slots to propose for (default: no limit). */
        blocks: positiveInt.optional(),
        /** FEE_SPLIT bid, basis points (must be 0 unless the lifecycle scores fee splits). */
        feeSplitBps: z.number().int().min(0).max(10_000).default(0),
        /** Seed of the synthetic block data (32 bytes hex; default: from the operator address). */
        dataSeed: z
          .string()
          .regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of hex")
          .optional(),
        /** Re-send a pending block's data to its committee every this many L1 blocks. */
        resendEvery: positiveInt.default(2),
      })
      .strict()
      .default({ feeSplitBps: 0, resendEvery: 2 }),
  })
  .strict();

export type NodeConfig = z.infer<typeof nodeConfigSchema>;

/** The dotted key of a zod issue path: `p2p.listen[0]`. */
function keyOf(issuePath: readonly PropertyKey[]): string {
  let key = "";
  for (const part of issuePath) {
    if (typeof part === "number") key += `[${part}]`;
    else key += key === "" ? String(part) : `.${String(part)}`;
  }
  return key;
}

/** The value at `issuePath` in `raw` (undefined where the path ends early). */
function valueAt(raw: unknown, issuePath: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const part of issuePath) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** Validates a parsed config object; `baseDir` resolves relative paths. Throws {@link ConfigError}. */
export function parseNodeConfig(raw: unknown, baseDir = process.cwd()): NodeConfig {
  const result = nodeConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    let message = issue.message;
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys;
      const where = keyOf(issue.path);
      throw new ConfigError(
        where === "" ? keys[0] : `${where}.${keys[0]}`,
        "unknown key (see docs/operators.md for the keys)",
      );
    }
    if (valueAt(raw, issue.path) === undefined) message = "is required";
    throw new ConfigError(keyOf(issue.path), message);
  }
  const config = result.data;
  const resolve = (p: string) => (path.isAbsolute(p) ? p : path.resolve(baseDir, p));
  config.dataDir = resolve(config.dataDir);
  if (config.deployment.ignitionDir !== undefined) {
    config.deployment.ignitionDir = resolve(config.deployment.ignitionDir);
  }
  for (const key of ["keystore", "passwordFile", "keyFile"] as const) {
    const value = config.bls[key];
    if (value !== undefined) config.bls[key] = resolve(value);
  }
  if (config.p2p.peerDirectory !== undefined) {
    config.p2p.peerDirectory = resolve(config.p2p.peerDirectory);
  }
  config.p2p.bootstrap = config.p2p.bootstrap.map((b) => (/^https?:/.test(b) ? b : resolve(b)));
  if (config.log.file !== undefined) config.log.file = resolve(config.log.file);
  if (config.deployment.rewards === undefined && config.deployment.ignitionDir === undefined) {
    throw new ConfigError(
      "deployment",
      "set deployment.rewards and deployment.slasher, or deployment.ignitionDir",
    );
  }
  return config;
}

/** Reads and validates the config file `file`. */
export async function readNodeConfig(file: string): Promise<NodeConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError("", `cannot read config file ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError("", `config file ${file} is not JSON: ${(error as Error).message}`);
  }
  return parseNodeConfig(raw, path.dirname(path.resolve(file)));
}
