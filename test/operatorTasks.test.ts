/**
 * The operator tasks' logic (src/operator/) on the in-process network, against the whole system
 * deployed from deploy/parameters/local.json: every refusal is a named `OperatorError` raised
 * before anything is sent (nothing changes), and every success does what the contracts say. The
 * end-to-end test (e2e.test.ts) runs the same tasks through Hardhat's task system on a node.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import hre, { network } from "hardhat";

import { deploySystem } from "../src/deploy/system.js";
import { connectDeployment, type OperatorContracts } from "../src/operator/deployment.js";
import { OperatorError } from "../src/operator/errors.js";
import { exitOperator } from "../src/operator/exit.js";
import { keyHashOf, parseSecretKey, readKeyFile, writeKeyFile } from "../src/operator/keys.js";
import { registerOperator } from "../src/operator/register.js";
import { revealForNextEpoch } from "../src/operator/reveal.js";
import { formatStatus, readOperatorStatus } from "../src/operator/status.js";
import { SUBGROUP_ORDER, secretKeyFromSeed } from "../src/protocol/bls.js";
import { operatorTasks } from "../tasks/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const connection = await network.create();
const { ethers, networkHelpers } = connection;
const quiet = () => {};

async function refused(code: string, action: () => Promise<unknown>): Promise<OperatorError> {
  try {
    await action();
  } catch (error) {
    expect(error).to.be.instanceOf(OperatorError);
    const e = error as OperatorError;
    expect(e.code, e.message).to.equal(code);
    return e;
  }
  throw new Error(`expected a refusal with ${code}`);
}

describe("operator tasks (src/operator) on the local deployment", function () {
  let c: OperatorContracts;
  let owner: HardhatEthersSigner;
  let alice: HardhatEthersSigner;
  let bob: HardhatEthersSigner;
  let minimum: bigint;
  const aliceKey = secretKeyFromSeed("operator-tasks-alice");
  const bobKey = secretKeyFromSeed("operator-tasks-bob");

  /** Mines to `block` (the next block is `block + 1`), checkpointing RANDAO in every epoch. */
  async function mineTo(block: bigint) {
    const genesis = await c.table.GENESIS_BLOCK();
    const length = await c.table.EPOCH_LENGTH();
    for (;;) {
      const now = BigInt(await ethers.provider.getBlockNumber());
      if (now >= block) return;
      // The last block of the current epoch, or `block` if it comes first.
      const epochEnd = genesis + ((now - genesis) / length + 1n) * length - 1n;
      const target = epochEnd < block ? epochEnd : block;
      if (target > now) await networkHelpers.mine(target - now);
      if (target === block) return;
      // Checkpoint the next epoch's RANDAO in its first block, unless something already did.
      try {
        await c.table.checkpointRandao.staticCall();
        await (await c.table.checkpointRandao()).wait();
      } catch {
        await networkHelpers.mine(1);
      }
    }
  }

  /** Everything a refusal must leave untouched. */
  async function snapshot(accounts: string[]) {
    return Promise.all(
      accounts.map(async (a) => [
        await ethers.provider.getTransactionCount(a),
        await c.token.balanceOf(a),
        (await c.table.operatorInfo(a)).status,
      ]),
    );
  }

  before(async function () {
    [owner, alice, bob] = await ethers.getSigners();
    const deployed = await deploySystem(
      connection,
      path.join(root, "deploy/parameters/local.json"),
    );
    c = await connectDeployment(deployed.addresses.rewards, owner);
    minimum = await c.table.MINIMUM_STAKE();
    await (await c.token.mint(alice.address, 2n * minimum)).wait();
    await (await c.token.mint(bob.address, minimum)).wait();
  });

  describe("register", function () {
    it("refuses a stake below the minimum, above the balance, or a bad withdrawer; nothing changes", async function () {
      const before = await snapshot([alice.address]);
      const e = await refused("StakeBelowMinimum", () =>
        registerOperator(c, alice, aliceKey, { amount: minimum - 1n }, quiet),
      );
      expect(e.message).to.include("below the minimum");
      await refused("InsufficientBalance", () =>
        registerOperator(c, alice, aliceKey, { amount: 2n * minimum + 1n }, quiet),
      );
      await refused("InvalidAddress", () =>
        registerOperator(c, alice, aliceKey, { withdrawer: "0x1234" }, quiet),
      );
      await refused("InvalidAddress", () =>
        registerOperator(c, alice, aliceKey, { withdrawer: ethers.ZeroAddress }, quiet),
      );
      expect(await snapshot([alice.address])).to.deep.equal(before);
    });

    it("a dry run sends nothing; then registers at the minimum with the proof of possession", async function () {
      const before = await snapshot([alice.address]);
      const dry = await registerOperator(c, alice, aliceKey, { dryRun: true }, quiet);
      expect(dry.transactions).to.deep.equal([]);
      expect(await snapshot([alice.address])).to.deep.equal(before);

      const result = await registerOperator(c, alice, aliceKey, {}, quiet);
      expect(result.amount).to.equal(minimum);
      expect(result.transactions.length).to.equal(2); // approve, register
      const info = await c.table.operatorInfo(alice.address);
      expect(info.status).to.equal(1n);
      expect(info.balance).to.equal(minimum);
      expect(await c.table.operatorOfKey(keyHashOf(aliceKey))).to.equal(alice.address);
      expect(result.effectiveEpoch).to.equal(
        (await c.table.currentEpoch()) + (await c.table.ACTIVATION_LAG()),
      );
    });

    it("refuses a second registration and a key registered to another operator", async function () {
      await refused("OperatorAlreadyRegistered", () =>
        registerOperator(c, alice, bobKey, {}, quiet),
      );
      const before = await snapshot([bob.address]);
      await refused("PublicKeyAlreadyRegistered", () =>
        registerOperator(c, bob, aliceKey, {}, quiet),
      );
      expect(await snapshot([bob.address])).to.deep.equal(before);
    });
  });

  describe("key files", function () {
    it("are written 0600, never overwritten, and checked against their public key hash", async function () {
      const dir = await mkdtemp(path.join(tmpdir(), "keys-"));
      try {
        const file = path.join(dir, "sub", "key.json");
        const written = await writeKeyFile(file, bobKey);
        expect(written.publicKeyHash).to.equal(keyHashOf(bobKey));
        expect((await stat(file)).mode & 0o777).to.equal(0o600);
        expect(await readKeyFile(file)).to.deep.equal(bobKey);
        await refused("KeyFileExists", () => writeKeyFile(file, aliceKey));
        const content = JSON.parse(await readFile(file, "utf8")) as Record<string, string>;
        await writeFile(file, JSON.stringify({ ...content, publicKeyHash: keyHashOf(aliceKey) }));
        await refused("InvalidBlsKey", () => readKeyFile(file));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("accept only scalars in [1, r)", function () {
      const hex = (v: bigint) => `0x${v.toString(16).padStart(64, "0")}`;
      expect(() => parseSecretKey(hex(0n), "k")).to.throw(OperatorError, /\[1, r\)/);
      expect(() => parseSecretKey(hex(SUBGROUP_ORDER), "k")).to.throw(OperatorError);
      expect(() => parseSecretKey("0x1234", "k")).to.throw(OperatorError, /32-byte/);
      expect(parseSecretKey(hex(1n), "k")[31]).to.equal(1);
      expect(parseSecretKey(hex(SUBGROUP_ORDER - 1n), "k").length).to.equal(32);
    });
  });

  describe("reveal", function () {
    it("refuses an unregistered key, outside the window, and before the stake counts", async function () {
      await refused("UnknownKey", () => revealForNextEpoch(c, alice, bobKey, {}, quiet));
      const next = (await c.table.currentEpoch()) + 1n;
      const [opensAt] = await c.election.revealWindow(next);
      await mineTo(opensAt - 2n); // the next block is opensAt - 1: one too early
      const e = await refused("OutsideRevealWindow", () =>
        revealForNextEpoch(c, alice, aliceKey, {}, quiet),
      );
      expect(e.message).to.include("1 blocks to wait");
      await mineTo(opensAt - 1n); // the next block opens the window
      await refused("NotStakedInEpoch", () => revealForNextEpoch(c, alice, aliceKey, {}, quiet));
    });

    it("reveals in the window once the stake counts, then refuses a duplicate", async function () {
      const info = await c.table.operatorInfo(alice.address);
      expect(info.status).to.equal(1n);
      const registered = await c.table.queryFilter(
        c.table.filters.OperatorRegistered(alice.address),
      );
      const epoch = registered[0].args.effectiveEpoch;
      const [opensAt, closesAt] = await c.election.revealWindow(epoch);
      await mineTo(opensAt - 1n);
      const dry = await revealForNextEpoch(c, alice, aliceKey, { dryRun: true }, quiet);
      expect(dry.transaction).to.equal(undefined);
      expect(await c.election.hasRevealed(keyHashOf(aliceKey), epoch)).to.equal(false);
      const result = await revealForNextEpoch(c, alice, aliceKey, {}, quiet);
      expect(result.epoch).to.equal(epoch);
      expect(await c.election.hasRevealed(keyHashOf(aliceKey), epoch)).to.equal(true);
      const revealed = await c.election.queryFilter(c.election.filters.Revealed(epoch));
      expect(revealed.map((r) => [r.args.operator, r.args.rank])).to.deep.equal([
        [alice.address, result.rank],
      ]);
      await refused("DuplicateReveal", () => revealForNextEpoch(c, alice, aliceKey, {}, quiet));
      // The last block of the window still counts for a reveal; the one after does not.
      await mineTo(closesAt);
      await refused("OutsideRevealWindow", () =>
        revealForNextEpoch(c, alice, aliceKey, { epoch }, quiet),
      );
    });
  });

  describe("status", function () {
    it("reports stake, the next election, committees, claimable rewards and slashes", async function () {
      await networkHelpers.mine(1); // into the epoch alice revealed for
      await (await c.election.sealCommittee(await c.table.currentEpoch())).wait();
      const report = await readOperatorStatus(c, alice.address);
      expect(report.status).to.equal("Active");
      expect(report.publicKeyHash).to.equal(keyHashOf(aliceKey));
      expect(report.stakeNow).to.equal(minimum);
      expect(report.currentMember).to.equal(true);
      expect(report.committees.map((x) => [x.epoch, x.index, x.chunks])).to.deep.equal([
        [report.currentEpoch, 0, 0],
      ]);
      expect(report.claimable).to.deep.equal({ proving: 0n, sequencing: 0n, submitting: 0n });
      expect(report.slashes).to.deep.equal([]);
      const text = formatStatus(report);
      expect(text).to.include(`Operator ${alice.address}: Active`);
      expect(text).to.include("committee now    member");
      // An inactivity-style slash by the admin (who holds SLASHER_ROLE at deployment) shows up.
      const reason = ethers.id("INACTIVITY");
      await (await c.table.connect(owner).slash(alice.address, 1n, reason)).wait();
      const after = await readOperatorStatus(c, alice.address);
      expect(after.slashes.map((s) => [s.amount, s.reason])).to.deep.equal([[1n, "INACTIVITY"]]);
      // Below the minimum stake, the slash ejected her: the report shows the exit.
      expect(after.status).to.equal("Exiting");
      expect(formatStatus(after)).to.match(/exit\s+out from epoch \d+; withdrawable at block \d+/);
      const stranger = await readOperatorStatus(c, bob.address);
      expect(stranger.status).to.equal("None");
      expect(stranger.publicKeyHash).to.equal(undefined);
    });
  });

  describe("exit", function () {
    it("refuses a non-withdrawer and a finalize before the exit starts or before the delay", async function () {
      await refused("OperatorNotActive", () => exitOperator(c, bob, {}, quiet));
      await registerOperator(c, bob, bobKey, {}, quiet);
      await refused("CallerNotWithdrawer", () =>
        exitOperator(c, alice, { operator: bob.address }, quiet),
      );
      await refused("OperatorNotExiting", () => exitOperator(c, bob, { finalize: true }, quiet));
      const started = await exitOperator(c, bob, {}, quiet);
      expect(started.action).to.equal("initiate");
      const info = await c.table.operatorInfo(bob.address);
      expect(info.status).to.equal(2n);
      expect(started.withdrawableAt).to.equal(info.withdrawableAt);
      await refused("OperatorNotActive", () => exitOperator(c, bob, {}, quiet));
      await mineTo(info.withdrawableAt - 2n); // the next block is one too early
      await refused("ExitNotReady", () => exitOperator(c, bob, { finalize: true }, quiet));
      await mineTo(info.withdrawableAt - 1n);
      const before = await c.token.balanceOf(alice.address);
      const done = await exitOperator(c, bob, { finalize: true, recipient: alice.address }, quiet);
      expect(done.paid).to.equal(info.balance);
      expect(await c.token.balanceOf(alice.address)).to.equal(before + info.balance);
      expect((await c.table.operatorInfo(bob.address)).status).to.equal(3n);
    });
  });

  describe("task definitions", function () {
    it("every operator task documents its options, and `hardhat --help` lists them", function () {
      const expected: Record<string, string[]> = {
        register: ["rewards", "signer", "keyFile", "generate", "stake", "withdrawer", "dryRun"],
        status: ["rewards", "signer", "operator", "fromBlock"],
        reveal: ["rewards", "signer", "keyFile", "epoch", "dryRun"],
        exit: ["rewards", "signer", "operator", "recipient", "finalize", "dryRun"],
        claim: ["rewards", "signer", "account", "recipient", "fromBlock", "settle", "dryRun"],
      };
      expect(operatorTasks.map((t) => t.id[0])).to.deep.equal(Object.keys(expected));
      for (const [name, options] of Object.entries(expected)) {
        const task = hre.tasks.getTask(name);
        expect(task.description.length, name).to.be.greaterThan(20);
        expect([...task.options.keys()].sort(), name).to.deep.equal([...options].sort());
        for (const option of task.options.values()) {
          expect(option.description.length, `${name} --${option.name}`).to.be.greaterThan(10);
        }
      }
      const require = createRequire(import.meta.url);
      const cli = path.join(
        path.dirname(require.resolve("hardhat/package.json")),
        "dist/src/cli.js",
      );
      const help = spawnSync(process.execPath, [cli, "--help"], {
        cwd: root,
        encoding: "utf8",
      });
      expect(help.status, help.stderr).to.equal(0);
      for (const name of Object.keys(expected))
        expect(help.stdout).to.match(new RegExp(`\\n\\s+${name}\\s`));
    });
  });
});
