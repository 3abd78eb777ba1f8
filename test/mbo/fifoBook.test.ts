import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { priceKey } from "../../lib/core/units.ts";
import { ASK, BID, FifoBook } from "../../lib/mbo/fifoBook.ts";

const A = 65;
const B = 66;
const ADD = 65;
const CXL = 67;
const MOD = 77;
const CLR = 82;
const k = priceKey;

describe("FifoBook: price-time priority from MBO events", () => {
  it("adds join the back; a size decrease keeps priority, an increase or a price change loses it", () => {
    const b = new FifoBook();
    b.apply(ADD, B, 100, 5, 1n);
    b.apply(ADD, B, 100, 3, 2n);
    b.apply(ADD, B, 100, 2, 3n);
    expect(b.queue(BID, k(100))).toEqual([5, 3, 2]);
    b.apply(MOD, B, 100, 4, 1n); // decrease: stays first
    expect(b.queue(BID, k(100))).toEqual([4, 3, 2]);
    b.apply(MOD, B, 100, 6, 2n); // increase: to the back
    expect(b.queue(BID, k(100))).toEqual([4, 2, 6]);
    b.apply(MOD, B, 99.75, 2, 3n); // price change: back of the new level
    expect(b.queue(BID, k(100))).toEqual([4, 6]);
    expect(b.queue(BID, k(99.75))).toEqual([2]);
    expect(b.levelSize(BID, k(100))).toBe(10);
    b.apply(CXL, B, 100, 1, 1n); // partial cancel keeps priority
    expect(b.queue(BID, k(100))).toEqual([3, 6]);
    b.apply(CXL, B, 100, 3, 1n); // the rest: the order leaves
    expect(b.queue(BID, k(100))).toEqual([6]);
    expect(b.sideOf(1n)).toBe(-1);
    expect(b.levelKey(BID, 0)).toBe(k(100));
    expect(b.levelKey(BID, 1)).toBe(k(99.75));
    b.apply(CLR, 78, Number.NaN, 0, 0n);
    expect(b.orderCount).toBe(0);
    expect(b.depth(BID)).toBe(0);
  });

  it("sizeAhead counts only orders that joined before a hypothetical order", () => {
    const b = new FifoBook();
    b.apply(ADD, A, 101, 4, 1n);
    b.apply(ADD, A, 101, 6, 2n);
    const me = b.takePriority();
    b.apply(ADD, A, 101, 9, 3n);
    expect(b.sizeAhead(ASK, k(101), me)).toBe(10);
    b.apply(CXL, A, 101, 9, 3n); // behind us: no change
    expect(b.sizeAhead(ASK, k(101), me)).toBe(10);
    b.apply(MOD, A, 101, 8, 2n); // ahead, larger: goes behind us
    expect(b.sizeAhead(ASK, k(101), me)).toBe(4);
    b.apply(CXL, A, 101, 4, 1n);
    expect(b.sizeAhead(ASK, k(101), me)).toBe(0);
    expect(b.levelSize(ASK, k(101))).toBe(8);
  });

  it("property: levels equal the per-price sums of the live orders, sorted, whatever the event sequence", () => {
    const ev = fc.record({
      act: fc.constantFrom(ADD, ADD, CXL, MOD),
      id: fc.integer({ min: 1, max: 12 }),
      side: fc.constantFrom(A, B),
      tick: fc.integer({ min: 0, max: 6 }),
      size: fc.integer({ min: 1, max: 9 }),
    });
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 80 }), (events) => {
        const b = new FifoBook();
        const live = new Map<number, { side: number; px: number; size: number }>();
        for (const e of events) {
          const px = 100 + e.tick * 0.25;
          const o = live.get(e.id);
          if (e.act === ADD) {
            if (o) continue;
            live.set(e.id, { side: e.side, px, size: e.size });
            b.apply(ADD, e.side, px, e.size, BigInt(e.id));
          } else if (e.act === CXL) {
            if (!o) continue;
            o.size -= Math.min(o.size, e.size);
            if (o.size === 0) live.delete(e.id);
            b.apply(CXL, o.side, o.px, e.size, BigInt(e.id));
          } else {
            if (!o) continue;
            o.px = px;
            o.size = e.size;
            b.apply(MOD, o.side, px, e.size, BigInt(e.id));
          }
        }
        for (const [side, code] of [
          [BID, B],
          [ASK, A],
        ] as const) {
          const sums = new Map<number, number>();
          for (const o of live.values())
            if (o.side === code) sums.set(k(o.px), (sums.get(k(o.px)) ?? 0) + o.size);
          const keys = [...sums.keys()].sort((x, y) => (side === BID ? y - x : x - y));
          expect(b.depth(side)).toBe(keys.length);
          keys.forEach((key, i) => {
            expect(b.levelKey(side, i)).toBe(key);
            expect(b.levelSize(side, key)).toBe(sums.get(key));
            expect(b.queue(side, key).reduce((x, y) => x + y, 0)).toBe(sums.get(key));
          });
        }
        expect(b.orderCount).toBe(live.size);
      }),
      { numRuns: 300 },
    );
  });
});
