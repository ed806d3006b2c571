/**
 * The libp2p transport (`src/node/p2p.ts`) on 127.0.0.1: signed peer records, messages that
 * arrive intact (bigints and provenance maps restored, checked by the zod wire schema), and every
 * drop rule: a non-member sender, an envelope signed by someone else, one addressed to another
 * operator or chain, bytes that are no message, and a sender with no known peer record.
 */
import { expect } from "chai";
import { Wallet, keccak256, toUtf8Bytes } from "ethers";

import type { ChunkMessage, Message, VoteMessage } from "../src/client/messages.js";
import { decodeMessage, encodeMessage } from "../src/node/codec.js";
import { Libp2pTransport, verifyPeerRecord } from "../src/node/p2p.js";

const CHAIN = 31337n;
const wallet = (label: string) => new Wallet(keccak256(toUtf8Bytes(`p2p-test-${label}`)));

const VOTE: VoteMessage = {
  kind: "vote",
  slot: 12n,
  round: 1,
  member: 3,
  signature: { r: `0x${"11".repeat(32)}`, vs: `0x${"22".repeat(32)}` },
};

const CHUNK: ChunkMessage = {
  kind: "chunk",
  output: {
    slot: 12n,
    node: 5n,
    left: `0x${"aa".repeat(32)}`,
    right: `0x${"bb".repeat(32)}`,
    output: `0x${"cc".repeat(32)}`,
  },
  signature: { r: `0x${"33".repeat(32)}`, vs: `0x${"44".repeat(32)}` },
  member: 2,
  provenance: new Map([
    [10, [1]],
    [11, [2, 4]],
  ]),
  signatures: new Map([
    ["10:1", { r: `0x${"55".repeat(32)}`, vs: `0x${"66".repeat(32)}` }],
    ["11:4", { r: `0x${"77".repeat(32)}`, vs: `0x${"88".repeat(32)}` }],
  ]),
};

/** Waits (bounded by iterations, not by time) until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1500 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(done(), "condition reached").to.equal(true);
}

describe("Off-chain transport: libp2p (TCP, Noise, yamux) with signed envelopes", function () {
  const a = wallet("a");
  const b = wallet("b");
  const outsider = wallet("outsider");
  const members = new Set([a.address, b.address]);
  const inbox: Array<{ at: string; from: string; message: Message }> = [];
  const nodes: Libp2pTransport[] = [];
  let ta: Libp2pTransport;
  let tb: Libp2pTransport;
  let tc: Libp2pTransport;

  before(async function () {
    const start = async (w: Wallet) => {
      const t = await Libp2pTransport.start({
        wallet: w,
        chainId: CHAIN,
        isMember: (op) => members.has(op),
        onMessage: (from, message) => inbox.push({ at: w.address, from, message }),
      });
      nodes.push(t);
      return t;
    };
    ta = await start(a);
    tb = await start(b);
    tc = await start(outsider);
    const [ra, rb] = [await ta.peerRecord(), await tb.peerRecord()];
    ta.addPeer(rb);
    tb.addPeer(ra);
    tc.addPeer(rb);
  });

  after(async function () {
    for (const t of nodes.splice(0)) await t.stop();
  });

  it("the wire codec round-trips every message kind and refuses malformed fields", function () {
    for (const m of [VOTE, CHUNK]) expect(decodeMessage(encodeMessage(m))).to.deep.equal(m);
    const bad = JSON.parse(encodeMessage(VOTE)) as Record<string, unknown>;
    expect(() => decodeMessage(JSON.stringify({ ...bad, member: 300 }))).to.throw();
    expect(() => decodeMessage(JSON.stringify({ ...bad, slot: "-1" }))).to.throw();
    expect(() => decodeMessage(JSON.stringify({ ...bad, kind: "other" }))).to.throw();
  });

  it("peer records: signed by the operator, for this chain, newest seq wins", async function () {
    const record = await ta.peerRecord();
    expect(record.addrs.every((addr) => addr.startsWith("/ip4/127.0.0.1/"))).to.equal(true);
    expect(verifyPeerRecord(record, CHAIN).operator).to.equal(a.address);
    expect(() => verifyPeerRecord(record, 1n)).to.throw(/chain/);
    expect(() => verifyPeerRecord({ ...record, operator: b.address }, CHAIN)).to.throw(/signed by/);
    expect(() => verifyPeerRecord({ ...record, addrs: [] }, CHAIN)).to.throw();
    // An older record does not replace a newer one.
    const newer = await ta.peerRecord();
    tb.addPeer(newer);
    tb.addPeer(record);
    expect(tb.addPeer(newer).seq).to.equal(newer.seq);
  });

  it("delivers a member's messages point to point, intact", async function () {
    ta.send(a.address, b.address, VOTE);
    ta.send(a.address, b.address, CHUNK);
    await ta.flush();
    await until(() => inbox.length >= 2);
    expect(ta.stats.sent).to.equal(2);
    const got = inbox.splice(0);
    expect(got.map((g) => [g.at, g.from])).to.deep.equal([
      [b.address, a.address],
      [b.address, a.address],
    ]);
    const kinds = got.map((g) => g.message.kind).sort();
    expect(kinds).to.deep.equal(["chunk", "vote"]);
    expect(got.find((g) => g.message.kind === "chunk")!.message).to.deep.equal(CHUNK);
    expect(got.find((g) => g.message.kind === "vote")!.message).to.deep.equal(VOTE);
  });

  it("drops and counts: a non-member, a forged or misaddressed envelope, garbage, an unknown peer", async function () {
    const before = { ...tb.stats.dropped };
    // A non-member's message over the network.
    tc.send(outsider.address, b.address, VOTE);
    await tc.flush();
    await until(() => tb.stats.dropped.notMember === before.notMember + 1);
    // Envelopes handed straight to the receiver's checks.
    const text = encodeMessage(VOTE);
    const envelope = async (signer: Wallet, from: string, to: string, chainId: bigint) => {
      const { AbiCoder } = await import("ethers");
      const digest = keccak256(
        AbiCoder.defaultAbiCoder().encode(
          ["string", "address", "address", "uint256", "bytes32"],
          ["PROVERNET_V1_MESSAGE", from, to, chainId, keccak256(toUtf8Bytes(text))],
        ),
      );
      return JSON.stringify({
        from,
        to,
        chainId: chainId.toString(),
        message: text,
        signature: await signer.signMessage(digest),
      });
    };
    expect(tb.accept(await envelope(a, a.address, b.address, CHAIN))).to.equal(true);
    expect(tb.accept(await envelope(outsider, a.address, b.address, CHAIN))).to.equal(false);
    expect(tb.accept(await envelope(a, a.address, outsider.address, CHAIN))).to.equal(false);
    expect(tb.accept(await envelope(a, a.address, b.address, 1n))).to.equal(false);
    expect(tb.accept("not json")).to.equal(false);
    expect(tb.accept(JSON.stringify({ from: a.address }))).to.equal(false);
    expect(tb.stats.dropped.badSignature).to.equal(before.badSignature + 1);
    expect(tb.stats.dropped.misaddressed).to.equal(before.misaddressed + 2);
    expect(tb.stats.dropped.malformed).to.equal(before.malformed + 2);
    // No peer record for the recipient: nothing is dialled.
    tc.send(outsider.address, a.address, VOTE);
    expect(tc.stats.dropped.noPeer).to.equal(1);
    expect(() => ta.send(b.address, a.address, VOTE)).to.throw(/sends as/);
    inbox.splice(0);
  });
});
