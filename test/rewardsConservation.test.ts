/**
 * Conservation (issue 5): seeded random sequences of thousands of actions across dozens of epochs
 * — register, top up, initiate and finalize exits, reveal (in every epoch's window), propose
 * (and outscore), publish, prove (honest records, records that leave a member out, forged records
 * that settlement rejects), time out, prune, slash, deposit fees, fund, settle, slash for
 * inactivity, claim and claimTo, mine. Each action either succeeds or reverts as predicted
 * (deliberately invalid variants must revert; a panic or an ERC20 error always fails).
 *
 * After every action, against the chain:
 *   (a) the stake table holds exactly the sum of `operatorInfo(op).balance` over every operator
 *       ever registered (stakes and pending exits);
 *   (b) the rewards contract holds exactly `pool + pendingFees + sum of claimable` over every
 *       account that can earn;
 *   (c) the sink (0x…dEaD) received exactly the `Slashed` amounts and the `EpochSettled` burns,
 *       and `totalBurned` is the sum of the burns;
 *   (d) the supply is the minted total, and the holders' balances sum to it.
 * A ledger rebuilt from each receipt's events (test/helpers/conservation.ts) gives the expected
 * values. The per-account terms of (a), (b) and (d) are re-read from the chain for every address
 * the action's events name, and for every address every SWEEP_EVERY actions and after every
 * settlement (see `check`). Each settlement is also compared with the TypeScript model
 * (`settleEpochModel`):
 * payouts, pool, burn, rejected records and inactivity streaks. Failures name the seed and the
 * action; each seed runs on a fresh chain, so `--grep "seed 7"` replays it alone.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import {
  ZeroHash,
  keccak256,
  toUtf8Bytes,
  type ContractTransactionResponse,
  type Interface,
  type Result,
} from "ethers";
import { network } from "hardhat";

import { readEpochSettlement } from "../src/client/settlement.js";
import { blockSeed } from "../src/protocol/assignment.js";
import {
  encodeG2,
  hashToG2,
  secretKeyFromSeed,
  secretKeyToScalar,
  type G1PointStruct,
  type G2PointStruct,
} from "../src/protocol/bls.js";
import { DST_VRF, vrfMessage, vrfOutput, vrfScore } from "../src/protocol/election.js";
import {
  BlockStatus,
  checkParticipation,
  epochOfSlot,
  faultThreshold,
  leaderIndex,
  participationRecord,
  proofWindow,
  proposalScore,
  signTimeoutVote,
  signerBitmap,
  slotAt,
  slotStartBlock,
  timeoutVoteDomain,
  timeoutWindow,
  type CompactSignature,
  type TreeShape,
} from "../src/protocol/lifecycle.js";
import { attestedRootProof, chunkSignerOf } from "../src/protocol/attestation.js";
import {
  BURN_ADDRESS,
  settleEpochModel,
  settleableAt,
  type Inactivity,
} from "../src/protocol/rewards.js";
import { NONE } from "../src/protocol/policies/types.js";
import { operatorStatus, publicKeyHash } from "../src/protocol/stake.js";
import {
  ConservationLedger,
  type OperatorStatus,
  addr,
  big,
  claimTotal,
  parseReceipt,
  revertOf,
  type EventSource,
  type ParsedEvent,
} from "./helpers/conservation.js";
import { epochInputs, type Operator } from "./helpers/election.js";
import { attestationKeys, LIFECYCLE_TEST_PARAMS } from "./helpers/lifecycle.js";
import { Prng } from "./helpers/prng.js";
import {
  deployRewards,
  recordWithout,
  type RewardsConfig,
  type RewardsFixture,
} from "./helpers/rewards.js";
import { UNIT, keysFor } from "./helpers/stakeTable.js";

/** A fresh chain per sequence, so that each seed replays alone (e.g. with --grep). */
type Connection = Awaited<ReturnType<typeof network.create>>;

/** Operators kept active: exits and large slashes stop at this many. */
const MIN_ACTIVE = 6;
/**
 * Every this many actions, and after every settlement, a check re-reads every operator, account
 * and holder; in between, those the action's events name (see `check`).
 */
const SWEEP_EVERY = 25;
/** Chance that an action is its deliberately invalid variant (which must revert). */
const INVALID = 0.05;
const SLASH_REASON = keccak256(toUtf8Bytes("CONSERVATION_TEST"));

type Kind =
  | "register"
  | "topUp"
  | "initiateExit"
  | "finalizeExit"
  | "reveal"
  | "propose"
  | "publish"
  | "prove"
  | "timeout"
  | "prune"
  | "slash"
  | "slashInactive"
  | "depositFees"
  | "fund"
  | "settle"
  | "claim"
  | "claimTo"
  | "mine";

/** Drawn actions and their weights (reveals are not drawn: they happen in every window). */
const WEIGHTS: readonly [Exclude<Kind, "reveal">, number][] = [
  ["propose", 8],
  ["publish", 9],
  ["prove", 24],
  ["timeout", 2],
  ["prune", 2],
  ["register", 2],
  ["topUp", 3],
  ["initiateExit", 2],
  ["finalizeExit", 3],
  ["slash", 3],
  ["slashInactive", 5],
  ["depositFees", 4],
  ["fund", 2],
  ["settle", 10],
  ["claim", 4],
  ["claimTo", 3],
  ["mine", 4],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((s, [, w]) => s + w, 0);

interface SeedCase {
  seed: number;
  actions: number;
  feeSplitScoring: boolean;
  config: Partial<RewardsConfig>;
}

const CASES: SeedCase[] = [
  {
    seed: 7,
    actions: 2000,
    feeSplitScoring: false,
    config: {
      proverBurnBps: 0n,
      burnUnprovenShare: true,
      inactivityThreshold: 2n,
      inactivitySlash: 5n * UNIT,
    },
  },
  {
    seed: 1009,
    actions: 1000,
    feeSplitScoring: true,
    config: {
      proverBurnBps: 2_500n,
      burnUnprovenShare: false,
      inactivityThreshold: 2n,
      inactivitySlash: 20n * UNIT,
    },
  },
];

/**
 * Other seeds on demand: `CONSERVATION_SEEDS=11,12 [CONSERVATION_ACTIONS=3000] npx hardhat test
 * test/rewardsConservation.test.ts` runs those seeds instead, alternating the two configurations.
 */
function casesToRun(): SeedCase[] {
  const seeds = process.env.CONSERVATION_SEEDS;
  if (seeds === undefined || seeds === "") return CASES;
  const actions = Number(process.env.CONSERVATION_ACTIONS ?? "1000");
  return seeds
    .split(",")
    .map((seed, i) => ({ ...CASES[i % CASES.length], seed: Number(seed), actions }));
}

interface Op extends Operator {
  keyHash: string;
}

/** A block as the events describe it. */
interface MirrorBlock {
  slot: bigint;
  status: BlockStatus;
  parent: bigint;
  proposer: string;
  txCommitment: string;
  leafCount: bigint;
  feeSplitBps: bigint;
  score: bigint;
  publishedAt: bigint;
  proven: number;
}

interface EpochContext {
  seed: string;
  size: number;
  treeCount: number;
}

interface EpochInfo {
  /** Stake of every operator counted in the epoch (fixed before its reveal window). */
  stakes: Map<string, bigint>;
  committee?: string[];
  context?: EpochContext;
  /** The operators whose reveals for the epoch were sent. */
  revealers?: Set<string>;
}

class Sequence {
  readonly counts = new Map<string, number>();
  readonly reverts = new Map<string, number>();
  private fx!: RewardsFixture;
  private ledger!: ConservationLedger;
  private readonly rng: Prng;
  private sources: EventSource[] = [];
  private signers: HardhatEthersSigner[] = [];
  private payers: HardhatEthersSigner[] = [];
  private readonly bySigner = new Map<string, HardhatEthersSigner>();
  private readonly ops = new Map<string, Op>();
  /** Signs chunk outputs as any operator of the run (the attestations root proofs carry). */
  private readonly chunkSigner = chunkSignerOf((address) => this.ops.get(address)?.signer);
  private unregistered: HardhatEthersSigner[] = [];
  private readonly blocks = new Map<bigint, MirrorBlock>();
  private finalized = 0n;
  private readonly epochs = new Map<bigint, EpochInfo>();
  private readonly revealed = new Set<bigint>();
  /** Token holders the action's transfers touched. */
  private touched = new Set<string>();
  /** Addresses the action's stake-table and rewards events name. */
  private named = new Set<string>();
  private at = 0n;
  private maxPending = 0;
  private slotsPerEpoch = 0n;
  private revealWindow = 0n;
  private minimumStake = 0n;
  private inactivitySlash = 0n;
  private dead0 = 0n;
  private addresses = { token: "", table: "", rewards: "" };
  private ifaces!: { token: Interface; table: Interface; rewards: Interface };
  private readonly calldata = new Map<string, string>();

  constructor(
    private readonly c: SeedCase,
    private readonly connection: Connection,
  ) {
    this.rng = new Prng(c.seed);
  }

  // -------------------------------------------------------------------------------------
  // Setup
  // -------------------------------------------------------------------------------------

  async init(): Promise<void> {
    const { ethers, networkHelpers } = this.connection;
    const fx = await deployRewards(ethers, (n) => networkHelpers.mine(n), {
      config: this.c.config,
      feeSplitScoring: this.c.feeSplitScoring,
    });
    this.fx = fx;
    this.addresses = {
      token: await fx.token.getAddress(),
      table: await fx.table.getAddress(),
      rewards: await fx.rewards.getAddress(),
    };
    this.ifaces = {
      token: fx.token.interface,
      table: fx.table.interface,
      rewards: fx.rewards.interface,
    };
    this.sources = [
      { name: "token", address: this.addresses.token, iface: fx.token.interface },
      { name: "table", address: this.addresses.table, iface: fx.table.interface },
      { name: "rewards", address: this.addresses.rewards, iface: fx.rewards.interface },
      { name: "lifecycle", address: fx.lifecycleDomain.lifecycle, iface: fx.lifecycle.interface },
    ];
    this.signers = fx.signers;
    this.payers = [fx.admin, ...fx.signers];
    for (const s of [fx.admin, fx.slasher, ...fx.signers]) this.bySigner.set(s.address, s);
    this.maxPending = Number(await fx.lifecycle.MAX_PENDING_BLOCKS());
    this.slotsPerEpoch = fx.clock.epochLength / fx.clock.slotLength;
    this.revealWindow = await fx.election.REVEAL_WINDOW();
    this.minimumStake = await fx.table.MINIMUM_STAKE();
    this.inactivitySlash = await fx.rewards.INACTIVITY_SLASH();

    // Tokens and approvals for everyone, in one block (the fixture sits at the start of its
    // epoch, before the next reveal window).
    await ethers.provider.send("evm_setAutomine", [false]);
    const pending: ContractTransactionResponse[] = [];
    pending.push(await fx.token.connect(fx.admin).mint(fx.admin.address, 5_000_000n * UNIT));
    for (const s of fx.signers) {
      pending.push(await fx.token.connect(fx.admin).mint(s.address, 100_000n * UNIT));
      pending.push(await fx.token.connect(s).approve(this.addresses.table, ethers.MaxUint256));
      pending.push(await fx.token.connect(s).approve(this.addresses.rewards, ethers.MaxUint256));
    }
    await networkHelpers.mine(1);
    await ethers.provider.send("evm_setAutomine", [true]);
    for (const tx of pending) expect((await tx.wait())?.status).to.equal(1);

    for (const o of fx.operators) {
      this.ops.set(o.address, { ...o, keyHash: publicKeyHash(o.publicKey) });
    }
    this.unregistered = fx.signers.filter((s) => !this.ops.has(s.address)).slice(0, 8);
    this.epochs.set(fx.epoch, {
      stakes: new Map(fx.operators.map((o) => [o.address, o.stake])),
      committee: fx.committee,
    });
    this.revealed.add(fx.epoch);

    // The ledger starts from the chain: every holder, every operator, the pool.
    const ledger = new ConservationLedger(this.slotsPerEpoch, await fx.rewards.nextEpoch());
    const holders = [
      fx.admin.address,
      fx.slasher.address,
      ...fx.signers.map((s) => s.address),
      this.addresses.table,
      this.addresses.rewards,
      BURN_ADDRESS,
    ];
    const balances = await Promise.all(holders.map((h) => fx.token.balanceOf(h)));
    ledger.seedBalances(
      new Map(holders.map((h, i) => [h, balances[i]])),
      await fx.token.totalSupply(),
    );
    for (const o of fx.operators) {
      const info = await fx.table.operatorInfo(o.address);
      ledger.stakes.set(o.address, info.balance);
      ledger.status.set(o.address, operatorStatus(info.status));
      ledger.withdrawer.set(o.address, info.withdrawer);
    }
    ledger.pool = await fx.rewards.pool();
    this.dead0 = await fx.token.balanceOf(BURN_ADDRESS);
    this.ledger = ledger;
    await this.check(true);
  }

  // -------------------------------------------------------------------------------------
  // The sequence
  // -------------------------------------------------------------------------------------

  async run(): Promise<void> {
    let kind = "setup";
    for (let i = 0; i < this.c.actions; i++) {
      try {
        kind = "?";
        this.touched = new Set();
        this.named = new Set();
        this.at = BigInt(await this.connection.ethers.provider.getBlockNumber()) + 1n;
        kind = this.revealDue() ? "reveal" : this.draw();
        const t0 = performance.now();
        const done = await this.act(kind as Kind);
        kind = done;
        const t1 = performance.now();
        await this.check(i % SWEEP_EVERY === 0 || done === "settle");
        this.count(`time.${done}`, Math.round(t1 - t0));
        this.count("time.check", Math.round(performance.now() - t1));
        if (i % SWEEP_EVERY === 0) this.forgetOldBlocks();
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        throw new Error(`seed ${this.c.seed}, action ${i}: ${kind}: ${message}`, { cause: e });
      }
    }
    try {
      await this.check(true);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new Error(`seed ${this.c.seed}, after the last action: ${message}`, { cause: e });
    }
  }

  private draw(): Exclude<Kind, "reveal"> {
    let r = this.rng.int(TOTAL_WEIGHT);
    for (const [kind, w] of WEIGHTS) {
      if (r < w) return kind;
      r -= w;
    }
    return "mine";
  }

  /** Runs `kind`, or other drawn kinds while the drawn one has nothing to act on. */
  private async act(kind: Kind): Promise<Kind> {
    for (let tries = 0; tries < 30; tries++) {
      if (await this.dispatch(kind)) return kind;
      kind = this.draw();
    }
    await this.mine();
    return "mine";
  }

  private dispatch(kind: Kind): Promise<boolean> {
    switch (kind) {
      case "register":
        return this.register();
      case "topUp":
        return this.topUp();
      case "initiateExit":
        return this.initiateExit();
      case "finalizeExit":
        return this.finalizeExit();
      case "reveal":
        return this.reveal();
      case "propose":
        return this.propose();
      case "publish":
        return this.publish();
      case "prove":
        return this.prove();
      case "timeout":
        return this.timeout();
      case "prune":
        return this.prune();
      case "slash":
        return this.slash();
      case "slashInactive":
        return this.slashInactive();
      case "depositFees":
        return this.depositFees();
      case "fund":
        return this.fund();
      case "settle":
        return this.settle();
      case "claim":
        return this.claim();
      case "claimTo":
        return this.claimTo();
      case "mine":
        return this.mine();
    }
  }

  /** What went where over the sequence, from the ledger. */
  summary() {
    const l = this.ledger;
    return {
      burned: l.burned,
      slashedToSink: l.slashedToSink,
      inactivitySlashes: l.inactivitySlashes,
      ejections: l.ejections,
      rejectedRecords: l.rejectedRecords,
      operators: this.ops.size,
      epochsSettled: l.nextEpoch,
    };
  }

  count(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  ok(kind: string): number {
    return this.counts.get(`${kind}.ok`) ?? 0;
  }

  /**
   * Sends a transaction. `expectOk`: true if it must succeed, false if it must revert, null if
   * either is fine. A panic, an ERC20 error or a non-revert error always fails the test. A
   * success updates the ledger and the block mirror from its events.
   */
  private async send(
    kind: string,
    expectOk: boolean | null,
    tx: () => Promise<ContractTransactionResponse>,
  ): Promise<ParsedEvent[] | null> {
    let events: ParsedEvent[];
    try {
      const receipt = await (await tx()).wait();
      if (receipt === null) throw new Error("no receipt");
      this.at = BigInt(receipt.blockNumber) + 1n;
      events = parseReceipt(receipt, this.sources);
    } catch (e) {
      const revert = revertOf(e);
      if (revert === null) throw e;
      if (revert.panic || revert.name.startsWith("ERC20")) {
        throw new Error(`${kind} failed unexpectedly: ${revert.name}`);
      }
      if (expectOk === true) throw new Error(`${kind} should succeed, reverted: ${revert.name}`);
      this.count(`${kind}.reverted`);
      const key = `${kind}: ${revert.name}`;
      this.reverts.set(key, (this.reverts.get(key) ?? 0) + 1);
      return null;
    }
    if (expectOk === false) throw new Error(`${kind} should revert, succeeded`);
    for (const h of this.ledger.apply(events)) this.touched.add(h);
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (typeof v === "string" && v.length === 42 && v.startsWith("0x")) this.named.add(v);
    };
    for (const e of events) if (e.source === "table" || e.source === "rewards") collect(e.args);
    this.mirror(events);
    this.count(`${kind}.ok`);
    return events;
  }

  private mirror(events: readonly ParsedEvent[]): void {
    for (const { source, name, args } of events) {
      if (source !== "lifecycle") continue;
      const slot = big(args, "slot");
      const b = this.blocks.get(slot);
      switch (name) {
        case "BlockProposed":
          this.blocks.set(slot, {
            slot,
            status: BlockStatus.Proposed,
            parent: big(args, "parent"),
            proposer: addr(args, "proposer"),
            txCommitment: args.getValue("txCommitment") as string,
            leafCount: big(args, "leafCount"),
            feeSplitBps: big(args, "feeSplitBps"),
            score: big(args, "score"),
            publishedAt: 0n,
            proven: 0,
          });
          break;
        case "DataPublished":
          b!.publishedAt = big(args, "l1Block");
          break;
        case "RootProofAccepted":
          b!.proven |= 1 << Number(big(args, "tree"));
          break;
        case "BlockFinalized":
          b!.status = BlockStatus.Final;
          this.finalized = slot;
          break;
        case "BlockTimedOut":
          b!.status = BlockStatus.TimedOut;
          break;
        case "BlockPruned":
          b!.status = BlockStatus.Pruned;
          break;
        default:
          break;
      }
    }
  }

  private forgetOldBlocks(): void {
    const horizon = slotAt(this.fx.clock, this.at) - 20n;
    for (const [slot, b] of this.blocks) {
      if (slot < horizon && b.status !== BlockStatus.Proposed) this.blocks.delete(slot);
    }
  }

  // -------------------------------------------------------------------------------------
  // The invariants
  // -------------------------------------------------------------------------------------

  private encoded(iface: Interface, fn: string, args: readonly unknown[]): string {
    const key = `${fn}:${args.join(",")}`;
    let data = this.calldata.get(key);
    if (data === undefined) {
      data = iface.encodeFunctionData(fn, args);
      this.calldata.set(key, data);
    }
    return data;
  }

  private async read(
    target: "token" | "table" | "rewards",
    fn: string,
    args: readonly unknown[] = [],
  ): Promise<Result> {
    const iface = this.ifaces[target];
    const data = this.encoded(iface, fn, args);
    const result = await this.connection.provider.request({
      method: "eth_call",
      params: [{ to: this.addresses[target], data }, "latest"],
    });
    return iface.decodeFunctionResult(fn, result as string);
  }

  private async readUint(
    target: "token" | "table" | "rewards",
    fn: string,
    args: readonly unknown[] = [],
  ): Promise<bigint> {
    return (await this.read(target, fn, args))[0] as bigint;
  }

  /**
   * Checks (a)–(d) against the chain. The aggregates are read every time. The per-account
   * values — `operatorInfo`, `claimable`, token balances — are re-read for every address the
   * action's events name (the only ones its code wrote), and for all of them when `full`; the
   * sums use the ledger, whose every entry matched the chain when it was last re-read. A token
   * that moves anywhere fails the aggregates at once; a value that changed silently fails the
   * next full check, at most SWEEP_EVERY actions later.
   */
  private async check(full: boolean): Promise<void> {
    const { ledger, addresses } = this;
    const named = (a: string) => full || this.named.has(a);
    // An exited operator holds 0 for good (Exited is final); only full checks re-read it.
    const live = [...ledger.status]
      .filter(([a, s]) => full || (named(a) && s !== "Exited"))
      .map(([a]) => a);
    const accounts = [
      ...new Set([...this.signers.map((s) => s.address), ...ledger.claims.keys()]),
    ].filter(named);
    const holders = full
      ? [...ledger.balances.keys()]
      : [...new Set([...this.touched, addresses.table, addresses.rewards, BURN_ADDRESS])];
    const [aggregates, infos, claims, balances] = await Promise.all([
      Promise.all([
        this.readUint("token", "balanceOf", [addresses.table]),
        this.readUint("token", "balanceOf", [addresses.rewards]),
        this.readUint("token", "balanceOf", [BURN_ADDRESS]),
        this.readUint("token", "totalSupply"),
        this.readUint("rewards", "pool"),
        this.readUint("rewards", "pendingFees"),
        // Written only by settlements, whose checks are full.
        full ? this.readUint("rewards", "totalBurned") : ledger.burned,
        full ? this.readUint("rewards", "nextEpoch") : ledger.nextEpoch,
      ]),
      Promise.all(live.map((op) => this.read("table", "operatorInfo", [op]))),
      Promise.all(accounts.map((a) => this.read("rewards", "claimable", [a]))),
      Promise.all(holders.map((h) => this.readUint("token", "balanceOf", [h]))),
    ]);
    const [tableHeld, rewardsHeld, sinkHeld, supply, pool, pendingFees, totalBurned, nextEpoch] =
      aggregates;

    // (a) The stake table holds the operators' balances.
    let stakes = full ? 0n : ledger.totalStakes();
    live.forEach((op, i) => {
      const info = infos[i][0] as Result;
      const balance = big(info, "balance");
      const status = operatorStatus(big(info, "status"));
      if (balance !== ledger.stakeOf(op) || status !== ledger.status.get(op)) {
        throw new Error(
          `operator ${op}: chain says ${balance} (status ${status}), events say ` +
            `${ledger.stakeOf(op)} (status ${ledger.status.get(op)})`,
        );
      }
      if (full) stakes += balance;
    });
    if (tableHeld !== stakes) {
      throw new Error(`(a) the stake table holds ${tableHeld}, operator balances sum to ${stakes}`);
    }

    // (b) The rewards contract holds the pool, the pending fees and every claimable balance.
    let claimable = full ? 0n : ledger.totalClaims();
    accounts.forEach((a, i) => {
      const c = claims[i][0] as Result;
      const total = big(c, "proving") + big(c, "sequencing") + big(c, "submitting");
      const expected = ledger.claims.get(a);
      if (
        total !== claimTotal(expected) ||
        big(c, "proving") !== (expected?.proving ?? 0n) ||
        big(c, "sequencing") !== (expected?.sequencing ?? 0n)
      ) {
        throw new Error(`claimable of ${a}: chain ${total}, events ${claimTotal(expected)}`);
      }
      if (full) claimable += total;
    });
    if (rewardsHeld !== pool + pendingFees + claimable) {
      throw new Error(
        `(b) rewards holds ${rewardsHeld}, pool ${pool} + pending fees ${pendingFees} + ` +
          `claimable ${claimable} = ${pool + pendingFees + claimable}`,
      );
    }
    if (pool !== ledger.pool) throw new Error(`pool ${pool}, events say ${ledger.pool}`);
    if (pendingFees !== ledger.pendingFees) {
      throw new Error(`pendingFees ${pendingFees}, events say ${ledger.pendingFees}`);
    }
    if (claimable !== ledger.totalClaims()) {
      throw new Error(`claimable ${claimable}, events say ${ledger.totalClaims()}`);
    }
    if (nextEpoch !== ledger.nextEpoch) throw new Error(`nextEpoch ${nextEpoch}`);

    // (c) The sink got exactly the slashes and the burns.
    const sunk = ledger.slashedToSink + ledger.burned;
    if (sinkHeld - this.dead0 !== sunk) {
      throw new Error(
        `(c) the sink received ${sinkHeld - this.dead0}, Slashed ${ledger.slashedToSink} + ` +
          `EpochSettled.burned ${ledger.burned} = ${sunk}`,
      );
    }
    if (totalBurned !== ledger.burned) throw new Error(`totalBurned ${totalBurned}`);

    // (d) Nothing is created or lost: the supply is what was minted, all of it held by
    // tracked holders, each holding what the transfers say.
    if (supply !== ledger.supply || ledger.totalBalances() !== supply) {
      throw new Error(
        `(d) supply ${supply}, minted ${ledger.supply}, holders ${ledger.totalBalances()}`,
      );
    }
    holders.forEach((h, i) => {
      if (balances[i] !== (ledger.balances.get(h) ?? 0n)) {
        throw new Error(`balance of ${h}: chain ${balances[i]}, events ${ledger.balances.get(h)}`);
      }
    });
  }

  // -------------------------------------------------------------------------------------
  // Time
  // -------------------------------------------------------------------------------------

  private epochStart(epoch: bigint): bigint {
    return this.fx.clock.genesisBlock + epoch * this.fx.clock.epochLength;
  }

  /** The epoch whose reveal window comes next (the one after the current epoch). */
  private upcomingEpoch(): bigint {
    return (this.at - this.fx.clock.genesisBlock) / this.fx.clock.epochLength + 1n;
  }

  private revealDue(): boolean {
    const e = this.upcomingEpoch();
    if (this.revealed.has(e)) return false;
    const opensAt = this.epochStart(e) - this.revealWindow;
    return this.at >= opensAt;
  }

  private async mineBlocks(n: bigint): Promise<void> {
    if (n <= 0n) return;
    await this.connection.networkHelpers.mine(Number(n));
    this.at += n;
  }

  private async mine(): Promise<boolean> {
    let n = BigInt(1 + this.rng.int(4));
    const e = this.upcomingEpoch();
    if (!this.revealed.has(e)) {
      // Never jump over a reveal window.
      const opensAt = this.epochStart(e) - this.revealWindow;
      if (this.at + n > opensAt) n = opensAt - this.at;
    }
    if (n <= 0n) return false;
    await this.mineBlocks(n);
    this.count("mine.ok");
    this.count("mine.blocks", Number(n));
    return true;
  }

  // -------------------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------------------

  private shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  private opsWith(...statuses: OperatorStatus[]): Op[] {
    return [...this.ops.values()].filter((o) =>
      statuses.includes(this.ledger.status.get(o.address) ?? "None"),
    );
  }

  private activeCount(): number {
    return this.opsWith("Active").length;
  }

  private withdrawerOf(account: string): HardhatEthersSigner {
    const w = this.ledger.withdrawer.get(account) ?? account;
    const signer = this.bySigner.get(w);
    if (signer === undefined) throw new Error(`no signer for ${w}`);
    return signer;
  }

  private otherSigner(than: string): HardhatEthersSigner {
    const others = this.signers.filter((s) => s.address !== than);
    return this.rng.pick(others);
  }

  private async epochInfo(epoch: bigint): Promise<EpochInfo> {
    let info = this.epochs.get(epoch);
    if (info === undefined) {
      const addrs = [...this.ops.keys()];
      const stakes = await this.fx.table.stakesAt(addrs, epoch);
      info = { stakes: new Map(addrs.map((a, i) => [a, stakes[i]])) };
      this.epochs.set(epoch, info);
    }
    if (info.committee === undefined) {
      info.committee = [...(await this.fx.election.committeeOf(epoch))];
    }
    return info;
  }

  private async contextOf(epoch: bigint): Promise<EpochContext> {
    const info = this.epochs.get(epoch) ?? { stakes: new Map<string, bigint>() };
    this.epochs.set(epoch, info);
    if (info.context === undefined) {
      const ctx = await this.fx.lifecycle.epochContext(epoch);
      info.context = { seed: ctx.seed, size: Number(ctx.size), treeCount: Number(ctx.treeCount) };
    }
    return info.context;
  }

  private shapeOf(b: MirrorBlock, ctx: EpochContext): TreeShape {
    return {
      m: ctx.size,
      c: ctx.treeCount,
      leafCount: Number(b.leafCount),
      seed: blockSeed(ctx.seed, b.slot),
    };
  }

  private inProofWindow(slot: bigint): boolean {
    const w = proofWindow(this.fx.clock, slot);
    return this.at >= w.opensAt && this.at <= w.closesAt;
  }

  // -------------------------------------------------------------------------------------
  // Stake table actions
  // -------------------------------------------------------------------------------------

  private async register(): Promise<boolean> {
    if (this.unregistered.length === 0) return false;
    const signer = this.rng.pick(this.unregistered);
    if (this.rng.next() < INVALID) {
      // Below the minimum (checked before the key): reverts.
      const keys = await keysFor(this.fx, signer.address, `conservation-${signer.address}`);
      await this.send("register", false, () =>
        this.fx.table
          .connect(signer)
          .register(
            signer.address,
            signer.address,
            this.minimumStake - 1n,
            keys.publicKey,
            keys.proofOfPossession,
          ),
      );
      return true;
    }
    const seed = `conservation-${this.c.seed}-${signer.address}`;
    const keys = await keysFor(this.fx, signer.address, seed);
    const withdrawer =
      this.rng.int(2) === 0 ? signer : this.rng.pick(this.signers.slice(this.signers.length - 2));
    const amount = this.rng.bigint(this.minimumStake, 4n * this.minimumStake);
    const events = await this.send("register", true, () =>
      this.fx.table
        .connect(signer)
        .register(
          signer.address,
          withdrawer.address,
          amount,
          keys.publicKey,
          keys.proofOfPossession,
        ),
    );
    if (events !== null) {
      this.ops.set(signer.address, {
        signer,
        address: signer.address,
        sk: secretKeyFromSeed(seed),
        publicKey: keys.publicKey,
        stake: amount,
        keyHash: publicKeyHash(keys.publicKey),
      });
      this.unregistered = this.unregistered.filter((s) => s !== signer);
    }
    return true;
  }

  private async topUp(): Promise<boolean> {
    const inactive = this.opsWith("Exiting", "Exited");
    if (inactive.length > 0 && this.rng.next() < INVALID) {
      const op = this.rng.pick(inactive);
      await this.send("topUp", false, () =>
        this.fx.table.connect(this.withdrawerOf(op.address)).topUp(op.address, UNIT),
      );
      return true;
    }
    const active = this.opsWith("Active");
    if (active.length === 0) return false;
    // Half the time the operator closest to the minimum (keeps the active set alive).
    const op =
      this.rng.int(2) === 0
        ? active.reduce((low, o) =>
            this.ledger.stakeOf(o.address) < this.ledger.stakeOf(low.address) ? o : low,
          )
        : this.rng.pick(active);
    const caller = this.rng.int(2) === 0 ? op.signer : this.withdrawerOf(op.address);
    const amount = this.rng.bigint(1n, 100n * UNIT);
    await this.send("topUp", true, () => this.fx.table.connect(caller).topUp(op.address, amount));
    return true;
  }

  private async initiateExit(): Promise<boolean> {
    const active = this.opsWith("Active");
    if (active.length <= MIN_ACTIVE) return false;
    const op = this.rng.pick(active);
    const withdrawer = this.withdrawerOf(op.address);
    if (this.rng.next() < INVALID) {
      const stranger = this.otherSigner(withdrawer.address);
      await this.send("initiateExit", false, () =>
        this.fx.table.connect(stranger).initiateExit(op.address),
      );
      return true;
    }
    await this.send("initiateExit", true, () =>
      this.fx.table.connect(withdrawer).initiateExit(op.address),
    );
    return true;
  }

  private async finalizeExit(): Promise<boolean> {
    const exiting = this.opsWith("Exiting");
    const ready = exiting.filter((o) => this.ledger.withdrawableAt.get(o.address)! <= this.at);
    const early = exiting.filter((o) => this.ledger.withdrawableAt.get(o.address)! > this.at);
    if (
      early.length > 0 &&
      (ready.length === 0 ? this.rng.next() < 0.1 : this.rng.next() < INVALID)
    ) {
      const op = this.rng.pick(early);
      await this.send("finalizeExit", false, () =>
        this.fx.table.connect(this.withdrawerOf(op.address)).finalizeExit(op.address, op.address),
      );
      return true;
    }
    if (ready.length === 0) return false;
    const op = this.rng.pick(ready);
    const withdrawer = this.withdrawerOf(op.address);
    const recipient = this.rng.int(2) === 0 ? withdrawer : this.rng.pick(this.payers);
    await this.send("finalizeExit", true, () =>
      this.fx.table.connect(withdrawer).finalizeExit(op.address, recipient.address),
    );
    return true;
  }

  private async slash(): Promise<boolean> {
    const { ledger } = this;
    const empty = [...this.ops.values()].filter((o) => ledger.stakeOf(o.address) === 0n);
    if (empty.length > 0 && this.rng.next() < INVALID) {
      const op = this.rng.pick(empty);
      await this.send("slash", false, () =>
        this.fx.table.connect(this.fx.slasher).slash(op.address, UNIT, SLASH_REASON),
      );
      return true;
    }
    const slashable = this.opsWith("Active", "Exiting").filter(
      (o) => ledger.stakeOf(o.address) > 0n,
    );
    if (slashable.length === 0) return false;
    const op = this.rng.pick(slashable);
    const stake = ledger.stakeOf(op.address);
    let amount: bigint;
    if (ledger.status.get(op.address) === "Exiting") {
      // Sometimes all of a pending withdrawal, sometimes more than it holds.
      amount =
        this.rng.next() < 0.3
          ? stake + this.rng.bigint(0n, 10n * UNIT)
          : this.rng.bigint(1n, 50n * UNIT);
    } else if (this.activeCount() > MIN_ACTIVE + 1 && this.rng.next() < 0.25) {
      amount = this.rng.bigint(50n * UNIT, 700n * UNIT); // may eject
    } else {
      amount = this.rng.bigint(1n, 30n * UNIT);
      // Near the floor, leave room for inactivity slashes: an ejection there would let the
      // committee swallow every staked operator and leave no proposer.
      const floor = this.minimumStake + 60n * UNIT;
      if (this.activeCount() <= MIN_ACTIVE + 1 && stake - amount < floor) {
        amount = stake - floor;
        if (amount <= 0n) return false;
      }
    }
    await this.send("slash", true, () =>
      this.fx.table.connect(this.fx.slasher).slash(op.address, amount, SLASH_REASON),
    );
    return true;
  }

  // -------------------------------------------------------------------------------------
  // Election
  // -------------------------------------------------------------------------------------

  private async reveal(): Promise<boolean> {
    const epoch = this.upcomingEpoch();
    this.revealed.add(epoch);
    const closesAt = this.epochStart(epoch) - 1n;
    if (this.at > closesAt) {
      this.count("reveal.missed");
      return false;
    }
    const { fx } = this;
    const addrs = [...this.ops.keys()];
    const [inputs, stakes] = await Promise.all([
      epochInputs(fx, epoch),
      fx.table.stakesAt(addrs, epoch),
    ]);
    const stakeOf = new Map(addrs.map((a, i) => [a, stakes[i]]));
    this.epochs.set(epoch, { stakes: stakeOf });
    // A few of the staked operators reveal; the committee takes the best four of them.
    const staked = addrs.filter((a) => stakeOf.get(a)! > 0n);
    const chosen = this.shuffled(staked).slice(0, 3 + this.rng.int(3));
    // Every VRF proof of the epoch signs the same message: hash it to G2 once.
    const h = hashToG2(vrfMessage(fx.domain, epoch, inputs.seed), DST_VRF);
    const publicKeys: G1PointStruct[] = [];
    const revealers: string[] = [];
    const proofs: G2PointStruct[] = [];
    for (const a of chosen) {
      const op = this.ops.get(a)!;
      const proof = h.multiply(secretKeyToScalar(op.sk));
      const score = vrfScore(
        vrfOutput(proof),
        stakeOf.get(a)!,
        inputs.totalStake,
        inputs.committeeSize,
        inputs.oversamplingBps,
      );
      if (score === null) continue;
      publicKeys.push(op.publicKey);
      revealers.push(a);
      proofs.push(encodeG2(proof));
    }
    if (publicKeys.length === 0) {
      await this.send("reveal", true, () => fx.table.ensureRandaoCheckpoint());
    } else {
      // why: speed. A fixed gas limit skips the estimate (a second run of the on-chain VRF checks).
      await this.send("reveal", true, () =>
        fx.election.revealBatch(epoch, publicKeys, proofs, { gasLimit: 5_000_000 }),
      );
      this.count("reveal.operators", publicKeys.length);
      this.epochs.get(epoch)!.revealers = new Set(revealers);
    }
    return true;
  }

  // -------------------------------------------------------------------------------------
  // Lifecycle actions
  // -------------------------------------------------------------------------------------

  private async propose(): Promise<boolean> {
    const { clock } = this.fx;
    let slot = slotAt(clock, this.at);
    const inPhase = this.at < slotStartBlock(clock, slot) + clock.proposalPhase;
    const existing = this.blocks.get(slot);
    const outscore = inPhase && existing?.status === BlockStatus.Proposed && this.rng.next() < 0.4;
    if (!outscore && (!inPhase || existing !== undefined)) {
      slot += 1n;
      await this.mineBlocks(slotStartBlock(clock, slot) - this.at);
    }
    const epoch = epochOfSlot(clock, slot);
    const info = await this.epochInfo(epoch);
    const committee = info.committee!;
    const eligible = [...this.ops.values()].filter(
      (o) => (info.stakes.get(o.address) ?? 0n) > 0n && !committee.includes(o.address),
    );
    // Invalid: a member of the epoch's committee, including one that already revealed for the
    // next epoch (this run found the lifecycle letting those propose; fixed).
    const barred = committee;
    const invalid = barred.length > 0 && this.rng.next() < INVALID;
    let proposer: Op;
    if (invalid) proposer = this.ops.get(this.rng.pick(barred))!;
    else if (eligible.length === 0) return false;
    else proposer = this.rng.pick(eligible);
    const leafCount = this.rng.pick([1n, 1n, 1n, 2n, 2n, 4n, 4n]);
    const feeSplitBps = this.c.feeSplitScoring ? BigInt(this.rng.int(10_001)) : 0n;
    let parent: bigint;
    let expectOk: boolean | null;
    if (outscore) {
      parent = existing!.parent;
      const ctx = await this.contextOf(epoch);
      const score = proposalScore(ctx.seed, slot, proposer.keyHash, feeSplitBps);
      expectOk = !invalid && score > existing!.score;
    } else {
      [parent] = await this.fx.lifecycle.chainState();
      const pending = [...this.blocks.values()].filter(
        (b) => b.status === BlockStatus.Proposed,
      ).length;
      const stale = this.blocks.get(slot - 256n)?.status === BlockStatus.Proposed;
      expectOk = !invalid && committee.length > 0 && pending < this.maxPending && !stale;
    }
    const events = await this.send("propose", expectOk, () =>
      this.fx.lifecycle.connect(proposer.signer).propose(
        slot,
        {
          parent,
          txCommitment: keccak256(
            toUtf8Bytes(`seed ${this.c.seed} slot ${slot} by ${proposer.address}`),
          ),
          leafCount,
          feeSplitBps,
          publicKeyHash: proposer.keyHash,
        },
        committee,
      ),
    );
    if (events !== null) {
      await this.contextOf(epoch);
      if (outscore) this.count("propose.outscored");
    }
    return true;
  }

  private async publish(): Promise<boolean> {
    const open = [...this.blocks.values()].filter(
      (b) =>
        b.status === BlockStatus.Proposed && b.publishedAt === 0n && this.inProofWindow(b.slot),
    );
    if (open.length === 0) return false;
    const b = this.rng.pick(open);
    const invalid = this.rng.next() < INVALID;
    const caller = invalid ? this.otherSigner(b.proposer) : this.ops.get(b.proposer)!.signer;
    await this.send("publish", !invalid, () =>
      this.fx.lifecycle.connect(caller).publishData(b.slot),
    );
    return true;
  }

  /** A record for `tree` that passes the lifecycle's root check but credits an unassigned member. */
  private forge(shape: TreeShape, tree: number, honest: Uint8Array): Uint8Array | null {
    const nodes = this.shuffled(Array.from({ length: honest.length - 1 }, (_, i) => i + 2));
    for (const node of nodes) {
      for (const member of this.shuffled(Array.from({ length: shape.m }, (_, i) => i))) {
        const forged = honest.slice();
        forged[node - 1] = member;
        if (checkParticipation(shape, tree, forged) !== null) return forged;
      }
    }
    return null;
  }

  private async prove(): Promise<boolean> {
    const provable: { b: MirrorBlock; tree: number }[] = [];
    const proven: { b: MirrorBlock; tree: number }[] = [];
    for (const b of this.blocks.values()) {
      const live =
        b.status === BlockStatus.Final ||
        (b.status === BlockStatus.Proposed && b.parent === this.finalized);
      if (!live || b.publishedAt === 0n || !this.inProofWindow(b.slot)) continue;
      const ctx = await this.contextOf(epochOfSlot(this.fx.clock, b.slot));
      for (let t = 0; t < ctx.treeCount; t++) {
        ((b.proven >> t) & 1 ? proven : provable).push({ b, tree: t });
      }
    }
    const invalid = proven.length > 0 && this.rng.next() < INVALID;
    if (!invalid && provable.length === 0) return false;
    // Mostly the proof that extends finality (the pending block on the last final one).
    const finalizing = provable.filter(({ b }) => b.status === BlockStatus.Proposed);
    const { b, tree } = this.rng.pick(
      invalid ? proven : finalizing.length > 0 && this.rng.next() < 0.75 ? finalizing : provable,
    );
    const ctx = await this.contextOf(epochOfSlot(this.fx.clock, b.slot));
    const shape = this.shapeOf(b, ctx);
    let record = participationRecord(shape, tree);
    let kind = "honest";
    const r = this.rng.next();
    // Every other run of 4 slots has an offline member, left out of every tree's record of its
    // blocks: it misses them wherever it was expected (so inactivity slashes happen). Otherwise
    // some records leave out a random member, whom the other trees' records usually credit.
    const run = b.slot / 4n;
    const roots = new Set(
      Array.from({ length: shape.c }, (_, t) => participationRecord(shape, t)[0]),
    );
    const candidates = Array.from({ length: shape.m }, (_, i) => i).filter((i) => !roots.has(i));
    const offline =
      run % 2n === 0n && candidates.length > 0
        ? candidates[Number((run / 2n) % BigInt(candidates.length))]
        : null;
    if (offline !== null || r < 0.35) {
      try {
        record = recordWithout(shape, tree, offline ?? this.rng.int(shape.m));
        kind = "withoutMember";
      } catch {
        // the excluded member is the root's prover, or every tree needs it: stay honest
      }
    } else if (r < 0.5) {
      const forged = this.forge(shape, tree, record);
      if (forged !== null) {
        record = forged;
        kind = "forged";
      }
    } else if (r < 0.55 && shape.m < 256) {
      // Fallback work: some nodes (the root too) proven by a non-holder, credited NONE.
      record = record.map((byte) => (this.rng.next() < 0.3 ? NONE : byte));
      kind = "fallback";
    }
    const submitter = this.rng.pick(this.signers);
    const { proof } = await attestedRootProof(
      this.fx.lifecycleDomain,
      {
        slot: b.slot,
        parent: b.parent,
        proposer: b.proposer,
        txCommitment: b.txCommitment,
        leafCount: b.leafCount,
        feeSplitBps: b.feeSplitBps,
      },
      tree,
      record,
      submitter.address,
      {
        ...attestationKeys(
          this.fx,
          (await this.epochInfo(epochOfSlot(this.fx.clock, b.slot))).committee!,
        ),
        sign: this.chunkSigner,
      },
    );
    const events = await this.send("prove", !invalid, () =>
      this.fx.lifecycle.connect(submitter).submitRootProof(b.slot, tree, record, proof),
    );
    if (events !== null) this.count(`prove.${kind}`);
    return true;
  }

  private async timeout(): Promise<boolean> {
    // Mostly blocks whose data never came (what an honest committee times out); sometimes a
    // published one (a committee may time out whatever it did not receive).
    const anyBlock = this.rng.next() < 0.2;
    const open = [...this.blocks.values()].filter((b) => {
      if (b.status !== BlockStatus.Proposed || (!anyBlock && b.publishedAt !== 0n)) return false;
      const w = timeoutWindow(this.fx.clock, b.slot, b.publishedAt);
      return this.at >= w.opensAt && this.at <= w.closesAt;
    });
    if (open.length === 0) return false;
    const b = this.rng.pick(open);
    const epoch = epochOfSlot(this.fx.clock, b.slot);
    const committee = (await this.epochInfo(epoch)).committee!;
    const ctx = await this.contextOf(epoch);
    const m = committee.length;
    const f = faultThreshold(m, LIFECYCLE_TEST_PARAMS.faultToleranceBps);
    const round = this.rng.int(f + 1);
    const leader = committee[leaderIndex(blockSeed(ctx.seed, b.slot), round, m)];
    // Invalid: one signer short of the quorum, or posted by someone other than the leader.
    const invalid = m > 1 && this.rng.next() < INVALID;
    const short = invalid && f > 0 && this.rng.int(2) === 0;
    const size = short ? f : f + 1 + this.rng.int(m - f);
    const indices = this.shuffled(Array.from({ length: m }, (_, i) => i))
      .slice(0, size)
      .sort((x, y) => x - y);
    const domain = timeoutVoteDomain(this.fx.chainId, this.fx.lifecycleDomain.lifecycle);
    const signatures: CompactSignature[] = [];
    for (const i of indices) {
      signatures.push(
        await signTimeoutVote(this.ops.get(committee[i])!.signer, domain, b.slot, round),
      );
    }
    const poster =
      invalid && !short
        ? this.ops.get(this.rng.pick(committee.filter((a) => a !== leader)))!.signer
        : this.ops.get(leader)!.signer;
    await this.send("timeout", !invalid, () =>
      this.fx.lifecycle
        .connect(poster)
        .postTimeoutCertificate(b.slot, round, committee, signerBitmap(indices), signatures),
    );
    return true;
  }

  private async prune(): Promise<boolean> {
    const blocks = [...this.blocks.values()];
    const final = blocks.filter((b) => b.status === BlockStatus.Final);
    if (final.length > 0 && this.rng.next() < INVALID) {
      const b = this.rng.pick(final);
      await this.send("prune", false, () => this.fx.lifecycle.prune(b.slot));
      return true;
    }
    const expired = blocks.filter(
      (b) =>
        b.status === BlockStatus.Proposed && this.at > proofWindow(this.fx.clock, b.slot).closesAt,
    );
    if (expired.length === 0) return false;
    const b = this.rng.pick(expired);
    await this.send("prune", true, () =>
      this.fx.lifecycle.connect(this.rng.pick(this.signers)).prune(b.slot),
    );
    return true;
  }

  // -------------------------------------------------------------------------------------
  // Rewards actions
  // -------------------------------------------------------------------------------------

  private async depositFees(): Promise<boolean> {
    const first = this.ledger.nextEpoch * this.slotsPerEpoch;
    const payer = this.rng.pick(this.payers);
    if (first > 1n && this.rng.next() < INVALID) {
      const slot = this.rng.bigint(1n, first - 1n);
      await this.send("depositFees", false, () =>
        this.fx.rewards.connect(payer).depositFees(slot, UNIT),
      );
      return true;
    }
    const recent = [...this.blocks.keys()].filter((s) => s >= first);
    const current = slotAt(this.fx.clock, this.at);
    const slot =
      recent.length > 0 && this.rng.int(2) === 0
        ? this.rng.pick(recent)
        : this.rng.bigint(first > 0n ? first : 1n, current + 12n);
    const amount = this.rng.bigint(1n, 50n * UNIT);
    await this.send("depositFees", true, () =>
      this.fx.rewards.connect(payer).depositFees(slot, amount),
    );
    return true;
  }

  private async fund(): Promise<boolean> {
    const invalid = this.rng.next() < INVALID;
    const amount = invalid ? 0n : this.rng.bigint(100n * UNIT, 3_000n * UNIT);
    await this.send("fund", !invalid, () => this.fx.rewards.connect(this.fx.admin).fund(amount));
    return true;
  }

  private async settle(): Promise<boolean> {
    const { fx, ledger } = this;
    const epoch = ledger.nextEpoch;
    if (this.at < settleableAt(fx.clock, this.slotsPerEpoch, epoch)) return false;
    const call = await readEpochSettlement(
      fx.lifecycle,
      fx.election,
      epoch,
      Number(this.epochStart(epoch)),
    );
    if (this.rng.next() < 0.1) {
      // A wrong settlement: a root left out, the committee out of order, or the wrong epoch.
      const variant = this.rng.int(3);
      let args: [bigint, string[], typeof call.roots];
      if (variant === 0 && call.roots.length > 0) {
        const drop = this.rng.int(call.roots.length);
        args = [epoch, call.committee, call.roots.filter((_, i) => i !== drop)];
      } else if (variant === 1 && call.committee.length > 0) {
        const shuffled =
          call.committee.length === 1 ? [] : [...call.committee.slice(1), call.committee[0]];
        args = [epoch, shuffled, call.roots];
      } else args = [epoch + 1n, [], []];
      await this.send("settle", false, () => fx.rewards.settleEpoch(...args));
      return true;
    }

    // The model's expectation, from the state just before.
    const ctx =
      call.committee.length > 0
        ? await this.contextOf(epoch)
        : { seed: ZeroHash, size: 0, treeCount: 0 };
    const before = await Promise.all(call.committee.map((a) => fx.rewards.inactivityOf(a)));
    const inactivity = new Map<string, Inactivity>(
      call.committee.map((a, i) => [
        a,
        { missStreak: before[i].missStreak, pendingSlashes: before[i].pendingSlashes },
      ]),
    );
    const model = settleEpochModel({
      params: fx.rewardParams,
      epochSeed: ctx.seed,
      committee: call.committee,
      treeCount: ctx.treeCount,
      firstSlot: epoch * this.slotsPerEpoch,
      slotsPerEpoch: this.slotsPerEpoch,
      roots: call.roots,
      pool: ledger.pool,
      fees: new Map(ledger.fees),
      inactivity,
    });

    const events = await this.send("settle", true, () =>
      fx.rewards.settleEpoch(call.epoch, call.committee, call.roots),
    );
    const settled = events!.find((e) => e.name === "EpochSettled")!.args;
    const got = {
      blocksPaid: Number(big(settled, "blocksPaid")),
      rootsCredited: Number(big(settled, "rootsCredited")),
      returnedToPool: big(settled, "returnedToPool"),
      burned: big(settled, "burned"),
      rejected: events!.filter((e) => e.name === "RootRecordRejected").length,
    };
    const want = {
      blocksPaid: model.blocksPaid,
      rootsCredited: model.rootsCredited,
      returnedToPool: model.returnedToPool,
      burned: model.burned,
      rejected: model.rejected.length,
    };
    expect(got).to.deep.equal(want, `settlement of epoch ${epoch} against the model`);
    const credited = new Map<string, { proving: bigint; sequencing: bigint; submitting: bigint }>();
    const add = (a: string, key: "proving" | "sequencing" | "submitting", v: bigint) => {
      if (v === 0n) return;
      const c = credited.get(a) ?? { proving: 0n, sequencing: 0n, submitting: 0n };
      c[key] += v;
      credited.set(a, c);
    };
    for (const { name, args } of events!) {
      if (name === "BlockSettled") {
        const payout = args.getValue("payout") as Result;
        add(addr(args, "proposer"), "sequencing", big(payout, "sequencer"));
        add(addr(args, "submitter"), "submitting", big(payout, "submitter"));
      } else if (name === "CommitteeCredited") {
        const members = args.getValue("members") as Result;
        const amounts = args.getValue("amounts") as Result;
        members.forEach((m, j) => add(m as string, "proving", amounts[j] as bigint));
      }
    }
    expect(credited).to.deep.equal(model.credits, `credits of epoch ${epoch}`);
    const after = await Promise.all(call.committee.map((a) => fx.rewards.inactivityOf(a)));
    // An epoch whose records were all rejected keeps every streak (this run found the
    // contract zeroing them, in seed 1009; fixed in ProverRewards._creditCommittee).
    call.committee.forEach((a, i) => {
      const expected = model.inactivity.get(a) ?? inactivity.get(a)!;
      expect([after[i].missStreak, after[i].pendingSlashes]).to.deep.equal(
        [expected.missStreak, expected.pendingSlashes],
        `inactivity of ${a} after epoch ${epoch}`,
      );
    });
    this.count("settle.blocksPaid", model.blocksPaid);
    this.count("settle.rejectedRecords", model.rejected.length);
    return true;
  }

  private async slashInactive(): Promise<boolean> {
    const { ledger } = this;
    const owing = [...ledger.pendingSlashes].filter(([, n]) => n > 0n).map(([a]) => a);
    const clean = [...this.ops.keys()].filter((a) => (ledger.pendingSlashes.get(a) ?? 0n) === 0n);
    if (
      clean.length > 0 &&
      (owing.length === 0 ? this.rng.next() < 0.05 : this.rng.next() < INVALID)
    ) {
      const op = this.rng.pick(clean);
      await this.send("slashInactive", false, () =>
        this.fx.rewards.connect(this.rng.pick(this.payers)).slashInactive(op),
      );
      return true;
    }
    if (owing.length === 0) return false;
    const op = this.rng.pick(owing);
    const status = ledger.status.get(op);
    // At the floor of the active set, an operator the slash would eject is topped up first.
    const owed = ledger.pendingSlashes.get(op)! * this.inactivitySlash;
    const short = this.minimumStake + owed - ledger.stakeOf(op);
    if (status === "Active" && this.activeCount() <= MIN_ACTIVE && short > 0n) {
      const amount = short + this.rng.bigint(1n, 50n * UNIT);
      await this.send("topUp", true, () =>
        this.fx.table.connect(this.withdrawerOf(op)).topUp(op, amount),
      );
    }
    // Nothing left to slash (exited, or fully slashed while exiting): the stake table reverts.
    const slashable = ledger.stakeOf(op) > 0n && (status === "Active" || status === "Exiting");
    await this.send("slashInactive", slashable, () =>
      this.fx.rewards.connect(this.rng.pick(this.payers)).slashInactive(op),
    );
    return true;
  }

  private owed(): string[] {
    return [...this.ledger.claims].filter(([, c]) => claimTotal(c) > 0n).map(([a]) => a);
  }

  private async claim(): Promise<boolean> {
    const owed = this.owed();
    const caller = this.rng.pick(this.payers);
    if (this.rng.next() < INVALID) {
      const nothing = this.signers.filter(
        (s) => claimTotal(this.ledger.claims.get(s.address)) === 0n,
      );
      if (nothing.length === 0) return false;
      const account = this.rng.pick(nothing).address;
      await this.send("claim", false, () => this.fx.rewards.connect(caller).claim(account));
      return true;
    }
    if (owed.length === 0) return false;
    const account = this.rng.pick(owed);
    const to = this.withdrawerOf(account).address;
    const events = await this.send("claim", true, () =>
      this.fx.rewards.connect(caller).claim(account),
    );
    const claimed = events!.find((e) => e.name === "Claimed")!.args;
    expect(addr(claimed, "recipient")).to.equal(to, `claim of ${account} goes to its withdrawer`);
    return true;
  }

  private async claimTo(): Promise<boolean> {
    const owed = this.owed();
    if (owed.length === 0) return false;
    const account = this.rng.pick(owed);
    const withdrawer = this.withdrawerOf(account);
    const recipient = this.rng.pick(this.payers);
    const invalid = this.rng.next() < INVALID;
    const caller = invalid ? this.otherSigner(withdrawer.address) : withdrawer;
    await this.send("claimTo", !invalid, () =>
      this.fx.rewards.connect(caller).claimTo(account, recipient.address),
    );
    return true;
  }
}

describe("ProverRewards: token conservation under seeded random action sequences", function () {
  for (const c of casesToRun()) {
    it(`seed ${c.seed}: ${c.actions} actions`, async function () {
      this.timeout(300_000);
      const started = Date.now();
      const seq = new Sequence(c, await network.create());
      await seq.init();
      await seq.run();
      if (process.env.CONSERVATION_VERBOSE) {
        console.log(
          `seed ${c.seed}: ${(Date.now() - started) / 1000}s`,
          Object.fromEntries([...seq.counts].sort()),
          Object.fromEntries([...seq.reverts].sort()),
          seq.summary(),
        );
      }
      // Every kind of action succeeded a few times, and the sequence crossed many epochs.
      const minimum: Record<string, number> = {
        register: 3,
        topUp: 5,
        initiateExit: 2,
        finalizeExit: 2,
        reveal: 10,
        propose: 30,
        publish: 20,
        prove: 30,
        timeout: 3,
        prune: 3,
        slash: 5,
        // Only expected members miss (the runs' offline members): fewer than before.
        slashInactive: 2,
        depositFees: 10,
        fund: 3,
        settle: 10,
        claim: 10,
        claimTo: 5,
        mine: 10,
      };
      for (const [kind, n] of Object.entries(minimum)) {
        expect(seq.ok(kind)).to.be.at.least(n, `successful ${kind} actions (seed ${c.seed})`);
      }
      // Settlement saw every kind of record, and value reached the sink both ways.
      for (const key of [
        "prove.withoutMember",
        "prove.forged",
        "prove.fallback",
        "settle.rejectedRecords",
      ]) {
        expect(seq.counts.get(key) ?? 0).to.be.greaterThan(0, `${key} (seed ${c.seed})`);
      }
      const summary = seq.summary();
      expect(summary.burned).to.be.greaterThan(0n, `burned (seed ${c.seed})`);
      expect(summary.slashedToSink).to.be.greaterThan(0n, `slashed (seed ${c.seed})`);
    });
  }
});
