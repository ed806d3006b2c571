/**
 * A local `hardhat node` as a child process, bound to 127.0.0.1: started on a port (a free one
 * by default), waited for until it answers JSON-RPC, and stopped. `npm run node` and the
 * end-to-end test use it; nothing else listens.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";

export const LOCAL_HOST = "127.0.0.1";

export interface LocalNode {
  url: string;
  port: number;
  process: ChildProcess;
  /** The node's output so far (for diagnostics). */
  output(): string;
  /** Stops the node and waits for it to exit. */
  stop(): Promise<void>;
}

export interface LocalNodeOptions {
  /** The project root (where hardhat.config.ts is). */
  root: string;
  /** Port to bind on 127.0.0.1 (default: a free one). */
  port?: number;
  /** How long to wait for the node to answer (default 120 s: it may compile first). */
  timeoutMs?: number;
  /** Echo the node's output here (default: keep it quiet). */
  echo?: (chunk: string) => void;
}

/** A TCP port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, LOCAL_HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether `url` answers `eth_chainId`. */
export async function answersJsonRpc(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    const body = (await response.json()) as { result?: string };
    return typeof body.result === "string";
  } catch {
    return false;
  }
}

/** Starts `hardhat node` on 127.0.0.1 and resolves once it answers JSON-RPC. */
export async function startLocalNode(options: LocalNodeOptions): Promise<LocalNode> {
  const port = options.port ?? (await freePort());
  const url = `http://${LOCAL_HOST}:${port}`;
  if (await answersJsonRpc(url)) {
    throw new Error(`something already answers JSON-RPC at ${url}: stop it or pick another port`);
  }
  const hardhatPackage = createRequire(import.meta.url).resolve("hardhat/package.json");
  const cli = path.join(path.dirname(hardhatPackage), "dist", "src", "cli.js");
  const child = spawn(
    process.execPath,
    [cli, "node", "--hostname", LOCAL_HOST, "--port", String(port)],
    { cwd: options.root, stdio: ["ignore", "pipe", "pipe"], env: process.env },
  );
  let output = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    options.echo?.(text);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code) => {
      exited = code;
      resolve();
    }),
  );
  const stop = async () => {
    if (exited !== undefined) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exit;
    clearTimeout(killer);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (!(await answersJsonRpc(url))) {
    if (exited !== undefined) {
      throw new Error(`hardhat node exited (code ${exited}) before answering:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`hardhat node did not answer at ${url} in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, port, process: child, output: () => output, stop };
}
