/**
 * The operator's BLS secret key at rest as an EIP-2335 keystore (`@chainsafe/bls-keystore`:
 * PBKDF2-SHA256 with 262,144 rounds, AES-128-CTR, SHA-256 checksum). The keystore's `pubkey`
 * is the key's compressed 48-byte G1 point (as EIP-2335 requires), and its `description`
 * carries the stake table's key hash (keccak256 of the 128-byte EIP-2537 encoding), so a wrong file is noticed before anything
 * is signed. The password comes from a file or an environment variable; plaintext key files
 * (`src/operator/keys.ts`, version 1) still load, with a warning.
 */
import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import path from "node:path";

import { Keystore } from "@chainsafe/bls-keystore";
import { hexlify } from "ethers";

import { publicKeyOf, type SecretKey } from "../protocol/bls.js";
import { OperatorError } from "../operator/errors.js";
import { keyHashOf, parseSecretKey, readKeyFile } from "../operator/keys.js";

/** The keystore's derivation path field (EIP-2334's signing path shape; informational here). */
export const KEYSTORE_PATH = "m/12381/3600/0/0/0";
/** The environment variable `register --generate` and `reveal` read a keystore password from. */
export const KEYSTORE_PASSWORD_VARIABLE = "PROVER_BLS_PASSWORD";

/** Shortest password accepted when writing a keystore. */
export const MIN_PASSWORD_LENGTH = 8;

/** The 48-byte compressed G1 public key of `secretKey` (the keystore's `pubkey`). */
export function compressedPublicKey(secretKey: SecretKey): Uint8Array {
  return publicKeyOf(secretKey).toBytes(true);
}

/** Whether `text` parses as an EIP-2335 keystore (rather than a plaintext key file). */
export function isKeystoreText(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { version?: unknown; crypto?: unknown };
    return parsed.version === 4 && typeof parsed.crypto === "object";
  } catch {
    return false;
  }
}

/** An EIP-2335 keystore of `secretKey` under `password`, as JSON text. */
export async function createKeystore(secretKey: SecretKey, password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new OperatorError(
      "WeakPassword",
      `the keystore password must be at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
  // Validates the scalar before anything is written.
  const key = parseSecretKey(hexlify(secretKey), "the BLS key");
  const pubkey = compressedPublicKey(key);
  const keystore = await Keystore.create(password, key, pubkey, KEYSTORE_PATH, keyHashOf(key));
  const text = keystore.stringify();
  // Round trip before writing: the file must open with the same password to the same key.
  const back = await Keystore.parse(text).decrypt(password);
  if (hexlify(back) !== hexlify(key)) {
    throw new OperatorError("InvalidBlsKey", "the keystore does not decrypt to its key");
  }
  return text;
}

/** Writes an EIP-2335 keystore (mode 0600); refuses to overwrite an existing file. */
export async function writeKeystore(
  file: string,
  secretKey: SecretKey,
  password: string,
): Promise<{ publicKeyHash: string }> {
  const text = await createKeystore(secretKey, password);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, `${text}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new OperatorError("KeyFileExists", `${file} exists; it is never overwritten`);
    }
    throw error;
  }
  return { publicKeyHash: keyHashOf(secretKey) };
}

/** Decrypts keystore JSON `text` (from `where`) with `password`, checking its public key. */
export async function decryptKeystore(
  text: string,
  password: string,
  where = "the keystore",
): Promise<SecretKey> {
  let keystore: Keystore;
  try {
    keystore = Keystore.parse(text);
  } catch (error) {
    throw new OperatorError(
      "InvalidBlsKey",
      `${where} is not an EIP-2335 keystore: ${(error as Error).message}`,
    );
  }
  if (!(await keystore.verifyPassword(password))) {
    throw new OperatorError("WrongPassword", `wrong password for ${where}`);
  }
  const secretKey = parseSecretKey(hexlify(await keystore.decrypt(password)), where);
  if (keystore.pubkey.replace(/^0x/, "") !== hexlify(compressedPublicKey(secretKey)).slice(2)) {
    throw new OperatorError("InvalidBlsKey", `${where}'s pubkey does not match its key`);
  }
  return secretKey;
}

/** Where a keystore's password comes from. */
export interface PasswordSource {
  passwordFile?: string;
  passwordEnv?: string;
  /** The password itself (already obtained, e.g. from a prompt). */
  password?: string;
}

/** Reads a password: the file's first line, or the environment variable. */
export async function readPassword(source: PasswordSource): Promise<string> {
  if (source.password !== undefined && source.password !== "") return source.password;
  if (source.passwordFile !== undefined) {
    const text = await readFile(source.passwordFile, "utf8").catch((error: Error) => {
      throw new OperatorError(
        "NoPassword",
        `cannot read password file ${source.passwordFile}: ${error.message}`,
      );
    });
    return text.split(/\r?\n/)[0];
  }
  if (source.passwordEnv !== undefined) {
    const value = process.env[source.passwordEnv];
    if (value === undefined || value === "") {
      throw new OperatorError(
        "NoPassword",
        `the environment variable ${source.passwordEnv} (the keystore password) is not set`,
      );
    }
    return value;
  }
  throw new OperatorError("NoPassword", "no keystore password source (file or environment)");
}

/**
 * Loads a BLS key from `file`: an EIP-2335 keystore (decrypted with the password from `source`)
 * or a plaintext version-1 key file, for which `warn` is called.
 */
export async function loadBlsKeyFile(
  file: string,
  source: PasswordSource,
  warn: (message: string) => void,
): Promise<SecretKey> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new OperatorError("InvalidBlsKey", `cannot read key file ${file}: ${String(error)}`);
  }
  if (isKeystoreText(text)) return decryptKeystore(text, await readPassword(source), file);
  warn(
    `${file} is a plaintext BLS key file; convert it to an EIP-2335 keystore ` +
      "(docs/operators.md, Keys)",
  );
  return readKeyFile(file);
}

/** The default keystore `register --generate` writes: `.prover/<chainId>-<operator>.keystore.json`. */
export function defaultKeystoreFile(root: string, chainId: bigint, operator: string): string {
  return path.join(root, ".prover", `${chainId}-${operator}.keystore.json`);
}

/** The plaintext key file earlier versions of `register --generate` wrote. */
export function legacyKeyFile(root: string, chainId: bigint, operator: string): string {
  return path.join(root, ".prover", `${chainId}-${operator}.bls.json`);
}

/**
 * A file named `*.bls.json` is a plaintext key file (the legacy format, kept for files named so
 * explicitly); anything else `register --generate` writes is an EIP-2335 keystore.
 */
export function isLegacyKeyFileName(file: string): boolean {
  return file.endsWith(".bls.json");
}

/** The key file `register` wrote for `operator` under `root`: the keystore, else a legacy file. */
export async function findOperatorKeyFile(
  root: string,
  chainId: bigint,
  operator: string,
): Promise<string | undefined> {
  for (const file of [
    defaultKeystoreFile(root, chainId, operator),
    legacyKeyFile(root, chainId, operator),
  ]) {
    try {
      await access(file);
      return file;
    } catch {
      // Not there; try the next.
    }
  }
  return undefined;
}

/** Asks for a password on the terminal without echoing it (only when stdin is a TTY). */
export async function promptPassword(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const output = rl as unknown as { _writeToOutput?: (text: string) => void };
  let asked = false;
  output._writeToOutput = (text: string) => {
    if (!asked) {
      process.stdout.write(text);
      asked = true;
    }
  };
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    process.stdout.write("\n");
    rl.close();
  }
}
