/**
 * The claim script (issue 5 §6): `src/operator/claim.ts` and the `claim` task's action
 * (`tasks/claim.ts`) on the in-process network, against the rewards fixture with one finalized
 * block paid per source: dry runs send nothing and report the per-source amounts, claims pay the
 * withdrawer (of an operator whose withdrawer is another address) or the account itself (not an
 * operator), a recipient needs the withdrawer's signature and is otherwise refused before
 * sending, nothing to claim is a clear refusal, `--settle` settles a ready epoch and then claims,
 * and `--rewards` defaults to Ignition's deployment. The task also runs once through the CLI.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { network } from "hardhat";

import { OperatorError } from "../src/operator/errors.js";
import { ClaimError, claimPlan, runClaim, type ClaimOptions } from "../src/operator/claim.js";
import { participationRecord } from "../src/protocol/lifecycle.js";
import { claimOnConnection, deployedRewardsAddress } from "../tasks/claim.js";
import {
  firstOpenSlot,
  proposeBlock,
  publishData,
  rootProof,
  treeShape,
} from "./helpers/lifecycle.js";
import {
  deployRewards,
  expectRewardsConserved,
  rewardAccounts,
  settle,
  settleEmptyEpochsBefore,
  type RewardsFixture,
} from "./helpers/rewards.js";
import { UNIT, register } from "./helpers/stakeTable.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const mine = (n: number) => networkHelpers.mine(n);

interface ClaimFixture extends RewardsFixture {
  /** An operator registered with another withdrawer; it submitted block 1's finalizing proof. */
  operator: HardhatEthersSigner;
  withdrawer: HardhatEthersSigner;
  /** Not an operator; it submitted block 2's finalizing proof. */
  outsider: HardhatEthersSigner;
  /** The sequencer of both blocks. */
  sequencer: HardhatEthersSigner;
  /** Tree 0's records of both blocks (the members' proving balances). */
  records: Uint8Array[];
  rewardsAddress: string;
}

/** Proposes and publishes `slot`, then `submitter` submits tree 0's root (finalizing it). */
async function finalizeBlock(fx: RewardsFixture, submitter: HardhatEthersSigner) {
  const slot = await firstOpenSlot(fx, ethers);
  expect(await fx.lifecycle.epochOfSlot(slot)).to.equal(fx.epoch);
  await proposeBlock(fx, ethers, slot, fx.sequencers[0]);
  await publishData(fx, ethers, slot);
  const record = participationRecord(await treeShape(fx, slot), 0);
  const { proof } = await rootProof(fx, slot, 0, submitter.address, record);
  await fx.lifecycle.connect(submitter).submitRootProof(slot, 0, record, proof);
  return record;
}

/** Two finalized blocks of the committee's epoch, not settled yet. */
async function provenFixture(): Promise<ClaimFixture> {
  const fx = await deployRewards(ethers, mine);
  await settleEmptyEpochsBefore(fx, ethers);
  const [operator, withdrawer, , outsider] = fx.signers.slice(8);
  await register(fx, operator, 100n * UNIT, "claim-operator", withdrawer.address);
  const records = [await finalizeBlock(fx, operator), await finalizeBlock(fx, outsider)];
  return {
    ...fx,
    operator,
    withdrawer,
    outsider,
    sequencer: fx.sequencers[0].signer,
    records,
    rewardsAddress: await fx.rewards.getAddress(),
  };
}

/** The same, settled: 1000 PST per block, 200 to the sequencer, 100 to the submitter. */
async function settledFixture(): Promise<ClaimFixture> {
  const fx = await provenFixture();
  await settle(fx, ethers);
  return fx;
}

/** Runs the module as `signer` with the output collected. */
async function claimAs(
  fx: ClaimFixture,
  signer: HardhatEthersSigner,
  options: ClaimOptions,
  lines: string[] = [],
) {
  const run = await runClaim(fx.rewards.connect(signer), signer.address, options, (t) =>
    lines.push(t),
  );
  return { run, output: lines.join("\n") };
}

/** Runs the task's action on this test's connection (signer: the first account, the admin). */
async function task(fx: ClaimFixture, args: Parameters<typeof claimOnConnection>[1]) {
  const lines: string[] = [];
  const run = await claimOnConnection(
    connection,
    { rewards: fx.rewardsAddress, ...args },
    { log: (t) => lines.push(t) },
  );
  return { run, output: lines.join("\n") };
}

/** Expects `action` to be refused with `code`, and returns the error and what was printed. */
async function refused(
  code: ClaimError["code"],
  action: (log: (t: string) => void, lines: string[]) => Promise<unknown>,
) {
  const lines: string[] = [];
  try {
    await action((t) => lines.push(t), lines);
  } catch (error) {
    expect(error).to.be.instanceOf(OperatorError);
    const claimError = error as ClaimError;
    expect(claimError.code, claimError.message).to.equal(code);
    return { error: claimError, output: lines.join("\n") };
  }
  expect.fail(`expected a ${code} refusal`);
}

/** What must not change when nothing is sent. */
async function chainState(fx: ClaimFixture, accounts: string[]) {
  const state: bigint[] = [BigInt(await ethers.provider.getBlockNumber())];
  for (const a of accounts) {
    const c = await fx.rewards.claimable(a);
    state.push(c.proving, c.sequencing, c.submitting, await fx.token.balanceOf(a));
    state.push(BigInt(await ethers.provider.getTransactionCount(a)));
  }
  return state;
}

const PST = (whole: bigint) => whole * UNIT;

describe("claim script: src/operator/claim.ts and the claim task", function () {
  describe("after settlement", function () {
    let fx: ClaimFixture;

    beforeEach(async function () {
      fx = await networkHelpers.loadFixture(settledFixture);
    });

    it("a dry run prints the right amounts per source and the payee, estimates gas, sends nothing", async function () {
      const watched = [fx.admin.address, fx.sequencer.address, fx.operator.address];
      const before = await chainState(fx, watched);

      const seq = await task(fx, { account: fx.sequencer.address, dryRun: true });
      expect(seq.run.plan.claimable).to.deep.equal({
        proving: 0n,
        sequencing: PST(400n),
        submitting: 0n,
        total: PST(400n),
      });
      expect(seq.run.plan).to.include({
        payee: fx.sequencer.address,
        method: "claim",
        isOperator: true,
        unsettledEpochs: 1n, // the current epoch, in progress
      });
      expect(seq.run.result).to.equal(undefined);
      expect(seq.run.gasEstimate > 20_000n).to.equal(true);
      expect(seq.output).to.match(/proving\s+0\.0 PST/);
      expect(seq.output).to.match(/sequencing\s+400\.0 PST/);
      expect(seq.output).to.match(/submitting\s+0\.0 PST/);
      expect(seq.output).to.match(/total\s+400\.0 PST/);
      expect(seq.output).to.include(`Payee: ${fx.sequencer.address} (the withdrawer)`);
      expect(seq.output).to.include("Nothing was sent");
      expect(seq.output).to.include(`Pending: epoch ${fx.epoch + 1n} is not settled yet`);

      // The operator's only balance is the finalizing submission; it goes to its withdrawer.
      const op = await task(fx, { account: fx.operator.address, dryRun: true });
      expect(op.run.plan.claimable.submitting).to.equal(PST(100n));
      expect(op.run.plan.claimable.total).to.equal(PST(100n));
      expect(op.run.plan).to.include({ payee: fx.withdrawer.address, method: "claim" });
      expect(op.output).to.include(`withdrawer ${fx.withdrawer.address}`);

      // A member's proving balance: 50 PST per node of tree 0's records (7 nodes, 350 PST each).
      const member = fx.members[0];
      const nodes = BigInt(fx.records.flatMap((r) => [...r]).filter((m) => m === 0).length);
      const mem = await claimAs(fx, member.signer, { dryRun: true });
      expect(mem.run.plan.account).to.equal(member.address);
      expect(mem.run.plan.claimable.proving).to.equal(nodes * PST(50n));
      expect(mem.output).to.match(new RegExp(`proving\\s+${nodes * 50n}\\.0 PST`));

      expect(await chainState(fx, watched)).to.deep.equal(before);
    });

    it("a claim sent by anyone pays the operator's withdrawer and prints hash, gas and balance change", async function () {
      const paidBefore = await fx.token.balanceOf(fx.withdrawer.address);
      const operatorBefore = await fx.token.balanceOf(fx.operator.address);
      const { run, output } = await task(fx, { account: fx.operator.address });
      const result = run.result!;
      expect(result.receipt.status).to.equal(1);
      expect(result.paid).to.deep.equal({
        proving: 0n,
        sequencing: 0n,
        submitting: PST(100n),
        total: PST(100n),
      });
      expect(result.payee).to.equal(fx.withdrawer.address);
      expect(await fx.token.balanceOf(fx.withdrawer.address)).to.equal(paidBefore + PST(100n));
      expect(await fx.token.balanceOf(fx.operator.address)).to.equal(operatorBefore);
      expect(result.payeeBalanceAfter - result.payeeBalanceBefore).to.equal(PST(100n));
      expect((await fx.rewards.claimable(fx.operator.address)).submitting).to.equal(0n);
      await expect(result.hash)
        .to.emit(fx.rewards, "Claimed")
        .withArgs(fx.operator.address, fx.withdrawer.address, 0n, 0n, PST(100n));
      expect(output).to.include(`tx ${result.hash}`);
      expect(output).to.include(`gas used ${result.gasUsed}`);
      expect(output).to.include(`(+100.0 PST)`);
      await expectRewardsConserved(fx, [
        ...rewardAccounts(fx),
        fx.operator.address,
        fx.outsider.address,
      ]);
    });

    it("with a recipient, the withdrawer's claimTo pays the recipient", async function () {
      const recipient = ethers.Wallet.createRandom().address;
      const { run, output } = await claimAs(fx, fx.withdrawer, {
        account: fx.operator.address,
        recipient,
      });
      expect(run.plan).to.include({ method: "claimTo", payee: recipient });
      expect(await fx.token.balanceOf(recipient)).to.equal(PST(100n));
      expect(run.result!.payeeBalanceBefore).to.equal(0n);
      expect(output).to.include(`Payee: ${recipient} (the named recipient)`);
      expect(output).to.include(`claimTo(${fx.operator.address}, ${recipient})`);
    });

    it("a recipient named by anyone but the withdrawer is refused before sending, with the reason", async function () {
      const recipient = ethers.Wallet.createRandom().address;
      const watched = [fx.admin.address, fx.operator.address, recipient];
      const before = await chainState(fx, watched);
      // The task's signer (the admin), and the operator itself: neither is the withdrawer.
      const byAdmin = await refused("NotWithdrawer", (log) =>
        claimOnConnection(
          connection,
          { rewards: fx.rewardsAddress, account: fx.operator.address, recipient },
          { log },
        ),
      );
      expect(byAdmin.error.message).to.include(`withdrawer of operator ${fx.operator.address}`);
      expect(byAdmin.error.message).to.include(fx.withdrawer.address);
      expect(byAdmin.error.plan!.claimable.total).to.equal(PST(100n));
      expect(byAdmin.output).to.match(/submitting\s+100\.0 PST/); // the plan is still printed
      await refused("NotWithdrawer", () =>
        claimAs(fx, fx.operator, { account: fx.operator.address, recipient }),
      );
      expect(await chainState(fx, watched)).to.deep.equal(before);
      // Naming the address claim() pays anyway needs no permission: it is a plain claim.
      const plan = await claimPlan(
        fx.rewards,
        fx.operator.address,
        fx.admin.address,
        fx.withdrawer.address,
      );
      expect(plan).to.include({ method: "claim", payee: fx.withdrawer.address });
    });

    it("an account that is not an operator is paid itself; only it may name a recipient", async function () {
      const plan = await claimPlan(fx.rewards, fx.outsider.address, fx.admin.address);
      expect(plan).to.include({ isOperator: false, payee: fx.outsider.address, method: "claim" });
      expect(plan.claimable.submitting).to.equal(PST(100n));
      const recipient = ethers.Wallet.createRandom().address;
      const byAdmin = await refused("NotWithdrawer", () =>
        claimPlan(fx.rewards, fx.outsider.address, fx.admin.address, recipient),
      );
      expect(byAdmin.error.message).to.include("it is not an operator");
      await claimAs(fx, fx.outsider, { recipient });
      expect(await fx.token.balanceOf(recipient)).to.equal(PST(100n));
    });

    it("nothing to claim is refused with a clear message and no transaction", async function () {
      const nobody = ethers.Wallet.createRandom().address;
      const watched = [fx.admin.address, nobody];
      const before = await chainState(fx, watched);
      const { error, output } = await refused("NothingToClaim", (log) =>
        claimOnConnection(connection, { rewards: fx.rewardsAddress, account: nobody }, { log }),
      );
      expect(error.message).to.equal(
        `nothing to claim for ${nobody}: its proving, sequencing and submitting balances are 0; ` +
          `epoch ${fx.epoch + 1n} is not settled yet, so its earnings are not included ` +
          "(none can be settled yet)",
      );
      expect(output).to.match(/total\s+0\.0 PST/);
      expect(await chainState(fx, watched)).to.deep.equal(before);
      // A second claim after a successful one: the same refusal.
      await task(fx, { account: fx.sequencer.address });
      await refused("NothingToClaim", () => task(fx, { account: fx.sequencer.address }));
    });

    it("the task's --rewards defaults to Ignition's deployment for the chain, and is checked", async function () {
      const dir = await mkdtemp(path.join(tmpdir(), "claim-ignition-"));
      try {
        const chainId = (await ethers.provider.getNetwork()).chainId;
        expect(await deployedRewardsAddress(dir, chainId)).to.equal(undefined);
        const chainDir = path.join(dir, "deployments", `chain-${chainId}`);
        await mkdir(chainDir, { recursive: true });
        const file = path.join(chainDir, "deployed_addresses.json");
        const entries: Record<string, string> = {
          "ProverNetwork#StakeTable": await fx.table.getAddress(),
          "ProverNetwork#ProverRewards": fx.rewardsAddress,
        };
        await writeFile(file, JSON.stringify(entries));
        expect(await deployedRewardsAddress(dir, chainId)).to.equal(fx.rewardsAddress);
        await writeFile(
          file,
          JSON.stringify({ ...entries, "Other#ProverRewards": fx.rewardsAddress }),
        );
        await refused("InvalidAddress", () => deployedRewardsAddress(dir, chainId));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      // The in-process network starts empty on every run: no default there.
      const missing = await refused("InvalidAddress", (log) =>
        claimOnConnection(connection, { dryRun: true }, { log }),
      );
      expect(missing.error.message).to.include("pass --rewards <address>");
      const empty = ethers.Wallet.createRandom().address;
      const noCode = await refused("InvalidAddress", (log) =>
        claimOnConnection(connection, { rewards: empty, dryRun: true }, { log }),
      );
      expect(noCode.error.message).to.include(`no contract at ${empty}`);
      await refused("InvalidAddress", (log) =>
        claimOnConnection(connection, { rewards: fx.rewardsAddress, account: "0x1234" }, { log }),
      );
    });
  });

  describe("before settlement", function () {
    let fx: ClaimFixture;

    beforeEach(async function () {
      fx = await networkHelpers.loadFixture(provenFixture);
    });

    it("unsettled earnings are not claimable and the refusal says so; --settle settles, then claims", async function () {
      // Not settleable yet: the epoch's last proof window is open.
      const early = await refused("NothingToClaim", (_log, lines) =>
        claimAs(fx, fx.sequencer, { settle: true }, lines),
      );
      expect(early.output).to.include("Settle: no epoch is ready to settle.");
      expect(early.error.plan).to.include({ nextEpoch: fx.epoch, readyEpochs: 0n });
      expect(early.error.message).to.include("none can be settled yet");

      await networkHelpers.mineUpTo((await fx.rewards.settleableAt(fx.epoch)) + 1n);
      const watched = [fx.admin.address, fx.sequencer.address];
      const before = await chainState(fx, watched);
      const dry = await refused("NothingToClaim", (log) =>
        claimOnConnection(
          connection,
          { rewards: fx.rewardsAddress, account: fx.sequencer.address, settle: true, dryRun: true },
          { log },
        ),
      );
      expect(dry.error.plan).to.include({ nextEpoch: fx.epoch, readyEpochs: 1n });
      expect(dry.error.plan!.unsettledEpochs >= 2n).to.equal(true);
      expect(dry.error.message).to.include(`epochs ${fx.epoch}..`);
      expect(dry.error.message).to.include("1 can be settled now: --settle");
      expect(dry.output).to.include("Dry run: settling would first settle 1 epoch(s)");
      expect(await chainState(fx, watched)).to.deep.equal(before);

      const balance = await fx.token.balanceOf(fx.sequencer.address);
      const { run, output } = await task(fx, { account: fx.sequencer.address, settle: true });
      expect(run.settled).to.deep.equal([fx.epoch]);
      expect(output).to.include(`Settled epoch ${fx.epoch}.`);
      expect(await fx.rewards.nextEpoch()).to.equal(fx.epoch + 1n);
      expect(run.result!.paid.sequencing).to.equal(PST(400n));
      expect(await fx.token.balanceOf(fx.sequencer.address)).to.equal(balance + PST(400n));
    });
  });

  describe("through the CLI", function () {
    const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
    const require = createRequire(import.meta.url);
    const cli = path.join(path.dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");
    const hardhat = (...args: string[]) =>
      spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8" });

    it("`hardhat claim --help` lists the options; without --rewards on the in-process network it is refused", async function () {
      this.timeout(120_000);
      const help = hardhat("claim", "--help");
      expect(help.status, help.stderr).to.equal(0);
      for (const option of ["--rewards", "--account", "--recipient", "--settle", "--dry-run"]) {
        expect(help.stdout).to.include(option);
      }
      const run = hardhat("claim", "--dry-run");
      expect(run.status).to.equal(1);
      expect(run.stderr).to.include("claim refused (InvalidAddress): pass --rewards <address>");
    });
  });
});
