/**
 * Shared fixture of the whole-network tests: the small network they run, and a runner that keeps
 * each run's in-process chain open for the test's views until `closeSimulations()`.
 */
import { network } from "hardhat";

import { DEFAULT_OPTIONS, type SimOptions } from "../../src/sim/options.js";
import { runSimulation, type SimResult } from "../../src/sim/simulator.js";

/** 8 provers, n = 8 (f = 2), c = 3, L = 4, W = 24 L1 blocks, no faults. */
export const SMALL_NETWORK: SimOptions = {
  ...DEFAULT_OPTIONS,
  provers: 8,
  committeeSize: 8,
  trees: 3,
  leaves: 4,
  window: 24,
};

const connections: Array<{ close(): Promise<void> }> = [];

/** Runs `options` on a fresh in-process chain, kept open until {@link closeSimulations}. */
export async function simulateOn(options: SimOptions): Promise<SimResult> {
  const connection = await network.create();
  connections.push(connection);
  return runSimulation(options, connection);
}

/** Closes every chain {@link simulateOn} opened (call from an `after` hook). */
export async function closeSimulations(): Promise<void> {
  for (const connection of connections.splice(0)) await connection.close();
}
