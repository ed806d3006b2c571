/**
 * An operator's BLS secret key at rest. The `register` task generates one into a key file (JSON,
 * mode 0600, never overwritten) or takes one from the Hardhat keystore / environment
 * (`PROVER_BLS_KEY`, 32 bytes hex); `reveal` reads it the same way. The file also carries the
 * public key's hash so a wrong file is noticed before anything is signed.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import { getBytes, hexlify, isHexString } from "ethers";

import { SUBGROUP_ORDER, encodeG1, publicKeyOf, type SecretKey } from "../protocol/bls.js";
import { publicKeyHash } from "../protocol/stake.js";
import { OperatorError } from "./errors.js";

/** The configuration variable (Hardhat keystore or environment) holding the BLS secret key. */
export const BLS_KEY_VARIABLE = "PROVER_BLS_KEY";

/** The key file's format. */
export interface KeyFile {
  version: 1;
  /** 32-byte big-endian scalar, hex. */
  secretKey: string;
  /** keccak256 of the 128-byte public key, as the stake table stores it. */
  publicKeyHash: string;
}

/** Parses a hex secret key: 32 bytes, a nonzero scalar below the subgroup order. */
export function parseSecretKey(value: string, what: string): SecretKey {
  const hex = value.trim().startsWith("0x") ? value.trim() : `0x${value.trim()}`;
  if (!isHexString(hex, 32)) {
    throw new OperatorError("InvalidBlsKey", `${what} is not a 32-byte hex BLS secret key`);
  }
  const scalar = BigInt(hex);
  if (scalar === 0n || scalar >= SUBGROUP_ORDER) {
    throw new OperatorError("InvalidBlsKey", `${what} is not a scalar in [1, r)`);
  }
  return getBytes(hex);
}

/** The key hash of a secret key's public key (what `OperatorRegistered` carries). */
export function keyHashOf(secretKey: SecretKey): string {
  return publicKeyHash(encodeG1(publicKeyOf(secretKey)));
}

/** Writes `secretKey` to `file` (mode 0600); refuses to overwrite an existing file. */
export async function writeKeyFile(file: string, secretKey: SecretKey): Promise<KeyFile> {
  const content: KeyFile = {
    version: 1,
    secretKey: hexlify(secretKey),
    publicKeyHash: keyHashOf(secretKey),
  };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new OperatorError("KeyFileExists", `${file} exists; it is never overwritten`);
    }
    throw error;
  }
  return content;
}

/** Reads a key file written by {@link writeKeyFile}, checking its public key hash. */
export async function readKeyFile(file: string): Promise<SecretKey> {
  let parsed: Partial<KeyFile>;
  try {
    parsed = JSON.parse(await readFile(file, "utf8")) as Partial<KeyFile>;
  } catch (error) {
    throw new OperatorError("InvalidBlsKey", `cannot read key file ${file}: ${String(error)}`);
  }
  if (parsed.version !== 1 || typeof parsed.secretKey !== "string") {
    throw new OperatorError("InvalidBlsKey", `${file} is not a version-1 key file`);
  }
  const secretKey = parseSecretKey(parsed.secretKey, `${file}'s secretKey`);
  if (parsed.publicKeyHash !== undefined && parsed.publicKeyHash !== keyHashOf(secretKey)) {
    throw new OperatorError("InvalidBlsKey", `${file}'s publicKeyHash does not match its key`);
  }
  return secretKey;
}
