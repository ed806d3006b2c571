/**
 * `reveal`: reveals the operator's VRF proof for the next epoch's committee, if it is eligible,
 * as the `reveal` task does it. Eligibility, the reveal window, a duplicate reveal and the
 * committee's current cutoff are all checked from the chain's views before sending, so a reveal
 * that would revert is never sent; the ticket itself comes from `src/client/ticket.ts` (the
 * prover client's own rule).
 */
import type { Signer } from "ethers";

import { errorName } from "../client/chain.js";
import { electionTicket, type ElectionTicket } from "../client/ticket.js";
import { encodeG1, encodeG2, publicKeyOf, type SecretKey } from "../protocol/bls.js";
import type { OperatorContracts } from "./deployment.js";
import { OperatorError } from "./errors.js";
import { keyHashOf } from "./keys.js";

export interface RevealOptions {
  /** The epoch to reveal for (default: the epoch after the next block's). */
  epoch?: bigint;
  dryRun?: boolean;
}

export interface RevealResult {
  operator: string;
  epoch: bigint;
  score: bigint;
  rank: bigint;
  transaction?: string;
}

/** Reveals for `signer`'s next committee election with `secretKey` (see the file comment). */
export async function revealForNextEpoch(
  contracts: OperatorContracts,
  signer: Signer,
  secretKey: SecretKey,
  options: RevealOptions = {},
  log: (line: string) => void = console.log,
): Promise<RevealResult> {
  const { table, election } = contracts;
  const provider = signer.provider;
  if (!provider) throw new Error("the signer has no provider");
  const operator = await signer.getAddress();
  const keyHash = keyHashOf(secretKey);
  const holder = await table.operatorOfKey(keyHash);
  if (holder.toLowerCase() !== operator.toLowerCase()) {
    throw new OperatorError(
      "UnknownKey",
      `the BLS key ${keyHash} is not ${operator}'s registered key (run register first, or ` +
        "pass the key it registered)",
    );
  }
  const next = BigInt(await provider.getBlockNumber()) + 1n;
  const genesis = await table.GENESIS_BLOCK();
  const epoch = options.epoch ?? (next - genesis) / (await table.EPOCH_LENGTH()) + 1n;
  const [opensAt, closesAt] = await election.revealWindow(epoch);
  if (next < opensAt || next > closesAt) {
    throw new OperatorError(
      "OutsideRevealWindow",
      `epoch ${epoch}'s reveal window is blocks ${opensAt}-${closesAt}; the next block is ${next}` +
        (next < opensAt ? ` (${opensAt - next} blocks to wait)` : " (closed)"),
    );
  }
  if (await election.hasRevealed(keyHash, epoch)) {
    throw new OperatorError("DuplicateReveal", `${operator} already revealed for epoch ${epoch}`);
  }
  let ticket: ElectionTicket;
  try {
    ticket = await electionTicket(
      table,
      election,
      (await provider.getNetwork()).chainId,
      operator,
      secretKey,
      epoch,
    );
  } catch (error) {
    const name = errorName(error);
    if (name === "SeedUnavailable" || name === "SeedNotFinal") {
      throw new OperatorError(
        name,
        `epoch ${epoch}'s seed is not available yet (${name}): its RANDAO checkpoint is taken ` +
          "by anyone calling StakeTable.checkpointRandao() once per epoch",
      );
    }
    throw error;
  }
  if (!ticket.eligible) {
    const why =
      ticket.reason === "NotStakedInEpoch"
        ? `${operator} has no stake counted in epoch ${epoch}`
        : `${operator}'s VRF output for epoch ${epoch} is above its stake's threshold: not ` +
          "eligible this epoch (try the next one)";
    throw new OperatorError(ticket.reason, why);
  }
  const cutoff = await election.revealCutoff(epoch);
  if (ticket.rank >= cutoff) {
    throw new OperatorError(
      "RevealAboveCutoff",
      `epoch ${epoch}'s committee is full with better ranks (rank ${ticket.rank} ≥ cutoff ${cutoff})`,
    );
  }
  log(
    `Operator ${operator}: eligible for epoch ${epoch}'s committee, score ${ticket.score} (of 2^96).`,
  );
  const result: RevealResult = { operator, epoch, score: ticket.score, rank: ticket.rank };
  if (options.dryRun === true) {
    log("Dry run: nothing sent.");
    return result;
  }
  const tx = await election
    .connect(signer)
    .reveal(epoch, encodeG1(publicKeyOf(secretKey)), encodeG2(ticket.proof));
  const receipt = await tx.wait();
  log(
    `Revealed in block ${receipt?.blockNumber}: ${tx.hash}. The committee is sealed when epoch ` +
      `${epoch} starts (block ${closesAt + 1n}); a better-ranked reveal can still push this one out.`,
  );
  return { ...result, transaction: tx.hash };
}
