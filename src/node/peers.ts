/**
 * Distributing signed peer records (`p2p.ts`): each node writes its record to
 * `<peerDirectory>/<operator>.json` (atomically: a temporary file, then a rename) and reads every
 * record in the directory and every bootstrap file or URL; each one is verified
 * (`Libp2pTransport.addPeer`: the operator key's EIP-191 signature, this chain, a newer seq) and
 * anything else is skipped and counted. It runs again every `refreshMs`, so a restarted peer's
 * new address is picked up within one period.
 */
import { mkdir, readFile, readdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";

import type { Libp2pTransport, PeerRecord } from "./p2p.js";

export interface PeerSources {
  directory?: string;
  /** Files or http(s) URLs of signed records (one record, or an array of them, per source). */
  bootstrap: readonly string[];
}

/** Writes `record` as `<directory>/<operator>.json`, atomically. */
export async function publishPeerRecord(directory: string, record: PeerRecord): Promise<string> {
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, `${record.operator}.json`);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record)}\n`);
  await rename(temporary, file);
  return file;
}

async function readSource(source: string): Promise<unknown[]> {
  let text: string;
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`${source}: HTTP ${response.status}`);
    text = await response.text();
  } else {
    text = await readFile(source, "utf8");
  }
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** Reads every source and adds the verified records; returns how many were accepted and refused. */
export async function refreshPeers(
  transport: Pick<Libp2pTransport, "addPeer">,
  sources: PeerSources,
  self: string,
): Promise<{ accepted: number; refused: number }> {
  const candidates: string[] = [...sources.bootstrap];
  if (sources.directory !== undefined) {
    try {
      for (const name of await readdir(sources.directory)) {
        if (name.endsWith(".json")) candidates.push(path.join(sources.directory, name));
      }
    } catch {
      // The directory appears when the first node publishes.
    }
  }
  let accepted = 0;
  let refused = 0;
  for (const source of candidates) {
    let records: unknown[];
    try {
      records = await readSource(source);
    } catch {
      refused++;
      continue;
    }
    for (const record of records) {
      try {
        const r = transport.addPeer(record);
        if (r.operator !== self) accepted++;
      } catch {
        refused++;
      }
    }
  }
  return { accepted, refused };
}
