/**
 * Attested participation (`contracts/verifier/StandInProofVerifier.sol`): a root proof shows that
 * every member its participation record credits signed the output of the node it is credited for
 * (its `ChunkOutput`, the same signature the slasher judges). This module builds the stand-in
 * root proof: the opened public inputs, the committee, the leaf inputs and one compact signature
 * per record byte that names a signer, in record order. Pure: no chain access.
 */
import {
  AbiCoder,
  ZeroHash,
  concat,
  getBytes,
  keccak256,
  type Signer,
  type TypedDataDomain,
} from "ethers";

import { chunkOutputsOfBlock, signChunkOutput, type ChunkOutput } from "./chunks.js";
import {
  blockCommitment,
  rootPublicInputs,
  type BlockHeader,
  type CompactSignature,
  type LifecycleDomain,
} from "./lifecycle.js";

const abi = AbiCoder.defaultAbiCoder();

/** Record byte crediting the block's proposer (`PolicyRecord.PROPOSER`). */
const PROPOSER = 0xfe;

/** `StandInProofVerifier.ROOT_PROOF` and `NODE_PROOF`: the kind byte a stand-in proof starts with. */
export const ROOT_PROOF_KIND = 1;
export const NODE_PROOF_KIND = 2;

/** The ABI type of `StandInProofVerifier.BlockOpening`. */
const BLOCK_OPENING =
  "tuple(uint256 chainId,address lifecycle,uint256 slot,uint256 parent,address proposer," +
  "bytes32 txCommitment,uint256 leafCount,uint256 feeSplitBps)";
/** The ABI type of `StandInProofVerifier.RootProof`. */
const ROOT_PROOF_TYPE =
  `tuple(tuple(${BLOCK_OPENING} block_,uint256 tree,bytes record,address submitter) opening,` +
  "address[] committee,bytes32[] leafInputs,bytes signatures)";
/** The ABI type of `StandInProofVerifier.NodeProof`. */
const NODE_PROOF_TYPE = `tuple(${BLOCK_OPENING} block_,uint256 node,address member,bytes32[] leafInputs,bytes32[2] signature)`;

function blockOpening(domain: LifecycleDomain, header: BlockHeader) {
  return {
    chainId: domain.chainId,
    lifecycle: domain.lifecycle,
    slot: header.slot,
    parent: header.parent,
    proposer: header.proposer,
    txCommitment: header.txCommitment,
    leafCount: header.leafCount,
    feeSplitBps: header.feeSplitBps,
  };
}

function withKind(kind: number, body: string): string {
  return concat([new Uint8Array([kind]), body]);
}

/** A record byte that names a signer: byte `index` credits `signer` for heap node `node`. */
export interface AttestedPosition {
  index: number;
  node: number;
  signer: string;
}

/**
 * The record bytes the verifier wants a signature for, in record order: byte `j` credits node
 * `j / P + 1` (`P = record.length / (2L - 1)`); a committee index names its member, PROPOSER (in
 * committees of at most 254) the proposer, anything else nobody.
 */
export function attestedPositions(
  record: Uint8Array,
  leafCount: number,
  committee: readonly string[],
  proposer: string,
): AttestedPosition[] {
  const nodes = 2 * leafCount - 1;
  // A record of another length has no positions (the lifecycle refuses it before the verifier).
  if (record.length === 0 || record.length % nodes !== 0) return [];
  const perNode = record.length / nodes;
  const out: AttestedPosition[] = [];
  record.forEach((b, index) => {
    const signer = b < committee.length ? committee[b] : b === PROPOSER ? proposer : undefined;
    if (signer !== undefined) out.push({ index, node: Math.floor(index / perNode) + 1, signer });
  });
  return out;
}

/** The honest chunk output of every node of a block, as a prover signs it. */
export function blockChunkOutputs(
  slot: bigint,
  leafInputs: readonly string[],
): (node: number) => ChunkOutput {
  const leafCount = leafInputs.length;
  const outputs = chunkOutputsOfBlock(slot, leafCount, leafInputs);
  return (node) => ({
    slot,
    node: BigInt(node),
    left: node >= leafCount ? leafInputs[node - leafCount] : outputs[2 * node],
    right: node >= leafCount ? ZeroHash : outputs[2 * node + 1],
    output: outputs[node],
  });
}

/** What a stand-in root proof carries besides its public inputs. */
export interface StandInAttestation {
  /** The epoch's committee, in committee order. */
  committee: readonly string[];
  /** The block's leaf inputs (chunk transaction commitments), one per leaf. */
  leafInputs: readonly string[];
  /** One signature per {@link attestedPositions} entry, in the same order. */
  signatures: readonly CompactSignature[];
}

/**
 * STAND-IN: a root proof of `tree` of the block with `header`, for `submitter` and `record`: the
 * public inputs the lifecycle computes and the proof `StandInProofVerifier` accepts for them.
 */
export function standInRootProof(
  domain: LifecycleDomain,
  header: BlockHeader,
  tree: number,
  record: Uint8Array,
  submitter: string,
  attestation: StandInAttestation,
): { inputs: string; proof: string } {
  const { committee, leafInputs, signatures } = attestation;
  const inputs = rootPublicInputs(
    domain,
    blockCommitment(header),
    tree,
    record,
    submitter,
    committee,
  );
  const signatureBytes = new Uint8Array(64 * signatures.length);
  signatures.forEach((sig, i) => {
    signatureBytes.set(getBytes(sig.r), 64 * i);
    signatureBytes.set(getBytes(sig.vs), 64 * i + 32);
  });
  const opening = { block_: blockOpening(domain, header), tree, record, submitter };
  const body = abi.encode(
    [ROOT_PROOF_TYPE],
    [{ opening, committee, leafInputs, signatures: signatureBytes }],
  );
  return { inputs, proof: withKind(ROOT_PROOF_KIND, body) };
}

/**
 * STAND-IN: a node proof (siblingCover's uncle claim) that `member` proved `node` of the block
 * with `header`: the member's signature over the node's honest output, with the leaf inputs it is
 * computed from. Its public inputs are `unclePublicInputs` (`RootInputs.nodePublicInputs`).
 */
export function standInNodeProof(
  domain: LifecycleDomain,
  header: BlockHeader,
  node: number,
  member: string,
  leafInputs: readonly string[],
  signature: CompactSignature,
): string {
  const body = abi.encode(
    [NODE_PROOF_TYPE],
    [
      {
        block_: blockOpening(domain, header),
        node,
        member,
        leafInputs,
        signature: [signature.r, signature.vs],
      },
    ],
  );
  return withKind(NODE_PROOF_KIND, body);
}

/** Signs chunk output `output` as operator `signer` (a lookup the caller provides). */
export type ChunkSigner = (
  signer: string,
  domain: TypedDataDomain,
  output: ChunkOutput,
) => Promise<CompactSignature>;

/**
 * The signatures a stand-in root proof of `record` needs, made by `sign` over the honest outputs
 * computed from `leafInputs`: for callers that hold every member's key (tests, gas scripts, the
 * demo). Provers collect them from the chunk messages instead.
 */
export async function attestRecord(
  chunkDomain: TypedDataDomain,
  header: BlockHeader,
  record: Uint8Array,
  committee: readonly string[],
  leafInputs: readonly string[],
  sign: ChunkSigner,
): Promise<CompactSignature[]> {
  const outputOf = blockChunkOutputs(header.slot, leafInputs);
  const positions = attestedPositions(record, Number(header.leafCount), committee, header.proposer);
  const signatures: CompactSignature[] = [];
  for (const { node, signer } of positions) {
    signatures.push(await sign(signer, chunkDomain, outputOf(node)));
  }
  return signatures;
}

/**
 * A {@link ChunkSigner} over known keys (`keyOf(address)`), remembering what it signed so that
 * the same output is signed once: for callers that attest many records of the same blocks (tests,
 * gas scripts, the demo).
 */
export function chunkSignerOf(
  keyOf: (address: string) => Pick<Signer, "signTypedData"> | undefined,
): ChunkSigner {
  const memo = new Map<string, Promise<CompactSignature>>();
  return (signer, domain, output) => {
    const key = [
      signer.toLowerCase(),
      String(domain.chainId),
      String(domain.verifyingContract).toLowerCase(),
      output.slot,
      output.node,
      output.left,
      output.right,
      output.output,
    ].join(":");
    let signature = memo.get(key);
    if (signature === undefined) {
      const wallet = keyOf(signer);
      if (wallet === undefined) throw new Error(`no key for ${signer}`);
      signature = signChunkOutput(wallet, domain, output);
      memo.set(key, signature);
    }
    return signature;
  };
}

/**
 * Leaf inputs for a block proposed without real data (tests and gas scripts propose arbitrary
 * `txCommitment`s): `keccak256(abi.encode("PROVERNET_V1_TEST_LEAF", slot, i))`. The stand-in
 * verifier does not open `txCommitment` (see StandInProofVerifier), so any inputs attest.
 */
export function placeholderLeafInputs(slot: bigint, leafCount: number): string[] {
  return Array.from({ length: leafCount }, (_, i) =>
    keccak256(abi.encode(["string", "uint256", "uint256"], ["PROVERNET_V1_TEST_LEAF", slot, i])),
  );
}

/** What {@link attestedRootProof} needs besides the block, tree, record and submitter. */
export interface AttestationKeys {
  /** The lifecycle's EIP-712 chunk-output domain (`chunkOutputDomain`). */
  chunkDomain: TypedDataDomain;
  committee: readonly string[];
  sign: ChunkSigner;
  /** Default: {@link placeholderLeafInputs}. */
  leafInputs?: readonly string[];
}

/** {@link attestRecord} then {@link standInRootProof}: a root proof every credited key signed. */
export async function attestedRootProof(
  domain: LifecycleDomain,
  header: BlockHeader,
  tree: number,
  record: Uint8Array,
  submitter: string,
  keys: AttestationKeys,
): Promise<{ inputs: string; proof: string }> {
  const leafInputs =
    keys.leafInputs ?? placeholderLeafInputs(header.slot, Number(header.leafCount));
  const signatures = await attestRecord(
    keys.chunkDomain,
    header,
    record,
    keys.committee,
    leafInputs,
    keys.sign,
  );
  return standInRootProof(domain, header, tree, record, submitter, {
    committee: keys.committee,
    leafInputs,
    signatures,
  });
}
