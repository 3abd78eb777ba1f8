/**
 * Adverse selection at 10, 60 and 300 s per venue and side (MODELS.md section 2), and the horizon the router
 * reads: the one nearest half its own horizon tau (a resting order's expected wait), the longer on a tie.
 */
import { describe, expect, it } from "vitest";
import { DayCalibrator } from "../../lib/calibration/dayCalibrator.ts";
import { applyOverrides, taskAdverseOf } from "../../lib/calibration/overrides.ts";
import { adverseHorizonFor, combineCalibrations } from "../../lib/calibration/params.ts";
import type { TaskConfig } from "../../lib/task/config.ts";
import { type DayWiring, executionContext } from "../../lib/task/parameterSet.ts";
import { batchOf, DATE, registry } from "./fixtures.ts";
import { recordOf } from "./records.ts";

const book = { bid: 100, bidSz: 500, ask: 100.02, askSz: 400 }; // mid 100.01

describe("markouts at several horizons", () => {
  it("a passive bid fill is marked at 10, 60 and 300 s against the mid prevailing then", () => {
    const c = new DayCalibrator({ symbol: "TEST", date: DATE, venues: registry(1) });
    c.observe(
      batchOf([
        { t: 1, action: "Add", side: "Bid", ...book },
        // a seller hits the bid at t = 100 (mid before: 100.01)
        { t: 100, action: "Trade", side: "Ask", price: 100, size: 100, last: false, ...book },
        { t: 100, action: "Cancel", side: "Bid", ...book, bidSz: 400 },
        // t = 105: mid 100.00 (-0.01); t = 130: mid 99.99 (-0.02); t = 300: mid 100.02 (+0.01)
        { t: 105, action: "Add", side: "Bid", ...book, bid: 99.99, ask: 100.01 },
        { t: 130, action: "Add", side: "Bid", ...book, bid: 99.98, ask: 100.0 },
        { t: 300, action: "Add", side: "Bid", ...book, bid: 100.01, ask: 100.03 },
        { t: 1_000, action: "Add", side: "Bid", ...book, bid: 100.05, ask: 100.07 },
      ]),
    );
    const bid = c.finish().venues.find((v) => v.venue === "V0" && v.side === "bid")!;
    // mid(110) - 100.01 = -0.01, mid(160) - 100.01 = -0.02, mid(400) - 100.01 = +0.01 (s_rest = +1 for bids)
    expect(bid.adverse.map((a) => a.horizonS)).toEqual([10, 60, 300]);
    expect(bid.adverse.map((a) => a.n)).toEqual([1, 1, 1]);
    expect(bid.adverse[0]!.usd).toBeCloseTo(-0.01, 12);
    expect(bid.adverse[1]!.usd).toBeCloseTo(-0.02, 12);
    expect(bid.adverse[2]!.usd).toBeCloseTo(0.01, 12);
  });
});

describe("the router's horizon", () => {
  it("is the markout horizon nearest tau / 2, the longer on a tie", () => {
    const hs = [10, 60, 300];
    expect(adverseHorizonFor(hs, 60)).toBe(10); // 30: |10-30| = 20 < |60-30| = 30
    expect(adverseHorizonFor(hs, 70)).toBe(60); // 35: a tie 25 / 25 -> the longer
    expect(adverseHorizonFor(hs, 300)).toBe(60); // 150: 90 < 150
    expect(adverseHorizonFor(hs, 360)).toBe(300); // 180: a tie 120 / 120 -> the longer
    expect(adverseHorizonFor(hs, 1800)).toBe(300);
    expect(adverseHorizonFor([], 300)).toBeNaN();
  });

  it("the execution context hands the router the delta at that horizon", () => {
    // recordOf: XNAS.ITCH bid -0.001 at 10 s, -0.002 at 60 s, -0.005 at 300 s (k = 1)
    const params = applyOverrides(combineCalibrations([recordOf("ABC", "2024-03-11", 1)]));
    const ctxAt = (tauS: number) =>
      executionContext(
        {
          spec: {
            router: { horizon_s: tauS, theta_usd: 0, lambda_u_usd: 0, lambda_o_usd: 0, samples: 10 },
            fees: { taker_fee_usd: 0, maker_rebate_usd: 0 },
            sim: { end_grace_s: 0 },
            decision_interval_s: 60,
            seed: 1,
          } as unknown as TaskConfig,
          sim: { latency: { entryNs: (t: bigint) => t } },
        } as unknown as DayWiring,
        params,
        0n,
      );
    expect(ctxAt(60).adverseUsd("XNAS.ITCH", "bid")).toBeCloseTo(-0.001, 15);
    expect(ctxAt(300).adverseUsd("XNAS.ITCH", "bid")).toBeCloseTo(-0.002, 15);
    expect(ctxAt(600).adverseUsd("XNAS.ITCH", "bid")).toBeCloseTo(-0.005, 15);
    // no fills on the ask: the default 0; an unseen venue: 0
    expect(ctxAt(600).adverseUsd("XNAS.ITCH", "ask")).toBe(0);
    expect(ctxAt(600).adverseUsd("NOPE", "bid")).toBe(0);
  });

  it("an adverse_usd override applies at every horizon", () => {
    const p = applyOverrides(combineCalibrations([recordOf("ABC", "2024-03-11", 1)]), { adverse_usd: -0.01 });
    for (const h of [10, 60, 300]) expect(taskAdverseOf(p, "XNAS.ITCH", "bid", h)).toBe(-0.01);
    expect(taskAdverseOf(p, "ELSE", "ask", 60)).toBe(-0.01);
  });
});
