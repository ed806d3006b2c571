/**
 * Chunk outputs and their signatures, mirrored from `contracts/verifier/StandInChunkProver.sol`
 * and `contracts/lifecycle/ChunkOutputs.sol`: the stand-in proving function of a node of a
 * block's proof trees, the honest outputs of every node of a block, and the EIP-712 message a
 * prover signs for each chunk output it sends (what the slasher takes as evidence, and the root
 * proof's verifier as attestation). Pure: no chain access.
 */
import {
  AbiCoder,
  Signature,
  ZeroHash,
  keccak256,
  toUtf8Bytes,
  type Signer,
  type TypedDataDomain,
} from "ethers";

import type { CompactSignature } from "./lifecycle.js";

const abi = AbiCoder.defaultAbiCoder();

/** `StandInChunkProver.STAND_IN_CHUNK_DOMAIN`. */
export const STAND_IN_CHUNK_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_STAND_IN_CHUNK"));

/**
 * The stand-in output of heap node `node` of `slot`'s block (no zk; see StandInChunkProver): for a
 * leaf `left` is its chunk's transaction commitment and `right` is zero, for an inner node they
 * are its children's outputs. The tree is not an input: all c trees share the outputs.
 */
export function standInChunkOutput(
  slot: bigint,
  node: bigint | number,
  left: string,
  right: string,
): string {
  return keccak256(
    abi.encode(
      ["bytes32", "uint256", "uint256", "bytes32", "bytes32"],
      [STAND_IN_CHUNK_DOMAIN, slot, node, left, right],
    ),
  );
}

/**
 * The honest output of every node of `slot`'s block with `leafCount` leaves, bottom-up:
 * `outputs[node]` for heap indices 1..2L-1 (`outputs[0]` is unused and zero). Leaf `L + i` proves
 * chunk `i`, whose transaction commitment is `leafInputs[i]`.
 */
export function chunkOutputsOfBlock(
  slot: bigint,
  leafCount: number,
  leafInputs: readonly string[],
): string[] {
  if (!Number.isInteger(leafCount) || leafCount < 1 || (leafCount & (leafCount - 1)) !== 0) {
    throw new Error(`leaf count ${leafCount} is not a power of two`);
  }
  if (leafInputs.length !== leafCount) {
    throw new Error(`${leafInputs.length} leaf inputs for ${leafCount} leaves`);
  }
  const outputs = new Array<string>(2 * leafCount).fill(ZeroHash);
  for (let i = 0; i < leafCount; i++) {
    outputs[leafCount + i] = standInChunkOutput(slot, leafCount + i, leafInputs[i], ZeroHash);
  }
  for (let node = leafCount - 1; node >= 1; node--) {
    outputs[node] = standInChunkOutput(slot, node, outputs[2 * node], outputs[2 * node + 1]);
  }
  return outputs;
}

/** `IInvalidWorkSlasher.ChunkOutput`: what a prover signs for a chunk output it sends. */
export interface ChunkOutput {
  slot: bigint;
  node: bigint;
  left: string;
  right: string;
  output: string;
}

/**
 * The honest signed message of node `node`, given the block's outputs from
 * {@link chunkOutputsOfBlock} and its leaf inputs.
 */
export function honestChunkOutput(
  slot: bigint,
  node: number,
  outputs: readonly string[],
  leafInputs: readonly string[],
): ChunkOutput {
  const leafCount = leafInputs.length;
  if (node < 1 || node >= 2 * leafCount) throw new Error(`node ${node} outside the tree`);
  const leaf = node >= leafCount;
  return {
    slot,
    node: BigInt(node),
    left: leaf ? leafInputs[node - leafCount] : outputs[2 * node],
    right: leaf ? ZeroHash : outputs[2 * node + 1],
    output: outputs[node],
  };
}

/**
 * The EIP-712 domain of chunk outputs (`ChunkOutputs.sol`): the lifecycle deployment's own domain
 * on `chainId`, the one timeout votes use. The slasher judges these signatures against the prover
 * (a wrong or doubly signed output) and the root proof's verifier for it (the credit a
 * participation record gives).
 */
export function chunkOutputDomain(chainId: bigint, lifecycle: string): TypedDataDomain {
  return {
    name: "ProverNetwork BlockLifecycle",
    version: "1",
    chainId,
    verifyingContract: lifecycle,
  };
}

/** The EIP-712 types of a chunk output. */
export const CHUNK_OUTPUT_TYPES = {
  ChunkOutput: [
    { name: "slot", type: "uint256" },
    { name: "node", type: "uint256" },
    { name: "left", type: "bytes32" },
    { name: "right", type: "bytes32" },
    { name: "output", type: "bytes32" },
  ],
};

/** Signs `output` with the operator key under `domain`; compact (EIP-2098) form, low `s`. */
export async function signChunkOutput(
  signer: Pick<Signer, "signTypedData">,
  domain: TypedDataDomain,
  output: ChunkOutput,
): Promise<CompactSignature> {
  const sig = Signature.from(await signer.signTypedData(domain, CHUNK_OUTPUT_TYPES, { ...output }));
  return { r: sig.r, vs: sig.yParityAndS };
}

/**
 * STAND-IN for the rollup's transaction commitment: the `txCommitment` a proposal carries for a
 * block whose chunk `i` has transaction commitment `leafInputs[i]` (keccak256 of the ABI-encoded
 * `bytes32[]`). Provers check the data they receive against it before proving its leaves.
 */
export function txCommitmentOf(leafInputs: readonly string[]): string {
  return keccak256(abi.encode(["bytes32[]"], [leafInputs]));
}
