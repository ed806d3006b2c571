/**
 * The command line of `npm run prover` and `npm run sequencer`: `--config <file>` (required),
 * then the node runs until SIGTERM or SIGINT, which let the step in flight finish (its
 * transactions are sent) before the node stops and the process exits 0. A bad config exits 2
 * with the key named; a refused start (wrong key, not registered, wrong chain) exits 1.
 */
import { parseArgs } from "node:util";

import { OperatorError } from "../operator/errors.js";
import { ConfigError, readNodeConfig } from "./config.js";
import { startNode, type NodeRole } from "./runtime.js";

export function nodeHelp(role: NodeRole): string {
  return [
    `Usage: npm run ${role} -- --config <file>`,
    "",
    `Runs the ${role} node of one operator against the config's JSON-RPC endpoint.`,
    "The config file's keys are documented in docs/operators.md (Configuration).",
    "",
    "  --config <file>   the node's JSON config (required)",
    "  --help            this text",
  ].join("\n");
}

/** Runs the node of `role` from the command line `argv`; resolves with the exit code. */
export async function nodeMain(role: NodeRole, argv: readonly string[]): Promise<number> {
  let config: string | undefined;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { config: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
    });
    if (values.help === true) {
      console.log(nodeHelp(role));
      return 0;
    }
    config = values.config;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${nodeHelp(role)}`);
    return 2;
  }
  if (config === undefined) {
    console.error(`--config <file> is required\n\n${nodeHelp(role)}`);
    return 2;
  }
  try {
    const node = await startNode(await readNodeConfig(config), role);
    let signals = 0;
    const onSignal = (signal: string) => {
      signals++;
      if (signals > 1) process.exit(1);
      node.logger.info({ signal }, "stopping: finishing the step in flight");
      void node.stop();
    };
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    process.on("SIGINT", () => onSignal("SIGINT"));
    await node.done;
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`config error in ${config}: ${error.message}`);
      return 2;
    }
    if (error instanceof OperatorError) {
      console.error(`${role} refused to start (${error.code}): ${error.message}`);
      return 1;
    }
    throw error;
  }
}
