/** Consistent books per venue (copied at F_LAST only) and the national best across venues. */
import { describe, expect, it } from "vitest";
import { VenueBooks } from "../../lib/book/venueBooks.ts";
import { batch } from "../sim/helpers.ts";

describe("VenueBooks", () => {
  it("copies books at F_LAST records only and combines venues into the national best", () => {
    const b = batch([
      { t: 0, v: 0, bids: [[100, 300]], asks: [[100.03, 100]] },
      { t: 1, v: 1, bids: [[100.01, 200]], asks: [[100.02, 50]] },
      // not F_LAST: an inconsistent intermediate book that must not be used
      { t: 2, v: 1, flags: 0, bids: [[99, 1]], asks: [[99.5, 1]] },
    ]);
    const books = new VenueBooks(2, 3);
    expect(books.mid()).toBeNaN();
    expect([books.onRecord(b, 0), books.onRecord(b, 1), books.onRecord(b, 2)]).toEqual([true, true, false]);
    expect([books.nationalBestBid(), books.nationalBestAsk()]).toEqual([100.01, 100.02]);
    expect(books.mid()).toBeCloseTo(100.015, 12);
    expect([books.bestBid(0), books.bestAskSize(1)]).toEqual([100, 50]);
    expect(books.sizeAtBid(100.01)).toBe(200);
    books.clear(1);
    expect([books.nationalBestBid(), books.nationalBestAsk()]).toEqual([100, 100.03]);
  });
});
