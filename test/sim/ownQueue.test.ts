/**
 * One owner's resting orders at the same (venue, side, price) queue behind each other (executionSim.ts header):
 * queue_ahead = displayed part + remaining of the owner's earlier orders there; trades fill them in arrival
 * order, so one trade never fills the owner for more than it traded beyond the displayed queue.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { probQueue } from "../../lib/sim/queueModels.ts";
import { batch, brief, harness, ms, type Row } from "./helpers.ts";

const BOOK: Row = { t: 0, action: "A", side: "B", bids: [[100, 500]], asks: [[100.01, 400]] };
const TICK: Row = { t: 1, action: "N" };

describe("limit orders: one owner's orders at one level queue behind each other", () => {
  it("a trade fills the earlier order first and the later one only from what is left", () => {
    const h = harness();
    const b = batch([
      BOOK,
      TICK,
      { t: 2, action: "T", side: "A", price: 100, size: 650 },
      { t: 3, action: "T", side: "A", price: 100, size: 100 },
    ]);
    h.feed(b, 0, 1);
    const a = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    const bb = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    h.feed(b, 1, 2);
    expect(h.sim.queueAhead(a)).toBe(500);
    expect(h.sim.queueAhead(bb)).toBe(600);
    h.feed(b, 2, 3);
    expect(brief(h.fills)).toEqual([
      [a, 0, 100, 100, true],
      [bb, 0, 100, 50, true],
    ]);
    expect(h.sim.openQty(a)).toBe(0);
    expect(h.sim.queueAhead(bb)).toBe(0);
    h.feed(b, 3);
    expect(brief(h.fills)[2]).toEqual([bb, 0, 100, 50, true]);
    expect(h.sim.liveOrders).toBe(0);
  });

  it("a trade short of the displayed queue fills nothing and moves both; a partial fill of the earlier order moves the later", () => {
    const h = harness();
    const b = batch([
      BOOK,
      TICK,
      { t: 2, action: "T", side: "A", price: 100, size: 300 },
      { t: 3, action: "T", side: "A", price: 100, size: 250 },
      { t: 4, action: "T", side: "A", price: 100, size: 120 },
    ]);
    h.feed(b, 0, 1);
    const a = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    const bb = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    h.feed(b, 1, 3);
    expect(h.fills).toEqual([]);
    expect(h.sim.queueAhead(a)).toBe(200);
    expect(h.sim.queueAhead(bb)).toBe(300);
    h.feed(b, 3, 4); // 250 against 200 displayed: A fills 50, B still has A's other 50 in front
    expect(brief(h.fills)).toEqual([[a, 0, 100, 50, true]]);
    expect(h.sim.queueAhead(a)).toBe(0);
    expect(h.sim.queueAhead(bb)).toBe(50);
    h.feed(b, 4); // 120: A's last 50, then 70 of B
    expect(brief(h.fills).slice(1)).toEqual([
      [a, 0, 100, 50, true],
      [bb, 0, 100, 70, true],
    ]);
  });

  it("cancelling the earlier order moves the later one up by its remaining shares", () => {
    const h = harness();
    const b = batch([BOOK, TICK, { t: 2, action: "T", side: "A", price: 100, size: 550 }]);
    h.feed(b, 0, 1);
    const a = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    const bb = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    h.feed(b, 1, 2);
    expect(h.sim.queueAhead(bb)).toBe(600);
    expect(h.sim.cancel(a)).toBe(100);
    expect(h.sim.queueAhead(bb)).toBe(500);
    h.feed(b, 2);
    expect(brief(h.fills)).toEqual([[bb, 0, 100, 50, true]]);
  });

  it("an order arriving later joins behind the displayed size at its arrival and the owner's earlier remaining", () => {
    const h = harness();
    const b = batch([
      BOOK,
      TICK,
      { t: 2, action: "A", side: "B", price: 100, size: 300, bids: [[100, 800]] },
      { t: 3, action: "N" },
      { t: 4, action: "T", side: "A", price: 100, size: 550 },
      { t: 5, action: "T", side: "A", price: 100, size: 350 },
    ]);
    h.feed(b, 0, 1);
    const a = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    h.feed(b, 1, 3);
    const bb = h.sim.submitLimit(1, 0, 1, 100, 100, ms(2));
    h.feed(b, 3, 4);
    expect(h.sim.queueAhead(a)).toBe(500);
    expect(h.sim.queueAhead(bb)).toBe(900);
    // 550: 500 displayed in front of A, then 50 of A; B keeps the 300 displayed between A and B plus A's 50
    h.feed(b, 4, 5);
    expect(brief(h.fills)).toEqual([[a, 0, 100, 50, true]]);
    expect(h.sim.queueAhead(bb)).toBe(350);
    h.feed(b, 5);
    expect(brief(h.fills).slice(1)).toEqual([[a, 0, 100, 50, true]]);
    expect(h.sim.queueAhead(bb)).toBe(0);
  });

  it("another owner at the same price is independent (sees only the displayed queue)", () => {
    const h = harness();
    const b = batch([BOOK, TICK, { t: 2, action: "T", side: "A", price: 100, size: 650 }]);
    h.feed(b, 0, 1);
    const a = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    const bb = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    const c = h.sim.submitLimit(2, 0, 1, 100, 200, ms(0));
    h.feed(b, 1, 2);
    expect(h.sim.queueAhead(c)).toBe(500);
    h.feed(b, 2);
    expect(brief(h.fills)).toEqual([
      [a, 0, 100, 100, true],
      [bb, 0, 100, 50, true],
      [c, 0, 100, 150, true],
    ]);
  });

  it("the displayed-level cap and the queue model act on the displayed part only", () => {
    const rows: Row[] = [
      BOOK,
      TICK,
      { t: 2, action: "C", side: "B", price: 100, size: 300, bids: [[100, 200]] },
      { t: 3, action: "T", side: "A", price: 100, size: 250 },
    ];
    const h = harness();
    const b = batch(rows);
    h.feed(b, 0, 1);
    const a = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    const bb = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    h.feed(b, 1, 3);
    expect(h.sim.queueAhead(a)).toBe(200);
    expect(h.sim.queueAhead(bb)).toBe(300); // 200 displayed (capped) + A's 100 (not capped)
    h.feed(b, 3);
    expect(brief(h.fills)).toEqual([[a, 0, 100, 50, true]]);
    expect(h.sim.queueAhead(bb)).toBe(50);
    // prob(1): the model sees the displayed part (ahead 500, behind 0) for both orders
    const h2 = harness({ queueModel: probQueue(1) });
    const b2 = batch(rows.slice(0, 3));
    h2.feed(b2, 0, 1);
    const a2 = h2.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    const b2b = h2.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    h2.feed(b2);
    expect(h2.sim.queueAhead(a2)).toBe(200);
    expect(h2.sim.queueAhead(b2b)).toBe(300);
  });

  it("a vacated level: the next trade fills the owner's orders in arrival order, up to its size in total", () => {
    const h = harness();
    const b = batch([
      BOOK,
      TICK,
      { t: 2, action: "C", side: "B", price: 100, size: 500, bids: [[99.99, 300]] },
      { t: 3, action: "T", side: "A", price: 100, size: 130 },
    ]);
    h.feed(b, 0, 1);
    const a = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    const bb = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    h.feed(b, 1, 3);
    expect(h.sim.queueAhead(a)).toBe(0);
    expect(h.sim.queueAhead(bb)).toBe(100);
    h.feed(b, 3);
    expect(brief(h.fills)).toEqual([
      [a, 0, 100, 100, true],
      [bb, 0, 100, 30, true],
    ]);
  });

  it("through fills and at-price fills of one owner share the trade's size, better prices first", () => {
    const h = harness();
    const b = batch([BOOK, TICK, { t: 2, action: "T", side: "A", price: 100, size: 650 }]);
    h.feed(b, 0, 1);
    const at = h.sim.submitLimit(1, 0, 1, 100, 300, ms(0));
    const better = h.sim.submitLimit(1, 0, 1, 100.005, 100, ms(0));
    const other = h.sim.submitLimit(2, 0, 1, 100, 300, ms(0));
    h.feed(b);
    // owner 1: 100 through at 100.005, then 650 - 100 - 500 = 50 at 100; owner 2 alone: 150
    expect(brief(h.fills)).toEqual([
      [better, 0, 100.005, 100, true],
      [at, 0, 100, 50, true],
      [other, 0, 100, 150, true],
    ]);
  });

  it("orders filled through a trade and by a quote cross are served in arrival order at one price", () => {
    const h = harness();
    const b = batch([
      BOOK,
      TICK,
      { t: 2, action: "A", side: "A", price: 100, size: 150, asks: [[100, 150]] },
      { t: 3, action: "T", side: "A", price: 99.98, size: 70 },
    ]);
    h.feed(b, 0, 1);
    const a = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    const bb = h.sim.submitLimit(1, 0, 1, 100, 100, ms(0));
    h.feed(b, 1, 3);
    expect(brief(h.fills)).toEqual([
      [a, 0, 100, 100, true],
      [bb, 0, 100, 50, true],
    ]);
    expect(h.sim.queueAhead(bb)).toBe(500);
    h.feed(b, 3);
    expect(brief(h.fills)[2]).toEqual([bb, 0, 100, 50, true]);
  });

  it("property: an owner's orders at one level fill exactly like one queue behind the displayed size", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 }),
        (qtys, trades) => {
          const h = harness();
          const b = batch([
            BOOK,
            TICK,
            ...trades.map((size, j): Row => ({ t: 2 + j, action: "T", side: "A", price: 100, size })),
          ]);
          h.feed(b, 0, 1);
          const ids = qtys.map((q) => h.sim.submitLimit(1, 0, 1, 100, q, ms(0)));
          h.feed(b);
          const traded = trades.reduce((x, y) => x + y, 0);
          let front = 500;
          ids.forEach((id, j) => {
            const want = Math.min(qtys[j]!, Math.max(0, traded - front));
            const got = h.fills.filter((f) => f.orderId === id).reduce((x, f) => x + f.qty, 0);
            expect(got).toBe(want);
            front += qtys[j]!;
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
