import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { UsageError, helpText, parseCli } from "../src/cli.js";
import {
  BLOCKS_HELP,
  DEPLOY_HELP,
  NODE_HELP,
  parseBlocksArguments,
  parseDeployArguments,
  parseNodeArguments,
} from "../src/deploy/cli.js";
import { parseSimCommand, type SimCommand } from "../src/sim/cli.js";
import { COMPARE_USAGE } from "../src/sim/compare.js";
import { DEFAULT_OPTIONS, OptionError, SIM_FLAGS, USAGE } from "../src/sim/options.js";
import { DEFAULT_SWEEP, SWEEP_SPECS, SWEEP_USAGE } from "../src/sim/sweep.js";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The OptionError `parseSimCommand(argv)` throws. */
function simError(argv: string[]): OptionError {
  try {
    parseSimCommand(argv);
  } catch (error) {
    if (error instanceof OptionError) return error;
    throw error;
  }
  throw new Error(`parseSimCommand(${argv.join(" ")}) did not throw`);
}

function helpOf(parsed: SimCommand): string {
  expect(parsed.help).to.equal(true);
  return parsed.help ? parsed.usage : "";
}

describe("command lines (node:util parseArgs): sim, sim compare, sim sweep, deploy, node, blocks", function () {
  it("deploy: defaults, every flag, --verify, and refusals", function () {
    expect(parseDeployArguments([])).to.deep.equal({
      network: "localhost",
      parameters: undefined,
      dryRun: false,
      yes: false,
      verify: false,
      help: false,
    });
    const all = parseDeployArguments(
      "--network sepolia --parameters p.json --dry-run --yes --verify".split(" "),
    );
    expect(all).to.deep.equal({
      network: "sepolia",
      parameters: "p.json",
      dryRun: true,
      yes: true,
      verify: true,
      help: false,
    });
    expect(parseDeployArguments(["--network=sepolia"]).network).to.equal("sepolia");
    expect(parseDeployArguments(["-h"]).help).to.equal(true);
    expect(() => parseDeployArguments(["--network"])).to.throw(
      UsageError,
      "--network needs a value",
    );
    expect(() => parseDeployArguments(["--network", "--yes"])).to.throw(
      UsageError,
      "needs a value",
    );
    expect(() => parseDeployArguments(["--bogus"])).to.throw(UsageError, "unknown option --bogus");
    expect(() => parseDeployArguments(["sepolia"])).to.throw(UsageError, "unexpected argument");
    for (const flag of ["--network", "--parameters", "--dry-run", "--yes", "--verify", "--help"]) {
      expect(DEPLOY_HELP).to.include(flag);
    }
  });

  it("node and blocks: numbers, bounds and help", function () {
    expect(parseNodeArguments([])).to.deep.equal({
      port: 8545,
      parameters: "deploy/parameters/local.json",
      exit: false,
      help: false,
    });
    expect(parseNodeArguments(["--port", "8546", "--exit"]).port).to.equal(8546);
    expect(() => parseNodeArguments(["--port", "70000"])).to.throw(UsageError, "not a port");
    expect(() => parseNodeArguments(["--port", "x"])).to.throw(UsageError, "needs a number");
    expect(parseBlocksArguments(["--blocks", "12"]).blocks).to.equal(12);
    expect(parseBlocksArguments([]).blocks).to.equal(6);
    expect(() => parseBlocksArguments(["--blocks", "0"])).to.throw(UsageError, "at least 1");
    expect(NODE_HELP).to.include("--port <n>").and.include("--exit");
    expect(BLOCKS_HELP).to.include("--blocks <n>").and.include("(default 6)");
  });

  it("help text is generated from the option table, aligned, with defaults", function () {
    const specs = [
      { name: "alpha", type: "string", value: "<a>", description: "first", default: "1" },
      { name: "b", type: "boolean", description: "second" },
    ] as const;
    const text = helpText("usage: x", "Does x.", specs);
    expect(text.split("\n")).to.deep.equal([
      "usage: x",
      "",
      "Does x.",
      "",
      "  --alpha <a>  first (default 1)",
      "  --b          second",
      "  -h, --help   this text",
    ]);
    expect(parseCli(["--alpha", "2", "--b"], specs).values).to.include({ alpha: "2", b: true });
  });

  it("sim: --help is generated from the option table; a bad flag is a usage error with sim's help", function () {
    for (const argv of [["--help"], ["-h"], ["--provers", "8", "--help"]]) {
      const help = helpOf(parseSimCommand(argv));
      expect(help).to.equal(USAGE);
    }
    for (const f of SIM_FLAGS) expect(USAGE).to.include(`--${f.flag} ${f.value}`);
    expect(USAGE).to.include(`(default ${DEFAULT_OPTIONS.provers})`);
    const run = parseSimCommand(["--provers", "8", "--blocks=2", "--policy", "seed002"]);
    expect(run.command).to.equal("run");
    expect(!run.help && run.command === "run" && run.options.provers).to.equal(8);
    const bogus = simError(["--bogus", "1"]);
    expect(bogus.message).to.equal("unknown option --bogus");
    expect(bogus.usage).to.equal(USAGE);
    expect(simError(["--provers"]).message).to.equal("--provers needs a value");
    expect(simError(["--provers", "x"]).message).to.equal("--provers needs a number, got x");
    expect(simError(["extra"]).message).to.equal("unexpected argument extra");
    // A value the simulator refuses still gets sim's help.
    expect(simError(["--provers", "0"]).usage).to.equal(USAGE);
  });

  it("sim compare: its own help (own flags, workload flags with compare's defaults); bad flags", function () {
    const help = helpOf(parseSimCommand(["compare", "--help"]));
    expect(help).to.equal(COMPARE_USAGE);
    for (const flag of ["--policies", "--json", "--html", "--markdown", "--provers", "--seed"]) {
      expect(help).to.include(flag);
    }
    // Refused flags are parsed (to say what to do instead) but not offered.
    expect(help).not.to.include("--policy P").and.not.to.include("--network");
    expect(help).to.match(/--provers N +prover operators \(default 32\)/);
    const parsed = parseSimCommand(["compare", "--provers", "8", "--policies=seed000,vrfPath"]);
    expect(parsed.command === "compare" && !parsed.help && parsed.config.policies).to.deep.equal([
      "seed000",
      "vrfPath",
    ]);
    const bogus = simError(["compare", "--bogus"]);
    expect(bogus.message).to.equal("unknown option --bogus");
    expect(bogus.usage).to.equal(COMPARE_USAGE);
    expect(simError(["compare", "--policy", "seed000"]).message).to.include("use --policies");
    expect(simError(["compare", "--network", "localhost"]).message).to.include("no --network");
    expect(simError(["compare", "--json"]).message).to.equal("--json needs a value");
    expect(simError(["compare", "--provers", "0"]).usage).to.equal(COMPARE_USAGE);
  });

  it("sim sweep: its own help and bad flags", function () {
    const help = helpOf(parseSimCommand(["sweep", "-h"]));
    expect(help).to.equal(SWEEP_USAGE);
    for (const spec of SWEEP_SPECS) expect(help).to.include(`--${spec.name}`);
    expect(help).to.include(`(default ${DEFAULT_SWEEP.fractions.join(",")})`);
    const parsed = parseSimCommand(["sweep", "--trees", "1,2", "--blocks", "0"]);
    expect(parsed.command === "sweep" && !parsed.help && parsed.config).to.deep.include({
      trees: [1, 2],
      blocks: 0,
      trials: DEFAULT_SWEEP.trials,
    });
    const bogus = simError(["sweep", "--bogus", "1"]);
    expect(bogus.message).to.equal("unknown option --bogus");
    expect(bogus.usage).to.equal(SWEEP_USAGE);
    expect(simError(["sweep", "--trials"]).message).to.equal("--trials needs a value");
    expect(simError(["sweep", "--trials", "0"]).message).to.match(/--trials must be an integer/);
    expect(simError(["sweep", "--L", "3"]).usage).to.equal(SWEEP_USAGE);
    expect(simError(["sweep", "positional"]).message).to.equal("unexpected argument positional");
  });

  it("deploy, node and blocks: --help and a bad flag each", function () {
    const cases: Array<[string, (argv: string[]) => { help: boolean }, string, string[]]> = [
      ["deploy", parseDeployArguments, DEPLOY_HELP, ["--network", "--dry-run", "--verify"]],
      ["node", parseNodeArguments, NODE_HELP, ["--port", "--parameters", "--exit"]],
      ["blocks", parseBlocksArguments, BLOCKS_HELP, ["--blocks"]],
    ];
    for (const [name, parse, help, flags] of cases) {
      expect(parse(["--help"]).help, name).to.equal(true);
      expect(parse(["-h"]).help, name).to.equal(true);
      expect(parse([]).help, name).to.equal(false);
      for (const flag of [...flags, "--help"]) expect(help, name).to.include(flag);
      expect(help, name).to.match(/^usage: npm run /);
      expect(() => parse(["--bogus"]), name).to.throw(UsageError, "unknown option --bogus");
    }
  });

  // One run of the script itself (about 2 s: tsx and Hardhat load): its wiring of the parser,
  // the subcommand's help on stderr and exit code 2. --help of every subcommand is checked above.
  it("npm run sim's script prints the subcommand's help on a bad flag and exits 2", function () {
    const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
    const run = spawnSync(process.execPath, [tsx, "scripts/sim.ts", "compare", "--bogus"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(run.status, run.stderr).to.equal(2);
    expect(run.stderr).to.equal(`unknown option --bogus\n\n${COMPARE_USAGE}\n`);
  });
});
