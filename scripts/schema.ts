/**
 * `npm run schema`: writes the parameters file's JSON Schema (generated from the zod schema in
 * src/protocol/parameters.ts) to schemas/parameters.schema.json. The files in deploy/parameters/
 * point to it with `"$schema"`, so editors complete and check them. test/parametersSchema.test.ts
 * fails when the committed file differs from a fresh generation.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import {
  PARAMETERS_JSON_SCHEMA_PATH,
  parametersJsonSchemaText,
} from "../src/protocol/parameters.js";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
await writeFile(path.join(root, PARAMETERS_JSON_SCHEMA_PATH), parametersJsonSchemaText());
console.log(`written: ${PARAMETERS_JSON_SCHEMA_PATH}`);
