/**
 * The parameters file's schema (the zod schema in src/protocol/parameters.ts) and its JSON Schema:
 *
 * - schemas/parameters.schema.json is what `npm run schema` generates now (fails until it is
 *   regenerated and committed after a change of the schema);
 * - both files in deploy/parameters/ name it in `$schema`, the loader drops `$schema` and the
 *   validator accepts it;
 * - the JSON Schema lists, per section, exactly the keys the validator knows, and forbids others;
 * - a bad value is reported with its section and key, and the rules between keys still run after
 *   the schema (loading runs both);
 * - every key has a row in docs/parameters.md, under a heading naming its module or `$global`.
 *
 * The checks of every type, width and constructor boundary are in test/parameters.test.ts.
 */
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import {
  formatIssues,
  GLOBAL_SECTION,
  moduleIds,
  PARAMETERS_JSON_SCHEMA_PATH,
  ParametersError,
  assertValidParameters,
  parametersFileSchema,
  parametersJsonSchemaText,
  parametersOf,
  POLICY_SECTION,
  readParametersFile,
  SCHEMA_KEY,
  validateParameters,
  type ParametersFile,
} from "../src/protocol/parameters.js";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const FILES = ["deploy/parameters/local.json", "deploy/parameters/sepolia.json"];

interface JsonObjectSchema {
  type?: string;
  title?: string;
  properties?: Record<string, JsonObjectSchema & { pattern?: string; enum?: string[] }>;
  additionalProperties?: boolean;
}

async function committedSchema(): Promise<{ anyOf: JsonObjectSchema[] }> {
  return JSON.parse(await readFile(path.join(root, PARAMETERS_JSON_SCHEMA_PATH), "utf8")) as {
    anyOf: JsonObjectSchema[];
  };
}

describe("Parameters: the schema and its JSON Schema", function () {
  it("the committed schemas/parameters.schema.json equals a fresh generation (npm run schema)", async function () {
    const committed = await readFile(path.join(root, PARAMETERS_JSON_SCHEMA_PATH), "utf8");
    expect(
      committed === parametersJsonSchemaText(),
      `${PARAMETERS_JSON_SCHEMA_PATH} is stale: run npm run schema and commit it`,
    ).to.equal(true);
  });

  it("both parameter files name the schema in $schema; the loader drops it, the validator accepts it", async function () {
    for (const file of FILES) {
      const raw = JSON.parse(await readFile(path.join(root, file), "utf8")) as Record<
        string,
        unknown
      >;
      expect(Object.keys(raw)[0], file).to.equal(SCHEMA_KEY);
      const target = path.resolve(path.dirname(path.join(root, file)), String(raw[SCHEMA_KEY]));
      expect(target, file).to.equal(path.join(root, PARAMETERS_JSON_SCHEMA_PATH));
      const loaded = await readParametersFile(path.join(root, file));
      expect(Object.hasOwn(loaded, SCHEMA_KEY), file).to.equal(false);
      // Handed the raw JSON, $schema included, the validator finds the same as for the loaded file.
      expect(validateParameters(raw as ParametersFile)).to.deep.equal(validateParameters(loaded));
      expect(parametersFileSchema().safeParse(raw).success, file).to.equal(true);
    }
  });

  it("a $schema that is not a text is refused by the loader and by the validator, naming $schema", async function () {
    const local = JSON.parse(await readFile(path.join(root, FILES[0]), "utf8")) as ParametersFile &
      Record<string, unknown>;
    const issues = validateParameters({ ...local, [SCHEMA_KEY]: 7 } as unknown as ParametersFile);
    expect(issues.map((i) => [i.module, i.key])).to.deep.equal([[SCHEMA_KEY, ""]]);
    expect(issues[0].message).to.include("$schema must be a text");
    const dir = await mkdtemp(path.join(tmpdir(), "parameters-"));
    try {
      const bad = path.join(dir, "bad.json");
      await writeFile(bad, JSON.stringify({ ...local, [SCHEMA_KEY]: 7 }));
      let message = "";
      await readParametersFile(bad).catch((error: Error) => (message = error.message));
      expect(message).to.include('"$schema" of the parameters file').and.include("must be a text");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("per section, the JSON Schema has exactly the keys the validator knows, and no others", async function () {
    const schema = await committedSchema();
    expect(schema.anyOf.map((s) => s.title)).to.deep.equal([
      "Parameters file, test family (TestProverSystem)",
      "Parameters file, production family (ProverSystem)",
    ]);
    for (const [index, family] of (["test", "production"] as const).entries()) {
      const file = schema.anyOf[index];
      expect(file.additionalProperties).to.equal(false);
      const ids = moduleIds(family);
      expect(Object.keys(file.properties ?? {}).sort()).to.deep.equal(
        [SCHEMA_KEY, GLOBAL_SECTION, ...ids, POLICY_SECTION].sort(),
      );
      const everyKey = new Set(ids.flatMap((id) => parametersOf(id) ?? []));
      for (const section of [GLOBAL_SECTION, ...ids, POLICY_SECTION]) {
        const s = file.properties?.[section];
        expect(s?.type, section).to.equal("object");
        expect(s?.additionalProperties, section).to.equal(false);
        const expected = section === GLOBAL_SECTION ? [...everyKey] : (parametersOf(section) ?? []);
        expect(Object.keys(s?.properties ?? {}).sort(), section).to.deep.equal(expected.sort());
      }
      const stake = file.properties?.[ids[0]]?.properties ?? {};
      expect(stake.epochLength.type).to.equal("string");
      expect(new RegExp(stake.epochLength.pattern ?? "").test("32n")).to.equal(true);
      expect(new RegExp(stake.epochLength.pattern ?? "").test("32")).to.equal(false);
      expect(new RegExp(stake.slashSink.pattern ?? "").test("0x12")).to.equal(false);
      expect(file.properties?.[POLICY_SECTION]?.properties?.name.enum).to.deep.equal([
        "striped",
        "vrfPath",
        "sortedRounds",
        "rankedProofs",
        "siblingCover",
      ]);
    }
  });

  it("a bad value is reported with its section and key; the rules between keys run as well", async function () {
    const local = await readParametersFile(path.join(root, FILES[0]));
    const file = structuredClone(local);
    file.TestProverNetwork.committeeSize = "65536n"; // does not fit uint16 (schema)
    file.TestStakeTable.exitDelay = "1n"; // < proofWindow + slashingWindow (constructor rule)
    file.TestBlockLifecycle.feeSplitScoring = "yes"; // not a boolean (schema)
    let error: unknown;
    try {
      assertValidParameters(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ParametersError);
    const issues = (error as ParametersError).issues;
    expect(issues.map((i) => [i.module, i.key]).sort()).to.deep.equal([
      ["TestBlockLifecycle", "feeSplitScoring"],
      ["TestProverNetwork", "committeeSize"],
      ["TestStakeTable", "exitDelay"],
    ]);
    const text = formatIssues(issues);
    expect(text).to.include(
      "[TestProverNetwork] committeeSize: committeeSize (65536) does not fit the constructor's uint16 (at most 65535)",
    );
    expect(text).to.include(
      '[TestBlockLifecycle] feeSplitScoring: feeSplitScoring must be a JSON boolean, true or false (got "yes")',
    );
    expect(text).to.include("[TestStakeTable] exitDelay: exitDelay (1) must be ≥ proofWindow");
  });

  it("every key of every section has a row in docs/parameters.md under its module's (or $global's) heading", async function () {
    const docs = await readFile(path.join(root, "docs", "parameters.md"), "utf8");
    // Each "### heading" with the table rows under it.
    const tables = docs
      .split(/^### /m)
      .slice(1)
      .map((part) => {
        const [heading, ...body] = part.split("\n");
        const keys = body
          .filter((line) => line.startsWith("| `"))
          .map((line) => /^\| `([^`]+)`/.exec(line)?.[1] ?? "");
        return { heading, keys };
      });
    const missing: string[] = [];
    for (const id of [...moduleIds("test"), ...moduleIds("production"), POLICY_SECTION]) {
      for (const key of parametersOf(id) ?? []) {
        const documented = tables.some(
          (t) =>
            t.keys.includes(key) &&
            (t.heading.includes(id) || t.heading.includes(`\`${GLOBAL_SECTION}\``)),
        );
        if (!documented) missing.push(`${id}.${key}`);
      }
    }
    expect(missing, "keys without a row in docs/parameters.md").to.deep.equal([]);
  });
});
