/**
 * Gas of slashing for attributable invalid work (`contracts/slashing/InvalidWorkSlasher.sol`),
 * each key the gasUsed of a real transaction receipt, on the local parameters of
 * `deploy/parameters/local.json` (stake table, election and block lifecycle).
 *
 * Setup. A test token, the local stake table, a CommitteeElection, the stand-in verifier, a
 * BlockLifecycle and an InvalidWorkSlasher (slash amount {@link SLASH_AMOUNT}, reporter share
 * {@link REPORTER_BPS}) holding SLASHER_ROLE. Three operators, each an EOA (an ethers `Wallet`
 * with the private key `keccak256("slashing-gas-op-" + i)`) that registered itself through the
 * real `StakeTable.register` with its own BLS key (`secretKeyFromSeed` of the same label), stake
 * {@link STAKE}. The evidence is about the current slot, node 1 (the root) of a block of 16
 * leaves whose outputs `chunkOutputsOfBlock` computes; operators sign with their operator key.
 *
 * Scenario (conservative: every measured slash pays for the storage it creates):
 * - operator 2 is slashed once first (not measured), so the slash sink already holds tokens, as
 *   it does on a live network after the first slash;
 * - `slash.invalidChunk` (first block of the next epoch): a reporter that holds no tokens reports
 *   operator 0's wrong root output. The slash is operator 0's first, the first change to the
 *   total stake for its effective epoch, the first offence key, and the reward creates the
 *   reporter's token balance; the operator stays above the minimum (no ejection).
 * - `slash.invalidChunk.equivocation` (first block of the epoch after): another such reporter
 *   reports operator 1's two different signed outputs for the root (the honest one and a wrong
 *   one), with the same firsts.
 *
 * Deterministic: fixed keys and a fixed transaction sequence.
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { keccak256, toUtf8Bytes, Wallet } from "ethers";

import { secretKeyFromSeed } from "../../src/protocol/bls.js";
import {
  chunkOutputDomain,
  chunkOutputsOfBlock,
  honestChunkOutput,
  signChunkOutput,
  type ChunkOutput,
} from "../../src/protocol/chunks.js";
import { registrationKeys } from "../../src/protocol/stake.js";
import type { InvalidWorkSlasher } from "../../typechain-types/index.js";
import { deployTestStakeTable, deployTestToken, gasOf, receiptOf } from "./common.js";
import {
  LOCAL_ELECTION_PARAMS,
  LOCAL_LIFECYCLE_PARAMS,
  LOCAL_REVEAL_WINDOW,
  LOCAL_SLASHER_PARAMS,
  LOCAL_STAKE_PARAMS,
} from "./parameters.js";

const UNIT = 10n ** 18n;
const STAKE = 1_000n * UNIT;
/** Tokens taken per offence (deploy/parameters/local.json). */
export const SLASH_AMOUNT = LOCAL_SLASHER_PARAMS.slashAmount;
/** The reporter's share, in basis points (deploy/parameters/local.json). */
export const REPORTER_BPS = LOCAL_SLASHER_PARAMS.reporterBps;
const LEAVES = 16;
const ETH = 10n ** 20n;

export async function measureSlashing(
  ethers: HardhatEthers,
  networkHelpers: NetworkHelpers,
): Promise<Record<string, number>> {
  const [admin, warmupReporter, reporter, equivocationReporter] = await ethers.getSigners();
  const chainId = (await ethers.provider.getNetwork()).chainId;

  const token = await deployTestToken(ethers, admin.address);
  const table = await deployTestStakeTable(ethers, token, admin.address, admin.address);
  const tableAddress = await table.getAddress();
  const election = await ethers.deployContract("CommitteeElection", [
    {
      stakeTable: tableAddress,
      revealWindow: LOCAL_REVEAL_WINDOW,
      initialParams: LOCAL_ELECTION_PARAMS,
      admin: admin.address,
      governor: admin.address,
    },
  ]);
  const verifier = await ethers.deployContract("StandInProofVerifier");
  const lifecycle = await ethers.deployContract("BlockLifecycle", [
    {
      ...LOCAL_LIFECYCLE_PARAMS,
      election: await election.getAddress(),
      verifier: await verifier.getAddress(),
    },
  ]);
  const slasher: InvalidWorkSlasher = await ethers.deployContract("InvalidWorkSlasher", [
    {
      lifecycle: await lifecycle.getAddress(),
      slashAmount: SLASH_AMOUNT,
      reporterBps: REPORTER_BPS,
    },
  ]);
  const slasherAddress = await slasher.getAddress();
  await receiptOf("grant", table.grantRole(await table.SLASHER_ROLE(), slasherAddress));

  const operators = [0, 1, 2].map((i) => {
    const label = `slashing-gas-op-${i}`;
    return { label, wallet: new Wallet(keccak256(toUtf8Bytes(label)), ethers.provider) };
  });
  for (const { label, wallet } of operators) {
    await networkHelpers.setBalance(wallet.address, ETH);
    await receiptOf("mint", token.mint(wallet.address, STAKE));
    await receiptOf("approve", token.connect(wallet).approve(tableAddress, STAKE));
    const keys = registrationKeys(
      secretKeyFromSeed(label),
      { chainId, verifyingContract: tableAddress },
      wallet.address,
    );
    await receiptOf(
      "register",
      table
        .connect(wallet)
        .register(wallet.address, wallet.address, STAKE, keys.publicKey, keys.proofOfPossession),
    );
  }

  const domain = chunkOutputDomain(chainId, await lifecycle.getAddress());
  const slot = await lifecycle.currentSlot();
  const leafInputs = Array.from({ length: LEAVES }, (_, i) =>
    keccak256(toUtf8Bytes(`slashing-gas slot ${slot} chunk ${i}`)),
  );
  const honest = honestChunkOutput(
    slot,
    1,
    chunkOutputsOfBlock(slot, LEAVES, leafInputs),
    leafInputs,
  );
  const wrong: ChunkOutput = { ...honest, output: keccak256(toUtf8Bytes("slashing-gas wrong")) };
  const nextEpoch = async () => {
    const block = BigInt(await ethers.provider.getBlockNumber());
    const start = await table.epochStartBlock((await table.epochAt(block)) + 1n);
    await networkHelpers.mine(Number(start - block - 1n));
  };

  await receiptOf(
    "warm-up slash",
    slasher
      .connect(warmupReporter)
      .reportWrongOutput(wrong, await signChunkOutput(operators[2].wallet, domain, wrong)),
  );

  const gas: Record<string, number> = {};
  for (const r of [reporter, equivocationReporter]) {
    if ((await token.balanceOf(r.address)) !== 0n) throw new Error("reporter holds tokens");
  }
  await nextEpoch();
  gas["slash.invalidChunk"] = await gasOf(
    slasher
      .connect(reporter)
      .reportWrongOutput(wrong, await signChunkOutput(operators[0].wallet, domain, wrong)),
  );
  await nextEpoch();
  const op1 = operators[1].wallet;
  gas["slash.invalidChunk.equivocation"] = await gasOf(
    slasher
      .connect(equivocationReporter)
      .reportEquivocation(
        honest,
        await signChunkOutput(op1, domain, honest),
        wrong,
        await signChunkOutput(op1, domain, wrong),
      ),
  );
  for (const [i, { wallet }] of operators.entries()) {
    const balance = (await table.operatorInfo(wallet.address)).balance;
    if (balance !== STAKE - SLASH_AMOUNT) throw new Error(`operator ${i} was not slashed`);
  }
  return gas;
}
