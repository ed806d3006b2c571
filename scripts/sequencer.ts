/**
 * `npm run sequencer -- --config <file>`: the sequencer's node (src/node/runtime.ts).
 * See docs/operators.md.
 */
import { nodeMain } from "../src/node/main.js";

process.exitCode = await nodeMain("sequencer", process.argv.slice(2));
process.exit();
