/**
 * Gas of the striped proof-tree assignment, measured on TreeAssignmentHarness.
 *
 * Key:
 * - `election.assignmentView.n32c3L16`: `estimateGas` of `blockAssignment` (the whole block's
 *   assignment mapped to prover addresses) with a 32-member committee, c = 3 trees and L = 16
 *   leaves per tree. It is a view: what an L1 contract pays to compute the assignment inline, plus
 *   the transaction base cost and the calldata of the committee.
 *
 * Deterministic: fixed committee addresses and a fixed block seed.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { getAddress, keccak256, toBeHex, toUtf8Bytes } from "ethers";

import { blockSeed } from "../../src/protocol/assignment.js";

/** Committee size, tree count and leaf count of the measured block. */
export const ASSIGNMENT_GAS_SHAPE = { m: 32, c: 3, leafCount: 16 } as const;

/** Measures the assignment keys; see the module comment. */
export async function measureAssignment(ethers: HardhatEthers): Promise<Record<string, number>> {
  const harness = await ethers.deployContract("TreeAssignmentHarness");
  await harness.waitForDeployment();
  const { m, c, leafCount } = ASSIGNMENT_GAS_SHAPE;
  const committee = Array.from({ length: m }, (_, i) =>
    getAddress(keccak256(toBeHex(i + 1, 32)).slice(0, 42)),
  );
  const seed = blockSeed(keccak256(toUtf8Bytes("PROVERNET_V1_GAS_EPOCH")), 1n);
  const gas = await harness.blockAssignment.estimateGas(committee, seed, c, leafCount);
  return { "election.assignmentView.n32c3L16": Number(gas) };
}
