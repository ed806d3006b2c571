import { expect } from "chai";

import { UsageError, helpText, parseCli } from "../src/cli.js";
import {
  BLOCKS_HELP,
  DEPLOY_HELP,
  NODE_HELP,
  parseBlocksArguments,
  parseDeployArguments,
  parseNodeArguments,
} from "../src/deploy/cli.js";

describe("command lines (node:util parseArgs): deploy, node, blocks", function () {
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
});
