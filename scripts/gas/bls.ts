/**
 * Gas of BLS verification, measured from real transaction receipts on BLSHarness.
 *
 * Everything is deterministic (fixed key seeds, fixed message and DSTs, no storage), so two runs
 * give identical numbers. Keys:
 * - `bls.verify`: the protocol's scheme (G1 keys, G2 signatures), one signature.
 * - `bls.verifyAggregate.signers33`: the protocol's scheme, one message, 33 keys in calldata.
 * - `bls.compare.{eth,short}.verify` and `bls.compare.{eth,short}.verifyAggregate.signers{8,16,33}`:
 *   the protocol's scheme ("eth": keys in G1, signatures in G2, hash to G2) against the
 *   short-signature alternative ("short": keys in G2, signatures in G1, hash to G1), with the
 *   same message, DSTs of equal length and the same calldata layout.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionResponse } from "ethers";

import {
  aggregateSignatures,
  encodeG1,
  encodeG2,
  publicKeyOf,
  secretKeyFromSeed,
  shortAggregateSignatures,
  shortPublicKeyOf,
  shortSign,
  sign,
} from "../../src/protocol/bls.js";
import type { BLSHarness } from "../../typechain-types/index.js";
import { receiptOf } from "./common.js";

/** Signer counts of the aggregate comparison. */
export const BLS_COMPARE_SIGNER_COUNTS = [8, 16, 33] as const;

/** The fixed 32-byte message every measurement signs. */
export const BLS_GAS_MESSAGE = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);

/** DSTs of the measurement; equal length so that calldata is comparable. */
export const BLS_GAS_DST_ETH = "PROVERNET-V1-GAS-BLS12381G2_XMD:SHA-256_SSWU_RO_";
export const BLS_GAS_DST_SHORT = "PROVERNET-V1-GAS-BLS12381G1_XMD:SHA-256_SSWU_RO_";

const MAX_SIGNERS = Math.max(...BLS_COMPARE_SIGNER_COUNTS);

/**
 * Deploys BLSHarness, sends one verification transaction per measurement and returns each
 * receipt's gasUsed. Throws if a transaction did not verify `true`.
 */
export async function measureBls(ethers: HardhatEthers): Promise<Record<string, number>> {
  const harness: BLSHarness = await ethers.deployContract("BLSHarness");
  await harness.waitForDeployment();

  const secretKeys = Array.from({ length: MAX_SIGNERS }, (_, i) =>
    secretKeyFromSeed(`provernet/bls-gas/signer-${i}`),
  );
  const message = BLS_GAS_MESSAGE;
  const ethKeys = secretKeys.map((sk) => encodeG1(publicKeyOf(sk)));
  const ethSigs = secretKeys.map((sk) => sign(sk, message, BLS_GAS_DST_ETH));
  const shortKeys = secretKeys.map((sk) => encodeG2(shortPublicKeyOf(sk)));
  const shortSigs = secretKeys.map((sk) => shortSign(sk, message, BLS_GAS_DST_SHORT));

  const gasOf = async (label: string, sent: Promise<ContractTransactionResponse>) => {
    const receipt = await receiptOf(label, sent);
    const events = receipt.logs
      .map((log) => harness.interface.parseLog(log))
      .filter((event) => event !== null && event.name === "Verified");
    if (events.length !== 1 || events[0]?.args[0] !== true) {
      throw new Error(`${label}: signature did not verify`);
    }
    return Number(receipt.gasUsed);
  };

  const results: Record<string, number> = {};

  const ethVerify = await gasOf(
    "eth.verify",
    harness.verifyTx(ethKeys[0], message, toBytes(BLS_GAS_DST_ETH), encodeG2(ethSigs[0])),
  );
  // One transaction: the protocol's single verification is the "eth" side of the comparison.
  results["bls.verify"] = ethVerify;
  results["bls.compare.eth.verify"] = ethVerify;
  results["bls.compare.short.verify"] = await gasOf(
    "short.verify",
    harness.verifyShortTx(
      shortKeys[0],
      message,
      toBytes(BLS_GAS_DST_SHORT),
      encodeG1(shortSigs[0]),
    ),
  );

  for (const n of BLS_COMPARE_SIGNER_COUNTS) {
    const eth = await gasOf(
      `eth.verifyAggregate.signers${n}`,
      harness.verifyAggregateTx(
        ethKeys.slice(0, n),
        message,
        toBytes(BLS_GAS_DST_ETH),
        encodeG2(aggregateSignatures(ethSigs.slice(0, n))),
      ),
    );
    results[`bls.compare.eth.verifyAggregate.signers${n}`] = eth;
    if (n === 33) results["bls.verifyAggregate.signers33"] = eth;
    results[`bls.compare.short.verifyAggregate.signers${n}`] = await gasOf(
      `short.verifyAggregate.signers${n}`,
      harness.verifyAggregateShortTx(
        shortKeys.slice(0, n),
        message,
        toBytes(BLS_GAS_DST_SHORT),
        encodeG1(shortAggregateSignatures(shortSigs.slice(0, n))),
      ),
    );
  }
  return results;
}

function toBytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
