/**
 * The stand-in verifier's share of a root-proof transaction, reported apart from the core's.
 *
 * A stand-in root proof carries what the real circuit takes as witness: the committee, the leaf
 * inputs and one signature per credited node (StandInProofVerifier). On L1 a real proof is a few
 * hundred bytes and one verifier call. So the core figure of a root-proof transaction is its
 * gasUsed minus
 * - the gas of the `verify` call as its caller pays it (the proof copied into memory, the
 *   STATICCALL's cold access and the stand-in's execution, the result decoded), measured by
 *   `VerifierGasMeter.measure` (eth_call on the same state; the lifecycle script checks it once
 *   against the transaction's trace, which sees the opcode alone), and
 * - the calldata gas of the proof's bytes (4 per zero byte, 16 per other byte), which EIP-7623's
 *   floor leaves as they are only while the transaction pays the standard price: checked.
 * Neither part depends on the machine: the figures are deterministic.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { getBytes, type ContractTransactionReceipt } from "ethers";

import type { VerifierGasMeter } from "../../typechain-types/index.js";

/** Calldata gas of `data` at the standard price (EIP-2028). */
export function calldataGas(data: string | Uint8Array): number {
  let gas = 0;
  for (const byte of getBytes(data)) gas += byte === 0 ? 4 : 16;
  return gas;
}

/** EIP-7623's floor for a transaction with calldata `data`: 21000 + 10 per token. */
export function calldataFloor(data: string): number {
  let tokens = 0;
  for (const byte of getBytes(data)) tokens += byte === 0 ? 1 : 4;
  return 21_000 + 10 * tokens;
}

/** The stand-in's gas in one root-proof transaction. */
export interface StandInCost {
  verifier: number;
  calldata: number;
  /** The proof's length in bytes. */
  proofBytes: number;
}

/** Measures the stand-in parts of a root proof (call before sending: the state must match). */
export async function standInCost(
  meter: VerifierGasMeter,
  verifier: string,
  inputs: string,
  proof: string,
): Promise<StandInCost> {
  const [used, valid] = await meter.measure(verifier, inputs, proof);
  if (!valid) throw new Error("the stand-in proof does not verify");
  return {
    verifier: Number(used),
    calldata: calldataGas(proof),
    proofBytes: getBytes(proof).length,
  };
}

/** `receipt`'s gasUsed without the stand-in's parts (throws if the calldata floor applied). */
export function coreGas(
  receipt: ContractTransactionReceipt,
  data: string,
  cost: StandInCost,
): number {
  const used = Number(receipt.gasUsed);
  if (used <= calldataFloor(data)) {
    throw new Error(`gasUsed ${used} is at the EIP-7623 floor: the split would be wrong`);
  }
  return used - cost.verifier - cost.calldata;
}

/** Deploys the meter. */
export async function deployMeter(ethers: HardhatEthers): Promise<VerifierGasMeter> {
  return (await ethers.deployContract("VerifierGasMeter")) as unknown as VerifierGasMeter;
}
