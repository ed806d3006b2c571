/**
 * BLS12-381 signatures for the protocol, matching `contracts/crypto/BLS.sol`.
 *
 * The protocol's scheme is Ethereum's variant: public keys in G1, signatures in G2, messages
 * hashed to G2 with RFC 9380 `BLS12381G2_XMD:SHA-256_SSWU_RO_` under a caller-chosen DST.
 * Points cross to the chain in the EIP-2537 precompile encoding (64-byte big-endian field
 * elements, Fp2 as c0 then c1, infinity as all zeros), never in noble's compressed format.
 *
 * The `short*` functions implement the alternative (public keys in G2, signatures in G1, hash to
 * G1). The protocol does not use them; they exist to measure that alternative.
 */
import type { Fp2 } from "@noble/curves/abstract/tower.js";
import type { WeierstrassPoint } from "@noble/curves/abstract/weierstrass.js";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";

/** A point of E(Fp) (the G1 curve); not necessarily in the subgroup. */
export type G1 = WeierstrassPoint<bigint>;
/** A point of E'(Fp2) (the G2 curve); not necessarily in the subgroup. */
export type G2 = WeierstrassPoint<Fp2>;
/** A secret key: a 32-byte big-endian scalar in [1, r). */
export type SecretKey = Uint8Array;

/** A G1 point as ethers takes the Solidity `G1Point` struct: hex bytes32 words. */
export interface G1PointStruct {
  x_a: string;
  x_b: string;
  y_a: string;
  y_b: string;
}

/** A G2 point as ethers takes the Solidity `G2Point` struct: hex bytes32 words. */
export interface G2PointStruct {
  x_c0_a: string;
  x_c0_b: string;
  x_c1_a: string;
  x_c1_b: string;
  y_c0_a: string;
  y_c0_b: string;
  y_c1_a: string;
  y_c1_b: string;
}

/** Domain separation tag of proofs of possession (same as `BLS.DST_POP`). */
export const DST_POP = "PROVERNET-V1-POP-BLS12381G2_XMD:SHA-256_SSWU_RO_";

const { Fp, Fp2, Fp12, Fr } = bls12_381.fields;
const G1Point = bls12_381.G1.Point;
const G2Point = bls12_381.G2.Point;

/** The base field modulus p. */
export const FIELD_MODULUS: bigint = Fp.ORDER;
/** The order r of the G1 and G2 subgroups. */
export const SUBGROUP_ORDER: bigint = Fr.ORDER;

const G1_BYTES = 128;
const G2_BYTES = 256;
const TWO_128 = 1n << 128n;

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

const KEYGEN_SALT = new TextEncoder().encode("BLS-SIG-KEYGEN-SALT-");

/**
 * KeyGen of draft-irtf-cfrg-bls-signature-05 §2.3 (= HKDF_mod_r of EIP-2333): derives a secret
 * key from input keying material. With an empty `keyInfo` this is EIP-2333's derive_master_SK.
 */
export function keyGen(ikm: Uint8Array, keyInfo: Uint8Array = new Uint8Array(0)): SecretKey {
  const L = 48;
  const ikmPrime = concatBytes(ikm, new Uint8Array([0]));
  const info = concatBytes(keyInfo, new Uint8Array([0, L]));
  let salt: Uint8Array = KEYGEN_SALT;
  for (;;) {
    salt = sha256(salt);
    const okm = hkdf(sha256, ikmPrime, salt, info, L);
    const sk = bytesToBigInt(okm) % SUBGROUP_ORDER;
    if (sk !== 0n) return bigIntToBytes(sk, 32);
  }
}

/**
 * A fresh secret key from 32 bytes of `rng` output (default: the platform CSPRNG) through
 * {@link keyGen}.
 */
export function generateSecretKey(rng: () => Uint8Array = () => randomBytes(32)): SecretKey {
  const ikm = rng();
  if (ikm.length < 32) throw new Error("BLS: key generation needs at least 32 bytes of entropy");
  return keyGen(ikm);
}

/**
 * A deterministic secret key from a seed through {@link keyGen} (a string seed is UTF-8 encoded).
 * For seeded simulations and tests. A key derived this way is only as secret as the seed: real
 * keys need a seed with at least 32 bytes of secret entropy.
 */
export function secretKeyFromSeed(seed: Uint8Array | string): SecretKey {
  return keyGen(typeof seed === "string" ? new TextEncoder().encode(seed) : seed);
}

/** The secret key as a scalar; throws unless it is 32 bytes encoding a value in [1, r). */
export function secretKeyToScalar(sk: SecretKey): bigint {
  if (sk.length !== 32) throw new Error("BLS: secret key must be 32 bytes");
  const s = bytesToBigInt(sk);
  if (s === 0n || s >= SUBGROUP_ORDER) throw new Error("BLS: secret key out of range");
  return s;
}

/** The G1 public key sk * G1 of the protocol's scheme. */
export function publicKeyOf(sk: SecretKey): G1 {
  return G1Point.BASE.multiply(secretKeyToScalar(sk));
}

// ---------------------------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------------------------

function checkDst(dst: string | Uint8Array): void {
  const length = typeof dst === "string" ? new TextEncoder().encode(dst).length : dst.length;
  // The contract rejects these; noble would hash an oversized DST instead (RFC 9380 §5.3.3).
  if (length === 0 || length > 255) throw new Error("BLS: DST must be 1 to 255 bytes");
}

/** RFC 9380 hash_to_curve onto G2 (`BLS12381G2_XMD:SHA-256_SSWU_RO_`) under `dst`. */
export function hashToG2(message: Uint8Array, dst: string | Uint8Array): G2 {
  checkDst(dst);
  // Called as a method: a detached reference would drop the DST option.
  return bls12_381.G2.hashToCurve(message, { DST: dst });
}

/** RFC 9380 hash_to_curve onto G1 (`BLS12381G1_XMD:SHA-256_SSWU_RO_`) under `dst`. */
export function hashToG1(message: Uint8Array, dst: string | Uint8Array): G1 {
  checkDst(dst);
  return bls12_381.G1.hashToCurve(message, { DST: dst });
}

// ---------------------------------------------------------------------------------------------
// Protocol scheme: public keys in G1, signatures in G2
// ---------------------------------------------------------------------------------------------

/** Signs `message` under `dst`: sk * H2(message). */
export function sign(sk: SecretKey, message: Uint8Array, dst: string | Uint8Array): G2 {
  return hashToG2(message, dst).multiply(secretKeyToScalar(sk));
}

/** A proof of possession: a signature on `message` under {@link DST_POP}. */
export function proofOfPossession(sk: SecretKey, message: Uint8Array): G2 {
  return sign(sk, message, DST_POP);
}

/**
 * The sum of public keys, with the contract's rules (`BLS.aggregate`): at least one key, no key
 * and no sum at infinity. Sound only for keys with a proof of possession.
 */
export function aggregatePublicKeys(pks: readonly G1[]): G1 {
  return sumPoints(pks, G1Point.ZERO);
}

/** The sum of signatures (at least one). */
export function aggregateSignatures(sigs: readonly G2[]): G2 {
  if (sigs.length === 0) throw new Error("BLS: nothing to aggregate");
  return sigs.reduce((acc, s) => acc.add(s), G2Point.ZERO);
}

/**
 * Off-chain verification: e(pk, H2(message)) == e(G1, sig). Returns false for a wrong signature
 * and also for invalid points (infinity, off the curve, outside the subgroup); on chain those
 * revert instead. Throws only for an invalid DST.
 */
export function verify(pk: G1, message: Uint8Array, dst: string | Uint8Array, sig: G2): boolean {
  const h = hashToG2(message, dst);
  if (!isValidPoint(pk) || !isValidPoint(sig)) return false;
  return pairingCheck(pk, h, G1Point.BASE.negate(), sig);
}

/** Off-chain aggregate verification of one message signed by all of `pks`. */
export function verifyAggregate(
  pks: readonly G1[],
  message: Uint8Array,
  dst: string | Uint8Array,
  sig: G2,
): boolean {
  if (pks.length === 0 || !pks.every(isValidPoint)) return false;
  const apk = pks.reduce((acc, p) => acc.add(p), G1Point.ZERO);
  return verify(apk, message, dst, sig);
}

// ---------------------------------------------------------------------------------------------
// Alternative (not used by the protocol): public keys in G2, signatures in G1
// ---------------------------------------------------------------------------------------------

/** Short-signature variant: the G2 public key sk * G2. */
export function shortPublicKeyOf(sk: SecretKey): G2 {
  return G2Point.BASE.multiply(secretKeyToScalar(sk));
}

/** Short-signature variant: the G1 signature sk * H1(message). */
export function shortSign(sk: SecretKey, message: Uint8Array, dst: string | Uint8Array): G1 {
  return hashToG1(message, dst).multiply(secretKeyToScalar(sk));
}

/** Short-signature variant: the sum of G2 public keys, with the contract's rules. */
export function shortAggregatePublicKeys(pks: readonly G2[]): G2 {
  return sumPoints(pks, G2Point.ZERO);
}

/** Short-signature variant: the sum of G1 signatures (at least one). */
export function shortAggregateSignatures(sigs: readonly G1[]): G1 {
  if (sigs.length === 0) throw new Error("BLS: nothing to aggregate");
  return sigs.reduce((acc, s) => acc.add(s), G1Point.ZERO);
}

/** Short-signature variant: e(H1(message), pk) == e(sig, G2). */
export function shortVerify(
  pk: G2,
  message: Uint8Array,
  dst: string | Uint8Array,
  sig: G1,
): boolean {
  const h = hashToG1(message, dst);
  if (!isValidPoint(pk) || !isValidPoint(sig)) return false;
  return pairingCheck(h, pk, sig, G2Point.BASE.negate());
}

// ---------------------------------------------------------------------------------------------
// EIP-2537 encoding
// ---------------------------------------------------------------------------------------------

/** The precompile encoding of a G1 point as struct words. Does not validate the point. */
export function encodeG1(p: G1): G1PointStruct {
  const [x, y] = g1Coordinates(p);
  const [x_a, x_b] = fpWords(x);
  const [y_a, y_b] = fpWords(y);
  return { x_a, x_b, y_a, y_b };
}

/** The precompile encoding of a G2 point as struct words. Does not validate the point. */
export function encodeG2(p: G2): G2PointStruct {
  const [x0, x1, y0, y1] = g2Coordinates(p);
  const [x_c0_a, x_c0_b] = fpWords(x0);
  const [x_c1_a, x_c1_b] = fpWords(x1);
  const [y_c0_a, y_c0_b] = fpWords(y0);
  const [y_c1_a, y_c1_b] = fpWords(y1);
  return { x_c0_a, x_c0_b, x_c1_a, x_c1_b, y_c0_a, y_c0_b, y_c1_a, y_c1_b };
}

/** The 128-byte precompile encoding x || y of a G1 point. Does not validate the point. */
export function g1ToBytes(p: G1): Uint8Array {
  const out = new Uint8Array(G1_BYTES);
  g1Coordinates(p).forEach((c, i) => out.set(bigIntToBytes(c, 64), 64 * i));
  return out;
}

/** The 256-byte precompile encoding x.c0 || x.c1 || y.c0 || y.c1 of a G2 point. */
export function g2ToBytes(p: G2): Uint8Array {
  const out = new Uint8Array(G2_BYTES);
  g2Coordinates(p).forEach((c, i) => out.set(bigIntToBytes(c, 64), 64 * i));
  return out;
}

/**
 * Decodes a precompile-encoded G1 point (struct or 128 bytes). Strict: every coordinate
 * canonical, the point on the curve and in the subgroup; all zeros decodes to infinity.
 */
export function decodeG1(input: G1PointStruct | Uint8Array): G1 {
  const [x, y] = input instanceof Uint8Array ? splitFp(input, G1_BYTES) : structFp(input);
  if (x === 0n && y === 0n) return G1Point.ZERO;
  const p = G1Point.fromAffine({ x, y }); // throws if off the curve
  if (!p.isTorsionFree()) throw new Error("BLS: G1 point not in the subgroup");
  return p;
}

/**
 * Decodes a precompile-encoded G2 point (struct or 256 bytes). Strict: every coordinate
 * canonical, the point on the curve and in the subgroup; all zeros decodes to infinity.
 */
export function decodeG2(input: G2PointStruct | Uint8Array): G2 {
  const [x0, x1, y0, y1] = input instanceof Uint8Array ? splitFp(input, G2_BYTES) : structFp(input);
  if (x0 === 0n && x1 === 0n && y0 === 0n && y1 === 0n) return G2Point.ZERO;
  const p = G2Point.fromAffine({
    x: Fp2.create({ c0: x0, c1: x1 }),
    y: Fp2.create({ c0: y0, c1: y1 }),
  }); // throws if off the curve
  if (!p.isTorsionFree()) throw new Error("BLS: G2 point not in the subgroup");
  return p;
}

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

/** Not infinity, on the curve and in the subgroup. */
function isValidPoint(p: G1 | G2): boolean {
  if (p.is0()) return false;
  try {
    p.assertValidity(); // on the curve and in the subgroup
    return true;
  } catch {
    return false;
  }
}

function pairingCheck(a1: G1, b1: G2, a2: G1, b2: G2): boolean {
  const gt = bls12_381.pairingBatch([
    { g1: a1, g2: b1 },
    { g1: a2, g2: b2 },
  ]);
  return Fp12.eql(gt, Fp12.ONE);
}

interface Summable<P> {
  add(other: P): P;
  is0(): boolean;
}

function sumPoints<P extends Summable<P>>(points: readonly P[], zero: P): P {
  if (points.length === 0) throw new Error("BLS: empty key set");
  let acc = zero;
  for (const p of points) {
    if (p.is0()) throw new Error("BLS: point at infinity");
    acc = acc.add(p);
  }
  if (acc.is0()) throw new Error("BLS: aggregate is the point at infinity");
  return acc;
}

function g1Coordinates(p: G1): [bigint, bigint] {
  if (p.is0()) return [0n, 0n];
  const { x, y } = p.toAffine();
  return [x, y];
}

function g2Coordinates(p: G2): [bigint, bigint, bigint, bigint] {
  if (p.is0()) return [0n, 0n, 0n, 0n];
  const { x, y } = p.toAffine();
  return [x.c0, x.c1, y.c0, y.c1];
}

function fpWords(v: bigint): [string, string] {
  const hex = v.toString(16).padStart(128, "0");
  if (hex.length !== 128) throw new Error("BLS: field element too large");
  return [`0x${hex.slice(0, 64)}`, `0x${hex.slice(64)}`];
}

function checkedFp(high: bigint, low: bigint): bigint {
  if (high >= TWO_128) throw new Error("BLS: field element with nonzero top 16 bytes");
  const v = (high << 256n) | low;
  if (v >= FIELD_MODULUS) throw new Error("BLS: field element not below p");
  return v;
}

function splitFp(bytes: Uint8Array, expected: number): bigint[] {
  if (bytes.length !== expected) throw new Error(`BLS: expected ${expected} bytes`);
  const out: bigint[] = [];
  for (let i = 0; i < expected; i += 64) {
    out.push(
      checkedFp(
        bytesToBigInt(bytes.subarray(i, i + 32)),
        bytesToBigInt(bytes.subarray(i + 32, i + 64)),
      ),
    );
  }
  return out;
}

function structFp(s: G1PointStruct | G2PointStruct): bigint[] {
  const words: [string, string][] =
    "x_a" in s
      ? [
          [s.x_a, s.x_b],
          [s.y_a, s.y_b],
        ]
      : [
          [s.x_c0_a, s.x_c0_b],
          [s.x_c1_a, s.x_c1_b],
          [s.y_c0_a, s.y_c0_b],
          [s.y_c1_a, s.y_c1_b],
        ];
  return words.map(([a, b]) => checkedFp(wordToBigInt(a), wordToBigInt(b)));
}

function wordToBigInt(word: string): bigint {
  if (!/^0x[0-9a-fA-F]{64}$/.test(word)) throw new Error("BLS: expected a 32-byte hex word");
  return BigInt(word);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function bigIntToBytes(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let rest = v;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  if (rest !== 0n) throw new Error("BLS: value does not fit");
  return out;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
