/**
 * `register --generate` with EIP-2335 keystores (tasks/register.ts) on the in-process network:
 * the key goes into a keystore (password from PROVER_BLS_PASSWORD) whose key is the one the
 * stake table registered; a registration the contracts would refuse writes no key file; without
 * `--key-file` the keystore lands in `.prover/<chain>-<operator>.keystore.json` and `reveal`'s key
 * loading (tasks/common.ts) finds it there; a `*.bls.json` key file keeps the plaintext format
 * and loads with a warning.
 */
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { deploySystem } from "../src/deploy/system.js";
import { connectDeployment } from "../src/operator/deployment.js";
import { OperatorError } from "../src/operator/errors.js";
import { keyHashOf } from "../src/operator/keys.js";
import { KEYSTORE_PASSWORD_VARIABLE, defaultKeystoreFile } from "../src/node/keystore.js";
import { loadSecretKey } from "../tasks/common.js";
import { registerOnConnection, type RegisterTaskArguments } from "../tasks/register.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const connection = await network.create();
const { ethers } = connection;
const quiet = () => {};

describe("register --generate: EIP-2335 keystores", function () {
  let dir: string;
  let rewards: string;
  const saved = process.env[KEYSTORE_PASSWORD_VARIABLE];

  before(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "node-register-"));
    const deployed = await deploySystem(
      connection,
      path.join(root, "deploy/parameters/local.json"),
    );
    rewards = deployed.addresses.rewards;
    const [owner, ...accounts] = await ethers.getSigners();
    const c = await connectDeployment(rewards, owner);
    const minimum = await c.table.MINIMUM_STAKE();
    for (const a of accounts.slice(0, 4)) await (await c.token.mint(a.address, minimum)).wait();
    process.env[KEYSTORE_PASSWORD_VARIABLE] = "node-register-test-password";
  });

  after(async function () {
    if (saved === undefined) delete process.env[KEYSTORE_PASSWORD_VARIABLE];
    else process.env[KEYSTORE_PASSWORD_VARIABLE] = saved;
    await rm(dir, { recursive: true, force: true });
  });

  const args = (signer: string, extra: Partial<RegisterTaskArguments>): RegisterTaskArguments => ({
    rewards,
    signer,
    generate: true,
    dryRun: false,
    ...extra,
  });

  it("writes a keystore holding the registered key; a refused registration writes nothing", async function () {
    const [, alice] = await ethers.getSigners();
    const refusedFile = path.join(dir, "refused.keystore.json");
    const refused = await registerOnConnection(
      hre,
      connection,
      args(alice.address, { keyFile: refusedFile, stake: "1" }),
      quiet,
    ).catch((e: unknown) => e);
    expect((refused as OperatorError).code).to.equal("StakeBelowMinimum");
    expect(
      await access(refusedFile).then(
        () => true,
        () => false,
      ),
    ).to.equal(false);

    const file = path.join(dir, "alice.keystore.json");
    const result = await registerOnConnection(
      hre,
      connection,
      args(alice.address, { keyFile: file }),
      quiet,
    );
    const keystore = JSON.parse(await readFile(file, "utf8")) as {
      version: number;
      description: string;
    };
    expect(keystore.version).to.equal(4);
    expect(keystore.description).to.equal(result.publicKeyHash);
    const key = await loadSecretKey(hre, file);
    expect(keyHashOf(key)).to.equal(result.publicKeyHash);
    const c = await connectDeployment(rewards, alice);
    expect(await c.table.operatorOfKey(result.publicKeyHash)).to.equal(alice.address);
  });

  it("without --key-file: .prover/<chain>-<operator>.keystore.json, found again without --key-file", async function () {
    const [, , bob] = await ethers.getSigners();
    const file = defaultKeystoreFile(root, 31337n, bob.address);
    const savedKey = process.env.PROVER_BLS_KEY;
    delete process.env.PROVER_BLS_KEY;
    try {
      const result = await registerOnConnection(hre, connection, args(bob.address, {}), quiet);
      await access(file);
      const key = await loadSecretKey(hre, undefined, { chainId: 31337n, operator: bob.address });
      expect(keyHashOf(key)).to.equal(result.publicKeyHash);
    } finally {
      await rm(file, { force: true });
      if (savedKey !== undefined) process.env.PROVER_BLS_KEY = savedKey;
    }
  });

  it("a *.bls.json key file stays plaintext and loads with a warning", async function () {
    const [, , , carol] = await ethers.getSigners();
    const file = path.join(dir, "carol.bls.json");
    const result = await registerOnConnection(
      hre,
      connection,
      args(carol.address, { keyFile: file }),
      quiet,
    );
    const plain = JSON.parse(await readFile(file, "utf8")) as {
      version: number;
      secretKey: string;
    };
    expect(plain.version).to.equal(1);
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (line: string) => warnings.push(line);
    try {
      expect(keyHashOf(await loadSecretKey(hre, file))).to.equal(result.publicKeyHash);
    } finally {
      console.warn = original;
    }
    expect(warnings.join("\n")).to.match(/plaintext/);
  });
});
