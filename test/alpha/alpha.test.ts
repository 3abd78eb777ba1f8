/** Alpha models (MODELS.md section 3): sign conventions, causality, the labelled look-ahead oracle. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { micropriceEdge } from "../../lib/alpha/imbalance.ts";
import { midAt } from "../../lib/alpha/oracle.ts";
import { createAlpha } from "../../lib/alpha/registry.ts";
import type { AlphaModel } from "../../lib/alpha/types.ts";
import { VenueBooks } from "../../lib/book/venueBooks.ts";
import { combineCalibrations } from "../../lib/calibration/params.ts";
import type { MidPath } from "../../lib/calibration/types.ts";
import { batchOf, nsAt, type Row } from "../calibration/fixtures.ts";
import { recordOf } from "../calibration/records.ts";

/** Feed rows through books (applied first, as the caller does) and the model. */
function feed(model: AlphaModel, rows: Row[], books = new VenueBooks(4, 1)): VenueBooks {
  const b = batchOf(rows);
  for (let i = 0; i < b.length; i++) {
    books.onRecord(b, i);
    model.onRecord(b, i, books);
  }
  return books;
}

const book = { bid: 100, bidSz: 500, ask: 100.02, askSz: 500 };
/** Prior-day parameters with OFI coefficient 0.01 $ per unit, depth 100 shares, window 10 s, horizon 60 s. */
const params = (() => {
  const r = recordOf("ABC", "2024-03-11", 1);
  return combineCalibrations([{ ...r, ofi: { ...r.ofi, sxx: 100, sxy: 1, avgDepth: 100 } }]);
})();
const SHAPE = -Math.expm1(-3);

describe("none", () => {
  it("forecasts nothing and is causal", () => {
    const a = createAlpha("none", params);
    expect(a.kind).toBe("none");
    expect(a.lookAhead).toBe(false);
    expect(a.forecast(nsAt(10), 600).moveUsd).toBe(0);
  });
});

describe("ofi", () => {
  it("bid queue growth predicts a rise, ask queue growth a fall, over a causal 10 s window", () => {
    const a = createAlpha("ofi", params);
    expect(a.lookAhead).toBe(false);
    feed(a, [
      { t: 0, action: "Add", side: "Bid", ...book },
      { t: 1, action: "Add", side: "Bid", ...book, bidSz: 700 },
    ]);
    const f = a.forecast(nsAt(2), 600);
    // x = 200 / 100 = 2; predicted change over 60 s = 0.01 * 2 = 0.02 $, reached at H_alpha
    expect(f.timescaleS).toBe(20);
    expect(f.moveUsd * SHAPE).toBeCloseTo(0.02, 12);
    expect(a.forecast(nsAt(11.5), 600).moveUsd).toBe(0); // the event left the window

    const b = createAlpha("ofi", params);
    feed(b, [
      { t: 0, action: "Add", side: "Ask", ...book },
      { t: 1, action: "Add", side: "Ask", ...book, askSz: 800 },
    ]);
    expect(b.forecast(nsAt(2), 600).moveUsd * SHAPE).toBeCloseTo(-0.03, 12);
  });

  it("ignores non-F_LAST records (inconsistent books)", () => {
    const a = createAlpha("ofi", params);
    feed(a, [
      { t: 0, action: "Add", side: "Bid", ...book },
      { t: 1, action: "Add", side: "Bid", ...book, bidSz: 5000, last: false },
      { t: 1, action: "Cancel", side: "Bid", ...book, bidSz: 600 },
    ]);
    expect(a.forecast(nsAt(2), 600).moveUsd * SHAPE).toBeCloseTo(0.01, 12);
  });
});

describe("imbalance", () => {
  it("microprice above the mid when the bid queue is larger", () => {
    const a = createAlpha("imbalance", params);
    feed(a, [{ t: 0, action: "Add", side: "Bid", ...book, bidSz: 900, askSz: 100 }]);
    const f = a.forecast(nsAt(1), 600);
    expect(f.moveUsd).toBeCloseTo((100 * 100 + 100.02 * 900) / 1000 - 100.01, 12);
    expect(f.moveUsd).toBeGreaterThan(0);
    expect(f.timescaleS).toBe(30);
  });

  it("the edge never exceeds the half-spread and flips sign with the queues", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 100_000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (bidCents, spreadCents, qb, qa) => {
          const bid = bidCents / 100;
          const ask = (bidCents + spreadCents) / 100;
          const e = micropriceEdge(bid, ask, qb, qa);
          expect(Math.abs(e)).toBeLessThanOrEqual((ask - bid) / 2 + 1e-9);
          expect(e + micropriceEdge(bid, ask, qa, qb)).toBeCloseTo(0, 9);
        },
      ),
    );
  });
});

describe("oracle", () => {
  const path: MidPath = {
    startNs: nsAt(0),
    stepNs: 1_000_000_000n,
    mids: Float64Array.from({ length: 601 }, (_, k) => 100 + k / 100),
  };

  it("is labelled look-ahead and needs the day's mid path", () => {
    expect(() => createAlpha("oracle", params)).toThrow(/mid path/);
    expect(createAlpha("oracle", params, { midPath: path }).lookAhead).toBe(true);
  });

  it("forecasts the actual future change, reached at the horizon", () => {
    const a = createAlpha("oracle", params, { midPath: path });
    const f = a.forecast(nsAt(100), 300);
    const actual = midAt(path, nsAt(400)) - midAt(path, nsAt(100));
    expect(actual).toBeCloseTo(3, 12);
    expect(f.moveUsd * -Math.expm1(-300 / f.timescaleS)).toBeCloseTo(actual, 12);
  });
});

describe("createAlpha", () => {
  it("rejects unknown kinds with the list of known ones", () => {
    expect(() => createAlpha("magic", params)).toThrow(/none, ofi, imbalance, oracle/);
  });
});

describe("look-ahead", () => {
  const past: Row[] = [
    { t: 0, action: "Add", side: "Bid", ...book },
    { t: 3, action: "Add", side: "Bid", ...book, bidSz: 650, askSz: 450 },
  ];
  const futureA: Row[] = [{ t: 8, action: "Add", side: "Ask", ...book, askSz: 5000 }];
  const futureB: Row[] = [{ t: 8, action: "Cancel", side: "Bid", ...book, bid: 99.5, bidSz: 1 }];

  /** Forecast at t = 5 s made during a replay of past + future (asked when the replay reaches 5 s). */
  function forecastAt5(kind: "none" | "ofi" | "imbalance", future: Row[]): number {
    const a = createAlpha(kind, params);
    const books = feed(a, past);
    const f = a.forecast(nsAt(5), 120).moveUsd;
    feed(a, future, books);
    return f;
  }

  it("causal models give the same forecast whatever happens later; the oracle does not (and says so)", () => {
    for (const kind of ["none", "ofi", "imbalance"] as const) {
      expect(forecastAt5(kind, futureA)).toBe(forecastAt5(kind, futureB));
      expect(createAlpha(kind, params).lookAhead).toBe(false);
    }
    const mids = (m: number): MidPath => ({
      startNs: nsAt(0),
      stepNs: 1_000_000_000n,
      mids: Float64Array.from({ length: 200 }, (_, k) => (k < 8 ? 100.01 : m)),
    });
    const oa = createAlpha("oracle", params, { midPath: mids(101) });
    const ob = createAlpha("oracle", params, { midPath: mids(99) });
    expect(oa.forecast(nsAt(5), 120).moveUsd).not.toBe(ob.forecast(nsAt(5), 120).moveUsd);
    expect(oa.lookAhead).toBe(true);
  });
});
