/**
 * Per-parent metrics (docs/models.md 8), the "Opportunity cost" and "Decomposition" oracles of section 9, the
 * reversion sign from T_last and participation with our aggressive fills in the denominator.
 */
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
  ] as const)("side %i, nothing executed, m_end %f, no completion cost given: total = s (m_end - m0)/m0 x 1e4 = %f bps", (side, mEnd, bps) => {
    const m = parentMetrics(input({ side, cancelMidUsd: mEnd }));
    expect(m.executedQty).toBe(0);
    expect(m.unfilledQty).toBe(1000);
    expect(m.fillRate).toBe(0);
    expect(m.opportunityBps).toBeCloseTo(bps, 9);
    expect(m.totalCostBps).toBeCloseTo(bps, 9);
    expect(m.isBps).toBeNaN(); // IS stays over executed shares
  });

  it("nothing executed (impact none): s (m_end - m0)/m0 + (h_end + f_end)/m0 + W_end(S)/(S m0), x 1e4", () => {
    // S = 1000, m0 = 100, m_end = 100.05, h = 0.01, f = 0.003, W(1000) = 4 $ on the data book
    const completion = { halfSpreadUsd: 0.01, takerFeeUsd: 0.003, walkUsd: 4, ownJumpUsd: 0 };
    for (const side of [1, -1] as const) {
      const m = parentMetrics(input({ side, cancelMidUsd: 100.05, completion }));
      expect(m.opportunityBps).toBeCloseTo(side * 5 + 1.3 + 0.4, 9);
      expect(m.totalCostBps).toBeCloseTo(m.opportunityBps, 12);
    }
    // a deep book (no walk) and the overlay's own jump: the larger of the two counts (never free to withhold)
    const deep = parentMetrics(
      input({ cancelMidUsd: 100, completion: { ...completion, walkUsd: 0, ownJumpUsd: 7 } }),
    );
    expect(deep.opportunityBps).toBeCloseTo(1.3 + 0.7, 9);
  });

  it("fill_rate 1: total_cost_bps = IS_bps + fee_bps, fee_bps net of rebates (m_end unused, may be NaN)", () => {
    const fills = [fill(100.05, 600, 1.8), fill(99.99, 400, -0.8, true)];
    const m = parentMetrics(input({ fills, cancelMidUsd: Number.NaN }));
    expect(m.fillRate).toBe(1);
    expect(m.opportunityBps).toBe(0);
    expect(m.totalCostBps).toBeCloseTo(m.isBps + m.feeBps, 12);
    // IS = (100.026 - 100)/100 x 1e4 = 2.6; fees 1.8 - 0.8 = 1 $ / 1e5 x 1e4 = 0.1; rebates alone 0.08
    expect(m.feeBps).toBeCloseTo(0.1, 9);
    expect(m.rebateBps).toBeCloseTo(0.08, 9);
    expect(m.isBps).toBeCloseTo(2.6, 9);
    expect(m.totalCostBps).toBeCloseTo(2.7, 9);
    expect(m.executionCostBps).toBeCloseTo(2.7, 9);
  });

  it("hand-computed partial fill: (N/S)(IS + fee) + K [U s (m_end - m0) + U (h + f) + max(W, C_own)]", () => {
    // N = 400 at 100.05 with 0.3 $ fees: IS 5, fee 0.075 -> 5.075 over executed; 0.4 x 5.075 = 2.03;
    // U = 600 cancelled with the mid at 100.2: 20 bps x 0.6 = 12 -> 14.03 per parent share
    const m = parentMetrics(input({ fills: [fill(100.05, 400, 0.3)], cancelMidUsd: 100.2 }));
    expect(m.executionCostBps).toBeCloseTo(5.075, 9);
    expect(m.opportunityBps).toBeCloseTo(12, 9);
    expect(m.totalCostBps).toBeCloseTo(14.03, 9);
    // with h = 0.01, f = 0.003, W(600) = 30 $, C_own(600) = 10 $: K = 1e4 / (1000 x 100) = 0.1,
    // opportunity = 0.1 (600 x 0.2 + 600 x 0.013 + 30) = 15.78
    const c = parentMetrics(
      input({
        fills: [fill(100.05, 400, 0.3)],
        cancelMidUsd: 100.2,
        completion: { halfSpreadUsd: 0.01, takerFeeUsd: 0.003, walkUsd: 30, ownJumpUsd: 10 },
      }),
    );
    expect(c.opportunityBps).toBeCloseTo(15.78, 9);
    expect(c.totalCostBps).toBeCloseTo(2.03 + 15.78, 9);
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

  it("reversion from T_last: NaN (NULL) when the data ends before T_last + 5 min; positive when the price comes back", () => {
    const early = parentMetrics(
      input({ midAtEndUsd: 100.1, midAfterUsd: 100.1, lastRecordNs: endNs + REVERSION_DELAY_NS - 1n }),
    );
    expect(early.reversionBps).toBeNaN();
    // a buy pushed the (impacted) mid to 100.1; 5 minutes later it is back at 100.05: +5 bps reverted
    const m = parentMetrics(
      input({ midAtEndUsd: 100.1, midAfterUsd: 100.05, lastRecordNs: endNs + REVERSION_DELAY_NS }),
    );
    expect(m.reversionBps).toBeCloseTo(5, 9);
    // for a sell the same move is a continuation
    expect(reversionBps(-1, 100, 100.1, 100.05, endNs, endNs + REVERSION_DELAY_NS)).toBeCloseTo(-5, 9);
    // T_last after t0 + T (a catch-up fill 10 minutes later): 5 minutes after that, not after t0 + T
    const late = endNs + 600n * S;
    expect(reversionBps(1, 100, 100.1, 100, late, late + REVERSION_DELAY_NS - 1n)).toBeNaN();
  });

  it("participation = N / (market volume + our aggressive fills) over [t0, T_last], never above 1", () => {
    const fills = [fill(100.02, 300), fill(100, 200, 0, true)];
    // the market printed 1000 shares (our 200 passive shares among them); our 300 market shares were not printed
    const m = parentMetrics(input({ fills, marketVolume: 1000, aggressiveQty: 300 }));
    expect(m.participation).toBeCloseTo(500 / 1300, 12);
    // an empty market: only our own aggressive fills -> 1, not infinity
    expect(
      parentMetrics(input({ fills: [fill(100.02, 300)], marketVolume: 0, aggressiveQty: 300 })).participation,
    ).toBe(1);
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

describe("decomposition (docs/models.md 8.1)", () => {
  const tc = (m: ReturnType<typeof parentMetrics>) =>
    m.tcSpreadBps + m.tcWalkBps + m.tcImpactBps + m.tcTimingBps + m.tcFeesBps + m.tcOpportunityBps;

  it("one market order at the best on a constant-mid book: spread = half-spread, timing 0, walk 0", () => {
    // bid 99.99 / ask 100.01, m0 = 100: a buy of S at the ask pays 1 bp of half-spread
    const f = { ...fill(100.01, 1000, 3), bestUsd: 100.01, midUsd: 100 };
    const m = parentMetrics(input({ fills: [f] }));
    expect(m.tcSpreadBps).toBeCloseTo(1, 9);
    expect(m.tcWalkBps).toBe(0);
    expect(m.tcTimingBps).toBe(0);
    expect(m.tcFeesBps).toBeCloseTo(0.3, 9);
    expect(tc(m)).toBeCloseTo(m.totalCostBps, 9);
  });

  it("a passive buy filled at the bid earns the half-spread: tc_spread = -half-spread", () => {
    const f = { ...fill(99.99, 1000, 0, true), bestUsd: 100.01, midUsd: 100 };
    const m = parentMetrics(input({ fills: [f] }));
    expect(m.tcSpreadBps).toBeCloseTo(-1, 9);
    expect(tc(m)).toBeCloseTo(m.totalCostBps, 9);
  });

  it("the six components sum to total_cost_bps within 1e-9 bps for any fills, sides and completions", () => {
    const fillArb = fc.record({
      p: fc.double({ min: 99, max: 101, noNaN: true }),
      q: fc.integer({ min: 1, max: 300 }),
      fee: fc.double({ min: -1, max: 1, noNaN: true }),
      maker: fc.boolean(),
      o: fc.double({ min: 0, max: 0.05, noNaN: true }),
      b: fc.double({ min: 99, max: 101, noNaN: true }),
      m: fc.double({ min: 99, max: 101, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(fillArb, { maxLength: 8 }),
        fc.constantFrom(1 as const, -1 as const),
        fc.double({ min: 99, max: 101, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (fs, side, mEnd, w) => {
          const fills = fs.map((x) => ({
            ...fill(x.p, x.q, x.fee, x.maker),
            impactUsd: x.o,
            bestUsd: x.b,
            midUsd: x.m,
          }));
          const parentQty = Math.max(
            1000,
            fills.reduce((a, f) => a + f.qty, 0),
          );
          const completion = { halfSpreadUsd: 0.01, takerFeeUsd: 0.003, walkUsd: w, ownJumpUsd: w / 2 };
          const m = parentMetrics(input({ side, parentQty, fills, cancelMidUsd: mEnd, completion }));
          expect(Math.abs(tc(m) - m.totalCostBps)).toBeLessThanOrEqual(
            1e-9 * Math.max(1, Math.abs(m.totalCostBps)),
          );
          expect(m.tcImpactBps).toBe(m.impactCostBps);
          expect(m.tcWalkBps).toBe(m.walkCostBps);
        },
      ),
    );
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
