/**
 * `npm run prover -- --config <file>`: one operator's prover node (src/node/runtime.ts).
 * See docs/operators.md.
 */
import { nodeMain } from "../src/node/main.js";

process.exitCode = await nodeMain("prover", process.argv.slice(2));
process.exit();
