/**
 * The project's main job (foundation, election, block-lifecycle and rewards layers): deploy the
 * stake table, its test token, the committee election, the stand-in proof verifier, the block
 * lifecycle, the reward pool and the invalid-work slasher with Ignition
 * (`TestProverSystemModule`) to the selected network (the in-process
 * one by default), register a few provers and one sequencer through the TypeScript protocol
 * library, print the parameters and the resulting state, then run one election: every prover
 * computes its VRF, an aggregator reveals them in one batch, the committee is sealed after the
 * window, and the striped assignment of one block is printed. The sequencer does not reveal, so
 * it stays out of the committee (seed 001's no-overlap rule).
 *
 * Then a short block lifecycle in the committee's epoch:
 *   - block A: the sequencer proposes it (public score checked against the TypeScript mirror),
 *     publishes its data after the proposal phase, and committee members submit a root proof for
 *     every tree (the first finalizes A); tree 0's participation record and the chunks it credits
 *     each member are printed;
 *   - block B, built on A: the sequencer proposes it but withholds the data, f+1 members sign
 *     timeout votes for round 0 and the round-0 leader posts the certificate once the timeout
 *     window opens: B is TimedOut and the head moves back to A;
 *   - a line with the chain state (head, finalized, pending);
 *   - rewards: once the epoch's last proof window has closed, its settlement (built from events
 *     by `readEpochSettlement`) pays A's proposer, its finalizing submitter and the committee per
 *     chunk; every balance and the pool are checked against the TypeScript model
 *     (`settleEpochModel`); B, timed out, pays nothing; member #0 claims.
 * Every transaction's gas is printed.
 *
 *   npm start                                  # in-process network
 *   npx hardhat run --network localhost scripts/main.ts   # against a fresh `hardhat node`
 *
 * Later issues turn this into the whole-network simulation.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

import {
  keccak256,
  toUtf8Bytes,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
} from "ethers";
import { network } from "hardhat";

import { TestProverSystemModule } from "../deploy/modules/ProverSystem.js";
import { readSlotClock } from "../src/client/chain.js";
import { readEpochSettlement } from "../src/client/settlement.js";
import { settleEpochModel, type RootEntry } from "../src/protocol/rewards.js";
import { assignment, blockSeed } from "../src/protocol/assignment.js";
import { encodeG1, encodeG2, publicKeyOf, secretKeyFromSeed } from "../src/protocol/bls.js";
import {
  rankOf,
  revealWindow,
  vrfMessage,
  vrfOutput,
  vrfProve,
  vrfScore,
} from "../src/protocol/election.js";
import { epochStartBlock } from "../src/protocol/epoch.js";
import { attestedRootProof, chunkSignerOf } from "../src/protocol/attestation.js";
import { chunkOutputDomain } from "../src/protocol/chunks.js";
import {
  BlockStatus,
  blockCommitment,
  blockHeaderOf,
  chunksCredited,
  epochOfSlot,
  faultThreshold,
  leaderIndex,
  participationRecord,
  proofWindow,
  proposalPhase,
  proposalScore,
  signTimeoutVote,
  signerBitmap,
  slotStartBlock,
  timeoutVoteDomain,
  timeoutWindow,
  type SlotClock,
  type TreeShape,
  type Window,
} from "../src/protocol/lifecycle.js";
import { operatorStatus, publicKeyHash, registrationKeys } from "../src/protocol/stake.js";
import {
  BlockLifecycle__factory,
  CommitteeElection__factory,
  ProverRewards__factory,
  StakeTable__factory,
  TestStakeToken__factory,
} from "../typechain-types/index.js";

const PROVERS = 4;
const here = path.dirname(fileURLToPath(import.meta.url));
const parametersFile = path.join(here, "..", "deploy", "parameters", "local.json");

const { ethers, ignition, networkHelpers } = await network.create();
const [deployer, ...others] = await ethers.getSigners();
const provers = others.slice(0, PROVERS);
const sequencer = others[PROVERS];
const chainId = (await ethers.provider.getNetwork()).chainId;

/** Waits for a transaction and returns its receipt. */
async function mined(
  tx: Promise<ContractTransactionResponse>,
): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was not mined");
  return receipt;
}

/** Mines empty blocks until the next transaction lands in L1 block `target`. */
async function mineUntilNextBlockIs(target: bigint): Promise<void> {
  const next = BigInt(await ethers.provider.getBlockNumber()) + 1n;
  if (target < next) throw new Error(`L1 block ${target} is already mined (next is ${next})`);
  if (target > next) await networkHelpers.mine(target - next);
}

const deployed = await ignition.deploy(TestProverSystemModule, {
  parameters: parametersFile,
  displayUi: false,
});
const table = StakeTable__factory.connect(await deployed.stakeTable.getAddress(), deployer);
const token = TestStakeToken__factory.connect(await deployed.token.getAddress(), deployer);
const tableAddress = await table.getAddress();
const election = CommitteeElection__factory.connect(await deployed.election.getAddress(), deployer);
const lifecycle = BlockLifecycle__factory.connect(await deployed.lifecycle.getAddress(), deployer);
const lifecycleAddress = await lifecycle.getAddress();
const rewards = ProverRewards__factory.connect(await deployed.rewards.getAddress(), deployer);

const decimals = await token.decimals();
const symbol = await token.symbol();
const unit = 10n ** decimals;
const fmt = (amount: bigint) => `${ethers.formatUnits(amount, decimals)} ${symbol}`;

console.log(`Deployed on chain ${chainId}`);
console.log(`  TestStakeToken ${await token.getAddress()}`);
console.log(`  StakeTable     ${tableAddress}`);
console.log(`  Election       ${await election.getAddress()}`);
console.log(`  Verifier       ${await deployed.verifier.getAddress()} (StandInProofVerifier)`);
console.log(`  BlockLifecycle ${lifecycleAddress}`);

const minimumStake = await table.MINIMUM_STAKE();
const params: Array<[string, string, string]> = [
  ["minimum stake", fmt(minimumStake), "smallest stake an active operator may hold"],
  ["epoch length E", `${await table.EPOCH_LENGTH()} blocks`, "L1 blocks per epoch"],
  [
    "activation lag",
    `${await table.ACTIVATION_LAG()} epochs`,
    "a change counts from epoch now+lag",
  ],
  ["lookahead", `${await table.LOOKAHEAD()} epochs`, "seed(e) uses RANDAO from <= e-lookahead"],
  [
    "seed lookback",
    `${await table.SEED_LOOKBACK()} epochs`,
    "how far back a seed looks for a checkpoint",
  ],
  ["exit delay", `${await table.EXIT_DELAY()} blocks`, "after leaving the active set"],
  ["proof window", `${await table.PROOF_WINDOW()} blocks`, "root proofs count inside it"],
  ["slashing window", `${await table.SLASHING_WINDOW()} blocks`, "evidence after the proof window"],
  ["slash sink", await table.SLASH_SINK(), "receives slashed tokens (burn address)"],
  ["reveal window", `${await election.REVEAL_WINDOW()} blocks`, "last blocks before an epoch"],
  ["slot length", `${await lifecycle.SLOT_LENGTH()} blocks`, "L1 blocks per L2 slot"],
  ["proposal phase", `${await lifecycle.PROPOSAL_PHASE()} blocks`, "first blocks of a slot"],
  ["data timeout delta", `${await lifecycle.DATA_TIMEOUT()} blocks`, "before timeout votes count"],
  [
    "fault tolerance",
    `${Number(await lifecycle.FAULT_TOLERANCE_BPS()) / 1e4}`,
    "f = floor(m * this); certificates need f+1",
  ],
];
const electionParams = await election.paramsAt(await table.currentEpoch());
params.push(
  ["committee size n", `${electionParams.committeeSize}`, "members kept per epoch"],
  ["oversampling alpha", `${Number(electionParams.oversamplingBps) / 1e4}`, "eligibility factor"],
  ["trees c", `${electionParams.treeCount}`, "redundant proof trees per block"],
  ["leaves L", `${electionParams.leafCount}`, "proof chunks per tree"],
);
console.log("\nParameters");
console.table(params.map(([name, value, meaning]) => ({ name, value, meaning })));

for (const [i, prover] of provers.entries()) {
  const amount = minimumStake + BigInt(i) * 25n * unit;
  await (await token.mint(prover.address, amount)).wait();
  await (await token.connect(prover).approve(tableAddress, amount)).wait();
  const keys = registrationKeys(
    secretKeyFromSeed(`main-prover-${i}`),
    { chainId, verifyingContract: tableAddress },
    prover.address,
  );
  const tx = await table
    .connect(prover)
    .register(prover.address, prover.address, amount, keys.publicKey, keys.proofOfPossession);
  const receipt = await tx.wait();
  console.log(
    `registered prover ${i} ${prover.address} key ${publicKeyHash(keys.publicKey).slice(0, 18)}… ` +
      `stake ${fmt(amount)} (gas ${receipt?.gasUsed})`,
  );
}

// The sequencer registers with the provers so that its stake counts in the committee's epoch
// (activation lag); it never reveals, so it cannot be a member and may propose there.
const sequencerStake = minimumStake;
await (await token.mint(sequencer.address, sequencerStake)).wait();
await (await token.connect(sequencer).approve(tableAddress, sequencerStake)).wait();
const sequencerKeys = registrationKeys(
  secretKeyFromSeed("main-sequencer"),
  { chainId, verifyingContract: tableAddress },
  sequencer.address,
);
const sequencerKeyHash = publicKeyHash(sequencerKeys.publicKey);
const sequencerReceipt = await mined(
  table
    .connect(sequencer)
    .register(
      sequencer.address,
      sequencer.address,
      sequencerStake,
      sequencerKeys.publicKey,
      sequencerKeys.proofOfPossession,
    ),
);
console.log(
  `registered sequencer ${sequencer.address} key ${sequencerKeyHash.slice(0, 18)}… ` +
    `stake ${fmt(sequencerStake)} (gas ${sequencerReceipt.gasUsed}); it will not reveal`,
);

const epoch = await table.currentEpoch();
const effective = epoch + (await table.ACTIVATION_LAG());
const clock = {
  genesisBlock: await table.GENESIS_BLOCK(),
  epochLength: await table.EPOCH_LENGTH(),
};
console.log(`\nState at block ${await ethers.provider.getBlockNumber()} (epoch ${epoch})`);
console.table(
  await Promise.all(
    [...provers, sequencer].map(async (p, i) => {
      const info = await table.operatorInfo(p.address);
      return {
        role: i < PROVERS ? `prover ${i}` : "sequencer",
        operator: p.address,
        status: operatorStatus(info.status),
        balance: fmt(info.balance),
        [`stake@${epoch}`]: fmt(await table.stakeAt(p.address, epoch)),
        [`stake@${effective}`]: fmt(await table.stakeAt(p.address, effective)),
      };
    }),
  ),
);
console.log(`total stake at epoch ${epoch}: ${fmt(await table.totalStakeAt(epoch))}`);
console.log(
  `total stake at epoch ${effective} (from block ${epochStartBlock(clock, effective)}): ` +
    `${fmt(await table.totalStakeAt(effective))}`,
);
console.log(`RANDAO checkpoint of epoch 0: ${await table.randaoCheckpoint(0n)}`);
const lookahead = await table.LOOKAHEAD();
console.log(`seed of epoch ${lookahead}: ${await table.seedOf(lookahead)}`);
console.log(`table token balance: ${fmt(await token.balanceOf(tableAddress))}`);

// Advance to the epoch in which the registrations count, checkpoint RANDAO there, and show the
// snapshot an election of that epoch would read and the seed of the epoch after it.
const startOfEffective = epochStartBlock(clock, effective);
const head = BigInt(await ethers.provider.getBlockNumber());
await ethers.provider.send("hardhat_mine", [ethers.toQuantity(startOfEffective - head)]);
await (await table.checkpointRandao()).wait();
const now = await table.currentEpoch();
console.log(`\nAdvanced to block ${await ethers.provider.getBlockNumber()} (epoch ${now})`);
console.log(`active operators' stake at epoch ${now}: ${fmt(await table.totalStakeAt(now))}`);
console.log(`RANDAO checkpoint of epoch ${now}: ${await table.randaoCheckpoint(now)}`);
console.log(`seed of epoch ${now + 1n}: ${await table.seedOf(now + 1n)}`);

// One election: the epoch after `now`, whose reveal window is the end of epoch `now`.
const target = now + 1n;
const window = revealWindow(clock, await election.REVEAL_WINDOW(), target);
const here2 = BigInt(await ethers.provider.getBlockNumber());
if (window.opensAt > here2 + 1n) {
  await ethers.provider.send("hardhat_mine", [ethers.toQuantity(window.opensAt - here2 - 1n)]);
}
const seed = await table.seedOf(target);
const totalStake = await table.totalStakeAt(target);
const domain = { chainId, election: await election.getAddress() };
const message = vrfMessage(domain, target, seed);
const reveals = await Promise.all(
  provers.map(async (p, i) => {
    const sk = secretKeyFromSeed(`main-prover-${i}`);
    const proof = vrfProve(sk, message);
    const output = vrfOutput(proof);
    const score = vrfScore(
      output,
      await table.stakeAt(p.address, target),
      totalStake,
      Number(electionParams.committeeSize),
      Number(electionParams.oversamplingBps),
    );
    return {
      prover: p.address,
      publicKey: encodeG1(publicKeyOf(sk)),
      vrfProof: encodeG2(proof),
      rank: score === null ? null : rankOf(score, p.address),
    };
  }),
);
const eligible = reveals.filter((r) => r.rank !== null);
// Descending rank is the cheapest insertion order for the committee heap.
eligible.sort((a, b) => (a.rank! > b.rank! ? -1 : 1));
const revealTx = await election.revealBatch(
  target,
  eligible.map((r) => r.publicKey),
  eligible.map((r) => r.vrfProof),
);
const revealReceipt = await revealTx.wait();
console.log(
  `\nEpoch ${target}: ${eligible.length} of ${reveals.length} provers eligible; one batch reveal ` +
    `in block ${revealReceipt?.blockNumber} (gas ${revealReceipt?.gasUsed})`,
);
const startOfTarget = epochStartBlock(clock, target);
const here3 = BigInt(await ethers.provider.getBlockNumber());
await ethers.provider.send("hardhat_mine", [ethers.toQuantity(startOfTarget - here3)]);
await (await election.sealCommittee(target)).wait();
const members = [...(await election.committeeOf(target))];
const [commitment, size] = await election.committeeCommitment(target);
console.log(
  `committee of epoch ${target} (${size} members, commitment ${commitment.slice(0, 18)}…):`,
);
members.forEach((m, i) => console.log(`  #${i} ${m}`));
const trees = Number(await election.effectiveTreeCount(target));
const leaves = Number(electionParams.leafCount);
const l2Block = 1n;
const perBlock = assignment(members.length, blockSeed(seed, l2Block), trees, leaves);
const onChain = await election.blockAssignment(target, members, l2Block);
const agrees = perBlock.every((idx, i) => members[idx] === onChain[i]);
console.log(
  `L2 block ${l2Block}: ${trees} trees x ${2 * leaves - 1} nodes; TypeScript and on-chain ` +
    `assignment ${agrees ? "agree" : "DISAGREE"}`,
);
console.table(
  members.map((m, i) => ({
    member: m,
    nodes: perBlock.filter((x) => x === i).length,
    leaves: perBlock.filter((x, j) => x === i && j % (2 * leaves - 1) >= leaves - 1).length,
    roots: perBlock.filter((x, j) => x === i && j % (2 * leaves - 1) === 0).length,
  })),
);
if (!agrees) process.exitCode = 1;

// ---------------------------------------------------------------------------------------------
// Block lifecycle in epoch `target`: block A proposed, published and proven on every tree;
// block B built on A, its data withheld, timed out by an f+1 certificate.
// ---------------------------------------------------------------------------------------------

/** Prints a cross-check between the TypeScript mirror and the chain; a mismatch fails the job. */
function check(what: string, ok: boolean): string {
  if (!ok) {
    console.log(`  MISMATCH: ${what}`);
    process.exitCode = 1;
  }
  return ok ? "same" : "DIFFERENT";
}

const slotClock: SlotClock = await readSlotClock(lifecycle);
const lifecycleDomain = { chainId, lifecycle: lifecycleAddress };
const m = members.length;
const f = faultThreshold(m, await lifecycle.FAULT_TOLERANCE_BPS());
const signerOf = new Map(provers.map((p) => [p.address, p]));
const memberSigner = (i: number) => {
  const signer = signerOf.get(members[i]);
  if (signer === undefined) throw new Error(`member #${i} ${members[i]} is not a local prover`);
  return signer;
};
const chunkSigner = chunkSignerOf((address) => signerOf.get(address));
const showWindow = (w: Window) => `L1 blocks [${w.opensAt}, ${w.closesAt}]`;
const statusOf = async (slot: bigint) =>
  BlockStatus[Number((await lifecycle.getBlock(slot)).status)];
const chainLine = async () => {
  const [head, finalized, pending] = await lifecycle.chainState();
  return `head ${head}, finalized ${finalized}, pending ${pending}`;
};

/** The first slot whose proposal phase has not started yet, checked to be in epoch `target`. */
async function nextOpenSlot(): Promise<bigint> {
  const next = BigInt(await ethers.provider.getBlockNumber()) + 1n;
  const { genesisBlock, slotLength } = slotClock;
  const slot = (next - genesisBlock + slotLength - 1n) / slotLength;
  const slotEpoch = epochOfSlot(slotClock, slot);
  if (slotEpoch !== target) throw new Error(`slot ${slot} is in epoch ${slotEpoch}, not ${target}`);
  return slot;
}

/** The sequencer proposes `slot`'s block on the current head at the start of its phase. */
async function propose(name: string, slot: bigint, text: string): Promise<void> {
  await mineUntilNextBlockIs(slotStartBlock(slotClock, slot));
  const [head] = await lifecycle.chainState();
  const proposal = {
    parent: head,
    txCommitment: keccak256(toUtf8Bytes(text)),
    leafCount: (await election.paramsAt(target)).leafCount,
    feeSplitBps: 0n,
    publicKeyHash: sequencerKeyHash,
  };
  // [] as committee: the sequencer never revealed for the epoch, so it cannot be a member.
  const receipt = await mined(lifecycle.connect(sequencer).propose(slot, proposal, []));
  const stored = await lifecycle.getBlock(slot);
  const score = proposalScore(await table.seedOf(target), slot, sequencerKeyHash, 0n);
  console.log(
    `\nBlock ${name}: slot ${slot} (epoch ${target}, proposal phase ` +
      `${showWindow(proposalPhase(slotClock, slot))})`,
  );
  console.log(
    `  sequencer proposes in L1 block ${receipt.blockNumber} (gas ${receipt.gasUsed}): ` +
      `parent ${proposal.parent}, txCommitment ${proposal.txCommitment.slice(0, 18)}… ` +
      `("${text}"), leaves ${proposal.leafCount}, fee split ${proposal.feeSplitBps}`,
  );
  console.log(
    `  score ${stored.score} (TypeScript proposalScore vs on-chain: ` +
      `${check(`score of slot ${slot}`, stored.score === score)})`,
  );
}

// Block A.
console.log(
  `\nBlock lifecycle in epoch ${target}: committee of m = ${m}, f = ${f} ` +
    `(TS vs on-chain: ${check("f", BigInt(f) === (await lifecycle.faultThreshold(m)))}), ` +
    `slots of ${slotClock.slotLength} L1 blocks; chain ${await chainLine()}`,
);
const slotA = await nextOpenSlot();
await propose("A", slotA, `block A: transfers of slot ${slotA}`);
const windowA = proofWindow(slotClock, slotA);
const [opensA, closesA] = await lifecycle.proofWindow(slotA);
console.log(
  `  proof window ${showWindow(windowA)} (TS vs on-chain: ` +
    `${check("proof window of A", opensA === windowA.opensAt && closesA === windowA.closesAt)})`,
);
await mineUntilNextBlockIs(windowA.opensAt);
const publishReceipt = await mined(lifecycle.connect(sequencer).publishData(slotA));
console.log(
  `  data published in L1 block ${publishReceipt.blockNumber} (gas ${publishReceipt.gasUsed})`,
);

const contextA = await election.blockContext(target, slotA);
const blockA = await lifecycle.getBlock(slotA);
const shapeA: TreeShape = {
  m: Number(contextA.size),
  c: Number(contextA.treeCount),
  leafCount: Number(blockA.leafCount),
  seed: contextA.seed,
};
const commitmentA = blockCommitment(blockHeaderOf(slotA, blockA));
console.log(
  `  block commitment ${commitmentA.slice(0, 18)}… (TS vs on-chain: ` +
    `${check("commitment of A", commitmentA === (await lifecycle.blockCommitment(slotA)))}); ` +
    `${shapeA.c} trees x ${2 * shapeA.leafCount - 1} nodes`,
);
for (let tree = 0; tree < shapeA.c; tree++) {
  const submitter = memberSigner(tree % m);
  const record = participationRecord(shapeA, tree);
  // Every member the record credits signs its node's output; the stand-in proof carries them.
  const { inputs, proof } = await attestedRootProof(
    lifecycleDomain,
    blockHeaderOf(slotA, blockA),
    tree,
    record,
    submitter.address,
    {
      chunkDomain: chunkOutputDomain(chainId, lifecycleAddress),
      committee: members,
      sign: chunkSigner,
    },
  );
  const onChainInputs = await lifecycle.rootPublicInputs(slotA, tree, record, submitter.address);
  const receipt = await mined(
    lifecycle.connect(submitter).submitRootProof(slotA, tree, record, proof),
  );
  const finalizes = receipt.logs.some(
    (log) => lifecycle.interface.parseLog(log)?.name === "BlockFinalized",
  );
  const accepted = receipt.logs
    .map((log) => lifecycle.interface.parseLog(log))
    .find((parsed) => parsed?.name === "RootProofAccepted");
  const recordHash = accepted?.args.recordHash as string | undefined;
  console.log(
    `  tree ${tree}: root proof by member #${tree % m} in L1 block ${receipt.blockNumber} ` +
      `(gas ${receipt.gasUsed})${finalizes ? `, A is ${await statusOf(slotA)}` : ""}; ` +
      `TS vs on-chain: public inputs ${check(`inputs of tree ${tree}`, inputs === onChainInputs)}, record hash ` +
      `${check(`record of tree ${tree}`, recordHash === keccak256(record))}`,
  );
}
const record0 = participationRecord(shapeA, 0);
console.log("  tree 0 participation record (heap node:committee index credited):");
for (let width = 1, level = 0; width <= shapeA.leafCount; width <<= 1, level++) {
  const nodes = Array.from({ length: width }, (_, j) => `${width + j}:#${record0[width + j - 1]}`);
  console.log(`    level ${level}: ${nodes.join(" ")}`);
}
const credited = chunksCredited(record0);
console.table(
  members.map((member, i) => ({ member: `#${i} ${member}`, chunks: credited.get(i) ?? 0 })),
);
console.log(`  chain ${await chainLine()}`);

// Block B: built on A, the data never reaches the provers.
const slotB = await nextOpenSlot();
if (slotB > slotA + 1n) {
  console.log(`\n(slot ${slotA + 1n}'s proposal phase passed while A's trees were proven)`);
}
await propose("B", slotB, `block B: transfers of slot ${slotB}`);
console.log(`  data withheld: never published, so the provers cannot build B's trees`);
const timeoutB = timeoutWindow(slotClock, slotB, (await lifecycle.getBlock(slotB)).publishedAt);
const [opensT, closesT] = await lifecycle.timeoutWindow(slotB);
console.log(
  `  timeout window ${showWindow(timeoutB)} (TS vs on-chain: ` +
    `${check("timeout window of B", opensT === timeoutB.opensAt && closesT === timeoutB.closesAt)})`,
);
await mineUntilNextBlockIs(timeoutB.opensAt);
const contextB = await election.blockContext(target, slotB);
const leader = leaderIndex(contextB.seed, 0, m);
const onChainLeader = await lifecycle.leaderOf(slotB, 0, members);
const voters = [leader, ...members.keys()]
  .filter((i, k, all) => all.indexOf(i) === k)
  .slice(0, f + 1)
  .sort((a, b) => a - b);
const voteDomain = timeoutVoteDomain(chainId, lifecycleAddress);
const signatures = [];
for (const i of voters)
  signatures.push(await signTimeoutVote(memberSigner(i), voteDomain, slotB, 0));
const bitmap = signerBitmap(voters);
console.log(
  `  round-0 leader #${leader} ${members[leader]} (TS leaderIndex vs on-chain leaderOf: ` +
    `${check("round-0 leader of B", members[leader] === onChainLeader)}); ` +
    `f+1 = ${f + 1} timeout votes from ${voters.map((i) => `#${i}`).join(", ")} ` +
    `(bitmap 0b${bitmap.toString(2)})`,
);
const certificateReceipt = await mined(
  lifecycle
    .connect(memberSigner(leader))
    .postTimeoutCertificate(slotB, 0, members, bitmap, signatures),
);
const [headAfter] = await lifecycle.chainState();
const statusB = await statusOf(slotB);
console.log(
  `  leader posts the certificate in L1 block ${certificateReceipt.blockNumber} ` +
    `(gas ${certificateReceipt.gasUsed}): B is ${statusB}, head moved back to ` +
    `${headAfter === slotA ? "A" : "?"} (slot ${headAfter})`,
);
check("B timed out and the head is A again", statusB === "TimedOut" && headAfter === slotA);

console.log(
  `\nChain at L1 block ${await ethers.provider.getBlockNumber()}: ${await chainLine()} ` +
    `(A = slot ${slotA} ${await statusOf(slotA)}, B = slot ${slotB} ${await statusOf(slotB)})`,
);

// ---- Rewards: settle the epoch, check every balance against the TS model, claim ---------------
console.log("\nRewards (ProverRewards: per-epoch settlement, pull claims)");
const rewardsEpoch = await lifecycle.epochOfSlot(slotA);
const slotsPerEpoch = await rewards.SLOTS_PER_EPOCH();
for (let e = await rewards.nextEpoch(); e <= rewardsEpoch; e++) {
  const at = await rewards.settleableAt(e);
  if (BigInt(await ethers.provider.getBlockNumber()) + 1n < at) await mineUntilNextBlockIs(at);
  const call = await readEpochSettlement(lifecycle, election, e);
  const context = await lifecycle.epochContext(e);
  const model = settleEpochModel({
    params: {
      blockReward: await rewards.BLOCK_REWARD(),
      proverBps: await rewards.PROVER_BPS(),
      submitterBps: await rewards.SUBMITTER_BPS(),
      proverBurnBps: await rewards.PROVER_BURN_BPS(),
      burnUnprovenShare: await rewards.BURN_UNPROVEN_SHARE(),
      feeSplit: await rewards.FEE_SPLIT(),
      inactivityThreshold: await rewards.INACTIVITY_THRESHOLD(),
    },
    epochSeed: context.seed,
    committee: call.committee,
    treeCount: Number(context.treeCount),
    firstSlot: e * slotsPerEpoch,
    slotsPerEpoch,
    roots: call.roots as RootEntry[],
    pool: await rewards.pool(),
    fees: new Map(),
    inactivity: new Map(),
  });
  const receipt = await mined(rewards.settleEpoch(e, call.committee, call.roots));
  if (call.roots.length === 0) continue;
  console.log(
    `  epoch ${e} settled in L1 block ${receipt.blockNumber} (gas ${receipt.gasUsed}): ` +
      `${model.blocksPaid} block(s), ${model.rootsCredited} root(s); pool now ` +
      `${fmt(await rewards.pool())} (TS: ${check("pool after settlement", (await rewards.pool()) === model.poolAfter)})`,
  );
  for (const [account, credits] of model.credits) {
    const onChain = await rewards.claimable(account);
    const same =
      onChain.proving === credits.proving &&
      onChain.sequencing === credits.sequencing &&
      onChain.submitting === credits.submitting;
    console.log(
      `    ${account}: proving ${fmt(onChain.proving)}, sequencing ${fmt(onChain.sequencing)}, ` +
        `submitting ${fmt(onChain.submitting)} (TS: ${check(`balances of ${account}`, same)})`,
    );
  }
}
const claimer = memberSigner(0);
const owed = await rewards.claimable(claimer.address);
const before = await token.balanceOf(claimer.address);
const claimReceipt = await mined(rewards.claim(claimer.address));
const paid = (await token.balanceOf(claimer.address)) - before;
console.log(
  `  member #0 claims in L1 block ${claimReceipt.blockNumber} (gas ${claimReceipt.gasUsed}): ` +
    `${fmt(paid)} to its withdrawer (${check("claim pays the balance", paid === owed.proving + owed.sequencing + owed.submitting)})`,
);
