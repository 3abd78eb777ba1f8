/** The venue list the router sees: at-best flags, queue ahead with our own resting shares, effective rebates. */
import { describe, expect, it } from "vitest";
import { VenueBooks } from "../../lib/book/venueBooks.ts";
import { exponentialOutflow } from "../../lib/router/outflow.ts";
import { bookVenues, effectiveRebateUsd, venueOutflow } from "../../lib/router/venues.ts";
import { batch } from "../sim/helpers.ts";

describe("router venues", () => {
  it("a buy rests on the bids: venues at the national best bid get their size plus our own shares there", () => {
    const books = new VenueBooks(3, 3);
    const b = batch([
      { t: 0, v: 0, bids: [[100, 300]], asks: [[100.02, 100]] },
      { t: 0, v: 1, bids: [[99.99, 500]], asks: [[100.01, 100]] },
      { t: 0, v: 2, bids: [[100, 200]], asks: [[100.03, 100]] },
    ]);
    for (let i = 0; i < b.length; i++) books.onRecord(b, i);
    const out = exponentialOutflow(1000);
    const r = bookVenues(books, 1, ["A", "B", "C"], {
      ownRestingAt: (v) => (v === 2 ? 40 : 0),
      rebateUsd: (name) => (name === "A" ? 0.002 : 0.001),
      outflow: () => out,
    });
    expect(r.venues.map((v) => [v.name, v.atBest, v.queueAhead, v.rebateUsd])).toEqual([
      ["A", true, 300, 0.002],
      ["B", false, 0, 0.001],
      ["C", true, 240, 0.001],
    ]);
    expect(r.prices).toEqual([100, 99.99, 100]);
    expect(r.halfSpreadUsd).toBeCloseTo(0.005, 12);
    // a sell rests on the asks: only B is at the national best ask
    const s = bookVenues(books, -1, ["A", "B", "C"], {
      ownRestingAt: () => 0,
      rebateUsd: () => 0,
      outflow: () => out,
    });
    expect(s.venues.map((v) => v.atBest)).toEqual([false, true, false]);
  });

  it("effective rebate adds a finite adverse delta; empirical outflow when samples exist", () => {
    expect(effectiveRebateUsd(0.002, -0.0015)).toBeCloseTo(0.0005, 15);
    expect(effectiveRebateUsd(0.002, Number.NaN)).toBe(0.002);
    expect(venueOutflow(new Float64Array(0), 3000).mean).toBe(3000);
    expect(venueOutflow(Float64Array.from([100, 300]), 3000).mean).toBe(200);
  });
});
