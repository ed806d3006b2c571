/**
 * Shared fixture for stake-table tests: a token, a stake table with small test parameters, funded
 * operators, and registration through the TypeScript protocol library.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { secretKeyFromSeed } from "../../src/protocol/bls.js";
import { registrationKeys, type RegistrationKeys } from "../../src/protocol/stake.js";
import type { StakeTable, TestStakeToken } from "../../typechain-types/index.js";

export const BURN_SINK = "0x000000000000000000000000000000000000dEaD";
export const UNIT = 10n ** 18n;

/** Small parameters so that tests cross epochs quickly. */
export const TEST_PARAMS = {
  minimumStake: 100n * UNIT,
  epochLength: 10n,
  activationLag: 3n,
  lookahead: 2n,
  seedLookback: 4n,
  exitDelay: 30n,
  proofWindow: 20n,
  slashingWindow: 10n,
};
export type TestParams = typeof TEST_PARAMS;

export interface StakeFixture {
  token: TestStakeToken;
  table: StakeTable;
  admin: HardhatEthersSigner;
  slasher: HardhatEthersSigner;
  signers: HardhatEthersSigner[];
  chainId: bigint;
  params: TestParams;
}

/**
 * Deploys a token and a stake table. With `fund`, twelve signers get tokens and approve the table
 * (24 blocks, so the table is already a few epochs old); without it the table is one block old.
 */
export async function deployStakeTable(
  ethers: HardhatEthers,
  overrides: Partial<TestParams> = {},
  fund = true,
): Promise<StakeFixture> {
  const params = { ...TEST_PARAMS, ...overrides };
  const [admin, slasher, ...signers] = await ethers.getSigners();
  const token = await ethers.deployContract("TestStakeToken", [
    "Prover Stake",
    "PST",
    admin.address,
  ]);
  const table = await ethers.deployContract("StakeTable", [
    {
      stakeToken: await token.getAddress(),
      slashSink: BURN_SINK,
      admin: admin.address,
      slasher: slasher.address,
      ...params,
    },
  ]);
  for (const s of fund ? signers.slice(0, 12) : []) {
    await token.connect(admin).mint(s.address, 10_000n * UNIT);
    await token.connect(s).approve(await table.getAddress(), ethers.MaxUint256);
  }
  const chainId = (await ethers.provider.getNetwork()).chainId;
  return { token, table, admin, slasher, signers, chainId, params };
}

/** Deterministic BLS key + PoP for `operator` on `table`, from a seed label. */
export async function keysFor(
  fx: StakeFixture,
  operator: string,
  seed: string,
  chainId: bigint = fx.chainId,
  verifyingContract?: string,
): Promise<RegistrationKeys> {
  return registrationKeys(
    secretKeyFromSeed(seed),
    { chainId, verifyingContract: verifyingContract ?? (await fx.table.getAddress()) },
    operator,
  );
}

/** Registers `signer` as its own operator with `withdrawer` (default: itself). */
export async function register(
  fx: StakeFixture,
  signer: HardhatEthersSigner,
  amount: bigint,
  seed = `key-${signer.address}`,
  withdrawer = signer.address,
) {
  const keys = await keysFor(fx, signer.address, seed);
  return fx.table
    .connect(signer)
    .register(signer.address, withdrawer, amount, keys.publicKey, keys.proofOfPossession);
}

/** The block number the next transaction will be mined in (automine: one tx per block). */
export async function nextBlockNumber(ethers: HardhatEthers): Promise<bigint> {
  return BigInt(await ethers.provider.getBlockNumber()) + 1n;
}

/** Mines until the next transaction lands exactly in block `target`. */
export async function mineUntilNextBlockIs(
  ethers: HardhatEthers,
  mine: (blocks: number) => Promise<void>,
  target: bigint,
): Promise<void> {
  const next = await nextBlockNumber(ethers);
  if (target < next) throw new Error(`block ${target} is already mined`);
  if (target > next) await mine(Number(target - next));
}

/** Mines until the next transaction lands in the first block of `epoch`. */
export async function mineToEpochStart(
  fx: StakeFixture,
  ethers: HardhatEthers,
  mine: (blocks: number) => Promise<void>,
  epoch: bigint,
): Promise<void> {
  await mineUntilNextBlockIs(ethers, mine, await fx.table.epochStartBlock(epoch));
}
