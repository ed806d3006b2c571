import { expect } from "chai";

import { readChartJs, renderHtml } from "../src/sim/html.js";
import type { SimReport } from "../src/sim/report.js";
import { gini, lorenzCurve } from "../src/sim/stats.js";
import { formatSummary, formatTokenAmount } from "../src/sim/summary.js";

const TOKEN = { decimals: 18, symbol: "PRV" };
const E18 = 10n ** 18n;
const INJECTION = "</script><b>boom</b>";

function fixture(): SimReport {
  return {
    params: { seed: 7, provers: 6, fundingWei: (100n * E18).toString(), note: INJECTION },
    blocks: [
      {
        number: 1,
        outcome: "proven",
        rootProofs: 2,
        finalizedAtL1Block: 40,
        withheld: "none",
        asynchronous: false,
      },
      {
        number: 2,
        outcome: "proven",
        rootProofs: 4,
        finalizedAtL1Block: 44,
        withheld: "none",
        asynchronous: true,
      },
      {
        number: 3,
        outcome: "timedOut",
        rootProofs: 0,
        finalizedAtL1Block: null,
        withheld: "all",
        asynchronous: false,
      },
      {
        number: 4,
        outcome: "proven",
        rootProofs: 3,
        finalizedAtL1Block: 52,
        withheld: "subset",
        asynchronous: false,
      },
      {
        number: 5,
        outcome: "pruned",
        rootProofs: 0,
        finalizedAtL1Block: null,
        withheld: "none",
        asynchronous: false,
      },
      {
        number: 6,
        outcome: "timedOut",
        rootProofs: 0,
        finalizedAtL1Block: null,
        withheld: "none",
        asynchronous: true,
      },
    ],
    provers: [
      {
        address: "0x0000000000000000000000000000000000000001",
        behavior: "honest",
        electedBlocks: 6,
        chunksCredited: 10,
        rewardsClaimed: (1n * E18).toString(),
        slashedAmount: "0",
        slashReasons: [],
      },
      {
        address: "0x0000000000000000000000000000000000000002",
        behavior: "honest",
        electedBlocks: 6,
        chunksCredited: 20,
        rewardsClaimed: (2n * E18).toString(),
        slashedAmount: "0",
        slashReasons: [],
      },
      {
        address: "0x0000000000000000000000000000000000000003",
        behavior: "honest",
        electedBlocks: 6,
        chunksCredited: 30,
        rewardsClaimed: (3n * E18).toString(),
        slashedAmount: "0",
        slashReasons: [],
      },
      {
        address: "0x0000000000000000000000000000000000000004",
        behavior: "offline",
        electedBlocks: 6,
        chunksCredited: 0,
        rewardsClaimed: "0",
        slashedAmount: (5n * E18).toString(),
        slashReasons: ["inactivity"],
      },
      {
        address: "0x0000000000000000000000000000000000000005",
        behavior: "byzantine:wrongOutput",
        electedBlocks: 3,
        chunksCredited: 0,
        rewardsClaimed: "0",
        slashedAmount: (20n * E18).toString(),
        slashReasons: ["wrongOutput", "wrongOutput"],
      },
      {
        address: INJECTION,
        behavior: "byzantine:wrongOutput",
        electedBlocks: 3,
        chunksCredited: 1,
        rewardsClaimed: "0",
        slashedAmount: "0",
        slashReasons: [],
      },
    ],
    totals: {
      rewardsFunded: (10n * E18).toString(),
      rewardsClaimed: (6n * E18).toString(),
      burned: (1n * E18).toString(),
      heldByContracts: (3n * E18).toString(),
      slashed: (25n * E18).toString(),
      conserved: true,
      checks: { rewards: true, supply: true },
      honestSlashed: 0,
    },
    gas: { "protocol.propose": 120_000, claim: 52_619, "protocol.rootProof": 59_700.4 },
    stats: {
      transactions: { "protocol.propose": 6, claim: 3, "protocol.rootProof": 9 },
      failedTransactions: { "protocol.propose:NotLeader": 2 },
      gasPerBlock: 444_781,
      l1Blocks: 80,
      seconds: 12.5,
      messages: { sent: 1000, dropped: 12 },
    },
  };
}

/**
 * |actual - expected| <= tolerance. (chai's closeTo is replaced by the Hardhat chai matchers,
 * which take bigints only, once any test file loads them.)
 */
function expectNear(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).to.be.at.most(tolerance);
}

describe("simulation report", function () {
  describe("gini", function () {
    it("is 0 for equal values, no values and all zeros", function () {
      expect(gini([1n, 1n, 1n, 1n])).to.equal(0);
      expect(gini([])).to.equal(0);
      expect(gini([0n, 0n, 0n])).to.equal(0);
    });

    it("is (n - 1) / n when one holds everything", function () {
      expectNear(gini([0n, 0n, 0n, 7n]), 0.75, 1e-12);
      expectNear(gini([5n * E18, 0n, 0n, 0n]), 0.75, 1e-12);
    });

    it("matches hand-computed cases, in any order and at any scale", function () {
      // sorted 1,2,3,4: 2·(1+4+9+16) / (4·10) − 5/4 = 1.5 − 1.25
      expectNear(gini([1n, 2n, 3n, 4n]), 0.25, 1e-12);
      expectNear(gini([4n, 1n, 3n, 2n]), 0.25, 1e-12);
      expectNear(gini([E18 * 10n ** 20n, 0n]), 0.5, 1e-12);
      // 1,2,3: 2·14 / 18 − 4/3 = 2/9
      expectNear(gini([1n * E18, 2n * E18, 3n * E18]), 2 / 9, 1e-12);
    });

    it("rejects negative values", function () {
      expect(() => gini([1n, -1n])).to.throw(RangeError);
    });
  });

  describe("lorenzCurve", function () {
    it("runs from (0, 0) to (1, 1), monotonic and under the diagonal", function () {
      const points = lorenzCurve([5n, 1n, 0n, 10n, 3n]);
      expect(points).to.have.length(6);
      expect(points[0]).to.deep.equal({ population: 0, share: 0 });
      expect(points[points.length - 1]).to.deep.equal({ population: 1, share: 1 });
      for (let i = 1; i < points.length; i++) {
        expect(points[i].population).to.be.greaterThan(points[i - 1].population);
        expect(points[i].share).to.be.at.least(points[i - 1].share);
        expect(points[i].share).to.be.at.most(points[i].population + 1e-12);
      }
      expectNear(points[2].share, 1 / 19, 1e-12);
    });

    it("gives the equality line for no values and for all zeros", function () {
      expect(lorenzCurve([])).to.deep.equal([
        { population: 0, share: 0 },
        { population: 1, share: 1 },
      ]);
      expect(lorenzCurve([0n, 0n]).map((p) => p.share)).to.deep.equal([0, 0.5, 1]);
    });

    it("puts everything on the last point when one holds everything", function () {
      const shares = lorenzCurve([0n, 0n, 0n, 9n]).map((p) => p.share);
      expect(shares).to.deep.equal([0, 0, 0, 0, 1]);
    });
  });

  describe("formatSummary", function () {
    it("shows counts, proofs per block, classes, Gini, gas and totals", function () {
      const summary = formatSummary(fixture(), TOKEN);
      expect(summary).to.match(/proven\s+3\b/);
      expect(summary).to.match(/timed out\s+2\b/);
      expect(summary).to.match(/pruned\s+1\b/);
      expect(summary).to.match(/total\s+6\b/);
      expect(summary).to.contain("average 3.00, min 2, max 4");
      expect(summary).to.match(/honest\s+3\s+18\s+60\s+6\.00\s+0\s+0\.00/);
      expect(summary).to.match(/offline\s+1\s+6\s+0\s+0\.00\s+1\s+5\.00/);
      expect(summary).to.match(/byzantine:wrongOutput\s+2\s+6\s+1\s+0\.00\s+2\s+20\.00/);
      expect(summary).not.to.contain("slow");
      expect(summary).to.contain("Gini of honest provers' rewards: 0.222");
      expect(summary).to.contain("Gas per L2 block: 444,781");
      expect(summary).to.match(/claim\s+3\s+52,619\n\s+protocol\.propose\s+6\s+120,000/);
      expect(summary).to.match(/protocol\.rootProof\s+9\s+59,700/);
      expect(summary).to.match(/protocol\.propose:NotLeader\s+2/);
      expect(summary).to.match(/funded\s+10\.00/);
      expect(summary).to.match(/slashed\s+25\.00/);
      expect(summary).to.contain("conserved: yes");
      expect(summary).not.to.contain("\x1b[");
    });

    it("flags a conservation failure", function () {
      const report = fixture();
      report.totals.conserved = false;
      report.totals.checks.supply = false;
      const summary = formatSummary(report, TOKEN);
      expect(summary).to.contain("conserved: NO");
      expect(summary).to.contain("failed checks: supply");
    });

    it("formats token amounts rounded to 2 decimals", function () {
      expect(formatTokenAmount(1_234_567_890_000_000_000_000n, 18)).to.equal("1,234.57");
      expect(formatTokenAmount(5n * 10n ** 15n, 18)).to.equal("0.01");
      expect(formatTokenAmount(0n, 18)).to.equal("0.00");
      expect(formatTokenAmount(1234n, 0)).to.equal("1,234.00");
    });
  });

  describe("renderHtml", function () {
    const FAKE_CHARTJS = "/*CHARTJS*/";

    function embeddedJson(html: string, id: string): unknown {
      const match = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(
        html,
      );
      if (match === null) throw new Error(`no <script id="${id}"> in the page`);
      return JSON.parse(match[1]);
    }

    it("draws the four charts with the inlined library and no remote resources", function () {
      const html = renderHtml(fixture(), FAKE_CHARTJS, TOKEN);
      expect(html.startsWith("<!DOCTYPE html>")).to.equal(true);
      for (const id of [
        "chart-outcomes",
        "chart-lorenz",
        "chart-slashed-class",
        "chart-slash-reasons",
        "chart-gas",
      ]) {
        expect(html).to.contain(`<canvas id="${id}"`);
      }
      expect(html).to.contain(FAKE_CHARTJS);
      expect(html).not.to.match(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
      expect(html).to.contain("conserved: yes");
      expect(html).to.contain("0.222");
    });

    it("embeds the report as JSON that parses back", function () {
      const report = fixture();
      const html = renderHtml(report, FAKE_CHARTJS, TOKEN);
      const parsed = embeddedJson(html, "sim-report") as SimReport;
      expect(parsed.blocks).to.have.length(report.blocks.length);
      expect(parsed).to.deep.equal(report);
      const charts = embeddedJson(html, "sim-charts") as { gini: number; lorenz: unknown[] };
      expectNear(charts.gini, 2 / 9, 1e-12);
      expect(charts.lorenz).to.have.length(4);
    });

    it("escapes data so that no script element can be closed early", function () {
      const html = renderHtml(fixture(), `${FAKE_CHARTJS} var s = "</script>";`, TOKEN);
      expect(html).not.to.contain(INJECTION);
      expect(html).not.to.contain("<b>boom");
      expect(html).to.contain("&lt;/script&gt;&lt;b&gt;boom&lt;/b&gt;");
      const opened = html.match(/<script\b/gi) ?? [];
      const closed = html.match(/<\/script/gi) ?? [];
      expect(opened.length).to.equal(4);
      expect(closed.length).to.equal(opened.length);
    });

    it("reads the Chart.js UMD bundle from node_modules", async function () {
      const source = await readChartJs();
      expect(source).to.contain("Chart.js v4");
      expect(source.length).to.be.greaterThan(100_000);
    });
  });
});
