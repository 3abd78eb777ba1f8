import { describe, expect, it } from "vitest";
import { batch, brief, harness, ms, type Row, TAKER } from "./helpers.ts";

const ASKS3: Row = {
  t: 0,
  action: "A",
  side: "A",
  bids: [[100, 500]],
  asks: [
    [100.01, 100],
    [100.02, 200],
    [100.03, 300],
  ],
};

describe("market orders (MODELS.md 6.1)", () => {
  it("walks three levels, keeps the rest pending and fills it on the next F_LAST book", () => {
    const h = harness();
    const b = batch([
      ASKS3,
      { t: 1, action: "N" },
      // not F_LAST: inconsistent intermediate record, must not be used
      {
        t: 2,
        action: "A",
        side: "A",
        flags: 0,
        asks: [
          [100.03, 300],
          [100.04, 50],
        ],
      },
      {
        t: 2,
        action: "A",
        side: "A",
        asks: [
          [100.03, 300],
          [100.04, 500],
        ],
      },
    ]);
    h.feed(b, 0, 1);
    const id = h.sim.submitMarket(3, 1, 800, ms(0));
    h.feed(b, 1, 3);
    expect(brief(h.fills)).toEqual([
      [id, 0, 100.01, 100, false],
      [id, 0, 100.02, 200, false],
      [id, 0, 100.03, 300, false],
    ]);
    expect(h.fills.every((f) => f.tsNs === ms(1))).toBe(true);
    expect(h.fills[2]!.feeUsd).toBeCloseTo(TAKER * 300, 12);
    expect(h.sim.openQty(id)).toBe(200);
    h.feed(b, 3);
    // 100.03 still shows the 300 shares this owner took: not reused; 100.04 is new
    expect(brief(h.fills)[3]).toEqual([id, 0, 100.04, 200, false]);
    expect(h.fills[3]!.tsNs).toBe(ms(2));
    expect(h.sim.openQty(id)).toBe(0);
  });

  it("walks across venues cheapest first, then next levels", () => {
    const h = harness();
    const b = batch([
      { ...ASKS3, asks: [[100.01, 100]] },
      {
        t: 0,
        v: 1,
        action: "A",
        bids: [[99.99, 10]],
        asks: [
          [100, 50],
          [100.02, 100],
        ],
      },
      { t: 1, action: "N" },
    ]);
    h.feed(b, 0, 2);
    const id = h.sim.submitMarket(1, 1, 200, ms(0));
    h.feed(b, 2);
    expect(brief(h.fills)).toEqual([
      [id, 1, 100, 50, false],
      [id, 0, 100.01, 100, false],
      [id, 1, 100.02, 50, false],
    ]);
  });

  it("a sell walks the bids from the best down", () => {
    const h = harness();
    const b = batch([
      {
        ...ASKS3,
        bids: [
          [100, 20],
          [99.99, 30],
        ],
      },
      { t: 1, action: "N" },
    ]);
    h.feed(b, 0, 1);
    const id = h.sim.submitMarket(1, -1, 40, ms(0));
    h.feed(b, 1);
    expect(brief(h.fills)).toEqual([
      [id, 0, 100, 20, false],
      [id, 0, 99.99, 20, false],
    ]);
  });

  it("latency: an order submitted at t arrives at t + 1 ms and sees the book before that record", () => {
    const h = harness();
    const b = batch([
      ASKS3,
      { t: 0.5, action: "C", side: "A", asks: [[100.05, 1000]] },
      { t: 1, action: "A", side: "A", asks: [[100.01, 1000]] },
    ]);
    h.feed(b, 0, 1);
    const id = h.sim.submitMarket(1, 1, 100, ms(0));
    h.feed(b, 1, 2);
    expect(h.fills).toEqual([]); // 0.5 ms < arrival
    h.feed(b, 2);
    expect(brief(h.fills)).toEqual([[id, 0, 100.05, 100, false]]);
    expect(h.fills[0]!.tsNs).toBe(ms(1));
  });

  it("consumed liquidity is not reused by the same owner; a size increase frees only the added shares", () => {
    const h = harness();
    const b = batch([
      {
        ...ASKS3,
        asks: [
          [100.01, 100],
          [100.02, 100],
        ],
      },
      { t: 1, action: "N" },
      { t: 2, action: "A", side: "B", bids: [[100, 600]] }, // other side changes
      {
        t: 3,
        action: "A",
        side: "A",
        asks: [
          [100.01, 150],
          [100.02, 100],
        ],
      },
    ]);
    h.feed(b, 0, 1);
    const a = h.sim.submitMarket(1, 1, 100, ms(0));
    h.feed(b, 1, 2);
    const c = h.sim.submitMarket(1, 1, 100, ms(1));
    const other = h.sim.submitMarket(2, 1, 100, ms(1));
    h.feed(b, 2, 3);
    const d = h.sim.submitMarket(1, 1, 150, ms(2));
    h.feed(b, 3);
    expect(brief(h.fills)).toEqual([
      [a, 0, 100.01, 100, false],
      [c, 0, 100.02, 100, false], // 100.01 was taken by owner 1
      [other, 0, 100.01, 100, false], // owner 2 is alone in its market
      // Deliberate rule change (consumed.ts), not a weakening: 100 -> 150 adds 50 new shares; the 100 owner 1
      // took are still consumed (they used to count as fresh: 150). 100.02 is still taken by c: d waits.
      [d, 0, 100.01, 50, false],
    ]);
    expect(h.sim.openQty(d)).toBe(100);
  });

  it("a shrinking level frees nothing it did not show: 500 -> 499 -> 498 fills a 1000 buy for 500 in total", () => {
    // reviewer's scenario A (level-1 book): the shares that left are assumed to be the ones we took
    const h = harness({ levels: 1, maxVenues: 1 });
    const b = batch(
      [
        { t: 0, bids: [[100, 500]], asks: [[100.01, 500]] },
        { t: 2, action: "A", side: "B", price: 100, size: 1, bids: [[100, 501]] },
        { t: 3, action: "C", side: "A", price: 100.01, size: 1, asks: [[100.01, 499]] },
        { t: 4, action: "C", side: "A", price: 100.01, size: 1, asks: [[100.01, 498]] },
      ],
      1,
    );
    h.feed(b, 0, 1);
    const id = h.sim.submitMarket(1, 1, 1000, ms(0));
    h.feed(b, 1);
    expect(brief(h.fills)).toEqual([[id, 0, 100.01, 500, false]]);
    expect(h.sim.openQty(id)).toBe(500);
  });

  it("consumed shares: a decrease removes ours first, an increase adds only new shares", () => {
    const h = harness({ levels: 1, maxVenues: 1 });
    const b = batch(
      [
        { t: 0, bids: [[100, 500]], asks: [[100.01, 500]] },
        { t: 1, action: "N" },
        { t: 2, action: "C", side: "A", price: 100.01, size: 1, asks: [[100.01, 499]] },
        { t: 3, action: "A", side: "A", price: 100.01, size: 1, asks: [[100.01, 500]] }, // +1 new share
        { t: 4, action: "C", side: "A", price: 100.01, size: 300, asks: [[100.01, 200]] },
        { t: 5, action: "N" },
      ],
      1,
    );
    h.feed(b, 0, 1);
    const id = h.sim.submitMarket(1, 1, 800, ms(0)); // takes 500 at t = 1
    h.feed(b, 1, 3);
    expect(brief(h.fills)).toEqual([[id, 0, 100.01, 500, false]]); // 499 shown, 499 still ours
    h.feed(b, 3, 4);
    expect(brief(h.fills)[1]).toEqual([id, 0, 100.01, 1, false]); // 500 shown: the added share only
    h.feed(b, 4);
    // 500 -> 200: our 500 consumed lose 300, 200 stay consumed: nothing available
    expect(h.fills).toHaveLength(2);
    expect(h.sim.openQty(id)).toBe(299);
  });

  it("cancelAndCatchUp cancels limits and sends their unfilled total as one market order", () => {
    const h = harness();
    const b = batch([ASKS3, { t: 1, action: "N" }, { t: 2, action: "N" }, { t: 3, action: "N" }]);
    h.feed(b, 0, 1);
    const l1 = h.sim.submitLimit(1, 0, 1, 99.9, 70, ms(0));
    const l2 = h.sim.submitLimit(1, 1, 1, 99.9, 60, ms(0));
    h.feed(b, 1, 2);
    const m = h.sim.cancelAndCatchUp(1, [l1, l2], 1, ms(1.5));
    expect(h.sim.openQty(m)).toBe(130);
    h.feed(b, 2);
    expect(brief(h.fills)).toEqual([
      [m, 0, 100.01, 100, false],
      [m, 0, 100.02, 30, false],
    ]);
    expect(h.sim.cancelAndCatchUp(1, [l1, l2, m], 1, ms(3))).toBe(0);
    expect(h.sim.liveOrders).toBe(0);
  });

  it("rejects fractional quantities and bad venues with a message; zero quantity is a finished order", () => {
    const h = harness();
    expect(() => h.sim.submitMarket(1, 1, 1.5, 0n)).toThrow(/whole shares/);
    expect(() => h.sim.submitLimit(1, 9, 1, 100, 1, 0n)).toThrow(/venue 9/);
    expect(h.sim.openQty(h.sim.submitMarket(1, 1, 0, 0n))).toBe(0);
  });
});
