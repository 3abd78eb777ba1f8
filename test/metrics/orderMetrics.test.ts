import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type MetricsFill, type OrderMetricsInput, orderMetrics } from "../../lib/metrics/orderMetrics.ts";

const input = (over: Partial<OrderMetricsInput>): OrderMetricsInput => ({
  side: 1,
  parentQty: 200,
  arrivalMidUsd: 100,
  fills: [],
  marketVwapUsd: 100,
  midAtEndUsd: 100,
  midAfterUsd: 100,
  childCount: 1,
  maxParticipation: 0.1,
  ...over,
});
const fill = (priceUsd: number, qty: number, feeUsd = 0, maker = false, catchUp = false): MetricsFill => ({
  priceUsd,
  qty,
  feeUsd,
  maker,
  catchUp,
});

describe("orderMetrics (MODELS.md section 8)", () => {
  it("hand-computed buy: IS, fees, rebates, VWAP slippage, shares, reversion", () => {
    const m = orderMetrics(
      input({
        parentQty: 250,
        fills: [fill(100.05, 100, 0.3, false, true), fill(100, 100, -0.2, true)],
        marketVwapUsd: 100.02,
        midAtEndUsd: 100.04,
        midAfterUsd: 100.01,
        childCount: 3,
        maxParticipation: 0.25,
      }),
    );
    expect(m.executedQty).toBe(200);
    expect(m.avgPriceUsd).toBeCloseTo(100.025, 12);
    expect(m.isBps).toBeCloseTo(2.5, 9); // (100.025 - 100) / 100 * 1e4
    expect(m.feeBps).toBeCloseTo(0.15, 12); // 0.3 $ / (200 x 100 $) * 1e4
    expect(m.rebateBps).toBeCloseTo(0.1, 12);
    expect(m.totalCostBps).toBeCloseTo(2.55, 9);
    expect(m.vwapSlippageBps).toBeCloseTo((0.005 / 100.02) * 1e4, 9);
    expect(m.fillRate).toBe(0.8);
    expect(m.passiveShare).toBe(0.5);
    expect(m.catchUpShare).toBe(0.5);
    expect(m.childCount).toBe(3);
    expect(m.maxParticipation).toBe(0.25);
    expect(m.reversionBps).toBeCloseTo(-3, 9); // the price came back 3 bps after our buying
  });

  it("a sell above the arrival mid has negative IS (a gain); reversion sign follows the side", () => {
    const m = orderMetrics(
      input({ side: -1, fills: [fill(100.1, 10)], midAtEndUsd: 100, midAfterUsd: 99.9 }),
    );
    expect(m.isBps).toBeCloseTo(-10, 9);
    expect(m.reversionBps).toBeCloseTo(10, 9);
  });

  it("nothing executed: NaN prices and costs, zero rates", () => {
    const m = orderMetrics(input({}));
    expect(m.executedQty).toBe(0);
    expect(m.isBps).toBeNaN();
    expect(m.totalCostBps).toBeNaN();
    expect([m.fillRate, m.passiveShare, m.catchUpShare]).toEqual([0, 0, 0]);
  });

  const fillsArb = fc.array(
    fc.record({ qty: fc.integer({ min: 1, max: 10_000 }), maker: fc.boolean(), catchUp: fc.boolean() }),
    { minLength: 1, maxLength: 20 },
  );

  it("property: executing at the arrival mid with no fees costs 0 bps", () => {
    fc.assert(
      fc.property(
        fillsArb,
        fc.constantFrom(1 as const, -1 as const),
        fc.double({ min: 1, max: 5000, noNaN: true }),
        (fs, s, m0) => {
          const m = orderMetrics(
            input({
              side: s,
              arrivalMidUsd: m0,
              fills: fs.map((f) => fill(m0, f.qty, 0, f.maker, f.catchUp)),
            }),
          );
          expect(Math.abs(m.isBps)).toBeLessThan(1e-9);
          expect(Math.abs(m.totalCostBps)).toBeLessThan(1e-9);
        },
      ),
    );
  });

  it("property: IS sign is s x sign(p - m0); fees only add cost, rebates only remove it", () => {
    fc.assert(
      fc.property(
        fillsArb,
        fc.constantFrom(1 as const, -1 as const),
        fc.integer({ min: -500, max: 500 }).filter((d) => d !== 0),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        (fs, s, dTicks, feePerShare) => {
          const p = 100 + dTicks * 0.01;
          const fills = fs.map((f) => fill(p, f.qty, (f.maker ? -1 : 1) * feePerShare * f.qty, f.maker));
          const m = orderMetrics(input({ side: s, fills }));
          expect(Math.sign(m.isBps)).toBe(s * Math.sign(dTicks));
          expect(m.feeBps).toBeGreaterThanOrEqual(0);
          expect(m.rebateBps).toBeGreaterThanOrEqual(0);
          expect(m.totalCostBps).toBeCloseTo(m.isBps + m.feeBps - m.rebateBps, 9);
        },
      ),
    );
  });
});
