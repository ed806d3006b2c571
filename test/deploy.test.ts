import { expect } from "chai";
import { network } from "hardhat";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";

import { TestBlockLifecycleModule } from "../deploy/modules/BlockLifecycle.js";
import { TestProverNetworkModule } from "../deploy/modules/ProverNetwork.js";
import { InvalidWorkSlasherModule, ProverRewardsModule } from "../deploy/modules/ProverRewards.js";
import { ProverSystemModule, TestProverSystemModule } from "../deploy/modules/ProverSystem.js";

const { ethers, ignition } = await network.create();
const here = path.dirname(fileURLToPath(import.meta.url));
const parametersFile = path.join(here, "..", "deploy", "parameters", "local.json");

type Parameters = Record<string, Record<string, string | boolean>>;

function readParameters(): Parameters {
  return JSON.parse(readFileSync(parametersFile, "utf8")) as Parameters;
}

/** A parameters file value as Ignition reads it: "123n" is a bigint. */
function parameterValue(v: string | boolean): string | boolean | bigint {
  return typeof v === "string" && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v;
}

function big(v: string | boolean): bigint {
  return BigInt(String(v).replace(/n$/, ""));
}

describe("Ignition: TestProverNetwork", function () {
  it("deploys token, stake table and election wired together with the local parameters", async function () {
    const parameters = readParameters();
    const { token, stakeTable, election } = await ignition.deploy(TestProverNetworkModule, {
      parameters: parametersFile,
      displayUi: false,
    });
    const table = await ethers.getContractAt("StakeTable", await stakeTable.getAddress());
    const elect = await ethers.getContractAt("CommitteeElection", await election.getAddress());
    const local = parameters.TestStakeTable;
    const net = parameters.TestProverNetwork;
    expect(await table.STAKE_TOKEN()).to.equal(await token.getAddress());
    expect(await table.EPOCH_LENGTH()).to.equal(big(local.epochLength));
    expect(await elect.STAKE_TABLE()).to.equal(await table.getAddress());
    expect(await elect.GENESIS_BLOCK()).to.equal(await table.GENESIS_BLOCK());
    expect(await elect.REVEAL_WINDOW()).to.equal(big(net.revealWindow));
    const p = await elect.paramsAt(0);
    expect([p.committeeSize, p.oversamplingBps, p.treeCount, p.leafCount]).to.deep.equal(
      [net.committeeSize, net.oversamplingBps, net.treeCount, net.leafCount].map(big),
    );
    expect(
      await elect.hasRole(await elect.GOVERNOR_ROLE(), String(parameters.$global.governor)),
    ).to.equal(true);
    expect(
      await elect.hasRole(await elect.DEFAULT_ADMIN_ROLE(), String(parameters.$global.admin)),
    ).to.equal(true);
  });
});

describe("Ignition: TestBlockLifecycle", function () {
  it("deploys the lifecycle on the local network's election, with the stand-in verifier", async function () {
    const parameters = readParameters();
    const { stakeTable, election, verifier, lifecycle } = await ignition.deploy(
      TestBlockLifecycleModule,
      { parameters: parametersFile, displayUi: false },
    );
    const life = await ethers.getContractAt("BlockLifecycle", await lifecycle.getAddress());
    const table = await ethers.getContractAt("StakeTable", await stakeTable.getAddress());
    const local = parameters.TestBlockLifecycle;
    expect(await life.ELECTION()).to.equal(await election.getAddress());
    expect(await life.STAKE_TABLE()).to.equal(await stakeTable.getAddress());
    expect(await life.VERIFIER()).to.equal(await verifier.getAddress());
    expect(await life.GENESIS_BLOCK()).to.equal(await table.GENESIS_BLOCK());
    expect(await life.PROOF_WINDOW()).to.equal(await table.PROOF_WINDOW());
    expect(await life.SLOT_LENGTH()).to.equal(big(local.slotLength));
    expect(await life.PROPOSAL_PHASE()).to.equal(big(local.proposalPhase));
    expect(await life.DATA_TIMEOUT()).to.equal(big(local.dataTimeout));
    expect(await life.FAULT_TOLERANCE_BPS()).to.equal(big(local.faultToleranceBps));
    expect(await life.FEE_SPLIT_SCORING()).to.equal(local.feeSplitScoring);
    const [head, finalized, pending] = await life.chainState();
    expect([head, finalized, pending]).to.deep.equal([0n, 0n, 0n]);
  });
});

describe("Ignition: TestProverSystem", function () {
  it("deploys rewards and slasher on the local lifecycle, both slashers, the pool funded", async function () {
    const parameters = readParameters();
    const deployed = await ignition.deploy(TestProverSystemModule, {
      parameters: parametersFile,
      displayUi: false,
    });
    const table = await ethers.getContractAt("StakeTable", await deployed.stakeTable.getAddress());
    const life = await ethers.getContractAt(
      "BlockLifecycle",
      await deployed.lifecycle.getAddress(),
    );
    const token = await ethers.getContractAt("TestStakeToken", await deployed.token.getAddress());
    const rewards = await ethers.getContractAt(
      "ProverRewards",
      await deployed.rewards.getAddress(),
    );
    const slasher = await ethers.getContractAt(
      "InvalidWorkSlasher",
      await deployed.slasher.getAddress(),
    );
    const lifecycleAddress = await life.getAddress();
    const local = parameters.TestProverRewards;
    const slashing = parameters.TestInvalidWorkSlasher;
    const admin = String(parameters.$global.admin);

    // Wiring.
    expect(await life.ELECTION()).to.equal(await deployed.election.getAddress());
    expect(await rewards.LIFECYCLE()).to.equal(lifecycleAddress);
    expect(await slasher.LIFECYCLE()).to.equal(lifecycleAddress);
    expect(await rewards.STAKE_TABLE()).to.equal(await table.getAddress());
    expect(await slasher.STAKE_TABLE()).to.equal(await table.getAddress());
    expect(await rewards.REWARD_TOKEN()).to.equal(await token.getAddress());
    const role = await table.SLASHER_ROLE();
    expect(await table.hasRole(role, await rewards.getAddress())).to.equal(true);
    expect(await table.hasRole(role, await slasher.getAddress())).to.equal(true);

    // The pool, funded by the admin with tokens minted for it.
    const initialPool = big(parameters.TestProverSystem.initialPool);
    expect(await rewards.pool()).to.equal(initialPool);
    expect(await token.balanceOf(await rewards.getAddress())).to.equal(initialPool);
    expect(await rewards.pendingFees()).to.equal(0n);
    const funded = await rewards.queryFilter(rewards.filters.PoolFunded());
    expect(funded.map((e) => [e.args.funder, e.args.amount])).to.deep.equal([[admin, initialPool]]);
    expect(await rewards.nextEpoch()).to.equal(await life.currentEpoch());

    // Parameters equal local.json.
    expect(await rewards.BLOCK_REWARD()).to.equal(big(local.blockReward));
    expect(await rewards.SEQUENCER_BPS()).to.equal(big(local.sequencerBps));
    expect(await rewards.PROVER_BPS()).to.equal(big(local.proverBps));
    expect(await rewards.SUBMITTER_BPS()).to.equal(big(local.submitterBps));
    expect(await rewards.PROVER_BURN_BPS()).to.equal(big(local.proverBurnBps));
    expect(await rewards.BURN_UNPROVEN_SHARE()).to.equal(local.burnUnprovenShare);
    expect(await rewards.INACTIVITY_THRESHOLD()).to.equal(big(local.inactivityThreshold));
    expect(await rewards.INACTIVITY_SLASH()).to.equal(big(local.inactivitySlash));
    expect(await rewards.FEE_SPLIT()).to.equal(parameters.TestBlockLifecycle.feeSplitScoring);
    expect(await slasher.SLASH_AMOUNT()).to.equal(big(slashing.slashAmount));
    expect(await slasher.REPORTER_BPS()).to.equal(big(slashing.reporterBps));
    expect(await slasher.SLASHING_WINDOW()).to.equal(await table.SLASHING_WINDOW());
  });
});

describe("Ignition: ProverRewards and InvalidWorkSlasher over an existing token", function () {
  /** The production modules' parameters: local.json's, with the Test prefix dropped. */
  async function productionParameters() {
    const [admin] = await ethers.getSigners();
    const token = await ethers.deployContract("TestStakeToken", ["Stake", "STK", admin.address]);
    const local = readParameters();
    const section = (name: string, omit: string[] = []) =>
      Object.fromEntries(
        Object.entries(local[name])
          .filter(([key]) => !omit.includes(key))
          .map(([key, value]) => [key, parameterValue(value)]),
      );
    const parameters = {
      $global: section("$global"),
      StakeTable: {
        ...section("TestStakeTable", ["tokenName", "tokenSymbol", "tokenOwner"]),
        stakeToken: await token.getAddress(),
      },
      ProverNetwork: section("TestProverNetwork"),
      BlockLifecycle: section("TestBlockLifecycle"),
      ProverRewards: section("TestProverRewards"),
      InvalidWorkSlasher: section("TestInvalidWorkSlasher"),
    };
    return { token, parameters, local };
  }

  it("ProverRewards pays in the stake table's token; no role granted, the pool empty", async function () {
    const { token, parameters, local } = await productionParameters();
    const deployed = await ignition.deploy(ProverRewardsModule, { parameters, displayUi: false });
    const rewards = await ethers.getContractAt(
      "ProverRewards",
      await deployed.rewards.getAddress(),
    );
    const table = await ethers.getContractAt("StakeTable", await deployed.stakeTable.getAddress());
    expect(await table.STAKE_TOKEN()).to.equal(await token.getAddress());
    expect(await rewards.REWARD_TOKEN()).to.equal(await token.getAddress());
    expect(await rewards.LIFECYCLE()).to.equal(await deployed.lifecycle.getAddress());
    expect(await rewards.BLOCK_REWARD()).to.equal(big(local.TestProverRewards.blockReward));
    expect(await rewards.INACTIVITY_SLASH()).to.equal(big(local.TestProverRewards.inactivitySlash));
    expect(await table.hasRole(await table.SLASHER_ROLE(), await rewards.getAddress())).to.equal(
      false,
    );
    expect(await rewards.pool()).to.equal(0n);
  });

  it("InvalidWorkSlasher reads the lifecycle's stake table; no role granted", async function () {
    const { parameters, local } = await productionParameters();
    const deployed = await ignition.deploy(InvalidWorkSlasherModule, {
      parameters,
      displayUi: false,
    });
    const slasher = await ethers.getContractAt(
      "InvalidWorkSlasher",
      await deployed.slasher.getAddress(),
    );
    const table = await ethers.getContractAt("StakeTable", await deployed.stakeTable.getAddress());
    expect(await slasher.LIFECYCLE()).to.equal(await deployed.lifecycle.getAddress());
    expect(await slasher.STAKE_TABLE()).to.equal(await table.getAddress());
    expect(await slasher.SLASH_AMOUNT()).to.equal(big(local.TestInvalidWorkSlasher.slashAmount));
    expect(await slasher.REPORTER_BPS()).to.equal(big(local.TestInvalidWorkSlasher.reporterBps));
    expect(await table.hasRole(await table.SLASHER_ROLE(), await slasher.getAddress())).to.equal(
      false,
    );
  });

  it("ProverSystem wires both slashers and seeds the pool from the sender's tokens", async function () {
    const { token, parameters, local } = await productionParameters();
    const [admin] = await ethers.getSigners();
    const initialPool = big(local.TestProverSystem.initialPool);
    await token.mint(admin.address, initialPool);
    const deployed = await ignition.deploy(ProverSystemModule, {
      parameters: { ...parameters, ProverSystem: { initialPool } },
      displayUi: false,
    });
    const table = await ethers.getContractAt("StakeTable", await deployed.stakeTable.getAddress());
    const rewards = await ethers.getContractAt(
      "ProverRewards",
      await deployed.rewards.getAddress(),
    );
    const role = await table.SLASHER_ROLE();
    expect(await deployed.token.getAddress()).to.equal(await token.getAddress());
    expect(await table.hasRole(role, await rewards.getAddress())).to.equal(true);
    expect(await table.hasRole(role, await deployed.slasher.getAddress())).to.equal(true);
    expect(await rewards.pool()).to.equal(initialPool);
    expect(await token.balanceOf(admin.address)).to.equal(0n);
    expect(await token.balanceOf(await rewards.getAddress())).to.equal(initialPool);
  });
});
