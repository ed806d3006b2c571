/**
 * The project's main job (foundation and election layers): deploy the stake table, its test token
 * and the committee election with Ignition to the selected network (the in-process one by
 * default), register a few provers through the TypeScript protocol library, print the parameters
 * and the resulting state, then run one election: every prover computes its VRF, an aggregator
 * reveals them in one batch, the committee is sealed after the window, and the striped assignment
 * of one block is printed.
 *
 *   npm start                                  # in-process network
 *   npx hardhat run --network localhost scripts/main.ts
 *
 * Later issues turn this into the whole-network simulation.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

import { network } from "hardhat";

import { LocalProverNetworkModule } from "../deploy/ProverNetwork.js";
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
import { operatorStatus, publicKeyHash, registrationKeys } from "../src/protocol/stake.js";
import {
  CommitteeElection__factory,
  StakeTable__factory,
  TestStakeToken__factory,
} from "../typechain-types/index.js";

const PROVERS = 4;
const here = path.dirname(fileURLToPath(import.meta.url));
const parametersFile = path.join(here, "..", "deploy", "parameters", "local.json");

const { ethers, ignition } = await network.create();
const [deployer, ...others] = await ethers.getSigners();
const provers = others.slice(0, PROVERS);
const chainId = (await ethers.provider.getNetwork()).chainId;

const deployed = await ignition.deploy(LocalProverNetworkModule, {
  parameters: parametersFile,
  displayUi: false,
});
const table = StakeTable__factory.connect(await deployed.stakeTable.getAddress(), deployer);
const token = TestStakeToken__factory.connect(await deployed.token.getAddress(), deployer);
const tableAddress = await table.getAddress();
const election = CommitteeElection__factory.connect(await deployed.election.getAddress(), deployer);

const decimals = await token.decimals();
const symbol = await token.symbol();
const unit = 10n ** decimals;
const fmt = (amount: bigint) => `${ethers.formatUnits(amount, decimals)} ${symbol}`;

console.log(`Deployed on chain ${chainId}`);
console.log(`  TestStakeToken ${await token.getAddress()}`);
console.log(`  StakeTable     ${tableAddress}`);
console.log(`  Election       ${await election.getAddress()}`);

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

const epoch = await table.currentEpoch();
const effective = epoch + (await table.ACTIVATION_LAG());
const clock = {
  genesisBlock: await table.GENESIS_BLOCK(),
  epochLength: await table.EPOCH_LENGTH(),
};
console.log(`\nState at block ${await ethers.provider.getBlockNumber()} (epoch ${epoch})`);
console.table(
  await Promise.all(
    provers.map(async (p) => {
      const info = await table.operatorInfo(p.address);
      return {
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
console.log(`active provers' stake at epoch ${now}: ${fmt(await table.totalStakeAt(now))}`);
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
