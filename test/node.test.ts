/**
 * The operator node's parts (src/node/), without a chain: the store that stands between signing
 * and sending (a restart between the two sends the stored statement; a chunk with more subtree
 * signatures is the same statement; a different statement is a conflict and is refused), the
 * config schema (a bad value names its key), EIP-2335 keystores (round trip, wrong password,
 * never overwritten, plaintext files load with a warning), the chain follower's reorg rollback,
 * peer-directory records, and the devnet's prover count.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { Wallet, ZeroHash, keccak256, toUtf8Bytes } from "ethers";

import type { ChainEvent } from "../src/client/chain.js";
import type { ChunkMessage, Message, Transport, VoteMessage } from "../src/client/messages.js";
import { ConfigError, parseNodeConfig } from "../src/node/config.js";
import { DevnetError, parseProverCount } from "../src/node/devnet.js";
import { ChainFollower, type ChainSource } from "../src/node/follower.js";
import {
  compressedPublicKey,
  createKeystore,
  decryptKeystore,
  loadBlsKeyFile,
  writeKeystore,
} from "../src/node/keystore.js";
import { metricValue } from "../src/node/metrics.js";
import { verifyPeerRecord, type PeerRecord } from "../src/node/p2p.js";
import { publishPeerRecord, refreshPeers } from "../src/node/peers.js";
import { GatedTransport, NodeStore, messageKey, type StoredMessage } from "../src/node/store.js";
import { OperatorError } from "../src/operator/errors.js";
import { keyHashOf, writeKeyFile } from "../src/operator/keys.js";
import { secretKeyFromSeed } from "../src/protocol/bls.js";
import {
  chunkOutputDomain,
  signChunkOutput,
  standInChunkOutput,
  type ChunkOutput,
} from "../src/protocol/chunks.js";
import { signTimeoutVote, timeoutVoteDomain } from "../src/protocol/lifecycle.js";

const wallet = new Wallet(keccak256(toUtf8Bytes("node-test-operator")));
const LIFECYCLE = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const domain = chunkOutputDomain(31337n, LIFECYCLE);

async function chunk(left: string, signatures = 0): Promise<ChunkMessage> {
  const output: ChunkOutput = {
    slot: 40n,
    node: 3n,
    left,
    right: ZeroHash,
    output: standInChunkOutput(40n, 3, left, ZeroHash),
  };
  const signature = await signChunkOutput(wallet, domain, output);
  const attached = new Map<string, { r: string; vs: string }>();
  for (let i = 0; i < signatures; i++) attached.set(`${6 + i}:${i}`, signature);
  return {
    kind: "chunk",
    output,
    signature,
    member: 2,
    provenance: new Map([[3, [2]]]),
    signatures: attached,
  };
}

async function vote(round: number, slot = 40n): Promise<VoteMessage> {
  const signature = await signTimeoutVote(
    wallet,
    timeoutVoteDomain(31337n, LIFECYCLE),
    slot,
    round,
  );
  return { kind: "vote", slot, round, member: 2, signature };
}

/** A transport that records what it was asked to send. */
class Recorder implements Transport {
  readonly sent: Message[] = [];
  send(_from: string, _to: string, message: Message): void {
    this.sent.push(message);
  }
}

describe("operator node (src/node)", function () {
  let dir: string;

  beforeEach(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "node-test-"));
  });

  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  describe("store: one signed statement per key, across restarts", function () {
    it("a restart between signing and sending sends the stored output, never a second one", async function () {
      const first = await chunk(keccak256("0x01"));
      let store = await NodeStore.open(dir);
      const admitted = await store.admit(first);
      expect(admitted.conflict).to.equal(false);
      expect(admitted.send).to.equal(first);
      // Crash: the output was written but never sent. After the restart the client signs again.
      await store.close();
      store = await NodeStore.open(dir);
      expect(store.storedFor(first)).to.deep.equal(first);
      const again = await store.admit(await chunk(keccak256("0x01")));
      expect(again).to.include({ conflict: false, known: true });
      expect(store.replayed).to.equal(1);
      // A different output for the same (slot, node) is refused; the stored one goes out.
      const other = await chunk(keccak256("0x02"));
      const refused = await store.admit(other);
      expect(refused.conflict).to.equal(true);
      expect(refused.send).to.deep.equal(first);
      expect(store.conflicts).to.equal(1);
      await store.close();
    });

    it("the same signed output with more subtree signatures is not a conflict and replaces the copy", async function () {
      const store = await NodeStore.open(dir);
      await store.admit(await chunk(keccak256("0x01"), 2));
      const grown = await chunk(keccak256("0x01"), 30);
      const admitted = await store.admit(grown);
      expect(admitted).to.include({ conflict: false, known: true });
      expect(admitted.send).to.equal(grown);
      expect(store.conflicts).to.equal(0);
      await store.close();
      const reopened = await NodeStore.open(dir);
      const stored = reopened.storedFor(grown) as ChunkMessage;
      expect(stored.signatures.size).to.equal(30);
      // A copy with fewer signatures (another parent's provenance) still goes out as it is.
      const fewer = await chunk(keccak256("0x01"), 1);
      expect((await reopened.admit(fewer)).send).to.equal(fewer);
      expect(reopened.conflicts).to.equal(0);
      await reopened.close();
    });

    it("votes and block data: a different signature or different data for the key is refused", async function () {
      const store = await NodeStore.open(dir);
      const v = await vote(1);
      await store.admit(v);
      expect((await store.admit(await vote(1))).conflict).to.equal(false);
      const forged: VoteMessage = { ...v, signature: (await vote(2)).signature };
      const refused = await store.admit(forged);
      expect(refused.conflict).to.equal(true);
      expect(refused.send).to.deep.equal(v);
      expect(messageKey(await vote(2))).to.not.equal(messageKey(v));
      const data = (leaf: string): StoredMessage => ({
        kind: "data",
        data: { slot: 40n, txCommitment: keccak256(leaf), leafInputs: [leaf] },
      });
      await store.admit(data(keccak256("0x0a")));
      expect((await store.admit(data(keccak256("0x0b")))).conflict).to.equal(true);
      expect(store.conflicts).to.equal(2);
      await store.close();
    });

    it("the gated transport writes before it sends and sends the stored statement on a conflict", async function () {
      const store = await NodeStore.open(dir);
      const inner = new Recorder();
      const conflicts: Message[] = [];
      const gated = new GatedTransport(store, inner, (_stored, refused) => conflicts.push(refused));
      const first = await chunk(keccak256("0x01"));
      const other = await chunk(keccak256("0x02"));
      gated.send(wallet.address, wallet.address, first);
      gated.send(wallet.address, wallet.address, other);
      await gated.flush();
      expect(inner.sent).to.deep.equal([first, first]);
      expect(conflicts).to.deep.equal([other]);
      expect(store.counts()).to.deep.equal({ chunk: 1, vote: 0, data: 0 });
      await store.putReceivedData({ slot: 40n, txCommitment: keccak256("0x0c"), leafInputs: [] });
      expect((await store.receivedData()).length).to.equal(1);
      expect(await store.prune(41n)).to.equal(2);
      expect(store.counts()).to.deep.equal({ chunk: 0, vote: 0, data: 0 });
      expect(await store.receivedData()).to.deep.equal([]);
      await store.close();
    });
  });

  describe("config", function () {
    const valid = {
      role: "prover",
      rpcUrl: "http://127.0.0.1:8545",
      deployment: {
        rewards: "0xa513E6E4b8f2a923D98304ec87F64353C4D5C853",
        slasher: "0x2279B7A0a67DB372996a5FaB50D91eAA73d2eBe6",
      },
      dataDir: "data",
      bls: { keystore: "keys/k.json", passwordFile: "keys/password.txt" },
    };
    const refusal = (raw: unknown): ConfigError => {
      try {
        parseNodeConfig(raw, "/base");
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        return error as ConfigError;
      }
      throw new Error("expected a ConfigError");
    };

    it("fills the defaults and resolves paths against the config's directory", function () {
      const config = parseNodeConfig(valid, "/base");
      expect(config.dataDir).to.equal("/base/data");
      expect(config.bls.keystore).to.equal("/base/keys/k.json");
      expect(config.metrics).to.deep.equal({ host: "127.0.0.1", port: 9464 });
      expect(config.p2p.listen).to.deep.equal(["/ip4/127.0.0.1/tcp/0"]);
      expect(config.operator.privateKeyEnv).to.equal("PROVER_PRIVATE_KEY");
      expect(config.deployment.fromBlock).to.equal(0);
      expect(config.sequencer.feeSplitBps).to.equal(0);
    });

    it("names the bad key", function () {
      expect(refusal({ ...valid, rpcUrl: "ws://x" }).key).to.equal("rpcUrl");
      expect(refusal({ ...valid, role: undefined }).message).to.equal("role: is required");
      expect(refusal({ ...valid, p2p: { listen: ["tcp/1"] } }).key).to.equal("p2p.listen[0]");
      const unknown = refusal({ ...valid, p2p: { lisen: [] } });
      expect(unknown.key).to.equal("p2p.lisen");
      expect(unknown.message).to.match(/unknown key/);
      expect(refusal({ ...valid, deployment: { rewards: "0x12", slasher: "0x34" } }).key).to.equal(
        "deployment.rewards",
      );
      expect(refusal({ ...valid, bls: { keystore: "a", keyFile: "b" } }).key).to.equal(
        "bls.keyFile",
      );
      expect(refusal({ ...valid, metrics: { port: 70_000 } }).key).to.equal("metrics.port");
      expect(refusal({ ...valid, prover: { rota: { index: 3, size: 2 } } }).key).to.equal(
        "prover.rota.index",
      );
      expect(refusal({ ...valid, deployment: {} }).key).to.equal("deployment");
      expect(refusal({ ...valid, extra: 1 }).key).to.equal("extra");
    });
  });

  describe("EIP-2335 keystores", function () {
    const key = secretKeyFromSeed("node-test-bls");

    it("round trip: written 0600 with the key's pubkey, decrypted with the password from a file", async function () {
      const file = path.join(dir, "sub", "k.keystore.json");
      const { publicKeyHash } = await writeKeystore(file, key, "correct horse battery");
      expect(publicKeyHash).to.equal(keyHashOf(key));
      expect((await stat(file)).mode & 0o777).to.equal(0o600);
      const json = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
      expect(json.version).to.equal(4);
      expect(json.pubkey).to.equal(Buffer.from(compressedPublicKey(key)).toString("hex"));
      expect(JSON.stringify(json)).to.not.include(Buffer.from(key).toString("hex"));
      const passwordFile = path.join(dir, "password.txt");
      await writeFile(passwordFile, "correct horse battery\n");
      const warnings: string[] = [];
      const loaded = await loadBlsKeyFile(file, { passwordFile }, (w) => warnings.push(w));
      expect(loaded).to.deep.equal(key);
      expect(warnings).to.deep.equal([]);
    });

    it("refuses a wrong password, a weak one, and overwriting; plaintext files load with a warning", async function () {
      const text = await createKeystore(key, "correct horse battery");
      const wrong = await decryptKeystore(text, "wrong password!").catch((e: unknown) => e);
      expect(wrong).to.be.instanceOf(OperatorError);
      expect((wrong as OperatorError).code).to.equal("WrongPassword");
      const weak = await createKeystore(key, "short").catch((e: unknown) => e);
      expect((weak as OperatorError).code).to.equal("WeakPassword");
      const file = path.join(dir, "k.keystore.json");
      await writeKeystore(file, key, "correct horse battery");
      const again = await writeKeystore(file, key, "correct horse battery").catch(
        (e: unknown) => e,
      );
      expect((again as OperatorError).code).to.equal("KeyFileExists");
      process.env.NODE_TEST_BLS_PASSWORD = "correct horse battery";
      expect(
        await loadBlsKeyFile(file, { passwordEnv: "NODE_TEST_BLS_PASSWORD" }, () => {}),
      ).to.deep.equal(key);
      delete process.env.NODE_TEST_BLS_PASSWORD;
      const missing = await loadBlsKeyFile(
        file,
        { passwordEnv: "NODE_TEST_BLS_PASSWORD" },
        () => {},
      ).catch((e: unknown) => e);
      expect((missing as OperatorError).code).to.equal("NoPassword");
      const legacy = path.join(dir, "k.bls.json");
      await writeKeyFile(legacy, key);
      const warnings: string[] = [];
      expect(await loadBlsKeyFile(legacy, {}, (w) => warnings.push(w))).to.deep.equal(key);
      expect(warnings.length).to.equal(1);
      expect(warnings[0]).to.match(/plaintext/);
    });
  });

  describe("chain follower", function () {
    /** A chain of blocks `0..head`, each with one event; `fork(n, tag)` replaces blocks ≥ n. */
    class FakeChain implements ChainSource {
      blocks: Array<{ hash: string; parentHash: string; tag: string }> = [];
      constructor(length: number) {
        for (let i = 0; i < length; i++) this.push("a");
      }
      push(tag: string) {
        const parentHash = this.blocks.at(-1)?.hash ?? ZeroHash;
        const n = this.blocks.length;
        this.blocks.push({
          hash: keccak256(toUtf8Bytes(`${tag}:${n}:${parentHash}`)),
          parentHash,
          tag,
        });
      }
      fork(from: number, tag: string, length: number) {
        this.blocks.length = from;
        while (this.blocks.length < length) this.push(tag);
      }
      async blockNumber() {
        return this.blocks.length - 1;
      }
      async header(n: number) {
        return this.blocks[n] ?? null;
      }
      async events(from: number, to: number): Promise<ChainEvent[]> {
        const out: ChainEvent[] = [];
        for (let n = from; n <= to; n++) {
          out.push({
            name: "BlockPruned",
            slot: BigInt(n),
            l1Block: n,
            tag: this.blocks[n].tag,
          } as ChainEvent);
        }
        return out;
      }
    }

    it("reads new blocks in bounded log ranges, and rolls a reorg back to the common ancestor", async function () {
      const chain = new FakeChain(20);
      const follower = new ChainFollower(chain, { fromBlock: 5, reorgDepth: 8, maxLogRange: 4 });
      const first = await follower.poll();
      expect(first.kind).to.equal("advanced");
      expect(follower.events().map((e) => e.l1Block)).to.deep.equal(
        Array.from({ length: 15 }, (_, i) => i + 5),
      );
      expect((await follower.poll()).kind).to.equal("idle");
      chain.push("a");
      const next = await follower.poll();
      expect(next.kind === "advanced" && next.events.map((e) => e.l1Block)).to.deep.equal([20]);
      // Blocks 17.. are replaced by another branch, longer by two.
      chain.fork(17, "b", 23);
      const reorg = await follower.poll();
      expect(reorg.kind).to.equal("reorg");
      expect(reorg.kind === "reorg" && reorg.ancestor).to.equal(16);
      expect(follower.reorgs).to.equal(1);
      const tags = follower.events().map((e) => `${e.l1Block}${(e as { tag?: string }).tag}`);
      expect(tags.slice(-7)).to.deep.equal(["16a", "17b", "18b", "19b", "20b", "21b", "22b"]);
      expect(follower.processed).to.equal(22);
      expect((await follower.poll()).kind).to.equal("idle");
    });

    it("a head read just before the chain moved back is one reorg, and the follower waits for the blocks", async function () {
      const chain = new FakeChain(20);
      const follower = new ChainFollower(chain, { fromBlock: 0, reorgDepth: 8, maxLogRange: 100 });
      await follower.poll();
      // An evm_revert-like step back to block 15 after the head (19) was read: the node asks for
      // headers that are gone.
      let stale: number | undefined = 19;
      const source: ChainSource = {
        blockNumber: async () => stale ?? chain.blockNumber(),
        header: (n) => chain.header(n),
        events: (from, to) => chain.events(from, to),
      };
      const behind = new ChainFollower(source, { fromBlock: 0, reorgDepth: 8, maxLogRange: 100 });
      await behind.poll();
      chain.fork(16, "c", 16);
      const first = await behind.poll();
      expect(first.kind).to.equal("reorg");
      expect(behind.reorgs).to.equal(1);
      expect(behind.processed).to.equal(15);
      stale = undefined;
      chain.fork(16, "c", 21);
      const next = await behind.poll();
      expect(next.kind).to.equal("advanced");
      expect(behind.reorgs).to.equal(1);
      expect(behind.processed).to.equal(20);
      expect(follower.reorgs).to.equal(0);
    });
  });

  describe("peer records in a shared directory", function () {
    it("publishes a signed record and accepts only verified ones", async function () {
      const record = {
        operator: wallet.address,
        peerId: "12D3KooWPY6rDDwy8nfBoPwoWQZvh45Fu7tWqPQzgZhEBC5wKCJp",
        addrs: ["/ip4/127.0.0.1/tcp/4001"],
        chainId: "31337",
        seq: 7,
      };
      // Signed the way Libp2pTransport.peerRecord signs (verifyPeerRecord's digest).
      const { AbiCoder } = await import("ethers");
      const digest = keccak256(
        AbiCoder.defaultAbiCoder().encode(
          ["string", "address", "string", "string[]", "uint256", "uint256"],
          ["PROVERNET_V1_PEER_RECORD", record.operator, record.peerId, record.addrs, 31337n, 7],
        ),
      );
      const signed: PeerRecord = { ...record, signature: await wallet.signMessage(digest) };
      const peers = path.join(dir, "peers");
      await publishPeerRecord(peers, signed);
      await writeFile(path.join(peers, "forged.json"), JSON.stringify({ ...signed, seq: 8 }));
      await writeFile(path.join(peers, "garbage.json"), "{");
      const held: PeerRecord[] = [];
      const result = await refreshPeers(
        { addPeer: (r: unknown) => (held.push(verifyPeerRecord(r, 31337n)), held.at(-1)!) },
        { directory: peers, bootstrap: [] },
        "0x0000000000000000000000000000000000000001",
      );
      expect(result).to.deep.equal({ accepted: 1, refused: 2 });
      expect(held.map((r) => r.seq)).to.deep.equal([7]);
    });
  });

  it("devnet: the prover count is 1..18, anything else is a clear error", function () {
    expect(parseProverCount("18")).to.equal(18);
    expect(parseProverCount(1)).to.equal(1);
    for (const bad of ["0", "19", "x", "2.5"]) {
      expect(() => parseProverCount(bad)).to.throw(DevnetError, /1\.\.18/);
    }
  });

  it("metrics text: reads a sample by name and labels", function () {
    const text = [
      "# HELP provernet_store_conflicts x",
      'provernet_store_conflicts{role="prover",operator="0x1"} 0',
      'provernet_dropped_messages{reason="notMember",role="prover"} 3',
      'provernet_dropped_messages{reason="wrongSlot",role="prover"} 1',
    ].join("\n");
    expect(metricValue(text, "provernet_store_conflicts")).to.equal(0);
    expect(metricValue(text, "provernet_dropped_messages", { reason: "wrongSlot" })).to.equal(1);
    expect(metricValue(text, "provernet_missing")).to.equal(undefined);
  });
});
