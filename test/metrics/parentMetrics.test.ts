/** Per-parent metrics (MODELS.md 8) and the MODELS.md 9 "Opportunity cost" oracle. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ArrivalMid, arrivalMid } from "../../lib/metrics/arrival.ts";
import { type MetricsFill, orderMetrics } from "../../lib/metrics/orderMetrics.ts";
import {
  type ParentMetricsInput,
  parentMetrics,
  REVERSION_DELAY_NS,
  reversionBps,
} from "../../lib/metrics/parentMetrics.ts";
import { strategyStats } from "../../lib/metrics/strategyStats.ts";

const S = 1_000_000_000n;
const t0 = 1_709_564_400n * S; // 2024-03-04 10:00 ET
const endNs = t0 + 1800n * S;
const atArrival = (mid: number): ArrivalMid => ({
  status: "ok",
  midUsd: mid,
  source: "at_or_before",
  tsNs: t0,
});
const fill = (priceUsd: number, qty: number, feeUsd = 0, maker = false): MetricsFill => ({
  priceUsd,
  qty,
  feeUsd,
  maker,
  catchUp: false,
});
const input = (over: Partial<ParentMetricsInput>): ParentMetricsInput => ({
  side: 1,
  parentQty: 1000,
  arrival: atArrival(100),
  fills: [],
  marketVwapUsd: 100,
  cancelMidUsd: 100,
  midAtEndUsd: 100,
  midAfterUsd: 100,
  endNs,
  lastRecordNs: endNs + 3600n * S,
  childCount: 1,
  maxParticipation: 0.1,
  ...over,
});

describe("opportunity cost oracle (MODELS.md 9)", () => {
  it.each([
    [1, 100.5, 50],
    [-1, 100.5, -50],
    [1, 99.8, -20],
    [-1, 99.8, 20],
  ] as const)("side %i, nothing executed, m_end %f: total = s (m_end - m0)/m0 x 1e4 = %f bps per parent share", (side, mEnd, bps) => {
    const m = parentMetrics(input({ side, cancelMidUsd: mEnd }));
    expect(m.executedQty).toBe(0);
    expect(m.unfilledQty).toBe(1000);
    expect(m.fillRate).toBe(0);
    expect(m.opportunityBps).toBeCloseTo(bps, 9);
    expect(m.totalCostBps).toBeCloseTo(bps, 9);
    expect(m.isBps).toBeNaN(); // IS stays over executed shares
  });

  it("fill_rate 1: total_cost_bps = IS_bps + fee_bps - rebate_bps (m_end unused, may be NaN)", () => {
    const fills = [fill(100.05, 600, 1.8), fill(99.99, 400, -0.8, true)];
    const m = parentMetrics(input({ fills, cancelMidUsd: Number.NaN }));
    expect(m.fillRate).toBe(1);
    expect(m.opportunityBps).toBe(0);
    expect(m.totalCostBps).toBeCloseTo(m.isBps + m.feeBps - m.rebateBps, 12);
    // IS = (100.026 - 100)/100 x 1e4 = 2.6; fee 1.8 / 1e5 x 1e4 = 0.18; rebate 0.08
    expect(m.isBps).toBeCloseTo(2.6, 9);
    expect(m.totalCostBps).toBeCloseTo(2.7, 9);
    expect(m.executionCostBps).toBeCloseTo(2.7, 9);
  });

  it("hand-computed partial fill: (E/S)(IS + fee - rebate) + s (m_end - m0)/m0 x 1e4 x U/S", () => {
    // E = 400 at 100.05 with 0.3 $ fees: IS 5, fee 0.075 -> 5.075 over executed; 0.4 x 5.075 = 2.03;
    // U = 600 cancelled with the mid at 100.2: 20 bps x 0.6 = 12 -> 14.03 per parent share
    const m = parentMetrics(input({ fills: [fill(100.05, 400, 0.3)], cancelMidUsd: 100.2 }));
    expect(m.executionCostBps).toBeCloseTo(5.075, 9);
    expect(m.opportunityBps).toBeCloseTo(12, 9);
    expect(m.totalCostBps).toBeCloseTo(14.03, 9);
  });

  it("unfilled shares cost as if bought at m_end: with fills at p = m_end and no fees, total = IS at p", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 95, max: 105, noNaN: true }),
        fc.constantFrom(1 as const, -1 as const),
        (e, p, side) => {
          const m = parentMetrics(input({ side, fills: e > 0 ? [fill(p, e)] : [], cancelMidUsd: p }));
          expect(m.totalCostBps).toBeCloseTo((side * (p - 100) * 1e4) / 100, 6);
        },
      ),
    );
  });
});

describe("parentMetrics edge-of-data rules", () => {
  it("a parent starting before the first record (arrival first_after) gets finite costs with fill_rate 1", () => {
    const arrival = arrivalMid(t0, endNs, undefined, { tsNs: t0 + 2n * S, midUsd: 100 });
    const m = parentMetrics(input({ arrival, fills: [fill(100.01, 1000, 0)] }));
    expect(m.arrivalSource).toBe("first_after");
    expect(m.arrivalMidUsd).toBe(100);
    expect(m.totalCostBps).toBeCloseTo(1, 9);
  });

  it("no_data: costs NaN, status and source reported", () => {
    const arrival = arrivalMid(t0, endNs, undefined, undefined);
    const m = parentMetrics(input({ arrival }));
    expect(m.status).toBe("no_data");
    expect(m.arrivalSource).toBeNull();
    for (const v of [m.totalCostBps, m.opportunityBps, m.isBps, m.reversionBps]) expect(v).toBeNaN();
  });

  it("reversion is NaN (NULL) when the data ends before T + 5 min, the signed mid move otherwise", () => {
    const early = parentMetrics(
      input({ midAtEndUsd: 100.1, midAfterUsd: 100.1, lastRecordNs: endNs + REVERSION_DELAY_NS - 1n }),
    );
    expect(early.reversionBps).toBeNaN();
    const m = parentMetrics(
      input({ midAtEndUsd: 100.1, midAfterUsd: 100.05, lastRecordNs: endNs + REVERSION_DELAY_NS }),
    );
    expect(m.reversionBps).toBeCloseTo(-5, 9);
    expect(reversionBps(-1, 100, 100.1, 100.05, endNs, endNs + REVERSION_DELAY_NS)).toBeCloseTo(5, 9);
  });

  it("agrees with orderMetrics on the per-executed-share fields", () => {
    const fills = [fill(100.05, 300, 0.9, false), fill(99.98, 200, -0.4, true)];
    const p = parentMetrics(input({ fills, marketVwapUsd: 100.02, cancelMidUsd: 100.1 }));
    const o = orderMetrics({
      side: 1,
      parentQty: 1000,
      arrivalMidUsd: 100,
      fills,
      marketVwapUsd: 100.02,
      midAtEndUsd: 100,
      midAfterUsd: 100,
      childCount: 1,
      maxParticipation: 0.1,
    });
    expect(p.isBps).toBe(o.isBps);
    expect(p.executionCostBps).toBe(o.totalCostBps);
    expect(p.vwapSlippageBps).toBe(o.vwapSlippageBps);
    expect(p.passiveShare).toBe(o.passiveShare);
    expect(p.totalCostBps).toBeCloseTo(0.5 * o.totalCostBps + 0.5 * 10, 9);
  });

  it("rejects a parent size that is not > 0", () => {
    expect(() => parentMetrics(input({ parentQty: 0 }))).toThrow(/must be > 0 shares/);
  });
});

describe("strategy statistics exclude no_data parents", () => {
  it("no_data rows are counted, not averaged and not paired", () => {
    const rows = [
      { strategy: "twap", orderKey: "a", totalCostBps: 1 },
      { strategy: "twap", orderKey: "b", totalCostBps: 3 },
      { strategy: "twap", orderKey: "c", totalCostBps: Number.NaN, status: "no_data" as const },
      { strategy: "ow", orderKey: "a", totalCostBps: 0 },
      { strategy: "ow", orderKey: "b", totalCostBps: 2 },
      // a no_data row with a finite number (e.g. a stale value) is still excluded
      { strategy: "ow", orderKey: "c", totalCostBps: 100, status: "no_data" as const },
    ];
    const [ow, twap] = strategyStats(rows);
    expect(ow).toMatchObject({ strategy: "ow", n: 2, noData: 1, meanBps: 1 });
    expect(ow!.vsBaseline).toMatchObject({ n: 2, meanDiffBps: -1, winRate: 1 });
    expect(twap).toMatchObject({ strategy: "twap", n: 2, noData: 1, meanBps: 2 });
  });
});
