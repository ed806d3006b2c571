/**
 * Gas of the committee election (`contracts/election/CommitteeElection.sol`), each key the gasUsed
 * of a real transaction receipt, on fresh deployments with the parameters of
 * `deploy/parameters/local.json` (epochs of 32 blocks, activation lag 3, lookahead 2, seed
 * lookback 16) and a reveal window of 16 blocks, committee size n = 32, oversampling 1.5, c = 3
 * trees of L = 16 leaves.
 *
 * Operators. Every operator is registered through the real `StakeTable.register` with its own
 * BLS key (`secretKeyFromSeed("gas-op-" + i)`) and proof of possession: `BulkOperators`
 * (contracts/test) creates ~40 `BulkOperator` contracts per transaction, each of which registers
 * itself in its constructor (the table requires `msg.sender == operator`; the proofs of
 * possession bind the predicted CREATE addresses). Operators 0..31 are the revealers, with
 * 100,000 tokens each; the others are background operators with the minimum stake of 100 tokens
 * that never reveal. With n = 32 and alpha = 1.5 an operator is always eligible iff
 * `1.5 * 32 * stake >= totalStake`: here 4,800,000 >= 3,200,000 + 9,968 * 100 = 4,196,800 even
 * with 10,000 operators, so the same 32 operators reveal and fill the committee whatever N is.
 * Anyone may submit reveals (the reveal carries the key, not a signature of the sender), so the
 * revealers never send a transaction themselves.
 *
 * Scenario, per deployment (epoch A is the first epoch in which all stake counts): the 32
 * revealers reveal for A in one batch, A is sealed, then they reveal for A + 2 in one batch. The
 * second batch is the steady state: the heap of A + 2's parity was filled in A, every revealer's
 * record in the election (operator, id, last epoch) is nonzero (it revealed in A), A was sealed by then, and the RANDAO
 * checkpoint of the current epoch exists (a keeper, or an earlier reveal, wrote it).
 *
 * Keys:
 * - `election.revealBatch32.N100`, `election.revealBatch32.N10000`: gasUsed of that steady-state
 *   `revealBatch` of 32 reveals when the stake table holds 100 and 10,000 registered operators
 *   (fresh StakeTable + CommitteeElection each, same parameters). Nothing in a reveal loops over
 *   the stake table, so they must agree within 2%; the function throws otherwise.
 * - `election.revealBatch32.perProver`: the N100 batch divided by 32, rounded. The batch is
 *   submitted sorted by DESCENDING rank (ranks computed off-chain with `rankOf(vrfScore(...))`):
 *   every push then lands below its parent in the max-heap and is written without sifting, the
 *   cheapest insertion order, and what a batch submitter should do.
 * - `election.revealBatch32.firstReveals.perProver` (informational): the batch for A divided by
 *   32: every key reveals for the first time (its election record and id are created, ~44k
 *   once per key) and the heap slots are fresh.
 * - `election.sealCommittee.n32`: `sealCommittee(A + 2)` of the full 32-member committee, called
 *   in the first block after its window.
 * - `election.revealSingle.firstInEpoch` (informational): on the N100 deployment, the first
 *   `reveal` for A + 4, whose window opens before anyone checkpointed RANDAO in epoch A + 3: it
 *   writes the checkpoint and opens the heap (A + 2, which the heap held, is already sealed).
 * - `election.revealSingle`: the 15 single reveals for A + 4 that follow it in the 16-block window
 *   (one per block; revealers 1..15 in operator order, so their ranks arrive in random order);
 *   the key is the median of their receipts' gasUsed, i.e. one real receipt: the typical
 *   steady-state single reveal, where the committee has members, the checkpoint exists, the heap
 *   slots were written in A + 2 and the key's record exists.
 *
 * RANDAO is checkpointed once per epoch while blocks are mined (as reveals and keepers do on a
 * live network), so seeds stay available.
 *
 * Deterministic: fixed keys, fixed transaction sequence, and the in-process network's RANDAO
 * values depend only on the block history. Signing 10,000 proofs of possession is the slow part
 * (~18 ms each); it runs in two worker threads (this same module, loaded through tsx) while the
 * main thread submits the registrations, and falls back to the main thread if workers cannot be
 * started. Progress goes to stderr every 1,000 operators.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { getCreateAddress } from "ethers";

import {
  encodeG1,
  encodeG2,
  publicKeyOf,
  secretKeyFromSeed,
  type G1PointStruct,
  type G2PointStruct,
  type SecretKey,
} from "../../src/protocol/bls.js";
import { rankOf, vrfMessage, vrfOutput, vrfProve, vrfScore } from "../../src/protocol/election.js";
import {
  registrationKeys,
  type RegistrationKeys,
  type StakeTableDomain,
} from "../../src/protocol/stake.js";
import type { BulkOperators, CommitteeElection, StakeTable } from "../../typechain-types/index.js";
import { LOCAL_ELECTION_PARAMS, LOCAL_REVEAL_WINDOW, LOCAL_STAKE_PARAMS } from "./parameters.js";
import { deployTestStakeTable, deployTestToken, gasOf } from "./common.js";

const UNIT = 10n ** 18n;

/** Stake-table and election parameters: those of deploy/parameters/local.json. */
const STAKE_PARAMS = LOCAL_STAKE_PARAMS;
const REVEAL_WINDOW = LOCAL_REVEAL_WINDOW;
const ELECTION_PARAMS = LOCAL_ELECTION_PARAMS;

/** Operators 0..REVEALERS-1 reveal; the rest only hold stake. */
const REVEALERS = ELECTION_PARAMS.committeeSize;
const REVEALER_STAKE = 100_000n * UNIT;
const BACKGROUND_STAKE = 100n * UNIT;
/** Operator counts of the two batch measurements. */
const SMALL_TABLE = 100;
const LARGE_TABLE = 10_000;
/** Registrations per `registerMany` transaction (~330k gas each). */
const REGISTRATIONS_PER_TX = 40;
const SIGNING_WORKERS = 2;
/** Largest N100/N10000 batch difference accepted, as a fraction. */
const MAX_BATCH_SPREAD = 0.02;

const POP_WORKER = "election-gas-pop-worker";

/** What a signing worker gets: the chunks `k` with `k % workers == index`. */
interface PopWorkerData {
  kind: typeof POP_WORKER;
  domain: StakeTableDomain;
  operators: string[];
  chunkSize: number;
  index: number;
  workers: number;
}

/** Secret key of operator `i`. */
function operatorKey(i: number): SecretKey {
  return secretKeyFromSeed(`gas-op-${i}`);
}

/** Registration keys of operators `[from, to)`. */
function signChunk(domain: StakeTableDomain, operators: string[], from: number, to: number) {
  const keys: RegistrationKeys[] = [];
  for (let i = from; i < to; ++i) keys.push(registrationKeys(operatorKey(i), domain, operators[i]));
  return keys;
}

// Worker entry: this module, loaded by a signing worker (see KeySource).
if (!isMainThread && (workerData as PopWorkerData | null)?.kind === POP_WORKER) {
  const job = workerData as PopWorkerData;
  const chunks = Math.ceil(job.operators.length / job.chunkSize);
  for (let k = job.index; k < chunks; k += job.workers) {
    const from = k * job.chunkSize;
    const to = Math.min(from + job.chunkSize, job.operators.length);
    parentPort?.postMessage({ chunk: k, keys: signChunk(job.domain, job.operators, from, to) });
  }
}

/**
 * The registration keys of all operators, chunk by chunk, signed ahead by worker threads. A
 * chunk a worker did not deliver (no workers, or a worker failed) is signed here instead.
 */
class KeySource {
  private readonly chunks: Promise<RegistrationKeys[] | null>[] = [];
  private readonly workers: Worker[] = [];
  /** Chunks signed on the main thread (no worker delivered them). */
  signedHere = 0;

  constructor(
    private readonly domain: StakeTableDomain,
    private readonly operators: string[],
    private readonly chunkSize: number,
    workers: number,
  ) {
    const count = Math.ceil(operators.length / chunkSize);
    const resolvers: ((keys: RegistrationKeys[] | null) => void)[] = [];
    for (let k = 0; k < count; ++k) {
      this.chunks.push(new Promise((resolve) => resolvers.push(resolve)));
    }
    if (workers === 0) {
      resolvers.forEach((resolve) => resolve(null));
      return;
    }
    let bootstrap: URL;
    try {
      // A worker does not inherit Hardhat's TypeScript loader: register tsx, then load this file.
      const tsx = import.meta.resolve("tsx/esm/api");
      const code =
        `const { register } = await import(${JSON.stringify(tsx)}); register();` +
        `await import(${JSON.stringify(import.meta.url)});`;
      bootstrap = new URL(`data:text/javascript,${encodeURIComponent(code)}`);
    } catch {
      resolvers.forEach((resolve) => resolve(null));
      return;
    }
    for (let index = 0; index < workers; ++index) {
      const data: PopWorkerData = {
        kind: POP_WORKER,
        domain,
        operators,
        chunkSize,
        index,
        workers,
      };
      // Not unref'd: while the main thread awaits a chunk, the worker keeps the process alive.
      const worker = new Worker(bootstrap, { workerData: data });
      // Whatever this worker has not delivered when it stops is signed by the main thread.
      const giveUp = () => {
        for (let k = index; k < count; k += workers) resolvers[k](null);
      };
      worker.on("message", (m: { chunk: number; keys: RegistrationKeys[] }) =>
        resolvers[m.chunk](m.keys),
      );
      worker.on("error", giveUp);
      worker.on("exit", giveUp);
      this.workers.push(worker);
    }
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  async chunk(k: number): Promise<RegistrationKeys[]> {
    const keys = await this.chunks[k];
    if (keys !== null) return keys;
    ++this.signedHere;
    const from = k * this.chunkSize;
    const to = Math.min(from + this.chunkSize, this.operators.length);
    return signChunk(this.domain, this.operators, from, to);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function log(line: string): void {
  process.stderr.write(`election gas: ${line}\n`);
}

interface Deployment {
  n: number;
  table: StakeTable;
  election: CommitteeElection;
  domain: { chainId: bigint; election: string };
  genesis: bigint;
  /** Operator addresses, revealers first. */
  operators: string[];
  /** The total stake once every registration counts. */
  totalStake: bigint;
}

/** A reveal as the contract takes it, with its operator and rank. */
interface Reveal {
  operator: string;
  publicKey: G1PointStruct;
  vrfProof: G2PointStruct;
  rank: bigint;
}

export async function measureElection(
  ethers: HardhatEthers,
  networkHelpers: NetworkHelpers,
): Promise<Record<string, number>> {
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const [admin] = await ethers.getSigners();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const latest = await ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("no latest block");
  // One registration transaction must fit in a block (and under EIP-7825's 2^24 cap).
  const txGasLimit = latest.gasLimit < 1n << 24n ? latest.gasLimit : 1n << 24n;

  const token = await deployTestToken(ethers, admin.address);
  const revealerKeys = Array.from({ length: REVEALERS }, (_, i) => operatorKey(i));
  const revealerPublicKeys = revealerKeys.map((sk) => encodeG1(publicKeyOf(sk)));

  const nextBlock = async () => BigInt(await ethers.provider.getBlockNumber()) + 1n;
  const epochOf = (d: Deployment, block: bigint) => (block - d.genesis) / STAKE_PARAMS.epochLength;
  const epochStart = (d: Deployment, epoch: bigint) => d.genesis + epoch * STAKE_PARAMS.epochLength;

  /** Checkpoints RANDAO for the epoch of the next block unless that is done. */
  const keepBeacon = async (d: Deployment) => {
    const epoch = epochOf(d, await nextBlock());
    if ((await d.table.randaoCheckpoint(epoch)) === ethers.ZeroHash) {
      await (await d.table.ensureRandaoCheckpoint()).wait();
    }
  };

  /**
   * Mines until the next transaction lands in block `target`, checkpointing RANDAO once in every
   * epoch on the way. With `checkpointTargetEpoch` false the epoch of `target` is left without a
   * checkpoint, so that the transaction at `target` writes it.
   */
  const advanceTo = async (d: Deployment, target: bigint, checkpointTargetEpoch = true) => {
    for (;;) {
      const next = await nextBlock();
      if (next > target) throw new Error(`block ${target} is already mined`);
      const epoch = epochOf(d, next);
      const needsCheckpoint = (await d.table.randaoCheckpoint(epoch)) === ethers.ZeroHash;
      const targetEpoch = epoch === epochOf(d, target);
      if (needsCheckpoint && next < target && (checkpointTargetEpoch || !targetEpoch)) {
        await (await d.table.ensureRandaoCheckpoint()).wait();
        continue;
      }
      if (next === target) return;
      const boundary = epochStart(d, epoch + 1n);
      await networkHelpers.mine(Number((boundary < target ? boundary : target) - next));
    }
  };

  const deploy = async (n: number): Promise<Deployment> => {
    const table = await deployTestStakeTable(ethers, token, admin.address, admin.address);
    const tableAddress = await table.getAddress();
    const election: CommitteeElection = await ethers.deployContract("CommitteeElection", [
      {
        stakeTable: tableAddress,
        revealWindow: REVEAL_WINDOW,
        initialParams: ELECTION_PARAMS,
        admin: admin.address,
        governor: admin.address,
      },
    ]);
    const d: Deployment = {
      n,
      table,
      election,
      domain: { chainId, election: await election.getAddress() },
      genesis: await table.GENESIS_BLOCK(),
      operators: [],
      totalStake: BigInt(REVEALERS) * REVEALER_STAKE + BigInt(n - REVEALERS) * BACKGROUND_STAKE,
    };

    const factory: BulkOperators = await ethers.deployContract("BulkOperators", [tableAddress]);
    const factoryAddress = await factory.getAddress();
    // A contract's CREATE nonces start at 1.
    d.operators = Array.from({ length: n }, (_, i) =>
      getCreateAddress({ from: factoryAddress, nonce: i + 1 }),
    );
    const stakeOf = (i: number) => (i < REVEALERS ? REVEALER_STAKE : BACKGROUND_STAKE);
    await (await token.mint(factoryAddress, d.totalStake)).wait();

    const keys = new KeySource(
      { chainId, verifyingContract: tableAddress },
      d.operators,
      REGISTRATIONS_PER_TX,
      n >= 1_000 ? SIGNING_WORKERS : 0,
    );
    let waited = 0;
    try {
      for (let k = 0; k < keys.chunkCount; ++k) {
        const before = performance.now();
        const chunk = await keys.chunk(k);
        waited += performance.now() - before;
        const registrations = chunk.map((key, j) => {
          const i = k * REGISTRATIONS_PER_TX + j;
          return {
            operator: d.operators[i],
            amount: stakeOf(i),
            publicKey: key.publicKey,
            proofOfPossession: key.proofOfPossession,
          };
        });
        await keepBeacon(d);
        await gasOf(factory.registerMany(admin.address, registrations, { gasLimit: txGasLimit }));
        const done = k * REGISTRATIONS_PER_TX + chunk.length;
        if (Math.floor(done / 1_000) > Math.floor((done - chunk.length) / 1_000)) {
          log(`N=${n}: ${done}/${n} operators registered (${seconds()} s)`);
        }
      }
    } finally {
      await keys.close();
    }
    if (n >= 1_000) {
      log(
        `N=${n}: ${keys.signedHere}/${keys.chunkCount} chunks signed on the main thread; ` +
          `${(waited / 1000).toFixed(1)} s spent waiting for keys`,
      );
    }
    return d;
  };

  /** The 32 revealers' reveals for `epoch`, computed with the TypeScript election library. */
  const revealsFor = async (d: Deployment, epoch: bigint): Promise<Reveal[]> => {
    const [seed, totalStake] = await Promise.all([
      d.table.seedOf(epoch),
      d.table.totalStakeAt(epoch),
    ]);
    const message = vrfMessage(d.domain, epoch, seed);
    const reveals: Reveal[] = [];
    for (let i = 0; i < REVEALERS; ++i) {
      const proof = vrfProve(revealerKeys[i], message);
      const stake = await d.table.stakeAt(d.operators[i], epoch);
      const score = vrfScore(
        vrfOutput(proof),
        stake,
        totalStake,
        ELECTION_PARAMS.committeeSize,
        ELECTION_PARAMS.oversamplingBps,
      );
      if (score === null) throw new Error(`revealer ${i} is not eligible in epoch ${epoch}`);
      reveals.push({
        operator: d.operators[i],
        publicKey: revealerPublicKeys[i],
        vrfProof: encodeG2(proof),
        rank: rankOf(score, d.operators[i]),
      });
    }
    return reveals;
  };

  /** Checks that the committee of `epoch` is exactly the reveals, in rank order. */
  const checkCommittee = async (d: Deployment, epoch: bigint, reveals: Reveal[]) => {
    const expected = [...reveals].sort((a, b) => (a.rank < b.rank ? -1 : 1)).map((r) => r.operator);
    const members = await d.election.committeeOf(epoch);
    if (members.join() !== expected.join()) throw new Error(`unexpected committee of ${epoch}`);
  };

  /** One `revealBatch` of all revealers for `epoch`, sorted by descending rank, in its window. */
  const batch = async (d: Deployment, epoch: bigint): Promise<number> => {
    const [opensAt] = await d.election.revealWindow(epoch);
    await advanceTo(d, opensAt);
    const reveals = (await revealsFor(d, epoch)).sort((a, b) => (a.rank > b.rank ? -1 : 1));
    const gas = await gasOf(
      d.election.revealBatch(
        epoch,
        reveals.map((r) => r.publicKey),
        reveals.map((r) => r.vrfProof),
      ),
    );
    await checkCommittee(d, epoch, reveals);
    return gas;
  };

  /** `sealCommittee(epoch)` in the first block after its window. */
  const seal = async (d: Deployment, epoch: bigint): Promise<number> => {
    await advanceTo(d, epochStart(d, epoch));
    return gasOf(d.election.sealCommittee(epoch));
  };

  /** Registers, elects A, seals A, and returns the deployment, A and the batch gas of A + 2. */
  const steadyStateBatch = async (n: number) => {
    const d = await deploy(n);
    // The epoch from which the last registration counts.
    const a =
      epochOf(d, BigInt(await ethers.provider.getBlockNumber())) + STAKE_PARAMS.activationLag;
    if ((await d.table.totalStakeAt(a)) !== d.totalStake) throw new Error("unexpected total stake");
    const firstGas = await batch(d, a);
    await seal(d, a);
    const gas = await batch(d, a + 2n);
    log(`N=${n}: revealBatch of 32 for epoch ${a + 2n}: ${gas} gas (${seconds()} s)`);
    return { d, a, gas, firstGas };
  };

  const gas: Record<string, number> = {};
  const small = await steadyStateBatch(SMALL_TABLE);
  gas["election.revealBatch32.N100"] = small.gas;
  gas["election.revealBatch32.perProver"] = Math.round(small.gas / REVEALERS);
  // The same batch the first time: every key is new to the election (its record and id are
  // created) and the heap slots are fresh. Paid once per key and once per heap slot.
  gas["election.revealBatch32.firstReveals.perProver"] = Math.round(small.firstGas / REVEALERS);

  // Single reveals on the N100 deployment, for A + 4 (heap parity of A and A + 2).
  const { d, a } = small;
  gas["election.sealCommittee.n32"] = await seal(d, a + 2n);
  const epoch = a + 4n;
  const [opensAt] = await d.election.revealWindow(epoch);
  await advanceTo(d, opensAt, false);
  if ((await d.table.randaoCheckpoint(epochOf(d, opensAt))) !== ethers.ZeroHash) {
    throw new Error("the first reveal was meant to write the RANDAO checkpoint");
  }
  // One reveal per block (automine): the window holds REVEAL_WINDOW of them.
  const reveals = (await revealsFor(d, epoch)).slice(0, Number(REVEAL_WINDOW));
  const single = (r: Reveal) => gasOf(d.election.reveal(epoch, r.publicKey, r.vrfProof));
  gas["election.revealSingle.firstInEpoch"] = await single(reveals[0]);
  const singles: number[] = [];
  for (const r of reveals.slice(1)) singles.push(await single(r));
  const closesAt = (await d.election.revealWindow(epoch))[1];
  if ((await nextBlock()) - 1n > closesAt) throw new Error("single reveals overran the window");
  await checkCommittee(d, epoch, reveals);
  singles.sort((x, y) => x - y);
  gas["election.revealSingle"] = singles[(singles.length - 1) / 2];
  log(
    `single reveals after the first: min ${singles[0]}, median ${gas["election.revealSingle"]}, ` +
      `max ${singles.at(-1)}`,
  );

  const large = await steadyStateBatch(LARGE_TABLE);
  gas["election.revealBatch32.N10000"] = large.gas;
  const spread = Math.abs(large.gas - small.gas) / small.gas;
  log(
    `revealBatch32 N100 ${small.gas}, N10000 ${large.gas}: ` +
      `${(100 * spread).toFixed(3)}% apart; measured in ${seconds()} s`,
  );
  if (spread > MAX_BATCH_SPREAD) {
    throw new Error(
      `revealBatch32 depends on the table size: N100 ${small.gas}, N10000 ${large.gas}`,
    );
  }
  return gas;
}
