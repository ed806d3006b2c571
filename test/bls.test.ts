import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import type { Fp2 } from "@noble/curves/abstract/tower.js";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { expect } from "chai";
import { network } from "hardhat";

import {
  DST_POP,
  type G1,
  type G1PointStruct,
  type G2,
  type G2PointStruct,
  aggregatePublicKeys,
  aggregateSignatures,
  decodeG1,
  decodeG2,
  encodeG1,
  encodeG2,
  g1ToBytes,
  g2ToBytes,
  generateSecretKey,
  hashToG1,
  hashToG2,
  keyGen,
  proofOfPossession,
  publicKeyOf,
  secretKeyFromSeed,
  secretKeyToScalar,
  shortAggregatePublicKeys,
  shortAggregateSignatures,
  shortPublicKeyOf,
  shortSign,
  shortVerify,
  sign,
  verify,
  verifyAggregate,
} from "../src/protocol/bls.js";
import type { BLSHarness } from "../typechain-types/index.js";

const { ethers } = await network.create();

// ---------------------------------------------------------------------------------------------
// Vectors (RFC 9380, copied verbatim into test/vectors/rfc9380)
// ---------------------------------------------------------------------------------------------

interface HashToCurveSuite {
  dst: string;
  field: { p: string };
  vectors: { msg: string; P: { x: string; y: string } }[];
}
interface ExpandSuite {
  DST: string;
  tests: { msg: string; len_in_bytes: string; uniform_bytes: string }[];
}

function loadVectors<T>(file: string): T {
  const url = new URL(`./vectors/rfc9380/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as T;
}

const G1_SUITE = loadVectors<HashToCurveSuite>("BLS12381G1_XMD-SHA-256_SSWU_RO_.json");
const G2_SUITE = loadVectors<HashToCurveSuite>("BLS12381G2_XMD-SHA-256_SSWU_RO_.json");
const EXPAND_SUITE = loadVectors<ExpandSuite>("expand_message_xmd_SHA256_38.json");

// The modulus as published with the vectors, independent of both implementations under test.
const P = BigInt(G2_SUITE.field.p);
const R = bls12_381.fields.Fr.ORDER;
const TWO_128 = 1n << 128n;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const utf8 = (s: string) => new TextEncoder().encode(s);
const DST_SIG = "PROVERNET-V1-TEST-BLS12381G2_XMD:SHA-256_SSWU_RO_";
const DST_G1 = "PROVERNET-V1-TEST-BLS12381G1_XMD:SHA-256_SSWU_RO_";
const PAIRING_PRECOMPILE = "0x000000000000000000000000000000000000000F";

type BLSError =
  | "BLSInvalidFieldElement"
  | "BLSPointAtInfinity"
  | "BLSPointNotOnCurve"
  | "BLSPointNotInSubgroup";
type Outcome = boolean | BLSError;

/** Splits a value into two bytes32 words WITHOUT any range check (to build invalid encodings). */
function rawWords(v: bigint): [string, string] {
  const hex = v.toString(16).padStart(128, "0");
  return [`0x${hex.slice(0, 64)}`, `0x${hex.slice(64, 128)}`];
}
const word = (v: bigint) => `0x${v.toString(16).padStart(64, "0")}`;

function g1FromWords(w: readonly bigint[]): G1PointStruct {
  const [x_a, x_b, y_a, y_b] = w.map(word);
  return { x_a, x_b, y_a, y_b };
}
function g2FromWords(w: readonly bigint[]): G2PointStruct {
  const [x_c0_a, x_c0_b, x_c1_a, x_c1_b, y_c0_a, y_c0_b, y_c1_a, y_c1_b] = w.map(word);
  return { x_c0_a, x_c0_b, x_c1_a, x_c1_b, y_c0_a, y_c0_b, y_c1_a, y_c1_b };
}
function g1Words(s: G1PointStruct): bigint[] {
  return [s.x_a, s.x_b, s.y_a, s.y_b].map((h) => BigInt(h));
}
function g2Words(s: G2PointStruct): bigint[] {
  return [s.x_c0_a, s.x_c0_b, s.x_c1_a, s.x_c1_b, s.y_c0_a, s.y_c0_b, s.y_c1_a, s.y_c1_b].map((h) =>
    BigInt(h),
  );
}
/** A G1 struct from affine coordinates given as (possibly out-of-range) integers. */
function g1Raw(x: bigint, y: bigint): G1PointStruct {
  const [x_a, x_b] = rawWords(x);
  const [y_a, y_b] = rawWords(y);
  return { x_a, x_b, y_a, y_b };
}
/** A G2 struct from affine coordinates given as (possibly out-of-range) integers. */
function g2Raw(x0: bigint, x1: bigint, y0: bigint, y1: bigint): G2PointStruct {
  const [x_c0_a, x_c0_b] = rawWords(x0);
  const [x_c1_a, x_c1_b] = rawWords(x1);
  const [y_c0_a, y_c0_b] = rawWords(y0);
  const [y_c1_a, y_c1_b] = rawWords(y1);
  return { x_c0_a, x_c0_b, x_c1_a, x_c1_b, y_c0_a, y_c0_b, y_c1_a, y_c1_b };
}
/** Normalises an ethers struct result to a plain struct. */
function g1Out(r: G1PointStruct): G1PointStruct {
  return { x_a: r.x_a, x_b: r.x_b, y_a: r.y_a, y_b: r.y_b };
}
function g2Out(r: G2PointStruct): G2PointStruct {
  return {
    x_c0_a: r.x_c0_a,
    x_c0_b: r.x_c0_b,
    x_c1_a: r.x_c1_a,
    x_c1_b: r.x_c1_b,
    y_c0_a: r.y_c0_a,
    y_c0_b: r.y_c0_b,
    y_c1_a: r.y_c1_a,
    y_c1_b: r.y_c1_b,
  };
}

// A reference model of the contract's point checks, written with plain bigint arithmetic (the
// subgroup test uses noble). It predicts, for any words, which named error the contract raises.

const mod = (a: bigint) => ((a % P) + P) % P;
type F2 = [bigint, bigint];
const f2mul = (a: F2, b: F2): F2 => [
  mod(a[0] * b[0] - a[1] * b[1]),
  mod(a[0] * b[1] + a[1] * b[0]),
];
const f2add = (a: F2, b: F2): F2 => [mod(a[0] + b[0]), mod(a[1] + b[1])];

function encodingStatus(words: readonly bigint[]): BLSError | null {
  for (let i = 0; i < words.length; i += 2) {
    if (words[i] >= TWO_128 || ((words[i] << 256n) | words[i + 1]) >= P) {
      return "BLSInvalidFieldElement";
    }
  }
  return words.every((w) => w === 0n) ? "BLSPointAtInfinity" : null;
}
function fpOf(words: readonly bigint[], i: number): bigint {
  return (words[2 * i] << 256n) | words[2 * i + 1];
}
/** Canonical, not infinity, on the curve y^2 = x^3 + 4. */
function g1Status(words: readonly bigint[]): BLSError | null {
  const e = encodingStatus(words);
  if (e !== null) return e;
  const [x, y] = [fpOf(words, 0), fpOf(words, 1)];
  return mod(y * y - x * x * x - 4n) === 0n ? null : "BLSPointNotOnCurve";
}
/** Canonical, not infinity, on the curve y^2 = x^3 + 4(1 + i). */
function g2Status(words: readonly bigint[]): BLSError | null {
  const e = encodingStatus(words);
  if (e !== null) return e;
  const x: F2 = [fpOf(words, 0), fpOf(words, 1)];
  const y: F2 = [fpOf(words, 2), fpOf(words, 3)];
  const lhs = f2mul(y, y);
  const rhs = f2add(f2mul(f2mul(x, x), x), [4n, 4n]);
  return lhs[0] === rhs[0] && lhs[1] === rhs[1] ? null : "BLSPointNotOnCurve";
}
function g1Point(words: readonly bigint[]): G1 {
  return bls12_381.G1.Point.fromAffine({ x: fpOf(words, 0), y: fpOf(words, 1) });
}
function g2Point(words: readonly bigint[]): G2 {
  const Fp2 = bls12_381.fields.Fp2;
  return bls12_381.G2.Point.fromAffine({
    x: Fp2.create({ c0: fpOf(words, 0), c1: fpOf(words, 1) }),
    y: Fp2.create({ c0: fpOf(words, 2), c1: fpOf(words, 3) }),
  });
}
/** What BLS.verify must do for these words: which error, in the contract's order, or the result. */
function expectedVerify(
  pkWords: readonly bigint[],
  message: Uint8Array,
  dst: string,
  sigWords: readonly bigint[],
): Outcome {
  const pkStatus = g1Status(pkWords);
  if (pkStatus !== null) return pkStatus;
  const sigStatus = g2Status(sigWords);
  if (sigStatus !== null) return sigStatus;
  const pk = g1Point(pkWords);
  const sig = g2Point(sigWords);
  if (!pk.isTorsionFree() || !sig.isTorsionFree()) return "BLSPointNotInSubgroup";
  return verify(pk, message, dst, sig);
}

/** Whether r * P is infinity, computed as (r - 1) * P + P (noble multiplies by scalars < r). */
const g1KilledByR = (p: G1) =>
  p
    .multiplyUnsafe(R - 1n)
    .add(p)
    .is0();
const g2KilledByR = (p: G2) =>
  p
    .multiplyUnsafe(R - 1n)
    .add(p)
    .is0();

/** An on-curve G1 point outside the r-torsion subgroup: first x with x^3 + 4 a square. */
function offSubgroupG1(): G1 {
  const Fp = bls12_381.fields.Fp;
  for (let x = 1n; ; x++) {
    const rhs = Fp.add(Fp.pow(x, 3n), 4n);
    let y: bigint;
    try {
      y = Fp.sqrt(rhs);
    } catch {
      continue;
    }
    if (!Fp.eql(Fp.sqr(y), rhs)) continue;
    const p = bls12_381.G1.Point.fromAffine({ x, y });
    if (!p.isTorsionFree() && !g1KilledByR(p)) return p;
  }
}

/** An on-curve G2 point outside the r-torsion subgroup: first x = k + i with a square rhs. */
function offSubgroupG2(): G2 {
  const Fp2 = bls12_381.fields.Fp2;
  const b = Fp2.create({ c0: 4n, c1: 4n });
  for (let k = 1n; ; k++) {
    const x: Fp2 = Fp2.create({ c0: k, c1: 1n });
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b);
    let y: Fp2;
    try {
      y = Fp2.sqrt(rhs);
    } catch {
      continue;
    }
    if (!Fp2.eql(Fp2.sqr(y), rhs)) continue;
    const p = bls12_381.G2.Point.fromAffine({ x, y });
    if (!p.isTorsionFree() && !g2KilledByR(p)) return p;
  }
}

/** RFC 9380 §5.3.1 expand_message_xmd with node's SHA-256: a reference independent of noble. */
function referenceExpandXmd(msg: Uint8Array, dst: Uint8Array, len: number): Uint8Array {
  const h = (...parts: Uint8Array[]) => {
    const hash = createHash("sha256");
    for (const p of parts) hash.update(p);
    return new Uint8Array(hash.digest());
  };
  const dstPrime = Uint8Array.from([...dst, dst.length]);
  const ell = Math.ceil(len / 32);
  const b0 = h(new Uint8Array(64), msg, Uint8Array.from([len >> 8, len & 0xff, 0]), dstPrime);
  const out = new Uint8Array(ell * 32);
  let prev = new Uint8Array(32);
  for (let i = 1; i <= ell; i++) {
    prev = h(
      b0.map((v, j) => v ^ prev[j]),
      Uint8Array.from([i]),
      dstPrime,
    );
    out.set(prev, 32 * (i - 1));
  }
  return out.slice(0, len);
}

/** Deterministic distinct messages, including empty and longer than 255 bytes. */
const MESSAGE_LENGTHS = [
  0, 1, 2, 3, 16, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 200, 255, 256, 300, 1000, 4096,
];
function testMessage(len: number, salt = 0): Uint8Array {
  return new Uint8Array(len).map((_, i) => (i * 131 + len * 7 + salt * 29 + 5) & 0xff);
}

// ---------------------------------------------------------------------------------------------

describe("BLS12-381 (EIP-2537)", function () {
  let harness: BLSHarness;

  const sks = Array.from({ length: 33 }, (_, i) => secretKeyFromSeed(`bls-test-signer-${i}`));
  const pks = sks.map((sk) => publicKeyOf(sk));
  const MSG = sha256(utf8("the message"));

  const outcome = async (call: () => Promise<boolean>, expected: Outcome) => {
    if (typeof expected === "boolean") {
      expect(await call()).to.equal(expected);
    } else {
      await expect(call()).to.be.revertedWithCustomError(harness, expected);
    }
  };

  before(async function () {
    harness = await ethers.deployContract("BLSHarness");
  });

  describe("expand_message_xmd", function () {
    it("reproduces every RFC 9380 K.1 vector (SHA-256)", async function () {
      expect(EXPAND_SUITE.tests).to.have.length(10);
      const lengths = new Set(EXPAND_SUITE.tests.map((t) => t.len_in_bytes));
      expect([...lengths].sort()).to.deep.equal(["0x20", "0x80"]);
      for (const t of EXPAND_SUITE.tests) {
        const out = await harness.expandMessageXMD(
          utf8(t.msg),
          utf8(EXPAND_SUITE.DST),
          BigInt(t.len_in_bytes),
        );
        expect(out, `msg "${t.msg.slice(0, 10)}" len ${t.len_in_bytes}`).to.equal(
          `0x${t.uniform_bytes}`,
        );
      }
    });

    it("matches a reference implementation for odd lengths, a 255-byte DST and the maximum length", async function () {
      for (const t of EXPAND_SUITE.tests) {
        const ref = referenceExpandXmd(utf8(t.msg), utf8(EXPAND_SUITE.DST), Number(t.len_in_bytes));
        expect(ethers.hexlify(ref)).to.equal(`0x${t.uniform_bytes}`);
      }
      const dst255 = new Uint8Array(255).map((_, i) => (i * 3 + 1) & 0xff);
      const cases: [Uint8Array, Uint8Array, number][] = [
        [testMessage(5), utf8("D"), 1],
        [testMessage(40), utf8(DST_SIG), 31],
        [testMessage(0), dst255, 33],
        [testMessage(300), dst255, 255],
        [testMessage(64), utf8(DST_SIG), 97],
        [testMessage(10), utf8(DST_SIG), 255 * 32],
      ];
      for (const [msg, dst, len] of cases) {
        const expected = referenceExpandXmd(msg, dst, len);
        const out = await harness.expandMessageXMD(msg, dst, len);
        expect(out, `len ${len}`).to.equal(ethers.hexlify(expected));
      }
    });

    it("returns no bytes for length 0", async function () {
      expect(await harness.expandMessageXMD(testMessage(3), utf8(DST_SIG), 0)).to.equal("0x");
    });

    it("rejects more than 255 * 32 bytes", async function () {
      await expect(
        harness.expandMessageXMD(testMessage(3), utf8(DST_SIG), 255 * 32 + 1),
      ).to.be.revertedWithCustomError(harness, "BLSInvalidExpandLength");
    });

    it("rejects an empty DST and a DST longer than 255 bytes", async function () {
      for (const dst of [new Uint8Array(0), new Uint8Array(256).fill(0x41)]) {
        await expect(
          harness.expandMessageXMD(testMessage(3), dst, 32),
        ).to.be.revertedWithCustomError(harness, "BLSInvalidDST");
      }
    });
  });

  describe("hash to curve", function () {
    const g1Expected = (x: string, y: string) => g1Raw(BigInt(x), BigInt(y));
    const g2Expected = (x: string, y: string) => {
      const [x0, x1] = x.split(",").map((h) => BigInt(h));
      const [y0, y1] = y.split(",").map((h) => BigInt(h));
      return g2Raw(x0, x1, y0, y1);
    };

    it("on-chain hashToG1 reproduces every RFC 9380 J.9.1 vector", async function () {
      expect(G1_SUITE.vectors).to.have.length(5);
      for (const v of G1_SUITE.vectors) {
        const out = g1Out(await harness.hashToG1(utf8(v.msg), utf8(G1_SUITE.dst)));
        expect(out, `msg "${v.msg.slice(0, 10)}"`).to.deep.equal(g1Expected(v.P.x, v.P.y));
      }
    });

    it("on-chain hashToG2 reproduces every RFC 9380 J.10.1 vector", async function () {
      expect(G2_SUITE.vectors).to.have.length(5);
      for (const v of G2_SUITE.vectors) {
        const out = g2Out(await harness.hashToG2(utf8(v.msg), utf8(G2_SUITE.dst)));
        expect(out, `msg "${v.msg.slice(0, 10)}"`).to.deep.equal(g2Expected(v.P.x, v.P.y));
      }
    });

    it("TypeScript hashToG1 and hashToG2 reproduce every vector", function () {
      for (const v of G1_SUITE.vectors) {
        expect(encodeG1(hashToG1(utf8(v.msg), G1_SUITE.dst))).to.deep.equal(
          g1Expected(v.P.x, v.P.y),
        );
      }
      for (const v of G2_SUITE.vectors) {
        expect(encodeG2(hashToG2(utf8(v.msg), G2_SUITE.dst))).to.deep.equal(
          g2Expected(v.P.x, v.P.y),
        );
      }
    });

    it("on-chain hashToG2 and hashToG1 equal noble for 21 messages (empty to 4096 bytes)", async function () {
      expect(MESSAGE_LENGTHS).to.include.members([0, 256, 4096]);
      for (const len of MESSAGE_LENGTHS) {
        const msg = testMessage(len);
        const g2 = bls12_381.G2.hashToCurve(msg, { DST: DST_POP });
        expect(g2Out(await harness.hashToG2(msg, utf8(DST_POP))), `G2 len ${len}`).to.deep.equal(
          encodeG2(g2),
        );
        const g1 = bls12_381.G1.hashToCurve(msg, { DST: DST_G1 });
        expect(g1Out(await harness.hashToG1(msg, utf8(DST_G1))), `G1 len ${len}`).to.deep.equal(
          encodeG1(g1),
        );
      }
    });

    it("different DSTs give different points", async function () {
      const a = g2Out(await harness.hashToG2(MSG, utf8(DST_SIG)));
      const b = g2Out(await harness.hashToG2(MSG, utf8(DST_POP)));
      expect(a).to.not.deep.equal(b);
    });

    it("rejects an empty DST and a 256-byte DST (on chain and in TypeScript)", async function () {
      for (const dst of [new Uint8Array(0), new Uint8Array(256).fill(0x41)]) {
        await expect(harness.hashToG1(MSG, dst)).to.be.revertedWithCustomError(
          harness,
          "BLSInvalidDST",
        );
        await expect(harness.hashToG2(MSG, dst)).to.be.revertedWithCustomError(
          harness,
          "BLSInvalidDST",
        );
        expect(() => hashToG1(MSG, dst)).to.throw("DST");
        expect(() => hashToG2(MSG, dst)).to.throw("DST");
      }
      const dst255 = new Uint8Array(255).fill(0x41);
      expect(g2Out(await harness.hashToG2(MSG, dst255))).to.deep.equal(
        encodeG2(hashToG2(MSG, dst255)),
      );
    });
  });

  describe("verify", function () {
    it("accepts signatures made with the TypeScript library and with noble's own API", async function () {
      for (let i = 0; i < 3; i++) {
        const sig = sign(sks[i], MSG, DST_SIG);
        expect(verify(pks[i], MSG, DST_SIG, sig)).to.equal(true);
        expect(await harness.verify(encodeG1(pks[i]), MSG, utf8(DST_SIG), encodeG2(sig))).to.equal(
          true,
        );
      }
      // noble's long-signature mode is the same scheme: G1 keys, G2 signatures.
      const long = bls12_381.longSignatures;
      const nobleSig = long.sign(long.hash(MSG, DST_SIG), sks[5]);
      expect(long.getPublicKey(sks[5]).equals(pks[5])).to.equal(true);
      expect(nobleSig.equals(sign(sks[5], MSG, DST_SIG))).to.equal(true);
      expect(
        await harness.verify(encodeG1(pks[5]), MSG, utf8(DST_SIG), encodeG2(nobleSig)),
      ).to.equal(true);
    });

    it("returns false for a wrong message, key, DST or signature", async function () {
      const sig = encodeG2(sign(sks[0], MSG, DST_SIG));
      const pk = encodeG1(pks[0]);
      expect(await harness.verify(pk, MSG, utf8(DST_SIG), sig)).to.equal(true);
      expect(await harness.verify(pk, sha256(utf8("other")), utf8(DST_SIG), sig)).to.equal(false);
      expect(await harness.verify(encodeG1(pks[1]), MSG, utf8(DST_SIG), sig)).to.equal(false);
      expect(await harness.verify(pk, MSG, utf8(DST_POP), sig)).to.equal(false);
      const otherSig = encodeG2(sign(sks[1], MSG, DST_SIG));
      expect(await harness.verify(pk, MSG, utf8(DST_SIG), otherSig)).to.equal(false);
      // A valid signature on the negated key is the negated signature, not the same one.
      const negPk = encodeG1(pks[0].negate());
      expect(await harness.verify(negPk, MSG, utf8(DST_SIG), sig)).to.equal(false);
    });

    it("verifies messages of every length, including empty and > 255 bytes", async function () {
      for (const len of [0, 1, 255, 256, 1000]) {
        const msg = testMessage(len, 1);
        const sig = encodeG2(sign(sks[2], msg, DST_SIG));
        expect(await harness.verify(encodeG1(pks[2]), msg, utf8(DST_SIG), sig)).to.equal(true);
      }
    });

    it("rejects an invalid DST", async function () {
      const sig = encodeG2(sign(sks[0], MSG, DST_SIG));
      for (const dst of [new Uint8Array(0), new Uint8Array(256).fill(0x41)]) {
        await expect(harness.verify(encodeG1(pks[0]), MSG, dst, sig)).to.be.revertedWithCustomError(
          harness,
          "BLSInvalidDST",
        );
      }
    });

    it("any flipped bit in the key, signature or message fails with the predicted outcome", async function () {
      const pkWords = g1Words(encodeG1(pks[3]));
      const sigWords = g2Words(encodeG2(sign(sks[3], MSG, DST_SIG)));
      expect(expectedVerify(pkWords, MSG, DST_SIG, sigWords)).to.equal(true);
      const bits = [0, 1, 31, 64, 100, 123, 124, 125, 127, 128, 191, 255];
      const tally = new Map<string, number>();
      const record = (o: Outcome) => tally.set(String(o), (tally.get(String(o)) ?? 0) + 1);

      for (let w = 0; w < pkWords.length; w++) {
        for (const b of bits) {
          const flipped = [...pkWords];
          flipped[w] ^= 1n << BigInt(b);
          const expected = expectedVerify(flipped, MSG, DST_SIG, sigWords);
          expect(expected, `pk word ${w} bit ${b}`).to.not.equal(true);
          record(expected);
          await outcome(
            () => harness.verify(g1FromWords(flipped), MSG, utf8(DST_SIG), g2FromWords(sigWords)),
            expected,
          );
        }
      }
      for (let w = 0; w < sigWords.length; w++) {
        for (const b of bits) {
          const flipped = [...sigWords];
          flipped[w] ^= 1n << BigInt(b);
          const expected = expectedVerify(pkWords, MSG, DST_SIG, flipped);
          expect(expected, `sig word ${w} bit ${b}`).to.not.equal(true);
          record(expected);
          await outcome(
            () => harness.verify(g1FromWords(pkWords), MSG, utf8(DST_SIG), g2FromWords(flipped)),
            expected,
          );
        }
      }
      for (let i = 0; i < MSG.length; i++) {
        const flipped = Uint8Array.from(MSG);
        flipped[i] ^= 1 << i % 8;
        const expected = expectedVerify(pkWords, flipped, DST_SIG, sigWords);
        expect(expected, `message byte ${i}`).to.equal(false);
        record(expected);
        await outcome(
          () => harness.verify(g1FromWords(pkWords), flipped, utf8(DST_SIG), g2FromWords(sigWords)),
          expected,
        );
      }
      // The sample must exercise every way a flip can fail.
      expect(tally.get("BLSInvalidFieldElement")).to.be.greaterThan(0);
      expect(tally.get("BLSPointNotOnCurve")).to.be.greaterThan(0);
      expect(tally.get("false")).to.equal(MSG.length);
      expect(tally.get("true")).to.equal(undefined);
    });

    it("reports a starved pairing call as BLSPrecompileFailed, not as a bad point", async function () {
      const args = [
        encodeG1(pks[0]),
        MSG,
        utf8(DST_SIG),
        encodeG2(sign(sks[0], MSG, DST_SIG)),
      ] as const;
      const needed = await harness.verify.estimateGas(...args);
      expect(await harness.verify(...args, { gasLimit: needed })).to.equal(true);
      // Enough gas to reach the pairing, not enough for its 102900.
      await expect(harness.verify(...args, { gasLimit: needed - 40_000n }))
        .to.be.revertedWithCustomError(harness, "BLSPrecompileFailed")
        .withArgs(PAIRING_PRECOMPILE);
      // The same for an off-subgroup key, which with enough gas is reported as such.
      const bad = encodeG1(offSubgroupG1());
      await expect(harness.verify(bad, args[1], args[2], args[3], { gasLimit: needed - 40_000n }))
        .to.be.revertedWithCustomError(harness, "BLSPrecompileFailed")
        .withArgs(PAIRING_PRECOMPILE);
      await expect(
        harness.verify(bad, args[1], args[2], args[3], { gasLimit: needed + 100_000n }),
      ).to.be.revertedWithCustomError(harness, "BLSPointNotInSubgroup");
    });
  });

  describe("point validation", function () {
    const pk = pks[4];
    const pkS = encodeG1(pk);
    const sig = sign(sks[4], MSG, DST_SIG);
    const sigS = encodeG2(sig);
    const { x: px, y: py } = pk.toAffine();
    const { x: sx, y: sy } = sig.toAffine();

    const badG1: [string, G1PointStruct, BLSError][] = [
      [
        "x has a nonzero top byte",
        { ...pkS, x_a: word(BigInt(pkS.x_a) | (1n << 255n)) },
        "BLSInvalidFieldElement",
      ],
      [
        "y has a nonzero byte 15",
        { ...pkS, y_a: word(BigInt(pkS.y_a) | (1n << 128n)) },
        "BLSInvalidFieldElement",
      ],
      ["x + p (same residue)", g1Raw(px + P, py), "BLSInvalidFieldElement"],
      ["y + p (same residue)", g1Raw(px, py + P), "BLSInvalidFieldElement"],
      ["x = p", g1Raw(P, py), "BLSInvalidFieldElement"],
      ["y = 2^384 - 1", g1Raw(px, (1n << 384n) - 1n), "BLSInvalidFieldElement"],
      ["infinity", g1Raw(0n, 0n), "BLSPointAtInfinity"],
      ["y + 1 (off the curve)", g1Raw(px, mod(py + 1n)), "BLSPointNotOnCurve"],
      ["(0, 2): x = 0, on the curve, outside the subgroup", g1Raw(0n, 2n), "BLSPointNotInSubgroup"],
      ["(1, 1) off the curve", g1Raw(1n, 1n), "BLSPointNotOnCurve"],
      ["on the curve, outside the subgroup", encodeG1(offSubgroupG1()), "BLSPointNotInSubgroup"],
    ];
    const badG2: [string, G2PointStruct, BLSError][] = [
      ["x.c0 + p", g2Raw(sx.c0 + P, sx.c1, sy.c0, sy.c1), "BLSInvalidFieldElement"],
      ["x.c1 + p", g2Raw(sx.c0, sx.c1 + P, sy.c0, sy.c1), "BLSInvalidFieldElement"],
      ["y.c0 + p", g2Raw(sx.c0, sx.c1, sy.c0 + P, sy.c1), "BLSInvalidFieldElement"],
      ["y.c1 = p", g2Raw(sx.c0, sx.c1, sy.c0, P), "BLSInvalidFieldElement"],
      [
        "x.c1 has a nonzero top byte",
        { ...sigS, x_c1_a: word(BigInt(sigS.x_c1_a) | (1n << 248n)) },
        "BLSInvalidFieldElement",
      ],
      [
        "y.c1 has a nonzero byte 15",
        { ...sigS, y_c1_a: word(BigInt(sigS.y_c1_a) | (1n << 128n)) },
        "BLSInvalidFieldElement",
      ],
      ["infinity", g2Raw(0n, 0n, 0n, 0n), "BLSPointAtInfinity"],
      [
        "y.c0 + 1 (off the curve)",
        g2Raw(sx.c0, sx.c1, mod(sy.c0 + 1n), sy.c1),
        "BLSPointNotOnCurve",
      ],
      ["x.c1 swapped with x.c0", g2Raw(sx.c1, sx.c0, sy.c0, sy.c1), "BLSPointNotOnCurve"],
      ["on the curve, outside the subgroup", encodeG2(offSubgroupG2()), "BLSPointNotInSubgroup"],
    ];

    it("the reference model agrees with every constructed case", function () {
      for (const [name, s, expected] of badG1) {
        const w = g1Words(s);
        const status = g1Status(w) ?? (g1Point(w).isTorsionFree() ? null : "BLSPointNotInSubgroup");
        expect(status, name).to.equal(expected);
      }
      for (const [name, s, expected] of badG2) {
        const w = g2Words(s);
        const status = g2Status(w) ?? (g2Point(w).isTorsionFree() ? null : "BLSPointNotInSubgroup");
        expect(status, name).to.equal(expected);
      }
      expect(g1Status(g1Words(pkS))).to.equal(null);
      expect(g2Status(g2Words(sigS))).to.equal(null);
    });

    it("validatePublicKey accepts a valid key and rejects each bad key with the exact error", async function () {
      await harness.validatePublicKey(pkS);
      for (const [name, s, expected] of badG1) {
        await expect(harness.validatePublicKey(s), name).to.be.revertedWithCustomError(
          harness,
          expected,
        );
      }
    });

    it("validateSignature rejects bad encodings, infinity and off-curve points; the subgroup is left to the pairing", async function () {
      await harness.validateSignature(sigS);
      for (const [name, s, expected] of badG2) {
        if (expected === "BLSPointNotInSubgroup") {
          // Documented: no G2 subgroup check here; verify's pairing catches it (next test).
          await harness.validateSignature(s);
          continue;
        }
        await expect(harness.validateSignature(s), name).to.be.revertedWithCustomError(
          harness,
          expected,
        );
      }
    });

    it("validateG1Point does not check the subgroup either", async function () {
      await harness.validateG1Point(encodeG1(offSubgroupG1()));
      await expect(harness.validateG1Point(g1Raw(1n, 1n))).to.be.revertedWithCustomError(
        harness,
        "BLSPointNotOnCurve",
      );
    });

    it("verify rejects each bad key and each bad signature with the exact error", async function () {
      const dst = utf8(DST_SIG);
      expect(await harness.verify(pkS, MSG, dst, sigS)).to.equal(true);
      for (const [name, s, expected] of badG1) {
        await expect(harness.verify(s, MSG, dst, sigS), name).to.be.revertedWithCustomError(
          harness,
          expected,
        );
      }
      for (const [name, s, expected] of badG2) {
        await expect(harness.verify(pkS, MSG, dst, s), name).to.be.revertedWithCustomError(
          harness,
          expected,
        );
      }
    });

    it("verifyAggregate rejects a bad key anywhere in the set with the exact error", async function () {
      const dst = utf8(DST_SIG);
      const set = pks.slice(0, 4).map((p) => encodeG1(p));
      const aggSig = encodeG2(
        aggregateSignatures(sks.slice(0, 4).map((sk) => sign(sk, MSG, DST_SIG))),
      );
      expect(await harness.verifyAggregate(set, MSG, dst, aggSig)).to.equal(true);
      for (const [name, s, expected] of badG1) {
        for (const position of [0, 2]) {
          const keys = [...set];
          keys[position] = s;
          await expect(
            harness.verifyAggregate(keys, MSG, dst, aggSig),
            `${name} at ${position}`,
          ).to.be.revertedWithCustomError(harness, expected);
        }
        await expect(
          harness.verifyAggregate([s], MSG, dst, aggSig),
          `${name} alone`,
        ).to.be.revertedWithCustomError(harness, expected);
      }
      for (const [name, s, expected] of badG2) {
        await expect(harness.verifyAggregate(set, MSG, dst, s), name).to.be.revertedWithCustomError(
          harness,
          expected,
        );
      }
    });

    it("aggregate and aggregateG2 reject each bad point with the exact error, but not the subgroup", async function () {
      const g2Key = encodeG2(shortPublicKeyOf(sks[4]));
      const sets = <T>(bad: T, good: T): T[][] => [
        [bad],
        [bad, good],
        [good, bad],
        [good, good, bad],
      ];
      for (const [name, s, expected] of badG1) {
        for (const keys of sets(s, pkS)) {
          const call = harness.aggregate(keys);
          if (expected === "BLSPointNotInSubgroup") await call;
          else await expect(call, name).to.be.revertedWithCustomError(harness, expected);
        }
      }
      for (const [name, s, expected] of badG2) {
        for (const points of sets(s, g2Key)) {
          const call = harness.aggregateG2(points);
          if (expected === "BLSPointNotInSubgroup") await call;
          else await expect(call, name).to.be.revertedWithCustomError(harness, expected);
        }
      }
    });

    it("the TypeScript decoders reject what the contract rejects", function () {
      expect(decodeG1(pkS).equals(pk)).to.equal(true);
      expect(decodeG2(sigS).equals(sig)).to.equal(true);
      expect(decodeG1(g1ToBytes(pk)).equals(pk)).to.equal(true);
      expect(decodeG2(g2ToBytes(sig)).equals(sig)).to.equal(true);
      expect(decodeG1(g1Raw(0n, 0n)).is0()).to.equal(true);
      expect(decodeG2(g2Raw(0n, 0n, 0n, 0n)).is0()).to.equal(true);
      for (const [name, s, expected] of badG1) {
        if (expected === "BLSPointAtInfinity") continue;
        expect(() => decodeG1(s), name).to.throw();
      }
      for (const [name, s, expected] of badG2) {
        if (expected === "BLSPointAtInfinity") continue;
        expect(() => decodeG2(s), name).to.throw();
      }
    });
  });

  describe("aggregation", function () {
    it("aggregate equals the noble sum for 1, 2, 5 and 33 keys", async function () {
      for (const n of [1, 2, 5, 33]) {
        const keys = pks.slice(0, n);
        const out = g1Out(await harness.aggregate(keys.map((p) => encodeG1(p))));
        expect(out, `n = ${n}`).to.deep.equal(encodeG1(aggregatePublicKeys(keys)));
      }
    });

    it("aggregateG2 equals the noble sum", async function () {
      const keys = sks.slice(0, 5).map((sk) => shortPublicKeyOf(sk));
      for (const n of [1, 2, 5]) {
        const out = g2Out(await harness.aggregateG2(keys.slice(0, n).map((p) => encodeG2(p))));
        expect(out, `n = ${n}`).to.deep.equal(encodeG2(shortAggregatePublicKeys(keys.slice(0, n))));
      }
    });

    it("rejects zero keys, keys at infinity and a sum at infinity", async function () {
      await expect(harness.aggregate([])).to.be.revertedWithCustomError(harness, "BLSEmptyKeySet");
      await expect(harness.aggregateG2([])).to.be.revertedWithCustomError(
        harness,
        "BLSEmptyKeySet",
      );
      const a = encodeG1(pks[0]);
      const negA = encodeG1(pks[0].negate());
      await expect(harness.aggregate([a, negA])).to.be.revertedWithCustomError(
        harness,
        "BLSPointAtInfinity",
      );
      // an intermediate sum at infinity is fine
      expect(g1Out(await harness.aggregate([a, negA, encodeG1(pks[1])]))).to.deep.equal(
        encodeG1(pks[1]),
      );
      await expect(harness.aggregate([a, g1Raw(0n, 0n)])).to.be.revertedWithCustomError(
        harness,
        "BLSPointAtInfinity",
      );
      const b = shortPublicKeyOf(sks[0]);
      await expect(
        harness.aggregateG2([encodeG2(b), encodeG2(b.negate())]),
      ).to.be.revertedWithCustomError(harness, "BLSPointAtInfinity");
      await expect(
        harness.aggregateG2([encodeG2(b), g2Raw(0n, 0n, 0n, 0n)]),
      ).to.be.revertedWithCustomError(harness, "BLSPointAtInfinity");
      await expect(harness.aggregateG2([g2Raw(1n, 0n, 1n, 0n)])).to.be.revertedWithCustomError(
        harness,
        "BLSPointNotOnCurve",
      );
      await expect(
        harness.aggregateG2([encodeG2(b), g2Raw(P, 0n, 1n, 0n)]),
      ).to.be.revertedWithCustomError(harness, "BLSInvalidFieldElement");
      expect(() => aggregatePublicKeys([])).to.throw();
      expect(() => aggregatePublicKeys([pks[0], pks[0].negate()])).to.throw();
      expect(() => aggregateSignatures([])).to.throw();
    });

    it("verifyAggregate accepts one message signed by 1, 2, 3, 8, 16 and 33 keys", async function () {
      const dst = utf8(DST_SIG);
      for (const n of [1, 2, 3, 8, 16, 33]) {
        const keys = pks.slice(0, n).map((p) => encodeG1(p));
        const sigs = sks.slice(0, n).map((sk) => sign(sk, MSG, DST_SIG));
        const aggSig = encodeG2(aggregateSignatures(sigs));
        expect(verifyAggregate(pks.slice(0, n), MSG, DST_SIG, aggregateSignatures(sigs))).to.equal(
          true,
        );
        expect(await harness.verifyAggregate(keys, MSG, dst, aggSig), `n = ${n}`).to.equal(true);
        // wrong message, wrong DST
        expect(await harness.verifyAggregate(keys, sha256(MSG), dst, aggSig)).to.equal(false);
        expect(await harness.verifyAggregate(keys, MSG, utf8(DST_POP), aggSig)).to.equal(false);
        // a key missing, a key replaced, a key duplicated
        if (n > 1) {
          expect(await harness.verifyAggregate(keys.slice(1), MSG, dst, aggSig)).to.equal(false);
        }
        const replaced = [...keys];
        replaced[n - 1] = encodeG1(publicKeyOf(secretKeyFromSeed("outsider")));
        expect(await harness.verifyAggregate(replaced, MSG, dst, aggSig)).to.equal(false);
        expect(await harness.verifyAggregate([...keys, keys[0]], MSG, dst, aggSig)).to.equal(false);
        // one signer signed something else
        const partial = [...sigs];
        partial[0] = sign(sks[0], sha256(MSG), DST_SIG);
        expect(
          await harness.verifyAggregate(keys, MSG, dst, encodeG2(aggregateSignatures(partial))),
        ).to.equal(false);
      }
    });

    it("an off-subgroup key in the set is caught by the pairing", async function () {
      const keys = [encodeG1(pks[0]), encodeG1(offSubgroupG1())];
      const sig = encodeG2(sign(sks[0], MSG, DST_SIG));
      await expect(
        harness.verifyAggregate(keys, MSG, utf8(DST_SIG), sig),
      ).to.be.revertedWithCustomError(harness, "BLSPointNotInSubgroup");
    });

    it("without proofs of possession a rogue key forges an aggregate; it cannot prove possession", async function () {
      // Why verifyAggregate requires registered (PoP-checked) keys.
      const victim = pks[0];
      const attackerSk = secretKeyFromSeed("attacker");
      const rogue = publicKeyOf(attackerSk).add(victim.negate()); // x*G1 - pk_victim
      const forged = encodeG2(sign(attackerSk, MSG, DST_SIG));
      const keys = [encodeG1(victim), encodeG1(rogue)];
      expect(await harness.verifyAggregate(keys, MSG, utf8(DST_SIG), forged)).to.equal(true);
      // The rogue key is a perfectly valid point ...
      await harness.validatePublicKey(encodeG1(rogue));
      // ... but its owner does not know its secret key, so no proof of possession verifies.
      const popMessage = g1ToBytes(rogue);
      const attempt = encodeG2(proofOfPossession(attackerSk, popMessage));
      expect(await harness.verifyProofOfPossession(encodeG1(rogue), popMessage, attempt)).to.equal(
        false,
      );
    });
  });

  describe("proof of possession", function () {
    it("DST_POP is the same string on chain and in TypeScript", async function () {
      expect(await harness.dstPop()).to.equal(DST_POP);
      expect(DST_POP).to.equal("PROVERNET-V1-POP-BLS12381G2_XMD:SHA-256_SSWU_RO_");
    });

    it("verifies a proof of possession and keeps it apart from ordinary signatures", async function () {
      for (let i = 0; i < 3; i++) {
        const message = g1ToBytes(pks[i]);
        const pop = proofOfPossession(sks[i], message);
        expect(pop.equals(sign(sks[i], message, DST_POP))).to.equal(true);
        const pk = encodeG1(pks[i]);
        expect(await harness.verifyProofOfPossession(pk, message, encodeG2(pop))).to.equal(true);
        // a signature under another DST is not a proof of possession, and vice versa
        const ordinary = encodeG2(sign(sks[i], message, DST_SIG));
        expect(await harness.verifyProofOfPossession(pk, message, ordinary)).to.equal(false);
        expect(await harness.verify(pk, message, utf8(DST_SIG), encodeG2(pop))).to.equal(false);
        // bound to the key and to the message
        expect(
          await harness.verifyProofOfPossession(encodeG1(pks[i + 1]), message, encodeG2(pop)),
        ).to.equal(false);
        expect(
          await harness.verifyProofOfPossession(pk, g1ToBytes(pks[i + 1]), encodeG2(pop)),
        ).to.equal(false);
      }
    });

    it("rejects an off-subgroup key and a key at infinity", async function () {
      const message = utf8("register");
      const pop = encodeG2(proofOfPossession(sks[0], message));
      await expect(
        harness.verifyProofOfPossession(encodeG1(offSubgroupG1()), message, pop),
      ).to.be.revertedWithCustomError(harness, "BLSPointNotInSubgroup");
      await expect(
        harness.verifyProofOfPossession(g1Raw(0n, 0n), message, pop),
      ).to.be.revertedWithCustomError(harness, "BLSPointAtInfinity");
    });
  });

  describe("constants and pairing", function () {
    it("negG1Generator and negG2Generator are the negated generators", async function () {
      expect(g1Out(await harness.negG1Generator())).to.deep.equal(
        encodeG1(bls12_381.G1.Point.BASE.negate()),
      );
      expect(g2Out(await harness.negG2Generator())).to.deep.equal(
        encodeG2(bls12_381.G2.Point.BASE.negate()),
      );
    });

    it("pairing2 is bilinear: e(aG1, bG2) * e(-abG1, G2) == 1", async function () {
      const G1b = bls12_381.G1.Point.BASE;
      const G2b = bls12_381.G2.Point.BASE;
      const a = 123456789n;
      const b = 987654321n;
      const check = (c: bigint) =>
        harness.pairing2(
          encodeG1(G1b.multiply(a)),
          encodeG2(G2b.multiply(b)),
          encodeG1(G1b.multiply(c).negate()),
          encodeG2(G2b),
        );
      expect(await check(a * b)).to.equal(true);
      expect(await check(a * b + 1n)).to.equal(false);
    });
  });

  describe("short-signature variant (harness)", function () {
    const shortPks = sks.map((sk) => shortPublicKeyOf(sk));

    it("verifies short signatures and rejects wrong ones", async function () {
      const sig = shortSign(sks[0], MSG, DST_G1);
      expect(shortVerify(shortPks[0], MSG, DST_G1, sig)).to.equal(true);
      // noble's short-signature mode is the same scheme
      const short = bls12_381.shortSignatures;
      expect(short.sign(short.hash(MSG, DST_G1), sks[0]).equals(sig)).to.equal(true);
      const dst = utf8(DST_G1);
      expect(await harness.verifyShort(encodeG2(shortPks[0]), MSG, dst, encodeG1(sig))).to.equal(
        true,
      );
      expect(
        await harness.verifyShort(encodeG2(shortPks[0]), sha256(MSG), dst, encodeG1(sig)),
      ).to.equal(false);
      expect(await harness.verifyShort(encodeG2(shortPks[1]), MSG, dst, encodeG1(sig))).to.equal(
        false,
      );
      await expect(
        harness.verifyShort(encodeG2(shortPks[0]), MSG, dst, g1Raw(1n, 1n)),
      ).to.be.revertedWithCustomError(harness, "BLSPointNotOnCurve");
      await expect(
        harness.verifyShort(encodeG2(offSubgroupG2()), MSG, dst, encodeG1(sig)),
      ).to.be.revertedWithCustomError(harness, "BLSPointNotInSubgroup");
    });

    it("verifies short aggregates for 1, 8, 16 and 33 keys", async function () {
      const dst = utf8(DST_G1);
      for (const n of [1, 8, 16, 33]) {
        const keys = shortPks.slice(0, n).map((p) => encodeG2(p));
        const agg = shortAggregateSignatures(
          sks.slice(0, n).map((sk) => shortSign(sk, MSG, DST_G1)),
        );
        expect(
          await harness.verifyAggregateShort(keys, MSG, dst, encodeG1(agg)),
          `n = ${n}`,
        ).to.equal(true);
        expect(await harness.verifyAggregateShort(keys, sha256(MSG), dst, encodeG1(agg))).to.equal(
          false,
        );
      }
    });
  });

  describe("TypeScript library", function () {
    it("keyGen reproduces the EIP-2333 derive_master_SK vectors", function () {
      const vectors: [string, bigint][] = [
        [
          "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
          6083874454709270928345386274498605044986640685124978867557563392430687146096n,
        ],
        [
          "3141592653589793238462643383279502884197169399375105820974944592",
          29757020647961307431480504535336562678282505419141012933316116377660817309383n,
        ],
      ];
      for (const [seed, master] of vectors) {
        expect(secretKeyToScalar(keyGen(ethers.getBytes(`0x${seed}`)))).to.equal(master);
        expect(secretKeyToScalar(secretKeyFromSeed(ethers.getBytes(`0x${seed}`)))).to.equal(master);
      }
    });

    it("derives deterministic, distinct keys and validates secret keys", function () {
      expect(secretKeyFromSeed("a")).to.deep.equal(secretKeyFromSeed("a"));
      expect(secretKeyFromSeed("a")).to.not.deep.equal(secretKeyFromSeed("b"));
      const fixed = new Uint8Array(32).fill(7);
      expect(generateSecretKey(() => fixed)).to.deep.equal(keyGen(fixed));
      expect(generateSecretKey()).to.not.deep.equal(generateSecretKey());
      expect(() => generateSecretKey(() => new Uint8Array(31))).to.throw();
      expect(() => secretKeyToScalar(new Uint8Array(32))).to.throw("range");
      expect(() => secretKeyToScalar(ethers.getBytes(ethers.toBeHex(R, 32)))).to.throw("range");
      expect(() => secretKeyToScalar(new Uint8Array(31).fill(1))).to.throw();
      expect(secretKeyToScalar(ethers.getBytes(ethers.toBeHex(R - 1n, 32)))).to.equal(R - 1n);
    });

    it("encodes in the EIP-2537 layout (c0 before c1, 64-byte big-endian limbs)", function () {
      const g2 = bls12_381.G2.Point.BASE.toAffine();
      const bytes = g2ToBytes(bls12_381.G2.Point.BASE);
      expect(bytes).to.have.length(256);
      expect(ethers.hexlify(bytes)).to.equal(
        `0x${[g2.x.c0, g2.x.c1, g2.y.c0, g2.y.c1].map((v) => v.toString(16).padStart(128, "0")).join("")}`,
      );
      const g1 = bls12_381.G1.Point.BASE.toAffine();
      expect(ethers.hexlify(g1ToBytes(bls12_381.G1.Point.BASE))).to.equal(
        `0x${[g1.x, g1.y].map((v) => v.toString(16).padStart(128, "0")).join("")}`,
      );
      expect(g1ToBytes(bls12_381.G1.Point.ZERO)).to.deep.equal(new Uint8Array(128));
      expect(encodeG2(bls12_381.G2.Point.ZERO)).to.deep.equal(g2Raw(0n, 0n, 0n, 0n));
    });

    it("off-chain verify returns false for invalid points instead of throwing", function () {
      const sig = sign(sks[0], MSG, DST_SIG);
      expect(verify(pks[0], MSG, DST_SIG, sig)).to.equal(true);
      expect(verify(bls12_381.G1.Point.ZERO, MSG, DST_SIG, sig)).to.equal(false);
      expect(verify(offSubgroupG1(), MSG, DST_SIG, sig)).to.equal(false);
      expect(verify(pks[0], MSG, DST_SIG, offSubgroupG2())).to.equal(false);
      expect(verify(pks[0], MSG, DST_SIG, bls12_381.G2.Point.ZERO)).to.equal(false);
      expect(verifyAggregate([], MSG, DST_SIG, sig)).to.equal(false);
      expect(shortVerify(shortPublicKeyOf(sks[0]), MSG, DST_G1, offSubgroupG1())).to.equal(false);
    });
  });
});
