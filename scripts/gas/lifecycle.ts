/**
 * Gas of the block lifecycle (`contracts/lifecycle/BlockLifecycle.sol`), each key the gasUsed of
 * a real transaction receipt (except `proof.standInVerifier`, see below), with the parameters of
 * `deploy/parameters/local.json`: epochs of 32 L1 blocks, slots of 4 with a 2-block proposal
 * phase, proof window W = 64, data timeout 4, faultToleranceBps 3333, c = 3 trees of L = 16
 * leaves, reveal window 16.
 *
 * Networks. One stake table holds 256 operators and 2 sequencers, each an EOA (an ethers `Wallet`
 * with the private key `keccak256("lifecycle-gas-op-" + i)`, resp. `"lifecycle-gas-seq-" + i`)
 * that registered itself through the real `StakeTable.register` with its own BLS key
 * (`secretKeyFromSeed` of the same label) and proof of possession, all with the same stake. EOAs,
 * because committee members sign timeout votes with their operator key and the round leader sends
 * the certificate. Three elections run on that table, each with a BlockLifecycle:
 * - N32: committee size n = 32 (operators 0..31 reveal), faultToleranceBps 3333, so f = 10;
 * - N100: n = 100 (operators 0..99), faultToleranceBps 3200, so f = 32 and 33 signers are f + 1
 *   (with 3333, f + 1 would be 34);
 * - N256: n = 256 (all operators), faultToleranceBps 3333, so f = 85.
 * All three elect with oversamplingBps 1,000,000 (alpha = 100, the maximum), so every operator is
 * eligible whatever its VRF output and the committee is exactly the n revealers; the oversampling
 * enters no lifecycle cost (the lifecycle reads the sealed commitment, size, tree count and seed).
 * The sequencers never reveal, so they propose with an empty committee argument.
 *
 * Steady state. BlockLifecycle keeps block records in a ring of HISTORY_SLOTS = 256 entries
 * (index `slot % 256`): on a live chain every proposal and every root record rewrites an entry a
 * block 256 slots earlier left (nonzero to nonzero, ~5k per word), while a new deployment creates
 * them (22.1k per word) during its first 256 slots. The N32 scenario therefore runs twice, 256
 * slots (32 epochs) apart: lap 1 writes every entry lap 2 uses and settles its blocks (final,
 * timed out or pruned), and only lap 2 records keys. Lap 1's numbers go to stderr ("lap 1: ...");
 * they are the cost of a ring entry's first use.
 *
 * One lap (E = first L1 block of its epoch A, S = A's first slot; one transaction per block):
 * - E-16: N32 reveals for A (one batch). RANDAO is checkpointed once per epoch throughout, as
 *   keepers and reveals do on a live network, so every seed lookup reads one checkpoint.
 * - E+0: the proposal of slot S (seals A), E+2 publication, E+3 tree 0's root proof: S is final.
 * - `block.propose` (E+4): the lower-scoring sequencer proposes slot S+1: A is sealed, the
 *   proposal is not the first of its epoch, parent S is final, the chain record is in use.
 * - `block.propose.outbid` (E+5): the higher-scoring sequencer replaces it.
 * - `block.publishData` (E+6): its proposer publishes S+1's data.
 * - `proof.submitRoot.first` (E+7): tree 0's root proof of S+1 with the honest participation
 *   record `participationRecord(shape, 0)` (31 bytes), sent by the admin; it finalizes S+1.
 * - E+8: slot S+2 proposed and never published. `proof.submitRoot.secondTree` (E+9): tree 1's
 *   root proof of S+1 (the block is final already). `proof.submitRoot.additional` (E+10): tree 0's
 *   root prover files its own root of tree 0 after the admin's (`submitAdditionalRoot`, with the
 *   committee as calldata; it marks the member in the block's filer bitmap, a fresh word).
 * - `timeout.certificate.signers11` (E+14, when S+2's timeout window opens): the round-0 leader
 *   (`leaderOf(slot, 0, committee)`) posts the votes of committee indices 0..10 (f + 1 = 11).
 *   S+2 is the chain head, so exactly one block is removed, and the chain record stays nonzero.
 * - E+16, +20, +24, +28: slots S+4..S+7 proposed, never published.
 * - Epoch A+1 (from E+48, A+2's reveal window): N32 reveals for A+2; in lap 2 N100 and N256 too,
 *   in batches of at most 32.
 * - `block.propose.firstInEpoch` (E+64): the proposal of T = S+16, the first of epoch A+2, which
 *   seals A+2's committee of 32 (five pending blocks now: S+4..S+7 and T).
 * - Lap 2 only: E+65 / E+68 N100's and N256's first proposals (they seal their committees), E+69 /
 *   E+72 the blocks that time out, each on top of another pending block so that the chain record
 *   stays nonzero, as on N32. `timeout.certificate.signers33` (E+74) and `.signers86` (E+78):
 *   as on N32, indices 0..f. A certificate rewrites only its block's status and the chain
 *   record, which the same lap wrote, so N100 and N256 need no first lap.
 * - `block.prune.depth5` (E+82, the first block after S+4's proof window): prune S+4, which
 *   removes T, S+7, S+6, S+5 and S+4.
 *
 * After lap 2:
 * - `timeout.certificate.bls.signers{11,33,86}`: the same three certificates (same epoch, slot,
 *   round, committee and signer bitmap) verified by `BlsTimeoutCertificateHarness`
 *   (contracts/test) with one aggregate BLS signature on a message under
 *   {@link BLS_TIMEOUT_DST}: each key checked against its committee member through
 *   `operatorOfKey`, the keys aggregated, one hash to G2, one two-pair pairing, one
 *   nonzero-to-nonzero storage write and one event. The harness checks neither the block's status
 *   and window nor the round leader; the ECDSA certificates pay about 20k for those at every size
 *   (the election's `blockContext`, which also yields the seed, instead of `committeeCommitment`,
 *   reads of the block's records and a second storage write), so the comparison favours BLS.
 * - `proof.standInVerifier`: the gas the `StandInProofVerifier.verify` STATICCALL consumes inside
 *   the `proof.submitRoot.first` transaction, read from `debug_traceTransaction` (gas left before
 *   the STATICCALL minus gas left at the caller's next step): the cold-account access (2,600),
 *   the call and the verifier's execution; the ABI encoding of its arguments in the caller is not
 *   included. It is the part of the root-proof keys that a real verifier replaces.
 *
 * Deterministic: fixed keys, a fixed transaction sequence, and the in-process network's RANDAO
 * values depend only on the block history. A breakdown (intrinsic = 21,000 + calldata, and the
 * rest) goes to stderr with the run time.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import {
  AbiCoder,
  getBytes,
  hexlify,
  keccak256,
  toUtf8Bytes,
  Wallet,
  type ContractTransactionResponse,
} from "ethers";

import {
  aggregateSignatures,
  encodeG1,
  encodeG2,
  publicKeyOf,
  secretKeyFromSeed,
  sign,
  type G1PointStruct,
  type SecretKey,
} from "../../src/protocol/bls.js";
import {
  vrfMessage,
  vrfProve,
  type ElectionDomain,
  type ElectionParams,
} from "../../src/protocol/election.js";
import {
  blockHeaderOf,
  BlockStatus,
  faultThreshold,
  participationRecord,
  proposalScore,
  signerBitmap,
  signTimeoutVote,
  slotStartBlock,
  timeoutVoteDomain,
  timeoutWindow,
  type SlotClock,
} from "../../src/protocol/lifecycle.js";
import { attestedRootProof, chunkSignerOf } from "../../src/protocol/attestation.js";
import { chunkOutputDomain } from "../../src/protocol/chunks.js";
import { publicKeyHash, registrationKeys } from "../../src/protocol/stake.js";
import type {
  BlockLifecycle,
  BlsTimeoutCertificateHarness,
  CommitteeElection,
  StandInProofVerifier,
} from "../../typechain-types/index.js";
import {
  LOCAL_ELECTION_PARAMS,
  LOCAL_LIFECYCLE_PARAMS,
  LOCAL_REVEAL_WINDOW,
  LOCAL_STAKE_PARAMS,
} from "./parameters.js";
import { deployTestStakeTable, deployTestToken, randaoAdvancer, receiptOf } from "./common.js";
import { coreGas, deployMeter, standInCost, type StandInCost } from "./standIn.js";

/** DST of the BLS timeout votes: `BlsTimeoutCertificateHarness.DST_TIMEOUT`. */
export const BLS_TIMEOUT_DST = "PROVERNET-V1-TIMEOUT-BLS12381G2_XMD:SHA-256_SSWU_RO_";
/** `BlsTimeoutCertificateHarness.TIMEOUT_DOMAIN`. */
export const BLS_TIMEOUT_DOMAIN = keccak256(toUtf8Bytes("PROVERNET_V1_BLS_TIMEOUT_VOTE"));

const UNIT = 10n ** 18n;
const OPERATORS = 256;
const SEQUENCERS = 2;
const STAKE = 1_000n * UNIT;
/** Every operator is eligible (see the module documentation). */
const ALL_ELIGIBLE_BPS = 1_000_000;
/** Most reveals per `revealBatch`. */
const REVEAL_CHUNK = 32;
const ETH = 10n ** 20n;

const abi = AbiCoder.defaultAbiCoder();

/** An EOA operator: its wallet (operator key) and BLS key. */
interface Account {
  wallet: Wallet;
  address: string;
  sk: SecretKey;
  publicKey: G1PointStruct;
  keyHash: string;
}

/** One committee network: its election and lifecycle. */
interface Net {
  name: string;
  n: number;
  faultToleranceBps: bigint;
  election: CommitteeElection;
  lifecycle: BlockLifecycle;
  harness: BlsTimeoutCertificateHarness;
  domain: ElectionDomain;
}

/** A timeout certificate as measured, to be replayed through the BLS harness. */
interface Certificate {
  net: Net;
  epoch: bigint;
  slot: bigint;
  round: number;
  committee: string[];
  indices: number[];
}

function account(label: string, ethers: HardhatEthers): Account {
  const sk = secretKeyFromSeed(label);
  const publicKey = encodeG1(publicKeyOf(sk));
  const wallet = new Wallet(keccak256(toUtf8Bytes(label)), ethers.provider);
  return { wallet, address: wallet.address, sk, publicKey, keyHash: publicKeyHash(publicKey) };
}

function log(line: string): void {
  process.stderr.write(`lifecycle gas: ${line}\n`);
}

/** 21,000 plus the calldata cost (4 per zero byte, 16 per other byte). */
function intrinsicGas(data: string): number {
  let gas = 21_000;
  for (const byte of getBytes(data)) gas += byte === 0 ? 4 : 16;
  return gas;
}

export async function measureLifecycle(
  ethers: HardhatEthers,
  networkHelpers: NetworkHelpers,
): Promise<Record<string, number>> {
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const [admin] = await ethers.getSigners();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const gas: Record<string, number> = {};
  /** Whether {@link measure} records keys (the second lap) or only logs them (the first). */
  let recording = false;
  let lapName = "";

  /** The stand-in's cost in each root-proof transaction sent, by transaction hash. */
  const standIns = new Map<string, StandInCost>();
  /**
   * Sends, checks success, records gasUsed under `key` (without the stand-in verifier's parts
   * for a root proof: see ./standIn.ts) and logs the breakdown.
   */
  const measure = async (key: string, tx: Promise<ContractTransactionResponse>) => {
    const sent = await tx;
    const receipt = await receiptOf(key, sent);
    const cost = standIns.get(sent.hash);
    const used = cost === undefined ? Number(receipt.gasUsed) : coreGas(receipt, sent.data, cost);
    const intrinsic = intrinsicGas(sent.data) - (cost?.calldata ?? 0);
    if (recording) gas[key] = used;
    if (cost !== undefined) {
      log(
        `${lapName}: ${key}: stand-in verifier ${cost.verifier}, stand-in calldata ${cost.calldata}` +
          ` (reported apart)`,
      );
    }
    log(
      `${lapName}: ${key}: ${used} (intrinsic ${intrinsic} = 21000 + calldata ${intrinsic - 21_000}` +
        ` [${getBytes(sent.data).length} bytes]; execution ${used - intrinsic})`,
    );
    return receipt;
  };

  // ---- Deployments ------------------------------------------------------------------------
  const token = await deployTestToken(ethers, admin.address);
  const table = await deployTestStakeTable(ethers, token, admin.address, admin.address);
  const tableAddress = await table.getAddress();
  const verifier: StandInProofVerifier = await ethers.deployContract("StandInProofVerifier");
  const verifierAddress = await verifier.getAddress();
  const meter = await deployMeter(ethers);

  const deployNet = async (name: string, n: number, faultToleranceBps: bigint): Promise<Net> => {
    const params: ElectionParams = {
      ...LOCAL_ELECTION_PARAMS,
      committeeSize: n,
      oversamplingBps: ALL_ELIGIBLE_BPS,
    };
    const election: CommitteeElection = await ethers.deployContract("CommitteeElection", [
      {
        stakeTable: tableAddress,
        revealWindow: LOCAL_REVEAL_WINDOW,
        initialParams: params,
        admin: admin.address,
        governor: admin.address,
      },
    ]);
    const electionAddress = await election.getAddress();
    const lifecycle: BlockLifecycle = await ethers.deployContract("BlockLifecycle", [
      {
        ...LOCAL_LIFECYCLE_PARAMS,
        faultToleranceBps,
        election: electionAddress,
        verifier: verifierAddress,
      },
    ]);
    const harness: BlsTimeoutCertificateHarness = await ethers.deployContract(
      "BlsTimeoutCertificateHarness",
      [electionAddress, faultToleranceBps],
    );
    return {
      name,
      n,
      faultToleranceBps,
      election,
      lifecycle,
      harness,
      domain: { chainId, election: electionAddress },
    };
  };
  const n32 = await deployNet("N32", 32, LOCAL_LIFECYCLE_PARAMS.faultToleranceBps);
  // 3200 bps: f = floor(100 * 0.32) = 32, so 33 signers are exactly f + 1.
  const n100 = await deployNet("N100", 100, 3_200n);
  const n256 = await deployNet("N256", 256, LOCAL_LIFECYCLE_PARAMS.faultToleranceBps);

  // ---- Operators ----------------------------------------------------------------------------
  const operators = Array.from({ length: OPERATORS }, (_, i) =>
    account(`lifecycle-gas-op-${i}`, ethers),
  );
  const sequencers = Array.from({ length: SEQUENCERS }, (_, i) =>
    account(`lifecycle-gas-seq-${i}`, ethers),
  );
  const byAddress = new Map([...operators, ...sequencers].map((a) => [a.address, a]));
  const chunkSigner = chunkSignerOf((address) => byAddress.get(address)?.wallet);
  const popDomain = { chainId, verifyingContract: tableAddress };
  for (const a of [...operators, ...sequencers]) {
    await networkHelpers.setBalance(a.address, ETH);
    await receiptOf("mint", token.mint(a.address, STAKE));
    await receiptOf("approve", token.connect(a.wallet).approve(tableAddress, STAKE));
    const keys = registrationKeys(a.sk, popDomain, a.address);
    await receiptOf(
      "register",
      table
        .connect(a.wallet)
        .register(a.address, a.address, STAKE, keys.publicKey, keys.proofOfPossession),
    );
  }
  log(`${OPERATORS + SEQUENCERS} operators registered (${seconds()} s)`);

  // ---- Clock --------------------------------------------------------------------------------
  const genesis = await table.GENESIS_BLOCK();
  if ((await n32.lifecycle.GENESIS_BLOCK()) !== genesis) throw new Error("clocks differ");
  const epochLength = LOCAL_STAKE_PARAMS.epochLength;
  const nextBlock = async () => BigInt(await ethers.provider.getBlockNumber()) + 1n;
  const epochOf = (block: bigint) => (block - genesis) / epochLength;
  const epochStart = (epoch: bigint) => genesis + epoch * epochLength;
  const clock: SlotClock = {
    genesisBlock: genesis,
    epochLength,
    slotLength: LOCAL_LIFECYCLE_PARAMS.slotLength,
    proposalPhase: LOCAL_LIFECYCLE_PARAMS.proposalPhase,
    proofWindow: LOCAL_STAKE_PARAMS.proofWindow,
    dataTimeout: LOCAL_LIFECYCLE_PARAMS.dataTimeout,
  };

  const advanceTo = randaoAdvancer(ethers, networkHelpers, table, genesis, epochLength);

  const slotsPerEpoch = epochLength / clock.slotLength;

  /** Reveals the first `net.n` operators for `epoch` in batches; checks the committee. */
  const elect = async (net: Net, epoch: bigint): Promise<string[]> => {
    const seed = await table.seedOf(epoch);
    const message = vrfMessage(net.domain, epoch, seed);
    const revealers = operators.slice(0, net.n);
    for (let k = 0; k < revealers.length; k += REVEAL_CHUNK) {
      const chunk = revealers.slice(k, k + REVEAL_CHUNK);
      await receiptOf(
        `${net.name} reveal`,
        net.election.revealBatch(
          epoch,
          chunk.map((r) => r.publicKey),
          chunk.map((r) => encodeG2(vrfProve(r.sk, message))),
        ),
      );
    }
    const committee = [...(await net.election.committeeOf(epoch))];
    const expected = new Set(revealers.map((r) => r.address));
    if (committee.length !== net.n || !committee.every((m) => expected.has(m))) {
      throw new Error(`${net.name}: unexpected committee of epoch ${epoch}`);
    }
    return committee;
  };

  const propose = (net: Net, slot: bigint, parent: bigint, sequencer: Account) =>
    net.lifecycle.connect(sequencer.wallet).propose(
      slot,
      {
        parent,
        txCommitment: keccak256(toUtf8Bytes(`txs of slot ${slot}`)),
        leafCount: BigInt(LOCAL_ELECTION_PARAMS.leafCount),
        feeSplitBps: 0n,
        publicKeyHash: sequencer.keyHash,
      },
      [],
    );
  const head = async (net: Net) => (await net.lifecycle.chainState())[0];
  /** Proposes `slot` on `net` in block `at`, on the chain head. */
  const proposeAt = async (net: Net, slot: bigint, at: bigint, sequencer: Account) => {
    if (at < slotStartBlock(clock, slot)) throw new Error("proposal before its slot");
    await advanceTo(at);
    return propose(net, slot, await head(net), sequencer);
  };

  const publish = async (net: Net, slot: bigint, at: bigint) => {
    await advanceTo(at);
    const proposer = byAddress.get((await net.lifecycle.getBlock(slot)).proposer);
    if (proposer === undefined) throw new Error("unknown proposer");
    return net.lifecycle.connect(proposer.wallet).publishData(slot);
  };

  /** Tree `tree`'s honest record of `slot` and a stand-in root proof of it for `submitter`. */
  const honestRoot = async (
    net: Net,
    epoch: bigint,
    slot: bigint,
    tree: number,
    submitter: (record: Uint8Array) => string,
  ) => {
    const [ctx, b] = await Promise.all([
      net.election.blockContext(epoch, slot),
      net.lifecycle.getBlock(slot),
    ]);
    const shape = {
      m: Number(ctx.size),
      c: Number(ctx.treeCount),
      leafCount: Number(b.leafCount),
      seed: ctx.seed,
    };
    const record = participationRecord(shape, tree);
    const lifecycleAddress = await net.lifecycle.getAddress();
    const domain = { chainId, lifecycle: lifecycleAddress };
    const header = blockHeaderOf(slot, b);
    const { inputs, proof } = await attestedRootProof(
      domain,
      header,
      tree,
      record,
      submitter(record),
      {
        chunkDomain: chunkOutputDomain(chainId, lifecycleAddress),
        committee: [...(await net.election.committeeOf(epoch))],
        sign: chunkSigner,
      },
    );
    return { record, proof, cost: await standInCost(meter, verifierAddress, inputs, proof) };
  };

  /** Tree `tree`'s root proof of `slot` with the honest record, submitted by the admin. */
  const submitRoot = async (net: Net, epoch: bigint, slot: bigint, tree: number, at: bigint) => {
    await advanceTo(at);
    const { record, proof, cost } = await honestRoot(net, epoch, slot, tree, () => admin.address);
    const sent = await net.lifecycle.submitRootProof(slot, tree, record, proof);
    standIns.set(sent.hash, cost);
    return sent;
  };

  /** Tree `tree`'s root prover of `slot` files its own honest root after someone else's. */
  const additionalRoot = async (
    net: Net,
    epoch: bigint,
    slot: bigint,
    tree: number,
    committee: string[],
    at: bigint,
  ) => {
    await advanceTo(at);
    const owner = (record: Uint8Array) => member(committee, record[0]).address;
    const { record, proof, cost } = await honestRoot(net, epoch, slot, tree, owner);
    const sent = await net.lifecycle
      .connect(member(committee, record[0]).wallet)
      .submitAdditionalRoot(slot, tree, record, proof, committee);
    standIns.set(sent.hash, cost);
    return sent;
  };

  /** The account of committee member `i`. */
  const member = (committee: string[], i: number): Account => {
    const found = byAddress.get(committee[i]);
    if (found === undefined) throw new Error(`unknown member ${committee[i]}`);
    return found;
  };

  /** Posts the round-0 certificate of committee indices 0..f for `slot`, when its window opens. */
  const certify = async (
    key: string,
    net: Net,
    epoch: bigint,
    slot: bigint,
    committee: string[],
    signers: number,
  ): Promise<Certificate> => {
    const f = faultThreshold(committee.length, net.faultToleranceBps);
    if (signers !== f + 1) throw new Error(`${key}: ${signers} signers but f + 1 = ${f + 1}`);
    const b = await net.lifecycle.getBlock(slot);
    await advanceTo(timeoutWindow(clock, slot, b.publishedAt).opensAt);
    const round = 0;
    const indices = Array.from({ length: signers }, (_, i) => i);
    const domain = timeoutVoteDomain(chainId, await net.lifecycle.getAddress());
    const signatures = [];
    for (const i of indices) {
      signatures.push(await signTimeoutVote(member(committee, i).wallet, domain, slot, round));
    }
    const leader = byAddress.get(await net.lifecycle.leaderOf(slot, round, committee));
    if (leader === undefined) throw new Error("unknown leader");
    await measure(
      key,
      net.lifecycle
        .connect(leader.wallet)
        .postTimeoutCertificate(slot, round, committee, signerBitmap(indices), signatures),
    );
    if ((await net.lifecycle.getBlock(slot)).status !== BigInt(BlockStatus.TimedOut)) {
      throw new Error(`${key}: the block did not time out`);
    }
    return { net, epoch, slot, round, committee, indices };
  };

  /**
   * One lap of the scenario from epoch `a` (see the module documentation). Only the second lap
   * records keys; the N100 and N256 certificates run in it alone.
   */
  const lap = async (a: bigint, second: boolean) => {
    recording = second;
    lapName = second ? "lap 2" : "lap 1";
    const e = epochStart(a);
    const s = a * slotsPerEpoch;
    const certificates: Certificate[] = [];

    // Epoch A - 1: N32 reveals for A.
    await advanceTo(e - LOCAL_REVEAL_WINDOW);
    const committeeA = await elect(n32, a);
    log(`${lapName}: N32 committee of epoch ${a} elected (${seconds()} s)`);

    // Slot S (seals A): final at E+3.
    await receiptOf("propose S", proposeAt(n32, s, e, sequencers[0]));
    await receiptOf("publish S", publish(n32, s, e + 2n));
    await receiptOf("root S", submitRoot(n32, a, s, 0, e + 3n));

    // Slot S+1: the lower score first, then the outbid.
    const seedA = await table.seedOf(a);
    const [low, high] = [...sequencers].sort((x, y) =>
      proposalScore(seedA, s + 1n, x.keyHash, 0n) < proposalScore(seedA, s + 1n, y.keyHash, 0n)
        ? -1
        : 1,
    );
    await advanceTo(e + 4n);
    if (!(await n32.election.isSealed(a))) throw new Error("A should be sealed");
    await measure("block.propose", propose(n32, s + 1n, s, low));
    await advanceTo(e + 5n);
    await measure("block.propose.outbid", propose(n32, s + 1n, s, high));
    if ((await n32.lifecycle.getBlock(s + 1n)).proposer !== high.address) {
      throw new Error("the outbid did not replace the best proposal");
    }
    await measure("block.publishData", publish(n32, s + 1n, e + 6n));
    const firstRoot = await measure(
      "proof.submitRoot.first",
      submitRoot(n32, a, s + 1n, 0, e + 7n),
    );
    if ((await n32.lifecycle.getBlock(s + 1n)).status !== BigInt(BlockStatus.Final)) {
      throw new Error("S+1 is not final");
    }
    await receiptOf("propose S+2", proposeAt(n32, s + 2n, e + 8n, sequencers[0]));
    await measure("proof.submitRoot.secondTree", submitRoot(n32, a, s + 1n, 1, e + 9n));
    await measure(
      "proof.submitRoot.additional",
      additionalRoot(n32, a, s + 1n, 0, committeeA, e + 10n),
    );

    certificates.push(
      await certify("timeout.certificate.signers11", n32, a, s + 2n, committeeA, 11),
    );

    // Slots S+4..S+7: four pending blocks, never published.
    for (let k = 4n; k < 8n; ++k) {
      await receiptOf("propose", proposeAt(n32, s + k, e + 4n * k, sequencers[0]));
    }

    // Epoch A+1: reveals for A+2.
    const e2 = e + 2n * epochLength;
    await advanceTo(e2 - LOCAL_REVEAL_WINDOW);
    await elect(n32, a + 2n);
    const committee100 = second ? await elect(n100, a + 2n) : [];
    const committee256 = second ? await elect(n256, a + 2n) : [];
    if ((await nextBlock()) > e2) throw new Error("reveals overran the window");
    log(`${lapName}: committees of epoch ${a + 2n} elected (${seconds()} s)`);

    // Epoch A+2.
    const t = s + 2n * slotsPerEpoch;
    await advanceTo(e2);
    if (await n32.election.isSealed(a + 2n)) throw new Error("A+2 should not be sealed yet");
    await measure("block.propose.firstInEpoch", propose(n32, t, s + 7n, sequencers[0]));
    if (!(await n32.election.isSealed(a + 2n))) throw new Error("A+2 should be sealed now");

    if (second) {
      await receiptOf("N100 propose T", proposeAt(n100, t, e2 + 1n, sequencers[0]));
      await receiptOf("N256 propose T+1", proposeAt(n256, t + 1n, e2 + 4n, sequencers[0]));
      await receiptOf("N100 propose T+1", proposeAt(n100, t + 1n, e2 + 5n, sequencers[0]));
      await receiptOf("N256 propose T+2", proposeAt(n256, t + 2n, e2 + 8n, sequencers[0]));
      certificates.push(
        await certify("timeout.certificate.signers33", n100, a + 2n, t + 1n, committee100, 33),
      );
      certificates.push(
        await certify("timeout.certificate.signers86", n256, a + 2n, t + 2n, committee256, 86),
      );
    }

    // Prune S+4 in the first block after its proof window: S+5..S+7 and T go with it.
    const pending = (await n32.lifecycle.chainState())[2];
    if (pending !== 5n) throw new Error(`expected 5 pending blocks, found ${pending}`);
    const [, closesAt] = await n32.lifecycle.proofWindow(s + 4n);
    await advanceTo(closesAt + 1n);
    await measure("block.prune.depth5", n32.lifecycle.prune(s + 4n));
    if ((await n32.lifecycle.chainState())[2] !== 0n) throw new Error("prune left pending blocks");
    return { certificates, firstRoot };
  };

  // Epoch A: every registration counts, and its reveal window is still ahead.
  let firstEpoch = epochOf(await nextBlock()) + LOCAL_STAKE_PARAMS.activationLag;
  if ((await nextBlock()) > epochStart(firstEpoch) - LOCAL_REVEAL_WINDOW) ++firstEpoch;
  const totalStake = BigInt(OPERATORS + SEQUENCERS) * STAKE;
  if ((await table.totalStakeAt(firstEpoch)) !== totalStake) {
    throw new Error("unexpected total stake");
  }
  // The second lap starts HISTORY_SLOTS slots after the first, so that every block record it
  // writes rewrites the first lap's entry of the same ring index.
  const historySlots = await n32.lifecycle.HISTORY_SLOTS();
  if ((historySlots * clock.slotLength) % epochLength !== 0n) {
    throw new Error("the history ring does not span whole epochs");
  }
  await lap(firstEpoch, false);
  const { certificates, firstRoot } = await lap(
    firstEpoch + (historySlots * clock.slotLength) / epochLength,
    true,
  );

  // ---- BLS comparison -----------------------------------------------------------------------
  for (const c of certificates) {
    const key = `timeout.certificate.bls.signers${c.indices.length}`;
    const harnessAddress = await c.net.harness.getAddress();
    const message = getBytes(
      abi.encode(
        ["bytes32", "uint256", "address", "uint256", "uint256"],
        [BLS_TIMEOUT_DOMAIN, chainId, harnessAddress, c.slot, c.round],
      ),
    );
    if (hexlify(message) !== (await c.net.harness.timeoutMessage(c.slot, c.round))) {
      throw new Error("BLS timeout message differs from the harness");
    }
    const signers = c.indices.map((i) => member(c.committee, i));
    const signature = aggregateSignatures(signers.map((m) => sign(m.sk, message, BLS_TIMEOUT_DST)));
    await measure(
      key,
      c.net.harness.certify(
        c.epoch,
        c.slot,
        c.round,
        c.committee,
        signerBitmap(c.indices),
        signers.map((m) => m.publicKey),
        encodeG2(signature),
      ),
    );
  }

  // ---- The stand-in verifier's own cost -----------------------------------------------------
  // The meter counts the call as its caller pays it: the arguments encoded into memory (the
  // proof's bytes copied), the STATICCALL and the result decoded. The transaction's trace sees
  // the opcode alone (cold access and the stand-in's execution), so it is checked once to be
  // at most the meter's figure and to differ from it by no more than the argument copy.
  const firstCost = standIns.get(firstRoot.hash)!;
  const traced = await staticCallGas(ethers, firstRoot.hash, verifierAddress);
  const copyBound = argumentCopyBound(firstCost.proofBytes);
  if (traced > firstCost.verifier || firstCost.verifier - traced > copyBound) {
    throw new Error(
      `verifier gas: meter ${firstCost.verifier}, trace ${traced} (copy bound ${copyBound})`,
    );
  }
  gas["proof.standInVerifier"] = firstCost.verifier;
  gas["proof.standIn.calldata"] = firstCost.calldata;
  log(
    `proof.standInVerifier: ${firstCost.verifier} (the call inside submitRoot; its STATICCALL ` +
      `alone ${traced}), ` +
      `proof.standIn.calldata: ${firstCost.calldata}`,
  );

  log(`measured in ${seconds()} s`);
  return gas;
}

/**
 * An upper bound on what encoding a `bytes` argument of `length` bytes into a fresh call frame's
 * memory costs beyond the STATICCALL: 3 gas per word copied, the memory it expands (3 per word
 * plus words² / 512) and 1,000 gas of fixed encoding, extcodesize and decoding work.
 */
function argumentCopyBound(length: number): number {
  const words = Math.ceil((length + 4 + 32 * 3) / 32);
  return 3 * words + 3 * words + Math.floor((words * words) / 512) + 1_000;
}

/** One step of `debug_traceTransaction`'s default (struct log) tracer. */
interface StructLog {
  op: string;
  gas: number;
  depth: number;
  stack?: string[];
}

/**
 * The gas the single STATICCALL to `target` consumed in transaction `hash`: gas left before the
 * opcode minus gas left at the caller's next opcode (cold access, call and callee execution).
 */
async function staticCallGas(ethers: HardhatEthers, hash: string, target: string): Promise<number> {
  const trace = (await ethers.provider.send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true },
  ])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const wanted = BigInt(target);
  const found: number[] = [];
  for (let i = 0; i < logs.length; ++i) {
    const step = logs[i];
    if (step.op !== "STATICCALL" || step.stack === undefined) continue;
    // STATICCALL(gas, address, ...): the address is the second item from the top.
    if (BigInt(`0x${step.stack[step.stack.length - 2].replace(/^0x/, "")}`) !== wanted) continue;
    let j = i + 1;
    while (j < logs.length && logs[j].depth !== step.depth) ++j;
    if (j === logs.length) throw new Error("STATICCALL without return");
    found.push(step.gas - logs[j].gas);
    // The verifier's own calls (its decoding guard calls itself) are inside this one.
    i = j;
  }
  if (found.length !== 1) throw new Error(`expected one verifier call, found ${found.length}`);
  return found[0];
}
