/**
 * Checking the chunk-output signatures a client receives, and remembering the answers. A root
 * proof must carry the signature of every member its record credits (attested participation,
 * `StandInProofVerifier`), so a prover checks every signature a chunk message brings before it
 * builds on the message: one bad signature below a node would make every root above it fail.
 * Recovering a signer is a pure function of (domain, output, signature); the answer is kept in a
 * bounded map shared by every client of the process (the simulator runs many), so each signature
 * is recovered once however many messages repeat it.
 */
import { Signature, TypedDataEncoder, recoverAddress, type TypedDataDomain } from "ethers";

import { CHUNK_OUTPUT_TYPES, type ChunkOutput } from "../protocol/chunks.js";
import type { CompactSignature } from "../protocol/lifecycle.js";

/** Most answers kept; the map is cleared when full (a long-lived node never grows without bound). */
const MAX_REMEMBERED = 200_000;
const remembered = new Map<string, string>();

/** The address that signed `output` under `domain`, or "" if the signature is malformed. */
export function chunkSignerOf(
  domain: TypedDataDomain,
  output: ChunkOutput,
  signature: CompactSignature,
): string {
  const key = [
    String(domain.chainId),
    String(domain.verifyingContract),
    output.slot,
    output.node,
    output.left,
    output.right,
    output.output,
    signature.r,
    signature.vs,
  ].join(":");
  let signer = remembered.get(key);
  if (signer === undefined) {
    try {
      const digest = TypedDataEncoder.hash(domain, CHUNK_OUTPUT_TYPES, { ...output });
      signer = recoverAddress(
        digest,
        Signature.from({ r: signature.r, yParityAndS: signature.vs }),
      ).toLowerCase();
    } catch {
      signer = "";
    }
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(key, signer);
  }
  return signer;
}
