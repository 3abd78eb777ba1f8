/**
 * Risk controls on hand-built sequences (issue 15, MODELS.md 7.1): a price limit below the touch, the spread
 * guard, and a halt in the middle of a window, each on one parent order driven as runTask drives it.
 */
import { describe, expect, it } from "vitest";
import { parentMetrics } from "../../lib/metrics/parentMetrics.ts";
import { limitPriceUsd, type ParentExecution, type ParentOrder } from "../../lib/task/execution.ts";
import { ms, type Row } from "../sim/helpers.ts";
import { quotes, runTwapParent } from "./twapParent.ts";

const run = runTwapParent;

const buy = (qty: number, horizonS: number, extra: Partial<ParentOrder> = {}): ParentOrder => ({
  id: "buy",
  side: 1,
  qty,
  startNs: ms(50),
  horizonS,
  ...extra,
});

function metrics(pe: ParentExecution) {
  return parentMetrics({
    side: pe.order.side,
    parentQty: pe.order.qty,
    arrival: pe.arrival.result(),
    fills: pe.fills,
    marketVwapUsd: Number.NaN,
    cancelMidUsd: pe.cancelMid,
    midAtEndUsd: pe.endMid,
    midAfterUsd: pe.afterMid,
    endNs: pe.windowEndNs,
    lastRecordNs: ms(8000),
    childCount: pe.children.length,
    maxParticipation: pe.maxParticipation,
  });
}

describe("limit_bps", () => {
  it("the limit price is on the cent grid on the safe side", () => {
    expect(limitPriceUsd(1, 100.05, 2)).toBe(100.07); // 100.07001
    expect(limitPriceUsd(-1, 100.05, 2)).toBe(100.03); // 100.02999
    expect(limitPriceUsd(1, 100, 0)).toBe(100);
  });

  for (const exec of ["market", "sor"] as const) {
    it(`${exec}: a buy with the limit below most of the ask side never fills above it; the rest is unfilled and costs opportunity`, () => {
      // m0 = 100.02, limit_bps 3 -> 100.05 (100.050006): 50 shares at 100.04 are within, 100.10 is not; at 3 s
      // the market runs away (mid 100.25) and stays there
      const rows = [
        ...quotes(
          0,
          2900,
          [[100, 500]],
          [
            [100.04, 50],
            [100.1, 1000],
          ],
        ),
        ...quotes(3000, 8000, [[100.2, 500]], [[100.3, 1000]]),
      ];
      const { pe } = run(exec, rows, buy(300, 3, { limitBps: 3 }));
      expect(pe.limitUsd).toBe(100.05);
      expect(pe.fills.length).toBeGreaterThan(0);
      for (const f of pe.fills) expect(f.priceUsd).toBeLessThanOrEqual(100.05);
      expect(pe.filled).toBe(50); // the 50 shares at 100.04, once (consumed liquidity)
      expect(pe.limitHit).toBe(true);
      const m = metrics(pe);
      expect(m.unfilledQty).toBe(250);
      // opportunity cost of the 250 unfilled shares at the mid when they were cancelled (100.25)
      const opp = ((100.25 - 100.02) / 100.02) * 1e4 * (250 / 300);
      expect(m.opportunityBps).toBeCloseTo(opp, 9);
      expect(m.totalCostBps).toBeGreaterThan(opp);
    });
  }

  it("a limit that the book respects is not hit, and the parent fills as without it", () => {
    const rows = quotes(0, 6000, [[100, 500]], [[100.01, 1000]]);
    const a = run("market", rows, buy(300, 3, { limitBps: 10 })).pe;
    const b = run("market", rows, buy(300, 3)).pe;
    expect(a.limitHit).toBe(false);
    expect(a.fills).toEqual(b.fills);
  });

  it("max_notional_usd caps the parent at floor(max_notional / m0) shares", () => {
    const rows = quotes(0, 6000, [[100, 500]], [[100.01, 1000]]);
    const { pe } = run("market", rows, buy(300, 3, { maxNotionalUsd: 20_000 }));
    expect(pe.notionalCapQty).toBe(199); // 20000 / 100.005 = 199.99
    expect(pe.filled).toBe(199);
    expect(metrics(pe).unfilledQty).toBe(101);
  });
});

describe("risk.max_spread_bps", () => {
  it("a spread wider than the guard delays the child to the next decision; the parent still sums to S", () => {
    // 20 bps spread until 1 s, then 1 bp: the k = 0 child (75 of twap's 4 x 75) carries to k = 1
    const rows = [
      ...quotes(0, 900, [[100, 500]], [[100.2, 1000]]),
      ...quotes(1000, 7000, [[100, 500]], [[100.01, 1000]]),
    ];
    const { pe } = run("market", rows, buy(300, 4), { risk: { maxSpreadBps: 5 } });
    expect(pe.spreadGuardSkips).toBe(1);
    expect(pe.children.map((c) => [c.index, c.qty])).toEqual([
      [1, 150],
      [2, 75],
      [3, 75],
    ]);
    expect(pe.filled).toBe(300);
    for (const f of pe.fills) expect(f.priceUsd).toBe(100.01); // nothing at the wide ask
  });
});

describe("risk.max_child_shares and max_participation", () => {
  it("a child larger than max_child_shares is capped and the rest carried", () => {
    const rows = quotes(0, 7000, [[100, 500]], [[100.01, 1000]]);
    const { pe } = run("market", rows, buy(300, 3), { risk: { maxChildShares: 80 } });
    // twap 100 per interval: 80, then 80 + 20 carried -> 80, then the last interval 100 + 40 -> 80
    expect(pe.children.map((c) => c.qty)).toEqual([80, 80, 80]);
    // held back 20, 40, 60 at the three decisions: capped_shares is the largest (summing the carried shares
    // counted them again at every decision: 120 for a parent that left 60 unfilled)
    expect(pe.cappedShares).toBe(60);
    expect(pe.filled).toBe(240);
  });

  it("max_participation caps a child at that fraction of the previous interval's market volume", () => {
    // a 100-share trade every 100 ms: 1000 shares per second of market volume
    const rows: Row[] = [];
    for (let t = 0; t <= 7000; t += 100) {
      rows.push({ t, action: "A", side: "B", bids: [[100, 500]], asks: [[100.01, 100_000]] });
      rows.push({ t: t + 50, action: "T", side: "B", price: 100.01, size: 100, flags: 0 });
    }
    const { pe } = run("market", rows, buy(600, 3), { risk: { maxParticipation: 0.1 } });
    // k = 0 has no interval before t0 in this data (t0 < 1 s): nothing; then at most 10% of 1000 = 100
    expect(pe.children.map((c) => c.qty)).toEqual([100, 100]);
    // held back 200, 300 and 400 at the three decisions: the largest hold-back, not their sum
    expect(pe.cappedShares).toBe(400);
  });
});

describe("halts", () => {
  // quotes, a clear (halt) at 1.5 s, nothing until the book is back at 2.6 s
  const haltRows = (bid = 500): Row[] => [
    ...quotes(0, 1400, [[100, bid]], [[100.01, 1000]]),
    { t: 1500, action: "R", bids: [], asks: [] },
    ...quotes(2600, 8000, [[100, bid]], [[100.01, 1000]]),
  ];

  it("a halt (clear record) in the middle of a window pauses decisions and fills; the time is recorded", () => {
    const { pe, halts } = run("market", haltRows(), buy(300, 4), { suspend: true });
    expect(halts.intervals).toEqual([{ startNs: ms(1500), endNs: ms(2600) }]);
    // k = 2 (2.05 s) falls in the halt: its 75 shares carry to k = 3
    expect(pe.haltSkips).toBe(1);
    expect(pe.children.map((c) => [c.index, c.qty])).toEqual([
      [0, 75],
      [1, 75],
      [3, 150],
    ]);
    for (const f of pe.fills) expect(f.tsNs < ms(1500) || f.tsNs >= ms(2600)).toBe(true);
    expect(pe.filled).toBe(300);
    expect(pe.haltedS).toBeCloseTo(1.1, 9);
  });

  it("without suspend_on_halt the halt is only measured (its cleared book sends nothing all the same)", () => {
    const { pe } = run("market", haltRows(), buy(300, 4));
    expect(pe.haltSkips).toBe(0);
    // the k = 2 decision falls in the halt, whose clear left no two-sided book: nothing is sent without one
    // (docs/models.md 8) and its shares carry to k = 3
    expect(pe.children.map((c) => c.index)).toEqual([0, 1, 3]);
    expect(pe.children.map((c) => c.qty)).toEqual([75, 75, 150]);
    expect(pe.haltedS).toBeCloseTo(1.1, 9);
  });

  it("a gap longer than max_gap_s is a halt from last record + max_gap_s to the next record", () => {
    const rows = [
      ...quotes(0, 1400, [[100, 500]], [[100.01, 1000]]),
      ...quotes(2600, 8000, [[100, 500]], [[100.01, 1000]]),
    ];
    const { pe, halts } = run("market", rows, buy(300, 4), { suspend: true, maxGapS: 0.5 });
    expect(halts.intervals).toEqual([{ startNs: ms(1900), endNs: ms(2600) }]);
    expect(pe.haltSkips).toBe(1);
    expect(pe.filled).toBe(300);
    expect(pe.haltedS).toBeCloseTo(0.7, 9);
  });

  it("a catch-up due in a halt waits until the book is back", () => {
    // sor: limits at the bid (a short queue, so the router posts) never fill; the k = 1 child's catch-up
    // (1.55 s) is due in the halt
    const { pe } = run("sor", haltRows(10), buy(300, 4), { suspend: true });
    const caught = pe.fills.filter((f) => f.catchUp);
    expect(caught.length).toBeGreaterThan(0);
    for (const f of caught) expect(f.tsNs < ms(1500) || f.tsNs >= ms(2600)).toBe(true);
    expect(caught.some((f) => f.tsNs >= ms(2600) && f.tsNs < ms(2700))).toBe(true);
    expect(pe.filled).toBe(300);
  });
});
