import { expect } from "chai";
import { network } from "hardhat";

import {
  BURN_SINK,
  UNIT,
  deployStakeTable,
  keysFor,
  mineToEpochStart,
  mineUntilNextBlockIs,
  nextBlockNumber,
  register,
} from "./helpers/stakeTable.js";
import type { StakeFixture } from "./helpers/stakeTable.js";
import {
  OPERATOR_STATUS,
  type OperatorStatus,
  proofOfPossessionMessage,
  publicKeyHash,
} from "../src/protocol/stake.js";

const { ethers, networkHelpers } = await network.create();
const mine = (n: number) => networkHelpers.mine(n);

/** On-chain `Status` values by name, from the one TypeScript mirror of the enum. */
const Status = Object.fromEntries(OPERATOR_STATUS.map((name, i) => [name, BigInt(i)])) as Record<
  OperatorStatus,
  bigint
>;

async function fixture(): Promise<StakeFixture> {
  return deployStakeTable(ethers);
}

async function nextTxEpoch(fx: StakeFixture): Promise<bigint> {
  return fx.table.epochAt(await nextBlockNumber(ethers));
}

describe("StakeTable", function () {
  describe("constructor", function () {
    async function deploy(over: Record<string, unknown>) {
      const fx = await networkHelpers.loadFixture(fixture);
      const config = {
        stakeToken: await fx.token.getAddress(),
        slashSink: BURN_SINK,
        admin: fx.admin.address,
        slasher: ethers.ZeroAddress,
        ...fx.params,
        ...over,
      };
      const factory = await ethers.getContractFactory("StakeTable");
      return { fx, factory, tx: factory.deploy(config) };
    }

    it("accepts exit delay = proof window + slashing window, rejects one block less", async function () {
      const { factory, tx } = await deploy({ exitDelay: 30n });
      await expect(tx).to.not.be.revert(ethers);
      const short = await deploy({ exitDelay: 29n });
      await expect(short.tx)
        .to.be.revertedWithCustomError(factory, "ExitDelayTooShort")
        .withArgs(29n, 30n);
    });

    it("requires lookahead >= 2", async function () {
      const { factory, tx } = await deploy({ lookahead: 1n, activationLag: 2n });
      await expect(tx).to.be.revertedWithCustomError(factory, "LookaheadTooShort").withArgs(1n);
      await expect((await deploy({ lookahead: 2n, activationLag: 3n })).tx).to.not.be.revert(
        ethers,
      );
    });

    it("requires the activation lag to exceed the lookahead", async function () {
      const { factory, tx } = await deploy({ lookahead: 3n, activationLag: 3n });
      await expect(tx)
        .to.be.revertedWithCustomError(factory, "ActivationLagTooShort")
        .withArgs(3n, 3n);
      await expect((await deploy({ lookahead: 3n, activationLag: 4n })).tx).to.not.be.revert(
        ethers,
      );
    });

    it("rejects zero epoch length, lookback, minimum stake and addresses", async function () {
      const { factory } = await deploy({});
      await expect((await deploy({ epochLength: 0n })).tx).to.be.revertedWithCustomError(
        factory,
        "EpochLengthZero",
      );
      await expect((await deploy({ seedLookback: 0n })).tx).to.be.revertedWithCustomError(
        factory,
        "SeedLookbackZero",
      );
      await expect((await deploy({ minimumStake: 0n })).tx).to.be.revertedWithCustomError(
        factory,
        "MinimumStakeZero",
      );
      for (const key of ["stakeToken", "slashSink", "admin"]) {
        await expect(
          (await deploy({ [key]: ethers.ZeroAddress })).tx,
        ).to.be.revertedWithCustomError(factory, "ZeroAddress");
      }
    });

    it("exposes its parameters", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      expect(await fx.table.STAKE_TOKEN()).to.equal(await fx.token.getAddress());
      expect(await fx.table.MINIMUM_STAKE()).to.equal(fx.params.minimumStake);
      expect(await fx.table.EPOCH_LENGTH()).to.equal(fx.params.epochLength);
      expect(await fx.table.ACTIVATION_LAG()).to.equal(fx.params.activationLag);
      expect(await fx.table.LOOKAHEAD()).to.equal(fx.params.lookahead);
      expect(await fx.table.SEED_LOOKBACK()).to.equal(fx.params.seedLookback);
      expect(await fx.table.EXIT_DELAY()).to.equal(fx.params.exitDelay);
      expect(await fx.table.PROOF_WINDOW()).to.equal(fx.params.proofWindow);
      expect(await fx.table.SLASHING_WINDOW()).to.equal(fx.params.slashingWindow);
      expect(await fx.table.SLASH_SINK()).to.equal(BURN_SINK);
      expect(
        await fx.table.hasRole(await fx.table.DEFAULT_ADMIN_ROLE(), fx.admin.address),
      ).to.equal(true);
      expect(await fx.table.hasRole(await fx.table.SLASHER_ROLE(), fx.slasher.address)).to.equal(
        true,
      );
      expect(await fx.table.hasRole(await fx.table.SLASHER_ROLE(), fx.admin.address)).to.equal(
        false,
      );
    });

    it("grants no slasher role when the initial slasher is zero; the admin can grant it later", async function () {
      const { fx, factory } = await deploy({});
      const table = await factory.deploy({
        stakeToken: await fx.token.getAddress(),
        slashSink: BURN_SINK,
        admin: fx.admin.address,
        slasher: ethers.ZeroAddress,
        ...fx.params,
      });
      const role = await table.SLASHER_ROLE();
      expect(await table.hasRole(role, ethers.ZeroAddress)).to.equal(false);
      await expect(
        table.connect(fx.slasher).grantRole(role, fx.slasher.address),
      ).to.be.revertedWithCustomError(table, "AccessControlUnauthorizedAccount");
      await table.connect(fx.admin).grantRole(role, fx.slasher.address);
      expect(await table.hasRole(role, fx.slasher.address)).to.equal(true);
    });
  });

  describe("register", function () {
    it("stakes, records the key and counts the stake from the activation epoch", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [op, wd] = fx.signers;
      const keys = await keysFor(fx, op.address, "alice");
      const epoch = await nextTxEpoch(fx);
      const effective = epoch + fx.params.activationLag;
      const keyHash = await fx.table.publicKeyHash(keys.publicKey);
      // The TypeScript encodings are the contract's, byte for byte.
      expect(keyHash).to.equal(publicKeyHash(keys.publicKey));
      expect(await fx.table.proofOfPossessionMessage(op.address, keys.publicKey)).to.equal(
        proofOfPossessionMessage(
          { chainId: fx.chainId, verifyingContract: await fx.table.getAddress() },
          op.address,
          keys.publicKey,
        ),
      );
      const amount = 150n * UNIT;
      const tx = fx.table
        .connect(op)
        .register(op.address, wd.address, amount, keys.publicKey, keys.proofOfPossession);
      await expect(tx)
        .to.emit(fx.table, "OperatorRegistered")
        .withArgs(
          op.address,
          wd.address,
          keyHash,
          Object.values(keys.publicKey),
          amount,
          effective,
        );
      await expect(tx).to.changeTokenBalances(ethers, fx.token, [op, fx.table], [-amount, amount]);
      expect(await fx.table.operatorOfKey(keyHash)).to.equal(op.address);
      const info = await fx.table.operatorInfo(op.address);
      expect(info.status).to.equal(Status.Active);
      expect(info.withdrawer).to.equal(wd.address);
      expect(info.balance).to.equal(amount);
      expect(await fx.table.stakeAt(op.address, effective - 1n)).to.equal(0n);
      expect(await fx.table.stakeAt(op.address, effective)).to.equal(amount);
      expect(await fx.table.totalStakeAt(effective - 1n)).to.equal(0n);
      expect(await fx.table.totalStakeAt(effective)).to.equal(amount);
    });

    it("applies the activation lag at epoch boundaries: last block of e vs first block of e+1", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [a, b] = fx.signers;
      const lag = fx.params.activationLag;
      const e = await nextTxEpoch(fx);
      // The next transaction lands in the last block of epoch e+1, the one after in epoch e+2.
      await mineToEpochStart(fx, ethers, mine, e + 1n);
      await mine(Number(fx.params.epochLength) - 1);
      expect(await nextTxEpoch(fx)).to.equal(e + 1n);
      await register(fx, a, 100n * UNIT);
      expect(await nextTxEpoch(fx)).to.equal(e + 2n);
      await register(fx, b, 100n * UNIT);
      expect(await fx.table.stakeAt(a.address, e + 1n + lag - 1n)).to.equal(0n);
      expect(await fx.table.stakeAt(a.address, e + 1n + lag)).to.equal(100n * UNIT);
      expect(await fx.table.stakeAt(b.address, e + 2n + lag - 1n)).to.equal(0n);
      expect(await fx.table.stakeAt(b.address, e + 2n + lag)).to.equal(100n * UNIT);
      expect(await fx.table.totalStakeAt(e + 1n + lag)).to.equal(100n * UNIT);
      expect(await fx.table.totalStakeAt(e + 2n + lag)).to.equal(200n * UNIT);
    });

    it("enforces the minimum stake at min-1 and accepts min", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [a] = fx.signers;
      const min = fx.params.minimumStake;
      await expect(register(fx, a, min - 1n))
        .to.be.revertedWithCustomError(fx.table, "StakeBelowMinimum")
        .withArgs(min - 1n, min);
      await expect(register(fx, a, min)).to.emit(fx.table, "OperatorRegistered");
    });

    it("rejects a balance that does not fit the stake head (2^160), and nothing moves", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [a] = fx.signers;
      const huge = 2n ** 160n;
      await fx.token.connect(fx.admin).mint(a.address, huge);
      await expect(register(fx, a, huge))
        .to.be.revertedWithCustomError(fx.table, "SafeCastOverflowedUintDowncast")
        .withArgs(160, huge);
      expect(await fx.token.balanceOf(await fx.table.getAddress())).to.equal(0n);
      await expect(register(fx, a, huge - 1n)).to.emit(fx.table, "OperatorRegistered");
      await expect(fx.table.connect(a).topUp(a.address, 1n))
        .to.be.revertedWithCustomError(fx.table, "SafeCastOverflowedUintDowncast")
        .withArgs(160, huge);
    });

    it("only the operator itself may register, with a nonzero withdrawer", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [a, b] = fx.signers;
      const keys = await keysFor(fx, a.address, "k");
      await expect(
        fx.table
          .connect(b)
          .register(a.address, a.address, 100n * UNIT, keys.publicKey, keys.proofOfPossession),
      )
        .to.be.revertedWithCustomError(fx.table, "CallerNotOperator")
        .withArgs(b.address, a.address);
      await expect(
        fx.table
          .connect(a)
          .register(
            a.address,
            ethers.ZeroAddress,
            100n * UNIT,
            keys.publicKey,
            keys.proofOfPossession,
          ),
      ).to.be.revertedWithCustomError(fx.table, "ZeroAddress");
    });

    it("rejects a second registration of the operator and a key registered by anyone", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [a, b] = fx.signers;
      await register(fx, a, 100n * UNIT, "shared");
      await expect(register(fx, a, 100n * UNIT, "other"))
        .to.be.revertedWithCustomError(fx.table, "OperatorAlreadyRegistered")
        .withArgs(a.address);
      const keys = await keysFor(fx, b.address, "shared");
      await expect(register(fx, b, 100n * UNIT, "shared"))
        .to.be.revertedWithCustomError(fx.table, "PublicKeyAlreadyRegistered")
        .withArgs(await fx.table.publicKeyHash(keys.publicKey));
    });

    it("rejects a proof of possession replayed for another operator, chain or deployment", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [a, b] = fx.signers;
      const forA = await keysFor(fx, a.address, "replay");
      const tableB = fx.table.connect(b);
      await expect(
        tableB.register(b.address, b.address, 100n * UNIT, forA.publicKey, forA.proofOfPossession),
      )
        .to.be.revertedWithCustomError(fx.table, "InvalidProofOfPossession")
        .withArgs(b.address);

      const otherChain = await keysFor(fx, b.address, "replay", fx.chainId + 1n);
      await expect(
        tableB.register(
          b.address,
          b.address,
          100n * UNIT,
          otherChain.publicKey,
          otherChain.proofOfPossession,
        ),
      ).to.be.revertedWithCustomError(fx.table, "InvalidProofOfPossession");

      const other = await deployStakeTable(ethers);
      const otherDeployment = await keysFor(
        fx,
        b.address,
        "replay",
        fx.chainId,
        await other.table.getAddress(),
      );
      await expect(
        tableB.register(
          b.address,
          b.address,
          100n * UNIT,
          otherDeployment.publicKey,
          otherDeployment.proofOfPossession,
        ),
      ).to.be.revertedWithCustomError(fx.table, "InvalidProofOfPossession");

      // The PoP of one key does not prove possession of another key.
      const other2 = await keysFor(fx, b.address, "someone-else");
      await expect(
        tableB.register(
          b.address,
          b.address,
          100n * UNIT,
          forA.publicKey,
          other2.proofOfPossession,
        ),
      ).to.be.revertedWithCustomError(fx.table, "InvalidProofOfPossession");

      // Nothing changed: the genuine registration still goes through.
      const good = await keysFor(fx, b.address, "replay");
      await expect(
        tableB.register(b.address, b.address, 100n * UNIT, good.publicKey, good.proofOfPossession),
      ).to.emit(fx.table, "OperatorRegistered");
    });

    it("rejects the point at infinity and off-curve keys with the BLS errors", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [a] = fx.signers;
      const keys = await keysFor(fx, a.address, "x");
      const zero = ethers.ZeroHash;
      const infinity = { x_a: zero, x_b: zero, y_a: zero, y_b: zero };
      await expect(
        fx.table
          .connect(a)
          .register(a.address, a.address, 100n * UNIT, infinity, keys.proofOfPossession),
      ).to.be.revertedWithCustomError(fx.table, "BLSPointAtInfinity");
      const offCurve = {
        ...keys.publicKey,
        y_b: ethers.toBeHex(BigInt(keys.publicKey.y_b) ^ 1n, 32),
      };
      await expect(
        fx.table
          .connect(a)
          .register(a.address, a.address, 100n * UNIT, offCurve, keys.proofOfPossession),
      ).to.be.revertedWithCustomError(fx.table, "BLSPointNotOnCurve");
      // (0, 2) satisfies y^2 = x^3 + 4 but lies outside the prime-order subgroup.
      const offSubgroup = { x_a: zero, x_b: zero, y_a: zero, y_b: ethers.toBeHex(2n, 32) };
      await expect(
        fx.table
          .connect(a)
          .register(a.address, a.address, 100n * UNIT, offSubgroup, keys.proofOfPossession),
      ).to.be.revertedWithCustomError(fx.table, "BLSPointNotInSubgroup");
      const nonCanonical = { ...keys.publicKey, x_a: ethers.toBeHex(2n ** 128n, 32) };
      await expect(
        fx.table
          .connect(a)
          .register(a.address, a.address, 100n * UNIT, nonCanonical, keys.proofOfPossession),
      ).to.be.revertedWithCustomError(fx.table, "BLSInvalidFieldElement");
      expect((await fx.table.operatorInfo(a.address)).status).to.equal(Status.None);
    });
  });

  describe("topUp", function () {
    it("lets the operator and the withdrawer add stake from the next lagged epoch on", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [op, wd] = fx.signers;
      await register(fx, op, 100n * UNIT, "k", wd.address);
      const e0 = await fx.table.currentEpoch();
      await mine(Number(fx.params.epochLength));
      const e1 = await nextTxEpoch(fx);
      await expect(fx.table.connect(op).topUp(op.address, 5n * UNIT))
        .to.emit(fx.table, "StakeIncreased")
        .withArgs(op.address, 5n * UNIT, 105n * UNIT, e1 + fx.params.activationLag);
      await expect(fx.table.connect(wd).topUp(op.address, 7n * UNIT)).to.changeTokenBalances(
        ethers,
        fx.token,
        [wd, fx.table],
        [-7n * UNIT, 7n * UNIT],
      );
      const lag = fx.params.activationLag;
      expect(await fx.table.stakeAt(op.address, e0 + lag)).to.equal(100n * UNIT);
      expect(await fx.table.stakeAt(op.address, e1 + lag - 1n)).to.equal(100n * UNIT);
      expect(await fx.table.stakeAt(op.address, e1 + lag)).to.equal(112n * UNIT);
      expect(await fx.table.totalStakeAt(e1 + lag)).to.equal(112n * UNIT);
    });

    it("rejects strangers, zero amounts and operators that are not active", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [op, stranger] = fx.signers;
      await expect(fx.table.connect(op).topUp(op.address, 1n))
        .to.be.revertedWithCustomError(fx.table, "OperatorNotActive")
        .withArgs(op.address);
      await register(fx, op, 100n * UNIT);
      await expect(fx.table.connect(stranger).topUp(op.address, 1n))
        .to.be.revertedWithCustomError(fx.table, "CallerNotOperatorOrWithdrawer")
        .withArgs(stranger.address, op.address);
      await expect(fx.table.connect(op).topUp(op.address, 0n)).to.be.revertedWithCustomError(
        fx.table,
        "ZeroAmount",
      );
      await fx.table.connect(op).initiateExit(op.address);
      await expect(fx.table.connect(op).topUp(op.address, 1n)).to.be.revertedWithCustomError(
        fx.table,
        "OperatorNotActive",
      );
    });
  });

  describe("exit", function () {
    async function exiting() {
      const fx = await networkHelpers.loadFixture(fixture);
      const [op, wd, other] = fx.signers;
      await register(fx, op, 200n * UNIT, "k", wd.address);
      await register(fx, other, 300n * UNIT);
      await mine(Number(fx.params.epochLength) * 4);
      const epoch = await nextTxEpoch(fx);
      const exitEpoch = epoch + fx.params.activationLag;
      const withdrawableAt = (await fx.table.epochStartBlock(exitEpoch)) + fx.params.exitDelay;
      await expect(fx.table.connect(wd).initiateExit(op.address))
        .to.emit(fx.table, "ExitInitiated")
        .withArgs(op.address, 200n * UNIT, exitEpoch, withdrawableAt, false);
      return { fx, op, wd, other, exitEpoch, withdrawableAt };
    }

    it("leaves the active set at the lagged boundary and keeps earlier snapshots", async function () {
      const { fx, op, other, exitEpoch, withdrawableAt } = await exiting();
      expect(await fx.table.stakeAt(op.address, exitEpoch - 1n)).to.equal(200n * UNIT);
      expect(await fx.table.stakeAt(op.address, exitEpoch)).to.equal(0n);
      expect(await fx.table.totalStakeAt(exitEpoch - 1n)).to.equal(500n * UNIT);
      expect(await fx.table.totalStakeAt(exitEpoch)).to.equal(300n * UNIT);
      expect(await fx.table.stakeAt(other.address, exitEpoch)).to.equal(300n * UNIT);
      const info = await fx.table.operatorInfo(op.address);
      expect(info.status).to.equal(Status.Exiting);
      expect(info.balance).to.equal(200n * UNIT);
      expect(info.exitEpoch).to.equal(exitEpoch);
      expect(info.withdrawableAt).to.equal(withdrawableAt);
    });

    it("only the withdrawer initiates, once", async function () {
      const { fx, op, wd } = await exiting();
      await expect(fx.table.connect(op).initiateExit(op.address))
        .to.be.revertedWithCustomError(fx.table, "CallerNotWithdrawer")
        .withArgs(op.address, op.address);
      await expect(fx.table.connect(wd).initiateExit(op.address))
        .to.be.revertedWithCustomError(fx.table, "OperatorNotActive")
        .withArgs(op.address);
    });

    it("finalizes at exactly the exit delay: delay-1 reverts, delay and delay+1 pay", async function () {
      const { fx, op, wd, withdrawableAt } = await exiting();
      const [, , , recipient] = fx.signers;
      await mineUntilNextBlockIs(ethers, mine, withdrawableAt - 1n);
      await expect(fx.table.connect(wd).finalizeExit(op.address, recipient.address))
        .to.be.revertedWithCustomError(fx.table, "ExitNotReady")
        .withArgs(op.address, withdrawableAt, withdrawableAt - 1n);
      // A reverted call mines no block; step to exactly the delay.
      await mineUntilNextBlockIs(ethers, mine, withdrawableAt);
      const snapshot = await networkHelpers.takeSnapshot();
      await expect(fx.table.connect(wd).finalizeExit(op.address, recipient.address))
        .to.emit(fx.table, "ExitFinalized")
        .withArgs(op.address, recipient.address, 200n * UNIT);
      expect(await ethers.provider.getBlockNumber()).to.equal(Number(withdrawableAt));
      expect(await fx.token.balanceOf(recipient.address)).to.equal(10_000n * UNIT + 200n * UNIT);
      await snapshot.restore();
      await mine(1);
      await expect(
        fx.table.connect(wd).finalizeExit(op.address, wd.address),
      ).to.changeTokenBalances(ethers, fx.token, [wd, fx.table], [200n * UNIT, -200n * UNIT]);
      expect(await ethers.provider.getBlockNumber()).to.equal(Number(withdrawableAt) + 1);
      expect((await fx.table.operatorInfo(op.address)).status).to.equal(Status.Exited);
      await expect(fx.table.connect(wd).finalizeExit(op.address, wd.address))
        .to.be.revertedWithCustomError(fx.table, "OperatorNotExiting")
        .withArgs(op.address);
    });

    it("checks caller and recipient on finalize, and never lets the operator or key return", async function () {
      const { fx, op, wd, withdrawableAt } = await exiting();
      await mine(Number(withdrawableAt));
      await expect(
        fx.table.connect(op).finalizeExit(op.address, op.address),
      ).to.be.revertedWithCustomError(fx.table, "CallerNotWithdrawer");
      await expect(
        fx.table.connect(wd).finalizeExit(op.address, ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(fx.table, "ZeroAddress");
      await fx.table.connect(wd).finalizeExit(op.address, wd.address);
      await expect(register(fx, op, 100n * UNIT, "fresh")).to.be.revertedWithCustomError(
        fx.table,
        "OperatorAlreadyRegistered",
      );
      const [, , , d] = fx.signers;
      await expect(register(fx, d, 100n * UNIT, "k")).to.be.revertedWithCustomError(
        fx.table,
        "PublicKeyAlreadyRegistered",
      );
    });

    it("keeps the exiting stake slashable until finalized", async function () {
      const { fx, op, wd, withdrawableAt } = await exiting();
      await expect(fx.table.connect(fx.slasher).slash(op.address, 50n * UNIT, ethers.id("late")))
        .to.emit(fx.table, "Slashed")
        .withArgs(op.address, 50n * UNIT, 150n * UNIT, ethers.id("late"));
      await mine(Number(withdrawableAt));
      await expect(fx.table.connect(wd).finalizeExit(op.address, wd.address))
        .to.emit(fx.table, "ExitFinalized")
        .withArgs(op.address, wd.address, 150n * UNIT);
      await expect(fx.table.connect(fx.slasher).slash(op.address, 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(fx.table, "NothingToSlash")
        .withArgs(op.address);
    });
  });

  describe("slash", function () {
    it("is restricted to the slasher role", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [op] = fx.signers;
      await register(fx, op, 200n * UNIT);
      await expect(fx.table.connect(op).slash(op.address, 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(fx.table, "AccessControlUnauthorizedAccount")
        .withArgs(op.address, await fx.table.SLASHER_ROLE());
      await expect(
        fx.table.connect(fx.slasher).slash(op.address, 0n, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(fx.table, "ZeroAmount");
      await expect(fx.table.connect(fx.slasher).slash(fx.signers[5].address, 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(fx.table, "NothingToSlash")
        .withArgs(fx.signers[5].address);
    });

    it("sends slashed tokens to the sink and lowers stake from the lagged epoch", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [op] = fx.signers;
      await register(fx, op, 200n * UNIT);
      const epoch = await nextTxEpoch(fx);
      const tx = fx.table
        .connect(fx.slasher)
        .slash(op.address, 60n * UNIT, ethers.id("invalid-chunk"));
      await expect(tx).to.changeTokenBalances(
        ethers,
        fx.token,
        [fx.table, BURN_SINK],
        [-60n * UNIT, 60n * UNIT],
      );
      const effective = epoch + fx.params.activationLag;
      expect(await fx.table.stakeAt(op.address, effective)).to.equal(140n * UNIT);
      expect(await fx.table.totalStakeAt(effective)).to.equal(140n * UNIT);
      expect((await fx.table.operatorInfo(op.address)).status).to.equal(Status.Active);
    });

    it("ejects an operator left below the minimum, at min-1; keeps it at exactly min", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [a, b] = fx.signers;
      await register(fx, a, 200n * UNIT);
      await register(fx, b, 200n * UNIT);
      await fx.table.connect(fx.slasher).slash(a.address, 100n * UNIT, ethers.ZeroHash);
      expect((await fx.table.operatorInfo(a.address)).status).to.equal(Status.Active);
      const epoch = await nextTxEpoch(fx);
      const exitEpoch = epoch + fx.params.activationLag;
      const withdrawableAt = (await fx.table.epochStartBlock(exitEpoch)) + fx.params.exitDelay;
      await expect(fx.table.connect(fx.slasher).slash(b.address, 100n * UNIT + 1n, ethers.ZeroHash))
        .to.emit(fx.table, "ExitInitiated")
        .withArgs(b.address, 100n * UNIT - 1n, exitEpoch, withdrawableAt, true);
      const info = await fx.table.operatorInfo(b.address);
      expect(info.status).to.equal(Status.Exiting);
      expect(info.balance).to.equal(100n * UNIT - 1n);
      expect(await fx.table.stakeAt(b.address, exitEpoch)).to.equal(0n);
      expect(await fx.table.totalStakeAt(exitEpoch)).to.equal(100n * UNIT);
    });

    it("slashes at most the balance", async function () {
      const fx = await networkHelpers.loadFixture(fixture);
      const [a] = fx.signers;
      await register(fx, a, 200n * UNIT);
      await expect(
        fx.table.connect(fx.slasher).slash(a.address, ethers.MaxUint256, ethers.ZeroHash),
      )
        .to.emit(fx.table, "Slashed")
        .withArgs(a.address, 200n * UNIT, 0n, ethers.ZeroHash);
      expect(await fx.token.balanceOf(await fx.table.getAddress())).to.equal(0n);
      expect((await fx.table.operatorInfo(a.address)).status).to.equal(Status.Exiting);
    });
  });
});
