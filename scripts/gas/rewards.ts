/**
 * Gas of the rewards layer (`contracts/rewards/ProverRewards.sol`) and the whole protocol per
 * block, each key the gasUsed of real transaction receipts, with the parameters of
 * `deploy/parameters/local.json` except the clock: issue 5 prices a block at n = 32, c = 3,
 * L = 16 and 32 blocks per epoch, so this network has slots of 8 L1 blocks and epochs of 256
 * (the local deployment has 8 slots of 4 per epoch). The slot length enters no cost; 8 blocks let
 * one slot hold its proposal, publication and three root proofs, one transaction per L1 block.
 *
 * Network. A stake table with 32 EOA operators and 2 EOA sequencers (ethers `Wallet`s with the
 * private key `keccak256("rewards-gas-op-" + i)`, resp. `"rewards-gas-seq-" + i`), each
 * registered through `StakeTable.register` with its own BLS key; a CommitteeElection with
 * n = 32, c = 3, L = 16 and oversamplingBps 1,000,000 (every revealer is elected); a
 * BlockLifecycle; a ProverRewards funded with the local initial pool, holding SLASHER_ROLE.
 *
 * One epoch's work ({@link runEpoch}): the 32 operators reveal in one `revealBatch`; in each of
 * the epoch's 32 slots a sequencer proposes (the first proposal seals the committee), publishes,
 * and the admin (not an operator) submits the three root proofs with honest records, the first
 * of which finalizes the block; once the last window closes, anyone settles the epoch.
 *
 * Steady state. Block records live in the lifecycle's 256-slot ring, and balances in
 * ProverRewards' accounts: a new deployment's first pass creates those words (22.1k each),
 * later ones rewrite them (about 5k). Epoch A is lap 1; lap 2 is epoch A + 8, the epoch whose
 * slots reuse A's ring entries, after A + 1 .. A + 7 are settled empty. Keys come from lap 2:
 * - `protocol.perBlock`: (the reveal batch + 32 proposals + 32 publications + 96 root proofs +
 *   the settlement) / 32, rounded up: the list. The committee is sealed by its own
 *   transaction (`sealCommittee`, permissionless, sent when the epoch starts; without it the
 *   first proposal seals), an election cost like the reveals that the list leaves out:
 * - `protocol.perBlock.withSeal`: the same plus the seal / 32.
 * - `rewards.settleEpoch.n32b32`: the settlement of 32 blocks, 96 roots.
 * - `rewards.settle.perBlock`: that divided by 32.
 * Then epochs A + 9 and A + 10 add 37 blocks; in A + 9's first three blocks one member is
 * credited with nothing (its outputs are taken from other trees, as if it were offline), so with
 * k = 3 settlement records one inactivity slash:
 * - `slash.inactivity`: `slashInactive` for that member.
 * Claims, at the end (101 blocks in all): sequencer 1 proposed only the first block of lap 1,
 * sequencer 0 the other 100; both withdrawers already hold tokens.
 * - `rewards.claim.after1` / `rewards.claim.after100`: their `claim` transactions.
 * - `rewards.claim.prover`: a committee member's claim (credited in every block).
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { keccak256, toUtf8Bytes, Wallet, type ContractTransactionResponse } from "ethers";

import { readEpochSettlement } from "../../src/client/settlement.js";
import { encodeG1, encodeG2, publicKeyOf, secretKeyFromSeed } from "../../src/protocol/bls.js";
import { vrfMessage, vrfProve, type ElectionParams } from "../../src/protocol/election.js";
import {
  blockHeaderOf,
  participationRecord,
  participationRecordAvoiding,
  type TreeShape,
} from "../../src/protocol/lifecycle.js";
import { DEFAULT_POLICY_PARAMS, policyRules } from "../../src/protocol/policies/index.js";
import {
  PolicyId,
  type AssignmentPolicyRules,
  type PolicyBlock,
  type PolicyName,
} from "../../src/protocol/policies/types.js";
import { attestedRootProof, chunkSignerOf } from "../../src/protocol/attestation.js";
import { chunkOutputDomain } from "../../src/protocol/chunks.js";
import { publicKeyHash, registrationKeys } from "../../src/protocol/stake.js";
import type {
  BlockLifecycle,
  CommitteeElection,
  ProverRewards,
  StakeTable,
} from "../../typechain-types/index.js";
import { deployTestToken, randaoAdvancer, receiptOf } from "./common.js";
import { coreGas, deployMeter, standInCost } from "./standIn.js";
import {
  LOCAL_ELECTION_PARAMS,
  LOCAL_INITIAL_POOL,
  LOCAL_LIFECYCLE_PARAMS,
  LOCAL_REVEAL_WINDOW,
  LOCAL_REWARDS_PARAMS,
  LOCAL_STAKE_PARAMS,
} from "./parameters.js";
import { MAX_SLOTS_PER_EPOCH } from "../../src/protocol/parameters.js";

const UNIT = 10n ** 18n;
const OPERATORS = 32;
const STAKE = 1_000n * UNIT;
const ETH = 10n ** 20n;
/** The pricing: 32 blocks per epoch. */
const SLOT_LENGTH = 8n;
const EPOCH_LENGTH = 256n;
const ALL_ELIGIBLE_BPS = 1_000_000;
/** Slots between a slot and the next one on its ring entry. */
const HISTORY_SLOTS = 256n;

interface Account {
  wallet: Wallet;
  address: string;
  publicKey: ReturnType<typeof encodeG1>;
  keyHash: string;
  sk: ReturnType<typeof secretKeyFromSeed>;
}

function account(label: string, ethers: HardhatEthers): Account {
  const sk = secretKeyFromSeed(label);
  const publicKey = encodeG1(publicKeyOf(sk));
  const wallet = new Wallet(keccak256(toUtf8Bytes(label)), ethers.provider);
  return { wallet, address: wallet.address, sk, publicKey, keyHash: publicKeyHash(publicKey) };
}

const gasUsed = async (tx: Promise<ContractTransactionResponse>, label: string) =>
  Number((await receiptOf(label, tx)).gasUsed);

function log(line: string): void {
  process.stderr.write(`rewards gas: ${line}\n`);
}

interface System {
  table: StakeTable;
  election: CommitteeElection;
  lifecycle: BlockLifecycle;
  rewards: ProverRewards;
}

/** An assignment policy to deploy the network with (docs/policies.md); absent: striped. */
export interface PolicyUnderTest {
  name: PolicyName;
  /** The policy contract and its constructor arguments. */
  contract: string;
  args: readonly bigint[];
  rules: AssignmentPolicyRules;
}

/**
 * Deploys the network (with `policy`, if given) and returns the steps of an epoch's work. Every
 * transaction it sends is the same for every caller, so the keys are deterministic.
 */
async function buildProtocol(
  ethers: HardhatEthers,
  networkHelpers: NetworkHelpers,
  policy?: PolicyUnderTest,
) {
  const [admin] = await ethers.getSigners();
  const chainId = (await ethers.provider.getNetwork()).chainId;

  // ---- Deployments and operators ------------------------------------------------------------
  const token = await deployTestToken(ethers, admin.address);
  const table: StakeTable = await ethers.deployContract("StakeTable", [
    {
      ...LOCAL_STAKE_PARAMS,
      epochLength: EPOCH_LENGTH,
      stakeToken: await token.getAddress(),
      admin: admin.address,
      slasher: admin.address,
    },
  ]);
  const params: ElectionParams = {
    ...LOCAL_ELECTION_PARAMS,
    committeeSize: OPERATORS,
    oversamplingBps: ALL_ELIGIBLE_BPS,
  };
  const election: CommitteeElection = await ethers.deployContract("CommitteeElection", [
    {
      stakeTable: await table.getAddress(),
      revealWindow: LOCAL_REVEAL_WINDOW,
      initialParams: params,
      admin: admin.address,
      governor: admin.address,
    },
  ]);
  const verifier = await ethers.deployContract("StandInProofVerifier");
  const lifecycle: BlockLifecycle = await ethers.deployContract("BlockLifecycle", [
    {
      ...LOCAL_LIFECYCLE_PARAMS,
      slotLength: SLOT_LENGTH,
      election: await election.getAddress(),
      verifier: await verifier.getAddress(),
      policy:
        policy === undefined
          ? LOCAL_LIFECYCLE_PARAMS.policy
          : await (await ethers.deployContract(policy.contract, [...policy.args])).getAddress(),
    },
  ]);
  const rewards: ProverRewards = await ethers.deployContract("ProverRewards", [
    {
      ...LOCAL_REWARDS_PARAMS,
      lifecycle: await lifecycle.getAddress(),
      rewardToken: await token.getAddress(),
    },
  ]);
  const rewardsAddress = await rewards.getAddress();
  const meter = await deployMeter(ethers);
  const verifierAddress = await verifier.getAddress();
  const lifecycleDomain = { chainId, lifecycle: await lifecycle.getAddress() };
  const chunkDomain = chunkOutputDomain(chainId, lifecycleDomain.lifecycle);
  await receiptOf("grant", table.grantRole(await table.SLASHER_ROLE(), rewardsAddress));
  await receiptOf("mint", token.mint(admin.address, LOCAL_INITIAL_POOL));
  await receiptOf("approve", token.approve(rewardsAddress, LOCAL_INITIAL_POOL));
  await receiptOf("fund", rewards.fund(LOCAL_INITIAL_POOL));
  const system: System = { table, election, lifecycle, rewards };

  const operators = Array.from({ length: OPERATORS }, (_, i) =>
    account(`rewards-gas-op-${i}`, ethers),
  );
  const sequencers = [0, 1].map((i) => account(`rewards-gas-seq-${i}`, ethers));
  const walletOf = new Map([...operators, ...sequencers].map((a) => [a.address, a.wallet]));
  const chunkSigner = chunkSignerOf((address) => walletOf.get(address));
  const tableAddress = await table.getAddress();
  const popDomain = { chainId, verifyingContract: tableAddress };
  for (const a of [...operators, ...sequencers]) {
    await networkHelpers.setBalance(a.address, ETH);
    // One token more than the stake: the withdrawers hold tokens when they claim.
    await receiptOf("mint", token.mint(a.address, STAKE + UNIT));
    await receiptOf("approve", token.connect(a.wallet).approve(tableAddress, STAKE));
    const keys = registrationKeys(a.sk, popDomain, a.address);
    await receiptOf(
      "register",
      table
        .connect(a.wallet)
        .register(a.address, a.address, STAKE, keys.publicKey, keys.proofOfPossession),
    );
  }

  // ---- Clock ----------------------------------------------------------------------------------
  const genesis = await table.GENESIS_BLOCK();
  const nextBlock = async () => BigInt(await ethers.provider.getBlockNumber()) + 1n;
  const epochOf = (block: bigint) => (block - genesis) / EPOCH_LENGTH;
  const epochStart = (epoch: bigint) => genesis + epoch * EPOCH_LENGTH;
  const slotStart = (slot: bigint) => genesis + slot * SLOT_LENGTH;
  const slotsPerEpoch = EPOCH_LENGTH / SLOT_LENGTH;
  const advanceTo = randaoAdvancer(ethers, networkHelpers, table, genesis, EPOCH_LENGTH);

  /** Settles `epoch`, after the (empty) epochs before it that are not settled yet. */
  const settle = async (epoch: bigint): Promise<number> => {
    for (let e = await rewards.nextEpoch(); e < epoch; e++) await settle(e);
    const at = await rewards.settleableAt(epoch);
    if ((await nextBlock()) < at) await advanceTo(at);
    const call = await readEpochSettlement(lifecycle, election, epoch);
    return gasUsed(rewards.settleEpoch(call.epoch, call.committee, call.roots), "settle");
  };

  /** The committee's reveal batch for `epoch`, in its reveal window. */
  const reveal = async (epoch: bigint) => {
    await advanceTo((await election.revealWindow(epoch))[0]);
    const seed = await table.seedOf(epoch);
    const msg = vrfMessage({ chainId, election: await election.getAddress() }, epoch, seed);
    return gasUsed(
      election.revealBatch(
        epoch,
        operators.map((o) => o.publicKey),
        operators.map((o) => encodeG2(vrfProve(o.sk, msg))),
      ),
      "reveal",
    );
  };

  /** Runs `count` blocks from `epoch`'s first slot; returns the gas per kind. */
  const runEpoch = async (
    epoch: bigint,
    count: number,
    sequencerOf: (slot: bigint) => Account,
    avoid?: { pick: (epoch: bigint, committee: string[]) => Promise<string>; blocks: number },
    options: { revealed?: number; revealNext?: boolean } = {},
  ) => {
    let avoided: string | undefined;
    const totals = {
      reveal: options.revealed ?? (await reveal(epoch)),
      seal: 0,
      propose: 0,
      publish: 0,
      proofs: 0,
      standInVerifier: 0,
      standInCalldata: 0,
      nextReveal: 0,
      /** Gas of each block's finalizing root proof, in slot order. */
      firstRoots: [] as number[],
    };
    const first = epoch * slotsPerEpoch;
    // Anyone seals the committee when the epoch starts (an election transaction, like the
    // reveals); the first proposal would otherwise do it.
    await advanceTo(epochStart(epoch));
    totals.seal = await gasUsed(election.sealCommittee(epoch), "seal");
    for (let slot = first; slot < first + BigInt(count); slot++) {
      const start = slotStart(slot);
      const sequencer = sequencerOf(slot);
      const nextWindow = (await election.revealWindow(epoch + 1n))[0];
      if (options.revealNext && totals.nextReveal === 0 && start + SLOT_LENGTH > nextWindow) {
        // The next epoch's committee reveals in its window, between this epoch's blocks.
        totals.nextReveal = await reveal(epoch + 1n);
      }
      if ((await nextBlock()) < start) await advanceTo(start);
      const [head] = await lifecycle.chainState();
      totals.propose += await gasUsed(
        lifecycle.connect(sequencer.wallet).propose(
          slot,
          {
            parent: head,
            txCommitment: keccak256(toUtf8Bytes(`txs of slot ${slot}`)),
            leafCount: BigInt(LOCAL_ELECTION_PARAMS.leafCount),
            feeSplitBps: 0n,
            publicKeyHash: sequencer.keyHash,
          },
          [],
        ),
        "propose",
      );
      await advanceTo(start + LOCAL_LIFECYCLE_PARAMS.proposalPhase);
      totals.publish += await gasUsed(
        lifecycle.connect(sequencer.wallet).publishData(slot),
        "publish",
      );
      const shape = await shapeOf(system, epoch, slot);
      const committee = [...(await election.committeeOf(epoch))];
      if (avoid !== undefined && avoided === undefined)
        avoided = await avoid.pick(epoch, committee);
      const excluded = avoided !== undefined && slot < first + BigInt(avoid?.blocks ?? 0);
      const block =
        policy === undefined ? undefined : await policyBlockOf(system, epoch, slot, committee);
      const trees = block === undefined ? shape.c : block.treeCount;
      for (let tree = 0; tree < trees; tree++) {
        let record: Uint8Array;
        if (policy !== undefined && block !== undefined) {
          record = honestRecord(policy.rules, block, tree);
        } else if (excluded && avoided !== undefined) {
          record = participationRecordAvoiding(shape, tree, committee.indexOf(avoided));
        } else {
          record = participationRecord(shape, tree);
        }
        const header = blockHeaderOf(slot, await lifecycle.getBlock(slot));
        const { inputs, proof } = await attestedRootProof(
          lifecycleDomain,
          header,
          tree,
          record,
          admin.address,
          { chunkDomain, committee, sign: chunkSigner },
        );
        // The core's share: the stand-in verifier's call and proof bytes are reported apart.
        const cost = await standInCost(meter, verifierAddress, inputs, proof);
        const sent = await lifecycle.submitRootProof(slot, tree, record, proof);
        const gas = coreGas(await receiptOf("root proof", sent), sent.data, cost);
        totals.standInVerifier += cost.verifier;
        totals.standInCalldata += cost.calldata;
        totals.proofs += gas;
        if (tree === 0) totals.firstRoots.push(gas);
      }
    }
    return totals;
  };

  return {
    system,
    admin,
    operators,
    sequencers,
    settle,
    runEpoch,
    slotsPerEpoch,
    lap1: (await table.currentEpoch()) + LOCAL_STAKE_PARAMS.activationLag,
  };
}

/** Lap 2's cost per block: (reveal + proposals + publications + root proofs + settlement) / 32. */
function perBlockOf(
  totals: { reveal: number; propose: number; publish: number; proofs: number; seal: number },
  settle: number,
  blocks: number,
): { perBlock: number; withSeal: number } {
  const total = totals.reveal + totals.propose + totals.publish + totals.proofs + settle;
  return {
    perBlock: Math.ceil(total / blocks),
    withSeal: Math.ceil((total + totals.seal) / blocks),
  };
}

export async function measureRewards(
  ethers: HardhatEthers,
  networkHelpers: NetworkHelpers,
): Promise<Record<string, number>> {
  const started = performance.now();
  const { system, operators, sequencers, settle, runEpoch, slotsPerEpoch, lap1 } =
    await buildProtocol(ethers, networkHelpers);
  const { election, rewards } = system;
  void operators;
  // ---- Lap 1 (epoch A) and the empty epochs up to lap 2 -------------------------------------
  const lap2 = lap1 + HISTORY_SLOTS / slotsPerEpoch;
  const lap1Slot = lap1 * slotsPerEpoch;
  const lap1Totals = await runEpoch(lap1, Number(slotsPerEpoch), (slot) =>
    slot === lap1Slot ? sequencers[1] : sequencers[0],
  );
  const lap1Settle = await settle(lap1);
  log(`lap 1: ${JSON.stringify(lap1Totals)}, settle ${lap1Settle}`);

  // ---- Lap 2: the steady-state epoch ----------------------------------------------------------
  const lap2Totals = await runEpoch(lap2, Number(slotsPerEpoch), () => sequencers[0], undefined, {
    revealNext: true,
  });
  // ---- Inactivity: one member skipped in A + 9's first three blocks -----------------------
  /** A member that is no root prover in the epoch's first three blocks (roots cannot skip it). */
  const pickInactive = async (epoch: bigint, committee: string[]) => {
    const roots = new Set<string>();
    for (let slot = epoch * slotsPerEpoch; slot < epoch * slotsPerEpoch + 3n; slot++) {
      const shape = await shapeOfSeed(system, epoch, slot);
      for (let tree = 0; tree < shape.c; tree++) {
        roots.add(committee[participationRecord(shape, tree)[0]]);
      }
    }
    const member = committee.find((m) => !roots.has(m));
    if (member === undefined) throw new Error("every member is a root prover");
    return member;
  };
  let inactive = "";
  const nextTotals = await runEpoch(
    lap2 + 1n,
    Number(slotsPerEpoch),
    () => sequencers[0],
    {
      pick: async (epoch, committee) => (inactive = await pickInactive(epoch, committee)),
      blocks: 3,
    },
    { revealed: lap2Totals.nextReveal, revealNext: true },
  );
  // Five more blocks at the start of A + 10 (101 blocks in all), before A + 9's windows close.
  await runEpoch(lap2 + 2n, 5, () => sequencers[0], undefined, {
    revealed: nextTotals.nextReveal,
  });
  // Lap 2's settlement, measured: its blocks' windows closed during A + 9.
  const lap2Settle = await settle(lap2);
  const blocks = Number(slotsPerEpoch);
  const { perBlock, withSeal: perBlockWithSeal } = perBlockOf(lap2Totals, lap2Settle, blocks);
  log(
    `lap 2 per block: reveal ${lap2Totals.reveal / blocks}, seal ${lap2Totals.seal / blocks}` +
      `, propose ${lap2Totals.propose / blocks}, publish ${lap2Totals.publish / blocks}` +
      `, proofs ${lap2Totals.proofs / blocks}, settle ${lap2Settle / blocks} => ${perBlock}` +
      ` (${perBlockWithSeal} with the seal)`,
  );
  await settle(lap2 + 1n);
  const [, pending] = await rewards.inactivityOf(inactive);
  if (pending !== 1n) throw new Error(`expected one pending inactivity slash, got ${pending}`);
  const slashInactivity = await gasUsed(rewards.slashInactive(inactive), "slashInactive");
  const committee = [...(await election.committeeOf(lap2 + 1n))];

  // ---- The claims --------------------------------------------------------------------------
  await settle(lap2 + 2n);
  const proposed0 = (await rewards.claimable(sequencers[0].address)).sequencing;
  const proposed1 = (await rewards.claimable(sequencers[1].address)).sequencing;
  const perBlockShare = proposed1;
  if (perBlockShare === 0n || proposed0 !== perBlockShare * 100n) {
    throw new Error(`sequencer balances ${proposed0} / ${proposed1} are not 100 : 1 blocks`);
  }
  const after1 = await gasUsed(rewards.claim(sequencers[1].address), "claim after 1");
  const after100 = await gasUsed(rewards.claim(sequencers[0].address), "claim after 100");
  const prover = await gasUsed(rewards.claim(committee[0]), "claim prover");
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  return {
    "protocol.perBlock": perBlock,
    "protocol.perBlock.withSeal": perBlockWithSeal,
    // The same run's numbers under the policy keys, to compare with measurePolicies'.
    "protocol.perBlock.striped": perBlock,
    "proof.submitRoot.first.striped": lap2Totals.firstRoots[1],
    "rewards.settleEpoch.n32b32": lap2Settle,
    // Apart from the core: the stand-in verifier's calls and proof bytes of the same blocks.
    "proof.standIn.perBlock": Math.ceil(
      (lap2Totals.standInVerifier + lap2Totals.standInCalldata) / blocks,
    ),
    "rewards.settle.perBlock": Math.ceil(lap2Settle / blocks),
    "rewards.claim.after1": after1,
    "rewards.claim.after100": after100,
    "rewards.claim.prover": prover,
    "slash.inactivity": slashInactivity,
  };
}

/** The tree shape of `slot`'s block (which must exist). */
async function shapeOf(system: System, epoch: bigint, slot: bigint): Promise<TreeShape> {
  const [ctx, b] = await Promise.all([
    system.election.blockContext(epoch, slot),
    system.lifecycle.getBlock(slot),
  ]);
  return {
    m: Number(ctx.size),
    c: Number(ctx.treeCount),
    leafCount: Number(b.leafCount),
    seed: ctx.seed,
  };
}

/** The tree shape of `slot` at the election's leaf count (before its block exists). */
async function shapeOfSeed(system: System, epoch: bigint, slot: bigint): Promise<TreeShape> {
  const ctx = await system.election.blockContext(epoch, slot);
  return {
    m: Number(ctx.size),
    c: Number(ctx.treeCount),
    leafCount: LOCAL_ELECTION_PARAMS.leafCount,
    seed: ctx.seed,
  };
}

/** The policy context of `slot`'s block (which must exist), as the lifecycle passes it. */
async function policyBlockOf(
  system: System,
  epoch: bigint,
  slot: bigint,
  committee: readonly string[],
): Promise<PolicyBlock> {
  const [shape, context, b] = await Promise.all([
    shapeOf(system, epoch, slot),
    system.lifecycle.epochContext(epoch),
    system.lifecycle.getBlock(slot),
  ]);
  return {
    slot,
    seed: shape.seed,
    committee,
    treeCount: Number(context.treeCount),
    leafCount: shape.leafCount,
    proposer: b.proposer,
  };
}

/** The record of an honest network: every node credited to its preferred holders. */
function honestRecord(rules: AssignmentPolicyRules, block: PolicyBlock, tree: number): Uint8Array {
  const credits = new Map<number, number[]>();
  for (let node = 1; node < 2 * block.leafCount; node++) {
    const holders = rules.holders(block, tree, node).map((h) => h.credit);
    credits.set(node, rules.id === PolicyId.rankedProofs ? holders : holders.slice(0, 1));
  }
  return rules.encodeRecord(block, tree, credits);
}

/**
 * `proof.submitRoot.first.<policy>` and `protocol.perBlock.<policy>` for the four policy
 * contracts: the same network, operators and lap-2 epoch as {@link measureRewards}, deployed with
 * the policy (local parameters: h = 2, P = 3, 3 competing roots, uncle reward 10 tokens), every
 * root proof carrying an honest record built from the policy's TypeScript rules. A block takes
 * the policy's tree count of roots (1, or 3 competing roots for rankedProofs). The first-root key
 * is the finalizing root of lap 2's second block, as for `.striped`. Per block is the reveal
 * batch / 32 plus (proposals + publications + root proofs + settlement) / blocks run.
 */
/**
 * Blocks per epoch in the rankedProofs run. Its settlement scores three competing roots of 93
 * proofs per block, about 500k gas per block: a 32-block epoch's settlement (about 16.5M) does
 * not fit the 2^24 transaction gas cap, so this run proves 16 blocks per epoch (README, Gas).
 */
const RANKED_BLOCKS = 16;

export async function measurePolicies(
  ethers: HardhatEthers,
  networkHelpers: NetworkHelpers,
): Promise<Record<string, number>> {
  const started = performance.now();
  const params = { ...DEFAULT_POLICY_PARAMS, feeBurnBps: LOCAL_REWARDS_PARAMS.proverBurnBps };
  const policies: PolicyUnderTest[] = [
    { name: "vrfPath", contract: "VrfPathPolicy", args: [] },
    { name: "sortedRounds", contract: "SortedRoundsPolicy", args: [BigInt(params.roundHeight)] },
    {
      name: "rankedProofs",
      contract: "RankedProofsPolicy",
      args: [BigInt(params.proofsPerNode), BigInt(params.maxRoots), params.feeBurnBps],
    },
    { name: "siblingCover", contract: "SiblingCoverPolicy", args: [params.uncleReward] },
  ].map((p) => ({
    ...p,
    name: p.name as PolicyName,
    rules: policyRules(p.name as PolicyName, params),
  }));
  const keys: Record<string, number> = {};
  for (const policy of policies) {
    const { settle, runEpoch, slotsPerEpoch, sequencers, lap1 } = await buildProtocol(
      ethers,
      networkHelpers,
      policy,
    );
    const lap2 = lap1 + HISTORY_SLOTS / slotsPerEpoch;
    const blocks = policy.name === "rankedProofs" ? RANKED_BLOCKS : Number(slotsPerEpoch);
    await runEpoch(lap1, blocks, () => sequencers[0]);
    await settle(lap1);
    const totals = await runEpoch(lap2, blocks, () => sequencers[0]);
    const settled = await settle(lap2);
    // The reveal batch elects the committee for the whole epoch: its cost is spread over the
    // epoch's 32 slots whatever the number of blocks run, as in `protocol.perBlock`.
    const perBlock = Math.ceil(
      totals.reveal / Number(slotsPerEpoch) +
        (totals.propose + totals.publish + totals.proofs + settled) / blocks,
    );
    keys[`protocol.perBlock.${policy.name}`] = perBlock;
    keys[`proof.submitRoot.first.${policy.name}`] = totals.firstRoots[1];
    log(`${policy.name}: per block ${perBlock}, first root ${totals.firstRoots[1]}`);
  }
  log(`policies done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return keys;
}

/**
 * `rewards.settle.emptyEpoch.maxSlots`: settling an epoch with no committee and no block at
 * BlockLifecycle.MAX_SLOTS_PER_EPOCH slots (slot length 1), after one fee deposit in its last
 * slot (returned to the pool by the sweep). The sweep reads one word per 256 slots.
 */
export async function measureEmptyEpoch(
  ethers: HardhatEthers,
  networkHelpers: NetworkHelpers,
): Promise<Record<string, number>> {
  const [admin] = await ethers.getSigners();
  const slots = MAX_SLOTS_PER_EPOCH;
  const token = await deployTestToken(ethers, admin.address);
  const table: StakeTable = await ethers.deployContract("StakeTable", [
    {
      ...LOCAL_STAKE_PARAMS,
      epochLength: slots,
      stakeToken: await token.getAddress(),
      admin: admin.address,
      slasher: admin.address,
    },
  ]);
  const election: CommitteeElection = await ethers.deployContract("CommitteeElection", [
    {
      stakeTable: await table.getAddress(),
      revealWindow: LOCAL_REVEAL_WINDOW,
      initialParams: { ...LOCAL_ELECTION_PARAMS, committeeSize: OPERATORS },
      admin: admin.address,
      governor: admin.address,
    },
  ]);
  const verifier = await ethers.deployContract("StandInProofVerifier");
  const lifecycle: BlockLifecycle = await ethers.deployContract("BlockLifecycle", [
    {
      ...LOCAL_LIFECYCLE_PARAMS,
      slotLength: 1n,
      proposalPhase: 1n,
      election: await election.getAddress(),
      verifier: await verifier.getAddress(),
    },
  ]);
  if ((await lifecycle.EPOCH_LENGTH()) / (await lifecycle.SLOT_LENGTH()) !== slots) {
    throw new Error("the empty-epoch system does not have MAX_SLOTS_PER_EPOCH slots");
  }
  const rewards: ProverRewards = await ethers.deployContract("ProverRewards", [
    {
      ...LOCAL_REWARDS_PARAMS,
      lifecycle: await lifecycle.getAddress(),
      rewardToken: await token.getAddress(),
    },
  ]);
  const epoch = await rewards.nextEpoch();
  await receiptOf("mint", token.mint(admin.address, UNIT));
  await receiptOf("approve", token.approve(await rewards.getAddress(), UNIT));
  await receiptOf("fees", rewards.depositFees((epoch + 1n) * slots - 1n, UNIT));
  const opensAt = await rewards.settleableAt(epoch);
  const now = BigInt(await ethers.provider.getBlockNumber());
  if (opensAt > now + 1n) await networkHelpers.mine(opensAt - now - 1n);
  const gas = await gasUsed(rewards.settleEpoch(epoch, [], []), "settle empty epoch");
  if ((await rewards.pool()) !== UNIT) throw new Error("the swept fee did not reach the pool");
  return { "rewards.settle.emptyEpoch.maxSlots": gas };
}
