/**
 * Token accounting of the prover network rebuilt from events, for conservation tests: every
 * token balance (from `Transfer`), the stake table's balance per operator, the rewards contract's
 * pool, pending fees and claimable balances, and what went to the burn/slash sink. Each event is
 * also checked against the ledger's own state as it is applied (a slash leaves `balance - amount`,
 * a claim pays exactly the claimable balance, an exit pays exactly the remaining balance).
 */
import type { OperatorStatus } from "../../src/protocol/stake.js";
import type { Interface, Result, TransactionReceipt } from "ethers";

/** A decoded log of one of the tracked contracts. */
export interface ParsedEvent {
  source: string;
  name: string;
  args: Result;
}

/** A contract whose logs are decoded. */
export interface EventSource {
  name: string;
  address: string;
  iface: Interface;
}

/** Decodes the logs of `receipt` emitted by `sources` (others are skipped). */
export function parseReceipt(
  receipt: TransactionReceipt,
  sources: readonly EventSource[],
): ParsedEvent[] {
  const byAddress = new Map(sources.map((s) => [s.address.toLowerCase(), s]));
  const out: ParsedEvent[] = [];
  for (const log of receipt.logs) {
    const source = byAddress.get(log.address.toLowerCase());
    if (source === undefined) continue;
    const parsed = source.iface.parseLog(log);
    if (parsed === null) throw new Error(`${source.name} emitted a log its ABI does not know`);
    out.push({ source: source.name, name: parsed.name, args: parsed.args });
  }
  return out;
}

/** A `bigint` field of a decoded event or struct. */
export function big(args: Result, key: string): bigint {
  const v: unknown = args.getValue(key);
  if (typeof v !== "bigint") throw new TypeError(`field ${key} is not a uint`);
  return v;
}

/** An address field of a decoded event. */
export function addr(args: Result, key: string): string {
  const v: unknown = args.getValue(key);
  if (typeof v !== "string") throw new TypeError(`field ${key} is not an address`);
  return v;
}

/** How a call failed: a custom error's name, or a panic; null if it was not a contract revert. */
export function revertOf(error: unknown): { name: string; panic: boolean } | null {
  if (!(error instanceof Error) || !/revert/i.test(error.message)) return null;
  const custom = /custom error '(\w+)\(/.exec(error.message);
  if (custom !== null) return { name: custom[1], panic: false };
  const panic = /panic code (0x[0-9a-f]+)/i.exec(error.message);
  if (panic !== null) return { name: `Panic(${panic[1]})`, panic: true };
  return { name: error.message.slice(0, 160), panic: true };
}

export type { OperatorStatus };

/** Claimable balances per source (`ProverRewards.claimable`). */
export interface Claim {
  proving: bigint;
  sequencing: bigint;
  submitting: bigint;
}

export function claimTotal(c: Claim | undefined): bigint {
  return c === undefined ? 0n : c.proving + c.sequencing + c.submitting;
}

function fail(message: string): never {
  throw new Error(`ledger: ${message}`);
}

/**
 * The expected token state, from events. Addresses are kept as the events give them
 * (checksummed).
 */
export class ConservationLedger {
  /** Token balances of every address a `Transfer` ever touched. */
  readonly balances = new Map<string, bigint>();
  /** Minted less burned to the zero address. */
  supply = 0n;
  /** The stake table's balance per operator (stake while active, pending withdrawal while exiting). */
  readonly stakes = new Map<string, bigint>();
  readonly status = new Map<string, OperatorStatus>();
  readonly withdrawer = new Map<string, string>();
  readonly withdrawableAt = new Map<string, bigint>();
  /** Claimable balances in the rewards contract. */
  readonly claims = new Map<string, Claim>();
  pool = 0n;
  pendingFees = 0n;
  /** Unsettled fees per slot. */
  readonly fees = new Map<bigint, bigint>();
  /** Slashed tokens that went to the slash sink (`Slashed` less `ReporterRewarded`). */
  slashedToSink = 0n;
  /** `EpochSettled.burned`, summed. */
  burned = 0n;
  nextEpoch: bigint;
  /** Pending inactivity slashes per operator. */
  readonly pendingSlashes = new Map<string, bigint>();
  /** Inactivity slashes executed (count). */
  inactivitySlashes = 0n;
  /** The amount of the last `Slashed` event. */
  private lastSlash = 0n;
  /** Settled records that settlement rejected. */
  rejectedRecords = 0;
  ejections = 0;

  constructor(
    private readonly slotsPerEpoch: bigint,
    nextEpoch: bigint,
  ) {
    this.nextEpoch = nextEpoch;
  }

  /** Sets the starting state of the token (balances must sum to the supply). */
  seedBalances(balances: ReadonlyMap<string, bigint>, supply: bigint): void {
    let sum = 0n;
    for (const [a, b] of balances) {
      this.balances.set(a, b);
      sum += b;
    }
    if (sum !== supply) fail(`tracked holders hold ${sum}, the supply is ${supply}`);
    this.supply = supply;
  }

  stakeOf(operator: string): bigint {
    return this.stakes.get(operator) ?? 0n;
  }

  totalStakes(): bigint {
    let sum = 0n;
    for (const s of this.stakes.values()) sum += s;
    return sum;
  }

  totalClaims(): bigint {
    let sum = 0n;
    for (const c of this.claims.values()) sum += claimTotal(c);
    return sum;
  }

  totalBalances(): bigint {
    let sum = 0n;
    for (const b of this.balances.values()) sum += b;
    return sum;
  }

  private credit(account: string, key: keyof Claim, amount: bigint): void {
    const c = this.claims.get(account) ?? { proving: 0n, sequencing: 0n, submitting: 0n };
    c[key] += amount;
    this.claims.set(account, c);
  }

  /** Applies a transaction's events in order; returns the token holders its transfers touched. */
  apply(events: readonly ParsedEvent[]): Set<string> {
    const touched = new Set<string>();
    for (const { source, name, args } of events) {
      if (source === "token" && name === "Transfer") {
        const from = addr(args, "from");
        const to = addr(args, "to");
        const value = big(args, "value");
        if (BigInt(from) === 0n) this.supply += value;
        else {
          const b = this.balances.get(from) ?? 0n;
          if (b < value) fail(`${from} transfers ${value} holding ${b}`);
          this.balances.set(from, b - value);
        }
        if (BigInt(to) === 0n) this.supply -= value;
        else this.balances.set(to, (this.balances.get(to) ?? 0n) + value);
        touched.add(from).add(to);
      } else if (source === "table") this.applyTable(name, args);
      else if (source === "rewards") this.applyRewards(name, args);
    }
    return touched;
  }

  private applyTable(name: string, args: Result): void {
    switch (name) {
      case "OperatorRegistered": {
        const op = addr(args, "operator");
        if (this.status.has(op)) fail(`${op} registered twice`);
        this.stakes.set(op, big(args, "amount"));
        this.status.set(op, "Active");
        this.withdrawer.set(op, addr(args, "withdrawer"));
        break;
      }
      case "StakeIncreased": {
        const op = addr(args, "operator");
        const after = this.stakeOf(op) + big(args, "amount");
        if (after !== big(args, "newStake")) fail(`top-up of ${op}: ${after} != newStake`);
        this.stakes.set(op, after);
        break;
      }
      case "ExitInitiated": {
        const op = addr(args, "operator");
        if (this.status.get(op) !== "Active") fail(`${op} exits while not active`);
        // An ejection is emitted inside the slash, before its `Slashed` event.
        const ejected = args.getValue("ejected") === true;
        if (!ejected && big(args, "amount") !== this.stakeOf(op)) fail(`exit amount of ${op}`);
        this.status.set(op, "Exiting");
        this.withdrawableAt.set(op, big(args, "withdrawableAt"));
        if (ejected) this.ejections++;
        break;
      }
      case "ExitFinalized": {
        const op = addr(args, "operator");
        if (big(args, "amount") !== this.stakeOf(op)) {
          fail(`exit of ${op} paid ${big(args, "amount")}, balance ${this.stakeOf(op)}`);
        }
        this.stakes.set(op, 0n);
        this.status.set(op, "Exited");
        break;
      }
      case "Slashed": {
        const op = addr(args, "operator");
        const amount = big(args, "amount");
        const before = this.stakeOf(op);
        if (amount === 0n || amount > before || before - amount !== big(args, "remaining")) {
          fail(`slash of ${op}: ${before} - ${amount} != ${big(args, "remaining")}`);
        }
        this.stakes.set(op, before - amount);
        this.slashedToSink += amount;
        this.lastSlash = amount;
        break;
      }
      case "ReporterRewarded":
        this.slashedToSink -= big(args, "amount");
        break;
      default:
        break;
    }
  }

  private applyRewards(name: string, args: Result): void {
    switch (name) {
      case "PoolFunded":
        this.pool += big(args, "amount");
        break;
      case "FeesDeposited": {
        const slot = big(args, "slot");
        this.fees.set(slot, (this.fees.get(slot) ?? 0n) + big(args, "amount"));
        this.pendingFees += big(args, "amount");
        break;
      }
      case "BlockSettled": {
        const slot = big(args, "slot");
        const payout = args.getValue("payout") as Result;
        const fees = big(payout, "fees");
        if (fees !== (this.fees.get(slot) ?? 0n)) fail(`slot ${slot} paid fees ${fees}`);
        this.fees.delete(slot);
        this.pendingFees -= fees;
        const reward = big(payout, "reward");
        if (reward > this.pool) fail(`slot ${slot} takes ${reward} from a pool of ${this.pool}`);
        this.pool -= reward;
        const parts =
          big(payout, "sequencer") +
          big(payout, "submitter") +
          big(payout, "provers") +
          big(payout, "burned");
        if (parts !== reward + fees) fail(`slot ${slot}: shares ${parts} != ${reward + fees}`);
        this.credit(addr(args, "proposer"), "sequencing", big(payout, "sequencer"));
        this.credit(addr(args, "submitter"), "submitting", big(payout, "submitter"));
        break;
      }
      case "CommitteeCredited": {
        const members = args.getValue("members") as Result;
        const amounts = args.getValue("amounts") as Result;
        if (members.length !== amounts.length) fail("CommitteeCredited lengths differ");
        for (let i = 0; i < members.length; i++) {
          this.credit(members[i] as string, "proving", amounts[i] as bigint);
        }
        break;
      }
      case "InactivityRecorded":
        this.pendingSlashes.set(addr(args, "member"), big(args, "pendingSlashes"));
        break;
      case "RootRecordRejected":
        this.rejectedRecords++;
        break;
      case "EpochSettled": {
        const epoch = big(args, "epoch");
        if (epoch !== this.nextEpoch) fail(`settled ${epoch}, expected ${this.nextEpoch}`);
        this.nextEpoch = epoch + 1n;
        for (let s = epoch * this.slotsPerEpoch; s < (epoch + 1n) * this.slotsPerEpoch; s++) {
          this.pendingFees -= this.fees.get(s) ?? 0n;
          this.fees.delete(s);
        }
        this.pool += big(args, "returnedToPool");
        this.burned += big(args, "burned");
        break;
      }
      case "Claimed": {
        const account = addr(args, "account");
        const c = this.claims.get(account);
        const paid = {
          proving: big(args, "proving"),
          sequencing: big(args, "sequencing"),
          submitting: big(args, "submitting"),
        };
        if (
          c === undefined ||
          c.proving !== paid.proving ||
          c.sequencing !== paid.sequencing ||
          c.submitting !== paid.submitting
        ) {
          fail(`claim of ${account} paid ${JSON.stringify(paid, (_, v: unknown) => String(v))}`);
        }
        this.claims.set(account, { proving: 0n, sequencing: 0n, submitting: 0n });
        break;
      }
      case "InactivitySlashed": {
        const op = addr(args, "operator");
        if (big(args, "count") !== (this.pendingSlashes.get(op) ?? 0n)) {
          fail(`inactivity slash of ${op} counts ${big(args, "count")}`);
        }
        if (big(args, "slashed") !== this.lastSlash) {
          fail(`inactivity slash of ${op} reports ${big(args, "slashed")}, took ${this.lastSlash}`);
        }
        this.pendingSlashes.set(op, 0n);
        this.inactivitySlashes += big(args, "count");
        break;
      }
      default:
        break;
    }
  }
}
