/**
 * The simulation report: what `npm run sim -- --json FILE` writes and what the summary table and
 * the HTML page are drawn from. Every figure is read from chain state and events after the run
 * (see `src/sim/simulator.ts`); nothing in it is assumed from the options.
 */

/** A prover's behaviour class, as the summary groups them. */
export type BehaviorClass =
  | "honest"
  | "offline"
  | "slow"
  | "byzantine:wrongOutput"
  | "byzantine:doubleSign"
  | "byzantine:withhold"
  | "byzantine:silentLeader"
  | "byzantine:raceRoots";

/** The behaviour classes in display order. */
export const BEHAVIOR_CLASSES: readonly BehaviorClass[] = [
  "honest",
  "offline",
  "slow",
  "byzantine:wrongOutput",
  "byzantine:doubleSign",
  "byzantine:withhold",
  "byzantine:silentLeader",
  "byzantine:raceRoots",
];

/** What became of one L2 block. */
export type BlockOutcome = "proven" | "timedOut" | "pruned";

export interface BlockReport {
  /** The block's slot (L2 block number). */
  number: number;
  outcome: BlockOutcome;
  /** Root proofs accepted inside the window. */
  rootProofs: number;
  /** The L1 block of its first root proof, or null if it was never proven. */
  finalizedAtL1Block: number | null;
  /** Whether the sequencer withheld the block's data (from everyone or from a subset). */
  withheld: "none" | "all" | "subset";
  /** Whether the network was asynchronous while the block was live. */
  asynchronous: boolean;
}

export interface ProverReport {
  address: string;
  behavior: BehaviorClass;
  /** Blocks of epochs whose committee the prover was a member of (timed out and pruned too). */
  electedBlocks: number;
  /** Chunks credited by accepted, valid root records (a chunk used by two roots counts twice). */
  chunksCredited: number;
  /** Wei of the reward token, as a decimal string. */
  rewardsClaimed: string;
  /** Wei of stake slashed, as a decimal string. */
  slashedAmount: string;
  /** One entry per slash: "inactivity", "wrongOutput" or "equivocation". */
  slashReasons: string[];
}

export interface TotalsReport {
  /** Tokens that entered the reward pool (PoolFunded events), wei as a decimal string. */
  rewardsFunded: string;
  /** Tokens paid out by claims (Claimed events). */
  rewardsClaimed: string;
  /** Tokens the rewards contract burned. */
  burned: string;
  /** Tokens the rewards contract still holds: pool, pending fees and unclaimed balances. */
  heldByContracts: string;
  /** Tokens slashed from stake (Slashed events). */
  slashed: string;
  /**
   * True iff, read from chain state after the run: funded = claimed + burned + held; the rewards
   * contract's balance = pool + pending fees + every account's claimable balance; the stake
   * table's balance = the operators' stakes; the slash sink holds what was slashed and burned
   * less reporter rewards; and the token supply equals the sum of every holder's balance.
   */
  conserved: boolean;
  /** The individual checks behind `conserved`, for diagnosis. */
  checks: Record<string, boolean>;
  /** Honest provers slashed for anything (the protocol's promise: always 0). */
  honestSlashed: number;
}

/** Every option's value; bigints as decimal strings. */
export type ParamsReport = Record<string, string | number | boolean>;

export interface SimReport {
  /** The run's policy (`--policy`). */
  policy?: string;
  /** siblingCover's uncle rewards paid (the policy's UncleRewarded events): claims and wei. */
  uncleRewards?: { count: number; amount: string };
  /**
   * Chunks the clients computed that no paid record credited (see `redundantWork` in
   * `src/sim/simulator.ts` for the exact definition).
   */
  redundantChunks?: number;
  /** With `checkEveryBlock`: conservation checks run after every mined L1 block, and failures. */
  conservationEveryBlock?: {
    checks: number;
    failures: Array<{ l1Block: number; failed: string[] }>;
  };
  params: ParamsReport;
  blocks: BlockReport[];
  provers: ProverReport[];
  totals: TotalsReport;
  /** Average gasUsed per operation (successful transactions of the run). */
  gas: Record<string, number>;
  /** Extra figures: counts per operation, failed transactions, wall time. */
  stats: {
    /** Transactions per operation. */
    transactions: Record<string, number>;
    /** Transactions that were rejected or reverted, by operation and error name. */
    failedTransactions: Record<string, number>;
    /** Total L1 gas of the run's protocol transactions divided by the number of L2 blocks. */
    gasPerBlock: number;
    /** L1 blocks the run took. */
    l1Blocks: number;
    /** Wall-clock seconds. */
    seconds: number;
    /** Chunk messages sent, dropped by the network, and delivered after their block resolved. */
    messages: { sent: number; dropped: number };
  };
}
