/**
 * `npm run sim -- compare`: the metric computations on a hand-built report, the option parsing,
 * and a tiny workload (8 provers x 3 blocks) through `runComparison` under two or more policies,
 * with the table, Markdown, JSON and HTML writers.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import {
  COMPARE_POLICIES,
  approximateRedundantChunks,
  computeMetrics,
  formatCompareTable,
  parseCompareOptions,
  runComparison,
  writeCompareOutputs,
  type CompareResult,
} from "../src/sim/compare.js";
import { DEFAULT_OPTIONS, OptionError, POLICIES, type SimOptions } from "../src/sim/options.js";
import type { ProverReport, SimReport } from "../src/sim/report.js";
import { SMALL_NETWORK } from "./helpers/simulation.js";

const E18 = 10n ** 18n;

function prover(
  behavior: ProverReport["behavior"],
  tokens: bigint,
  chunks: number,
  slashReasons: string[] = [],
): ProverReport {
  return {
    address: `0x${"0".repeat(39)}${chunks % 10}`,
    behavior,
    electedBlocks: 3,
    chunksCredited: chunks,
    rewardsClaimed: (tokens * E18).toString(),
    slashedAmount: (BigInt(slashReasons.length) * 100n * E18).toString(),
    slashReasons,
  };
}

/** Three blocks (2 proven, 1 pruned), c = 2, L = 2: 2 · 2 · 3 = 12 assigned chunks when proven. */
function fixture(): SimReport {
  return {
    params: { ...{ provers: 4, blocks: 3, c: 2, L: 2, policy: "seed000", seed: 1 } },
    blocks: [
      {
        number: 8,
        outcome: "proven",
        rootProofs: 2,
        finalizedAtL1Block: 40,
        withheld: "none",
        asynchronous: false,
      },
      {
        number: 9,
        outcome: "proven",
        rootProofs: 1,
        finalizedAtL1Block: 44,
        withheld: "none",
        asynchronous: false,
      },
      {
        number: 10,
        outcome: "pruned",
        rootProofs: 0,
        finalizedAtL1Block: null,
        withheld: "none",
        asynchronous: false,
      },
    ],
    provers: [
      prover("honest", 10n, 4),
      prover("honest", 20n, 3),
      prover("honest", 30n, 2),
      prover("byzantine:wrongOutput", 0n, 0, ["wrongOutput", "equivocation"]),
    ],
    totals: {
      rewardsFunded: (1000n * E18).toString(),
      // 60 to the provers, 40 to the sequencer.
      rewardsClaimed: (100n * E18).toString(),
      burned: "0",
      heldByContracts: (900n * E18).toString(),
      slashed: (200n * E18).toString(),
      conserved: true,
      checks: {},
      honestSlashed: 0,
    },
    gas: { "block.propose": 100, "setup.mint": 50 },
    stats: {
      transactions: { "block.propose": 3, "setup.mint": 6 },
      failedTransactions: {},
      gasPerBlock: 100,
      l1Blocks: 60,
      seconds: 1.5,
      messages: { sent: 10, dropped: 0 },
    },
  };
}

describe("sim compare", function () {
  describe("metrics of a hand-built report", function () {
    it("reads outcomes, shares, gas and slashes from the report", function () {
      const m = computeMetrics(fixture());
      expect(m.policy).to.equal("seed000");
      expect([m.blocks, m.proven, m.timedOut, m.pruned]).to.deep.equal([3, 2, 0, 1]);
      // Honest rewards 10, 20, 30: G = (2·(10 + 40 + 90) − 4·60) / (3·60) = 40/180.
      expect(Math.abs(m.honestGini - 40 / 180)).to.be.at.most(1e-12);
      expect(m.honestProvers).to.equal(3);
      expect(m.largestShare).to.equal(0.5); // 30 of the provers' 60
      expect(m.sequencerShare).to.equal(0.4); // 40 of 100 claimed
      expect(m.proverRewards).to.equal((60n * E18).toString());
      // (3 · 100 + 6 · 50) / 3 blocks; protocol gas from the report.
      expect(m.gasPerBlock).to.equal(200);
      expect(m.protocolGasPerBlock).to.equal(100);
      expect(m.slashes).to.equal(2);
      expect(m.slashedAmount).to.equal((200n * E18).toString());
      expect(m.uncleRewards).to.equal(null);
      expect(m.conserved).to.equal(true);
    });

    it("approximates redundant chunks without the report's figure", function () {
      // 2 proven · c 2 · (2·2 − 1) = 12 positions, 9 credited.
      expect(approximateRedundantChunks(fixture())).to.equal(3);
      const m = computeMetrics(fixture());
      expect(m.redundantChunks).to.equal(3);
      expect(m.redundantSource).to.equal("approximation");
    });

    it("prefers the report's redundantChunks and uncleRewards when present", function () {
      const report: SimReport = {
        ...fixture(),
        redundantChunks: 17,
        uncleRewards: { count: 4, amount: (40n * E18).toString() },
      };
      const m = computeMetrics(report, "siblingCover");
      expect(m.policy).to.equal("siblingCover");
      expect(m.redundantChunks).to.equal(17);
      expect(m.redundantSource).to.equal("report");
      expect(m.uncleRewards).to.equal(4);
      expect(m.uncleRewardAmount).to.equal((40n * E18).toString());
      const result: CompareResult = {
        workload: { ...DEFAULT_OPTIONS, provers: 4, blocks: 3 },
        runs: [{ policy: "siblingCover", options: DEFAULT_OPTIONS, metrics: m, report }],
        skipped: [],
        token: { decimals: 18, symbol: "tPST" },
        seconds: 1,
      };
      const row = formatCompareTable(result).split("\n")[2];
      expect(row).to.match(/^siblingCover\s+2\/3\s+0\s+1\s+17\s+0\.222\s+50\.0%\s+40\.0%/);
      expect(row).to.contain("4 (40.00)");
      expect(formatCompareTable(result)).not.to.contain("approximation");
    });

    it("is 0, not NaN, with nothing claimed", function () {
      const report = fixture();
      for (const p of report.provers) p.rewardsClaimed = "0";
      report.totals.rewardsClaimed = "0";
      const m = computeMetrics(report);
      expect([m.honestGini, m.largestShare, m.sequencerShare]).to.deep.equal([0, 0, 0]);
    });
  });

  describe("options", function () {
    it("takes the workload flags and its own, and refuses --policy", function () {
      const c = parseCompareOptions(["--provers", "8", "--blocks=3", "--markdown", "x.md"]);
      expect(c.workload.provers).to.equal(8);
      expect(c.workload.blocks).to.equal(3);
      expect(c.markdown).to.equal("x.md");
      expect(c.json).to.equal("reports/compare.json");
      expect(c.policies).to.deep.equal([...COMPARE_POLICIES]);
      expect(parseCompareOptions(["--policies", "seed000,seed002"]).policies).to.deep.equal([
        "seed000",
        "seed002",
      ]);
      expect(() => parseCompareOptions(["--policy", "seed000"])).to.throw(OptionError);
      expect(() => parseCompareOptions(["--policies", "nope"])).to.throw(OptionError);
      expect(() => parseCompareOptions(["--provers", "0"])).to.throw(OptionError);
    });
  });

  describe("a tiny workload under several policies", function () {
    this.timeout(120_000);
    let result: CompareResult;
    let dir: string;
    // Every compared policy this build has (at least seed000 and one more), then an unknown one.
    const known = COMPARE_POLICIES.filter((p) => (POLICIES as readonly string[]).includes(p));
    const policies = [...(known.length >= 2 ? known : ["seed000", "seed001"]), "notAPolicy"];
    const ran = policies.slice(0, -1);
    const workload: SimOptions = {
      ...SMALL_NETWORK,
      blocks: 3,
      offline: 0.125,
      seed: 5,
    };

    before(async function () {
      dir = await mkdtemp(join(tmpdir(), "sim-compare-"));
      result = await runComparison(workload, policies);
    });

    after(async function () {
      await rm(dir, { recursive: true, force: true });
    });

    it("runs every known policy once, in order, and skips the unknown one visibly", function () {
      expect(result.runs.map((r) => r.policy)).to.deep.equal(ran);
      expect(result.skipped.map((s) => s.policy)).to.deep.equal(["notAPolicy"]);
      expect(formatCompareTable(result)).to.contain("skipped notAPolicy");
    });

    it("gives every run the same workload except the policy", function () {
      const strip = (o: SimOptions) => ({
        ...o,
        policy: undefined,
        json: undefined,
        html: undefined,
      });
      for (const run of result.runs) {
        expect(run.options.policy).to.equal(run.policy);
        expect(run.report.params.policy).to.equal(run.policy);
        expect(strip(run.options)).to.deep.equal(strip(workload));
      }
    });

    it("has every metric in range", function () {
      for (const { metrics: m, policy } of result.runs) {
        expect(m.policy).to.equal(policy);
        expect(m.blocks).to.equal(3);
        expect(m.proven + m.timedOut + m.pruned).to.equal(3);
        expect(m.redundantChunks).to.be.at.least(0);
        expect(m.honestGini).to.be.within(0, 1);
        expect(m.largestShare).to.be.within(0, 1);
        expect(m.sequencerShare).to.be.within(0, 1);
        expect(m.gasPerBlock).to.be.greaterThan(0);
        expect(m.protocolGasPerBlock).to.be.greaterThan(0);
        expect(m.gasPerBlock).to.be.at.least(m.protocolGasPerBlock);
        expect(m.slashes).to.be.at.least(0);
        expect(BigInt(m.slashedAmount) >= 0n).to.equal(true);
        expect(m.conserved).to.equal(true);
      }
    });

    it("prints a table with one row per policy", function () {
      const lines = formatCompareTable(result).split("\n");
      expect(lines[0]).to.match(/^policy\s+proven\s+timed out\s+pruned\s+redundant chunks/);
      for (const header of ["honest Gini", "largest prover", "gas/L2 block", "slashes", "uncle"]) {
        expect(lines[0]).to.contain(header);
      }
      for (const run of result.runs) {
        expect(lines.filter((l) => l.startsWith(`${run.policy} `))).to.have.length(1);
      }
    });

    it("writes JSON, Markdown and HTML with a row per policy", async function () {
      const paths = {
        json: join(dir, "compare.json"),
        html: join(dir, "sub", "compare.html"),
        markdown: join(dir, "compare.md"),
      };
      await writeCompareOutputs(result, paths, "/* chart.js */");
      const json = JSON.parse(await readFile(paths.json, "utf8")) as {
        workload: Record<string, unknown>;
        runs: { policy: string; metrics: { honestGini: number } }[];
        skipped: { policy: string }[];
      };
      expect(json.runs.map((r) => r.policy)).to.deep.equal(ran);
      expect(json.workload.provers).to.equal(8);
      expect(json.skipped[0].policy).to.equal("notAPolicy");
      const md = await readFile(paths.markdown, "utf8");
      expect(md).to.contain("--provers 8 --blocks 3 --seed 5");
      for (const run of result.runs) {
        expect(md.split("\n").filter((l) => l.startsWith(`| ${run.policy} |`))).to.have.length(1);
      }
      const html = await readFile(paths.html, "utf8");
      expect(html).to.contain("/* chart.js */");
      expect(html).to.contain('id="chart-outcomes"');
      expect(html).to.contain('id="chart-gini"');
      for (const run of result.runs) expect(html).to.contain(`<td>${run.policy}</td>`);
    });
  });
});
