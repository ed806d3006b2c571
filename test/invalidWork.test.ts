/**
 * Slashing for attributable invalid work (InvalidWorkSlasher, StakeTable.slashWithReward): the
 * stand-in chunk proving function and the EIP-712 chunk-output digest agree between TypeScript and
 * Solidity; wrong outputs and equivocations are slashed exactly once, with the reporter's share
 * and the sink's rest checked to the wei; every rejection names its error and changes nothing.
 *
 * Timing (LIFECYCLE_TEST_PARAMS, test stake table): slots of 4 L1 blocks with a proposal phase of
 * 2, proof window W = 20, slashing window 10, so evidence about slot s (starting at L1 block B) is
 * accepted up to block B + 2 + 20 - 1 + 10 = B + 31. Operators stake 500 tokens (minimum 100).
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import {
  TypedDataEncoder,
  ZeroHash,
  concat,
  dataSlice,
  getAddress,
  hexlify,
  recoverAddress,
  toBeHex,
  type TypedDataDomain,
} from "ethers";
import { network } from "hardhat";

import {
  CHUNK_OUTPUT_TYPES,
  STAND_IN_CHUNK_DOMAIN,
  chunkOutputDomain,
  chunkOutputsOfBlock,
  honestChunkOutput,
  signChunkOutput,
  standInChunkOutput,
  type ChunkOutput,
} from "../src/protocol/chunks.js";
import { proofWindow, type CompactSignature } from "../src/protocol/lifecycle.js";
import { OPERATOR_STATUS, type OperatorStatus } from "../src/protocol/stake.js";
import type { InvalidWorkSlasher } from "../typechain-types/index.js";
import type { Operator } from "./helpers/election.js";
import { deployLifecycle, firstOpenSlot, type LifecycleFixture } from "./helpers/lifecycle.js";
import { Prng } from "./helpers/prng.js";
import {
  BURN_SINK,
  UNIT,
  deployStakeTable,
  mineUntilNextBlockIs,
  nextBlockNumber,
  register,
  type StakeFixture,
} from "./helpers/stakeTable.js";

const { ethers, networkHelpers } = await network.create();
const mine = (n: number) => networkHelpers.mine(n);

const Status = Object.fromEntries(OPERATOR_STATUS.map((name, i) => [name, BigInt(i)])) as Record<
  OperatorStatus,
  bigint
>;

const SLASH_AMOUNT = 50n * UNIT;
const REPORTER_BPS = 2_500n;
const REWARD = (SLASH_AMOUNT * REPORTER_BPS) / 10_000n;
const LEAVES = 4;
/** secp256k1 group order. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const S_MASK = (1n << 255n) - 1n;
/** n / 2: the largest `s` accepted (EIP-2). */
const HALF_ORDER = N / 2n;

interface Fixture {
  fx: LifecycleFixture;
  slasher: InvalidWorkSlasher;
  domain: TypedDataDomain;
  /** A slot whose evidence window is open. */
  slot: bigint;
  leafInputs: string[];
  /** Honest outputs of the slot's block, by heap index. */
  outputs: string[];
  reporter: HardhatEthersSigner;
  /** A funded account that never staked. */
  outsider: HardhatEthersSigner;
}

async function deploySlasher(fx: LifecycleFixture, slashAmount: bigint, reporterBps: bigint) {
  const slasher = await ethers.deployContract("InvalidWorkSlasher", [
    { lifecycle: await fx.lifecycle.getAddress(), slashAmount, reporterBps },
  ]);
  await fx.table
    .connect(fx.admin)
    .grantRole(await fx.table.SLASHER_ROLE(), await slasher.getAddress());
  return slasher;
}

async function fixture(): Promise<Fixture> {
  const fx = await deployLifecycle(ethers, mine);
  const slasher = await deploySlasher(fx, SLASH_AMOUNT, REPORTER_BPS);
  const slot = await firstOpenSlot(fx, ethers);
  const leafInputs = Array.from({ length: LEAVES }, (_, i) => ethers.id(`slot ${slot} chunk ${i}`));
  return {
    fx,
    slasher,
    domain: chunkOutputDomain(fx.chainId, fx.lifecycleDomain.lifecycle),
    slot,
    leafInputs,
    outputs: chunkOutputsOfBlock(slot, LEAVES, leafInputs),
    reporter: fx.signers[12],
    outsider: fx.signers[11],
  };
}

function honest(f: Fixture, node: number): ChunkOutput {
  return honestChunkOutput(f.slot, node, f.outputs, f.leafInputs);
}

function wrong(f: Fixture, node: number, label = "wrong"): ChunkOutput {
  return { ...honest(f, node), output: ethers.id(`${label} output of node ${node}`) };
}

/** The chain state a rejected report must leave as it was. */
async function state(f: Fixture, op: Operator, nodes: number[]) {
  const table = await f.fx.table.getAddress();
  return {
    block: await ethers.provider.getBlockNumber(),
    balance: (await f.fx.table.operatorInfo(op.address)).balance,
    tokens: await Promise.all(
      [table, f.reporter.address, BURN_SINK].map((a) => f.fx.token.balanceOf(a)),
    ),
    slashed: await Promise.all(nodes.map((n) => f.slasher.isSlashed(op.address, f.slot, n))),
  };
}

/** The malleable twin of a compact signature: same r, s' = n - s, parity flipped. */
function malleableTwin(sig: CompactSignature): { r: string; parity: bigint; s: bigint } {
  const vs = BigInt(sig.vs);
  return { r: sig.r, parity: 1n - (vs >> 255n), s: N - (vs & S_MASK) };
}

/** The compact signature with `r`, parity bit `parity` and `s` (which must fit 255 bits). */
function compact(r: string, parity: bigint, s: bigint): CompactSignature {
  return { r, vs: toBeHex((parity << 255n) | s, 32) };
}

/** What the ecrecover precompile returns for (digest, v, r, s), or zero. */
async function ecrecover(digest: string, v: bigint, r: string, s: bigint): Promise<string> {
  const input = concat([digest, toBeHex(v, 32), r, toBeHex(s, 32)]);
  const out = await ethers.provider.call({
    to: "0x0000000000000000000000000000000000000001",
    data: input,
  });
  return out === "0x" ? ethers.ZeroAddress : getAddress(dataSlice(out, 12));
}

describe("InvalidWorkSlasher", function () {
  describe("constructor", function () {
    it("reads the lifecycle's stake table and slashing window; rejects bad parameters", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      expect(await f.slasher.LIFECYCLE()).to.equal(await f.fx.lifecycle.getAddress());
      expect(await f.slasher.STAKE_TABLE()).to.equal(await f.fx.table.getAddress());
      expect(await f.slasher.SLASH_AMOUNT()).to.equal(SLASH_AMOUNT);
      expect(await f.slasher.REPORTER_BPS()).to.equal(REPORTER_BPS);
      expect(await f.slasher.SLASHING_WINDOW()).to.equal(f.fx.params.slashingWindow);
      expect(await f.slasher.INVALID_CHUNK_OUTPUT()).to.equal(ethers.id("INVALID_CHUNK_OUTPUT"));
      expect(await f.slasher.EQUIVOCATION()).to.equal(ethers.id("EQUIVOCATION"));
      expect(await f.slasher.CHUNK_OUTPUT_TYPEHASH()).to.equal(
        ethers.id(TypedDataEncoder.from(CHUNK_OUTPUT_TYPES).encodeType("ChunkOutput")),
      );
      const lifecycle = await f.fx.lifecycle.getAddress();
      const factory = await ethers.getContractFactory("InvalidWorkSlasher");
      await expect(
        factory.deploy({ lifecycle: ethers.ZeroAddress, slashAmount: 1n, reporterBps: 0n }),
      ).to.be.revertedWithCustomError(f.slasher, "ZeroAddress");
      await expect(
        factory.deploy({ lifecycle, slashAmount: 0n, reporterBps: 0n }),
      ).to.be.revertedWithCustomError(f.slasher, "ZeroSlashAmount");
      await expect(factory.deploy({ lifecycle, slashAmount: 1n, reporterBps: 10_001n }))
        .to.be.revertedWithCustomError(f.slasher, "InvalidReporterBps")
        .withArgs(10_001n);
      const full = await factory.deploy({ lifecycle, slashAmount: 1n, reporterBps: 10_000n });
      expect(await full.REPORTER_BPS()).to.equal(10_000n);
    });
  });

  describe("stand-in outputs and digests", function () {
    it("TypeScript and Solidity agree on outputs and EIP-712 digests for random inputs", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const rng = new Prng(5);
      const word = () => hexlify(Uint8Array.from({ length: 32 }, () => rng.int(256)));
      expect(STAND_IN_CHUNK_DOMAIN).to.equal(ethers.id("PROVERNET_V1_STAND_IN_CHUNK"));
      for (let i = 0; i < 24; i++) {
        const claim: ChunkOutput = {
          slot: rng.bigint(0n, 2n ** 64n),
          node: i % 3 === 0 ? rng.bigint(0n, 2n ** 256n - 1n) : rng.bigint(1n, 63n),
          left: word(),
          right: i % 2 === 0 ? ZeroHash : word(),
          output: word(),
        };
        expect(
          await f.slasher.expectedOutput(claim.slot, claim.node, claim.left, claim.right),
        ).to.equal(standInChunkOutput(claim.slot, claim.node, claim.left, claim.right));
        expect(await f.slasher.chunkOutputDigest(claim)).to.equal(
          TypedDataEncoder.hash(f.domain, CHUNK_OUTPUT_TYPES, claim),
        );
      }
    });

    it("chunkOutputsOfBlock builds every node from its children, bottom-up", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      expect(f.outputs.length).to.equal(2 * LEAVES);
      expect(f.outputs[0]).to.equal(ZeroHash);
      for (let node = 1; node < 2 * LEAVES; node++) {
        const c = honest(f, node);
        expect(await f.slasher.expectedOutput(c.slot, c.node, c.left, c.right)).to.equal(c.output);
        if (node >= LEAVES) {
          expect([c.left, c.right]).to.deep.equal([f.leafInputs[node - LEAVES], ZeroHash]);
        } else {
          expect([c.left, c.right]).to.deep.equal([f.outputs[2 * node], f.outputs[2 * node + 1]]);
        }
      }
      expect(() => chunkOutputsOfBlock(f.slot, 3, f.leafInputs.slice(0, 3))).to.throw(
        "not a power of two",
      );
      expect(() => chunkOutputsOfBlock(f.slot, 4, f.leafInputs.slice(0, 3))).to.throw(
        "3 leaf inputs",
      );
    });
  });

  describe("reportWrongOutput", function () {
    it("slashes the signer; the reporter gets REPORTER_BPS, the sink the rest", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const op = f.fx.members[0];
      const claim = wrong(f, 1);
      const sig = await signChunkOutput(op.signer, f.domain, claim);
      const reason = ethers.id("INVALID_CHUNK_OUTPUT");
      const tx = f.slasher.connect(f.reporter).reportWrongOutput(claim, sig);
      await expect(tx)
        .to.emit(f.slasher, "InvalidWorkSlashed")
        .withArgs(op.address, f.slot, 1n, f.reporter.address, reason, SLASH_AMOUNT, REWARD);
      await expect(tx)
        .to.emit(f.fx.table, "Slashed")
        .withArgs(op.address, SLASH_AMOUNT, op.stake - SLASH_AMOUNT, reason);
      await expect(tx)
        .to.emit(f.fx.table, "ReporterRewarded")
        .withArgs(op.address, f.reporter.address, REWARD);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.fx.token,
        [f.fx.table, f.reporter, BURN_SINK],
        [-SLASH_AMOUNT, REWARD, SLASH_AMOUNT - REWARD],
      );
      const info = await f.fx.table.operatorInfo(op.address);
      expect(info.balance).to.equal(op.stake - SLASH_AMOUNT);
      expect(info.status).to.equal(Status.Active);
      expect(await f.slasher.isSlashed(op.address, f.slot, 1n)).to.equal(true);
      expect(await f.slasher.isSlashed(op.address, f.slot, 2n)).to.equal(false);
      expect(await f.slasher.isSlashed(op.address, f.slot + 1n, 1n)).to.equal(false);
    });

    it("slashes an output that is honest for other inputs than the signed ones", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const op = f.fx.members[1];
      // A leaf claimed with a nonzero `right`, and an inner node with swapped children: the
      // outputs are the honest ones, but not of the inputs the prover signed.
      const leaf = { ...honest(f, LEAVES), right: f.leafInputs[1] };
      const inner = { ...honest(f, 1), left: f.outputs[3], right: f.outputs[2] };
      for (const claim of [leaf, inner]) {
        const sig = await signChunkOutput(op.signer, f.domain, claim);
        await expect(f.slasher.connect(f.reporter).reportWrongOutput(claim, sig))
          .to.emit(f.slasher, "InvalidWorkSlashed")
          .withArgs(
            op.address,
            f.slot,
            claim.node,
            f.reporter.address,
            ethers.id("INVALID_CHUNK_OUTPUT"),
            SLASH_AMOUNT,
            REWARD,
          );
      }
      expect((await f.fx.table.operatorInfo(op.address)).balance).to.equal(
        op.stake - 2n * SLASH_AMOUNT,
      );
    });

    it("rejects a correct output with OutputCorrect, for leaves and inner nodes", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const op = f.fx.members[0];
      const before = await state(f, op, [1, 2, LEAVES]);
      for (const node of [1, 2, LEAVES, 2 * LEAVES - 1]) {
        const claim = honest(f, node);
        const sig = await signChunkOutput(op.signer, f.domain, claim);
        await expect(f.slasher.connect(f.reporter).reportWrongOutput(claim, sig))
          .to.be.revertedWithCustomError(f.slasher, "OutputCorrect")
          .withArgs(f.slot, node);
      }
      expect(await state(f, op, [1, 2, LEAVES])).to.deep.equal(before);
    });

    it("rejects a second report of the same wrong output, or of another wrong output of that node", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const op = f.fx.members[0];
      const claim = wrong(f, 2);
      const sig = await signChunkOutput(op.signer, f.domain, claim);
      await f.slasher.connect(f.reporter).reportWrongOutput(claim, sig);
      const before = await state(f, op, [2]);
      const other = wrong(f, 2, "another");
      for (const [c, s] of [
        [claim, sig],
        [other, await signChunkOutput(op.signer, f.domain, other)],
      ] as const) {
        await expect(f.slasher.connect(f.outsider).reportWrongOutput(c, s))
          .to.be.revertedWithCustomError(f.slasher, "AlreadySlashed")
          .withArgs(op.address, f.slot, 2n);
      }
      expect(await state(f, op, [2])).to.deep.equal(before);
    });
  });

  describe("reportEquivocation", function () {
    it("slashes a double-signed node once; any second report of it is AlreadySlashed", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const op = f.fx.members[2];
      // Two outputs for node 3 with different inputs: the honest one and a wrong one.
      const a = honest(f, 3);
      const b = { ...wrong(f, 3), left: ethers.id("other left") };
      const sa = await signChunkOutput(op.signer, f.domain, a);
      const sb = await signChunkOutput(op.signer, f.domain, b);
      const tx = f.slasher.connect(f.reporter).reportEquivocation(a, sa, b, sb);
      await expect(tx)
        .to.emit(f.slasher, "InvalidWorkSlashed")
        .withArgs(
          op.address,
          f.slot,
          3n,
          f.reporter.address,
          ethers.id("EQUIVOCATION"),
          SLASH_AMOUNT,
          REWARD,
        );
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.fx.token,
        [f.fx.table, f.reporter, BURN_SINK],
        [-SLASH_AMOUNT, REWARD, SLASH_AMOUNT - REWARD],
      );
      const before = await state(f, op, [3]);
      const already = (p: Promise<unknown>) =>
        expect(p)
          .to.be.revertedWithCustomError(f.slasher, "AlreadySlashed")
          .withArgs(op.address, f.slot, 3n);
      await already(f.slasher.connect(f.reporter).reportEquivocation(a, sa, b, sb));
      await already(f.slasher.connect(f.outsider).reportEquivocation(b, sb, a, sa));
      await already(f.slasher.connect(f.outsider).reportWrongOutput(b, sb));
      const c = wrong(f, 3, "third");
      const sc = await signChunkOutput(op.signer, f.domain, c);
      await already(f.slasher.connect(f.outsider).reportEquivocation(a, sa, c, sc));
      expect(await state(f, op, [3])).to.deep.equal(before);
      expect((await f.fx.table.operatorInfo(op.address)).balance).to.equal(op.stake - SLASH_AMOUNT);
    });

    it("a wrong output slashed first makes its equivocation AlreadySlashed", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const op = f.fx.members[0];
      const a = honest(f, 2);
      const b = wrong(f, 2);
      const sa = await signChunkOutput(op.signer, f.domain, a);
      const sb = await signChunkOutput(op.signer, f.domain, b);
      await f.slasher.connect(f.reporter).reportWrongOutput(b, sb);
      await expect(f.slasher.connect(f.reporter).reportEquivocation(a, sa, b, sb))
        .to.be.revertedWithCustomError(f.slasher, "AlreadySlashed")
        .withArgs(op.address, f.slot, 2n);
    });

    it("rejects the same output twice, different nodes or slots, and different signers", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const [op, other] = f.fx.members;
      const before = await state(f, op, [1, 2]);
      const a = wrong(f, 2);
      const sa = await signChunkOutput(op.signer, f.domain, a);
      // Same output, other inputs: not an equivocation (the inputs do not matter).
      const sameOut = { ...a, left: ethers.id("other"), right: ethers.id("inputs") };
      const sSame = await signChunkOutput(op.signer, f.domain, sameOut);
      await expect(f.slasher.reportEquivocation(a, sa, sameOut, sSame))
        .to.be.revertedWithCustomError(f.slasher, "SameOutput")
        .withArgs(f.slot, 2n, a.output);
      await expect(f.slasher.reportEquivocation(a, sa, a, sa))
        .to.be.revertedWithCustomError(f.slasher, "SameOutput")
        .withArgs(f.slot, 2n, a.output);
      for (const b of [
        { ...wrong(f, 1), output: ethers.id("b") },
        { ...wrong(f, 2), slot: f.slot + 1n, output: ethers.id("b") },
      ]) {
        const sb = await signChunkOutput(op.signer, f.domain, b);
        await expect(f.slasher.reportEquivocation(a, sa, b, sb))
          .to.be.revertedWithCustomError(f.slasher, "DifferentNodes")
          .withArgs(a.slot, a.node, b.slot, b.node);
      }
      const b = wrong(f, 2, "other signer's");
      const sb = await signChunkOutput(other.signer, f.domain, b);
      await expect(f.slasher.reportEquivocation(a, sa, b, sb))
        .to.be.revertedWithCustomError(f.slasher, "SignersDiffer")
        .withArgs(op.address, other.address);
      expect(await state(f, op, [1, 2])).to.deep.equal(before);
    });
  });

  describe("signatures", function () {
    it("a signature for another chain, lifecycle, version or name does not slash the operator", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const op = f.fx.members[0];
      const second = await deploySlasher(f.fx, SLASH_AMOUNT, REPORTER_BPS);
      const elsewhere: TypedDataDomain[] = [
        { ...f.domain, chainId: f.fx.chainId + 1n },
        // The slasher's own address (the domain before chunk outputs moved to the lifecycle's).
        { ...f.domain, verifyingContract: await f.slasher.getAddress() },
        { ...f.domain, version: "2" },
        { ...f.domain, name: "ProverNetwork StakeTable" },
      ];
      const before = await state(f, op, [1, 2]);
      const claim = wrong(f, 1);
      const b = wrong(f, 1, "second");
      const digest = await f.slasher.chunkOutputDigest(claim);
      const digestB = await f.slasher.chunkOutputDigest(b);
      for (const domain of elsewhere) {
        const sig = await signChunkOutput(op.signer, domain, claim);
        const sigB = await signChunkOutput(op.signer, domain, b);
        const recovered = recoverAddress(digest, { r: sig.r, yParityAndS: sig.vs });
        const recoveredB = recoverAddress(digestB, { r: sigB.r, yParityAndS: sigB.vs });
        expect(recovered).to.not.equal(op.address);
        await expect(f.slasher.connect(f.reporter).reportWrongOutput(claim, sig))
          .to.be.revertedWithCustomError(f.fx.table, "NothingToSlash")
          .withArgs(recovered);
        await expect(f.slasher.connect(f.reporter).reportEquivocation(claim, sig, b, sigB))
          .to.be.revertedWithCustomError(f.slasher, "SignersDiffer")
          .withArgs(recovered, recoveredB);
      }
      expect(await state(f, op, [1, 2])).to.deep.equal(before);
      // The lifecycle's domain is the statement's: a second slasher of the same lifecycle judges
      // the same signature (a deployment registers one slasher with the stake table).
      const sig = await signChunkOutput(op.signer, f.domain, claim);
      await expect(second.connect(f.reporter).reportWrongOutput(claim, sig))
        .to.emit(second, "InvalidWorkSlashed")
        .withArgs(
          op.address,
          f.slot,
          1n,
          f.reporter.address,
          ethers.id("INVALID_CHUNK_OUTPUT"),
          SLASH_AMOUNT,
          REWARD,
        );
    });

    it("rejects high-s signatures (the malleable twin) and a signature with r = 0", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const op = f.fx.members[0];
      const claim = wrong(f, 1);
      const a = honest(f, 1);
      const sig = await signChunkOutput(op.signer, f.domain, claim);
      const sa = await signChunkOutput(op.signer, f.domain, a);
      // The twin (s' = n - s, parity flipped) recovers the operator through the precompile.
      const twin = malleableTwin(sig);
      const digest = await f.slasher.chunkOutputDigest(claim);
      expect(await ecrecover(digest, twin.parity + 27n, twin.r, twin.s)).to.equal(op.address);
      // Compact form carries s' only when it is below 2^255 (the top bit is the parity); every
      // s above n/2 that it can carry is rejected before recovery (EIP-2).
      const high = [HALF_ORDER + 1n, S_MASK, ...(twin.s <= S_MASK ? [twin.s] : [])];
      const before = await state(f, op, [1]);
      const invalid = (p: Promise<unknown>) =>
        expect(p).to.be.revertedWithCustomError(f.slasher, "InvalidSignature");
      for (const s of high) {
        for (const parity of [0n, 1n]) {
          const bad = compact(twin.r, parity, s);
          await invalid(f.slasher.reportWrongOutput(claim, bad));
          await invalid(f.slasher.reportEquivocation(a, sa, claim, bad));
          await invalid(f.slasher.reportEquivocation(claim, bad, a, sa));
        }
      }
      await invalid(f.slasher.reportWrongOutput(claim, { r: ZeroHash, vs: sig.vs }));
      expect(await state(f, op, [1])).to.deep.equal(before);
      // At exactly n/2 the signature is low-s; its signer is some other key with no stake.
      const edge = compact(sig.r, 0n, HALF_ORDER);
      const edgeSigner = recoverAddress(digest, { r: sig.r, yParityAndS: edge.vs });
      await expect(f.slasher.reportWrongOutput(claim, edge))
        .to.be.revertedWithCustomError(f.fx.table, "NothingToSlash")
        .withArgs(edgeSigner);
      await expect(f.slasher.reportWrongOutput(claim, sig)).to.emit(
        f.slasher,
        "InvalidWorkSlashed",
      );
    });

    it("a signer without stake: the stake table's NothingToSlash bubbles up", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const claim = wrong(f, 1);
      const a = honest(f, 1);
      const sig = await signChunkOutput(f.outsider, f.domain, claim);
      const sa = await signChunkOutput(f.outsider, f.domain, a);
      await expect(f.slasher.connect(f.reporter).reportWrongOutput(claim, sig))
        .to.be.revertedWithCustomError(f.fx.table, "NothingToSlash")
        .withArgs(f.outsider.address);
      await expect(f.slasher.connect(f.reporter).reportEquivocation(a, sa, claim, sig))
        .to.be.revertedWithCustomError(f.fx.table, "NothingToSlash")
        .withArgs(f.outsider.address);
      expect(await f.slasher.isSlashed(f.outsider.address, f.slot, 1n)).to.equal(false);
    });
  });

  describe("evidence window", function () {
    it("accepts evidence up to closesAt + SLASHING_WINDOW: deadline-1 and deadline in, deadline+1 out", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const op = f.fx.members[0];
      const deadline = proofWindow(f.fx.clock, f.slot).closesAt + f.fx.params.slashingWindow;
      expect(await f.slasher.evidenceDeadline(f.slot)).to.equal(deadline);
      const report = async (node: number) => {
        const claim = wrong(f, node);
        return f.slasher.reportWrongOutput(
          claim,
          await signChunkOutput(op.signer, f.domain, claim),
        );
      };
      await mineUntilNextBlockIs(ethers, mine, deadline - 1n);
      await expect(report(1)).to.emit(f.slasher, "InvalidWorkSlashed");
      expect(await nextBlockNumber(ethers)).to.equal(deadline);
      await expect(report(2)).to.emit(f.slasher, "InvalidWorkSlashed");
      expect(await nextBlockNumber(ethers)).to.equal(deadline + 1n);
      const before = await state(f, op, [3]);
      await expect(report(3))
        .to.be.revertedWithCustomError(f.slasher, "EvidenceExpired")
        .withArgs(f.slot, deadline);
      const a = honest(f, 3);
      const b = wrong(f, 3);
      const sa = await signChunkOutput(op.signer, f.domain, a);
      const sb = await signChunkOutput(op.signer, f.domain, b);
      await expect(f.slasher.reportEquivocation(a, sa, b, sb))
        .to.be.revertedWithCustomError(f.slasher, "EvidenceExpired")
        .withArgs(f.slot, deadline);
      expect(await state(f, op, [3])).to.deep.equal(before);
    });
  });

  describe("ejection", function () {
    it("a slash leaving less than the minimum ejects the operator; the rest stays slashable", async function () {
      const f = await networkHelpers.loadFixture(fixture);
      const heavy = await deploySlasher(f.fx, 450n * UNIT, REPORTER_BPS);
      const domain = chunkOutputDomain(f.fx.chainId, f.fx.lifecycleDomain.lifecycle);
      const op = f.fx.members[3];
      const claim = wrong(f, 1);
      const exitEpoch =
        (await f.fx.table.epochAt(await nextBlockNumber(ethers))) + f.fx.params.activationLag;
      const withdrawableAt = (await f.fx.table.epochStartBlock(exitEpoch)) + f.fx.params.exitDelay;
      await expect(
        heavy
          .connect(f.reporter)
          .reportWrongOutput(claim, await signChunkOutput(op.signer, domain, claim)),
      )
        .to.emit(f.fx.table, "ExitInitiated")
        .withArgs(op.address, op.stake - 450n * UNIT, exitEpoch, withdrawableAt, true);
      const info = await f.fx.table.operatorInfo(op.address);
      expect(info.status).to.equal(Status.Exiting);
      expect(info.balance).to.equal(op.stake - 450n * UNIT);
      // Another offence takes what is left (capped at the balance), with the same split.
      const a = honest(f, 2);
      const b = wrong(f, 2);
      const rest = op.stake - 450n * UNIT;
      const reward = (rest * REPORTER_BPS) / 10_000n;
      const tx = heavy
        .connect(f.reporter)
        .reportEquivocation(
          a,
          await signChunkOutput(op.signer, domain, a),
          b,
          await signChunkOutput(op.signer, domain, b),
        );
      await expect(tx)
        .to.emit(heavy, "InvalidWorkSlashed")
        .withArgs(
          op.address,
          f.slot,
          2n,
          f.reporter.address,
          ethers.id("EQUIVOCATION"),
          rest,
          reward,
        );
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.fx.token,
        [f.fx.table, f.reporter, BURN_SINK],
        [-rest, reward, rest - reward],
      );
      expect((await f.fx.table.operatorInfo(op.address)).balance).to.equal(0n);
    });
  });
});

describe("StakeTable.slashWithReward", function () {
  async function stakeFixture(): Promise<StakeFixture> {
    const fx = await deployStakeTable(ethers);
    await register(fx, fx.signers[0], 200n * UNIT);
    return fx;
  }

  it("is restricted to the slasher role and checks the reporter, its share and the amount", async function () {
    const fx = await networkHelpers.loadFixture(stakeFixture);
    const [op, reporter] = fx.signers;
    const table = fx.table.connect(fx.slasher);
    await expect(
      fx.table.connect(op).slashWithReward(op.address, 1n, ZeroHash, reporter.address, 0n),
    )
      .to.be.revertedWithCustomError(fx.table, "AccessControlUnauthorizedAccount")
      .withArgs(op.address, await fx.table.SLASHER_ROLE());
    await expect(
      table.slashWithReward(op.address, 1n, ZeroHash, ethers.ZeroAddress, 0n),
    ).to.be.revertedWithCustomError(fx.table, "ZeroAddress");
    await expect(table.slashWithReward(op.address, 1n, ZeroHash, reporter.address, 10_001n))
      .to.be.revertedWithCustomError(fx.table, "InvalidReporterBps")
      .withArgs(10_001n);
    await expect(
      table.slashWithReward(op.address, 0n, ZeroHash, reporter.address, 0n),
    ).to.be.revertedWithCustomError(fx.table, "ZeroAmount");
    await expect(table.slashWithReward(fx.signers[5].address, 1n, ZeroHash, reporter.address, 0n))
      .to.be.revertedWithCustomError(fx.table, "NothingToSlash")
      .withArgs(fx.signers[5].address);
    expect((await fx.table.operatorInfo(op.address)).balance).to.equal(200n * UNIT);
  });

  it("conserves tokens: the operator's loss is the reporter's gain plus the sink's", async function () {
    const fx = await networkHelpers.loadFixture(stakeFixture);
    const [op] = fx.signers;
    const reporter = fx.signers[13];
    const table = fx.table.connect(fx.slasher);
    let balance = 200n * UNIT;
    for (const [amount, bps] of [
      [7n, 3_333n],
      [UNIT + 1n, 1n],
      [10n * UNIT, 0n],
      [3n * UNIT, 10_000n],
      [12_345n, 9_999n],
    ] as const) {
      const reward = (amount * bps) / 10_000n;
      const reason = ethers.id(`case ${amount} ${bps}`);
      const tx = table.slashWithReward(op.address, amount, reason, reporter.address, bps);
      await expect(tx)
        .to.emit(fx.table, "Slashed")
        .withArgs(op.address, amount, balance - amount, reason);
      await expect(tx)
        .to.emit(fx.table, "ReporterRewarded")
        .withArgs(op.address, reporter.address, reward);
      await expect(tx).to.changeTokenBalances(
        ethers,
        fx.token,
        [fx.table, reporter, BURN_SINK],
        [-amount, reward, amount - reward],
      );
      balance -= amount;
      expect((await fx.table.operatorInfo(op.address)).balance).to.equal(balance);
    }
    const [staticSlashed, staticReward] = await table.slashWithReward.staticCall(
      op.address,
      ethers.MaxUint256,
      ZeroHash,
      reporter.address,
      5_000n,
    );
    expect([staticSlashed, staticReward]).to.deep.equal([balance, balance / 2n]);
  });

  it("slash is unchanged: everything to the sink, no reporter event", async function () {
    const fx = await networkHelpers.loadFixture(stakeFixture);
    const [op] = fx.signers;
    const tx = fx.table.connect(fx.slasher).slash(op.address, 60n * UNIT, ZeroHash);
    await expect(tx)
      .to.emit(fx.table, "Slashed")
      .withArgs(op.address, 60n * UNIT, 140n * UNIT, ZeroHash);
    await expect(tx).to.not.emit(fx.table, "ReporterRewarded");
    await expect(tx).to.changeTokenBalances(
      ethers,
      fx.token,
      [fx.table, BURN_SINK],
      [-60n * UNIT, 60n * UNIT],
    );
  });
});
