/**
 * Random action sequences (fast-check, seeded; a failing sequence shrinks and prints its seed)
 * against the stake table, checked after every action against a TypeScript reference model:
 * token conservation, per-operator balances, status, and the snapshot identity
 * totalStakeAt(e) == sum of stakeAt(op, e) for past, current and future epochs.
 */
import { expect } from "chai";
import fc from "fast-check";
import { network } from "hardhat";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { operatorStatus } from "../src/protocol/stake.js";
import { draws, type Draws } from "./helpers/draws.js";
import {
  BURN_SINK,
  UNIT,
  deployStakeTable,
  nextBlockNumber,
  register,
} from "./helpers/stakeTable.js";
import type { StakeFixture } from "./helpers/stakeTable.js";

const { ethers, networkHelpers } = await network.create();

interface ModelOperator {
  status: "Active" | "Exiting" | "Exited";
  withdrawer: HardhatEthersSigner;
  balance: bigint;
  /** epoch => stake counted at that epoch, recorded as changes (effective epoch, value). */
  changes: Array<[bigint, bigint]>;
  exitEpoch: bigint;
}

function stakeAtModel(op: ModelOperator | undefined, epoch: bigint): bigint {
  if (op === undefined) return 0n;
  let value = 0n;
  for (const [e, v] of op.changes) if (e <= epoch) value = v;
  return value;
}

async function runSequence(prng: Draws, steps: number) {
  const fx: StakeFixture = await deployStakeTable(ethers);
  const tableAddress = await fx.table.getAddress();
  const actors = fx.signers.slice(0, 8);
  const model = new Map<string, ModelOperator>();
  const minted = await fx.token.totalSupply();
  const lag = fx.params.activationLag;
  const min = fx.params.minimumStake;
  let keyCounter = 0;
  const succeeded = {
    register: 0,
    topUp: 0,
    initiateExit: 0,
    finalizeExit: 0,
    slash: 0,
    eject: 0,
    rejected: 0,
  };

  const nextEpoch = async () => fx.table.epochAt(await nextBlockNumber(ethers));
  const push = (op: ModelOperator, epoch: bigint, value: bigint) => {
    const last = op.changes[op.changes.length - 1];
    if (last !== undefined && last[0] === epoch) last[1] = value;
    else op.changes.push([epoch, value]);
  };

  async function check(label: string) {
    const holders = [
      ...fx.signers.slice(0, 12).map((s) => s.address),
      tableAddress,
      BURN_SINK,
      fx.admin.address,
    ];
    let sum = 0n;
    for (const h of holders) sum += await fx.token.balanceOf(h);
    expect(sum, `${label}: tokens conserved`).to.equal(minted);

    let held = 0n;
    for (const actor of actors) {
      const info = await fx.table.operatorInfo(actor.address);
      const m = model.get(actor.address);
      const expectedStatus = m === undefined ? "None" : m.status;
      expect(operatorStatus(info.status), `${label}: status of ${actor.address}`).to.equal(
        expectedStatus,
      );
      expect(info.balance, `${label}: balance`).to.equal(m?.balance ?? 0n);
      if (m?.status === "Active") expect(m.balance >= min).to.equal(true);
      held += info.balance;
    }
    expect(
      await fx.token.balanceOf(tableAddress),
      `${label}: table holds exactly the balances`,
    ).to.equal(held);

    const current = await fx.table.currentEpoch();
    const from = current > 2n ? current - 2n : 0n;
    for (let e = from; e <= current + lag + 1n; e++) {
      let total = 0n;
      for (const actor of actors) {
        const onChain = await fx.table.stakeAt(actor.address, e);
        expect(onChain, `${label}: stakeAt(${actor.address}, ${e})`).to.equal(
          stakeAtModel(model.get(actor.address), e),
        );
        total += onChain;
      }
      expect(await fx.table.totalStakeAt(e), `${label}: totalStakeAt(${e})`).to.equal(total);
    }
  }

  /** Runs a call expected to revert and checks that nothing moved. */
  async function expectRejected(label: string, call: () => Promise<unknown>) {
    const before = await fx.token.balanceOf(tableAddress);
    await expect(call(), label).to.be.revert(ethers);
    succeeded.rejected++;
    expect(await fx.token.balanceOf(tableAddress)).to.equal(before);
  }

  for (let step = 0; step < steps; step++) {
    const action = prng.int(7);
    // Mostly act on operators for which the action can succeed, sometimes on anyone (rejections).
    const wanted = action === 3 ? "Exiting" : "Active";
    const candidates = actors.filter((a) => model.get(a.address)?.status === wanted);
    const actor =
      action !== 0 && candidates.length > 0 && prng.next() < 0.8
        ? prng.pick(candidates)
        : prng.pick(actors);
    const m = model.get(actor.address);
    const label = `step ${step} action ${action}`;
    if (action === 0) {
      // register (sometimes below the minimum, sometimes twice)
      const amount = prng.next() < 0.15 ? min - 1n : prng.bigint(min, 400n * UNIT);
      const withdrawer = prng.pick(actors);
      if (m !== undefined || amount < min) {
        await expectRejected(label, () =>
          register(fx, actor, amount, `k${keyCounter++}`, withdrawer.address),
        );
      } else {
        const epoch = (await nextEpoch()) + lag;
        await register(fx, actor, amount, `k${keyCounter++}`, withdrawer.address);
        const op: ModelOperator = {
          status: "Active",
          withdrawer,
          balance: amount,
          changes: [],
          exitEpoch: 0n,
        };
        push(op, epoch, amount);
        model.set(actor.address, op);
        succeeded.register++;
      }
    } else if (action === 1) {
      const amount = prng.bigint(1n, 50n * UNIT);
      if (m === undefined || m.status !== "Active") {
        await expectRejected(label, () => fx.table.connect(actor).topUp(actor.address, amount));
      } else {
        const epoch = (await nextEpoch()) + lag;
        await fx.table.connect(actor).topUp(actor.address, amount);
        m.balance += amount;
        push(m, epoch, m.balance);
        succeeded.topUp++;
      }
    } else if (action === 2) {
      if (m === undefined || m.status !== "Active") {
        await expectRejected(label, () => fx.table.connect(actor).initiateExit(actor.address));
      } else {
        const epoch = (await nextEpoch()) + lag;
        await fx.table.connect(m.withdrawer).initiateExit(actor.address);
        m.status = "Exiting";
        m.exitEpoch = epoch;
        push(m, epoch, 0n);
        succeeded.initiateExit++;
      }
    } else if (action === 3) {
      const ready =
        m !== undefined &&
        m.status === "Exiting" &&
        (await nextBlockNumber(ethers)) >=
          (await fx.table.epochStartBlock(m.exitEpoch)) + fx.params.exitDelay;
      if (!ready || m === undefined) {
        const caller = m?.withdrawer ?? actor;
        await expectRejected(label, () =>
          fx.table.connect(caller).finalizeExit(actor.address, caller.address),
        );
      } else {
        await fx.table.connect(m.withdrawer).finalizeExit(actor.address, m.withdrawer.address);
        m.status = "Exited";
        m.balance = 0n;
        succeeded.finalizeExit++;
      }
    } else if (action === 4) {
      const amount = prng.bigint(1n, 150n * UNIT);
      if (m === undefined || m.balance === 0n) {
        await expectRejected(label, () =>
          fx.table.connect(fx.slasher).slash(actor.address, amount, ethers.ZeroHash),
        );
      } else {
        const epoch = (await nextEpoch()) + lag;
        await fx.table.connect(fx.slasher).slash(actor.address, amount, ethers.ZeroHash);
        const slashed = amount < m.balance ? amount : m.balance;
        m.balance -= slashed;
        succeeded.slash++;
        if (m.status === "Active") {
          push(m, epoch, m.balance);
          if (m.balance < min) {
            m.status = "Exiting";
            m.exitEpoch = epoch;
            push(m, epoch, 0n);
            succeeded.eject++;
          }
        }
      }
    } else {
      await networkHelpers.mine(1 + prng.int(Number(fx.params.epochLength) * 4));
    }
    await check(label);
  }
  return succeeded;
}

describe("StakeTable conservation under random action sequences (fast-check)", function () {
  it("tokens, balances and snapshots match the model after every action of 3 sequences of 90", async function () {
    const total: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(draws(), async (d) => {
        const counts = await runSequence(d, 90);
        for (const [action, count] of Object.entries(counts)) {
          total[action] = (total[action] ?? 0) + count;
        }
      }),
      { seed: 2024, numRuns: 3 },
    );
    // The sequences exercised every path, not only rejections.
    for (const [action, count] of Object.entries(total)) {
      if (action !== "eject") expect(count, `${action} count`).to.be.greaterThan(0);
    }
  });
});
