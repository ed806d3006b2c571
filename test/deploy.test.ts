import { expect } from "chai";
import { network } from "hardhat";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";

import { LocalBlockLifecycleModule } from "../deploy/BlockLifecycle.js";
import { LocalProverNetworkModule } from "../deploy/ProverNetwork.js";

const { ethers, ignition } = await network.create();
const here = path.dirname(fileURLToPath(import.meta.url));
const parametersFile = path.join(here, "..", "deploy", "parameters", "local.json");

describe("Ignition: LocalProverNetwork", function () {
  it("deploys token, stake table and election wired together with the local parameters", async function () {
    const parameters = JSON.parse(readFileSync(parametersFile, "utf8")) as Record<
      string,
      Record<string, string>
    >;
    const big = (v: string) => BigInt(v.replace(/n$/, ""));
    const { token, stakeTable, election } = await ignition.deploy(LocalProverNetworkModule, {
      parameters: parametersFile,
      displayUi: false,
    });
    const table = await ethers.getContractAt("StakeTable", await stakeTable.getAddress());
    const elect = await ethers.getContractAt("CommitteeElection", await election.getAddress());
    const local = parameters.LocalStakeTable;
    const net = parameters.LocalProverNetwork;
    expect(await table.STAKE_TOKEN()).to.equal(await token.getAddress());
    expect(await table.EPOCH_LENGTH()).to.equal(big(local.epochLength));
    expect(await elect.STAKE_TABLE()).to.equal(await table.getAddress());
    expect(await elect.GENESIS_BLOCK()).to.equal(await table.GENESIS_BLOCK());
    expect(await elect.REVEAL_WINDOW()).to.equal(big(net.revealWindow));
    const p = await elect.paramsAt(0);
    expect([p.committeeSize, p.oversamplingBps, p.treeCount, p.leafCount]).to.deep.equal(
      [net.committeeSize, net.oversamplingBps, net.treeCount, net.leafCount].map(big),
    );
    expect(await elect.hasRole(await elect.GOVERNOR_ROLE(), net.governor)).to.equal(true);
    expect(await elect.hasRole(await elect.DEFAULT_ADMIN_ROLE(), net.admin)).to.equal(true);
  });
});

describe("Ignition: LocalBlockLifecycle", function () {
  it("deploys the lifecycle on the local network's election, with the stand-in verifier", async function () {
    const parameters = JSON.parse(readFileSync(parametersFile, "utf8")) as Record<
      string,
      Record<string, string | boolean>
    >;
    const big = (v: string | boolean) => BigInt(String(v).replace(/n$/, ""));
    const { stakeTable, election, verifier, lifecycle } = await ignition.deploy(
      LocalBlockLifecycleModule,
      { parameters: parametersFile, displayUi: false },
    );
    const life = await ethers.getContractAt("BlockLifecycle", await lifecycle.getAddress());
    const table = await ethers.getContractAt("StakeTable", await stakeTable.getAddress());
    const local = parameters.LocalBlockLifecycle;
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
