/** Conventions of MODELS.md sections 1-3 pinned on hand-built batches. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DayCalibrator } from "../../lib/calibration/dayCalibrator.ts";
import { ofiContribution } from "../../lib/calibration/ofi.ts";
import type { DayCalibration, VenueSideStats } from "../../lib/calibration/types.ts";
import { batchOf, DATE, type Row, registry } from "./fixtures.ts";

function run(rows: Row[], venues = 1): DayCalibration {
  const c = new DayCalibrator({ symbol: "TEST", date: DATE, venues: registry(venues) });
  c.observe(batchOf(rows));
  return c.finish();
}

function stats(d: DayCalibration, venue: string, side: "bid" | "ask"): VenueSideStats {
  return d.venues.find((v) => v.venue === venue && v.side === side)!;
}

const book = { bid: 100, bidSz: 500, ask: 100.02, askSz: 400 };

describe("OFI event contribution (Cont-Kukanov-Stoikov)", () => {
  it("bid queue growth is positive, ask queue growth is negative", () => {
    expect(ofiContribution(100, 500, 100, 700, 100.02, 400, 100.02, 400)).toBe(200);
    expect(ofiContribution(100, 500, 100, 500, 100.02, 400, 100.02, 650)).toBe(-250);
  });
  it("price moves use the new or old queue", () => {
    // bid up: +q_b(new); bid down: -q_b(old)
    expect(ofiContribution(100, 500, 100.01, 30, 100.02, 400, 100.02, 400)).toBe(30);
    expect(ofiContribution(100, 500, 99.99, 900, 100.02, 400, 100.02, 400)).toBe(-500);
    // ask down: -q_a(new); ask up: +q_a(old)
    expect(ofiContribution(100, 500, 100, 500, 100.02, 400, 100.01, 70)).toBe(-70);
    expect(ofiContribution(100, 500, 100, 500, 100.02, 400, 100.03, 900)).toBe(400);
  });
  it("compares prices by integer keys, not float equality", () => {
    expect(ofiContribution(0.1 + 0.2, 100, 0.3, 150, 1, 1, 1, 1)).toBe(50);
  });
});

describe("queue outflow", () => {
  it("a trade record followed by the cancel record for the same shares counts once", () => {
    const d = run([
      { t: 1, action: "Add", side: "Bid", ...book },
      { t: 5, action: "Trade", side: "Ask", price: 100, size: 200, last: false, ...book },
      { t: 5, action: "Cancel", side: "Bid", ...book, bidSz: 300 },
    ]);
    expect(stats(d, "V0", "bid").outflowSamples[0]).toBe(200);
    expect(stats(d, "V0", "ask").outflowSamples[0]).toBe(0);
    expect(d.dailyVolume).toBe(200); // the C record is not volume
    expect(d.tradeCount).toBe(1);
  });

  it("counts once also when the trade record is itself F_LAST with the unchanged book", () => {
    const d = run([
      { t: 1, action: "Add", side: "Bid", ...book },
      { t: 5, action: "Trade", side: "Ask", price: 100, size: 200, ...book },
      { t: 5, action: "Cancel", side: "Bid", ...book, bidSz: 300 },
    ]);
    expect(stats(d, "V0", "bid").outflowSamples[0]).toBe(200);
  });

  it("a sell-aggressor trade is outflow of the BID queue and its adverse sample belongs to the bid", () => {
    const d = run([
      { t: 1, action: "Add", side: "Bid", ...book },
      { t: 65, action: "Trade", side: "Ask", price: 100, size: 100, last: false, ...book },
      { t: 65, action: "Cancel", side: "Bid", ...book, bidSz: 400 },
      // the mid falls one cent 3 s later: adverse for the bid that was filled
      { t: 68, action: "Cancel", side: "Bid", ...book, bid: 99.98, bidSz: 100, ask: 100.02 },
    ]);
    const bid = stats(d, "V0", "bid");
    const ask = stats(d, "V0", "ask");
    expect(bid.outflowSamples[1]).toBe(100 + 400); // 100 traded, then the remaining 400 when the level went
    expect(ask.outflowSamples.reduce((a, b) => a + b, 0)).toBe(0);
    // negative = adverse to the resting bid; every horizon (10, 60, 300 s) sees the fall (the data ends at
    // t = 68 s: later markouts resolve with the last mid)
    expect(bid.adverse.map((a) => a.n)).toEqual([1, 1, 1]);
    expect(ask.adverse.map((a) => a.n)).toEqual([0, 0, 0]);
    for (const a of bid.adverse) expect(a.usd).toBeCloseTo(-0.01, 12);
  });

  it("a buy-aggressor trade fills the ASK queue; a mid rise is adverse (negative) for it", () => {
    const d = run([
      { t: 1, action: "Add", side: "Ask", ...book },
      { t: 30, action: "Trade", side: "Bid", price: 100.02, size: 50, last: false, ...book },
      { t: 30, action: "Cancel", side: "Ask", ...book, askSz: 350 },
      { t: 35, action: "Add", side: "Bid", ...book, bid: 100.01, bidSz: 10 },
    ]);
    const ask = stats(d, "V0", "ask");
    expect(ask.adverse.map((a) => [a.horizonS, a.n])).toEqual([
      [10, 1],
      [60, 1],
      [300, 1],
    ]);
    for (const a of ask.adverse) expect(a.usd).toBeCloseTo(-0.005, 12);
    expect(ask.outflowSamples[0]).toBe(50);
  });

  it("improving prices and new levels are not outflow", () => {
    const d = run([
      { t: 1, action: "Add", side: "Bid", ...book },
      { t: 2, action: "Add", side: "Bid", ...book, bid: 100.01, bidSz: 50 },
      { t: 3, action: "Add", side: "Bid", ...book, bid: 100.01, bidSz: 80 },
    ]);
    expect(stats(d, "V0", "bid").outflowMean).toBe(0);
  });

  it("keeps venues apart", () => {
    const d = run(
      [
        { t: 1, v: 0, action: "Add", side: "Bid", ...book },
        { t: 1, v: 1, action: "Add", side: "Bid", ...book },
        { t: 2, v: 1, action: "Cancel", side: "Bid", ...book, bidSz: 420 },
      ],
      2,
    );
    expect(stats(d, "V0", "bid").outflowSamples[0]).toBe(0);
    expect(stats(d, "V1", "bid").outflowSamples[0]).toBe(80);
  });

  it("a minute in which the venue had no book on that side is missing (NaN), not 0", () => {
    const d = run(
      [
        { t: 1, v: 0, action: "Add", side: "Bid", ...book },
        // V1 shows its first book in minute 2 and loses its ask in minute 3
        { t: 150, v: 1, action: "Add", side: "Bid", ...book },
        { t: 200, v: 1, action: "Cancel", side: "Ask", ...book, ask: Number.NaN, askSz: 0 },
      ],
      2,
    );
    const v0 = stats(d, "V0", "bid").outflowSamples;
    expect([v0[0], v0[1], v0[389]]).toEqual([0, 0, 0]);
    const bid = stats(d, "V1", "bid");
    expect(Array.from(bid.outflowSamples.slice(0, 4))).toEqual([Number.NaN, Number.NaN, 0, 0]);
    expect(bid.outflowMean).toBe(0);
    const ask = stats(d, "V1", "ask").outflowSamples;
    // minute 3 had the ask until it left (400 shares out); minute 4 on has no ask
    expect(Array.from(ask.slice(0, 5))).toEqual([Number.NaN, Number.NaN, 0, 400, Number.NaN]);
    // records from 1 s to 200 s after the open: that share of the 23,400-s session
    expect(d.sessionCoverage).toBeCloseTo(199 / 23_400, 12);
  });
});

describe("session statistics", () => {
  it("ignores records outside 09:30-16:00 except for building the book", () => {
    const d = run([
      { t: -60, action: "Add", side: "Bid", ...book },
      { t: -30, action: "Trade", side: "Bid", price: 100.02, size: 999, ...book },
      { t: 10, action: "Trade", side: "Bid", price: 100.02, size: 10, ...book },
      { t: 23_400 + 5, action: "Trade", side: "Ask", price: 100, size: 777, ...book },
    ]);
    expect(d.dailyVolume).toBe(10);
    expect(d.halfSpreadUsd).toBeCloseTo(0.01, 12); // the pre-open book counts from the open
  });

  it("half-spread is time weighted and profiled by bin; volume profile sums to 1", () => {
    const d = run([
      { t: 0, action: "Add", side: "Bid", ...book },
      { t: 100, action: "Trade", side: "Bid", price: 100.02, size: 30, ...book },
      { t: 11_700, action: "Add", side: "Ask", ...book, ask: 100.04 },
      { t: 20_000, action: "Trade", side: "Ask", price: 100, size: 10, ...book, ask: 100.04 },
    ]);
    expect(d.halfSpreadUsd).toBeCloseTo(0.015, 10);
    expect(d.halfSpreadProfile[0]).toBeCloseTo(0.01, 12);
    expect(d.halfSpreadProfile[77]).toBeCloseTo(0.02, 12);
    expect(d.volumeProfile.length).toBe(78);
    expect(d.volumeProfile[0]).toBeCloseTo(0.75, 12);
    expect(d.volumeProfile[Math.floor(20_000 / 300)]).toBeCloseTo(0.25, 12);
  });

  it("sigma_d is the root sum of squared 1-minute mid log returns", () => {
    const d = run([
      { t: 0, action: "Add", side: "Bid", ...book },
      { t: 90, action: "Add", side: "Bid", bid: 101, bidSz: 1, ask: 101.02, askSz: 1 },
    ]);
    expect(d.sigmaDaily).toBeCloseTo(Math.abs(Math.log(101.01 / 100.01)), 12);
    expect(d.midPath.mids[0]).toBeCloseTo(100.01, 12);
    // mids[k] = state after every record with ts_recv <= open + k s
    expect(d.midPath.mids[89]).toBeCloseTo(100.01, 12);
    expect(d.midPath.mids[90]).toBeCloseTo(101.01, 12);
  });
});

describe("invariants (fast-check)", () => {
  it("at fixed prices, OFI telescopes and outflow equals the sum of queue decreases", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 2000 })), {
          minLength: 2,
          maxLength: 40,
        }),
        (sizes) => {
          const rows: Row[] = sizes.map(([qb, qa], k) => ({
            t: 1 + k,
            action: "Modify",
            side: "Bid",
            bid: 100,
            bidSz: qb,
            ask: 100.02,
            askSz: qa,
          }));
          const d = run(rows);
          let ofi = 0;
          let outBid = 0;
          let outAsk = 0;
          for (let k = 1; k < sizes.length; k++) {
            const [pb, pa] = sizes[k - 1]!;
            const [qb, qa] = sizes[k]!;
            ofi += ofiContribution(100, pb, 100, qb, 100.02, pa, 100.02, qa);
            outBid += Math.max(0, pb - qb);
            outAsk += Math.max(0, pa - qa);
          }
          const first = sizes[0]!;
          const last = sizes[sizes.length - 1]!;
          expect(ofi).toBe(last[0] - first[0] - (last[1] - first[1]));
          expect(stats(d, "V0", "bid").outflowSamples[0]).toBe(outBid);
          expect(stats(d, "V0", "ask").outflowSamples[0]).toBe(outAsk);
        },
      ),
      { numRuns: 100 },
    );
  });
});
